import Foundation
import RailyardCore
import Testing

@testable import RailyardControl

/// The log hub against real files: the last lines and `since` read from the end and by binary
/// search (across a rotated file), pages that go on from their cursor, a restart that goes on
/// from the stored log, broken lines skipped, and the memory budget.
struct LogHubTests {
    /// A hub in a fresh folder; lines are written only when a test flushes.
    static func hub(_ configure: (inout LogHub.Limits) -> Void = { _ in }) throws -> (LogHub, URL) {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("railyard-logs-\(UUID().uuidString)")
        var limits = LogHub.Limits()
        limits.flushInterval = .seconds(3600)
        configure(&limits)
        return (try LogHub(folder: folder, limits: limits), folder)
    }

    static func phase(_ number: Int) -> String { number % 3 == 0 ? "build" : "deploy" }

    /// Lines 1…count, in batches of `batch`, each batch written (and so rotated) on its own.
    static func write(_ hub: LogHub, _ id: DeploymentID, count: Int, batch: Int = 100) {
        for number in 1...count {
            hub.append(id, phase: phase(number), replica: 0, stream: "stdout", "line \(number) of some realistic length")
            if number % batch == 0 { hub.flush(id) }
        }
        hub.flush(id)
    }

    static func seqs(_ hub: LogHub, _ id: DeploymentID, _ query: LogQuery, limit: Int = 5000) -> [Int] {
        let start = hub.start(id, query)
        return hub.read(id, after: start, phase: query.phase, limit: limit).lines.map(\.seq)
    }

    @Test func theLastLinesAreReadFromTheEndAcrossARotatedFile() throws {
        let (hub, folder) = try Self.hub { $0.maximumFileBytes = 64 << 10 }
        let id = DeploymentID(rawValue: "dep_tail")
        Self.write(hub, id, count: 3000)
        let current = folder.appendingPathComponent("dep_tail.jsonl")
        #expect(FileManager.default.fileExists(atPath: current.path + ".1"), "the log was rotated")
        let stored = hub.lines(id).map(\.seq)
        let first = try #require(stored.first)
        #expect(first > 1, "the oldest lines were rotated away")
        #expect(stored == Array(first...3000), "what is kept has no gap")

        #expect(Self.seqs(hub, id, LogQuery(tail: 100)) == Array(2901...3000))
        // More than the current file holds: the rest comes from the rotated part.
        let inCurrent = try String(contentsOf: current, encoding: .utf8).split(separator: "\n").count
        #expect(Self.seqs(hub, id, LogQuery(tail: inCurrent + 10)) == Array((3000 - inCurrent - 9)...3000))
        // More than is kept: everything kept.
        #expect(Self.seqs(hub, id, LogQuery(tail: 100_000)) == stored)
        // One phase: its last lines, however far back they go.
        let builds = stored.filter { Self.phase($0) == "build" }
        #expect(Self.seqs(hub, id, LogQuery(tail: 50, phase: "build")) == Array(builds.suffix(50)))
        #expect(Self.seqs(hub, id, LogQuery(tail: 700, phase: "build")) == Array(builds.suffix(700)))
        // With `after`: no line at or before it.
        #expect(Self.seqs(hub, id, LogQuery(after: 2990, tail: 100)) == Array(2991...3000))
        // The lines come back as they were stored.
        let line = try #require(hub.read(id, after: 2999, limit: 1).lines.first?.decoded())
        #expect(line.message == "line 3000 of some realistic length" && line.phase == "build" && line.replica == 0)
    }

    @Test func sinceFindsTheFirstLineOfATimeByBinarySearch() async throws {
        let (hub, _) = try Self.hub { $0.maximumFileBytes = 16 << 10 }
        let id = DeploymentID(rawValue: "dep_since")
        var marks: [(time: Date, firstSeq: Int)] = []
        var next = 1
        for _ in 0..<6 {
            try await Task.sleep(for: .milliseconds(30))
            marks.append((Date(), next))
            try await Task.sleep(for: .milliseconds(30))
            for _ in 0..<150 {
                hub.append(id, phase: "deploy", replica: nil, stream: "stdout", "line \(next)")
                next += 1
            }
            hub.flush(id)
        }
        let kept = try #require(hub.lines(id).first?.seq)
        for mark in marks where mark.firstSeq >= kept {
            let start = hub.start(id, LogQuery(since: mark.time))
            #expect(start == mark.firstSeq - 1, "since \(mark.time)")
        }
        // Later than every line: nothing; with a tail, the tail of what is newer.
        #expect(Self.seqs(hub, id, LogQuery(since: Date().addingTimeInterval(60))).isEmpty)
        let last = try #require(marks.last)
        #expect(Self.seqs(hub, id, LogQuery(since: last.time, tail: 10)) == Array((next - 10)..<next))
    }

