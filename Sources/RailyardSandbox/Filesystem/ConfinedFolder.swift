import CRailyardSystem
import Foundation

/// Why an operation on a user's tree was refused or failed; the message names the path.
public struct ConfinedFolderError: Error, Sendable, Equatable, CustomStringConvertible {
    public let description: String
    public init(_ description: String) { self.description = description }
}

/// A folder holding a user's tree (an upload, a checkout, a build), opened once. Railyard
/// runs as root and the tree is the tenant's: every path is resolved beneath the folder's
/// descriptor by the kernel, one component at a time, never through a symbolic link (openat2
/// with RESOLVE_BENEATH and RESOLVE_NO_SYMLINKS, O_NOFOLLOW on the last component), so no
/// chain of links, however made, can make Railyard create, change, read or remove anything
/// outside it. Reads of files a user may link on purpose (config and ignore files) may follow
/// links, but only as if the folder were `/` (RESOLVE_IN_ROOT).
///
/// Not Sendable: one owner uses it and closes it.
public final class ConfinedFolder {
    public let path: String
    /// The folder's descriptor, open for the folder's lifetime.
    public let descriptor: Int32

    /// Opens `path`, which must be a folder and not a link. The path itself is Railyard's (the
    /// data folder's), not the user's.
    public init(path: String) throws(ConfinedFolderError) {
        let descriptor = open(path, O_DIRECTORY | O_RDONLY | O_CLOEXEC | O_NOFOLLOW)
        guard descriptor >= 0 else { throw ConfinedFolderError("cannot open \(path): \(Self.errorText())") }
        self.path = path
        self.descriptor = descriptor
    }

    deinit { close(descriptor) }

    static let beneath = UInt64(RAILYARD_RESOLVE_BENEATH | RAILYARD_RESOLVE_NO_SYMLINKS | RAILYARD_RESOLVE_NO_MAGICLINKS | RAILYARD_RESOLVE_NO_XDEV)
    static let inRoot = UInt64(RAILYARD_RESOLVE_IN_ROOT | RAILYARD_RESOLVE_NO_MAGICLINKS | RAILYARD_RESOLVE_NO_XDEV)

    static func errorText(_ code: Int32 = errno) -> String { String(cString: strerror(code)) }

    /// The components of a relative path: no leading `/`, no `..`, no NUL; `.` and empty
    /// components dropped.
    public static func components(_ relative: String) throws(ConfinedFolderError) -> [String] {
        if relative.hasPrefix("/") { throw ConfinedFolderError("\(relative): absolute paths are refused") }
        let parts = relative.split(separator: "/", omittingEmptySubsequences: true).map(String.init).filter { $0 != "." }
        if parts.contains("..") { throw ConfinedFolderError("\(relative): paths with .. are refused") }
        if parts.contains(where: { $0.utf8.contains(0) }) { throw ConfinedFolderError("a path holds a NUL byte") }
        return parts
    }

    // MARK: Opening

    /// Opens a folder beneath this one (this one for ""), never through a link.
    public func openFolder(_ relative: String) throws(ConfinedFolderError) -> Int32 {
        let parts = try Self.components(relative)
        let opened = railyard_openat2(
            descriptor, parts.isEmpty ? "." : parts.joined(separator: "/"), O_DIRECTORY | O_RDONLY | O_CLOEXEC, 0, Self.beneath)
        guard opened >= 0 else { throw ConfinedFolderError("cannot open the folder \(relative): \(Self.reason(errno))") }
        return opened
    }

    private static func reason(_ code: Int32) -> String {
        switch code {
        case ELOOP, EXDEV: "it leads through a symbolic link"
        case ENOTDIR: "a part of it is not a folder"
        default: errorText(code)
        }
    }

    /// Makes the folders on the way to `parts` (as needed, each checked to be a real folder,
    /// not a link) and returns the last one's descriptor.
    public func makeFolders(_ parts: ArraySlice<String>, mode: mode_t = 0o755) throws(ConfinedFolderError) -> Int32 {
        var current = dup(descriptor)
        guard current >= 0 else { throw ConfinedFolderError("cannot open \(path): \(Self.errorText())") }
        for (index, name) in parts.enumerated() {
            if mkdirat(current, name, mode) != 0 && errno != EEXIST {
                let code = errno
                close(current)
                throw ConfinedFolderError("cannot create the folder \(parts.prefix(index + 1).joined(separator: "/")): \(Self.errorText(code))")
            }
            let next = openat(current, name, O_DIRECTORY | O_RDONLY | O_CLOEXEC | O_NOFOLLOW)
            let code = errno
            close(current)
            guard next >= 0 else {
                throw ConfinedFolderError("\(parts.prefix(index + 1).joined(separator: "/")) is not a folder (\(Self.reason(code)))")
            }
            current = next
        }
        return current
    }

