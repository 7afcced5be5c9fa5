import Foundation
import Testing
@testable import RailyardRuntime
@testable import RailyardSandbox

/// Start commands run as written by a shell, and each replica writes into a view of its app
/// folder of its own (issue 15, items 1 and 3). Real sandboxes, as root (CI runs as root).
struct StartCommandAndViewTests {
    typealias Recorder = SandboxedProcessRuntimeTests.Recorder

    /// An artifact as builds leave them: root's and read-only, with a folder that came with
    /// the code.
    static func sealedArtifact(_ files: [String: String]) throws -> URL {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("railyard-view-\(UUID().uuidString)")
        for (name, text) in files {
            let file = folder.appendingPathComponent(name)
            try FileManager.default.createDirectory(at: file.deletingLastPathComponent(), withIntermediateDirectories: true)
            try Data(text.utf8).write(to: file)
        }
        try ConfinedFolder(path: folder.path).setOwner(SandboxUser(uid: 0, gid: 0), readOnly: true)
        return folder
    }

    static func emptyFolder() throws -> String {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("railyard-mount-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        return folder.path
    }

    static func mounts(under path: String) -> [String] {
        let table = (try? String(contentsOfFile: "/proc/self/mountinfo", encoding: .utf8)) ?? ""
        return table.split(separator: "\n").map(String.init).filter { $0.contains(path) }
    }

    /// Runs `command` as an instance to its end and returns its output and exit.
    static func run(_ command: String, artifact: URL, view: WritableView?, id: String = "view-\(UUID().uuidString.prefix(8))",
                    environment: [String: String] = [:]) async throws -> (lines: [String], exit: ProcessExit?) {
        let runtime = SandboxedProcessRuntime()
        let recorder = Recorder()
        var spec = InstanceSpec(id: id, artifact: artifact.path, command: command, environment: environment, hiddenPaths: [])
        spec.user = SandboxUser(uid: 43_210, gid: 43_210)
        spec.writableView = view
        try await runtime.start(spec, onOutput: recorder.line, onExit: recorder.exit)
        try await SandboxedProcessRuntimeTests.waitFor { !recorder.exits.isEmpty }
        return (recorder.lines, recorder.exits.first)
    }

    @Test func aCompoundStartCommandRunsWholeAndItsAppDrainsOnStop() async throws {
        // Broken before: `exec echo first && …` ran only `echo first`, which exited 0.
        let artifact = try SandboxedProcessRuntimeTests.artifact(["app.py": """
            import signal, sys, time
            def drain(signum, frame):
                print("draining", flush=True)
                time.sleep(0.5)
                print("drained", flush=True)
                sys.exit(0)
            signal.signal(signal.SIGTERM, drain)
            print("ready", sys.argv[1], flush=True)
            while True:
                time.sleep(0.1)
            """])
        let runtime = SandboxedProcessRuntime()
        let recorder = Recorder()
        let command = #"echo first && echo second | tr a-z A-Z; test -n "$GREETING" && python3 -u app.py "$GREETING""#
        try await runtime.start(
            InstanceSpec(id: "compound-0", artifact: artifact.path, command: command, environment: ["GREETING": "hello"], hiddenPaths: []),
            onOutput: recorder.line, onExit: recorder.exit)
        try await SandboxedProcessRuntimeTests.waitFor { recorder.lines.contains("ready hello") }
        #expect(recorder.lines.prefix(3) == ["first", "SECOND", "ready hello"], "\(recorder.lines)")
        #expect(recorder.exits.isEmpty, "the instance runs while its app does")
        let started = ContinuousClock.now
        await runtime.stop("compound-0", grace: .seconds(60))
        #expect(ContinuousClock.now - started < .seconds(20), "the app exits on SIGTERM; the grace period is not waited out")
        try await SandboxedProcessRuntimeTests.waitFor { !recorder.exits.isEmpty }
        // SIGTERM reached the app through the shell, which waited for it: the app drained, and
        // the instance exited as the app did. Had the shell been signalled too, the sandbox
        // would have ended with it and killed the app mid-drain.
        #expect(recorder.lines.contains("drained"), "\(recorder.lines)")
        #expect(recorder.exits == [.exited(0)], "\(recorder.exits)")
    }

    @Test func theStartCommandsShellIsSparedOnlyWhileItWaitsForSomething() {
        // bwrap (outer) 10 → bwrap (init) 11 → sh 12 → python 13 → worker 14.
        let parents: [Int32: Int32] = [11: 10, 12: 11, 13: 12, 14: 13]
        let names: [Int32: String] = [10: "bwrap", 11: "bwrap", 12: "sh", 13: "python3", 14: "python3"]
        #expect(SandboxedProcessRuntime.signalTargets(below: 10, parents: parents, name: { names[$0] }) == [13, 14])
        // A shell with nothing under it (a loop of builtins) gets the signal itself.
        #expect(SandboxedProcessRuntime.signalTargets(below: 10, parents: [11: 10, 12: 11], name: { names[$0] }) == [12])
        // A start command that became the app (`exec gunicorn …`) is the app: signalled.
        #expect(SandboxedProcessRuntime.signalTargets(below: 10, parents: [11: 10, 12: 11], name: { [10: "bwrap", 11: "bwrap", 12: "gunicorn"][$0] }) == [12])
        // Without a sandbox the shell is the root itself, never in the list.
        #expect(SandboxedProcessRuntime.signalTargets(below: 12, parents: [13: 12], name: { names[$0] }) == [13])
    }

    @Test func eachInstanceWritesIntoAViewOfItsOwnThatGoesWithIt() async throws {
        let artifact = try Self.sealedArtifact(["main.py": "print('hi')\n", "data/keep.txt": "shipped\n", "deep/a/b/c.txt": "c\n"])
        let mountPoint = try Self.emptyFolder()
        let view = WritableView(lower: artifact.path, mountPoint: mountPoint, sizeBytes: 4 << 20, owner: SandboxUser(uid: 43_210, gid: 43_210))
        let writer = try await Self.run("""
            set -e
            echo one > /srv/app/new.txt
            mkdir /srv/app/staticfiles && echo css > /srv/app/staticfiles/site.css
            echo two > /srv/app/deep/a/b/new.txt
            python3 -c "import sqlite3; db = sqlite3.connect('/srv/app/db.sqlite3'); db.execute('create table t (x)'); db.commit()"
            if { echo changed > /srv/app/data/keep.txt; } 2>/dev/null; then echo "shipped file written in place"; fi
            rm /srv/app/data/keep.txt && echo replaced > /srv/app/data/keep.txt
            cat /srv/app/new.txt /srv/app/deep/a/b/new.txt /srv/app/data/keep.txt
            if dd if=/dev/zero of=/srv/app/big bs=1M count=8 2>/dev/null; then echo "wrote past the cap"; else echo "capped"; fi
            rm -f /srv/app/big
            echo done
            """, artifact: artifact, view: view)
        #expect(writer.exit == .exited(0), "\(writer.lines)")
        #expect(writer.lines == ["one", "two", "replaced", "capped", "done"], "\(writer.lines)")

        // The artifact did not change, and nothing is left mounted on the host.
        #expect(try FileManager.default.contentsOfDirectory(atPath: artifact.path).sorted() == ["data", "deep", "main.py"])
        #expect(try String(contentsOf: artifact.appendingPathComponent("data/keep.txt"), encoding: .utf8) == "shipped\n")
        #expect(Self.mounts(under: mountPoint).isEmpty, "the view was mounted in the instance's own namespace only")
        #expect(try FileManager.default.contentsOfDirectory(atPath: mountPoint).isEmpty)

        // The next instance (a restart, another replica) starts from the artifact again.
        let reader = try await Self.run("ls /srv/app; cat /srv/app/data/keep.txt", artifact: artifact, view: view)
        #expect(reader.lines == ["data", "deep", "main.py", "shipped"], "\(reader.lines)")
    }

    @Test func twoInstancesRunningAtOnceDoNotSeeEachOthersWrites() async throws {
        let artifact = try Self.sealedArtifact(["main.py": "print('hi')\n"])
        let mountPoint = try Self.emptyFolder()
        let view = WritableView(lower: artifact.path, mountPoint: mountPoint, sizeBytes: 4 << 20, owner: SandboxUser(uid: 43_210, gid: 43_210))
        let runtime = SandboxedProcessRuntime()
        let first = Recorder(), second = Recorder()
        for (id, recorder) in [("pair-0", first), ("pair-1", second)] {
            var spec = InstanceSpec(
                id: id, artifact: artifact.path,
                command: "echo \(id) > /srv/app/who && sleep 1 && cat /srv/app/who && sleep 600", environment: [:], hiddenPaths: [])
            spec.writableView = view
            spec.user = SandboxUser(uid: 43_210, gid: 43_210)
            try await runtime.start(spec, onOutput: recorder.line, onExit: recorder.exit)
        }
        try await SandboxedProcessRuntimeTests.waitFor { !first.lines.isEmpty && !second.lines.isEmpty }
        #expect(first.lines == ["pair-0"] && second.lines == ["pair-1"], "\(first.lines) \(second.lines)")
        await runtime.stop("pair-0", grace: .seconds(2))
        await runtime.stop("pair-1", grace: .seconds(2))
        #expect(Self.mounts(under: mountPoint).isEmpty)
    }
}
