#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import NIOCore
import NIOHTTP1

/// HTTP/1.1 on the wire, for the edge's own hot path: the instance's answers are read as bytes
/// and passed on as bytes (only the head is looked at and rewritten; bodies go through with
/// their framing), and requests are written to instances without an encoder in between.
enum HTTPWire {
    // MARK: Requests from clients

    /// What a request header is to the edge.
    enum RequestHeaderKind {
        case host, forwardedFor, requestID, contentLength, transferEncoding, connection, upgrade
        /// Written by the edge itself (X-Forwarded-Proto, X-Forwarded-Host).
        case replaced
        /// Keep-Alive, Proxy-Connection, TE, Trailer.
        case hopByHop
        case other
    }

    /// A client's request head, checked (RFC 9112), with its header lines as offsets into its
    /// bytes so that it can be passed on without being taken apart.
    struct RequestHead {
        var bytes: ByteBuffer
        var method: HTTPMethod
        /// The method's bytes, and the target's in origin form, for the head sent on.
        var methodBytes: Range<Int>
        var target: Range<Int>
        /// Set when the target came in absolute form (`http://host/path`): its host, which
        /// routes the request instead of the Host header (RFC 9112 §3.2.2).
        var absoluteHost: String?
        var minorVersion: Int
        var keepAlive: Bool
        var lines: [HeaderLine<RequestHeaderKind>] = []
        var host: String?
        var requestID: String?
        var forwardedFor: String?
        var contentLength: Int?
        var chunked = false
        /// The protocol it asks to switch to (an Upgrade header with a Connection: upgrade).
        var upgrade: String?
        var connectionTokens: Set<String> = []

        var hasBody: Bool { chunked || (contentLength ?? 0) > 0 }

        /// An empty head, to parse into (each exchange keeps one, reused from request to
        /// request, so that its line list is allocated once).
        init() {
            bytes = HTTPWire.noBytes
            method = .GET
            methodBytes = 0..<0
            target = 0..<0
            minorVersion = 1
            keepAlive = true
        }

        /// Lets go of the head's bytes (a slice of a read, whose memory NIO reuses only once
        /// nobody holds it), holding `empty` instead (the loop's own: see `EdgeLoop.empty`).
        mutating func releaseBytes(for empty: ByteBuffer) { bytes = empty }

        fileprivate mutating func reset(
            bytes: ByteBuffer, method: HTTPMethod, methodBytes: Range<Int>, target: Range<Int>, absoluteHost: String?, minorVersion: Int
        ) {
            self.bytes = bytes
            self.method = method
            self.methodBytes = methodBytes
            self.target = target
            self.absoluteHost = absoluteHost
            self.minorVersion = minorVersion
            keepAlive = minorVersion == 1
            if lines.capacity == 0 { lines.reserveCapacity(8) } else { lines.removeAll(keepingCapacity: true) }
            host = nil
            requestID = nil
            forwardedFor = nil
            contentLength = nil
            chunked = false
            upgrade = nil
            if !connectionTokens.isEmpty { connectionTokens = [] }
        }

        /// The target in origin form (`/path?query`), as the instance gets it (made when asked:
        /// only logs and redirects need it as text).
        var uri: String {
            if target.isEmpty { return "/" }
            return bytes.withUnsafeReadableBytes { String(decoding: UnsafeRawBufferPointer(rebasing: $0[target]), as: UTF8.self) }
        }
    }

    enum RequestProblem: Error {
        /// 400.
        case malformed
        /// 431: the head is larger than `maximumHeadBytes`.
        case headTooLarge
        /// 501: a transfer coding other than chunked.
        case unsupportedTransferCoding
        /// 405: CONNECT (the edge is no forward proxy).
        case connect
    }

    /// Whether `byte` may be in a token (a method or a header name).
    @inline(__always)
    static func isTokenByte(_ byte: UInt8) -> Bool {
        switch byte {
        case 0x30...0x39, 0x41...0x5A, 0x61...0x7A: true
        case UInt8(ascii: "!"), UInt8(ascii: "#"), UInt8(ascii: "$"), UInt8(ascii: "%"), UInt8(ascii: "&"), UInt8(ascii: "'"),
             UInt8(ascii: "*"), UInt8(ascii: "+"), UInt8(ascii: "-"), UInt8(ascii: "."), UInt8(ascii: "^"), UInt8(ascii: "_"),
             UInt8(ascii: "`"), UInt8(ascii: "|"), UInt8(ascii: "~"): true
        default: false
        }
    }

    /// Parses a request head (`head` holds it whole, blank line included). Strict where a
    /// lenient reading could let one request hide another (request smuggling): a length and a
    /// transfer coding together, differing lengths, folded or malformed header lines, control
    /// characters, more than one Host.
    static func parseRequestHead(_ head: ByteBuffer) throws(RequestProblem) -> RequestHead {
        var result = RequestHead()
        try parseRequestHead(head, into: &result)
        return result
    }

    /// Parses into `result` in place, reusing its memory (a failed parse leaves it partly set).
    static func parseRequestHead(_ head: ByteBuffer, into result: inout RequestHead) throws(RequestProblem) {
        do {
            try head.withUnsafeReadableBytes { bytes throws(RequestProblem) in
                try parseRequestHead(head, bytes, into: &result)
            }
        } catch {
            throw error
        }
    }

