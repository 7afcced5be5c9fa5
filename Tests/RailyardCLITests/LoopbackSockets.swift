import Foundation
import Glibc
import Synchronization

/// Blocking loopback TCP for tests that need to see bytes as they arrive (when, and how they
/// are split), or to cut a connection at a chosen byte. Run it on a thread of its own
/// (`onOwnThread`), never on the concurrency pool.
enum LoopbackSocket {
    /// A connected socket to 127.0.0.1:`port`.
    static func connect(port: Int) throws -> Int32 {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { throw ProcessProblem("socket: errno \(errno)") }
        var address = loopback(port: port)
        let result = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                Glibc.connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
            }
        }
        guard result == 0 else {
            close(fd)
            throw ProcessProblem("connect to 127.0.0.1:\(port): errno \(errno)")
        }
        return fd
    }

    /// A listening socket on a free loopback port, and the port.
    static func listen() throws -> (fd: Int32, port: Int) {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { throw ProcessProblem("socket: errno \(errno)") }
        var address = loopback(port: 0)
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { pointer in
                bind(fd, pointer, length) == 0 && Glibc.listen(fd, 64) == 0 && getsockname(fd, pointer, &length) == 0
            }
        }
        guard bound else {
            close(fd)
            throw ProcessProblem("listen: errno \(errno)")
        }
        return (fd, Int(UInt16(bigEndian: address.sin_port)))
    }

    static func loopback(port: Int) -> sockaddr_in {
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        return address
    }

    /// Writes all of `bytes`; false once the peer is gone.
    @discardableResult
    static func send(_ fd: Int32, _ bytes: some Collection<UInt8>) -> Bool {
        let array = Array(bytes)
        var offset = 0
        while offset < array.count {
            let sent = array.withUnsafeBytes { Glibc.send(fd, $0.baseAddress! + offset, array.count - offset, Int32(MSG_NOSIGNAL)) }
            if sent <= 0 { return false }
            offset += sent
        }
        return true
    }

    /// Up to `capacity` bytes; empty at the end of the stream, on an error, or when nothing
    /// came within the receive time-out set by `receiveTimeout`.
    static func receive(_ fd: Int32, capacity: Int = 65536) -> [UInt8] {
        receiveUnlessTimedOut(fd, capacity: capacity) ?? []
    }

    /// Like `receive`, but nil when the receive time-out passed with nothing to read.
    static func receiveUnlessTimedOut(_ fd: Int32, capacity: Int = 65536) -> [UInt8]? {
        var buffer = [UInt8](repeating: 0, count: capacity)
        var error: Int32 = 0
        let count = buffer.withUnsafeMutableBytes { bytes in
            let count = recv(fd, bytes.baseAddress, capacity, 0)
            error = errno
            return count
        }
        if count < 0 && (error == EAGAIN || error == EWOULDBLOCK) { return nil }
        return count > 0 ? Array(buffer.prefix(count)) : []
    }

    static func receiveTimeout(_ fd: Int32, milliseconds: Int) {
        var value = timeval(tv_sec: milliseconds / 1000, tv_usec: (milliseconds % 1000) * 1000)
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &value, socklen_t(MemoryLayout<timeval>.size))
    }
}
