import AsyncHTTPClient
import Foundation
import NIOCore
import NIOHTTP1
import NIOPosix
import RailyardCore

/// How the platform decides that an instance serves: HTTP 200 on the health-check path, or,
/// without a path, the port accepting connections.
///
/// Probes run on an event loop of their own, with an HTTP client of their own, and the whole
/// exchange (connect, request, response, body) happens there: a server busy with other work
/// (a chatty app's log, a large API answer, a saturated concurrency pool) delays only when the
/// caller learns the result, never the result itself. Each probe's time-out is measured from
/// the probe's own start.
public struct HealthCheck: Sendable {
    public var path: String?
    /// A database server is asked in its own protocol whether it accepts queries
    /// (`DatabaseProbe`), not only whether its port is open.
    public var database: DatabaseEngine?
    /// How long one probe may take, from its own start.
    public var timeout: Duration

    /// Failed probes in a row after which a running replica is taken out of the route table:
    /// one failure alone never changes anything.
    public static let failuresBeforeUnhealthy = 2

    public init(path: String?, database: DatabaseEngine? = nil, timeout: Duration = .seconds(5)) {
        self.path = path
        self.database = database
        self.timeout = timeout
    }

    /// One probe: true when the instance answered in time.
    public func probe(host: String = "127.0.0.1", port: Int) async -> Bool {
        await check(host: host, port: port) == nil
    }

    /// One probe: nil when it passed, else why it failed, in words for the log.
    public func check(host: String = "127.0.0.1", port: Int) async -> String? {
        if let database { return await DatabaseProbe.check(database, host: host, port: port, timeout: timeout) }
        let deadline = NIODeadline.now() + .nanoseconds(timeout.nanoseconds)
        if let path {
            let target = path.hasPrefix("/") ? path : "/" + path
            do {
                let request = try HTTPClient.Request(url: "http://\(host):\(port)\(target)", method: .GET)
                let status = try await HealthProbes.client.execute(
                    request: request, delegate: StatusOnly(), eventLoop: .delegate(on: HealthProbes.group.next()),
                    deadline: deadline
                ).futureResult.get()
                return status == 200 ? nil : "HTTP \(status) from \(target)"
            } catch {
                return NIODeadline.now() >= deadline ? "no answer within \(timeout)" : "\(target): \(error)"
            }
        }
        do {
            let channel = try await ClientBootstrap(group: HealthProbes.group)
                .connectTimeout(.nanoseconds(timeout.nanoseconds))
                .connect(host: host, port: port).get()
            try? await channel.close()
            return nil
        } catch {
            return NIODeadline.now() >= deadline ? "no connection within \(timeout)" : "port \(port): \(error)"
        }
    }
}

/// The probes' own event loop and HTTP client, apart from the API's, the edge's and the
/// client everyone else shares, for as long as the process runs.
enum HealthProbes {
    static let group = MultiThreadedEventLoopGroup(numberOfThreads: 1)
    static let client = HTTPClient(
        eventLoopGroupProvider: .shared(group),
        configuration: HTTPClient.Configuration(redirectConfiguration: .disallow, decompression: .disabled))
}

/// Keeps a response's status and throws its body away as it comes, on the event loop: a
/// health endpoint that answers gigabytes costs nothing but the time-out.
final class StatusOnly: HTTPClientResponseDelegate, @unchecked Sendable {
    // Touched only on the request's event loop, one callback at a time.
    private var status: UInt = 0

    func didReceiveHead(task: HTTPClient.Task<UInt>, _ head: HTTPResponseHead) -> EventLoopFuture<Void> {
        status = head.status.code
        return task.eventLoop.makeSucceededVoidFuture()
    }

    func didReceiveBodyPart(task: HTTPClient.Task<UInt>, _ buffer: ByteBuffer) -> EventLoopFuture<Void> {
        task.eventLoop.makeSucceededVoidFuture()
    }

    func didFinishRequest(task: HTTPClient.Task<UInt>) throws -> UInt { status }
}

extension Duration {
    var nanoseconds: Int64 {
        let (seconds, attoseconds) = components
        return seconds * 1_000_000_000 + attoseconds / 1_000_000_000
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