    private static func parseRequestHead(_ head: ByteBuffer, _ bytes: UnsafeRawBufferPointer, into result: inout RequestHead) throws(RequestProblem) {
        let wire = HeadBytes(bytes: bytes)
        // Empty lines before the request line are tolerated (RFC 9112 §2.2).
        var index = 0
        var firstLine = wire.line(at: index)
        while let line = firstLine, line.end == line.start {
            index = line.next
            firstLine = wire.line(at: index)
        }
        // METHOD SP request-target SP HTTP/1.x
        guard let requestLine = firstLine else { throw .malformed }
        var cursor = requestLine.start
        while cursor < requestLine.end, isTokenByte(bytes[cursor]) { cursor += 1 }
        let methodEnd = cursor
        guard methodEnd > requestLine.start, methodEnd - requestLine.start <= 32, cursor < requestLine.end, bytes[cursor] == 0x20
        else { throw .malformed }
        cursor += 1
        let targetStart = cursor
        while cursor < requestLine.end, bytes[cursor] > 0x20, bytes[cursor] < 0x7F { cursor += 1 }
        let targetEnd = cursor
        guard targetEnd > targetStart, requestLine.end - cursor == 9, bytes[cursor] == 0x20 else { throw .malformed }
        let version: StaticString = "HTTP/1."
        let isHTTP1 = version.withUTF8Buffer { expected in (0..<7).allSatisfy { bytes[cursor + 1 + $0] == expected[$0] } }
        let minor = bytes[cursor + 8]
        guard isHTTP1, minor == UInt8(ascii: "0") || minor == UInt8(ascii: "1") else { throw .malformed }
        let method = wire.method(requestLine.start, methodEnd)
        if method == .CONNECT { throw .connect }
        // Absolute form: the authority routes, the instance gets the path.
        var target = targetStart..<targetEnd
        var absoluteHost: String?
        // (Origin form, nearly every request, starts with a slash: no list of schemes made for it.)
        if bytes[targetStart] != UInt8(ascii: "/") {
            for scheme: StaticString in ["http://", "https://"] where wire.named(targetStart, min(targetStart + scheme.utf8CodeUnitCount, targetEnd), scheme) {
                let authorityStart = targetStart + scheme.utf8CodeUnitCount
                var pathStart = authorityStart
                while pathStart < targetEnd, bytes[pathStart] != UInt8(ascii: "/"), bytes[pathStart] != UInt8(ascii: "?") { pathStart += 1 }
                guard pathStart > authorityStart else { throw .malformed }
                absoluteHost = wire.string(authorityStart, pathStart)
                target = pathStart..<targetEnd
            }
        }
        result.reset(
            bytes: head, method: method, methodBytes: requestLine.start..<methodEnd, target: target, absoluteHost: absoluteHost,
            minorVersion: minor == UInt8(ascii: "1") ? 1 : 0)
        var hosts = 0
        var transferEncoding = false
        var upgradeValue: String?
        var closes = false
        var keepsAlive = false
        var upgradeToken = false
        index = requestLine.next
        while true {
            guard let line = wire.line(at: index) else { throw .malformed }
            index = line.next
            if line.end == line.start { break }
            var colon = line.start
            while colon < line.end, isTokenByte(bytes[colon]) { colon += 1 }
            // A name, then at once a colon: no space before it, no folded lines.
            guard colon > line.start, colon < line.end, bytes[colon] == UInt8(ascii: ":") else { throw .malformed }
            var valueStart = colon + 1
            var valueEnd = line.end
            if wire.hasControlCharacter(valueStart, valueEnd) { throw .malformed }
            while valueStart < valueEnd, HeadBytes.isSpace(bytes[valueStart]) { valueStart += 1 }
            while valueEnd > valueStart, HeadBytes.isSpace(bytes[valueEnd - 1]) { valueEnd -= 1 }
            var kind = RequestHeaderKind.other
            switch colon - line.start {
            case 2 where wire.named(line.start, colon, "te"): kind = .hopByHop
            case 4 where wire.named(line.start, colon, "host"):
                kind = .host
                hosts += 1
                result.host = wire.string(valueStart, valueEnd)
            case 7 where wire.named(line.start, colon, "upgrade"):
                kind = .upgrade
                upgradeValue = wire.string(valueStart, valueEnd)
            case 7 where wire.named(line.start, colon, "trailer"): kind = .hopByHop
            case 10 where wire.named(line.start, colon, "connection"):
                kind = .connection
                wire.forEachToken(valueStart, valueEnd) { start, end in
                    if wire.named(start, end, "close") {
                        closes = true
                    } else if wire.named(start, end, "keep-alive") {
                        keepsAlive = true
                    } else if wire.named(start, end, "upgrade") {
                        upgradeToken = true
                    } else {
                        result.connectionTokens.insert(wire.string(start, end).lowercased())
                    }
                }
            case 10 where wire.named(line.start, colon, "keep-alive"): kind = .hopByHop
            case 12 where wire.named(line.start, colon, "x-request-id"):
                kind = .requestID
                result.requestID = wire.string(valueStart, valueEnd)
            case 9 where wire.named(line.start, colon, "forwarded") || wire.named(line.start, colon, "x-real-ip"):
                // Client-address headers a client could forge; the edge's X-Forwarded-For says it.
                kind = .replaced
            case 14 where wire.named(line.start, colon, "content-length"):
                kind = .contentLength
                var length = 0
                guard valueEnd > valueStart, valueEnd - valueStart <= 18 else { throw .malformed }
                for offset in valueStart..<valueEnd {
                    let byte = bytes[offset]
                    guard byte >= 0x30 && byte <= 0x39 else { throw .malformed }
                    length = length * 10 + Int(byte - 0x30)
                }
                guard result.contentLength == nil || result.contentLength == length else { throw .malformed }
                result.contentLength = length
            case 15 where wire.named(line.start, colon, "x-forwarded-for"):
                kind = .forwardedFor
                let value = wire.string(valueStart, valueEnd)
                result.forwardedFor = result.forwardedFor.map { $0 + ", " + value } ?? value
            case 16 where wire.named(line.start, colon, "proxy-connection"): kind = .hopByHop
            case 16 where wire.named(line.start, colon, "x-forwarded-host"): kind = .replaced
            case 17 where wire.named(line.start, colon, "transfer-encoding"):
                kind = .transferEncoding
                transferEncoding = true
                // Only chunked, last, is understood (anything else leaves the length unknown).
                let codings = wire.string(valueStart, valueEnd).lowercased().split(separator: ",")
                    .map { $0.trimmingCharacters(in: .whitespaces) }
                guard codings == ["chunked"] else { throw .unsupportedTransferCoding }
                result.chunked = true
            case 17 where wire.named(line.start, colon, "x-forwarded-proto"): kind = .replaced
            default:
                break
            }
            result.lines.append(HeaderLine(start: line.start, colon: colon, end: line.end, next: line.next, kind: kind))
        }
        if transferEncoding {
            // Both framings at once, or a transfer coding in HTTP/1.0: the classic smuggling.
            guard result.contentLength == nil, result.minorVersion == 1 else { throw .malformed }
        }
        guard hosts <= 1, hosts == 1 || result.minorVersion == 0 else { throw .malformed }
        if let absoluteHost { result.host = absoluteHost }
        if result.minorVersion == 1 {
            result.keepAlive = !closes
        } else {
            result.keepAlive = keepsAlive && !closes
        }
        if upgradeToken, let upgradeValue, !upgradeValue.isEmpty { result.upgrade = upgradeValue }
    }