    @Test func pagesGoOnFromTheirCursorWithoutGapsOrRepeats() throws {
        let (hub, _) = try Self.hub { $0.maximumFileBytes = 32 << 10 }
        let id = DeploymentID(rawValue: "dep_pages")
        Self.write(hub, id, count: 1200, batch: 37)
        let stored = hub.lines(id).map(\.seq)
        for phase in [nil, "build", "deploy"] as [String?] {
            var seen: [Int] = []
            var cursor = 0
            var pages = 0
            while true {
                let page = hub.read(id, after: cursor, phase: phase, limit: 7)
                #expect(page.lines.count <= 7)
                seen += page.lines.map(\.seq)
                pages += 1
                guard page.more else { break }
                #expect(page.through > cursor, "a page moves on")
                cursor = page.through
            }
            #expect(seen == stored.filter { phase == nil || Self.phase($0) == phase }, "phase \(phase ?? "any")")
            #expect(pages > 1)
        }
    }

    @Test func aRestartedHubGoesOnFromTheLastStoredLine() throws {
        let (hub, folder) = try Self.hub { $0.maximumFileBytes = 16 << 10 }
        let id = DeploymentID(rawValue: "dep_restart")
        Self.write(hub, id, count: 900)
        var limits = LogHub.Limits()
        limits.flushInterval = .seconds(3600)
        let again = try LogHub(folder: folder, limits: limits)
        again.system(id, phase: "deploy", "after the restart")
        again.flush(id)
        let lines = again.lines(id)
        #expect(lines.last?.seq == 901 && lines.last?.message == "after the restart")
    }

    @Test func brokenLinesAreSkipped() throws {
        let (hub, folder) = try Self.hub()
        let id = DeploymentID(rawValue: "dep_broken")
        Self.write(hub, id, count: 50)
        // What a crash in the middle of a write, or a disk error, could leave.
        let file = try FileHandle(forWritingTo: folder.appendingPathComponent("dep_broken.jsonl"))
        try file.seekToEnd()
        try file.write(contentsOf: Data("{\"not\": \"a log line\"}\n\n{\"seq\":\n".utf8))
        try file.close()
        for number in 51...60 { hub.append(id, phase: "deploy", replica: nil, stream: "stdout", "line \(number)") }
        hub.flush(id)
        #expect(hub.lines(id).map(\.seq) == Array(1...60))
        #expect(Self.seqs(hub, id, LogQuery(tail: 15)) == Array(46...60))
        #expect(Self.seqs(hub, id, LogQuery(after: 45, tail: 100)) == Array(46...60))
    }

    @Test func linesOverTheMemoryBudgetAreDroppedCountedAndReported() throws {
        let (hub, _) = try Self.hub {
            $0.memoryBudget = 64 << 10
            $0.memoryPerDeployment = 16 << 10
        }
        let text = String(repeating: "x", count: 1000)
        let chatty = DeploymentID(rawValue: "dep_chatty")
        for _ in 0..<1000 { hub.append(chatty, phase: "deploy", replica: 0, stream: "stdout", text) }
        #expect(hub.pendingBytes <= 16 << 10, "one deployment holds no more than its share")
        // A quiet deployment still has room.
        let quiet = DeploymentID(rawValue: "dep_quiet")
        for number in 1...5 { hub.append(quiet, phase: "deploy", replica: 0, stream: "stdout", "quiet \(number)") }
        // Many chatty deployments together hold no more than the whole budget.
        let others = (1...6).map { DeploymentID(rawValue: "dep_other\($0)") }
        for other in others {
            for _ in 0..<100 { hub.append(other, phase: "deploy", replica: 0, stream: "stdout", text) }
        }
        #expect(hub.pendingBytes <= 64 << 10)

        hub.flush(chatty)
        let lines = hub.lines(chatty)
        let kept = lines.filter { $0.stream == "stdout" }.count
        #expect(kept > 0 && kept < 1000)
        let notice = try #require(lines.last)
        #expect(notice.stream == "system" && notice.level == "warn")
        #expect(notice.message.hasPrefix("\(1000 - kept) lines dropped: output came faster than it could be stored"), "\(notice.message)")
        #expect(notice.message.contains("log memory budget 16 KiB per deployment, 64 KiB in all"))
        hub.flush(quiet)
        #expect(hub.lines(quiet).map(\.message) == (1...5).map { "quiet \($0)" }, "nothing of the quiet app dropped")
        let dropping = others.filter { other in
            hub.flush(other)
            return hub.lines(other).contains { $0.message.contains("lines dropped") }
        }
        #expect(!dropping.isEmpty, "past the whole budget, lines are dropped even within a deployment's share")
        // Written lines give their memory back.
        #expect(hub.pendingBytes == 0)
        hub.append(chatty, phase: "deploy", replica: 0, stream: "stdout", "after the flush")
        hub.flush(chatty)
        #expect(hub.lines(chatty).last?.message == "after the flush")
    }

