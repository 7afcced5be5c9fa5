import ArgumentParser
import RailyardClient
import RailyardCore

struct VolumeList: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "list", abstract: "Show the service's volume and how full it is.")

    @OptionGroup var client: ClientOptions
    @OptionGroup var target: ServiceTargetOptions

    func run() async throws {
        var session = try Session(client)
        let resolved = try await session.resolve(target)
        let volumes = try await session.call { try await $0.volumes(of: resolved.service.id, in: resolved.environment.id) }
        if client.json { return try Output.json(volumes) }
        Output.table(["NAME", "MOUNT", "SIZE", "USED", "ID"], volumes.map {
            [$0.name, $0.mountPath, VolumeRules.describe($0.sizeBytes),
             $0.usedBytes.map(VolumeRules.describe) ?? "not mounted", $0.id.rawValue]
        })
    }
}
