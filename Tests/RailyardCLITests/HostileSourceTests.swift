import Foundation
import Testing

/// Issue 13, item 1, through a live server: a repository whose links chain out of the
/// checkout (`x -> .`, `y -> x/x/…/../..`) and whose config and ignore files link to a
/// root-only file. The deployment fails naming the link; nothing outside is read or written.
extension DeployEndToEndTests {
    @Test func aRepositoryWhoseLinksLeadOutIsRefused() async throws {
        let world = try await World.make()
        defer { world.stop() }
        let base = FileManager.default.temporaryDirectory.appendingPathComponent("railyard-hostile-\(UUID().uuidString)")
        let repository = base.appendingPathComponent("repo")
        try FileManager.default.createDirectory(at: repository, withIntermediateDirectories: true)
        try await Self.git(["init", "--quiet", "--initial-branch=main"], in: repository)
        for (name, target) in [("x", "."), ("y", "x/x/x/x/x/x/x/x/../../../../../../../..")] {
            try FileManager.default.createSymbolicLink(atPath: repository.appendingPathComponent(name).path, withDestinationPath: target)
        }
        _ = try await Self.commit(["main.py": Self.pythonServer("hostile"), "Procfile": "web: python3 main.py\n"], to: repository, message: "links")
        #expect(try await world.cli.exec(["service", "create", "web", "--repo", "file://\(repository.path)", "--branch", "main"]).status == 0)
        let deployed = try await world.cli.exec(["deploy", "--service", "web", "--json"])
        #expect(deployed.status != 0, "a checkout with links leading out was deployed")
        let deployments = try await world.deployments("web")
        let reason = deployments.first?["statusReason"] as? String ?? ""
        #expect(deployments.first?["status"] as? String == "FAILED")
        #expect(reason.contains("y: links that lead outside the upload are refused"), "\(reason)")
    }

    /// `.railyardignore` links to a root-only file holding rules that would hide the link
    /// itself and main.py. Read as root (as it once was), the rules would apply; read beneath
    /// the checkout, they are not there, the link travels and is refused on unpacking.
    @Test func ignoreFilesLinkedOutsideAreNotRead() async throws {
        let world = try await World.make()
        defer { world.stop() }
        let base = FileManager.default.temporaryDirectory.appendingPathComponent("railyard-hostile-\(UUID().uuidString)")
        let repository = base.appendingPathComponent("repo")
        try FileManager.default.createDirectory(at: repository, withIntermediateDirectories: true)
        let secret = base.appendingPathComponent("secret")
        try Data("main.py\n.railyardignore\n".utf8).write(to: secret)
        chmod(secret.path, 0o600)
        try await Self.git(["init", "--quiet", "--initial-branch=main"], in: repository)
        try FileManager.default.createSymbolicLink(atPath: repository.appendingPathComponent(".railyardignore").path, withDestinationPath: secret.path)
        _ = try await Self.commit(["main.py": Self.pythonServer("mine"), "Procfile": "web: python3 main.py\n"], to: repository, message: "linked ignore file")
        #expect(try await world.cli.exec(["service", "create", "web", "--repo", "file://\(repository.path)", "--branch", "main"]).status == 0)
        let deployed = try await world.cli.exec(["deploy", "--service", "web", "--json"])
        #expect(deployed.status != 0)
        let reason = try await world.deployments("web").first?["statusReason"] as? String ?? ""
        #expect(reason.contains(".railyardignore: links to absolute paths are refused"), "the ignore file was read through its link: \(reason)")
    }
}
