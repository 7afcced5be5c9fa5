import Foundation
import Hummingbird
import RailyardCore
import RailyardStore

/// A database service's backup schedule in an environment:
/// `GET|PUT|DELETE /api/v1/services/{serviceId}/backup-schedule?environmentId=…`. Reading
/// needs a viewer; setting and removing one a member (not an environment's API token: a
/// schedule deletes backups).
extension DatabaseController {
    struct SetBackupScheduleRequest: Decodable {
        /// Five fields in UTC (minute hour day-of-month month day-of-week), or an alias.
        var cron: String
        /// How many scheduled backups stay (1–1000).
        var keep: Int
    }

    @Sendable func getBackupSchedule(_ request: Request, context: APIRequestContext) async throws -> Response {
        let (service, environment, _, _) = try await serviceState.accessInEnvironment(request, context, .read)
        guard let schedule = try await store.backupSchedule(service: service.id, environment: environment.id) else {
            throw RailyardError.notFound("backup schedule")
        }
        return try JSONIO.response(schedule)
    }

    @Sendable func setBackupSchedule(_ request: Request, context: APIRequestContext) async throws -> Response {
        let (service, environment, caller, _) = try await serviceState.accessInEnvironment(request, context, .changeService)
        let body = try await JSONIO.decode(SetBackupScheduleRequest.self, from: request, context: context)
        guard service.database != nil else {
            throw RailyardError.invalid("\(service.name) is not a database service: only databases have backups", field: "serviceId")
        }
        let cron: CronSchedule
        do {
            cron = try CronSchedule(parsing: body.cron)
        } catch {
            throw RailyardError.invalid("\(error)", field: "cron")
        }
        if let problem = BackupSchedule.keepProblem(body.keep) { throw RailyardError.invalid(problem, field: "keep") }
        // A parsed schedule always fires within its search (`CronSchedule`).
        guard let next = cron.next(after: Date()) else {
            throw RailyardError.invalid("the schedule never fires", field: "cron")
        }
        let control = try requireControl()
        let schedule = try await store.setBackupSchedule(
            service: service, environment: environment.id, cron: cron.expression, keep: body.keep, nextAt: next,
            audit: context.audit(caller))
        control.backupSchedulesChanged()
        return try JSONIO.response(schedule)
    }

    @Sendable func deleteBackupSchedule(_ request: Request, context: APIRequestContext) async throws -> Response {
        let (service, environment, caller, _) = try await serviceState.accessInEnvironment(request, context, .changeService)
        try await store.deleteBackupSchedule(service: service, environment: environment.id, audit: context.audit(caller))
        try requireControl().backupSchedulesChanged()
        return JSONIO.noContent()
    }
}
