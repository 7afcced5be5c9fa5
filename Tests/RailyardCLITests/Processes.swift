import Foundation
import RailyardSandbox
import Synchronization
import Testing

/// Runs blocking work (a child process waited for, a log polled) on a thread of its own: on one
/// of Swift's cooperative threads (two on these machines) it would hold up every other test for
/// as long as it waits, and timing tests elsewhere would fail.
func onOwnThread<T: Sendable>(_ work: @escaping @Sendable () throws -> T) async throws -> T {
    try await withCheckedThrowingContinuation { continuation in
        Thread { continuation.resume(with: Result { try work() }) }.start()
    }
}

/// Runs the real `railyard` binary, as a user would.
enum RailyardBinary {
    /// The binary SwiftPM built beside the test bundle (scripts/test builds it first).
    static func path() throws -> String {
        if let given = ProcessInfo.processInfo.environment["RAILYARD_BINARY"] { return given }
        var directory = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
        for _ in 0..<4 {
            let candidate = directory.appendingPathComponent("railyard").path
            if FileManager.default.isExecutableFile(atPath: candidate) { return candidate }
            directory = directory.deletingLastPathComponent()
        }
        throw ProcessProblem("railyard binary not found next to the tests; run `swift build` (scripts/test does)")
    }
}

struct ProcessProblem: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}

struct CommandResult: Sendable {
    let status: Int32
    let stdout: String
    let stderr: String
}

/// The CLI with its own config folder and working folder, like one person's shell.
struct CLI: Sendable {
    let configHome: String
    let directory: String
    var environment: [String: String] = [:]

    static func make() throws -> CLI {
        let base = FileManager.default.temporaryDirectory.appendingPathComponent("railyard-cli-\(UUID().uuidString)")
        let config = base.appendingPathComponent("config").path
        let work = base.appendingPathComponent("work").path
        try FileManager.default.createDirectory(atPath: config, withIntermediateDirectories: true)
        try FileManager.default.createDirectory(atPath: work, withIntermediateDirectories: true)
        return CLI(configHome: config, directory: work)
    }

    /// Runs the CLI on a thread of its own (`onOwnThread`), waiting for it to exit.
    @discardableResult
    func run(_ arguments: [String], extraEnvironment: [String: String] = [:]) async throws -> CommandResult {
        try await onOwnThread { try runBlocking(arguments, extraEnvironment: extraEnvironment) }
    }

    private func runBlocking(_ arguments: [String], extraEnvironment: [String: String]) throws -> CommandResult {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: try RailyardBinary.path())
        process.arguments = arguments
        process.currentDirectoryURL = URL(fileURLWithPath: directory)
        var env = ProcessInfo.processInfo.environment
        env["XDG_CONFIG_HOME"] = configHome
        env["RAILYARD_TOKEN"] = nil
        env["RAILYARD_SERVER"] = nil
        for (key, value) in environment.merging(extraEnvironment, uniquingKeysWith: { $1 }) { env[key] = value }
        process.environment = env
        let out = Pipe()
        let err = Pipe()
        process.standardOutput = out
        process.standardError = err
        try process.run()
        let stdout = out.fileHandleForReading.readDataToEndOfFile()
        let stderr = err.fileHandleForReading.readDataToEndOfFile()
        // Both pipes are closed: the CLI has exited, or is about to.
        let status = ServerProcess.exitStatus(of: process, within: 60) ?? -1
        return CommandResult(
            status: status, stdout: String(decoding: stdout, as: UTF8.self),
            stderr: String(decoding: stderr, as: UTF8.self))
    }

    /// Runs and requires exit 0, returning stdout.
    @discardableResult
    func ok(_ arguments: [String], extraEnvironment: [String: String] = [:], sourceLocation: SourceLocation = #_sourceLocation) async throws -> String {
        let result = try await run(arguments, extraEnvironment: extraEnvironment)
        #expect(result.status == 0, "railyard \(arguments.joined(separator: " ")) failed: \(result.stderr)", sourceLocation: sourceLocation)
        return result.stdout
    }

    func json(_ arguments: [String], extraEnvironment: [String: String] = [:], sourceLocation: SourceLocation = #_sourceLocation) async throws -> Any {
        let output = try await ok(arguments + ["--json"], extraEnvironment: extraEnvironment, sourceLocation: sourceLocation)
        return try JSONSerialization.jsonObject(with: Data(output.utf8))
    }

    /// Runs and requires a failure with exactly one line on stderr.
    func fails(_ arguments: [String], sourceLocation: SourceLocation = #_sourceLocation) async throws -> String {
        let result = try await run(arguments)
        #expect(result.status != 0, "railyard \(arguments.joined(separator: " ")) should have failed", sourceLocation: sourceLocation)
        let lines = result.stderr.split(separator: "\n").filter { !$0.hasPrefix("Usage:") && !$0.contains("--help' for more") && !$0.trimmingCharacters(in: .whitespaces).isEmpty }
        #expect(lines.count == 1, "stderr should be one line: \(result.stderr)", sourceLocation: sourceLocation)
        return result.stderr
    }
}

