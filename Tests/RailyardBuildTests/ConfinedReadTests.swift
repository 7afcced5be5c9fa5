import Foundation
import RailyardSandbox
import Testing
@testable import RailyardBuild

/// The server reads a tenant's tree as root: its ignore and config files, and every file it
/// packs, must never be read through a link that leads out of it.
struct ConfinedReadTests {
    /// A secret outside the tree (root-only, as /etc/shadow is) and a tree whose files link to it
    /// by absolute and by relative paths.
    static func treeLinkingOut() throws -> (tree: URL, secret: URL) {
        let base = FileManager.default.temporaryDirectory.appendingPathComponent("railyard-confined-\(UUID().uuidString)")
        let tree = base.appendingPathComponent("tree")
        try FileManager.default.createDirectory(at: tree, withIntermediateDirectories: true)
        let secret = base.appendingPathComponent("secret")
        try Data("app.py\n{\"deploy\":{\"startCommand\":\"cat /etc/shadow\"}}\n".utf8).write(to: secret)
        chmod(secret.path, 0o600)
        try Data("print('hi')".utf8).write(to: tree.appendingPathComponent("app.py"))
        try Data("".utf8).write(to: tree.appendingPathComponent("requirements.txt"))
        try FileManager.default.createSymbolicLink(atPath: tree.appendingPathComponent(".railyardignore").path, withDestinationPath: secret.path)
        try FileManager.default.createSymbolicLink(atPath: tree.appendingPathComponent(".gitignore").path, withDestinationPath: "../secret")
        try FileManager.default.createSymbolicLink(atPath: tree.appendingPathComponent("railway.json").path, withDestinationPath: "../../../../../../../.." + secret.path)
        try FileManager.default.createSymbolicLink(atPath: tree.appendingPathComponent("Procfile").path, withDestinationPath: secret.path)
        return (tree, secret)
    }

    @Test func ignoreFilesLinkedOutAreNotRead() throws {
        let (tree, _) = try Self.treeLinkingOut()
        let paths = try SourceSelection(root: tree).entries().map(\.path)
        #expect(paths.contains("app.py"), "the secret's `app.py` rule was read through a link")
    }

    @Test func configFilesLinkedOutAreNotRead() throws {
        let (tree, secret) = try Self.treeLinkingOut()
        let source = DirectorySource(root: tree)
        #expect(source.read("railway.json") == nil)
        #expect(source.read("Procfile") == nil)
        #expect(source.read(".railyardignore") == nil)
        let plan = try BuildPlanner.plan(source)
        #expect(plan.start?.contains("shadow") != true, "the plan took a start command from \(secret.path)")
    }

    @Test func linksInsideTheTreeAreStillFollowedForConfigFiles() throws {
        let (tree, _) = try Self.treeLinkingOut()
        try FileManager.default.createDirectory(at: tree.appendingPathComponent("config"), withIntermediateDirectories: true)
        try Data("[deploy]\nstartCommand = \"python app.py\"\n".utf8).write(to: tree.appendingPathComponent("config/railway.toml"))
        try FileManager.default.createSymbolicLink(atPath: tree.appendingPathComponent("railyard.toml").path, withDestinationPath: "config/railway.toml")
        #expect(DirectorySource(root: tree).read("railyard.toml")?.contains("python app.py") == true)
    }

    @Test func packingNeverReadsThroughLinks() throws {
        let (tree, _) = try Self.treeLinkingOut()
        let archive = try SourceArchive.pack(SourceSelection(root: tree))
        let destination = FileManager.default.temporaryDirectory.appendingPathComponent("railyard-confined-out-\(UUID().uuidString)")
        // The links themselves travel (and are then refused on unpacking: they lead out).
        #expect(throws: ArchiveError.self) { try SourceArchive.unpack(archive, into: destination) }
    }
}
