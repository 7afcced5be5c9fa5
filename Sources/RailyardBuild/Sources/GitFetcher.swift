import Foundation
import RailyardCore
import RailyardSandbox
import Synchronization

/// The commit a git deploy built.
public struct GitCheckout: Sendable, Equatable {
    public let sha: String
    public let message: String
    /// The service's folder in the clone (the root directory when one is set).
    public let folder: URL
}

/// Clones a service's repository for a deploy. git runs inside the build sandbox as the
/// unprivileged user with the data folder hidden, so a `file://` URL reaches only what any
/// user of the machine could read, and nothing of Railyard's.
public struct GitFetcher: Sendable {
    public let runner: SandboxRunner
    public let hiddenPaths: [String]
    public let timeLimit: Duration

    public init(runner: SandboxRunner, hiddenPaths: [String], timeLimit: Duration = .seconds(300)) {
        self.runner = runner
        self.hiddenPaths = hiddenPaths
        self.timeLimit = timeLimit
    }

    /// Clones `source`'s branch (its default branch when none is set) into `workFolder`,
    /// checking out `commit` when given, else the branch's latest commit.
    /// git runs as `user`, in groups of its own with the build's limits (`BuildExecutor`):
    /// nothing it starts outlives the clone.
    public func fetch(
        _ source: GitSource, commit: String? = nil, into workFolder: URL, user: SandboxUser = SandboxSpec.defaultUser,
        network: SandboxNetwork? = nil, onLine: @escaping @Sendable (OutputChannel, String) -> Void
    ) async throws -> GitCheckout {
        if let problem = source.problem { throw BuildFailure(problem) }
        if let commit, !GitSource.isCommitSHA(commit) { throw BuildFailure("'\(commit)' is not a commit sha") }
        try FileManager.default.createDirectory(at: workFolder, withIntermediateDirectories: true)
        if runner.dropPrivileges {
            guard chown(workFolder.path, user.uid, user.gid) == 0 else {
                throw BuildFailure("cannot hand \(workFolder.path) to the sandbox user")
            }
        }
        // Arguments reach git as positional parameters, never through the shell's parser.
        let script = """
            set -e
            # The repository belongs to another user; git trusts it only through global (or
            # system) configuration, and HOME is the sandbox's own /tmp.
            git config --global safe.directory '*'
            if [ -n "$3" ]; then depth=""; else depth="--depth=1"; fi
            if [ -n "$2" ]; then
              git -c protocol.file.allow=always clone --quiet --no-tags --single-branch $depth --branch "$2" -- "$1" repo
            else
              git -c protocol.file.allow=always clone --quiet --no-tags --single-branch $depth -- "$1" repo
            fi
            cd repo
            if [ -n "$3" ]; then git -c advice.detachedHead=false checkout --quiet --detach "$3"; fi
            echo "railyard-commit $(git rev-parse HEAD)"
            echo "railyard-subject $(git log -1 --format=%s)"
            """
        var spec = SandboxSpec(
            workDirectory: workFolder.path, writableWork: true, hiddenPaths: hiddenPaths,
            environment: ["GIT_TERMINAL_PROMPT": "0", "GIT_CONFIG_NOSYSTEM": "1"], user: user, hostname: "git")
        if let local = try localRepository(source.url) { spec.readOnlyBinds[local] = local }
        spec.scratchBytes = BuildExecutor.scratchBytes
        spec.network = network
        let group = "git-" + String(UInt64.random(in: 0...UInt64.max), radix: 36)
        let (procs, warning) = await runner.prepareGroup(group, limits: BuildExecutor.defaultLimits)
        if let warning { onLine(.stderr, "warning: \(warning)") }
        spec.cgroupProcs = procs
        onLine(.stdout, "$ git clone \(source.url)" + (source.branch.map { " (branch \($0))" } ?? "") + (commit.map { " at \($0)" } ?? ""))
        let collected = Collected()
        let outcome: StreamingProcess.Outcome
        do {
            outcome = try await runner.stream(
                spec, command: ["/bin/sh", "-c", script, "railyard-git", source.url, source.branch ?? "", commit ?? ""],
                timeLimit: timeLimit
            ) { channel, line in
                if line.hasPrefix("railyard-commit ") || line.hasPrefix("railyard-subject ") {
                    collected.add(line)
                } else {
                    onLine(channel, line)
                }
            }
        } catch {
            await runner.removeGroup(group)
            throw error
        }
        await runner.removeGroup(group)
        if outcome.timedOut { throw BuildFailure("git clone took longer than \(timeLimit)") }
        guard outcome.status == 0 else {
            throw BuildFailure("cannot clone \(source.url)\(source.branch.map { " (branch \($0))" } ?? ""): git exited with status \(outcome.status)")
        }
        let lines = collected.lines
        guard let sha = lines.first(where: { $0.hasPrefix("railyard-commit ") }).map({ String($0.dropFirst(16)) }),
              GitSource.isCommitSHA(sha)
        else { throw BuildFailure("git did not say which commit it checked out") }
        let message = lines.first { $0.hasPrefix("railyard-subject ") }.map { String($0.dropFirst(17)) } ?? ""
        let repository = workFolder.appendingPathComponent("repo")
        var folder = repository
        if let root = source.rootDirectory, !root.isEmpty {
            // The clone is the sandbox user's work: Railyard reads it as root, so the root
            // directory must be a real folder beneath the clone, reached through no link.
            let refusal = BuildFailure("the root directory '\(root)' is not a folder in \(source.url) at \(sha.prefix(12)) (links are not followed)")
            guard let parts = try? ConfinedFolder.components(root), !parts.isEmpty,
                  let clone = try? ConfinedFolder(path: repository.path), let opened = try? clone.openFolder(root)
            else { throw refusal }
            close(opened)
            folder = parts.reduce(repository) { $0.appendingPathComponent($1) }
        }
        onLine(.stdout, "commit \(sha.prefix(12)): \(message)")
        return GitCheckout(sha: sha, message: message, folder: folder)
    }
}

