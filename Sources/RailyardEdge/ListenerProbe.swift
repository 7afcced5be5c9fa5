import Foundation

/// Whether something already listens on an address. The edge's listeners share their port
/// (SO_REUSEPORT) so that a replacing server can listen beside the old one; without this
/// check a second, unrelated server would silently share the port and half the traffic.
public enum ListenerProbe {
    /// True when a listener holds `host:port`. A plain bind (no SO_REUSEPORT) fails with
    /// EADDRINUSE exactly then (SO_REUSEADDR lets it pass connections in TIME_WAIT).
    public static func inUse(host: String, port: Int) -> Bool {
        guard port != 0 else { return false }
        var hints = addrinfo()
        hints.ai_flags = AI_NUMERICHOST | AI_PASSIVE
        hints.ai_socktype = Int32(SOCK_STREAM.rawValue)
        var found: UnsafeMutablePointer<addrinfo>?
        guard getaddrinfo(host, String(port), &hints, &found) == 0, let info = found else { return false }
        defer { freeaddrinfo(found) }
        let descriptor = socket(info.pointee.ai_family, Int32(SOCK_STREAM.rawValue), 0)
        guard descriptor >= 0 else { return false }
        defer { close(descriptor) }
        var one: Int32 = 1
        _ = setsockopt(descriptor, SOL_SOCKET, SO_REUSEADDR, &one, socklen_t(MemoryLayout<Int32>.size))
        return bind(descriptor, info.pointee.ai_addr, info.pointee.ai_addrlen) != 0 && errno == EADDRINUSE
    }
}