    // MARK: Requests to instances

    /// The request head for the instance: the client's request line and headers, minus
    /// hop-by-hop headers (RFC 9110 §7.6.1: Connection, Keep-Alive, Proxy-Connection, TE,
    /// Trailer, Transfer-Encoding, Upgrade, and those Connection names) and forwarding headers
    /// it may have forged, plus the edge's forwarding headers. The body goes on with its framing.
    /// Written into `buffer` (the event loop's, reused from request to request). `head`
    /// is inout only so that a head kept in an exchange is not copied to be read.
    static func writeRequestHead(
        _ head: inout RequestHead, requestID: RequestIdentifier, clientAddress: String, secure: Bool, into buffer: inout ByteBuffer
    ) {
        // At most: the head itself (a bare-LF line gains a CR), the edge's own lines, the text
        // they carry.
        var variable = clientAddress.utf8.count + requestID.byteCount
        if let host = head.host { variable += host.utf8.count }
        if let forwardedFor = head.forwardedFor { variable += forwardedFor.utf8.count }
        if let upgrade = head.upgrade { variable += upgrade.utf8.count }
        if let absoluteHost = head.absoluteHost { variable += absoluteHost.utf8.count }
        let most = head.bytes.readableBytes + head.lines.count + 256 + variable
        buffer.writeWithUnsafeMutableBytes(minimumWritableBytes: most) { raw in
            var out = HeadWriter(raw)
            head.bytes.withUnsafeReadableBytes { bytes in
                out.write(UnsafeRawBufferPointer(rebasing: bytes[head.methodBytes]))
                out.write(byte: UInt8(ascii: " "))
                if head.target.isEmpty {
                    out.write(byte: UInt8(ascii: "/"))
                } else {
                    out.write(UnsafeRawBufferPointer(rebasing: bytes[head.target]))
                }
                out.write(" HTTP/1.1\r\n")
                if let absoluteHost = head.absoluteHost {
                    out.write("host: ")
                    out.write(string: absoluteHost)
                    out.write("\r\n")
                }
                var copier = LineCopier()
                for line in head.lines {
                    switch line.kind {
                    case .host:
                        if head.absoluteHost != nil { continue }
                    case .contentLength:
                        break
                    case .other:
                        if !head.connectionTokens.isEmpty {
                            let name = String(decoding: UnsafeRawBufferPointer(rebasing: bytes[line.start..<line.colon]), as: UTF8.self)
                            if head.connectionTokens.contains(name.lowercased()) { continue }
                        }
                    case .forwardedFor, .requestID, .replaced, .hopByHop, .transferEncoding, .connection, .upgrade:
                        continue
                    }
                    copier.copy(line.start, line.end, next: line.next, from: bytes, into: &out)
                }
                copier.flush(from: bytes, into: &out)
            }
            if let upgrade = head.upgrade {
                out.write("connection: upgrade\r\nupgrade: ")
                out.write(string: upgrade)
                out.write("\r\n")
            }
            if head.chunked { out.write("transfer-encoding: chunked\r\n") }
            out.write("x-forwarded-for: ")
            if let forwardedFor = head.forwardedFor {
                out.write(string: forwardedFor)
                out.write(", ")
            }
            out.write(string: clientAddress)
            out.write(secure ? "\r\nx-forwarded-proto: https\r\n" : "\r\nx-forwarded-proto: http\r\n")
            if let host = head.host {
                out.write("x-forwarded-host: ")
                out.write(string: host)
                out.write("\r\n")
            }
            out.write("x-request-id: ")
            requestID.write(into: &out)
            out.write("\r\n\r\n")
            return out.count
        }
    }

