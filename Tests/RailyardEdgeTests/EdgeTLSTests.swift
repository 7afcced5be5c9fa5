import AsyncHTTPClient
import Foundation
import NIOConcurrencyHelpers
import NIOCore
import NIOPosix
import NIOSSL
import Testing
@testable import RailyardEdge

/// HTTPS at the edge over real sockets: certificates chosen by SNI, redirects, body limits.
struct EdgeTLSTests {
    typealias Edge = EdgeProxyTests.Edge

    /// What one TLS connection saw: the certificate the edge presented, and the raw answer to
    /// `request` (sent with `Connection: close`).
    struct TLSReply {
        let certificate: NIOSSLCertificate
        let response: String
    }

    /// Opens a TLS connection naming `serverName` (SNI), accepts whatever certificate comes
    /// (the test looks at it) and sends one request for `host`.
    static func exchange(port: Int, serverName: String?, host: String, path: String = "/") async throws -> TLSReply {
        let presented = NIOLockedValueBox<NIOSSLCertificate?>(nil)
        var configuration = TLSConfiguration.makeClientConfiguration()
        configuration.certificateVerification = .none
        let context = try NIOSSLContext(configuration: configuration)
        let done = MultiThreadedEventLoopGroup.singleton.any().makePromise(of: String.self)
        let channel = try await ClientBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .channelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    let tls = try NIOSSLClientHandler(
                        context: context, serverHostname: serverName,
                        customVerificationCallback: { chain, promise in
                            presented.withLockedValue { $0 = chain.first }
                            promise.succeed(.certificateVerified)
                        })
                    try channel.pipeline.syncOperations.addHandlers([tls, Collector(done: done)])
                }
            }
            .connect(host: "127.0.0.1", port: port).get()
        let request = "GET \(path) HTTP/1.1\r\nHost: \(host)\r\nConnection: close\r\n\r\n"
        try await channel.writeAndFlush(ByteBuffer(string: request))
        let response = try await done.futureResult.get()
        guard let certificate = presented.withLockedValue({ $0 }) else { throw EdgeError("no certificate presented") }
        return TLSReply(certificate: certificate, response: response)
    }

    /// Gathers everything the server sends until it closes.
    final class Collector: ChannelInboundHandler {
        typealias InboundIn = ByteBuffer
        let done: EventLoopPromise<String>
        var received = ""

        init(done: EventLoopPromise<String>) { self.done = done }

        func channelRead(context: ChannelHandlerContext, data: NIOAny) {
            received += String(buffer: unwrapInboundIn(data))
        }

        func channelInactive(context: ChannelHandlerContext) { done.succeed(received) }

        func errorCaught(context: ChannelHandlerContext, error: any Error) {
            // A server that closes without close_notify still said what it had to say.
            if let error = error as? NIOSSLError, case .uncleanShutdown = error { return }
            done.fail(error)
            context.close(promise: nil)
        }
    }

    static func names(_ certificate: NIOSSLCertificate) -> [String] {
        certificate._subjectAlternativeNames().compactMap { name in
            name.nameType == .dnsName ? String(decoding: name.contents, as: UTF8.self) : nil
        }
    }

    @Test func eachDomainGetsItsOwnCertificateBySNI() async throws {
        let shop = try await TestUpstream.start("shop")
        let blog = try await TestUpstream.start("blog")
        let edge = try await Edge.start()
        let tls = try await edge.server.bindTLS(host: "127.0.0.1", port: 0)
        let tlsPort = tls.localAddress?.port ?? 0
        defer { Task { try? await tls.close(); await edge.stop(); await shop.stop(); await blog.stop() } }
        // shop.example.com has a certificate installed; blog.example.com none.
        let pem = try TLSIdentity.selfSignedPEM(for: "shop.example.com")
        let installed = try TLSIdentity(certificateChainPEM: pem.certificate, privateKeyPEM: pem.privateKey)
        edge.route("shop.example.com", to: [shop.port], identity: installed)
        edge.route("blog.example.com", to: [blog.port])

        let shopReply = try await Self.exchange(port: tlsPort, serverName: "shop.example.com", host: "shop.example.com", path: "/headers")
        let installedCertificate = try NIOSSLCertificate.fromPEMBytes(Array(pem.certificate.utf8))[0]
        #expect(shopReply.certificate == installedCertificate, "the installed certificate is presented for its domain")
        #expect(shopReply.response.hasPrefix("HTTP/1.1 200"), "\(shopReply.response)")
        #expect(shopReply.response.contains("x-forwarded-proto: https"), "\(shopReply.response)")

        let blogReply = try await Self.exchange(port: tlsPort, serverName: "blog.example.com", host: "blog.example.com")
        #expect(blogReply.certificate != installedCertificate)
        #expect(Self.names(blogReply.certificate) == ["blog.example.com"], "a self-signed certificate for the domain")
        #expect(blogReply.response.hasSuffix("blog"), "\(blogReply.response)")
        let again = try await Self.exchange(port: tlsPort, serverName: "blog.example.com", host: "blog.example.com")
        #expect(again.certificate == blogReply.certificate, "the self-signed certificate is made once, then kept")

        // A name the edge does not route gets its own certificate (no other domain's) and a 404.
        let stranger = try await Self.exchange(port: tlsPort, serverName: "other.example.org", host: "other.example.org")
        #expect(Self.names(stranger.certificate) == ["railyard-edge.invalid"])
        #expect(stranger.response.hasPrefix("HTTP/1.1 404"))
        let noName = try await Self.exchange(port: tlsPort, serverName: nil, host: "shop.example.com")
        #expect(Self.names(noName.certificate) == ["railyard-edge.invalid"], "no SNI: the edge's own certificate")
        #expect(noName.response.hasSuffix("shop"), "the Host header still routes")

        // A client that trusts only the installed certificate verifies it by name.
        var verifying = HTTPClient.Configuration()
        var trust = TLSConfiguration.makeClientConfiguration()
        trust.trustRoots = .certificates([installedCertificate])
        verifying.tlsConfiguration = trust
        verifying.dnsOverride = ["shop.example.com": "127.0.0.1"]
        let client = HTTPClient(eventLoopGroupProvider: .singleton, configuration: verifying)
        defer { Task { try? await client.shutdown() } }
        let verified = try await client.execute(HTTPClientRequest(url: "https://shop.example.com:\(tlsPort)/"), timeout: .seconds(10))
        #expect(String(buffer: try await verified.body.collect(upTo: 1024)) == "shop")
    }

    @Test func plainHTTPIsRedirectedWhereAsked() async throws {
        let app = try await TestUpstream.start("app")
        let edge = try await Edge.start()
        let tls = try await edge.server.bindTLS(host: "127.0.0.1", port: 0)
        let tlsPort = tls.localAddress?.port ?? 0
        defer { Task { try? await tls.close(); await edge.stop(); await app.stop() } }
        edge.route("secure.example.com", to: [app.port], redirectsToHTTPS: true)
        edge.route("plain.example.com", to: [app.port])

        let redirected = try await EdgeProxyTests.raw(
            edge.port, "GET /cart?item=3 HTTP/1.1\r\nHost: secure.example.com\r\nConnection: close\r\n\r\n")
        #expect(redirected.hasPrefix("HTTP/1.1 308"), "\(redirected)")
        #expect(redirected.lowercased().contains("location: https://secure.example.com:\(tlsPort)/cart?item=3"), "\(redirected)")
        #expect(app.requests.load(ordering: .relaxed) == 0, "the app never saw the plain request")
        #expect(try await EdgeProxyTests.get(edge, host: "plain.example.com").body == "app")
        let secure = try await Self.exchange(port: tlsPort, serverName: "secure.example.com", host: "secure.example.com")
        #expect(secure.response.hasSuffix("app"), "over HTTPS the request goes through")
    }

    @Test func bodiesOverTheServiceLimitGetPayloadTooLarge() async throws {
        let app = try await TestUpstream.start("app")
        let edge = try await Edge.start()
        defer { Task { await edge.stop(); await app.stop() } }
        edge.route("small.localhost", to: [app.port], maximumBodyBytes: 1024)

        // Under the limit: passed on.
        let fits = try await EdgeProxyTests.get(
            edge, host: "small.localhost", path: "/count", method: .POST, body: ByteBuffer(repeating: 1, count: 1024))
        #expect(fits.body == "1024")
        // A declared length over it: refused before any byte is read, and the connection closes.
        let declared = try await EdgeProxyTests.raw(
            edge.port, "POST /count HTTP/1.1\r\nHost: small.localhost\r\nContent-Length: 5000000\r\n\r\n" + String(repeating: "x", count: 2000))
        #expect(declared.hasPrefix("HTTP/1.1 413"), "\(declared)")
        #expect(declared.contains("1 KiB"))
        #expect(declared.lowercased().contains("connection: close"))
        // A chunked body that grows past it: refused as it crosses the limit.
        let chunk = String(repeating: "y", count: 600)
        let hex = String(chunk.utf8.count, radix: 16)
        let chunked = try await EdgeProxyTests.raw(
            edge.port, "POST /count HTTP/1.1\r\nHost: small.localhost\r\nTransfer-Encoding: chunked\r\n\r\n"
                + "\(hex)\r\n\(chunk)\r\n\(hex)\r\n\(chunk)\r\n\(hex)\r\n\(chunk)\r\n0\r\n\r\n")
        #expect(chunked.hasPrefix("HTTP/1.1 413"), "\(chunked)")
        try await EdgeProxyTests.waitUntil { edge.server.routes.inFlight(port: app.port) == 0 }
        #expect(edge.server.routes.inFlight(port: app.port) == 0, "the refused request no longer counts as in flight")
        #expect(try await EdgeProxyTests.get(edge, host: "small.localhost").body == "app", "the edge goes on serving")
    }
}
