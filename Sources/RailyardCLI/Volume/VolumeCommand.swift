import ArgumentParser
import RailyardClient
import RailyardCore

/// `railyard volume`: the service's volume (one per service per environment).
struct VolumeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "volume", abstract: "Keep data across deploys: add, list, resize or remove the service's volume.",
        subcommands: [VolumeAdd.self, VolumeList.self, VolumeResize.self, VolumeRemove.self],
        defaultSubcommand: VolumeList.self)

    /// The service's volume in the environment, or an error saying it has none.
    static func find(_ session: inout Session, _ target: ServiceTargetOptions) async throws -> (Volume, ResolvedService) {
        let resolved = try await session.resolve(target)
        let volumes = try await session.call { try await $0.volumes(of: resolved.service.id, in: resolved.environment.id) }
        guard let volume = volumes.first else {
            throw CLIError("\(resolved.service.name) has no volume in \(resolved.environment.name): add one with `railyard volume add --mount /data`")
        }
        return (volume, resolved)
    }

    /// `--size` as people write it (1G, 500M); a clear error otherwise.
    static func size(_ text: String) throws -> Int64 {
        guard let bytes = VolumeRules.parseSize(text) else {
            throw CLIError("--size \(text) is not a size: write it like 1G, 500M or 2GiB")
        }
        if let problem = VolumeRules.sizeProblem(bytes) { throw CLIError(problem) }
        return bytes
    }
}
