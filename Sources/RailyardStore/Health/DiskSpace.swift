import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// Free space of the filesystem holding a folder, as an unprivileged writer sees it.
public enum DiskSpace {
    /// Below this much free space a filesystem counts as full: SQLite cannot grow its log by
    /// a page, and an upload or a build's artifact cannot start.
    public static let reserve: Int64 = 1 << 20

    /// Bytes available to non-root writers on the filesystem holding `path` (the server runs
    /// as root, which may use the blocks reserved for it, but its sandboxes do not); nil when
    /// it cannot be measured.
    public static func available(at path: String) -> Int64? {
        var stats = statvfs()
        guard statvfs(path, &stats) == 0 else { return nil }
        return Int64(stats.f_bavail) * Int64(stats.f_frsize)
    }

    /// Whether the filesystem holding `path` has less than `reserve` free.
    public static func isFull(at path: String) -> Bool {
        (available(at: path) ?? .max) < reserve
    }
}
