import Foundation
import RailyardCore
import RailyardSandbox
import Testing

@testable import RailyardControl

/// The command lines for volumes and the reading of what the system answers (pure).
struct VolumeCommandsTests {
    @Test func commandLines() {
        #expect(VolumeCommands.allocate(image: "/d/v.img", bytes: 1 << 30) == ["truncate", "-s", "1073741824", "/d/v.img"])
        #expect(VolumeCommands.format(image: "/d/v.img", bytes: 1 << 30, uid: 20001, gid: 20001)
            == ["mkfs.ext4", "-q", "-F", "-m", "0", "-E", "root_owner=20001:20001", "-L", "railyard", "/d/v.img"])
        #expect(VolumeCommands.format(image: "/d/v.img", bytes: 1 << 40, uid: 1, gid: 1).suffix(3) == ["-J", "size=64", "/d/v.img"])
        #expect(VolumeCommands.mount(image: "/d/v.img", at: "/d/v") == ["mount", "-t", "ext4", "-o", "loop,nosuid,nodev", "/d/v.img", "/d/v"])
        #expect(VolumeCommands.grow(device: "/dev/loop3") == ["resize2fs", "/dev/loop3"])
    }

    @Test func loopDevicesAreReadFromLosetup() {
        #expect(VolumeCommands.loopDevice(fromListing: "/dev/loop3: [2049]:1234 (/data/volumes/x.img)\n") == "/dev/loop3")
        #expect(VolumeCommands.loopDevice(fromListing: "") == nil)
        #expect(VolumeCommands.loopDevice(fromListing: "losetup: oops: something\n") == nil)
    }

    @Test func mountPointsAreReadFromMountinfo() {
        let mountinfo = """
            22 1 8:1 / / rw,relatime shared:1 - ext4 /dev/sda1 rw
            90 22 7:3 / /var/lib/railyard/volumes/0191ab rw,nosuid,nodev,relatime shared:50 - ext4 /dev/loop3 rw
            91 22 7:4 / /tmp/my\\040data/volumes/0191cd rw,nosuid,nodev,relatime shared:51 - ext4 /dev/loop4 rw
            """
        #expect(VolumeCommands.isMountPoint("/var/lib/railyard/volumes/0191ab", mountinfo: mountinfo))
        #expect(VolumeCommands.isMountPoint("/tmp/my data/volumes/0191cd", mountinfo: mountinfo))
        #expect(!VolumeCommands.isMountPoint("/var/lib/railyard/volumes/0191", mountinfo: mountinfo))
        #expect(!VolumeCommands.isMountPoint("/var/lib/railyard/volumes", mountinfo: mountinfo))
    }

    @Test func withoutRootVolumesAreRefusedSayingWhy() async throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("railyard-volumes-\(UUID().uuidString)")
        let storage = VolumeStorage(folder: folder, isRoot: false)
        #expect(storage.problem?.contains("root") == true, "\(storage.problem ?? "no problem")")
        let volume = Volume(id: .generate(), serviceID: .generate(), environmentID: .generate(), name: "web-volume",
                            mountPath: "/data", sizeBytes: 32 << 20, createdAt: Date())
        await #expect(throws: RailyardError.self) { try await storage.create(volume, owner: SandboxUser(uid: 20000, gid: 20000)) }
        #expect(!FileManager.default.fileExists(atPath: storage.image(volume.id)), "nothing was made")
    }
}
