import Foundation
import RailyardCore
import RailyardEdge

/// HTTP log lines as the access log's writer thread makes them: each line's JSON, byte for byte
/// what `LogLine.writeJSON` writes for it, made once from the edge's record and stored as it is,
/// but for its seq, which the deployment's log gives when it takes the lines (`seqAt` is where
/// it goes). One buffer holds a whole batch of a deployment's lines.
///
/// Why not a `LogLine` per request, as before: that made the message, the fields as a string,
/// the value, and then escaped both strings again when the line was written out: four passes
/// and five allocations per request, on the same two cores that serve them.
public struct EncodedLogLines: Sendable {
    /// The lines' bytes, one after another (no newline between them).
    public private(set) var bytes: [UInt8] = []
    /// Where each line ends in `bytes`, and where its `"seq":N,` goes.
    private(set) var ends: [Int] = []
    private(set) var seqAts: [Int] = []

    public var count: Int { ends.count }

    func start(of line: Int) -> Int { line == 0 ? 0 : ends[line - 1] }

    /// About what the lines take in the file.
    var fileBytes: Int { bytes.count + count * 24 }

    /// What a line holds in memory while it waits for the file.
    func cost(of line: Int) -> Int { ends[line] - start(of: line) + 2 * MemoryLayout<Int>.stride }

    /// Gives back the room the buffers grew past their lines (up to half of it, as arrays
    /// double), so that what the log's budget counts is what they hold.
    mutating func compact() {
        if bytes.capacity > bytes.count + bytes.count / 4 { bytes = bytes.withUnsafeBufferPointer { Array($0) } }
        if ends.capacity > ends.count + ends.count / 4 {
            ends = ends.withUnsafeBufferPointer { Array($0) }
            seqAts = seqAts.withUnsafeBufferPointer { Array($0) }
        }
    }

    /// Keeps the first `count` lines (the rest did not fit the log's budget).
    mutating func keepFirst(_ count: Int) {
        guard count < ends.count else { return }
        let end = count == 0 ? 0 : ends[count - 1]
        bytes = Array(bytes[..<end])
        ends = Array(ends[..<count])
        seqAts = Array(seqAts[..<count])
    }

    /// Writes line `line` with its seq, and a newline, to `output`.
    func write(_ line: Int, seq: Int, to output: inout JSONOutput) {
        let lineStart = start(of: line), seqAt = seqAts[line], end = ends[line]
        output.append(bytes[lineStart..<seqAt])
        output.raw("\"seq\":")
        output.integer(seq)
        output.raw(",")
        output.append(bytes[seqAt..<end])
        output.raw("\n")
    }

    // MARK: Making lines

