import Foundation

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

/// A folder on disk.
public struct DirectorySource: SourceTree {
    public let root: URL

    public init(root: URL) { self.root = root.standardizedFileURL }

    public func exists(_ path: String) -> Bool {
        guard let url = resolve(path) else { return false }
        return FileManager.default.fileExists(atPath: url.path)
    }

    public func read(_ path: String) -> String? {
        guard let url = resolve(path),
              let attributes = try? FileManager.default.attributesOfItem(atPath: url.path),
              (attributes[.type] as? FileAttributeType) == .typeRegular,
              let size = attributes[.size] as? Int, size <= SourceLimits.maximumReadBytes,
              let data = FileManager.default.contents(atPath: url.path)
        else { return nil }
        return String(data: data, encoding: .utf8)
    }

    /// Paths stay inside the root: `..` and absolute paths resolve to nothing.
    private func resolve(_ path: String) -> URL? {
        if path.hasPrefix("/") || path.split(separator: "/").contains("..") { return nil }
        return root.appendingPathComponent(path)
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
