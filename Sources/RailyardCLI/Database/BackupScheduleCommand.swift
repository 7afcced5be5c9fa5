import ArgumentParser
import Foundation
import RailyardClient
import RailyardCore

/// `railyard backup schedule`: shows, sets or turns off a database service's scheduled backups.
struct BackupScheduleCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "schedule", abstract: "Show, set or turn off the database's scheduled backups.",
        discussion: """
            --cron takes five fields in UTC: minute hour day-of-month month day-of-week ('0 3 * * *' is 03:00 UTC
            every day), with *, lists (1,15), ranges (mon-fri), steps (*/6) and names (jan, sun), or @hourly,
            @daily, @weekly, @monthly. After each scheduled backup, the oldest scheduled ones beyond --keep are
            deleted; manual and final backups never are. Without --cron or --off, shows the schedule.
            """)

    @OptionGroup var client: ClientOptions
    @OptionGroup var target: ServiceTargetOptions
    @Option(help: "When to back up: five cron fields in UTC, or @daily and the like.") var cron: String?
    @Option(help: "How many scheduled backups to keep, 1 to 1000 (default 7).") var keep: Int?
    @Flag(help: "Turn scheduled backups off (the backups taken stay).") var off = false

    func validate() throws {
        if off && (cron != nil || keep != nil) { throw ValidationError("--off turns the schedule off: give it without --cron or --keep") }
        if keep != nil && cron == nil { throw ValidationError("--keep goes with --cron (the schedule is set whole)") }
        if let keep, let problem = BackupSchedule.keepProblem(keep) { throw ValidationError(problem) }
    }

    func run() async throws {
        var session = try Session(client)
        let resolved = try await session.resolve(target)
        let (service, environment) = (resolved.service, resolved.environment)
        if off {
            try await session.call { try await $0.deleteBackupSchedule(of: service.id, in: environment.id) }
            if client.json { return try Output.json(["off": service.id.rawValue]) }
            return Output.line("Scheduled backups of \(service.name) in \(environment.name) are off (its backups stay)")
        }
        let schedule: BackupSchedule?
        if let cron {
            let keep = keep ?? 7
            schedule = try await session.call { try await $0.setBackupSchedule(of: service.id, in: environment.id, cron: cron, keep: keep) }
        } else {
            schedule = try await session.call { try await $0.backupSchedule(of: service.id, in: environment.id) }
        }
        if client.json { return try Output.json(schedule) }
        guard let schedule else {
            return Output.line("\(service.name) has no backup schedule in \(environment.name); set one with --cron '0 3 * * *' --keep 7")
        }
        Output.line("\(service.name) in \(environment.name): backed up at '\(schedule.cron)' (UTC), keeping \(schedule.keep) scheduled backups; next at \(Output.time(schedule.nextAt))")
    }
}
