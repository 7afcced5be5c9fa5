import ArgumentParser
import Foundation
import RailyardClient
import RailyardCore

/// `railyard backup`: a database service's backups.
struct BackupCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "backup", abstract: "Back up a database service, list its backups, restore or delete one.",
        subcommands: [BackupCreate.self, BackupList.self, BackupRestore.self, BackupDelete.self, BackupScheduleCommand.self],
        defaultSubcommand: BackupList.self)

    /// Polls a backup until `settled` says it is done.
    static func wait(_ id: BackupID, _ session: inout Session, until settled: (Backup) -> Bool) async throws -> Backup {
        while true {
            let backup = try await session.call { try await $0.backup(id) }
            if settled(backup) { return backup }
            try await Task.sleep(for: .milliseconds(300))
        }
    }

    static func row(_ backup: Backup) -> [String] {
        [
            backup.id.rawValue, Output.time(backup.createdAt), backup.serviceName, backup.trigger, backup.status.rawValue,
            backup.sizeBytes.map(VolumeRules.describe) ?? "-",
            backup.restoreStatus.map { "\($0.rawValue) \(Output.time(backup.restoredAt))" } ?? "-",
        ]
    }

    /// The backup with this id (or the start of it) among the service's.
    static func find(_ given: String, _ session: inout Session, _ target: ServiceTargetOptions) async throws -> (Backup, ResolvedService) {
        let resolved = try await session.resolve(target)
        let backups = try await session.call { try await $0.backups(of: resolved.service.id, in: resolved.environment.id) }
        let matches = backups.filter { $0.id.rawValue.hasPrefix(given.lowercased()) }
        guard let match = matches.first, !given.isEmpty else {
            throw CLIError("no backup '\(given)' of \(resolved.service.name) in \(resolved.environment.name); see `railyard backup list`")
        }
        if matches.count > 1 { throw CLIError("several backups start with '\(given)': give more of the id") }
        return (match, resolved)
    }
}

struct BackupCreate: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "create", abstract: "Back up the database now (pg_dump custom format, Redis RDB, mysqldump).")

    @OptionGroup var client: ClientOptions
    @OptionGroup var target: ServiceTargetOptions
    @Flag(help: "Return once it started, without waiting for it to finish.") var detach = false

    func run() async throws {
        var session = try Session(client)
        let resolved = try await session.resolve(target)
        var backup = try await session.call { try await $0.createBackup(of: resolved.service.id, in: resolved.environment.id) }
        if !detach { backup = try await BackupCommand.wait(backup.id, &session) { $0.status != .running } }
        if client.json { return try Output.json(backup) }
        switch backup.status {
        case .running: Output.line("Backup \(backup.id) of \(resolved.service.name) started")
        case .completed:
            Output.line("Backup \(backup.id) of \(resolved.service.name): \(VolumeRules.describe(backup.sizeBytes ?? 0)), sha256 \(backup.sha256 ?? "-")")
        case .failed: throw CLIError("backup \(backup.id) failed: \(backup.reason ?? "no reason given")")
        }
    }
}

struct BackupList: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "list", abstract: "The database service's backups, newest first.")

    @OptionGroup var client: ClientOptions
    @OptionGroup var target: ServiceTargetOptions

    func run() async throws {
        var session = try Session(client)
        let resolved = try await session.resolve(target)
        let backups = try await session.call { try await $0.backups(of: resolved.service.id, in: resolved.environment.id) }
        if client.json { return try Output.json(backups) }
        if backups.isEmpty { return Output.line("\(resolved.service.name) has no backups in \(resolved.environment.name)") }
        Output.table(["ID", "TAKEN", "SERVICE", "TRIGGER", "STATUS", "SIZE", "LAST RESTORE"], backups.map(BackupCommand.row))
    }
}

struct BackupRestore: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "restore", abstract: "Restore a backup into the live database (or, with --into, another one; with --into-new, a new one).",
        discussion: """
            PostgreSQL: pg_restore --clean in one transaction (a failed restore changes nothing); what the backup holds
            replaces what the database has of it, and tables made since are kept. MySQL: the dump is replayed. Redis:
            the server stops, its data is replaced by the snapshot, and it starts again.
            """)

    @OptionGroup var client: ClientOptions
    @OptionGroup var target: ServiceTargetOptions
    @Argument(help: "The backup's id (or its start).") var backup: String
    @Option(help: "Another database service of the same engine to restore into.") var into: String?
    @Option(name: .customLong("into-new"), help: "Add a database service of this name (the backup's engine) and restore into it.") var intoNew: String?
    @Flag(name: [.customShort("y"), .long], help: "Confirm that the database's data is replaced (required).") var yes = false
    @Flag(help: "Return once it started, without waiting for it to finish.") var detach = false

    func validate() throws {
        if into != nil && intoNew != nil { throw ValidationError("give --into (an existing database) or --into-new (a new one), not both") }
        if let intoNew, let problem = NameRules.serviceNameProblem(intoNew) { throw ValidationError(problem) }
        // A new database has no data to lose.
        if !yes && intoNew == nil { throw ValidationError("a restore replaces the database's data with the backup's: add --yes to confirm") }
    }

    func run() async throws {
        var session = try Session(client)
        let (found, resolved) = try await BackupCommand.find(backup, &session, target)
        var destination: Service?
        if let into { destination = try await session.service(into, in: resolved.project) }
        var restoring: Backup
        if let intoNew {
            restoring = try await session.call { try await $0.restoreBackup(found.id, intoNewService: intoNew) }
        } else {
            restoring = try await session.call { try await $0.restoreBackup(found.id, into: destination?.id) }
        }
        if !detach { restoring = try await BackupCommand.wait(found.id, &session) { $0.restoreStatus != .running } }
        if client.json { return try Output.json(restoring) }
        let name = intoNew ?? destination?.name ?? resolved.service.name
        switch restoring.restoreStatus {
        case .completed: Output.line("Restored backup \(found.id) into \(name)")
        case .failed: throw CLIError("restoring backup \(found.id) failed: \(restoring.restoreReason ?? "no reason given")")
        default: Output.line("Restoring backup \(found.id) into \(name)")
        }
    }
}

struct BackupDelete: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "delete", abstract: "Delete a backup and its file.")

    @OptionGroup var client: ClientOptions
    @OptionGroup var target: ServiceTargetOptions
    @Argument(help: "The backup's id (or its start).") var backup: String
    @Flag(name: [.customShort("y"), .long], help: "Confirm the deletion (required).") var yes = false

    func validate() throws {
        if !yes { throw ValidationError("deleting a backup cannot be undone: add --yes to confirm") }
    }

    func run() async throws {
        var session = try Session(client)
        let (found, _) = try await BackupCommand.find(backup, &session, target)
        try await session.call { try await $0.deleteBackup(found.id) }
        if client.json { return try Output.json(["deleted": found.id.rawValue]) }
        Output.line("Deleted backup \(found.id)")
    }
}