    // MARK: Answers from instances

    /// How an answer's body is delimited.
    enum Framing {
        case none
        case length(Int)
        case chunked
        /// Until the instance closes the connection.
        case untilClose

        var isChunked: Bool {
            if case .chunked = self { return true }
            return false
        }

        /// How an answer with these headers to a request with this method is delimited (RFC 9112 §6.3).
        init(status: Int, transferEncoding: Bool, chunked: Bool, contentLength: Int?, requestMethod: HTTPMethod) {
            if requestMethod == .HEAD || status < 200 || status == 204 || status == 304 {
                self = .none
            } else if transferEncoding {
                self = chunked ? .chunked : .untilClose
            } else if let contentLength {
                self = contentLength == 0 ? .none : .length(contentLength)
            } else {
                self = .untilClose
            }
        }
    }

    /// What a response header is to the edge.
    enum ResponseHeaderKind {
        case contentLength, transferEncoding, connection, requestID
        /// Keep-Alive, Proxy-Connection, TE, Trailer, Upgrade.
        case hopByHop
        case other
    }

    /// One header line of a head, as offsets from the head's first byte.
    struct HeaderLine<Kind> {
        var start: Int
        var colon: Int
        var end: Int
        /// Where the next line starts (`end + 2` after CR LF).
        var next: Int
        var kind: Kind
    }

    /// Copies header lines from a head into another: neighbouring lines that end in CR LF go
    /// in one copy, a line that ended in a bare LF gets CR LF.
    struct LineCopier {
        private var runStart = 0
        private var runEnd = -1

        mutating func copy(_ start: Int, _ end: Int, next: Int, from bytes: UnsafeRawBufferPointer, into out: inout HeadWriter) {
            if next == end + 2 {
                if start == runEnd {
                    runEnd = next
                } else {
                    flush(from: bytes, into: &out)
                    runStart = start
                    runEnd = next
                }
                return
            }
            flush(from: bytes, into: &out)
            out.write(UnsafeRawBufferPointer(rebasing: bytes[start..<end]))
            out.write("\r\n")
        }

        mutating func flush(from bytes: UnsafeRawBufferPointer, into out: inout HeadWriter) {
            guard runEnd >= 0 else { return }
            out.write(UnsafeRawBufferPointer(rebasing: bytes[runStart..<runEnd]))
            runEnd = -1
        }
    }

    /// Writes a head into memory reserved for it at once (`ByteBuffer.writeWithUnsafeMutableBytes`
    /// with room for the longest it can be): one capacity and uniqueness check per head rather
    /// than one per piece.
    struct HeadWriter {
        private let memory: UnsafeMutableRawBufferPointer
        private(set) var count = 0

        init(_ memory: UnsafeMutableRawBufferPointer) { self.memory = memory }

        /// Where the next `length` bytes go. The room reserved is the longest a head can be, so
        /// the precondition holds for any input; it stands guard against a wrong reckoning.
        private func room(_ length: Int) -> UnsafeMutableRawPointer? {
            precondition(count + length <= memory.count, "a head outgrew the room reserved for it")
            return memory.baseAddress.map { $0 + count }
        }

        mutating func write(_ bytes: UnsafeRawBufferPointer) {
            guard let source = bytes.baseAddress, !bytes.isEmpty, let target = room(bytes.count) else { return }
            target.copyMemory(from: source, byteCount: bytes.count)
            count += bytes.count
        }

        mutating func write(_ text: StaticString) {
            write(UnsafeRawBufferPointer(start: text.utf8Start, count: text.utf8CodeUnitCount))
        }

        /// Not `write(_:)`: a literal would pick this overload over `StaticString`'s, and pay a
        /// retain and a release of its storage for every piece of every head.
        mutating func write(string text: String) {
            var text = text
            text.withUTF8 { write(UnsafeRawBufferPointer($0)) }
        }

        mutating func write(byte: UInt8) {
            guard let target = room(1) else { return }
            target.storeBytes(of: byte, as: UInt8.self)
            count += 1
        }

        /// Room for `length` bytes, filled by `fill`, which returns how many it wrote.
        mutating func write(upTo length: Int, _ fill: (UnsafeMutableRawBufferPointer) -> Int) {
            guard let target = room(length) else { return }
            count += min(fill(UnsafeMutableRawBufferPointer(start: target, count: length)), length)
        }
    }

    /// The parts of an answer's head the edge acts on, and where its header lines are (the
    /// head's bytes are kept and copied out by range, never split into pieces).
    struct ResponseHead {
        var bytes: ByteBuffer
        var status: Int
        /// The status line after the version, e.g. " 200 OK".
        var statusRest: Range<Int>
        var minorVersion: Int
        var keepAlive: Bool
        var contentLength: Int?
        var chunked = false
        var transferEncoding = false
        var lines: [HeaderLine<ResponseHeaderKind>] = []
        /// Lowercased names the Connection header lists.
        var connectionTokens: Set<String> = []