    /// Removes what `name` is in the folder `parent`, unless it is a folder. A link is removed
    /// itself, never what it points to.
    private func removeNonFolder(_ parent: Int32, _ name: String, shown: String) throws(ConfinedFolderError) {
        var info = stat()
        guard fstatat(parent, name, &info, AT_SYMLINK_NOFOLLOW) == 0 else { return }
        if (info.st_mode & S_IFMT) == S_IFDIR { throw ConfinedFolderError("\(shown) is a folder and cannot be replaced") }
        if unlinkat(parent, name, 0) != 0 { throw ConfinedFolderError("cannot replace \(shown): \(Self.errorText())") }
    }

    // MARK: Creating

    /// Creates (or replaces) a regular file and returns its descriptor, open for writing.
    public func createFile(_ relative: String, mode: mode_t) throws(ConfinedFolderError) -> Int32 {
        let parts = try Self.components(relative)
        guard let name = parts.last else { throw ConfinedFolderError("an entry has an empty name") }
        let parent = try makeFolders(parts.dropLast())
        defer { close(parent) }
        try removeNonFolder(parent, name, shown: relative)
        let file = openat(parent, name, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, mode)
        guard file >= 0 else { throw ConfinedFolderError("cannot create \(relative): \(Self.errorText())") }
        // The umask must not decide an executable bit.
        fchmod(file, mode)
        return file
    }

    /// Creates a folder (and its parents); an existing folder is kept.
    public func createFolder(_ relative: String, mode: mode_t = 0o755) throws(ConfinedFolderError) {
        let folder = try makeFolders(try Self.components(relative)[...], mode: mode)
        close(folder)
    }

    /// Creates (or replaces) a symbolic link. Whether it stays inside is `checkLink`'s to say,
    /// once the whole tree exists.
    public func createLink(_ relative: String, target: String) throws(ConfinedFolderError) {
        let parts = try Self.components(relative)
        guard let name = parts.last else { throw ConfinedFolderError("an entry has an empty name") }
        let parent = try makeFolders(parts.dropLast())
        defer { close(parent) }
        try removeNonFolder(parent, name, shown: relative)
        if symlinkat(target, parent, name) != 0 { throw ConfinedFolderError("cannot create the link \(relative): \(Self.errorText())") }
    }

    public enum LinkResolution: Sendable, Equatable {
        /// It resolves to something inside the folder.
        case inside
        /// Nothing is there (yet): the kernel stopped at a missing part before leaving.
        case dangling
        /// It leads out of the folder, or to an absolute path.
        case escapes
        /// Links in a loop, or a chain too long to follow.
        case loop
    }

    /// Where the link at `relative` leads, resolved by the kernel over the tree as it is now
    /// (every link of the chain followed, `..` included), not by reading its text.
    public func resolveLink(_ relative: String) -> LinkResolution {
        guard let parts = try? Self.components(relative), !parts.isEmpty else { return .escapes }
        let resolve = UInt64(RAILYARD_RESOLVE_BENEATH | RAILYARD_RESOLVE_NO_MAGICLINKS | RAILYARD_RESOLVE_NO_XDEV)
        let opened = railyard_openat2(descriptor, parts.joined(separator: "/"), Int32(RAILYARD_O_PATH) | O_CLOEXEC, 0, resolve)
        if opened >= 0 {
            close(opened)
            return .inside
        }
        switch errno {
        case ENOENT, ENOTDIR: return .dangling
        case ELOOP: return .loop
        default: return .escapes
        }
    }

    // MARK: Reading

    public enum EntryKind: Sendable, Equatable {
        case file(size: Int, executable: Bool)
        case folder
        case link(target: String)
        case other
    }

    /// What is at `relative`, without following a link there (or on the way).
    public func kind(_ relative: String) -> EntryKind? {
        guard let parts = try? Self.components(relative) else { return nil }
        guard let name = parts.last else { return .folder }
        guard let parent = try? openFolder(parts.dropLast().joined(separator: "/")) else { return nil }
        defer { close(parent) }
        return Self.kind(parent, name)
    }

