import Foundation
import Synchronization

/// A short program run to its end on the calling thread, for callers that are not async (a
/// version query, `git rev-parse`, a test's helper): its output collected, its run bounded.
///
/// Not Foundation's `Process`: its exit notifications are lost under parallel spawning (see
/// `ChildProcess`), and `waitUntilExit` then spins for ever; here a program that outlives
/// `limit` is killed with everything it started, and the wait ends whatever happens.
public struct ProgramOutput: Sendable {
    public let exit: ProcessExit
    public let timedOut: Bool
    /// Each line ends with a newline (one is added to a last line that had none).
    public let stdout: String
    public let stderr: String
    /// Standard output and errors together, in the order the lines were read.
    public let combined: String

    /// The exit code, or 128 plus the signal that ended the program.
    public var status: Int32 { exit.code }

    /// Runs `arguments` (`arguments[0]` an absolute path, or a name looked up on `environment`'s
    /// PATH through `/usr/bin/env`) with exactly `environment`, standard input /dev/null.
    public static func run(
        _ arguments: [String], environment: [String: String] = ProcessInfo.processInfo.environment,
        workingDirectory: String? = nil, within limit: Duration = .seconds(120)
    ) throws(SpawnError) -> ProgramOutput {
        guard let program = arguments.first else { throw SpawnError("no program to run") }
        let lines = Mutex<[(OutputChannel, String)]>([])
        let child = try ChildProcess.spawn(
            program.hasPrefix("/") ? arguments : ["/usr/bin/env"] + arguments, environment: environment,
            workingDirectory: workingDirectory
        ) { channel, line in lines.withLock { $0.append((channel, line)) } }
        var exit = Self.finished(child, within: limit)
        let timedOut = exit == nil
        if timedOut {
            child.killTree()
            // Output is read for up to `ChildProcess.outputGrace` after the exit.
            exit = Self.finished(child, within: .seconds(10))
        }
        let read = lines.withLock { $0 }
        func text(_ channel: OutputChannel?) -> String {
            read.filter { channel == nil || $0.0 == channel }.map { $0.1 + "\n" }.joined()
        }
        return ProgramOutput(
            exit: exit ?? .signaled(SIGKILL), timedOut: timedOut, stdout: text(.stdout), stderr: text(.stderr),
            combined: text(nil))
    }

    private static func finished(_ child: ChildProcess, within limit: Duration) -> ProcessExit? {
        let deadline = ContinuousClock.now + limit
        while true {
            if let exit = child.finishedStatus { return exit }
            if ContinuousClock.now >= deadline { return nil }
            Thread.sleep(forTimeInterval: 0.01)
        }
    }
}