        /// An empty head, to parse into (each event loop parses every answer into its own one).
        init() {
            bytes = HTTPWire.noBytes
            status = 0
            statusRest = 0..<0
            minorVersion = 1
            keepAlive = true
        }

        mutating func releaseBytes(for empty: ByteBuffer) { bytes = empty }

        fileprivate mutating func reset(bytes: ByteBuffer, status: Int, statusRest: Range<Int>, minorVersion: Int) {
            self.bytes = bytes
            self.status = status
            self.statusRest = statusRest
            self.minorVersion = minorVersion
            keepAlive = minorVersion == 1
            contentLength = nil
            chunked = false
            transferEncoding = false
            if lines.capacity == 0 { lines.reserveCapacity(8) } else { lines.removeAll(keepingCapacity: true) }
            if !connectionTokens.isEmpty { connectionTokens = [] }
        }

        func framing(requestMethod: HTTPMethod) -> Framing {
            Framing(status: status, transferEncoding: transferEncoding, chunked: chunked, contentLength: contentLength, requestMethod: requestMethod)
        }
    }

    struct MalformedResponse: Error {}

    /// An empty buffer to hold where no bytes are (one shared storage: `ByteBuffer()` allocates).
    static let noBytes = ByteBuffer()

    /// Largest answer head the edge reads.
    static let maximumHeadBytes = 64 * 1024

    /// The offset just past the blank line that ends a head in `buffer`, if it holds one.
    static func headEnd(in buffer: ByteBuffer) -> Int? {
        buffer.withUnsafeReadableBytes { bytes -> Int? in
            guard let base = bytes.baseAddress else { return nil }
            var index = 0
            let count = bytes.count
            // A head ends at the first empty line: LF LF, or LF CR LF.
            while index < count {
                guard let found = memchr(base + index, 0x0A, count - index) else { return nil }
                let next = base.distance(to: UnsafeRawPointer(found)) + 1
                if next < count, bytes[next] == UInt8(ascii: "\n") { return next + 1 }
                if next + 1 < count, bytes[next] == UInt8(ascii: "\r"), bytes[next + 1] == UInt8(ascii: "\n") { return next + 2 }
                index = next
            }
            return nil
        }
    }

    /// Parses an answer's head (`head` holds it whole, blank line included).
    static func parseResponseHead(_ head: ByteBuffer) throws -> ResponseHead {
        var result = ResponseHead()
        try parseResponseHead(head, into: &result)
        return result
    }

    /// Parses into `result` in place, reusing its memory (a failed parse leaves it partly set).
    static func parseResponseHead(_ head: ByteBuffer, into result: inout ResponseHead) throws {
        try head.withUnsafeReadableBytes { bytes in
            let wire = HeadBytes(bytes: bytes)
            // "HTTP/1.x NNN reason"
            guard let statusLine = wire.line(at: 0), statusLine.end - statusLine.start >= 12 else { throw MalformedResponse() }
            let prefix: StaticString = "HTTP/1."
            let hasPrefix = prefix.withUTF8Buffer { expected in
                (0..<7).allSatisfy { bytes[statusLine.start + $0] == expected[$0] }
            }
            let minor = bytes[statusLine.start + 7]
            guard hasPrefix, minor == UInt8(ascii: "0") || minor == UInt8(ascii: "1"), bytes[statusLine.start + 8] == 0x20 else {
                throw MalformedResponse()
            }
            var status = 0
            for offset in 9..<12 {
                let digit = bytes[statusLine.start + offset]
                guard digit >= 0x30 && digit <= 0x39 else { throw MalformedResponse() }
                status = status * 10 + Int(digit - 0x30)
            }
            guard status >= 100 else { throw MalformedResponse() }
            for offset in (statusLine.start + 12)..<statusLine.end where bytes[offset] < 0x20 && bytes[offset] != 0x09 {
                throw MalformedResponse()
            }
            result.reset(
                bytes: head, status: status, statusRest: (statusLine.start + 8)..<statusLine.end,
                minorVersion: minor == UInt8(ascii: "1") ? 1 : 0)
            var sawKeepAliveToken = false
            var sawClose = false
            var index = statusLine.next
            while true {
                // The head's last line is the empty one.
                guard let line = wire.line(at: index) else { throw MalformedResponse() }
                index = line.next
                if line.end == line.start { break }
                // No obsolete line folding, no control characters, a name before the colon.
                guard !HeadBytes.isSpace(bytes[line.start]) else { throw MalformedResponse() }
                // The name: visible characters up to the colon; then a value without control characters.
                var colon = line.start
                while colon < line.end, bytes[colon] != UInt8(ascii: ":") {
                    guard bytes[colon] > 0x20, bytes[colon] < 0x7F else { throw MalformedResponse() }
                    colon += 1
                }
                guard colon < line.end, colon > line.start else { throw MalformedResponse() }
                if wire.hasControlCharacter(colon + 1, line.end) { throw MalformedResponse() }
                var valueStart = colon + 1
                var valueEnd = line.end
                while valueStart < valueEnd, HeadBytes.isSpace(bytes[valueStart]) { valueStart += 1 }
                while valueEnd > valueStart, HeadBytes.isSpace(bytes[valueEnd - 1]) { valueEnd -= 1 }
                var kind = ResponseHeaderKind.other
                switch colon - line.start {
                case 2 where wire.named(line.start, colon, "te"): kind = .hopByHop
                case 7 where wire.named(line.start, colon, "upgrade") || wire.named(line.start, colon, "trailer"): kind = .hopByHop
                case 10 where wire.named(line.start, colon, "connection"):
                    kind = .connection
                    // Close and keep-alive are the usual tokens and name no header to drop
                    // (Keep-Alive is dropped anyway), so they are not stored.
                    wire.forEachToken(valueStart, valueEnd) { start, end in
                        if wire.named(start, end, "close") {
                            result.keepAlive = false
                            sawClose = true
                        } else if wire.named(start, end, "keep-alive") {
                            sawKeepAliveToken = true
                        } else {
                            result.connectionTokens.insert(wire.string(start, end).lowercased())
                        }
                    }
                case 10 where wire.named(line.start, colon, "keep-alive"): kind = .hopByHop
                case 12 where wire.named(line.start, colon, "x-request-id"): kind = .requestID
                case 14 where wire.named(line.start, colon, "content-length"):
                    kind = .contentLength
                    // One length, or the same one repeated ("42, 42").
                    var length: Int?
                    var digits = 0
                    var current = 0
                    for offset in valueStart...valueEnd {
                        let byte = offset < valueEnd ? bytes[offset] : UInt8(ascii: ",")
                        if byte >= 0x30 && byte <= 0x39 {
                            guard digits < 18 else { throw MalformedResponse() }
                            current = current * 10 + Int(byte - 0x30)
                            digits += 1
                        } else if byte == UInt8(ascii: ",") {
                            guard digits > 0, length == nil || length == current else { throw MalformedResponse() }
                            length = current
                            current = 0
                            digits = 0
                        } else if !HeadBytes.isSpace(byte) {
                            throw MalformedResponse()
                        }
                    }
                    guard let length, result.contentLength == nil || result.contentLength == length else { throw MalformedResponse() }
                    result.contentLength = length
                case 16 where wire.named(line.start, colon, "proxy-connection"): kind = .hopByHop
                case 17 where wire.named(line.start, colon, "transfer-encoding"):
                    kind = .transferEncoding
                    result.transferEncoding = true
                    // Chunked must be the last coding for the body's end to be known.
                    let last = wire.string(valueStart, valueEnd).lowercased().split(separator: ",").last?.trimmingCharacters(in: .whitespaces)
                    result.chunked = last == "chunked"
                default:
                    break
                }
                result.lines.append(HeaderLine(start: line.start, colon: colon, end: line.end, next: line.next, kind: kind))
            }
            if result.minorVersion == 0 && sawKeepAliveToken && !sawClose { result.keepAlive = true }
        }
    }

