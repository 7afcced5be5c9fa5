import Foundation
import RailyardSandbox

/// Which files of a folder a deploy sends: everything but `.git` and what the ignore files
/// exclude. Rules come from `.gitignore` (unless turned off), then `.railwayignore`, then
/// `.railyardignore`; later files win, so `.railyardignore` can re-include what git ignores.
public struct SourceSelection: Sendable {
    public struct Entry: Sendable, Equatable {
        public enum Kind: Sendable, Equatable {
            case file(size: Int, executable: Bool)
            case directory
            case symlink(target: String)
        }

        /// Relative to the root, `/`-separated.
        public let path: String
        public let kind: Kind
    }

    public static let ignoreFiles = [".gitignore", ".railwayignore", ".railyardignore"]

    public let root: URL
    public let rules: IgnoreRules

    public init(root: URL, useGitignore: Bool = true) {
        self.root = root.standardizedFileURL
        var rules = IgnoreRules()
        // Read beneath the root only: on the server the tree is a tenant's checkout, and an
        // ignore file linked to /root/secret must not be read as root.
        let folder = try? ConfinedFolder(path: self.root.path)
        for name in Self.ignoreFiles where useGitignore || name != ".gitignore" {
            if let bytes = folder?.readFile(name, limit: SourceLimits.maximumReadBytes) {
                rules.add(String(decoding: bytes, as: UTF8.self))
            }
        }
        self.rules = rules
    }

    /// The selected entries, parents before children, sorted by path. Links are entries of
    /// their own, never followed.
    public func entries() throws -> [Entry] {
        let folder = try ConfinedFolder(path: root.path)
        var result: [Entry] = []
        // Depth-first with a stack of its own: a tree of any depth cannot exhaust the stack.
        var pending: [(relative: String, depth: Int)] = [("", 0)]
        while let (relative, depth) = pending.popLast() {
            guard depth < 512 else { throw ConfinedFolderError("folders are nested more than 512 levels deep at \(relative.prefix(200))…") }
            var children: [String] = []
            for (name, kind) in try folder.list(relative) {
                if relative.isEmpty && name == ".git" { continue }
                let path = relative.isEmpty ? name : relative + "/" + name
                if rules.ignores(path, isDirectory: kind == .folder) { continue }
                switch kind {
                case .folder:
                    result.append(Entry(path: path, kind: .directory))
                    children.append(path)
                case .file(let size, let executable):
                    result.append(Entry(path: path, kind: .file(size: size, executable: executable)))
                case .link(let target):
                    result.append(Entry(path: path, kind: .symlink(target: target)))
                case .other:
                    continue  // sockets, pipes, devices: nothing an app's source needs
                }
            }
            pending += children.reversed().map { ($0, depth + 1) }
        }
        return result.sorted { $0.path.utf8.lexicographicallyPrecedes($1.path.utf8) }
    }
}
