import NIOCore
import NIOHTTP1

// What the edge says itself: request ids (the client's or its own) and its own answers
// (`LocalAnswer`, `ErrorPage`), apart from the proxying in `EdgeProxyHandler`.

enum RequestID {
    /// A client's request id, when it is a reasonable one to pass on and log.
    static func accept(_ value: String?) -> RequestIdentifier? {
        guard let value, !value.isEmpty, value.utf8.count <= 128,
              value.utf8.allSatisfy({ $0 > 0x20 && $0 < 0x7F })
        else { return nil }
        return .given(value)
    }
}

/// A request's id: the one its client sent (`X-Request-Id`, when acceptable), or one the edge
/// made. A made one stays two numbers until it is written out (the instance's request head, the
/// HTTP log's writer thread), so that answering a request makes no string for it.
public enum RequestIdentifier: Sendable, CustomStringConvertible, ExpressibleByStringLiteral {
    case given(String)
    case made(prefix: UInt64, count: UInt64)

    public init(stringLiteral text: String) { self = .given(text) }

    /// Its text's bytes (32 hex digits for a made one), handed to `body` without a string made.
    public func withUTF8<Result>(_ body: (UnsafeBufferPointer<UInt8>) throws -> Result) rethrows -> Result {
        switch self {
        case .given(let text):
            var text = text
            return try text.withUTF8(body)
        case .made(let prefix, let count):
            return try withUnsafeTemporaryAllocation(of: UInt8.self, capacity: 32) { buffer in
                _ = Self.hex(prefix, count, into: UnsafeMutableRawBufferPointer(buffer))
                return try body(UnsafeBufferPointer(buffer))
            }
        }
    }

    public var description: String {
        switch self {
        case .given(let text): return text
        case .made(let prefix, let count):
            return String(unsafeUninitializedCapacity: 32) { Self.hex(prefix, count, into: UnsafeMutableRawBufferPointer($0)) }
        }
    }

    /// Its length as text.
    var byteCount: Int {
        switch self {
        case .given(let text): text.utf8.count
        case .made: 32
        }
    }

    func write(into out: inout HTTPWire.HeadWriter) {
        switch self {
        case .given(let text): out.write(string: text)
        case .made(let prefix, let count): out.write(upTo: 32) { Self.hex(prefix, count, into: $0) }
        }
    }

    private static func hex(_ prefix: UInt64, _ count: UInt64, into bytes: UnsafeMutableRawBufferPointer) -> Int {
        let digits: StaticString = "0123456789abcdef"
        digits.withUTF8Buffer { hex in
            for index in 0..<16 {
                bytes[15 - index] = hex[Int((prefix >> (UInt64(index) * 4)) & 0xF)]
                bytes[31 - index] = hex[Int((count >> (UInt64(index) * 4)) & 0xF)]
            }
        }
        return 32
    }
}

/// Makes request ids on one event loop: 32 hex digits, a random prefix of its own and a
/// counter. Unique, cheap (no system call, no atomic shared with other loops); request ids
/// need not be unguessable.
struct RequestIDGenerator {
    private let prefix = UInt64.random(in: .min ... .max)
    private var counter = UInt64.random(in: 0...UInt64(UInt32.max))

    mutating func next() -> RequestIdentifier {
        counter &+= 1
        return .made(prefix: prefix, count: counter)
    }
}

/// An answer the edge gives itself rather than an instance.
struct LocalAnswer {
    var status: HTTPResponseStatus
    var message: String
    /// For redirects.
    var location: String?

    init(_ status: HTTPResponseStatus, _ message: String, location: String? = nil) {
        self.status = status
        self.message = message
        self.location = location
    }
}

enum ByteCountText {
    /// 1048576 → "1 MiB"; exact multiples of KiB, MiB or GiB are named so, other sizes in bytes.
    static func make(_ bytes: Int) -> String {
        for (unit, size) in [("GiB", 1 << 30), ("MiB", 1 << 20), ("KiB", 1 << 10)] where bytes >= size && bytes % size == 0 {
            return "\(bytes / size) \(unit)"
        }
        return "\(bytes) bytes"
    }
}

/// The edge's own answers: short pages that name no host.
struct ErrorPage {
    let status: HTTPResponseStatus
    let body: ByteBuffer
    let requestID: String

    static func make(_ status: HTTPResponseStatus, _ message: String, requestID: String) -> ErrorPage {
        let title = "\(status.code) \(status.reasonPhrase)"
        let html = """
            <!doctype html><html><head><meta charset="utf-8"><title>\(title)</title></head>\
            <body><h1>\(title)</h1><p>\(message)</p><p><small>Request \(requestID) · Railyard</small></p></body></html>

            """
        return ErrorPage(status: status, body: ByteBuffer(string: html), requestID: requestID)
    }

    func head(keepAlive: Bool, minorVersion: Int = 1, location: String? = nil) -> ByteBuffer {
        var headers = [
            ("content-type", "text/html; charset=utf-8"), ("content-length", String(body.readableBytes)),
            ("x-request-id", requestID), ("cache-control", "no-store"),
        ]
        if let location { headers.append(("location", location)) }
        if !keepAlive {
            headers.append(("connection", "close"))
        } else if minorVersion == 0 {
            headers.append(("connection", "keep-alive"))
        }
        return HTTPWire.responseHead(status: status, minorVersion: minorVersion, headers: headers)
    }
}