    /// The head the client gets: the instance's status and headers without hop-by-hop ones
    /// (unless the body's own chunked framing goes along), with the request id, and the
    /// client's keep-alive answer.
    static func clientResponseHead(
        _ head: ResponseHead, clientMinorVersion: Int, requestID: RequestIdentifier, keepAlive: Bool, keepsChunkedFraming: Bool,
        switchingProtocols: Bool
    ) -> ByteBuffer {
        var buffer = ByteBuffer()
        writeClientResponseHead(
            head, clientMinorVersion: clientMinorVersion, requestID: requestID, keepAlive: keepAlive,
            keepsChunkedFraming: keepsChunkedFraming, switchingProtocols: switchingProtocols, into: &buffer)
        return buffer
    }

    /// Writes the client's head into `buffer`, with room behind it for `bodyRoom` bytes (a
    /// small body is copied in behind its head).
    static func writeClientResponseHead(
        _ head: ResponseHead, clientMinorVersion: Int, requestID: RequestIdentifier, keepAlive: Bool, keepsChunkedFraming: Bool,
        switchingProtocols: Bool, bodyRoom: Int = 0, into buffer: inout ByteBuffer
    ) {
        // At most: the head itself (a bare-LF line gains a CR), the edge's own lines.
        let most = head.bytes.readableBytes + head.lines.count + 128 + requestID.byteCount
        buffer.reserveCapacity(minimumWritableBytes: most + bodyRoom)
        buffer.writeWithUnsafeMutableBytes(minimumWritableBytes: most) { raw in
            var out = HeadWriter(raw)
            head.bytes.withUnsafeReadableBytes { bytes in
                out.write(clientMinorVersion == 0 ? "HTTP/1.0" : "HTTP/1.1")
                out.write(UnsafeRawBufferPointer(rebasing: bytes[head.statusRest]))
                out.write("\r\n")
                var wroteTransferEncoding = false
                var copier = LineCopier()
                for line in head.lines {
                    switch line.kind {
                    case .requestID:
                        continue
                    case .connection, .hopByHop:
                        // A 101 keeps Connection and Upgrade: they say what the connection becomes.
                        if !switchingProtocols { continue }
                    case .transferEncoding:
                        if switchingProtocols { break }
                        if keepsChunkedFraming, !wroteTransferEncoding {
                            copier.flush(from: bytes, into: &out)
                            out.write("transfer-encoding: chunked\r\n")
                        }
                        wroteTransferEncoding = true
                        continue
                    case .contentLength:
                        if head.transferEncoding { continue }
                    case .other:
                        if !head.connectionTokens.isEmpty, !switchingProtocols {
                            let name = String(decoding: UnsafeRawBufferPointer(rebasing: bytes[line.start..<line.colon]), as: UTF8.self)
                            if head.connectionTokens.contains(name.lowercased()) { continue }
                        }
                    }
                    copier.copy(line.start, line.end, next: line.next, from: bytes, into: &out)
                }
                copier.flush(from: bytes, into: &out)
            }
            out.write("x-request-id: ")
            requestID.write(into: &out)
            if switchingProtocols {
                out.write("\r\n\r\n")
            } else if !keepAlive {
                out.write("\r\nconnection: close\r\n\r\n")
            } else if clientMinorVersion == 0 {
                out.write("\r\nconnection: keep-alive\r\n\r\n")
            } else {
                out.write("\r\n\r\n")
            }
            return out.count
        }
    }

