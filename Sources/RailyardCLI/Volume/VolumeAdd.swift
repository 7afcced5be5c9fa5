import ArgumentParser
import RailyardClient
import RailyardCore

struct VolumeAdd: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "add", abstract: "Give the service a volume, mounted in its replicas at --mount.",
        discussion: """
            The running deployment gets it at the next deploy (`railyard redeploy`). A service with a volume runs one
            replica, and a deploy stops the old replica before the new one starts; the edge holds requests meanwhile.
            """)

    @OptionGroup var client: ClientOptions
    @OptionGroup var target: ServiceTargetOptions
    @Option(help: "Where replicas see the volume, e.g. /data.") var mount: String
    @Option(help: "Its size limit, e.g. 1G or 500M (default 1G).") var size: String?

    func validate() throws {
        if let problem = VolumeRules.mountPathProblem(mount) { throw ValidationError(problem) }
        if let size { _ = try VolumeCommand.size(size) }
    }

    func run() async throws {
        let bytes = try size.map(VolumeCommand.size)
        var session = try Session(client)
        let resolved = try await session.resolve(target)
        let volume = try await session.call {
            try await $0.createVolume(service: resolved.service.id, environment: resolved.environment.id, mountPath: mount, sizeBytes: bytes)
        }
        if client.json { return try Output.json(volume) }
        Output.line("Added volume \(volume.name) (\(VolumeRules.describe(volume.sizeBytes))) at \(volume.mountPath); it is mounted from the next deploy: run `railyard redeploy`")
    }
}
