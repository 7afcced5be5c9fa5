import Foundation
import Logging
import RailyardCore
import RailyardStore
import Synchronization

/// Scheduled backups: one loop (`runBackupSchedules`, beside the reconciler in `run()`) that
/// sleeps until the soonest schedule is due or a schedule changes, takes the due backups with
/// trigger `scheduled`, and prunes each service's scheduled backups to its `keep` afterwards.
/// Only the lease holder runs it; times are UTC (`CronSchedule`).
extension DeploymentController {
    /// The longest the scheduler sleeps without looking again: its sleep is measured on the
    /// monotonic clock, and the schedule is on the wall clock, which may be set meanwhile.
    static let scheduleRecheck: Duration = .seconds(600)
    /// How long a due backup waits for its database to serve before it is skipped.
    static let scheduleServingGrace: Duration = .seconds(120)

    /// Tells the scheduler that a schedule was set or removed (it sleeps until the soonest one).
    public nonisolated func backupSchedulesChanged() { scheduleChanges.signal() }

    func runBackupSchedules() async {
        var recomputed = false
        while !Task.isCancelled {
            // Another server took the store over, or this one is handing over: not ours to run.
            guard await lease.isHeld, !handingOver else {
                await scheduleChanges.wait(upTo: .seconds(5))
                continue
            }
            let soonest: Date?
            do {
                soonest = try await takeDueBackups(recomputing: !recomputed)
                recomputed = true
            } catch {
                logger.warning("cannot read backup schedules", metadata: ["error": "\(error)"])
                await scheduleChanges.wait(upTo: .seconds(10))
                continue
            }
            let delay = soonest.map { Duration.milliseconds(Int64(max(0, $0.timeIntervalSinceNow) * 1000) + 20) } ?? Self.scheduleRecheck
            await scheduleChanges.wait(upTo: min(delay, Self.scheduleRecheck))
        }
    }

    /// Takes every backup that is due and moves its schedule on; returns when the soonest
    /// schedule is next due. A schedule missed while the server was stopped is taken once
    /// (`nextAt` becomes the next time after now, not after the missed one: no burst), and
    /// at the first pass after a start every other schedule's time is recomputed.
    func takeDueBackups(recomputing: Bool) async throws -> Date? {
        let now = Date()
        var soonest: Date?
        for schedule in try await store.backupSchedules() {
            // Every stored expression was parsed when it was set; one that no longer parses
            // (a stricter parser) is skipped, and said so.
            let cron: CronSchedule
            do {
                cron = try CronSchedule(parsing: schedule.cron)
            } catch {
                logger.warning("a backup schedule cannot be read", metadata: [
                    "railyard.service": "\(schedule.serviceID)", "error": "\(error)",
                ])
                continue
            }
            guard let next = cron.next(after: now) else { continue }
            if schedule.nextAt <= now {
                // A database that is not serving yet (a server that just started brings it
                // back; a redeploy is switching over) is waited for a while before the
                // backup is skipped: looked at again in a few seconds, the schedule unmoved.
                let key = "\(schedule.serviceID)/\(schedule.environmentID)"
                if (try? servingDatabase(schedule.serviceID, in: schedule.environmentID)) == nil {
                    let since = scheduleWaits[key] ?? .now
                    scheduleWaits[key] = since
                    if ContinuousClock.now - since < Self.scheduleServingGrace {
                        let retry = now.addingTimeInterval(5)
                        soonest = min(soonest ?? retry, retry)
                        continue
                    }
                }
                scheduleWaits[key] = nil
                // Moved on first: a failing store never makes a backup fire twice.
                try await store.advanceBackupSchedule(
                    service: schedule.serviceID, environment: schedule.environmentID, cron: schedule.cron, nextAt: next)
                await takeScheduledBackup(schedule, next: next)
            } else if recomputing, next != schedule.nextAt {
                try await store.advanceBackupSchedule(
                    service: schedule.serviceID, environment: schedule.environmentID, cron: schedule.cron, nextAt: next)
            }
            soonest = min(soonest ?? next, next)
        }
        return soonest
    }

