import Foundation
import RailyardSandbox

/// Bytes a file or a tree takes on disk (allocated blocks, so a sparse file counts what it
/// really holds and every folder its own blocks). Trees are a tenant's: they are walked
/// through descriptors, never following a link, each hard-linked file counted once.
public enum DiskUsage {
    /// Folders nested deeper are not descended into (a build refuses to seal such a tree).
    static let maximumDepth = 600

    /// What the entry at `path` takes: a file's blocks, or a folder's and everything in it;
    /// 0 when nothing is there.
    public static func bytes(at path: String) -> Int64 {
        var info = stat()
        guard lstat(path, &info) == 0 else { return 0 }
        guard (info.st_mode & S_IFMT) == S_IFDIR else { return allocated(info) }
        let root = open(path, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC)
        guard root >= 0 else { return allocated(info) }
        return allocated(info) + tree(root)
    }

    static func allocated(_ info: stat) -> Int64 { Int64(info.st_blocks) * 512 }

    /// Everything below the open folder `root` (closed on return).
    private static func tree(_ root: Int32) -> Int64 {
        struct Level {
            let folder: Int32
            var names: [String]
        }
        var total: Int64 = 0
        var linked = Set<[UInt64]>()
        var stack = [Level(folder: root, names: ConfinedFolder.names(root))]
        defer { for level in stack { close(level.folder) } }
        while var level = stack.popLast() {
            guard let name = level.names.popLast() else {
                close(level.folder)
                continue
            }
            stack.append(level)
            var info = stat()
            guard fstatat(level.folder, name, &info, AT_SYMLINK_NOFOLLOW) == 0 else { continue }
            let isFolder = (info.st_mode & S_IFMT) == S_IFDIR
            if !isFolder, info.st_nlink > 1, !linked.insert([UInt64(info.st_dev), UInt64(info.st_ino)]).inserted { continue }
            total += allocated(info)
            guard isFolder, stack.count < maximumDepth else { continue }
            let child = openat(level.folder, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC)
            guard child >= 0 else { continue }
            stack.append(Level(folder: child, names: ConfinedFolder.names(child)))
        }
        return total
    }
}