    /// A response head of the edge's own.
    static func responseHead(status: HTTPResponseStatus, minorVersion: Int, headers: [(String, String)]) -> ByteBuffer {
        var buffer = ByteBuffer()
        buffer.writeStaticString(minorVersion == 0 ? "HTTP/1.0 " : "HTTP/1.1 ")
        buffer.writeString(String(status.code))
        buffer.writeInteger(UInt8(ascii: " "))
        buffer.writeString(status.reasonPhrase)
        buffer.writeStaticString("\r\n")
        for (name, value) in headers {
            buffer.writeString(name)
            buffer.writeStaticString(": ")
            buffer.writeString(value)
            buffer.writeStaticString("\r\n")
        }
        buffer.writeStaticString("\r\n")
        return buffer
    }
}

/// A head's bytes, with the small readings both parsers make of them.
struct HeadBytes {
    let bytes: UnsafeRawBufferPointer

    static func isSpace(_ byte: UInt8) -> Bool { byte == 0x20 || byte == 0x09 }

    /// A byte no header value may hold: a control character other than tab, or DEL.
    static func isControl(_ byte: UInt8) -> Bool { (byte < 0x20 && byte != 0x09) || byte == 0x7F }

    /// Whether `start..<end` holds a byte `isControl` refuses. Eight bytes at a time: a word
    /// with no byte below 0x20 and none equal to 0x7F (both found with the classic carry
    /// tricks, exact as yes-or-no) needs no closer look; one with either (a tab, say) is
    /// looked at byte by byte.
    func hasControlCharacter(_ start: Int, _ end: Int) -> Bool {
        var index = start
        if let base = bytes.baseAddress {
            let ones: UInt64 = 0x0101_0101_0101_0101
            let highs: UInt64 = 0x8080_8080_8080_8080
            while index + 8 <= end {
                let word = (base + index).loadUnaligned(as: UInt64.self)
                let below = (word &- ones &* 0x20) & ~word & highs
                let delete = word ^ (ones &* 0x7F)
                let isDelete = (delete &- ones) & ~delete & highs
                if below | isDelete != 0 {
                    for offset in index..<(index + 8) where Self.isControl(bytes[offset]) { return true }
                }
                index += 8
            }
        }
        while index < end {
            if Self.isControl(bytes[index]) { return true }
            index += 1
        }
        return false
    }

    /// The line that starts at `start`: where its text ends (before CR LF, or a bare LF) and
    /// where the next one starts; nil when no LF ends it.
    func line(at start: Int) -> (start: Int, end: Int, next: Int)? {
        guard start < bytes.count, let base = bytes.baseAddress,
              let found = memchr(base + start, 0x0A, bytes.count - start)
        else { return nil }
        let newline = base.distance(to: UnsafeRawPointer(found))
        let end = newline > start && bytes[newline - 1] == UInt8(ascii: "\r") ? newline - 1 : newline
        return (start, end, newline + 1)
    }

    /// The method in `start..<end`: the common ones without making a string.
    func method(_ start: Int, _ end: Int) -> HTTPMethod {
        func isMethod(_ name: StaticString) -> Bool {
            guard end - start == name.utf8CodeUnitCount else { return false }
            return name.withUTF8Buffer { expected in (0..<expected.count).allSatisfy { bytes[start + $0] == expected[$0] } }
        }
        switch end - start {
        case 3 where isMethod("GET"): return .GET
        case 3 where isMethod("PUT"): return .PUT
        case 4 where isMethod("POST"): return .POST
        case 4 where isMethod("HEAD"): return .HEAD
        case 5 where isMethod("PATCH"): return .PATCH
        case 6 where isMethod("DELETE"): return .DELETE
        case 7 where isMethod("OPTIONS"): return .OPTIONS
        default: return HTTPMethod(rawValue: string(start, end))
        }
    }

    /// Whether the bytes in `start..<end` are `expected` (lowercase) in any case.
    func named(_ start: Int, _ end: Int, _ expected: StaticString) -> Bool {
        guard end - start == expected.utf8CodeUnitCount else { return false }
        return expected.withUTF8Buffer { expected in
            for index in 0..<(end - start) {
                let byte = bytes[start + index]
                if (byte >= 0x41 && byte <= 0x5A ? byte | 0x20 : byte) != expected[index] { return false }
            }
            return true
        }
    }

    func string(_ start: Int, _ end: Int) -> String {
        String(decoding: UnsafeRawBufferPointer(rebasing: bytes[start..<end]), as: UTF8.self)
    }

