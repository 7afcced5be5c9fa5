import NIOCore
import NIOHTTP1

/// HTTP/1.1 on the wire, for the edge's own hot path: the instance's answers are read as bytes
/// and passed on as bytes (only the head is looked at and rewritten; bodies go through with
/// their framing), and requests are written to instances without an encoder in between.
enum HTTPWire {
    static let crlf: StaticString = "\r\n"

    /// Hop-by-hop headers (RFC 9110 §7.6.1), lowercased.
    static let hopByHop: Set<String> = ["connection", "keep-alive", "proxy-connection", "te", "trailer", "transfer-encoding", "upgrade"]

    /// Whether `name` (any case) is one of `lowercased` names, without making a String.
    @inline(__always)
    static func nameIs(_ name: ByteBufferView, _ lowercased: StaticString) -> Bool {
        guard name.count == lowercased.utf8CodeUnitCount else { return false }
        return lowercased.withUTF8Buffer { expected in
            var index = 0
            for byte in name {
                let lower = byte >= 0x41 && byte <= 0x5A ? byte | 0x20 : byte
                if lower != expected[index] { return false }
                index += 1
            }
            return true
        }
    }

    // MARK: Requests to instances

    /// The request head for the instance: the client's, minus hop-by-hop headers (and those its
    /// Connection header names) and forwarding headers it may have forged, plus the edge's
    /// forwarding headers. The body's framing is written again by `frameBody`.
    static func requestHead(
        _ head: HTTPRequestHead, requestID: String, clientAddress: String, secure: Bool, chunked: Bool, upgrade: String?
    ) -> ByteBuffer {
        var buffer = ByteBuffer()
        buffer.reserveCapacity(256 + head.uri.utf8.count + head.headers.count * 48)
        buffer.writeString(head.method.rawValue)
        buffer.writeInteger(UInt8(ascii: " "))
        buffer.writeString(head.uri)
        buffer.writeStaticString(" HTTP/1.1\r\n")
        let named = connectionTokens(head.headers)
        var forwardedFor: String?
        var originalHost: String?
        for (name, value) in head.headers {
            let lower = name.lowercased()
            switch lower {
            case "x-forwarded-for":
                forwardedFor = forwardedFor.map { $0 + ", " + value } ?? value
                continue
            case "host":
                if originalHost == nil { originalHost = value }
            case "x-forwarded-proto", "x-forwarded-host", "x-request-id":
                continue
            default:
                if hopByHop.contains(lower) || named.contains(lower) { continue }
            }
            buffer.writeString(name)
            buffer.writeStaticString(": ")
            buffer.writeString(value)
            buffer.writeStaticString("\r\n")
        }
        if let upgrade {
            buffer.writeStaticString("connection: upgrade\r\nupgrade: ")
            buffer.writeString(upgrade)
            buffer.writeStaticString("\r\n")
        }
        if chunked { buffer.writeStaticString("transfer-encoding: chunked\r\n") }
        buffer.writeStaticString("x-forwarded-for: ")
        if let forwardedFor {
            buffer.writeString(forwardedFor)
            buffer.writeStaticString(", ")
        }
        buffer.writeString(clientAddress)
        buffer.writeStaticString(secure ? "\r\nx-forwarded-proto: https\r\n" : "\r\nx-forwarded-proto: http\r\n")
        if let originalHost {
            buffer.writeStaticString("x-forwarded-host: ")
            buffer.writeString(originalHost)
            buffer.writeStaticString("\r\n")
        }
        buffer.writeStaticString("x-request-id: ")
        buffer.writeString(requestID)
        buffer.writeStaticString("\r\n\r\n")
        return buffer
    }

    /// The lowercased header names a Connection header lists (they are hop-by-hop too).
    static func connectionTokens(_ headers: HTTPHeaders) -> Set<String> {
        var tokens: Set<String> = []
        for value in headers["connection"] {
            for token in value.split(separator: ",") {
                let name = token.trimmingCharacters(in: .whitespaces).lowercased()
                if !name.isEmpty { tokens.insert(name) }
            }
        }
        return tokens
    }

