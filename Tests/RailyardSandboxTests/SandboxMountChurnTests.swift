import Foundation
import Synchronization
import Testing
@testable import RailyardSandbox

/// Mounts that come and go on the host while sandboxes start. The host's /run/netns holds a
/// mount per replica's network namespace, removed as that replica stops: with the whole of `/`
/// bound, bubblewrap failed a start now and then when one went between its recursive bind and
/// its read-only remount of each mount ("Can't bind mount /oldroot/ on /newroot/: … No such
/// file or directory"; a rolling restart in a full run at 5b423e7).
extension SandboxIsolationTests {
    @Test func theSandboxBindsTheHostsTopFoldersButNotTheOnesItReplaces() throws {
        let arguments = SandboxCommand.arguments(Self.sandbox(try Self.makeLayout()), command: ["true"], dropPrivileges: true)
        let joined = arguments.joined(separator: " ")
        #expect(!joined.contains("--ro-bind / /"))
        #expect(joined.contains("--ro-bind /usr /usr") && joined.contains("--ro-bind /etc /etc"), "\(joined)")
        for replaced in SandboxCommand.replacedAtTheTop {
            #expect(!joined.contains("--ro-bind /\(replaced) /\(replaced)"), "\(replaced) is bound")
        }
        // A top-level link (merged /usr: /bin → usr/bin) is the same link inside.
        if let bin = try? FileManager.default.destinationOfSymbolicLink(atPath: "/bin") {
            #expect(joined.contains("--symlink \(bin) /bin"), "\(joined)")
        }
    }

    @Test func mountsComingAndGoingUnderRunDoNotFailAStart() async throws {
        try #require(geteuid() == 0, "mounting needs root; CI runs as root")
        let layout = try Self.makeLayout()
        let spec = Self.sandbox(layout)
        let folder = "/run/railyard-churn-\(UUID().uuidString.prefix(8))"
        let points = (0..<32).map { "\(folder)/\($0)" }
        for point in points { try FileManager.default.createDirectory(atPath: point, withIntermediateDirectories: true) }
        // A shared mount of its own, as `ip netns add` makes /run/netns: what is unmounted under
        // it goes from the copies in other mount namespaces too (bubblewrap's is a slave of the
        // one it starts in). `ip netns del` also removes the mount point file, which takes the
        // mount out of every namespace, even private ones (a replica's writable view starts
        // bubblewrap in one): either way a mount vanishes from under bubblewrap.
        try #require(mount(folder, folder, nil, UInt(MS_BIND), nil) == 0, "bind: \(String(cString: strerror(errno)))")
        defer {
            for point in points { _ = umount2(point, Int32(MNT_DETACH)) }
            _ = umount2(folder, Int32(MNT_DETACH))
            try? FileManager.default.removeItem(atPath: folder)
        }
        try #require(mount("none", folder, nil, UInt(MS_SHARED), nil) == 0, "make-shared: \(String(cString: strerror(errno)))")
        // Mounts and unmounts as fast as the kernel allows, on a thread of its own, while
        // sandboxes start one after another.
        let churn = Churn()
        let thread = Thread {
            while !churn.stop.load(ordering: .relaxed) {
                for point in points where mount("churn", point, "tmpfs", 0, "size=64k") == 0 { churn.mounts.add(1, ordering: .relaxed) }
                for point in points { _ = umount2(point, Int32(MNT_DETACH)) }
            }
            churn.finished.store(true, ordering: .releasing)
        }
        thread.start()
        var failures: [String] = []
        for _ in 0..<40 {
            let started = try await Self.shell("echo started", spec)
            if started.status != 0 || !started.output.contains("started") { failures.append(started.output) }
        }
        churn.stop.store(true, ordering: .relaxed)
        while !churn.finished.load(ordering: .acquiring) { try await Task.sleep(for: .milliseconds(10)) }
        let mounts = churn.mounts.load(ordering: .relaxed)
        #expect(mounts > 1_000, "the mounts hardly changed: \(mounts)")
        #expect(failures.isEmpty, "\(failures.count) of 40 starts failed: \(failures.prefix(2))")
    }
}

/// What the churning thread and the test share.
private final class Churn: Sendable {
    let stop = Atomic<Bool>(false)
    let finished = Atomic<Bool>(false)
    let mounts = Atomic<Int>(0)
}