/// A `railyard server` process on a free port, with its own data folder.
final class ServerProcess: @unchecked Sendable {
    let dataDirectory: String
    let databaseURL: String?
    let extraEnvironment: [String: String]
    let extraArguments: [String]
    private(set) var process: Process?
    /// The running server's process id.
    var pid: Int32? { process.flatMap { $0.isRunning ? $0.processIdentifier : nil } }
    private(set) var port = 0
    /// The edge router's port (kept across restarts, like the API's).
    private(set) var httpPort = 0
    private(set) var httpsPort = 0
    let logPath: String

    init(dataDirectory: String, databaseURL: String? = nil, environment: [String: String] = [:], arguments: [String] = [],
         logPath: String? = nil) {
        self.dataDirectory = dataDirectory
        self.databaseURL = databaseURL
        self.extraEnvironment = environment
        self.extraArguments = arguments
        self.logPath = logPath ?? dataDirectory + ".log"
    }

    /// A server for the same data folder, store and ports, with `arguments` added (say
    /// `--replace`), logging to a file of its own.
    func successor(arguments: [String]) -> ServerProcess {
        let next = ServerProcess(
            dataDirectory: dataDirectory, databaseURL: databaseURL, environment: extraEnvironment,
            arguments: extraArguments + arguments, logPath: dataDirectory + "-\(UUID().uuidString.prefix(8)).log")
        next.port = port
        next.httpPort = httpPort
        next.httpsPort = httpsPort
        return next
    }

    var url: String { "http://127.0.0.1:\(port)" }
    var edgeURL: String { "http://127.0.0.1:\(httpPort)" }

    var log: String { (try? String(contentsOfFile: logPath, encoding: .utf8)) ?? "" }

    /// Starts the server and waits for it to listen, on a thread of its own (`onOwnThread`).
    func start() async throws {
        try await onOwnThread { try self.startBlocking() }
    }

    private func startBlocking() throws {
        if !FileManager.default.fileExists(atPath: logPath) {
            _ = FileManager.default.createFile(atPath: logPath, contents: nil)
        }
        let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: logPath))
        handle.seekToEndOfFile()
        let process = Process()
        process.executableURL = URL(fileURLWithPath: try RailyardBinary.path())
        // A restart keeps the port, so clients keep their server URL.
        var arguments = [
            "server", "--api-listen", "127.0.0.1:\(port)", "--http-listen", "127.0.0.1:\(httpPort)",
            "--https-listen", "127.0.0.1:\(httpsPort)", "--data", dataDirectory,
        ]
        if let databaseURL { arguments += ["--database-url", databaseURL] }
        process.arguments = arguments + extraArguments
        var env = ProcessInfo.processInfo.environment
        for (key, value) in extraEnvironment { env[key] = value }
        process.environment = env
        process.standardOutput = handle
        process.standardError = handle
        let logStart = log.utf8.count
        try process.run()
        self.process = process
        let deadline = Date().addingTimeInterval(60)
        while Date() < deadline {
            let text = String(log.dropFirst(logStart))
            if let range = text.range(of: "listening on 127.0.0.1:") {
                let digits = text[range.upperBound...].prefix { $0.isNumber }
                if let port = Int(digits) {
                    self.port = port
                    if let edge = text.range(of: "railyard.http=127.0.0.1:") {
                        httpPort = Int(text[edge.upperBound...].prefix { $0.isNumber }) ?? httpPort
                    }
                    if let edge = text.range(of: "railyard.https=127.0.0.1:") {
                        httpsPort = Int(text[edge.upperBound...].prefix { $0.isNumber }) ?? httpsPort
                    }
                    return
                }
            }
            if !process.isRunning { throw ProcessProblem("server exited at start: \(log)") }
            Thread.sleep(forTimeInterval: 0.05)
        }
        throw ProcessProblem("server did not start listening within 60 s: \(log)")
    }

    /// Sends `signal` and waits for the exit status. A server that has not exited 20 s after
    /// SIGTERM is killed with its sandboxes, so that one stuck shutdown cannot hang the suite.
    @discardableResult
    func stop(signal: Int32 = SIGTERM) -> Int32 {
        guard let process, process.isRunning else { return process?.terminationStatus ?? -1 }
        let pid = process.processIdentifier
        let children = ProcessTree.descendants(of: pid, parents: ProcessTree.parents())
        kill(pid, signal)
        if let status = Self.exitStatus(of: process, within: 20) { return status }
        Issue.record("the server did not stop within 20 s of signal \(signal)")
        for child in children { kill(child, SIGKILL) }
        kill(pid, SIGKILL)
        return Self.exitStatus(of: process, within: 20) ?? -1
    }

    /// The exit status of `process` once it has ended (128 + the signal when one ended it),
    /// read without reaping it; nil if it has not ended within `seconds`. Not Foundation's
    /// `waitUntilExit`: in a full run (at f4c8510) Foundation missed two servers' exits, and two
    /// tests spun in it for ever, holding both of the concurrency pool's threads.
    static func exitStatus(of process: Process, within seconds: Double) -> Int32? {
        let pid = process.processIdentifier
        let deadline = Date().addingTimeInterval(seconds)
        repeat {
            if !process.isRunning { return process.terminationStatus }
            var info = siginfo_t()
            // WNOWAIT: Foundation still reaps it (and may then update `isRunning`).
            if waitid(P_PID, id_t(pid), &info, WEXITED | WNOWAIT | WNOHANG) == 0, info._sifields._sigchld.si_pid == pid {
                let status = info._sifields._sigchld.si_status
                return info.si_code == 1 /* CLD_EXITED */ ? status : 128 + status
            }
            Thread.sleep(forTimeInterval: 0.05)
        } while Date() < deadline
        return nil
    }

    deinit { if let process, process.isRunning { kill(process.processIdentifier, SIGKILL) } }
}

