import Foundation
import RailyardClient
import RailyardCore
import Synchronization
import Testing
#if canImport(Glibc)
import Glibc
#endif

/// Issue 14, item 6: the data folder's disk fills up under a live server (SQLite store). Writes
/// answer 507 `disk_full` naming the folder, people can still log in, `/readyz` says not
/// ready and why, the log warns of low space; once space is freed everything works again and
/// the sessions begun meanwhile are recorded.
extension DeployEndToEndTests {
    /// A small tmpfs mounted on a folder, unmounted by `unmount()`.
    struct SmallDisk {
        let path: String

        static func mount(at path: String, megabytes: Int) throws -> SmallDisk {
            try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
            guard Glibc.mount("tmpfs", path, "tmpfs", 0, "size=\(megabytes)m,mode=0711") == 0 else {
                throw ProcessProblem("cannot mount a tmpfs on \(path): \(String(cString: strerror(errno)))")
            }
            return SmallDisk(path: path)
        }

        /// Writes a file until the disk refuses (ENOSPC); returns its path.
        func fill() throws -> String {
            let filler = path + "/filler"
            let descriptor = open(filler, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o600)
            guard descriptor >= 0 else { throw ProcessProblem("cannot create \(filler)") }
            defer { close(descriptor) }
            let chunk = [UInt8](repeating: 0x5a, count: 64 << 10)
            var failure: Int32 = 0
            while failure == 0 {
                let written = chunk.withUnsafeBytes { Glibc.write(descriptor, $0.baseAddress, $0.count) }
                if written < 0 { failure = errno } else if written < chunk.count { continue }
            }
            guard failure == ENOSPC else { throw ProcessProblem("filling \(path) stopped with errno \(failure), not ENOSPC") }
            // Leftover pages of a smaller size too: nothing at all is left.
            var byte: UInt8 = 0
            while Glibc.write(descriptor, &byte, 1) == 1 {}
            return filler
        }

        func unmount() { umount2(path, Int32(MNT_DETACH)) }
    }

    @Test func aFullDiskAnswers507AndLoginsStillWork() async throws {
        try #require(geteuid() == 0, "this test mounts a small tmpfs as the server's data folder: run it as root")
        let disk = Mutex<SmallDisk?>(nil)
        defer { disk.withLock { $0?.unmount() } }
        // Warn below 4 MiB of the 8, measured every second.
        let world = try await World.make(serverArguments: ["--disk-warning", "4", "--disk-check-interval", "1"]) { data in
            let mounted = try SmallDisk.mount(at: data, megabytes: 8)
            disk.withLock { $0 = mounted }
        }
        defer { world.stop() }
        let small = try #require(disk.withLock { $0 })
        try await world.service("web")
        let anonymous = RailyardClient(server: world.server.url, bearer: nil)
        let before = try await anonymous.login(email: "admin@example.com", password: "admin-password")
        let client = RailyardClient(server: world.server.url, bearer: before.accessToken)
        let project = try #require(try await client.projects().first)
        #expect(await Self.readiness(world).status == 200)
        #expect(!world.server.log.contains("free space in the data folder is low"))

        let filler = try small.fill()

        // The server log warns within a few checks.
        try await Self.waitFor("the low-space warning in the server log", seconds: 20) {
            world.server.log.contains("free space in the data folder is low")
        }
        // Not ready, and why.
        let ready = await Self.readiness(world)
        #expect(ready.status == 503, "\(ready)")
        #expect(ready.body.contains("disk_full") && ready.body.contains(world.data), "\(ready)")

        // Writes: 507 disk_full naming the folder, never a bare internal error. SQLite may
        // still fit a few writes in room its log file already has: write until one is refused.
        var refused: ClientError?
        for index in 0..<200 where refused == nil {
            do {
                _ = try await client.createService(name: "full-\(index)", in: project.id)
            } catch let error as ClientError {
                refused = error
            }
        }
        let error = try #require(refused, "200 services were created on a full disk")
        #expect(error.status == 507 && error.code == "disk_full", "\(error.status) \(error.code): \(error.message)")
        #expect(error.message.contains("disk is full") && error.message.contains(world.data), "\(error.message)")

        // An upload is refused the same way, before its body is stored.
        let upload = try await world.cli.exec(["up", try Self.app(["main.py": Self.pythonServer("v1")]).path, "--service", "web"])
        #expect(upload.status != 0)
        #expect(upload.stderr.contains("disk is full") && upload.stderr.contains(world.data), "\(upload.stderr)")
        #expect(upload.stderr.contains("the server is up but"), "\(upload.stderr)")

        // People can still log in (the session waits in memory), and use the session.
        let during = try await anonymous.login(email: "admin@example.com", password: "admin-password")
        let duringClient = RailyardClient(server: world.server.url, bearer: during.accessToken)
        #expect(try await duringClient.me().user?.email == "admin@example.com")
        #expect(try await world.cli.exec(["login", "--email", "admin@example.com", "--password", "admin-password"]).status == 0)
        #expect(try await world.cli.exec(["service", "list"]).status == 0)
        // A refresh on the full disk rotates the session in memory: the old token is spent.
        let rotated = try await anonymous.refresh(during.refreshToken)
        #expect(try await RailyardClient(server: world.server.url, bearer: rotated.accessToken).me().user != nil)

        // Space freed: ready again, writes work, the session is recorded at its next refresh
        // and keeps working; the spent refresh token stays refused.
        #expect(unlink(filler) == 0)
        try await Self.waitFor("the server to be ready again", seconds: 30) { await Self.readiness(world).status == 200 }
        _ = try await client.createService(name: "after", in: project.id)
        let recorded = try await anonymous.refresh(rotated.refreshToken)
        #expect(try await RailyardClient(server: world.server.url, bearer: recorded.accessToken).me().user != nil)
        await #expect(throws: ClientError.self) { _ = try await anonymous.refresh(during.refreshToken) }
        let services = try await client.services(of: project.id).map(\.name)
        #expect(services.contains("web") && services.contains("after"), "\(services)")
        let deployed = try await world.up(try Self.app(["main.py": Self.pythonServer("v1")]), service: "web")
        #expect(deployed.status == 0, "\(deployed.log)")
        try await Self.waitFor("the recovery notice in the server log", seconds: 20) {
            world.server.log.contains("free space in the data folder is back")
        }
    }
}