extension GitFetcher {
    /// The folder a `file://` URL names, when the sandbox user may read it: every folder
    /// above it open to others (as it would be for any user of the machine) and nothing of
    /// Railyard's. The sandbox hides /tmp, /home and the like, so the folder is bound in.
    func localRepository(_ url: String) throws -> String? {
        guard url.lowercased().hasPrefix("file://") else { return nil }
        guard let parsed = URL(string: url), parsed.isFileURL, !parsed.path.isEmpty else {
            throw BuildFailure("\(url) is not a file:// URL of a folder")
        }
        let path = parsed.standardizedFileURL.resolvingSymlinksInPath().path
        for hidden in hiddenPaths {
            let hiddenPath = URL(fileURLWithPath: hidden).standardizedFileURL.resolvingSymlinksInPath().path
            if path == hiddenPath || path.hasPrefix(hiddenPath + "/") {
                throw BuildFailure("\(url) is inside Railyard's data folder, which builds cannot read")
            }
        }
        var isFolder: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isFolder), isFolder.boolValue else {
            throw BuildFailure("\(url): there is no folder at \(path)")
        }
        var folder = URL(fileURLWithPath: path).deletingLastPathComponent()
        while true {
            var info = stat()
            if stat(folder.path, &info) == 0, info.st_mode & S_IXOTH == 0 {
                throw BuildFailure("\(url) cannot be read by other users (\(folder.path) is closed to them); builds run as an unprivileged user")
            }
            if folder.path == "/" { break }
            folder.deleteLastPathComponent()
        }
        return path
    }
}

private final class Collected: Sendable {
    private let storage = Mutex<[String]>([])
    func add(_ line: String) { storage.withLock { $0.append(line) } }
    var lines: [String] { storage.withLock { $0 } }
}