    /// A piece of a request body as the instance gets it: as is, or as one chunk.
    static func frameBody(_ body: ByteBuffer, chunked: Bool) -> ByteBuffer {
        guard chunked else { return body }
        var framed = ByteBuffer()
        framed.reserveCapacity(body.readableBytes + 12)
        framed.writeString(String(body.readableBytes, radix: 16))
        framed.writeStaticString("\r\n")
        framed.writeImmutableBuffer(body)
        framed.writeStaticString("\r\n")
        return framed
    }

    /// The end of a chunked request body, with its trailers.
    static func lastChunk(trailers: HTTPHeaders?) -> ByteBuffer {
        var buffer = ByteBuffer()
        buffer.writeStaticString("0\r\n")
        for (name, value) in trailers ?? [:] {
            buffer.writeString(name)
            buffer.writeStaticString(": ")
            buffer.writeString(value)
            buffer.writeStaticString("\r\n")
        }
        buffer.writeStaticString("\r\n")
        return buffer
    }

    // MARK: Answers from instances

    /// How an answer's body is delimited.
    enum Framing {
        case none
        case length(Int)
        case chunked
        /// Until the instance closes the connection.
        case untilClose
    }

    /// The parts of an answer's head the edge acts on, and where its header lines are.
    struct ResponseHead {
        var status: Int
        /// "HTTP/1.1 200 OK": the status line's bytes after the version, e.g. " 200 OK".
        var statusRest: ByteBuffer
        var minorVersion: Int
        var keepAlive: Bool
        var contentLength: Int?
        var chunked = false
        var transferEncoding = false
        /// Each header line (without its line end), in order.
        var lines: [ByteBuffer] = []
        /// Lowercased names the Connection header lists.
        var connectionTokens: Set<String> = []

        func framing(requestMethod: HTTPMethod) -> Framing {
            if requestMethod == .HEAD || status < 200 || status == 204 || status == 304 { return .none }
            if transferEncoding { return chunked ? .chunked : .untilClose }
            if let contentLength { return contentLength == 0 ? .none : .length(contentLength) }
            return .untilClose
        }
    }

    struct MalformedResponse: Error {}

    /// Largest answer head the edge reads.
    static let maximumHeadBytes = 64 * 1024

    /// The offset just past the blank line that ends a head in `buffer`, if it holds one.
    static func headEnd(in buffer: ByteBuffer) -> Int? {
        let view = buffer.readableBytesView
        var index = view.startIndex
        let end = view.endIndex
        // A head ends at the first empty line: LF LF, or LF CR LF.
        while let newline = view[index...].firstIndex(of: UInt8(ascii: "\n")) {
            let next = newline + 1
            if next < end, view[next] == UInt8(ascii: "\n") { return next + 1 - view.startIndex }
            if next + 1 < end, view[next] == UInt8(ascii: "\r"), view[next + 1] == UInt8(ascii: "\n") {
                return next + 2 - view.startIndex
            }
            if next >= end { return nil }
            index = next
        }
        return nil
    }

