import Foundation
import Testing
@testable import RailyardCore

/// Where a volume may be mounted and how large it may be: every path that could break the
/// sandbox (its own mounts, the host system, escapes) is refused, and sizes are what they say.
struct VolumeRulesTests {
    @Test(arguments: [
        "/data", "/app/data", "/var/data", "/srv/data", "/home/app/storage", "/mnt/v1", "/opt/my-app_2/data.d",
        "/var/lib2", "/procfs", "/srv/application",
    ])
    func mountPathsThatAreFine(_ path: String) {
        #expect(VolumeRules.mountPathProblem(path) == nil, "\(path)")
    }

    static let refusedPaths: [String] = [
        "", "/", "data", "./data", "/data/", "//data", "/data//x", "/data/..", "/data/../etc", "/./data", "/..",
        "/proc", "/proc/1", "/dev", "/dev/shm", "/sys", "/etc", "/etc/hosts", "/usr", "/usr/local/data", "/bin", "/sbin",
        "/lib", "/lib64", "/boot", "/tmp", "/tmp/data", "/var/tmp", "/run", "/run/railyard", "/var/run", "/var/lib",
        "/var/log/app", "/srv/app", "/srv/app/data", "/srv", "/var", "/da ta", "/data\n", "/dätä", "/data$", "/data;rm",
        "/d\\x", "/.data", "/data/.hidden", deepPath, longPath,
    ]
    static let deepPath: String = String(repeating: "/a", count: 9)
    static let longPath: String = "/" + String(repeating: "x", count: 200)

    @Test(arguments: refusedPaths)
    func mountPathsThatAreRefused(_ path: String) {
        #expect(VolumeRules.mountPathProblem(path) != nil, "\(path)")
    }

    static let sizes: [(String, Int64)] = [
        ("1G", 1 << 30), ("1g", 1 << 30), ("500M", 500 << 20), ("500MB", 500 << 20), ("2GiB", 2 << 30),
        ("1T", 1 << 40), ("64k", 64 << 10), ("123", 123), (" 32M ", 32 << 20),
    ]

    @Test(arguments: sizes)
    func sizesPeopleWrite(_ text: String, _ bytes: Int64) {
        #expect(VolumeRules.parseSize(text) == bytes, "\(text)")
    }

    @Test(arguments: ["", "1Q", "-1", "1e30", "1.5G", "G", "MB", "1GG", "99999999999999999999", "9999999999T", "0x10", "1 G", "+1G"])
    func sizesThatAreNot(_ text: String) {
        #expect(VolumeRules.parseSize(text) == nil, "\(text)")
    }

    @Test func sizeLimits() {
        #expect(VolumeRules.sizeProblem(VolumeRules.defaultBytes) == nil)
        #expect(VolumeRules.sizeProblem(32 << 20) == nil)
        #expect(VolumeRules.sizeProblem(1 << 40) == nil)
        for bytes: Int64 in [0, -1, 1, (32 << 20) - 1, (1 << 40) + 1, .max, .min] {
            #expect(VolumeRules.sizeProblem(bytes) != nil, "\(bytes)")
        }
        #expect(VolumeRules.describe(1 << 30) == "1 GiB")
        #expect(VolumeRules.describe(48 << 20) == "48 MiB")
        #expect(VolumeRules.describe(3 << 29) == "1.5 GiB")
        #expect(VolumeRules.name(service: "web") == "web-volume")
    }
}
