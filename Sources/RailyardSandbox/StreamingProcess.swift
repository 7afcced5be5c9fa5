import Foundation
import Synchronization

/// Which output of a process a line came from.
public enum OutputChannel: String, Sendable, Codable {
    case stdout
    case stderr
}

/// Runs a command line to completion, delivering its output line by line as it comes, and
/// killing it when it outlives its time limit.
public enum StreamingProcess {
    public struct Outcome: Sendable, Equatable {
        public let status: Int32
        public let timedOut: Bool
    }

    public static func run(
        _ arguments: [String], environment: [String: String] = ["PATH": "/usr/local/bin:/usr/bin:/bin:/usr/sbin:/sbin"],
        timeLimit: Duration, onLine: @escaping @Sendable (OutputChannel, String) -> Void
    ) async throws -> Outcome {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = arguments
        process.environment = environment
        process.standardInput = FileHandle.nullDevice
        let stdout = Pipe()
        let stderr = Pipe()
        process.standardOutput = stdout
        process.standardError = stderr
        let splitters = [LineSplitter(.stdout, onLine), LineSplitter(.stderr, onLine)]
        let drained = DispatchGroup()
        for (pipe, splitter) in zip([stdout, stderr], splitters) {
            drained.enter()
            pipe.fileHandleForReading.readabilityHandler = { handle in
                let data = handle.availableData
                if data.isEmpty {
                    handle.readabilityHandler = nil
                    splitter.finish()
                    drained.leave()
                } else {
                    splitter.append(data)
                }
            }
        }
        let timedOut = Flag()
        return try await withThrowingTaskGroup(of: Void.self) { group in
            let exited = AsyncStream<Int32>.makeStream()
            process.terminationHandler = { finished in
                exited.continuation.yield(finished.terminationStatus)
                exited.continuation.finish()
            }
            try await ProcessLauncher.launch(process)
            let pid = process.processIdentifier
            group.addTask {
                try await Task.sleep(for: timeLimit)
                timedOut.set()
                kill(pid, SIGKILL)
            }
            var status: Int32 = -1
            for await code in exited.stream { status = code }
            group.cancelAll()
            // Output still in the pipes arrives before the outcome is reported.
            await withCheckedContinuation { continuation in
                drained.notify(queue: .global()) { continuation.resume() }
            }
            return Outcome(status: status, timedOut: timedOut.isSet)
        }
    }
}

/// Cuts a byte stream into lines; a final line without a newline is delivered at the end.
/// Lines longer than 64 KiB are cut, so one endless line cannot take all memory.
public final class LineSplitter: Sendable {
    static let maximumLine = 64 * 1024

    private let stream: OutputChannel
    private let onLine: @Sendable (OutputChannel, String) -> Void
    private let buffer = Mutex<[UInt8]>([])

    public init(_ stream: OutputChannel, _ onLine: @escaping @Sendable (OutputChannel, String) -> Void) {
        self.stream = stream
        self.onLine = onLine
    }

    public func append(_ data: Data) {
        let lines: [String] = buffer.withLock { buffer in
            var lines: [String] = []
            for byte in data {
                if byte == 10 {
                    lines.append(String(decoding: buffer, as: UTF8.self))
                    buffer.removeAll(keepingCapacity: true)
                } else {
                    buffer.append(byte)
                    if buffer.count >= Self.maximumLine {
                        lines.append(String(decoding: buffer, as: UTF8.self))
                        buffer.removeAll(keepingCapacity: true)
                    }
                }
            }
            return lines
        }
        for line in lines { onLine(stream, line) }
    }

    public func finish() {
        let rest: [UInt8] = buffer.withLock { buffer in
            defer { buffer.removeAll() }
            return buffer
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