    /// Parses an answer's head (`head` holds it whole, blank line included).
    static func parseResponseHead(_ head: ByteBuffer) throws -> ResponseHead {
        var lines: [ByteBuffer] = []
        var remaining = head
        while let newline = remaining.readableBytesView.firstIndex(of: UInt8(ascii: "\n")) {
            let length = newline - remaining.readableBytesView.startIndex
            guard var line = remaining.readSlice(length: length) else { throw MalformedResponse() }
            remaining.moveReaderIndex(forwardBy: 1)
            if line.readableBytesView.last == UInt8(ascii: "\r") { line.moveWriterIndex(to: line.writerIndex - 1) }
            if line.readableBytes == 0 { break }
            lines.append(line)
        }
        guard var statusLine = lines.first, statusLine.readableBytes >= 12,
              let prefix = statusLine.readString(length: 7), prefix == "HTTP/1.",
              let minor = statusLine.readInteger(as: UInt8.self), minor == UInt8(ascii: "0") || minor == UInt8(ascii: "1")
        else { throw MalformedResponse() }
        let statusRest = statusLine
        guard statusRest.readableBytes >= 4, statusRest.getInteger(at: statusRest.readerIndex, as: UInt8.self) == UInt8(ascii: " "),
              let digits = statusRest.getString(at: statusRest.readerIndex + 1, length: 3), let status = Int(digits),
              (100...999).contains(status), digits.utf8.allSatisfy({ $0 >= 0x30 && $0 <= 0x39 })
        else { throw MalformedResponse() }
        guard statusRest.readableBytesView.allSatisfy({ $0 >= 0x20 || $0 == 0x09 }) else { throw MalformedResponse() }
        var result = ResponseHead(
            status: status, statusRest: statusRest, minorVersion: minor == UInt8(ascii: "1") ? 1 : 0,
            keepAlive: minor == UInt8(ascii: "1"))
        var sawKeepAliveToken = false
        for line in lines.dropFirst() {
            let view = line.readableBytesView
            // No obsolete line folding, no control characters.
            guard let first = view.first, first != 0x20, first != 0x09,
                  let colon = view.firstIndex(of: UInt8(ascii: ":")), colon > view.startIndex,
                  view.allSatisfy({ $0 >= 0x20 || $0 == 0x09 }) && !view.contains(0x7F)
            else { throw MalformedResponse() }
            let name = view[view.startIndex..<colon]
            guard name.allSatisfy({ $0 > 0x20 && $0 < 0x7F }) else { throw MalformedResponse() }
            if nameIs(name, "content-length") {
                let value = trimmed(view[(colon + 1)...])
                for part in value.split(separator: UInt8(ascii: ",")) {
                    let digits = trimmed(part)
                    guard !digits.isEmpty, digits.count <= 18, digits.allSatisfy({ $0 >= 0x30 && $0 <= 0x39 }) else {
                        throw MalformedResponse()
                    }
                    let length = digits.reduce(0) { $0 * 10 + Int($1 - 0x30) }
                    if let known = result.contentLength, known != length { throw MalformedResponse() }
                    result.contentLength = length
                }
            } else if nameIs(name, "transfer-encoding") {
                result.transferEncoding = true
                let codings = String(decoding: view[(colon + 1)...], as: UTF8.self).lowercased()
                // Chunked must be the last coding for the length to be known.
                let last = codings.split(separator: ",").last?.trimmingCharacters(in: .whitespaces)
                result.chunked = last == "chunked"
            } else if nameIs(name, "connection") {
                let value = String(decoding: view[(colon + 1)...], as: UTF8.self).lowercased()
                for token in value.split(separator: ",") {
                    let token = token.trimmingCharacters(in: .whitespaces)
                    if token == "close" { result.keepAlive = false }
                    if token == "keep-alive" { sawKeepAliveToken = true }
                    if !token.isEmpty { result.connectionTokens.insert(token) }
                }
            }
            result.lines.append(line)
        }
        if result.minorVersion == 0 && sawKeepAliveToken && !result.connectionTokens.contains("close") { result.keepAlive = true }
        return result
    }

    static func trimmed<C: BidirectionalCollection>(_ bytes: C) -> C.SubSequence where C.Element == UInt8 {
        var slice = bytes[...]
        while let first = slice.first, first == 0x20 || first == 0x09 { slice = slice.dropFirst() }
        while let last = slice.last, last == 0x20 || last == 0x09 { slice = slice.dropLast() }
        return slice
    }

