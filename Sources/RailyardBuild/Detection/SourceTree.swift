import Foundation
import RailyardSandbox

/// Read access to a source folder, as much as detection needs: does a file exist, what does a
/// small text file say. Detection reads nothing else, so it can be tested on a dictionary.
public protocol SourceTree: Sendable {
    func exists(_ path: String) -> Bool
    /// The file's text, or nil when it is missing, not UTF-8 or larger than `SourceLimits.maximumReadBytes`.
    func read(_ path: String) -> String?
}

public enum SourceLimits {
    /// Detection reads manifests, not data: larger files are treated as unreadable.
    public static let maximumReadBytes = 1 << 20
}

/// A folder on disk. On the server it is a tenant's tree: every path is resolved as if the
/// folder were `/` (`ConfinedFolder`), so a `railway.toml` linked to `/etc/shadow` reads
/// nothing.
public struct DirectorySource: SourceTree {
    public let root: URL

    public init(root: URL) { self.root = root.standardizedFileURL }

    public func exists(_ path: String) -> Bool {
        guard let folder = try? ConfinedFolder(path: root.path) else { return false }
        return folder.exists(path)
    }

    public func read(_ path: String) -> String? {
        guard let folder = try? ConfinedFolder(path: root.path),
              let bytes = folder.readFile(path, limit: SourceLimits.maximumReadBytes)
        else { return nil }
        return String(validating: bytes, as: UTF8.self)
    }
}

/// Files given as text, for tests and for sources held in memory.
public struct InMemorySource: SourceTree {
    public var files: [String: String]

    public init(_ files: [String: String]) { self.files = files }

    public func exists(_ path: String) -> Bool {
        files[path] != nil || files.keys.contains { $0.hasPrefix(path + "/") }
    }

    public func read(_ path: String) -> String? { files[path] }
}
