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

/// A TCP proxy in front of a server that passes everything through, except that it cuts the
/// first Server-Sent Events log stream (a request with `follow=true`) whose answer reaches
/// `cutAt`: the bytes before it go on to the client, then both connections are closed, in
/// the middle of an event. Request lines are kept, so a test can see how the client resumed.
final class CuttingProxy: Sendable {
    let port: Int
    private let listener: Int32
    private let upstreamPort: Int
    private let cutAt: [UInt8]
    private let state = Mutex((cuts: 0, requestLines: [String](), sockets: Set<Int32>(), stopped: false))

    var cuts: Int { state.withLock { $0.cuts } }
    var requestLines: [String] { state.withLock { $0.requestLines } }

    init(upstreamPort: Int, cutAt: String) throws {
        (listener, port) = try LoopbackSocket.listen()
        self.upstreamPort = upstreamPort
        self.cutAt = Array(cutAt.utf8)
        let listener = self.listener
        Thread { [self] in
            defer { close(listener) }
            while true {
                let client = accept(listener, nil, nil)
                if client < 0 { return }
                guard let server = try? LoopbackSocket.connect(port: upstreamPort) else {
                    close(client)
                    continue
                }
                let open = state.withLock { state in
                    if state.stopped { return false }
                    state.sockets.formUnion([client, server])
                    return true
                }
                guard open else {
                    close(client)
                    close(server)
                    return
                }
                serve(client: client, server: server)
            }
        }.start()
    }

    /// One connection: a thread each way. The request side notes whether the latest request
    /// on the connection follows a log; the answer side cuts such a stream once.
    private func serve(client: Int32, server: Int32) {
        let following = Mutex(false)
        // The second thread to finish closes both sockets, so that neither uses a number the
        // other has closed (and the system has handed out again).
        let finished = Mutex(0)
        let finish: @Sendable () -> Void = { [self] in
            guard finished.withLock({ $0 += 1; return $0 == 2 }) else { return }
            state.withLock { state in
                state.sockets.remove(client)
                state.sockets.remove(server)
            }
            close(client)
            close(server)
        }
        Thread { [self] in
            var pending = [UInt8]()
            while true {
                let bytes = LoopbackSocket.receive(client)
                if bytes.isEmpty { break }
                // A request line may follow the end of a body (an upload) on the same line
                // as this splits them, so it is looked for anywhere in a line.
                pending += bytes
                while let end = pending.firstRange(of: Array("\r\n".utf8)) {
                    let line = String(decoding: pending[..<end.lowerBound], as: UTF8.self)
                    pending.removeSubrange(..<end.upperBound)
                    let methods = ["GET /", "POST /", "PUT /", "PATCH /", "DELETE /"]
                    if line.hasSuffix(" HTTP/1.1"), let start = methods.compactMap({ line.range(of: $0)?.lowerBound }).max() {
                        let request = String(line[start...])
                        state.withLock { $0.requestLines.append(request) }
                        following.withLock { $0 = request.contains("follow=true") }
                    }
                }
                if pending.count > 8192 { pending.removeFirst(pending.count - 4096) }
                if !LoopbackSocket.send(server, bytes) { break }
            }
            shutdown(server, Int32(SHUT_WR))
            finish()
        }.start()
        Thread { [self] in
            var seen = [UInt8]()
            while true {
                var bytes = LoopbackSocket.receive(server)
                if bytes.isEmpty { break }
                var cut = false
                if following.withLock({ $0 }) && state.withLock({ $0.cuts == 0 }) {
                    let before = seen.count
                    seen += bytes
                    if let found = seen.firstRange(of: cutAt) {
                        bytes = Array(bytes.prefix(max(0, found.lowerBound - before)))
                        cut = true
                    }
                } else {
                    seen.removeAll()
                }
                if !LoopbackSocket.send(client, bytes) { break }
                if cut {
                    state.withLock { $0.cuts += 1 }
                    break
                }
            }
            // Both ways at once: the client sees its connection end mid-answer.
            shutdown(client, Int32(SHUT_RDWR))
            shutdown(server, Int32(SHUT_RDWR))
            finish()
        }.start()
    }

    func stop() {
        // Under the lock: a socket still in the set is not closed yet.
        state.withLock { state in
            state.stopped = true
            for socket in state.sockets { shutdown(socket, Int32(SHUT_RDWR)) }
        }
        shutdown(listener, Int32(SHUT_RDWR))
    }
}
