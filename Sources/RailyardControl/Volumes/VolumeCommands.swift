import Foundation

/// The command lines that make, mount, grow and unmount a volume's filesystem image. Pure:
/// they run nothing (`VolumeStorage` runs them).
enum VolumeCommands {
    /// A sparse file of the volume's size: the disk is taken as the app writes.
    static func allocate(image: String, bytes: Int64) -> [String] {
        ["truncate", "-s", String(bytes), image]
    }

    /// ext4 with no blocks kept for root (the app is never root: it gets the whole size), the
    /// top folder the service user's from the start. From 16 GiB on, the journal is kept at
    /// 64 MiB (mkfs would write up to 1 GiB of it, however little the app stores).
    static func format(image: String, bytes: Int64, uid: UInt32, gid: UInt32) -> [String] {
        ["mkfs.ext4", "-q", "-F", "-m", "0", "-E", "root_owner=\(uid):\(gid)", "-L", "railyard"]
            + (bytes >= 16 << 30 ? ["-J", "size=64"] : []) + [image]
    }

    /// A loop mount; nothing on it is a device or gains privileges.
    static func mount(image: String, at folder: String) -> [String] {
        ["mount", "-t", "ext4", "-o", "loop,nosuid,nodev", image, folder]
    }

    /// The loop device that has `image` open (`losetup -j`'s answer names it before a colon).
    static func findLoopDevice(image: String) -> [String] { ["losetup", "-j", image] }

    /// Tells the loop device its file grew.
    static func refreshCapacity(device: String) -> [String] { ["losetup", "-c", device] }

    /// Grows an ext4 to fill its device (online when mounted) or its image (unmounted).
    static func grow(device: String) -> [String] { ["resize2fs", device] }

    /// The check resize2fs wants before it grows an unmounted filesystem; fixes what is safe
    /// to fix without asking (a journal to replay after a crash).
    static func check(image: String) -> [String] { ["e2fsck", "-f", "-p", image] }

    static func unmount(_ folder: String) -> [String] { ["umount", folder] }

    /// The device `losetup -j IMAGE` names, e.g. `/dev/loop3: [2049]:1234 (/data/volumes/ID.img)`.
    static func loopDevice(fromListing listing: String) -> String? {
        for line in listing.split(separator: "\n") {
            guard let colon = line.firstIndex(of: ":") else { continue }
            let device = String(line[..<colon])
            if device.hasPrefix("/dev/loop") { return device }
        }
        return nil
    }

    /// Whether `/proc/self/mountinfo`'s text has a mount at `folder` (its fifth field, with
    /// spaces and other odd bytes written as octal escapes).
    static func isMountPoint(_ folder: String, mountinfo: String) -> Bool {
        for line in mountinfo.split(separator: "\n") {
            let fields = line.split(separator: " ", maxSplits: 5, omittingEmptySubsequences: false)
            guard fields.count > 4 else { continue }
            if unescape(String(fields[4])) == folder { return true }
        }
        return false
    }

    static func unescape(_ field: String) -> String {
        guard field.contains("\\") else { return field }
        var bytes: [UInt8] = []
        var utf8 = Array(field.utf8)[...]
        while let byte = utf8.popFirst() {
            if byte == UInt8(ascii: "\\"), utf8.count >= 3,
               let value = UInt8(String(decoding: utf8.prefix(3), as: UTF8.self), radix: 8) {
                bytes.append(value)
                utf8 = utf8.dropFirst(3)
            } else {
                bytes.append(byte)
            }
        }
        return String(decoding: bytes, as: UTF8.self)
    }
}
