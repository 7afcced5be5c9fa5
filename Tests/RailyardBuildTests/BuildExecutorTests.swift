import Foundation
import Synchronization
import Testing
@testable import RailyardBuild
@testable import RailyardSandbox

/// Builds in the real sandbox: output streamed line by line, failures and time limits
/// reported, the data folder invisible, the artifact read-only afterwards.
struct BuildExecutorTests {
    final class Lines: Sendable {
        private let lines = Mutex<[String]>([])
        func add(_ channel: OutputChannel, _ line: String) { lines.withLock { $0.append("\(channel.rawValue): \(line)") } }
        var all: [String] { lines.withLock { $0 } }
    }

    struct Workspace {
        let base: URL
        let source: URL
        let data: URL
        var artifact: URL { base.appendingPathComponent("artifact") }
    }

    static func workspace(files: [String: String]) throws -> Workspace {
        let base = FileManager.default.temporaryDirectory.appendingPathComponent("railyard-build-\(UUID().uuidString)")
        let source = base.appendingPathComponent("source")
        let data = base.appendingPathComponent("data")
        try FileManager.default.createDirectory(at: data, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o755])
        try Data("do not read".utf8).write(to: data.appendingPathComponent("secret.key"))
        for (path, text) in files {
            let url = source.appendingPathComponent(path)
            try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
            try Data(text.utf8).write(to: url)
        }
        return Workspace(base: base, source: source, data: data)
    }

    static func plan(build: [String]) -> BuildPlan {
        var plan = BuildPlan(provider: "shell", build: build, start: "sh start.sh")
        plan.install = []
        return plan
    }

    @Test func buildsStreamOutputAndLeaveAReadOnlyArtifact() async throws {
        let space = try Self.workspace(files: ["start.sh": "echo hi"])
        let lines = Lines()
        let executor = BuildExecutor(hiddenPaths: [space.data.path])
        try await executor.build(
            source: space.source,
            plan: Self.plan(build: ["echo compiling; echo warning >&2", "echo \"$GREETING\" > greeting.txt", "ls -A \(space.data.path) > seen.txt"]),
            artifact: space.artifact, variables: ["GREETING": "hello builder"], onLine: lines.add)
        #expect(lines.all.contains("stdout: $ echo compiling; echo warning >&2"))
        #expect(lines.all.contains("stdout: compiling"))
        #expect(lines.all.contains("stderr: warning"))
        #expect(try String(contentsOf: space.artifact.appendingPathComponent("greeting.txt"), encoding: .utf8) == "hello builder\n")
        #expect(try String(contentsOf: space.artifact.appendingPathComponent("seen.txt"), encoding: .utf8).isEmpty,
                "the build saw the data folder")
        let mode = try FileManager.default.attributesOfItem(atPath: space.artifact.appendingPathComponent("greeting.txt").path)[.posixPermissions] as? Int
        #expect((mode ?? 0o777) & 0o222 == 0, "artifacts are read-only")
        #expect(!FileManager.default.fileExists(atPath: space.source.path), "the source folder became the artifact (moved, not copied)")
        #expect(FileManager.default.fileExists(atPath: space.artifact.appendingPathComponent("start.sh").path))
    }

    @Test func aFailingCommandFailsTheBuildWithItsStatus() async throws {
        let space = try Self.workspace(files: ["start.sh": ""])
        let lines = Lines()
        await #expect(throws: BuildFailure("`echo oops; exit 3` exited with status 3")) {
            try await BuildExecutor(hiddenPaths: [space.data.path]).build(
                source: space.source, plan: Self.plan(build: ["echo oops; exit 3", "echo never"]), artifact: space.artifact,
                variables: [:], onLine: lines.add)
        }
        #expect(lines.all.contains("stdout: oops"))
        #expect(!lines.all.contains("stdout: $ echo never"))
    }

    @Test func theTimeLimitStopsABuild() async throws {
        let space = try Self.workspace(files: ["start.sh": ""])
        let started = ContinuousClock.now
        await #expect(throws: BuildFailure.self) {
            try await BuildExecutor(hiddenPaths: [space.data.path], timeLimit: .seconds(1)).build(
                source: space.source, plan: Self.plan(build: ["sleep 600"]), artifact: space.artifact, variables: [:],
                onLine: { _, _ in })
        }
        // The command would take ten minutes; ended by the one-second limit, the build is over
        // long before half of that, however loaded the machine.
        #expect(ContinuousClock.now - started < .seconds(300))
    }

    @Test func fixtureAppsBuildFromTheirPlans() async throws {
        let fixture = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("Fixtures/apps/railway-json")
        let plan = try BuildPlanner.plan(DirectorySource(root: fixture))
        let space = try Self.workspace(files: [:])
        // The build takes its source folder over (moves it): it gets a copy of the fixture.
        try FileManager.default.copyItem(at: fixture, to: space.source)
        try await BuildExecutor(hiddenPaths: [space.data.path]).build(
            source: space.source, plan: plan, artifact: space.artifact, variables: [:], onLine: { _, _ in })
        #expect(FileManager.default.fileExists(atPath: fixture.appendingPathComponent("railway.json").path), "the fixture is untouched")
        #expect(try String(contentsOf: space.artifact.appendingPathComponent("built.txt"), encoding: .utf8) == "built\n")
    }
}
