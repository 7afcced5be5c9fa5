import Foundation
import RailyardCore
import RailyardSandbox
import Synchronization

/// Where volumes live and how they are mounted: each is an ext4 filesystem image of its size,
/// `DATA/volumes/ID.img`, loop-mounted at `DATA/volumes/ID` (as root), whose top folder is the
/// service user's. The size is the filesystem's: a write past it fails with ENOSPC in the app.
///
/// Only `destroy` deletes data, and only `volume remove --yes` or deleting the service (or
/// its environment or project) calls it. A missing image is an error, never a reason to make
/// a new, empty one.
public actor VolumeStorage {
    public nonisolated let folder: URL
    /// Why volumes cannot be used on this server; nil when they can.
    public nonisolated let problem: String?
    /// Volumes with a command running on them: the next waits its turn.
    private var busy: Set<VolumeID> = []

    public init(folder: URL, isRoot: Bool = geteuid() == 0) {
        self.folder = folder
        if !isRoot {
            problem = "volumes need the server to run as root (each volume is a loop-mounted filesystem image); this server runs as uid \(geteuid())"
        } else if let missing = ["mkfs.ext4", "resize2fs", "losetup", "mount", "umount", "truncate"].first(where: { Self.find($0) == nil }) {
            problem = "volumes need \(missing) on the server (install e2fsprogs and util-linux)"
        } else {
            problem = nil
        }
        try? FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o711])
        try? FileManager.default.setAttributes([.posixPermissions: 0o711], ofItemAtPath: folder.path)
    }

    public nonisolated func image(_ id: VolumeID) -> String { folder.appendingPathComponent("\(id.rawValue).img").path }
    public nonisolated func mountPoint(_ id: VolumeID) -> String { folder.appendingPathComponent(id.rawValue).path }

    /// Makes the volume's image and mounts it. The image must not exist yet.
    public func create(_ volume: Volume, owner: SandboxUser) async throws {
        try refuseWithoutSupport()
        try await exclusively(volume.id) {
            let image = self.image(volume.id)
            if FileManager.default.fileExists(atPath: image) {
                throw RailyardError.conflict("an image for volume \(volume.id) exists already; it is left as it is")
            }
            do {
                try await Self.run(VolumeCommands.allocate(image: image, bytes: volume.sizeBytes))
                chmod(image, 0o600)
                try await Self.run(VolumeCommands.format(image: image, bytes: volume.sizeBytes, uid: owner.uid, gid: owner.gid))
            } catch {
                // Nothing was ever in it.
                unlink(image)
                throw error
            }
            _ = try await self.mountNow(volume, owner: owner)
        }
    }

    /// Mounts the volume (when it is not yet) and returns where, on the host.
    @discardableResult
    public func mount(_ volume: Volume, owner: SandboxUser) async throws -> String {
        try refuseWithoutSupport()
        return try await exclusively(volume.id) { try await self.mountNow(volume, owner: owner) }
    }

    private func mountNow(_ volume: Volume, owner: SandboxUser) async throws -> String {
        let image = image(volume.id)
        let folder = mountPoint(volume.id)
        guard FileManager.default.fileExists(atPath: image) else {
            throw RailyardError.conflict(
                "the data of volume \(volume.name) (\(image)) is missing on this server: restore it from a backup, or remove the volume")
        }
        if !isMounted(folder) {
            try? FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: false, attributes: [.posixPermissions: 0o700])
            try await Self.run(VolumeCommands.mount(image: image, at: folder))
        }
        // The top folder is the service user's alone (its uid is fixed per service and
        // environment; made right by mkfs, kept right here).
        guard chown(folder, owner.uid, owner.gid) == 0, chmod(folder, 0o700) == 0 else {
            throw RailyardError.unavailable("cannot hand volume \(volume.name) to the service's user: \(String(cString: strerror(errno)))")
        }
        return folder
    }

    /// Grows the volume's filesystem to `bytes`, mounted and in use (ext4 grows online).
    /// Shrinking is refused: a volume only grows.
    public func grow(_ volume: Volume, to bytes: Int64, owner: SandboxUser) async throws {
        try refuseWithoutSupport()
        try await exclusively(volume.id) {
            let folder = try await self.mountNow(volume, owner: owner)
            let image = self.image(volume.id)
            try await Self.run(VolumeCommands.allocate(image: image, bytes: bytes))
            let listing = try await Self.run(VolumeCommands.findLoopDevice(image: image))
            guard let device = VolumeCommands.loopDevice(fromListing: listing) else {
                throw RailyardError.unavailable("volume \(volume.name) is mounted at \(folder) but no loop device holds \(image)")
            }
            try await Self.run(VolumeCommands.refreshCapacity(device: device))
            do {
                try await Self.run(VolumeCommands.grow(device: device))
            } catch {
                // The kernel grows a mounted ext4 only for a holder of CAP_SYS_RESOURCE (a
                // container's root may lack it): the caller then grows it unmounted.
                throw OnlineGrowRefused(reason: "\(error)")
            }
        }
    }

    /// `grow` could not grow the mounted filesystem.
    public struct OnlineGrowRefused: Error, CustomStringConvertible {
        public let reason: String
        public var description: String { "the filesystem cannot be grown while mounted here: \(reason)" }
    }

    /// Grows the volume unmounted (checked first, as resize2fs requires), then mounts it
    /// again. Nothing may use it meanwhile: an unmount that fails (busy) stops here.
    public func growUnmounted(_ volume: Volume, to bytes: Int64, owner: SandboxUser) async throws {
        try refuseWithoutSupport()
        try await exclusively(volume.id) {
            let image = self.image(volume.id)
            let folder = self.mountPoint(volume.id)
            if self.isMounted(folder) { try await Self.run(VolumeCommands.unmount(folder)) }
            do {
                try await Self.run(VolumeCommands.allocate(image: image, bytes: bytes))
                try await Self.run(VolumeCommands.check(image: image))
                try await Self.run(VolumeCommands.grow(device: image))
            } catch {
                _ = try? await self.mountNow(volume, owner: owner)
                throw error
            }
            _ = try await self.mountNow(volume, owner: owner)
        }
    }

    /// Folders every sandbox has a writable tmpfs at (`SandboxCommand`): bubblewrap makes a
    /// mount point beneath them itself.
    static let sandboxScratchFolders = ["/srv", "/home", "/root"]

    /// Makes sure the sandbox can bind a volume at `mountPath`: the sandbox shows the host's
    /// root read-only, where bubblewrap cannot make a folder, so a mount path outside its own
    /// tmpfs folders needs its folders on the host (empty, root's, 0755: made once, never
    /// removed). A symbolic link on the way is refused: the bind would land elsewhere.
    public nonisolated func prepareMountPoint(_ mountPath: String) throws {
        if Self.sandboxScratchFolders.contains(where: { mountPath.hasPrefix($0 + "/") }) { return }
        var path = ""
        for part in mountPath.split(separator: "/") {
            path += "/" + part
            var info = stat()
            if lstat(path, &info) == 0 {
                guard (info.st_mode & S_IFMT) == S_IFDIR else {
                    throw RailyardError.invalid(
                        "\(path) is not a folder on the server (a link or a file): choose another mount path", field: "mountPath")
                }
                continue
            }
            guard errno == ENOENT, mkdir(path, 0o755) == 0 || errno == EEXIST else {
                throw RailyardError.unavailable("cannot make the mount point \(path) on the server: \(String(cString: strerror(errno)))")
            }
            chmod(path, 0o755)
        }
    }

    /// How much of the volume is used and how large its filesystem is, when it is mounted.
    public nonisolated func usage(_ id: VolumeID) -> (usedBytes: Int64, totalBytes: Int64)? {
        let folder = mountPoint(id)
        guard isMounted(folder) else { return nil }
        var stats = statvfs()
        guard statvfs(folder, &stats) == 0 else { return nil }
        let block = Int64(stats.f_frsize)
        return (Int64(stats.f_blocks - stats.f_bfree) * block, Int64(stats.f_blocks) * block)
    }

    public nonisolated func isMounted(_ folder: String) -> Bool {
        guard let text = try? String(contentsOfFile: "/proc/self/mountinfo", encoding: .utf8) else { return false }
        return VolumeCommands.isMountPoint(folder, mountinfo: text)
    }

    /// Deletes the volume's data: unmounted (lazily when an app still has it open: its
    /// space is freed once the app lets go), its image and folder removed.
    public func destroy(_ id: VolumeID) async {
        await exclusively(id) {
            let folder = self.mountPoint(id)
            if self.isMounted(folder) {
                if (try? await Self.run(VolumeCommands.unmount(folder))) == nil {
                    _ = try? await Self.run(["umount", "-l", folder])
                }
            }
            unlink(self.image(id))
            if !self.isMounted(folder) { rmdir(folder) }
        }
    }

    /// At a clean stop: unmounts every volume nothing uses (a busy one stays mounted, which
    /// loses nothing; the next start finds it mounted).
    public func unmountIdle() async -> [String] {
        var busy: [String] = []
        for name in (try? FileManager.default.contentsOfDirectory(atPath: folder.path)) ?? [] where !name.hasSuffix(".img") {
            let mountPoint = folder.appendingPathComponent(name).path
            guard isMounted(mountPoint) else { continue }
            if (try? await Self.run(VolumeCommands.unmount(mountPoint))) == nil { busy.append(mountPoint) }
        }
        return busy
    }

    private func refuseWithoutSupport() throws {
        if let problem { throw RailyardError.conflict(problem) }
    }

    private func exclusively<T: Sendable>(_ id: VolumeID, _ body: () async throws -> T) async rethrows -> T {
        while busy.contains(id) { try? await Task.sleep(for: .milliseconds(10)) }
        busy.insert(id)
        defer { busy.remove(id) }
        return try await body()
    }

    /// Runs a command; its output, or an error naming it and its last lines. Never cut short by
    /// the caller's cancellation (only by the time limit): a stopping server's tasks are
    /// cancelled, and its unmounts must still run (a CI run found a volume left mounted).
    @discardableResult
    static func run(_ arguments: [String]) async throws -> String {
        let lines = Mutex<[String]>([])
        let outcome = try await Task {
            try await StreamingProcess.run(arguments, timeLimit: .seconds(120)) { _, line in
                lines.withLock { if $0.count < 200 { $0.append(line) } }
            }
        }.value
        let output = lines.withLock { $0 }
        guard outcome.status == 0, !outcome.timedOut else {
            let detail = output.suffix(3).joined(separator: " / ")
            throw RailyardError.unavailable("`\(arguments.joined(separator: " "))` failed (\(outcome.exit))\(detail.isEmpty ? "" : ": \(detail)")")
        }
        return output.joined(separator: "\n")
    }

    static func find(_ program: String) -> String? {
        for folder in StreamingProcess.defaultPath.split(separator: ":") {
            let path = "\(folder)/\(program)"
            if FileManager.default.isExecutableFile(atPath: path) { return path }
        }
        return nil
    }
}
