import Foundation
import RailyardSandbox
import Synchronization

/// Finds the interpreters a host has, for `ToolchainRequest.choose(from:)`. Not pure: it
/// lists folders and runs each candidate's `--version` (a few seconds at most each), so it is
/// meant for start-up, not for every build.
public enum ToolchainCatalog {
    /// The programs looked for, by language. Python 2 is not looked for: it has no `venv`.
    static let programs = [("python", "python3"), ("node", "node")]
    /// A folder with more entries than this is read only this far.
    static let maximumEntries = 500

    /// The host's defaults first (`python3` and `node` on `searchPath`, symlinks resolved, pyenv
    /// and other shims skipped), then, in each of `folders`, both layouts:
    /// `DIR/python/3.12.1/bin/python3` (and `DIR/node/20.1.0/bin/node`) and the version
    /// manager's `DIR/3.12.1/bin/python3` (pyenv's `versions`, nvm's `versions/node`). Each
    /// program found once, under the version it reports; one that does not answer in
    /// `timeLimit` is left out.
    public static func discover(
        folders: [String], searchPath: String? = ProcessInfo.processInfo.environment["PATH"],
        timeLimit: Duration = .seconds(5)
    ) async -> [Toolchain] {
        var candidates: [(language: String, program: String)] = []
        for (language, program) in programs {
            if let found = onPath(program, searchPath: searchPath ?? StreamingProcess.defaultPath) {
                candidates.append((language, found))
            }
        }
        for folder in folders {
            for (language, program) in programs {
                for versionFolder in entries(of: folder) + entries(of: folder + "/" + language) {
                    let path = versionFolder + "/bin/" + program
                    if isExecutableFile(path) { candidates.append((language, path)) }
                }
            }
        }
        // Each program once, by the file it really is.
        var seen: Set<String> = []
        var unique: [(language: String, program: String, real: String)] = []
        for candidate in candidates {
            let real = URL(fileURLWithPath: candidate.program).resolvingSymlinksInPath().path
            if seen.insert(real).inserted { unique.append((candidate.language, candidate.program, real)) }
        }
        let versions = await withTaskGroup(of: (Int, String?).self) { group in
            for (index, candidate) in unique.enumerated() {
                group.addTask { (index, await reportedVersion(of: candidate.program, timeLimit: timeLimit)) }
            }
            var versions = [String?](repeating: nil, count: unique.count)
            for await (index, version) in group { versions[index] = version }
            return versions
        }
        return unique.enumerated().compactMap { index, candidate in
            guard let version = versions[index] else { return nil }
            return toolchain(language: candidate.language, program: candidate.program, real: candidate.real, version: version)
        }
    }

    /// Where the toolchain's files are: the folder two above the program when the program
    /// really lives there (`/root/.pyenv/versions/3.12.1`), else where the link leads
    /// (`/usr/bin/python3` → `/usr/bin/python3.11`: bin `/usr/bin`, root `/usr`).
    static func toolchain(language: String, program: String, real: String, version: String) -> Toolchain {
        let bin = (program as NSString).deletingLastPathComponent
        let root = (bin as NSString).deletingLastPathComponent
        if root.count > 1, real.hasPrefix(root + "/") {
            return Toolchain(language: language, version: version, bin: bin, root: root)
        }
        let realBin = (real as NSString).deletingLastPathComponent
        return Toolchain(language: language, version: version, bin: realBin, root: (realBin as NSString).deletingLastPathComponent)
    }

    /// The first `program` on `searchPath` that is not a shim (a version manager's script that
    /// picks a version per folder, which would not hold still).
    static func onPath(_ program: String, searchPath: String) -> String? {
        for folder in searchPath.split(separator: ":") where folder.hasPrefix("/") {
            let path = folder + "/" + program
            guard isExecutableFile(path) else { continue }
            let real = URL(fileURLWithPath: path).resolvingSymlinksInPath().path
            if real.split(separator: "/").contains("shims") { continue }
            return path
        }
        return nil
    }

    static func entries(of folder: String) -> [String] {
        guard let names = try? FileManager.default.contentsOfDirectory(atPath: folder) else { return [] }
        return names.filter { !$0.hasPrefix(".") }.sorted().prefix(maximumEntries).map { folder + "/" + $0 }
    }

    static func isExecutableFile(_ path: String) -> Bool {
        var isDirectory: ObjCBool = false
        return FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) && !isDirectory.boolValue
            && FileManager.default.isExecutableFile(atPath: path)
    }

    /// `3.12.1` from `Python 3.12.1` or `v20.1.0`, on either output (Python 2 wrote it to
    /// stderr); nil when the program fails, says nothing like a version, or takes too long.
    static func reportedVersion(of program: String, timeLimit: Duration) async -> String? {
        let output = Mutex<[String]>([])
        guard let outcome = try? await StreamingProcess.run(
            [program, "--version"], timeLimit: timeLimit,
            onLine: { _, line in output.withLock { if $0.count < 20 { $0.append(String(line.prefix(200))) } } }),
            outcome.status == 0, !outcome.timedOut
        else { return nil }
        for line in output.withLock({ $0 }) {
            for word in line.split(separator: " ") {
                let trimmed = word.hasPrefix("v") ? word.dropFirst() : word
                if trimmed.first?.isNumber == true, trimmed.contains("."), ToolchainVersion(trimmed) != nil {
                    return String(trimmed.prefix(40))
                }
            }
        }
        return nil
    }
}