/// A new, empty database on the PostgreSQL server scripts/test started.
enum TestPostgres {
    static func freshDatabaseURL() throws -> String {
        let server = try #require(
            ProcessInfo.processInfo.environment["RAILYARD_TEST_POSTGRES_URL"],
            "RAILYARD_TEST_POSTGRES_URL is not set: run the tests through scripts/test, which starts PostgreSQL")
        let name = "railyard_cli_\(UUID().uuidString.replacingOccurrences(of: "-", with: "").prefix(12).lowercased())"
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["psql", server, "-q", "-c", "CREATE DATABASE \(name)"]
        try process.run()
        guard ServerProcess.exitStatus(of: process, within: 60) == 0 else { throw ProcessProblem("psql could not create \(name)") }
        var components = try #require(URLComponents(string: server))
        components.path = "/\(name)"
        return try #require(components.string)
    }
}

extension CLI {
    /// Runs the CLI without blocking a thread of the concurrency pool (deploys take seconds).
    @discardableResult
    func exec(_ arguments: [String], timeLimit: Duration = .seconds(600)) async throws -> CommandResult {
        var env = ProcessInfo.processInfo.environment
        env["XDG_CONFIG_HOME"] = configHome
        env["RAILYARD_TOKEN"] = nil
        env["RAILYARD_SERVER"] = nil
        for (key, value) in environment { env[key] = value }
        let collected = Collected()
        let child = try ChildProcess.spawn(
            [try RailyardBinary.path()] + arguments, environment: env, workingDirectory: directory,
            onLine: { channel, line in collected.add(channel, line) })
        guard let exit = await child.exitStatus(within: timeLimit) else {
            child.killTree()
            throw ProcessProblem("railyard \(arguments.joined(separator: " ")) took longer than \(timeLimit)")
        }
        return CommandResult(status: exit.code, stdout: collected.text(.stdout), stderr: collected.text(.stderr))
    }

    /// `exec` that requires exit 0 and parses stdout as JSON.
    func execJSON(_ arguments: [String], sourceLocation: SourceLocation = #_sourceLocation) async throws -> Any {
        let result = try await exec(arguments + ["--json"])
        #expect(result.status == 0, "railyard \(arguments.joined(separator: " ")) failed: \(result.stderr)", sourceLocation: sourceLocation)
        return try JSONSerialization.jsonObject(with: Data(result.stdout.utf8))
    }
}

final class Collected: Sendable {
    private let lines = Mutex<[(OutputChannel, String)]>([])
    func add(_ channel: OutputChannel, _ line: String) { lines.withLock { $0.append((channel, line)) } }
    func text(_ channel: OutputChannel) -> String {
        lines.withLock { $0.filter { $0.0 == channel }.map(\.1).joined(separator: "\n") }
    }
}