    /// Each non-empty comma-separated token of `start..<end`, without its surrounding spaces.
    func forEachToken(_ start: Int, _ end: Int, _ body: (Int, Int) -> Void) {
        var tokenStart = start
        for offset in start...end where offset == end || bytes[offset] == UInt8(ascii: ",") {
            var first = tokenStart
            var last = offset
            tokenStart = offset + 1
            while first < last, Self.isSpace(bytes[first]) { first += 1 }
            while last > first, Self.isSpace(bytes[last - 1]) { last -= 1 }
            if first < last { body(first, last) }
        }
    }
}

/// Finds where a chunked body ends in the bytes that come, and optionally takes the framing
/// off (for HTTP/1.0 clients, which do not read chunks).
struct ChunkedBodyScanner {
    private enum State {
        case size(Int, digits: Int)
        /// After the size: chunk extensions (`;name=value`, or spaces before them).
        case sizeExtension(Int, length: Int)
        /// A CR came; only LF may follow.
        case sizeLineEnd(Int)
        case data(Int)
        case dataCR
        case dataLF
        /// Trailer lines after the last chunk; `lineLength` counts the current one.
        case trailers(lineLength: Int)
        case trailerLineEnd(lineLength: Int)
        case done
    }

    /// Longest chunk extension accepted (they are rare and short).
    static let maximumExtensionBytes = 4096

    private var state = State.size(0, digits: 0)
    var isDone: Bool { if case .done = state { return true } else { return false } }

    /// Consumes bytes of `buffer` that belong to this body (all of them, or those up to its
    /// end) and returns what to send: the bytes as they are, or only the chunks' data.
    ///
    /// Strict (RFC 9112 §7.1): every line ends in CRLF, never a bare LF or CR; extensions and
    /// trailers hold no control characters. The bytes go on with their framing, so anything a
    /// lenient reader could split differently from the instance is refused instead.
    mutating func consume(_ buffer: inout ByteBuffer, keepFraming: Bool) throws -> ByteBuffer {
        let start = buffer.readerIndex
        var output = ByteBuffer()
        var index = buffer.readerIndex
        let end = buffer.writerIndex
        func isControl(_ byte: UInt8) -> Bool { (byte < 0x20 && byte != 0x09) || byte == 0x7F }
        scan: while index < end {
            switch state {
            case .data(let remaining):
                let take = min(remaining, end - index)
                if !keepFraming, let slice = buffer.getSlice(at: index, length: take) { output.writeImmutableBuffer(slice) }
                index += take
                state = remaining - take == 0 ? .dataCR : .data(remaining - take)
                continue scan
            case .done:
                break scan
            default:
                break
            }
            guard let byte = buffer.getInteger(at: index, as: UInt8.self) else { break }
            index += 1
            switch state {
            case .size(let size, let digits):
                if let value = Self.hexValue(byte) {
                    guard digits < 15 else { throw HTTPWire.MalformedResponse() }
                    state = .size(size * 16 + value, digits: digits + 1)
                } else if digits > 0, byte == UInt8(ascii: ";") || byte == 0x20 || byte == 0x09 {
                    state = .sizeExtension(size, length: 1)
                } else if digits > 0, byte == UInt8(ascii: "\r") {
                    state = .sizeLineEnd(size)
                } else {
                    throw HTTPWire.MalformedResponse()
                }
            case .sizeExtension(let size, let length):
                if byte == UInt8(ascii: "\r") {
                    state = .sizeLineEnd(size)
                } else {
                    guard !isControl(byte), length < Self.maximumExtensionBytes else { throw HTTPWire.MalformedResponse() }
                    state = .sizeExtension(size, length: length + 1)
                }
            case .sizeLineEnd(let size):
                guard byte == UInt8(ascii: "\n") else { throw HTTPWire.MalformedResponse() }
                state = size == 0 ? .trailers(lineLength: 0) : .data(size)
            case .dataCR:
                guard byte == UInt8(ascii: "\r") else { throw HTTPWire.MalformedResponse() }
                state = .dataLF
            case .dataLF:
                guard byte == UInt8(ascii: "\n") else { throw HTTPWire.MalformedResponse() }
                state = .size(0, digits: 0)
            case .trailers(let lineLength):
                if byte == UInt8(ascii: "\r") {
                    state = .trailerLineEnd(lineLength: lineLength)
                } else {
                    // A trailer line is a header line: no folding, no control characters.
                    guard !isControl(byte), lineLength > 0 || (byte != 0x20 && byte != 0x09),
                          lineLength < HTTPWire.maximumHeadBytes
                    else { throw HTTPWire.MalformedResponse() }
                    state = .trailers(lineLength: lineLength + 1)
                }
            case .trailerLineEnd(let lineLength):
                guard byte == UInt8(ascii: "\n") else { throw HTTPWire.MalformedResponse() }
                state = lineLength == 0 ? .done : .trailers(lineLength: 0)
            case .data, .done:
                break
            }
        }
        let consumed = index - start
        if keepFraming {
            output = buffer.readSlice(length: consumed) ?? ByteBuffer()
        } else {
            buffer.moveReaderIndex(forwardBy: consumed)
        }
        return output
    }

    private static func hexValue(_ byte: UInt8) -> Int? {
        switch byte {
        case 0x30...0x39: Int(byte - 0x30)
        case 0x41...0x46: Int(byte - 0x41 + 10)
        case 0x61...0x66: Int(byte - 0x61 + 10)
        default: nil
        }
    }
}
