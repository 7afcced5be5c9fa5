import Foundation

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
        for name in Self.ignoreFiles where useGitignore || name != ".gitignore" {
            if let data = FileManager.default.contents(atPath: self.root.appendingPathComponent(name).path) {
                rules.add(String(decoding: data, as: UTF8.self))
            }
        }
        self.rules = rules
    }

    /// The selected entries, parents before children, sorted by path.
    public func entries() throws -> [Entry] {
        var result: [Entry] = []
        try walk(relative: "", into: &result)
        return result
    }

    private func walk(relative: String, into result: inout [Entry]) throws {
        let folder = relative.isEmpty ? root : root.appendingPathComponent(relative)
        let names = try FileManager.default.contentsOfDirectory(atPath: folder.path).sorted()
        for name in names {
            if relative.isEmpty && name == ".git" { continue }
            let path = relative.isEmpty ? name : relative + "/" + name
            let attributes = try FileManager.default.attributesOfItem(atPath: root.appendingPathComponent(path).path)
            let type = attributes[.type] as? FileAttributeType
            let isDirectory = type == .typeDirectory
            if rules.ignores(path, isDirectory: isDirectory) { continue }
            switch type {
            case .typeDirectory?:
                result.append(Entry(path: path, kind: .directory))
                try walk(relative: path, into: &result)
            case .typeRegular?:
                let mode = (attributes[.posixPermissions] as? Int) ?? 0o644
                result.append(Entry(path: path, kind: .file(size: (attributes[.size] as? Int) ?? 0, executable: mode & 0o111 != 0)))
            case .typeSymbolicLink?:
                let target = try FileManager.default.destinationOfSymbolicLink(atPath: root.appendingPathComponent(path).path)
                result.append(Entry(path: path, kind: .symlink(target: target)))
            default:
                continue  // sockets, pipes, devices: nothing an app's source needs
            }
        }
    }
}