    static func kind(_ parent: Int32, _ name: String) -> EntryKind? {
        var info = stat()
        guard fstatat(parent, name, &info, AT_SYMLINK_NOFOLLOW) == 0 else { return nil }
        switch info.st_mode & S_IFMT {
        case S_IFREG: return .file(size: Int(info.st_size), executable: info.st_mode & 0o111 != 0)
        case S_IFDIR: return .folder
        case S_IFLNK:
            var buffer = [CChar](repeating: 0, count: Int(PATH_MAX) + 1)
            let count = readlinkat(parent, name, &buffer, buffer.count - 1)
            guard count >= 0 else { return nil }
            return .link(target: String(decoding: buffer.prefix(count).map { UInt8(bitPattern: $0) }, as: UTF8.self))
        default: return .other
        }
    }

    /// The names in a folder (no `.` or `..`), sorted, with what each is; links not followed.
    public func list(_ relative: String) throws(ConfinedFolderError) -> [(name: String, kind: EntryKind)] {
        let folder = try openFolder(relative)
        return try Self.list(folder, shown: relative)
    }

    /// Lists and closes `folder`.
    static func list(_ folder: Int32, shown: String) throws(ConfinedFolderError) -> [(name: String, kind: EntryKind)] {
        defer { close(folder) }
        var info = stat()
        guard fstat(folder, &info) == 0 else { throw ConfinedFolderError("cannot list \(shown): \(errorText())") }
        return names(folder).sorted().compactMap { name in kind(folder, name).map { (name, $0) } }
    }

    /// A regular file's bytes, or nil when it is missing, not a regular file, larger than
    /// `limit`, or reached only through a link that leads out. With `followingLinks`, links
    /// inside the tree are followed as if the folder were `/` (a `.railyardignore` linked to
    /// `/root/secret` reads this folder's `root/secret`, which is not there).
    public func readFile(_ relative: String, limit: Int, followingLinks: Bool = true) -> [UInt8]? {
        guard let parts = try? Self.components(relative), !parts.isEmpty else { return nil }
        let flags = O_RDONLY | O_CLOEXEC | O_NONBLOCK | O_NOCTTY | (followingLinks ? 0 : O_NOFOLLOW)
        let file = railyard_openat2(descriptor, parts.joined(separator: "/"), flags, 0, followingLinks ? Self.inRoot : Self.beneath)
        guard file >= 0 else { return nil }
        defer { close(file) }
        var info = stat()
        guard fstat(file, &info) == 0, (info.st_mode & S_IFMT) == S_IFREG, Int(info.st_size) <= limit else { return nil }
        var bytes = [UInt8](repeating: 0, count: Int(info.st_size))
        var total = 0
        while total < bytes.count {
            let count = bytes.withUnsafeMutableBytes { read(file, $0.baseAddress! + total, $0.count - total) }
            if count < 0 && errno == EINTR { continue }
            guard count > 0 else { break }
            total += count
        }
        return Array(bytes.prefix(total))
    }

    /// Whether something is at `relative`, links inside the tree followed as if the folder
    /// were `/`.
    public func exists(_ relative: String) -> Bool {
        guard let parts = try? Self.components(relative) else { return false }
        let opened = railyard_openat2(descriptor, parts.isEmpty ? "." : parts.joined(separator: "/"), Int32(RAILYARD_O_PATH) | O_CLOEXEC, 0, Self.inRoot)
        guard opened >= 0 else { return false }
        close(opened)
        return true
    }

    // MARK: Whole trees

    /// Changes the owner of every entry of the tree (links themselves, never what they point
    /// to) and, with `readOnly`, takes every write permission away. Works through descriptors,
    /// so a link put in place of a folder or file meanwhile is changed itself, or skipped.
    /// Folders nested deeper than `maximumDepth` are refused.
    public func setOwner(_ owner: SandboxUser?, readOnly: Bool, maximumDepth: Int = 512) throws(ConfinedFolderError) {
        try Self.apply(descriptor, owner: owner, readOnly: readOnly)
        try walk("", maximumDepth: maximumDepth) { entry throws(ConfinedFolderError) in
            if let owner, fchownat(entry.parent, entry.name, owner.uid, owner.gid, AT_SYMLINK_NOFOLLOW) != 0 && errno != ENOENT {
                throw ConfinedFolderError("cannot change the owner of \(entry.path): \(Self.errorText())")
            }
            // Opened without following a link; a link (ELOOP) or a socket (ENXIO) needs no mode.
            let opened = openat(entry.parent, entry.name, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_NOCTTY | O_CLOEXEC)
            guard opened >= 0 else { return }
            defer { close(opened) }
            try Self.apply(opened, owner: owner, readOnly: readOnly)
        }
    }