    /// Starts the schedule's backup when its database is serving here; otherwise writes in
    /// the service's log why it was skipped.
    func takeScheduledBackup(_ schedule: BackupSchedule, next: Date) async {
        guard let service = try? await store.service(id: schedule.serviceID) else { return }
        let running = (try? await store.scheduledBackups(of: service.id, in: schedule.environmentID))?
            .filter { $0.status == .running && backupTasks.keys.contains($0.id) } ?? []
        do {
            if let previous = running.first {
                throw RailyardError.conflict("the previous scheduled backup (\(previous.id)) is still being taken")
            }
            _ = try await startBackup(
                of: service, in: schedule.environmentID, trigger: Backup.scheduledTrigger, audit: .system, keep: schedule.keep)
        } catch {
            let reason = (error as? RailyardError)?.message ?? "\(error)"
            let line = "scheduled backup (\(schedule.cron)) skipped: \(reason); next at \(JSONCoding.formatTimestamp(next))"
            if let latest = try? await store.deployments(of: service.id, in: schedule.environmentID, page: PageRequest(limit: 1)).items.first {
                logs.system(latest.id, phase: "deploy", line, level: "warn")
            }
            logger.notice("scheduled backup skipped", metadata: [
                "railyard.service": "\(service.id)", "railyard.environment": "\(schedule.environmentID)", "reason": "\(reason)",
            ])
        }
    }

    /// Deletes the service's oldest scheduled backups beyond `keep` completed ones (and
    /// failed ones beyond `keep` failed ones), with their files. Manual and final backups are
    /// never among them; one being restored is left alone.
    func pruneScheduledBackups(of service: ServiceID, in environment: EnvironmentID, keep: Int, log deployment: DeploymentID) async {
        do {
            let scheduled = try await store.scheduledBackups(of: service, in: environment)
            let completed = scheduled.filter { $0.status == .completed }
            let failed = scheduled.filter { $0.status == .failed }
            for backup in completed.dropFirst(keep) + failed.dropFirst(keep) where !backupTasks.keys.contains(backup.id) {
                try await deleteBackup(backup, audit: .system)
                logs.system(deployment, phase: "deploy", "backup \(backup.id) (scheduled, \(JSONCoding.formatTimestamp(backup.createdAt))) deleted: the schedule keeps \(keep)")
            }
        } catch {
            logger.warning("cannot prune scheduled backups", metadata: ["railyard.service": "\(service)", "error": "\(error)"])
        }
    }
}

/// A wake-up that a sleeping loop waits for, up to a time limit. A signal sent while the loop
/// is busy is kept (one), so a change is never missed between two waits.
final class WakeSignal: Sendable {
    private enum State {
        case idle
        case pending
        case waiting(CheckedContinuation<Void, Never>)
    }

    private let state = Mutex<State>(.idle)

    init() {}

    func signal() {
        let waiter: CheckedContinuation<Void, Never>? = state.withLock { state in
            if case .waiting(let continuation) = state {
                state = .idle
                return continuation
            }
            state = .pending
            return nil
        }
        waiter?.resume()
    }

    /// Returns at a signal (or one sent since the last wait), once `limit` has passed, or
    /// when the task is cancelled.
    func wait(upTo limit: Duration) async {
        await withTaskGroup(of: Void.self) { group in
            group.addTask {
                // Cancelled (a signal came first), the sleep throws and nothing is signalled.
                if (try? await Task.sleep(for: limit)) != nil { self.signal() }
            }
            await withTaskCancellationHandler {
                await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
                    let now: Bool = state.withLock { state in
                        if case .pending = state {
                            state = .idle
                            return true
                        }
                        state = .waiting(continuation)
                        return false
                    }
                    if now { continuation.resume() }
                }
            } onCancel: {
                self.signal()
            }
            group.cancelAll()
        }
    }
}
