import ArgumentParser
import Foundation
import NIOCore
import RailyardBuild
import RailyardClient
import RailyardCore

/// `railyard up [PATH]`: packs a folder, uploads it, and follows the deployment to its end.
struct Up: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Deploy a folder: pack it, upload it, and stream the build and deploy logs.",
        discussion: """
            Files matched by .railyardignore, .railwayignore and .gitignore are left out (.git always is).
            Exits 0 only when the deployment reaches SUCCESS.
            """)

    @Argument(help: "The folder to deploy (default: the current one).") var path = "."
    @OptionGroup var client: ClientOptions
    @OptionGroup var target: ServiceTargetOptions
    @Flag(help: "Return once the upload is accepted, without following the deployment.") var detach = false
    @Option(name: [.customShort("m"), .long], help: "A message recorded on the deployment.") var message: String?
    @Flag(help: "Send files that .gitignore lists.") var noGitignore = false

    func run() async throws {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory), isDirectory.boolValue else {
            throw CLIError("\(path) is not a folder")
        }
        var session = try Session(client)
        let resolved = try await session.resolve(target)
        let archive: ByteBuffer
        let fileCount: Int
        do {
            let selection = SourceSelection(root: URL(fileURLWithPath: path), useGitignore: !noGitignore)
            fileCount = try selection.entries().count
            archive = try SourceArchive.pack(selection)
        } catch {
            throw CLIError("cannot pack \(path): \(error)")
        }
        if !client.json {
            Output.note("Uploading \(fileCount) files (\(Self.size(archive.readableBytes))) to \(resolved.service.name) in \(resolved.project.name)/\(resolved.environment.name)")
        }
        let commit = LocalCommit.of(folder: path)
        let created = try await session.call {
            try await $0.upload(
                archive, service: resolved.service.id, environment: resolved.environment.id, message: message,
                commitSHA: commit?.sha, commitMessage: commit?.subject)
        }
        if detach {
            if client.json { return try Output.json(created) }
            return Output.line("Deployment \(created.id) queued; follow it with `railyard logs --deployment \(created.id) --follow`")
        }
        var follower = DeploymentFollower(session: session, printLines: !client.json)
        let finished = try await follower.follow(created.id)
        if client.json {
            try Output.json(finished)
        } else {
            await Self.report(finished, session: session)
        }
        if finished.status != .success { throw ExitCode.failure }
    }

    /// The result for people: on success the service's public URLs (its domains), and each
    /// replica's local address.
    static func report(_ deployment: Deployment, session: Session) async {
        if deployment.status == .success {
            var session = session
            let domains = (try? await session.call {
                try await $0.domains(of: deployment.serviceID, in: deployment.environmentID)
            }) ?? []
            Output.line("Deployment \(deployment.id) is live.")
            for url in domains.compactMap(\.url) { Output.line("  \(url)") }
            // A database speaks its own protocol, not HTTP, and has no public URL.
            let scheme = deployment.source == .database ? "" : "http://"
            for instance in deployment.instances {
                Output.line("  replica \(instance.replica): \(scheme)\(instance.address)")
            }
            if domains.isEmpty && deployment.source != .database { Output.note("Give it a public URL with `railyard domain`.") }
            for warning in deployment.warnings { Output.note("warning: \(warning)") }
        } else {
            Output.note("Deployment \(deployment.id) \(deployment.status.rawValue)" + (deployment.statusReason.map { ": \($0)" } ?? ""))
        }
    }

    static func size(_ bytes: Int) -> String {
        bytes < 1 << 20 ? String(format: "%.1f KiB", Double(bytes) / 1024) : String(format: "%.1f MiB", Double(bytes) / 1_048_576)
    }
}
