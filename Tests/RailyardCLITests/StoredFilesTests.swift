import Foundation
import RailyardCore
import Testing

/// Issue 13, item 6, through the real server: deploys that fail keep no source archive beyond
/// the kept ones, and what a previous run left (uploads cut off, archives nothing names,
/// artifacts of deleted services) is deleted when the server starts.
extension DeployEndToEndTests {
    /// A folder no provider can build: its deploy fails at the plan, quickly.
    static func unbuildable() throws -> URL {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("railyard-unbuildable-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        try Data("nothing to run\n".utf8).write(to: folder.appendingPathComponent("notes.txt"))
        return folder
    }

    /// With `--artifacts-kept 1`, three failed deploys leave one archive: the newest.
    @Test func failedDeploysKeepNoArchiveBeyondTheKeptOnes() async throws {
        let world = try await World.make(serverArguments: ["--artifacts-kept", "1"])
        defer { world.stop() }
        try await world.service("web")
        var ids: [String] = []
        for _ in 0..<3 {
            let result = try await world.up(try Self.unbuildable(), service: "web")
            #expect(result.status != 0)
            #expect(result.deployment["status"] as? String == "FAILED", "\(result.deployment) \(result.log)")
            ids.append(result.deployment["id"] as? String ?? "")
        }
        let sources = try FileManager.default.contentsOfDirectory(atPath: world.data + "/sources").sorted()
        #expect(sources == ["\(ids[2]).tar.gz"], "\(sources)")
    }

    /// Leftovers of an earlier run are swept at start; the archive a deployment names stays.
    @Test func leftoverUploadsAndUnnamedFilesAreDeletedAtStart() async throws {
        let world = try await World.make()
        defer { world.stop() }
        try await world.service("web")
        let result = try await world.up(try Self.unbuildable(), service: "web")
        let named = "\(result.deployment["id"] as? String ?? "").tar.gz"
        let sources = world.data + "/sources"
        #expect(try FileManager.default.contentsOfDirectory(atPath: sources) == [named])
        world.server.stop()

        let leftovers = [
            "\(DeploymentID.generate().rawValue).tar.gz.partial", "\(DeploymentID.generate().rawValue).tar.gz",
        ]
        for name in leftovers { try Data(repeating: 0x1f, count: 1 << 20).write(to: URL(fileURLWithPath: sources + "/" + name)) }
        let goneService = world.data + "/artifacts/" + ServiceID.generate().rawValue
        try FileManager.default.createDirectory(atPath: goneService + "/" + DeploymentID.generate().rawValue + "/app",
                                                withIntermediateDirectories: true)
        try await world.server.start()
        #expect(try FileManager.default.contentsOfDirectory(atPath: sources) == [named])
        #expect(!FileManager.default.fileExists(atPath: goneService))
        #expect(world.server.log.contains("removed stored files nothing needs"))
    }
}
