import AsyncHTTPClient
import Foundation
import NIOCore
import NIOHTTP1
import NIOSSL
import RailyardEdge
import Testing

/// HTTPS through a live server: a certificate installed with `railyard domain add --cert --key`
/// (refused when it does not fit), self-signed ones for the rest, redirects to HTTPS, request
/// body limits per service; the installed certificate survives a restart.
extension DeployEndToEndTests {
    static func write(_ text: String, _ name: String) throws -> String {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("railyard-tls-\(UUID().uuidString)-\(name)").path
        try text.write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }

    @Test func domainsServeHTTPSWithInstalledOrSelfSignedCertificates() async throws {
        let world = try await World.make()
        defer { world.stop() }
        try await world.service("web")
        _ = try await world.cli.execJSON(["domain", "--service", "web"])
        let v1 = try await world.up(try Self.app(["main.py": Self.pythonServer("v1")]), service: "web")
        #expect(v1.status == 0, "\(v1.log)")

        let secure = try TLSIdentity.selfSignedPEM(for: "secure.example.com")
        let other = try TLSIdentity.selfSignedPEM(for: "other.example.com")
        let (certificate, key) = (try Self.write(secure.certificate, "cert.pem"), try Self.write(secure.privateKey, "key.pem"))
        // Refused, each with a one-line reason: a certificate for another name, a key of another
        // certificate, a file that is no certificate, a certificate without its key.
        let wrongName = try await world.cli.exec([
            "domain", "add", "secure.example.com", "--service", "web",
            "--cert", try Self.write(other.certificate, "other.pem"), "--key", try Self.write(other.privateKey, "other.key"),
        ])
        #expect(wrongName.status != 0)
        #expect(wrongName.stderr.contains("does not cover secure.example.com"), "\(wrongName.stderr)")
        let wrongKey = try await world.cli.exec([
            "domain", "add", "secure.example.com", "--service", "web", "--cert", certificate,
            "--key", try Self.write(other.privateKey, "other.key"),
        ])
        #expect(wrongKey.stderr.contains("does not belong to the certificate"), "\(wrongKey.stderr)")
        let notPEM = try await world.cli.exec([
            "domain", "add", "secure.example.com", "--service", "web", "--cert", try Self.write("hello", "junk.pem"), "--key", key,
        ])
        #expect(notPEM.status != 0)
        #expect(notPEM.stderr.split(separator: "\n").count == 1, "\(notPEM.stderr)")
        #expect(try await world.cli.exec(["domain", "add", "secure.example.com", "--service", "web", "--cert", certificate]).status != 0)

        let added = try await world.cli.exec([
            "domain", "add", "secure.example.com", "--service", "web", "--cert", certificate, "--key", key,
        ])
        #expect(added.status == 0, "\(added.stderr)")
        let listed = try #require(try await world.cli.execJSON(["domain", "list", "--service", "web"]) as? [[String: Any]])
        let entry = try #require(listed.first { $0["hostname"] as? String == "secure.example.com" })
        #expect((entry["certificate"] as? [String: Any])?["names"] as? [String] == ["secure.example.com"])
        #expect(entry["httpsUrl"] as? String == "https://secure.example.com:\(world.server.httpsPort)")
        #expect(entry["privateKey"] == nil && !"\(entry)".contains("PRIVATE KEY"), "the key never comes back")

        // A client that trusts only the installed certificate reaches the app over HTTPS.
        let trusted = try NIOSSLCertificate.fromPEMBytes(Array(secure.certificate.utf8))
        var verifying = TLSConfiguration.makeClientConfiguration()
        verifying.trustRoots = .certificates(trusted)
        var configuration = HTTPClient.Configuration(tlsConfiguration: verifying, redirectConfiguration: .disallow)
        configuration.dnsOverride = ["secure.example.com": "127.0.0.1"]
        let client = HTTPClient(eventLoopGroupProvider: .singleton, configuration: configuration)
        defer { Task { try? await client.shutdown() } }
        func get(
            _ url: String, host: String? = nil, method: HTTPMethod = .GET, body: Int = 0
        ) async throws -> (Int, HTTPHeaders, String) {
            var request = HTTPClientRequest(url: url)
            request.method = method
            if let host { request.headers.replaceOrAdd(name: "Host", value: host) }
            if body > 0 { request.body = .bytes(ByteBuffer(repeating: 0x61, count: body)) }
            let response = try await client.execute(request, timeout: .seconds(10))
            return (Int(response.status.code), response.headers, String(buffer: try await response.body.collect(upTo: 1 << 20)))
        }
        let https = "https://secure.example.com:\(world.server.httpsPort)"
        #expect(try await get(https + "/").2 == "v1")

        // The generated domain is served with a self-signed certificate for its own name.
        var lenient = TLSConfiguration.makeClientConfiguration()
        lenient.certificateVerification = .none
        var selfSignedConfiguration = HTTPClient.Configuration(tlsConfiguration: lenient)
        selfSignedConfiguration.dnsOverride = ["web-apps.localhost": "127.0.0.1"]
        let selfSignedClient = HTTPClient(eventLoopGroupProvider: .singleton, configuration: selfSignedConfiguration)
        defer { Task { try? await selfSignedClient.shutdown() } }
        let generated = try await selfSignedClient.execute(
            HTTPClientRequest(url: "https://web-apps.localhost:\(world.server.httpsPort)/"), timeout: .seconds(10))
        #expect(String(buffer: try await generated.body.collect(upTo: 1024)) == "v1")

        // Redirects to HTTPS, once asked for.
        #expect(try await get(world.server.edgeURL + "/cart", host: "secure.example.com").2 == "v1")
        #expect(try await world.cli.exec(["domain", "update", "secure.example.com", "--service", "web", "--https-redirect", "on"]).status == 0)
        let redirected = try await get(world.server.edgeURL + "/cart", host: "secure.example.com")
        #expect(redirected.0 == 308)
        #expect(redirected.1.first(name: "location") == https + "/cart")

        // Request bodies over the service's limit are refused at the edge; `none` lifts it.
        #expect(try await world.cli.exec(["service", "update", "--service", "web", "--max-body", "1K"]).status == 0)
        #expect(try await get(https + "/upload", method: .POST, body: 2048).0 == 413)
        #expect(try await get(https + "/upload", method: .POST, body: 100).0 == 501, "small bodies reach the app (which has no POST)")
        #expect(try await world.cli.exec(["service", "update", "--service", "web", "--max-body", "lots"]).status != 0)
        #expect(try await world.cli.exec(["service", "update", "--service", "web", "--max-body", "none"]).status == 0)
        #expect(try await get(https + "/upload", method: .POST, body: 2048).0 == 501)

        // A rename to a name the certificate does not cover is refused; removing the
        // certificate falls back to a self-signed one.
        let renamed = try await world.cli.exec(["domain", "update", "secure.example.com", "--service", "web", "--name", "shop.example.com"])
        #expect(renamed.status != 0)
        #expect(renamed.stderr.contains("does not cover shop.example.com"), "\(renamed.stderr)")

        // The installed certificate (its key sealed in the store) survives a restart.
        world.server.stop()
        try await world.server.start()
        try await Self.waitFor("the app over HTTPS after a restart") {
            (try? await get(https + "/").2) == "v1"
        }
        #expect(try await world.cli.exec(["domain", "update", "secure.example.com", "--service", "web", "--remove-cert"]).status == 0)
        // A new connection (kept-alive ones keep the certificate they were made with).
        let fresh = HTTPClient(eventLoopGroupProvider: .singleton, configuration: configuration)
        defer { Task { try? await fresh.shutdown() } }
        do {
            _ = try await fresh.execute(HTTPClientRequest(url: https + "/"), timeout: .seconds(3))
            Issue.record("the self-signed certificate was trusted: the installed one is still served")
        } catch {
            // A refusal of the certificate, not any failure (a timeout or a closed port would pass).
            #expect(error is NIOSSLError, "not a TLS refusal: \(error)")
        }
    }
}
