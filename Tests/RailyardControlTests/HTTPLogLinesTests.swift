import Foundation
import RailyardCore
import Testing

@testable import RailyardControl
@testable import RailyardEdge

/// HTTP log lines as the access log's writer encodes them: the same bytes as the line written
/// the general way (a `LogLine` through `writeJSON`), for hostile requests too, read back by
/// the log's readers; and, past the log's memory budget, a kept prefix and a notice of the rest.
struct HTTPLogLinesTests {
    static func record(path: String, host: String = "web.localhost", method: String = "GET", status: Int = 200,
                       seconds: Double = 0.0012, requestID: RequestIdentifier = .made(prefix: 0xABC, count: 7),
                       client: String = "10.1.2.3") -> AccessRecord {
        AccessRecord(time: Date(timeIntervalSince1970: 1_796_000_000.123), method: method, host: host, path: path,
                     status: status, durationSeconds: seconds, bytesIn: 321, bytesOut: 4567, requestID: requestID,
                     clientAddress: client, service: "web", upstream: "dep_x/1")
    }

    /// The line as the server wrote it before lines were encoded on the writer thread: a
    /// message, the fields as a JSON string, a `LogLine`, and `writeJSON` (the reference).
    static func reference(_ record: AccessRecord, deployment: String, replica: Int, seq: Int) -> [UInt8] {
        var output = JSONOutput(capacity: 320)
        let milliseconds = (record.durationSeconds * 1000 * 10).rounded() / 10
        let level = record.status >= 500 ? "error" : record.status >= 400 ? "warn" : "info"
        let message = "\(record.method) \(record.host)\(record.path) \(record.status) \(milliseconds) ms"
        output.raw("{")
        output.key("level", first: true); output.string(level)
        output.key("message"); output.string(message)
        output.key("method"); output.string(record.method)
        output.key("host"); output.string(record.host)
        output.key("path"); output.string(record.path)
        output.key("status"); output.integer(record.status)
        output.key("durationMs"); output.decimal(milliseconds)
        output.key("bytesIn"); output.integer(record.bytesIn)
        output.key("bytesOut"); output.integer(record.bytesOut)
        output.key("requestId"); output.string(record.requestID.description)
        output.key("client"); output.string(record.clientAddress)
        output.key("replica"); output.integer(replica)
        output.raw("}")
        let line = LogLine(seq: seq, time: record.time, deploymentId: deployment, phase: "http", replica: replica,
                           stream: "http", message: message, level: level, fields: String(decoding: output.bytes, as: UTF8.self))
        var written = JSONOutput()
        line.writeJSON(to: &written)
        written.raw("\n")
        return written.bytes
    }

    static let hostile: [AccessRecord] = [
        record(path: "/"),
        record(path: "/search?q=a%20b&x=1", status: 404, seconds: 0.00004),
        record(path: #"/a"b\c"#, status: 503, seconds: 12.34567),
        record(path: "/new\nline\ttab\r\u{01}\u{1F}\u{7F}", seconds: 0),
        record(path: "/é/😀/\u{FFFD}", host: "xn--bcher-kva.example", seconds: 86_400 * 400),
        record(path: "/" + String(repeating: "\\\"", count: 2000), method: "PROPFIND", status: 207,
               requestID: .given(#"id-"with"-\quotes"#)),
        record(path: "/", status: 101, seconds: 3.25, requestID: .given(""), client: "::1"),
    ]

    @Test func encodedLinesAreTheBytesAGeneralLineWouldBe() throws {
        var lines = EncodedLogLines()
        var scratch = HTTPLogScratch()
        for (index, record) in Self.hostile.enumerated() {
            lines.add(record, deployment: "dep_x", replica: index % 3, scratch: &scratch)
        }
        #expect(lines.count == Self.hostile.count)
        for (index, record) in Self.hostile.enumerated() {
            var output = JSONOutput()
            lines.write(index, seq: 1000 + index, to: &output)
            let expected = Self.reference(record, deployment: "dep_x", replica: index % 3, seq: 1000 + index)
            #expect(output.bytes == expected, "line \(index): \(String(decoding: output.bytes, as: UTF8.self))")
            // What readers do: find seq, time and phase from the end, decode, and read the fields.
            let keys = try #require(StoredLogScan.keys(output.bytes.dropLast().map { $0 }))
            #expect(keys.seq == 1000 + index && keys.phase == "http" && keys.time == "2026-11-30T00:53:20.123Z")
            let decoded = try JSONCoding.makeDecoder().decode(LogLine.self, from: Data(output.bytes.dropLast()))
            let fields = try #require(try JSONSerialization.jsonObject(with: Data((decoded.fields ?? "").utf8)) as? [String: Any])
            #expect(fields["path"] as? String == record.path)
            #expect(fields["requestId"] as? String == record.requestID.description)
            #expect(decoded.message.hasPrefix("\(record.method) \(record.host)\(record.path) \(record.status) "))
        }
    }

    @Test func pastTheBudgetAPrefixIsKeptAndTheRestIsToldInTheLog() throws {
        let (hub, _) = try LogHubTests.hub { $0.memoryPerDeployment = 64 << 10 }
        let id = DeploymentID(rawValue: "dep_http")
        var lines = EncodedLogLines()
        var scratch = HTTPLogScratch()
        for index in 0..<1000 {
            lines.add(Self.record(path: "/\(index)"), deployment: id.rawValue, replica: 0, scratch: &scratch)
        }
        hub.appendHTTP(id, lines)
        hub.flush(id)
        let stored = hub.lines(id)
        let http = stored.filter { $0.phase == "http" && $0.stream == "http" }
        // About 480 bytes a line: 64 KiB keeps a hundred or so, not all and not none.
        try #require(http.count > 50 && http.count < 1000)
        #expect(http.map(\.seq) == Array(1...http.count), "kept lines are the first ones, seqs without a gap")
        #expect(http.map(\.message) == (0..<http.count).map { "GET web.localhost/\($0) 200 1.2 ms" })
        let notice = try #require(stored.last)
        #expect(notice.seq == http.count + 1 && notice.level == "warn" && notice.phase == "http")
        #expect(notice.message.hasPrefix("\(1000 - http.count) lines dropped"), "\(notice.message)")
        // The budget was given back: the next batch is kept whole.
        var next = EncodedLogLines()
        next.add(Self.record(path: "/after"), deployment: id.rawValue, replica: 0, scratch: &scratch)
        hub.appendHTTP(id, next)
        hub.flush(id)
        #expect(hub.lines(id).last?.message == "GET web.localhost/after 200 1.2 ms")
        #expect(hub.pendingBytes == 0)
    }
}
