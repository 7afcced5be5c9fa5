import Foundation
import RailyardSandbox
import Testing

/// README.md's tour of the CLI, run as written, top to bottom, against a live server: a new
/// user's first hour must not end at its second command. The commands are read from the
/// README each run, so the test follows its edits.
///
/// Each line of the tour's code block runs in `bash -c`, one after another as in one shell:
/// the folder a command leaves and the variables it exports carry over to the next. Lines that
/// are only a comment continue the one before. What the harness does in the reader's place:
/// - the server of the Quick start (`swift run railyard server`) is a `ServerProcess` of its
///   own, without a first admin, so the setup token exists; `RAILYARD_SERVER` names it (the
///   tour's default `127.0.0.1:7070` may be taken), `railyard` on PATH is the built binary (the
///   tour's alias), and `XDG_CONFIG_HOME` and the working folder are the test's own;
/// - placeholders a person copies from elsewhere are filled in: `rys_…` with the setup token
///   the server wrote, `ryi_…` with the invite token `members invite` printed, `ryt_…` with the
///   token `tokens create` printed, and `'…'` (the teammate's new password) with one;
/// - `members accept` runs in the teammate's shell (a config folder of their own), as the tour says;
/// - `--follow` runs until its first line arrives, then is stopped, as Ctrl-C would.
/// Every other command runs exactly as written and must exit 0.
@Suite(.serialized)
struct ReadmeTourTests {
    static let readme = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("README.md")

    /// The command lines of the code block under "## A short tour of the CLI".
    static func tourCommands(_ text: String) throws -> [String] {
        let lines = text.components(separatedBy: "\n")
        let heading = try #require(lines.firstIndex { $0.hasPrefix("## A short tour") }, "README.md has no tour")
        let open = try #require(lines[heading...].firstIndex { $0.hasPrefix("```") }, "the tour has no code block")
        let close = try #require(lines[(open + 1)...].firstIndex { $0.hasPrefix("```") }, "the tour's code block does not end")
        return lines[(open + 1)..<close].filter {
            let trimmed = $0.trimmingCharacters(in: .whitespaces)
            return !trimmed.isEmpty && !trimmed.hasPrefix("#")
        }
    }

    @Test func theToursCommandsAreFound() throws {
        let commands = try Self.tourCommands(String(contentsOf: Self.readme, encoding: .utf8))
        #expect(commands.first?.hasPrefix("railyard setup") == true)
        #expect(commands.contains { $0.hasPrefix("railyard up ") })
        #expect(commands.count > 20)
    }

    /// A shell session of the reader's: a folder, exported variables, a config folder.
    struct Shell {
        let state: String
        var environment: [String: String]

        init(base: String, environment: [String: String]) throws {
            state = base + "/shell-state"
            try FileManager.default.createDirectory(atPath: state, withIntermediateDirectories: true)
            try (base + "/home").write(toFile: state + "/cwd", atomically: true, encoding: .utf8)
            try FileManager.default.createDirectory(atPath: base + "/home", withIntermediateDirectories: true)
            try "".write(toFile: state + "/env", atomically: true, encoding: .utf8)
            self.environment = environment
        }

        /// Runs `command` where the last one left off. With `untilFirstLine`, stops it once a
        /// line of output came (a followed log) and counts that as success.
        func run(_ command: String, untilFirstLine: Bool = false, timeLimit: Duration = .seconds(600)) async throws
            -> (status: Int32, output: String) {
            let script = """
                cd "$(cat '\(state)/cwd')" || exit 97
                . '\(state)/env'
                \(command)
                status=$?
                pwd > '\(state)/cwd'
                export -p | grep -v -E '^declare -x (PWD|OLDPWD|SHLVL|_)=' > '\(state)/env'
                exit $status
                """
            let collected = Collected()
            let child = try ChildProcess.spawn(
                ["/bin/bash", "--noprofile", "--norc", "-c", script], environment: environment,
                onLine: { channel, line in collected.add(channel, line) })
            let output = { collected.text(.stdout) + "\n" + collected.text(.stderr) }
            if untilFirstLine {
                let deadline = ContinuousClock.now + .seconds(60)
                while ContinuousClock.now < deadline, child.finishedStatus == nil, collected.text(.stdout).isEmpty {
                    try await Task.sleep(for: .milliseconds(100))
                }
                if let finished = child.finishedStatus { return (finished.code, output()) }
                let cameLive = !collected.text(.stdout).isEmpty
                child.killTree()
                _ = await child.exitStatus()
                return (cameLive ? 0 : 124, output() + (cameLive ? "" : "\n(no line within 60 s)"))
            }
            guard let exit = await child.exitStatus(within: timeLimit) else {
                child.killTree()
                return (124, output() + "\n(took longer than \(timeLimit))")
            }
            return (exit.code, output())
        }
    }

    @Test func theTourRunsAsWrittenTopToBottom() async throws {
        let commands = try Self.tourCommands(String(contentsOf: Self.readme, encoding: .utf8))
        let base = FileManager.default.temporaryDirectory.appendingPathComponent("railyard-tour-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: base, withIntermediateDirectories: true)
        let data = base + "/data"
        let server = ServerProcess(dataDirectory: data)
        try await server.start()
        defer { server.stop() }

        let binary = URL(fileURLWithPath: try RailyardBinary.path()).deletingLastPathComponent().path
        var environment = ProcessInfo.processInfo.environment
        environment["PATH"] = binary + ":" + (environment["PATH"] ?? "/usr/bin:/bin")
        environment["RAILYARD_SERVER"] = server.url
        environment["RAILYARD_TOKEN"] = nil
        environment["XDG_CONFIG_HOME"] = base + "/config"
        let shell = try Shell(base: base, environment: environment)
        var teammateEnvironment = environment
        teammateEnvironment["XDG_CONFIG_HOME"] = base + "/teammate-config"
        let teammate = try Shell(base: base + "/teammate", environment: teammateEnvironment)

        var outputs: [String] = []
        func printed(_ prefix: String) -> String? {
            for output in outputs.reversed() {
                if let range = output.range(of: prefix + #"[A-Za-z0-9_\-]+"#, options: .regularExpression) {
                    return String(output[range])
                }
            }
            return nil
        }
        for (number, written) in commands.enumerated() {
            // Placeholders are filled in the command, not in its comment (which the shell skips).
            var command = written.range(of: " #").map { String(written[..<$0.lowerBound]) } ?? written
            var runner = shell
            if command.contains("rys_…") {
                let token = try String(contentsOfFile: data + "/setup-token", encoding: .utf8).trimmingCharacters(in: .whitespacesAndNewlines)
                command = command.replacingOccurrences(of: "rys_…", with: token)
            }
            if command.contains("ryi_…") {
                command = command.replacingOccurrences(of: "ryi_…", with: try #require(printed("ryi_"), "no invite token printed before: \(written)"))
                command = command.replacingOccurrences(of: "'…'", with: "'the teammate password'")
                runner = teammate
            }
            if command.contains("ryt_…") {
                command = command.replacingOccurrences(of: "ryt_…", with: try #require(printed("ryt_"), "no API token printed before: \(written)"))
            }
            let follows = command.contains("--follow")
            let (status, output) = try await runner.run(command, untilFirstLine: follows)
            outputs.append(output)
            print("README tour \(number + 1)/\(commands.count): exit \(status): \(written)")
            guard status == 0 else {
                Issue.record("README tour, command \(number + 1) of \(commands.count) failed (\(status)):\n\(written)\n\(output)")
                return
            }
            if follows {
                #expect(!output.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty, "\(written) printed nothing")
            }
        }
    }
}
