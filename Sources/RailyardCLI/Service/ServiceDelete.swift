import ArgumentParser
import RailyardClient
import RailyardCore

struct ServiceDelete: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "delete", abstract: "Delete a service (a database's volume and data with it).")

    @OptionGroup var client: ClientOptions
    @OptionGroup var target: TargetOptions
    @Argument(help: "Service name or id.") var service: String
    @Flag(name: [.customShort("y"), .long], help: "Confirm the deletion (required).") var yes = false
    @Flag(inversion: .prefixedNo, help: "A database: back it up first (kept in the environment, restorable into another database).")
    var finalBackup: Bool?

    func validate() throws {
        if !yes { throw ValidationError("deleting a service cannot be undone: add --yes to confirm") }
    }

    func run() async throws {
        var session = try Session(client)
        let project = try await session.project(target.project)
        let found = try await session.service(service, in: project)
        if found.database != nil {
            guard let finalBackup else {
                throw CLIError("\(found.name) is a database: its volume and data are deleted with it. Add --final-backup to back it up first (restorable into another database with `railyard backup restore ID --into NAME`), or --no-final-backup")
            }
            if finalBackup {
                let environment = try await session.environment(target.environment, in: project)
                let started = try await session.call { try await $0.createBackup(of: found.id, in: environment.id, final: true) }
                let backup = try await BackupCommand.wait(started.id, &session) { $0.status != .running }
                guard backup.status == .completed else {
                    throw CLIError("the final backup failed (\(backup.reason ?? "no reason given")): \(found.name) was not deleted")
                }
                Output.note("Final backup \(backup.id): \(VolumeRules.describe(backup.sizeBytes ?? 0)), sha256 \(backup.sha256 ?? "-")")
            }
        }
        try await session.call { try await $0.deleteService(found.id) }
        if client.json { return try Output.json(["deleted": found.id.rawValue]) }
        Output.line("Deleted service \(found.name)")
    }
}
