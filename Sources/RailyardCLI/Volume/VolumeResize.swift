import ArgumentParser
import RailyardClient
import RailyardCore

struct VolumeResize: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "resize", abstract: "Grow the service's volume, while it is in use (a volume only grows).")

    @OptionGroup var client: ClientOptions
    @OptionGroup var target: ServiceTargetOptions
    @Option(help: "The new size, e.g. 2G.") var size: String

    func validate() throws { _ = try VolumeCommand.size(size) }

    func run() async throws {
        let bytes = try VolumeCommand.size(size)
        var session = try Session(client)
        let (volume, _) = try await VolumeCommand.find(&session, target)
        let resized = try await session.call { try await $0.resizeVolume(volume.id, sizeBytes: bytes) }
        if client.json { return try Output.json(resized) }
        Output.line("Volume \(resized.name) is now \(VolumeRules.describe(resized.sizeBytes))")
    }
}