    static func apply(_ entry: Int32, owner: SandboxUser?, readOnly: Bool) throws(ConfinedFolderError) {
        if let owner, fchown(entry, owner.uid, owner.gid) != 0 { throw ConfinedFolderError("cannot change an owner: \(errorText())") }
        guard readOnly else { return }
        var info = stat()
        guard fstat(entry, &info) == 0 else { return }
        _ = fchmod(entry, info.st_mode & ~(S_IWUSR | S_IWGRP | S_IWOTH) & 0o7777)
    }

    /// The names in an open folder, `.` and `..` left out (the descriptor stays open; read
    /// from the top every time).
    public static func names(_ folder: Int32) -> [String] {
        let copy = dup(folder)
        guard copy >= 0, let stream = fdopendir(copy) else { return [] }
        defer { closedir(stream) }
        // A duplicate shares the folder's read position: start from the top every time.
        rewinddir(stream)
        var names: [String] = []
        while let entry = readdir(stream) {
            let name = withUnsafePointer(to: &entry.pointee.d_name) {
                String(cString: UnsafeRawPointer($0).assumingMemoryBound(to: CChar.self))
            }
            if name != "." && name != ".." { names.append(name) }
        }
        return names
    }

    /// Removes `path` and everything in it, never following a link, whatever the tree's
    /// depth: folders deeper than a few levels are first moved up to the top of the tree, so
    /// a hostile tree cannot exhaust descriptors or the stack. Nothing happens when `path`
    /// does not exist; a link at `path` is removed itself.
    public static func removeTree(at path: String) throws(ConfinedFolderError) {
        var info = stat()
        guard lstat(path, &info) == 0 else { return }
        if (info.st_mode & S_IFMT) != S_IFDIR {
            if unlink(path) != 0 && errno != ENOENT { throw ConfinedFolderError("cannot remove \(path): \(errorText())") }
            return
        }
        let top = try ConfinedFolder(path: path)
        var moved = 0
        // Each pass empties the top folder's children as far as `levels` deep; deeper folders
        // are renamed into the top folder and emptied by a later pass.
        while true {
            let names = Self.names(top.descriptor)
            if names.isEmpty { break }
            for name in names {
                try removeEntry(top.descriptor, name, top: top.descriptor, depth: 0, moved: &moved)
            }
        }
        if rmdir(path) != 0 && errno != ENOENT { throw ConfinedFolderError("cannot remove \(path): \(errorText())") }
    }

    private static let levelsPerPass = 32

    private static func removeEntry(_ parent: Int32, _ name: String, top: Int32, depth: Int, moved: inout Int) throws(ConfinedFolderError) {
        if unlinkat(parent, name, 0) == 0 || errno == ENOENT { return }
        guard errno == EISDIR || errno == EPERM else { throw ConfinedFolderError("cannot remove \(name): \(errorText())") }
        if depth >= levelsPerPass {
            // Up to the top; emptied by the next pass.
            while true {
                moved += 1
                if railyard_renameat_noreplace(parent, name, top, ".railyard-removing-\(moved)") == 0 { return }
                guard errno == EEXIST else { throw ConfinedFolderError("cannot remove \(name): \(errorText())") }
            }
        }
        let folder = openat(parent, name, O_DIRECTORY | O_RDONLY | O_NOFOLLOW | O_CLOEXEC)
        guard folder >= 0 else {
            if errno == ENOENT { return }
            throw ConfinedFolderError("cannot remove \(name): \(errorText())")
        }
        // Root may remove entries of a folder without write permission, but not when it is
        // immutable; write permission is given back in case another user's rules apply.
        _ = fchmod(folder, 0o700)
        for child in names(folder) {
            do {
                try removeEntry(folder, child, top: top, depth: depth + 1, moved: &moved)
            } catch {
                close(folder)
                throw error
            }
        }
        close(folder)
        if unlinkat(parent, name, AT_REMOVEDIR) != 0 && errno != ENOENT {
            throw ConfinedFolderError("cannot remove \(name): \(errorText())")
        }
    }
}
