import CRailyardSystem
import Foundation

/// Whole-tree operations for dependency layers (`DependencyLayer` in RailyardBuild): walking a
/// tenant's tree, copying it as hard links, making its files read-only. All through
/// descriptors, never following a link, bounded in depth.
extension ConfinedFolder {
    /// One entry met by `walk`.
    public struct WalkedEntry {
        /// The folder holding it, open while the visitor runs.
        public let parent: Int32
        public let name: String
        /// Its path below the walked folder.
        public let path: String
        public let info: stat

        public var isFolder: Bool { (info.st_mode & S_IFMT) == S_IFDIR }
        public var isFile: Bool { (info.st_mode & S_IFMT) == S_IFREG }
        public var isLink: Bool { (info.st_mode & S_IFMT) == S_IFLNK }

        /// What a link points to, nil for anything else.
        public var linkTarget: String? {
            guard isLink, case .link(let target)? = ConfinedFolder.kind(parent, name) else { return nil }
            return target
        }
    }

    /// Visits every entry below `relative` (not `relative` itself), each folder's names in
    /// sorted order and a folder before what it holds; links are visited, never followed.
    /// Folders nested deeper than `maximumDepth` are refused.
    public func walk(
        _ relative: String, maximumDepth: Int = 512, _ visit: (WalkedEntry) throws(ConfinedFolderError) -> Void
    ) throws(ConfinedFolderError) {
        let top = try openFolder(relative)
        var stack: [(folder: Int32, names: [String], path: String)] = [(top, Self.names(top).sorted(by: >), "")]
        defer { for level in stack { close(level.folder) } }
        while var level = stack.popLast() {
            guard let name = level.names.popLast() else {
                close(level.folder)
                continue
            }
            stack.append(level)
            var info = stat()
            guard fstatat(level.folder, name, &info, AT_SYMLINK_NOFOLLOW) == 0 else { continue }
            let path = level.path.isEmpty ? name : level.path + "/" + name
            try visit(WalkedEntry(parent: level.folder, name: name, path: path, info: info))
            guard (info.st_mode & S_IFMT) == S_IFDIR else { continue }
            guard stack.count < maximumDepth else {
                throw ConfinedFolderError("folders are nested more than \(maximumDepth) levels deep (\(path.prefix(200))…)")
            }
            let folder = openat(level.folder, name, O_DIRECTORY | O_RDONLY | O_NOFOLLOW | O_CLOEXEC)
            guard folder >= 0 else { continue }
            stack.append((folder, Self.names(folder).sorted(by: >), path))
        }
    }

    /// Gives every regular file and link below `relative` to `owner` and takes write
    /// permission off the files; folders are left as they are (so that new files may still
    /// be made beside them). A file shared as a hard link with a layer then cannot be
    /// changed through the tree.
    public func freezeFiles(_ relative: String, owner: SandboxUser?) throws(ConfinedFolderError) {
        try walk(relative) { entry throws(ConfinedFolderError) in
            guard !entry.isFolder else { return }
            if let owner, fchownat(entry.parent, entry.name, owner.uid, owner.gid, AT_SYMLINK_NOFOLLOW) != 0, errno != ENOENT {
                throw ConfinedFolderError("cannot change the owner of \(entry.path): \(Self.errorText())")
            }
            guard entry.isFile else { return }
            let file = openat(entry.parent, entry.name, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_NOCTTY | O_CLOEXEC)
            guard file >= 0 else { return }
            defer { close(file) }
            var info = stat()
            guard fstat(file, &info) == 0, (info.st_mode & S_IFMT) == S_IFREG else { return }
            _ = fchmod(file, info.st_mode & ~(S_IWUSR | S_IWGRP | S_IWOTH) & 0o7777)
        }
    }

    /// Recreates the tree below `relative` as `name` in the folder `destination` (which must
    /// not have it yet): folders made anew (mode kept, owned by `folderOwner` when given),
    /// regular files as hard links to the same files, links as links with the same target;
    /// anything else is left out. Returns how many entries it made.
    @discardableResult
    public func linkCopy(_ relative: String, into destination: ConfinedFolder, as name: String, folderOwner: SandboxUser?) throws(ConfinedFolderError) -> Int {
        let parts = try Self.components(name)
        guard !parts.isEmpty else { throw ConfinedFolderError("a copy needs a name") }
        if destination.kind(name) != nil { throw ConfinedFolderError("\(name) already exists") }
        let sourceTop = try openFolder(relative)
        var info = stat()
        let mode: mode_t = fstat(sourceTop, &info) == 0 ? info.st_mode & 0o7777 : 0o755
        close(sourceTop)
        let root = try destination.makeFolders(parts[...], mode: mode)
        if let folderOwner { _ = fchown(root, folderOwner.uid, folderOwner.gid) }
        _ = fchmod(root, mode)
        // Open destination folders by path below the copy's root.
        var folders: [String: Int32] = ["": root]
        defer { for folder in folders.values { close(folder) } }
        var made = 0
        try walk(relative) { entry throws(ConfinedFolderError) in
            let parentPath = (entry.path as NSString).deletingLastPathComponent
            guard let target = folders[parentPath] else { return }
            if entry.isFolder {
                let mode = entry.info.st_mode & 0o7777
                guard mkdirat(target, entry.name, 0o700) == 0 else {
                    throw ConfinedFolderError("cannot make \(entry.path) in the copy: \(Self.errorText())")
                }
                let folder = openat(target, entry.name, O_DIRECTORY | O_RDONLY | O_NOFOLLOW | O_CLOEXEC)
                guard folder >= 0 else { throw ConfinedFolderError("cannot open \(entry.path) in the copy: \(Self.errorText())") }
                if let folderOwner { _ = fchown(folder, folderOwner.uid, folderOwner.gid) }
                _ = fchmod(folder, mode)
                folders[entry.path] = folder
            } else if entry.isFile {
                guard linkat(entry.parent, entry.name, target, entry.name, 0) == 0 else {
                    throw ConfinedFolderError("cannot link \(entry.path) into the copy: \(Self.errorText())")
                }
            } else if entry.isLink {
                var buffer = [CChar](repeating: 0, count: Int(PATH_MAX) + 1)
                let count = readlinkat(entry.parent, entry.name, &buffer, buffer.count - 1)
                guard count >= 0 else { return }
                buffer[count] = 0
                guard symlinkat(buffer, target, entry.name) == 0 else {
                    throw ConfinedFolderError("cannot copy the link \(entry.path): \(Self.errorText())")
                }
            } else {
                return
            }
            made += 1
        }
        return made
    }

    /// Calls `consume` with the bytes of the regular file `entry`, a piece at a time.
    public static func readPieces(of entry: WalkedEntry, _ consume: (UnsafeRawBufferPointer) -> Void) {
        let file = openat(entry.parent, entry.name, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_NOCTTY | O_CLOEXEC)
        guard file >= 0 else { return }
        defer { close(file) }
        var buffer = [UInt8](repeating: 0, count: 64 << 10)
        while true {
            let count = buffer.withUnsafeMutableBytes { read(file, $0.baseAddress!, $0.count) }
            if count < 0 && errno == EINTR { continue }
            guard count > 0 else { break }
            buffer.withUnsafeBytes { consume(UnsafeRawBufferPointer(rebasing: $0.prefix(count))) }
        }
    }
}
