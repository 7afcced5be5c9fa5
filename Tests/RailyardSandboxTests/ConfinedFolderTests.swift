import Foundation
import Testing
@testable import RailyardSandbox

/// The server (root) on a tenant's tree: removing, re-owning and sealing it never follows a
/// link out of it, whatever its depth or shape.
struct ConfinedFolderTests {
    static func folder() throws -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("railyard-confined-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }

    /// A tree 300 levels deep with files and links at every level, some pointing at a folder
    /// outside with a file that must survive.
    static func hostileTree() throws -> (tree: URL, outside: URL) {
        let base = try folder()
        let outside = base.appendingPathComponent("outside")
        try FileManager.default.createDirectory(at: outside, withIntermediateDirectories: true)
        try Data("keep".utf8).write(to: outside.appendingPathComponent("sentinel"))
        let tree = base.appendingPathComponent("tree")
        let tree0 = try ConfinedFolder(path: base.path)
        try tree0.createFolder("tree")
        var path = ""
        let confined = try ConfinedFolder(path: tree.path)
        for level in 0..<300 {
            path += (path.isEmpty ? "" : "/") + "d\(level)"
            try confined.createFolder(path)
            let file = try confined.createFile(path + "/f", mode: 0o444)
            close(file)
            try confined.createLink(path + "/out", target: outside.path)
            try confined.createLink(path + "/up", target: String(repeating: "../", count: level + 2) + "outside")
        }
        chmod(tree.appendingPathComponent("d0").path, 0o555)
        return (tree, outside)
    }

    @Test func removingADeepTreeNeverFollowsItsLinks() throws {
        let (tree, outside) = try Self.hostileTree()
        try ConfinedFolder.removeTree(at: tree.path)
        #expect(!FileManager.default.fileExists(atPath: tree.path))
        #expect(try String(contentsOf: outside.appendingPathComponent("sentinel"), encoding: .utf8) == "keep")
    }

    @Test func sealingChangesTheTreeNotWhatItLinksTo() throws {
        let (tree, outside) = try Self.hostileTree()
        let before = try FileManager.default.attributesOfItem(atPath: outside.appendingPathComponent("sentinel").path)
        try ConfinedFolder(path: tree.path).setOwner(geteuid() == 0 ? SandboxUser(uid: 4242, gid: 4242) : nil, readOnly: true)
        let after = try FileManager.default.attributesOfItem(atPath: outside.appendingPathComponent("sentinel").path)
        #expect(before[.posixPermissions] as? Int == after[.posixPermissions] as? Int, "a link's target lost its write bit")
        #expect(before[.ownerAccountID] as? Int == after[.ownerAccountID] as? Int, "a link's target changed owner")
        let deepFile = (0..<300).map { "d\($0)" }.joined(separator: "/") + "/f"
        let mode = try FileManager.default.attributesOfItem(atPath: tree.appendingPathComponent(deepFile).path)[.posixPermissions] as? Int
        #expect((mode ?? 0o777) & 0o222 == 0)
        if geteuid() == 0 {
            #expect(try FileManager.default.attributesOfItem(atPath: tree.appendingPathComponent(deepFile).path)[.ownerAccountID] as? Int == 4242)
        }
        try ConfinedFolder.removeTree(at: tree.path)
    }

    @Test func nothingIsCreatedThroughALink() throws {
        let base = try Self.folder()
        let outside = base.appendingPathComponent("outside")
        try FileManager.default.createDirectory(at: outside, withIntermediateDirectories: true)
        let tree = base.appendingPathComponent("tree")
        try FileManager.default.createDirectory(at: tree, withIntermediateDirectories: true)
        let confined = try ConfinedFolder(path: tree.path)
        try confined.createLink("escape", target: outside.path)
        #expect(throws: ConfinedFolderError.self) { _ = try confined.createFile("escape/pwned", mode: 0o644) }
        #expect(throws: ConfinedFolderError.self) { try confined.createFolder("escape/newdir") }
        #expect(throws: ConfinedFolderError.self) { try confined.createLink("escape/link", target: "x") }
        #expect(try FileManager.default.contentsOfDirectory(atPath: outside.path).isEmpty)
        #expect(confined.resolveLink("escape") == .escapes)
        // Replacing the link with a file removes the link itself.
        close(try confined.createFile("escape", mode: 0o644))
        #expect(confined.kind("escape") == .file(size: 0, executable: false))
    }
}