    /// Adds the line of one request that replica `replica` of deployment `deployment` answered.
    /// `scratch` is reused from line to line (the message and the fields are made there first).
    mutating func add(_ record: AccessRecord, deployment: String, replica: Int, scratch: inout HTTPLogScratch) {
        let level: StaticString = record.status >= 500 ? "error" : record.status >= 400 ? "warn" : "info"
        // The message people read: `GET host/path 200 1.2 ms`.
        scratch.message.removeAll(keepingCapacity: true)
        JSONBytes.appendText(record.method, to: &scratch.message)
        scratch.message.append(0x20)
        JSONBytes.appendText(record.host, to: &scratch.message)
        JSONBytes.appendText(record.path, to: &scratch.message)
        scratch.message.append(0x20)
        JSONBytes.appendInteger(record.status, to: &scratch.message)
        scratch.message.append(0x20)
        JSONBytes.appendMilliseconds(record.durationSeconds, to: &scratch.message)
        JSONBytes.appendRaw(" ms", to: &scratch.message)

        // Every field, as a JSON object (stored as a string: the line's `fields`).
        // Taken out of `scratch` while it is filled (so that it is not shared, and not copied).
        var fields = scratch.fields
        scratch.fields = []
        fields.removeAll(keepingCapacity: true)
        JSONBytes.appendRaw(#"{"level":""#, to: &fields)
        JSONBytes.appendRaw(level, to: &fields)
        JSONBytes.appendRaw(#"","message":"#, to: &fields)
        scratch.message.withUnsafeBufferPointer { JSONBytes.appendString($0, to: &fields) }
        JSONBytes.appendRaw(#","method":"#, to: &fields)
        JSONBytes.appendString(record.method, to: &fields)
        JSONBytes.appendRaw(#","host":"#, to: &fields)
        JSONBytes.appendString(record.host, to: &fields)
        JSONBytes.appendRaw(#","path":"#, to: &fields)
        JSONBytes.appendString(record.path, to: &fields)
        JSONBytes.appendRaw(#","status":"#, to: &fields)
        JSONBytes.appendInteger(record.status, to: &fields)
        JSONBytes.appendRaw(#","durationMs":"#, to: &fields)
        JSONBytes.appendMilliseconds(record.durationSeconds, to: &fields)
        JSONBytes.appendRaw(#","bytesIn":"#, to: &fields)
        JSONBytes.appendInteger(record.bytesIn, to: &fields)
        JSONBytes.appendRaw(#","bytesOut":"#, to: &fields)
        JSONBytes.appendInteger(record.bytesOut, to: &fields)
        JSONBytes.appendRaw(#","requestId":"#, to: &fields)
        record.requestID.withUTF8 { JSONBytes.appendString($0, to: &fields) }
        JSONBytes.appendRaw(#","client":"#, to: &fields)
        JSONBytes.appendString(record.clientAddress, to: &fields)
        JSONBytes.appendRaw(#","replica":"#, to: &fields)
        JSONBytes.appendInteger(replica, to: &fields)
        fields.append(0x7D)
        scratch.fields = fields

        // The stored line, keys in `LogLine.writeJSON`'s order (readers find seq, time and
        // phase from the line's end).
        JSONBytes.appendRaw(#"{"deploymentId":"#, to: &bytes)
        JSONBytes.appendString(deployment, to: &bytes)
        JSONBytes.appendRaw(#","fields":"#, to: &bytes)
        scratch.fields.withUnsafeBufferPointer { JSONBytes.appendString($0, to: &bytes) }
        JSONBytes.appendRaw(#","level":""#, to: &bytes)
        JSONBytes.appendRaw(level, to: &bytes)
        JSONBytes.appendRaw(#"","message":"#, to: &bytes)
        scratch.message.withUnsafeBufferPointer { JSONBytes.appendString($0, to: &bytes) }
        JSONBytes.appendRaw(#","phase":"http","replica":"#, to: &bytes)
        JSONBytes.appendInteger(replica, to: &bytes)
        bytes.append(0x2C)
        seqAts.append(bytes.count)
        JSONBytes.appendRaw(#""stream":"http","time":""#, to: &bytes)
        JSONCoding.appendTimestamp(record.time, to: &bytes)
        JSONBytes.appendRaw(#""}"#, to: &bytes)
        ends.append(bytes.count)
    }
}

/// Buffers the writer reuses from one line to the next.
public struct HTTPLogScratch: Sendable {
    var message: [UInt8] = []
    var fields: [UInt8] = []
    public init() {
        message.reserveCapacity(256)
        fields.reserveCapacity(512)
    }
}

/// JSON pieces written straight into a byte array, strings escaped by `JSONOutput.appendString`
/// (the same bytes as `JSONOutput.string`).
enum JSONBytes {
    static func appendRaw(_ text: StaticString, to bytes: inout [UInt8]) {
        text.withUTF8Buffer { bytes.append(contentsOf: $0) }
    }

    /// Text as it is (no quotes, no escapes): the message, escaped when it is written.
    static func appendText(_ text: String, to bytes: inout [UInt8]) {
        if text.utf8.withContiguousStorageIfAvailable({ bytes.append(contentsOf: $0) }) != nil { return }
        bytes.append(contentsOf: text.utf8)
    }

    static func appendString(_ text: String, to bytes: inout [UInt8]) {
        if text.utf8.withContiguousStorageIfAvailable({ appendString($0, to: &bytes) }) != nil { return }
        appendString(Array(text.utf8), to: &bytes)
    }

    static func appendString(_ text: [UInt8], to bytes: inout [UInt8]) {
        text.withUnsafeBufferPointer { appendString($0, to: &bytes) }
    }

    /// `text` as a JSON string (`JSONOutput`'s escaping).
    static func appendString(_ text: UnsafeBufferPointer<UInt8>, to bytes: inout [UInt8]) {
        JSONOutput.appendString(text, to: &bytes)
    }

    /// Decimal digits of `value`, as `String(value)` writes them.
    static func appendInteger(_ value: Int, to bytes: inout [UInt8]) {
        if value < 0 {
            guard value != .min else { return bytes.append(contentsOf: String(value).utf8) }
            bytes.append(0x2D)
            return appendInteger(-value, to: &bytes)
        }
        if value < 10 { return bytes.append(UInt8(0x30 + value)) }
        withUnsafeTemporaryAllocation(of: UInt8.self, capacity: 20) { digits in
            var rest = value, count = 0
            while rest > 0 {
                digits[19 - count] = UInt8(0x30 + rest % 10)
                rest /= 10
                count += 1
            }
            bytes.append(contentsOf: UnsafeBufferPointer(rebasing: digits[(20 - count)...]))
        }
    }

    /// A duration in milliseconds to the tenth (`0.3`, `12.0`), as `String(Double)` writes
    /// that value.
    static func appendMilliseconds(_ seconds: Double, to bytes: inout [UInt8]) {
        let tenths = (seconds * 1000 * 10).rounded()
        // Past 27 hours (never, for an answered request), negative or not a number: the
        // general form.
        guard tenths.sign == .plus, tenths < 1e9 else {
            let milliseconds = tenths / 10
            return bytes.append(contentsOf: (milliseconds.isFinite ? String(milliseconds) : "0").utf8)
        }
        let whole = Int(tenths)
        appendInteger(whole / 10, to: &bytes)
        bytes.append(0x2E)
        bytes.append(UInt8(0x30 + whole % 10))
    }
}
