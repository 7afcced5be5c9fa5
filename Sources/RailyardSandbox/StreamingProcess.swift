import Foundation
import Synchronization

/// Which output of a process a line came from.
public enum OutputChannel: String, Sendable, Codable {
    case stdout
    case stderr
}

/// Runs a command line to completion, delivering its output line by line as it comes, and
/// killing it (and everything it started) when it outlives its time limit or the calling task
/// is cancelled.
public enum StreamingProcess {
    public static let defaultPath = "/usr/local/bin:/usr/bin:/bin:/usr/sbin:/sbin"

    public struct Outcome: Sendable, Equatable {
        public let exit: ProcessExit
        public let timedOut: Bool

        /// The exit code, or 128 plus the signal that ended the process.
        public var status: Int32 { exit.code }
    }

    /// Runs `arguments` through `/usr/bin/env`, which finds the program on `environment`'s PATH.
    public static func run(
        _ arguments: [String], environment: [String: String] = ["PATH": defaultPath], workingDirectory: String? = nil,
        passing descriptors: [Int32] = [],
        timeLimit: Duration, onLine: @escaping @Sendable (OutputChannel, String) -> Void
    ) async throws -> Outcome {
        let child = try ChildProcess.spawn(
            ["/usr/bin/env"] + arguments, environment: environment, workingDirectory: workingDirectory,
            passing: descriptors, onLine: onLine)
        let timedOut = Flag()
        let exit = await withTaskCancellationHandler {
            await withTaskGroup(of: ProcessExit?.self) { group in
                group.addTask { await child.exitStatus() }
                group.addTask {
                    guard (try? await Task.sleep(for: timeLimit)) != nil else { return nil }
                    timedOut.set()
                    child.killTree()
                    return nil
                }
                var exit: ProcessExit = .signaled(SIGKILL)
                while let next = await group.next() {
                    if let next {
                        exit = next
                        group.cancelAll()
                    }
                }
                return exit
            }
        } onCancel: {
            child.killTree()
        }
        return Outcome(exit: exit, timedOut: timedOut.isSet)
    }
}

/// Cuts a byte stream into lines; a final line without a newline is delivered at the end.
/// Lines longer than 64 KiB are cut, so one endless line cannot take all memory.
public final class LineSplitter: Sendable {
    static let maximumLine = 64 * 1024

    private let stream: OutputChannel
    private let onLine: @Sendable (OutputChannel, String) -> Void
    private let pending = Mutex<[UInt8]>([])

    public init(_ stream: OutputChannel, _ onLine: @escaping @Sendable (OutputChannel, String) -> Void) {
        self.stream = stream
        self.onLine = onLine
    }

    public func append(_ data: Data) {
        data.withUnsafeBytes { append($0) }
    }

    public func append(_ bytes: UnsafeRawBufferPointer) {
        let lines: [String] = pending.withLock { pending in
            var lines: [String] = []
            var rest = bytes[...]
            while let newline = rest.firstIndex(of: 10) {
                pending.append(contentsOf: rest[..<newline])
                lines.append(contentsOf: Self.cut(&pending, keepingTail: false))
                rest = rest[(newline + 1)...]
            }
            pending.append(contentsOf: rest)
            lines.append(contentsOf: Self.cut(&pending, keepingTail: true))
            return lines
        }
        for line in lines { onLine(stream, line) }
    }

    /// Splits `pending` into lines of at most `maximumLine` bytes; with `keepingTail` the
    /// last, shorter piece stays pending because more of its line may follow.
    private static func cut(_ pending: inout [UInt8], keepingTail: Bool) -> [String] {
        var lines: [String] = []
        var start = 0
        while pending.count - start >= maximumLine {
            lines.append(String(decoding: pending[start..<(start + maximumLine)], as: UTF8.self))
            start += maximumLine
        }
        if !keepingTail {
            if start < pending.count || lines.isEmpty {
                lines.append(String(decoding: pending[start...], as: UTF8.self))
            }
            pending.removeAll(keepingCapacity: true)
        } else if start > 0 {
            pending.removeFirst(start)
        }
        return lines
    }

    public func finish() {
        let rest: [UInt8] = pending.withLock { pending in
            defer { pending.removeAll() }
            return pending
        }
        if !rest.isEmpty { onLine(stream, String(decoding: rest, as: UTF8.self)) }
    }
}

/// A flag set once, read from anywhere.
final class Flag: Sendable {
    private let state = Mutex(false)
    func set() { state.withLock { $0 = true } }
    var isSet: Bool { state.withLock { $0 } }
}