    /// The head the client gets: the instance's status and headers without hop-by-hop ones
    /// (unless the body's own chunked framing goes along), with the request id, and the
    /// client's keep-alive answer.
    static func clientResponseHead(
        _ head: ResponseHead, clientMinorVersion: Int, requestID: String, keepAlive: Bool, keepsChunkedFraming: Bool,
        switchingProtocols: Bool
    ) -> ByteBuffer {
        var buffer = ByteBuffer()
        buffer.reserveCapacity(128 + head.lines.reduce(0) { $0 + $1.readableBytes + 2 })
        buffer.writeStaticString(clientMinorVersion == 0 ? "HTTP/1.0" : "HTTP/1.1")
        buffer.writeImmutableBuffer(head.statusRest)
        buffer.writeStaticString("\r\n")
        for line in head.lines {
            let view = line.readableBytesView
            guard let colon = view.firstIndex(of: UInt8(ascii: ":")) else { continue }
            let name = view[view.startIndex..<colon]
            if nameIs(name, "x-request-id") { continue }
            if switchingProtocols {
                // A 101 keeps Connection and Upgrade: they say what the connection becomes.
                buffer.writeImmutableBuffer(line)
                buffer.writeStaticString("\r\n")
                continue
            }
            if nameIs(name, "transfer-encoding") {
                if keepsChunkedFraming {
                    buffer.writeStaticString("transfer-encoding: chunked\r\n")
                }
                continue
            }
            if nameIs(name, "content-length"), head.transferEncoding { continue }
            if nameIs(name, "connection") || nameIs(name, "keep-alive") || nameIs(name, "proxy-connection")
                || nameIs(name, "te") || nameIs(name, "trailer") || nameIs(name, "upgrade") {
                continue
            }
            if !head.connectionTokens.isEmpty, head.connectionTokens.contains(String(decoding: name, as: UTF8.self).lowercased()) {
                continue
            }
            buffer.writeImmutableBuffer(line)
            buffer.writeStaticString("\r\n")
        }
        buffer.writeStaticString("x-request-id: ")
        buffer.writeString(requestID)
        if switchingProtocols {
            buffer.writeStaticString("\r\n\r\n")
        } else if !keepAlive {
            buffer.writeStaticString("\r\nconnection: close\r\n\r\n")
        } else if clientMinorVersion == 0 {
            buffer.writeStaticString("\r\nconnection: keep-alive\r\n\r\n")
        } else {
            buffer.writeStaticString("\r\n\r\n")
        }
        return buffer
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

/// Finds where a chunked body ends in the bytes that come, and optionally takes the framing
/// off (for HTTP/1.0 clients, which do not read chunks).
struct ChunkedBodyScanner {
    private enum State {
        case size(Int, digits: Int)
        case sizeExtension(Int)
        case sizeLineEnd(Int)
        case data(Int)
        case dataCR
        case dataLF
        /// Trailer lines after the last chunk; `lineLength` counts the current one.
        case trailers(lineLength: Int)
        case done
    }

    private var state = State.size(0, digits: 0)
    var isDone: Bool { if case .done = state { return true } else { return false } }

    /// Consumes bytes of `buffer` that belong to this body (all of them, or those up to its
    /// end) and returns what to send: the bytes as they are, or only the chunks' data.
    mutating func consume(_ buffer: inout ByteBuffer, keepFraming: Bool) throws -> ByteBuffer {
        let start = buffer.readerIndex
        var output = keepFraming ? ByteBuffer() : ByteBuffer()
        var index = buffer.readerIndex
        let end = buffer.writerIndex
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
                    state = .sizeExtension(size)
                } else if digits > 0, byte == UInt8(ascii: "\r") {
                    state = .sizeLineEnd(size)
                } else if digits > 0, byte == UInt8(ascii: "\n") {
                    state = size == 0 ? .trailers(lineLength: 0) : .data(size)
                } else {
                    throw HTTPWire.MalformedResponse()
                }
            case .sizeExtension(let size):
                if byte == UInt8(ascii: "\n") { state = size == 0 ? .trailers(lineLength: 0) : .data(size) }
            case .sizeLineEnd(let size):
                guard byte == UInt8(ascii: "\n") else { throw HTTPWire.MalformedResponse() }
                state = size == 0 ? .trailers(lineLength: 0) : .data(size)
            case .dataCR:
                if byte == UInt8(ascii: "\r") { state = .dataLF } else if byte == UInt8(ascii: "\n") { state = .size(0, digits: 0) } else {
                    throw HTTPWire.MalformedResponse()
                }
            case .dataLF:
                guard byte == UInt8(ascii: "\n") else { throw HTTPWire.MalformedResponse() }
                state = .size(0, digits: 0)
            case .trailers(let lineLength):
                if byte == UInt8(ascii: "\n") {
                    state = lineLength == 0 ? .done : .trailers(lineLength: 0)
                } else if byte != UInt8(ascii: "\r") {
                    guard lineLength < HTTPWire.maximumHeadBytes else { throw HTTPWire.MalformedResponse() }
                    state = .trailers(lineLength: lineLength + 1)
                }
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
