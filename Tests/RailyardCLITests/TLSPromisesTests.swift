import AsyncHTTPClient
import Foundation
import NIOSSL
import RailyardEdge
import Testing

/// SECURITY.md's promises for HTTPS, through a live server: installed certificates' keys are
/// sealed at rest, TLS 1.2 is the minimum, and expired certificates are refused.
extension DeployEndToEndTests {
    /// Every file under `folder` (the store, its journal, anything else the server wrote).
    static func files(under folder: String) -> [String] {
        guard let walker = FileManager.default.enumerator(atPath: folder) else { return [] }
        return walker.compactMap { $0 as? String }.map { folder + "/" + $0 }
    }

    @Test func certificateKeysAreSealedOldTLSAndExpiredCertificatesAreRefused() async throws {
        let world = try await World.make()
        defer { world.stop() }
        try await world.service("web")
        let v1 = try await world.up(try Self.app(["main.py": Self.pythonServer("v1")]), service: "web")
        #expect(v1.status == 0, "\(v1.log)")

        // An expired certificate: its last valid moment a day ago.
        let expired = try TLSIdentity.selfSignedPEM(for: "old.example.com", days: -1)
        let refused = try await world.cli.exec([
            "domain", "add", "old.example.com", "--service", "web",
            "--cert", try Self.write(expired.certificate, "old.pem"), "--key", try Self.write(expired.privateKey, "old.key"),
        ])
        #expect(refused.status != 0)
        #expect(refused.stderr.contains("expired"), "\(refused.stderr)")

        // A valid one is installed: its private key appears in no file of the data folder.
        let secure = try TLSIdentity.selfSignedPEM(for: "secure.example.com")
        let added = try await world.cli.exec([
            "domain", "add", "secure.example.com", "--service", "web",
            "--cert", try Self.write(secure.certificate, "cert.pem"), "--key", try Self.write(secure.privateKey, "key.pem"),
        ])
        #expect(added.status == 0, "\(added.stderr)")
        // The key's base64 lines, each long enough not to turn up by chance.
        let keyLines = secure.privateKey.split(separator: "\n").filter { !$0.hasPrefix("-----") && $0.count >= 40 }
        #expect(!keyLines.isEmpty)
        let stored = Self.files(under: world.data)
        #expect(stored.contains { $0.hasSuffix("railyard.sqlite") }, "the store is in the data folder: \(stored)")
        for path in stored {
            guard let data = FileManager.default.contents(atPath: path) else { continue }
            let text = String(decoding: data, as: UTF8.self)
            #expect(!text.contains("PRIVATE KEY"), "\(path) holds a PEM private key")
            for line in keyLines { #expect(!text.contains(line), "\(path) holds the key in the clear") }
        }

        // TLS 1.1 at most: no handshake. TLS 1.2: served (so the refusal was the version).
        func fetch(maximum: TLSVersion) async throws -> String {
            var tls = TLSConfiguration.makeClientConfiguration()
            tls.certificateVerification = .none
            tls.minimumTLSVersion = .tlsv1
            tls.maximumTLSVersion = maximum
            var configuration = HTTPClient.Configuration(tlsConfiguration: tls)
            configuration.dnsOverride = ["secure.example.com": "127.0.0.1"]
            let client = HTTPClient(eventLoopGroupProvider: .singleton, configuration: configuration)
            defer { Task { try? await client.shutdown() } }
            let response = try await client.execute(
                HTTPClientRequest(url: "https://secure.example.com:\(world.server.httpsPort)/"), timeout: .seconds(20))
            return String(buffer: try await response.body.collect(upTo: 1024))
        }
        #expect(try await fetch(maximum: .tlsv12) == "v1")
        do {
            _ = try await fetch(maximum: .tlsv11)
            Issue.record("a TLS 1.1 client was served")
        } catch {
            #expect(error is NIOSSLError || error is BoringSSLError, "not a TLS refusal: \(error)")
        }
    }
}
