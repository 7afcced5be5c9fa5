import AsyncHTTPClient
import Foundation
import NIOCore
import NIOPosix

/// How the platform decides that an instance serves: HTTP 200 on the health-check path, or,
/// without a path, the port accepting connections.
public struct HealthCheck: Sendable {
    public var path: String?

    public init(path: String?) { self.path = path }

    /// One probe, with a short timeout of its own.
    public func probe(port: Int) async -> Bool {
        if let path {
            let target = path.hasPrefix("/") ? path : "/" + path
            let request = HTTPClientRequest(url: "http://127.0.0.1:\(port)\(target)")
            guard let response = try? await HTTPClient.shared.execute(request, timeout: .seconds(5)) else { return false }
            _ = try? await response.body.collect(upTo: 1 << 20)
            return response.status == .ok
        }
        do {
            let channel = try await ClientBootstrap(group: MultiThreadedEventLoopGroup.singleton)
                .connectTimeout(.seconds(2))
                .connect(host: "127.0.0.1", port: port).get()
            try? await channel.close()
            return true
        } catch {
            return false
        }
    }
}

/// Free TCP ports on loopback for new instances.
enum PortAllocator {
    /// A port the kernel says is free now. Another process could take it before the instance
    /// binds it; the health check then fails and the instance is restarted on a new port.
    static func freePort() -> Int? { bound(0) }

    /// `port` when nothing listens on it now, else nil. Connections still closing on it do not
    /// count: servers bind with SO_REUSEADDR, as this check does.
    static func claim(_ port: Int) -> Int? {
        guard (1024...65535).contains(port) else { return nil }
        return bound(port, reuseAddress: true)
    }

    /// Binds a socket to 127.0.0.1:`port` (0: any) and returns the port it got.
    private static func bound(_ port: Int, reuseAddress: Bool = false) -> Int? {
        let descriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard descriptor >= 0 else { return nil }
        defer { close(descriptor) }
        if reuseAddress {
            var on: Int32 = 1
            setsockopt(descriptor, SOL_SOCKET, SO_REUSEADDR, &on, socklen_t(MemoryLayout<Int32>.size))
        }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = UInt16(port).bigEndian
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(descriptor, $0, length) }
        }
        guard bound == 0 else { return nil }
        let named = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(descriptor, $0, &length) }
        }
        guard named == 0 else { return nil }
        return Int(UInt16(bigEndian: address.sin_port))
    }
}
