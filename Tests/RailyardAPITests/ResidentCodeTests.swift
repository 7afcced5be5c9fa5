import Foundation
import Testing

@testable import RailyardAPI

/// Trimming resident code gives back mapped code pages, and what runs next still runs (the
/// pages come back from the file).
@Suite struct ResidentCodeTests {
    /// The kilobytes of this process's file-backed executable mappings that are resident.
    static func residentCodeKilobytes() throws -> Int {
        let smaps = try String(contentsOfFile: "/proc/self/smaps", encoding: .utf8)
        var total = 0
        var inCode = false
        for line in smaps.split(separator: "\n") {
            let fields = line.split(separator: " ", omittingEmptySubsequences: true)
            if let first = fields.first, first.contains("-"), fields.count >= 2, first.first?.isHexDigit == true {
                inCode = fields[1] == "r-xp" && (fields.last?.hasPrefix("/") ?? false)
            } else if inCode, fields.first == "Rss:", fields.count >= 2, let kilobytes = Int(fields[1]) {
                total += kilobytes
            }
        }
        return total
    }

    @Test func trimmingGivesBackCodePagesAndTheCodeStillRuns() throws {
        let before = try Self.residentCodeKilobytes()
        let advised = ResidentCode.trim()
        let after = try Self.residentCodeKilobytes()
        #expect(advised > 10 << 20, "advised \(advised) bytes: the test binary's code alone is larger")
        // What runs between the trim and the count (this test, and others beside it) comes
        // back; most does not.
        #expect(before - after > 8 << 10, "resident code \(before) KiB before, \(after) KiB after")
        // Code from all over runs as before.
        let encoded = try JSONEncoder().encode(["still": "running"])
        #expect(String(decoding: encoded, as: UTF8.self) == #"{"still":"running"}"#)
        #expect((1...1000).reduce(0, +) == 500500)
    }
}