    @Test func followersAreWokenAndSeeStatusesAfterTheirLines() async throws {
        let (hub, _) = try Self.hub()
        let id = DeploymentID(rawValue: "dep_follow")
        let follower = hub.follow(id)
        defer { follower.cancel() }
        hub.append(id, phase: "deploy", replica: nil, stream: "stdout", "one")
        hub.status(id, .success, reason: "healthy")
        hub.append(id, phase: "deploy", replica: nil, stream: "stdout", "two")
        hub.flush(id)
        var changes = follower.changes.makeAsyncIterator()
        #expect(await changes.next() != nil)
        let (marks, seen) = follower.statuses(from: follower.statusesSeen)
        #expect(marks == [LogStatusMark(afterSeq: 1, status: .success, reason: "healthy")])
        #expect(follower.statuses(from: seen).marks.isEmpty)
        #expect(hub.read(id, after: 0, through: 1, limit: 10).lines.map(\.seq) == [1])
        #expect(hub.read(id, after: 1, limit: 10).lines.map(\.seq) == [2])
    }
}

/// Reading a stored line's keys without decoding it: a line's text cannot pass for its keys.
struct StoredLogScanTests {
    @Test(arguments: [
        #"plain"#,
        #"a "seq":99, "phase":"build", "time":"1999-01-01T00:00:00.000Z" inside"#,
        #"\"seq\":7 and a backslash \\"#,
        #"{"level":"warn","message":"x","seq":12,"phase":"http","time":"2000-01-01T00:00:00.000Z"}"#,
        "tab\tand newline\nand unicode é ✓",
    ])
    func keysComeFromTheLineNotItsText(_ text: String) throws {
        let (message, level, fields) = LogLine.structured(text)
        let line = LogLine(
            seq: 4242, time: Date(timeIntervalSince1970: 1_800_000_000.123), deploymentId: "dep_x", phase: "deploy",
            replica: 1, stream: "stdout", message: message, level: level, fields: fields)
        var output = JSONOutput()
        line.writeJSON(to: &output)
        let keys = try #require(StoredLogScan.keys(output.bytes))
        #expect(keys == StoredLogScan.Keys(seq: 4242, time: JSONCoding.formatTimestamp(line.time), phase: "deploy"))
    }

    @Test func aLineWithoutKeysIsNotRead() {
        #expect(StoredLogScan.keys(Array(#"{"message":"no keys"}"#.utf8)) == nil)
        #expect(StoredLogScan.keys(Array(#"{"seq":"#.utf8)) == nil)
        #expect(StoredLogScan.keys([]) == nil)
    }
}

/// Logs are kept 14 days from their last line (issue 19: the retention promise had no test).
struct LogRetentionTests {
    static func age(_ url: URL, days: Double) throws {
        let date = Date().addingTimeInterval(-days * 24 * 3600)
        try FileManager.default.setAttributes([.modificationDate: date], ofItemAtPath: url.path)
    }

    @Test func filesPastFourteenDaysAreDeletedAndYoungerOnesKept() throws {
        let (hub, folder) = try LogHubTests.hub()
        let old = DeploymentID.generate(), recent = DeploymentID.generate(), quiet = DeploymentID.generate()
        for id in [old, recent, quiet] { LogHubTests.write(hub, id, count: 10) }
        // `old` rotated once: both parts are past the retention; `quiet` last wrote 13 days ago.
        try Data("{}\n".utf8).write(to: folder.appendingPathComponent("\(old.rawValue).jsonl.1"))
        try Self.age(folder.appendingPathComponent("\(old.rawValue).jsonl"), days: 14.1)
        try Self.age(folder.appendingPathComponent("\(old.rawValue).jsonl.1"), days: 20)
        try Self.age(folder.appendingPathComponent("\(quiet.rawValue).jsonl"), days: 13.9)
        hub.removeExpired()
        let left = try FileManager.default.contentsOfDirectory(atPath: folder.path).sorted()
        #expect(left == ["\(quiet.rawValue).jsonl", "\(recent.rawValue).jsonl"].sorted(), "\(left)")
        // A deleted log reads as empty, and a line written afterwards starts a new file.
        #expect(LogHubTests.seqs(hub, old, LogQuery()).isEmpty)
        hub.append(old, phase: "deploy", replica: 0, stream: "stdout", "after the deletion")
        hub.flush(old)
        #expect(hub.read(old, after: 0, phase: nil, limit: 10).lines.compactMap { $0.decoded()?.message } == ["after the deletion"])
    }

    @Test func theRetentionAgeIsTheHubsSetting() throws {
        let (hub, folder) = try LogHubTests.hub { $0.retention = .seconds(3600) }
        let id = DeploymentID.generate()
        LogHubTests.write(hub, id, count: 3)
        hub.removeExpired(now: Date().addingTimeInterval(1800))
        #expect(FileManager.default.fileExists(atPath: folder.appendingPathComponent("\(id.rawValue).jsonl").path))
        hub.removeExpired(now: Date().addingTimeInterval(3700))
        #expect(!FileManager.default.fileExists(atPath: folder.appendingPathComponent("\(id.rawValue).jsonl").path))
    }
}
