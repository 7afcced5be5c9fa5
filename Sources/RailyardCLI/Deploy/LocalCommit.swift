import Foundation
import RailyardSandbox

/// The git commit a folder being uploaded is at, when it is in a git work tree: sent with the
/// upload so that the app sees `RAILWAY_GIT_COMMIT_SHA` and `RAILWAY_GIT_COMMIT_MESSAGE`, as
/// it would deployed from a repository. Anything git cannot say (no git, not a work tree, a
/// repository git refuses to read) sends nothing.
struct LocalCommit: Equatable {
    var sha: String
    var subject: String?

    static func of(folder: String) -> LocalCommit? {
        guard let output = run(["git", "-C", folder, "log", "-1", "--format=%H%n%s"]) else { return nil }
        let lines = output.split(separator: "\n", maxSplits: 1, omittingEmptySubsequences: false).map(String.init)
        guard let sha = lines.first, sha.utf8.count == 40 || sha.utf8.count == 64,
              sha.utf8.allSatisfy({ (48...57).contains($0) || (97...102).contains($0) })
        else { return nil }
        let subject = lines.count > 1 ? String(lines[1].trimmingCharacters(in: .whitespacesAndNewlines).utf8.prefix(1000)) : nil
        return LocalCommit(sha: sha, subject: subject.flatMap { $0.isEmpty || $0.utf8.contains(0) ? nil : $0 })
    }

    private static func run(_ arguments: [String]) -> String? {
        guard let run = try? ProgramOutput.run(["/usr/bin/env"] + arguments, within: .seconds(30)), run.status == 0
        else { return nil }
        return run.stdout.trimmingCharacters(in: .newlines)
    }
}
