import ArgumentParser
import RailyardClient
import RailyardCore

struct VolumeRemove: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "remove", abstract: "Delete the service's volume and all its data.")

    @OptionGroup var client: ClientOptions
    @OptionGroup var target: ServiceTargetOptions
    @Flag(name: [.customShort("y"), .long], help: "Confirm the deletion of the data (required).") var yes = false

    func validate() throws {
        if !yes { throw ValidationError("removing a volume deletes its data and cannot be undone: add --yes to confirm") }
    }

    func run() async throws {
        var session = try Session(client)
        let (volume, _) = try await VolumeCommand.find(&session, target)
        try await session.call { try await $0.deleteVolume(volume.id) }
        if client.json { return try Output.json(["removed": volume.id.rawValue]) }
        Output.line("Removed volume \(volume.name) and its data")
    }
}
