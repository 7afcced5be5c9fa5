import Foundation
import Testing

@testable import RailyardSandbox

struct ProgramOutputTests {
    @Test func outputAndStatusAreCollectedChannelByChannel() throws {
        let run = try ProgramOutput.run(["/bin/sh", "-c", "echo one; echo two >&2; printf three; exit 3"], within: .seconds(60))
        #expect(run.exit == .exited(3))
        #expect(!run.timedOut)
        #expect(run.stdout == "one\nthree\n")
        #expect(run.stderr == "two\n")
        #expect(run.combined.split(separator: "\n").sorted() == ["one", "three", "two"])
    }

    @Test func aNameIsLookedUpOnThePath() throws {
        let run = try ProgramOutput.run(["printf", "%s", "found"], environment: ["PATH": "/usr/bin:/bin"], within: .seconds(60))
        #expect(run.status == 0)
        #expect(run.stdout == "found\n")
    }

    /// What the helper is for: a program that does not end (and one it started that keeps its
    /// output open) cannot hold the caller for longer than the limit and the output grace.
    @Test func aProgramThatOutlivesItsLimitIsKilledWithWhatItStarted() throws {
        let seconds = Int.random(in: 3_000_000..<4_000_000)
        let started = ContinuousClock.now
        let run = try ProgramOutput.run(["/bin/sh", "-c", "echo begun; sleep \(seconds) & exec sleep \(seconds + 1)"], within: .seconds(1))
        let took = ContinuousClock.now - started
        #expect(run.timedOut)
        #expect(run.exit == .signaled(SIGKILL))
        #expect(run.stdout == "begun\n")
        #expect(took < .seconds(15), "the wait took \(took)")
        let survivors = ProcessTree.parents().keys.filter { pid in
            guard let line = FileManager.default.contents(atPath: "/proc/\(pid)/cmdline") else { return false }
            return [seconds, seconds + 1].contains { String(decoding: line, as: UTF8.self) == "sleep\0\($0)\0" }
        }
        #expect(survivors.isEmpty)
    }

    @Test func aMissingProgramIsAnError() {
        #expect(throws: SpawnError.self) { try ProgramOutput.run(["/nonexistent/program"]) }
        #expect(throws: SpawnError.self) { try ProgramOutput.run([]) }
    }
}
