import Foundation
import Logging
import RailyardBuild
import RailyardCore
import RailyardSandbox
import RailyardStore

extension DeploymentController {
    // MARK: Restores

    /// Restores a completed backup into a database service of the same engine in the
    /// backup's environment (its own, or another: a final backup of a deleted one). Runs on
    /// after this returns; the backup's record says how the restore ended.
    public func startRestore(_ backup: Backup, into service: Service, audit: AuditContext) async throws -> Backup {
        try refuseWhileHandingOver()
        let file = try await restorableFile(of: backup)
        guard service.database == backup.engine else {
            throw RailyardError.invalid("\(service.name) is not a \(backup.engine.displayName) service; a backup is restored into one of its engine", field: "serviceId")
        }
        let (deployment, instance) = try servingDatabase(service.id, in: backup.environmentID)
        let key = "\(service.id)/\(backup.environmentID)"
        guard !backupsRunning.contains(key) else {
            throw RailyardError.conflict("a backup or restore of \(service.name) is under way in this environment; try again once it ends")
        }
        backupsRunning.insert(key)
        do {
            try await store.auditRestore(backup.id, project: backup.projectID, into: service.id, audit: audit)
            try await store.recordRestore(backup.id, status: .running)
        } catch {
            backupsRunning.remove(key)
            throw error
        }
        logs.system(deployment.id, phase: "deploy", "restoring backup \(backup.id) (of \(backup.serviceName), \(backup.createdAt))")
        let (deploymentID, host) = (deployment.id, instance.host)
        backupTasks[backup.id] = Task { [weak self] in
            await self?.restore(backup, file: file, into: deploymentID, at: host)
            await self?.backupEnded(backup.id, key: key)
        }
        var restoring = backup
        restoring.restoreStatus = .running
        restoring.restoreReason = nil
        return restoring
    }

    /// The backup's file, when the backup can be restored here now: it completed, its file is
    /// in this server's data folder, and nothing else is being done with it. Throws, in
    /// words, why not (before anything is made for a restore into a new service).
    public func restorableFile(of backup: Backup) async throws -> String {
        guard backup.status == .completed, let file = try await store.backupFile(id: backup.id) else {
            throw RailyardError.conflict("backup \(backup.id) did not complete, so there is nothing to restore")
        }
        guard !backupTasks.keys.contains(backup.id) else {
            throw RailyardError.conflict("backup \(backup.id) is being taken or restored already")
        }
        guard FileManager.default.fileExists(atPath: options.backups.appendingPathComponent(file).path) else {
            throw RailyardError.conflict("backup \(backup.id)'s file is not in this server's data folder (it was taken by another server)")
        }
        return file
    }

    /// Restores a backup into a database service just added for it (`backup restore
    /// --into-new`): the restore is RUNNING from now, waits until `deployment` serves, then
    /// runs; if the deployment fails or does not serve within `newDatabaseWait`, the
    /// backup's record says so.
    public func startRestore(_ backup: Backup, intoNew service: Service, deployment: DeploymentID, audit: AuditContext) async throws -> Backup {
        try refuseWhileHandingOver()
        let file = try await restorableFile(of: backup)
        try await store.auditRestore(backup.id, project: backup.projectID, into: service.id, audit: audit)
        try await store.recordRestore(backup.id, status: .running)
        logs.system(deployment, phase: "deploy", "backup \(backup.id) (of \(backup.serviceName), \(backup.createdAt)) is restored here once the database serves")
        // No backup of the new database starts before its restore ended.
        let key = "\(service.id)/\(backup.environmentID)"
        backupsRunning.insert(key)
        backupTasks[backup.id] = Task { [weak self] in
            await self?.restoreOnceServing(backup, file: file, into: service.id, deployment: deployment)
            await self?.backupEnded(backup.id, key: key)
        }
        var restoring = backup
        restoring.restoreStatus = .running
        restoring.restoreReason = nil
        return restoring
    }

    func restoreOnceServing(_ backup: Backup, file: String, into service: ServiceID, deployment: DeploymentID) async {
        let deadline = ContinuousClock.now + Self.newDatabaseWait
        while true {
            if Task.isCancelled {
                try? await store.recordRestore(backup.id, status: .failed, reason: "the server stopped before the new database served; restore again")
                return
            }
            if let serving = try? servingDatabase(service, in: backup.environmentID) {
                await restore(backup, file: file, into: serving.0.id, at: serving.1.host)
                return
            }
            // The deployment's own status says when waiting longer is pointless.
            if let current = try? await store.deployment(id: deployment), current.status.isTerminal || current.status == .crashed {
                let why = current.statusReason.map { ": \($0)" } ?? ""
                try? await store.recordRestore(backup.id, status: .failed, reason: "the new database's deployment ended \(current.status.rawValue)\(why)")
                return
            }
            if ContinuousClock.now >= deadline {
                try? await store.recordRestore(backup.id, status: .failed, reason: "the new database did not serve within 10 minutes; restore again once it does")
                return
            }
            try? await Task.sleep(for: .milliseconds(250))
        }
    }

    /// How long a restore into a new service waits for the database to serve (its first
    /// start initialises it: seconds, unless the machine is very busy).
    static let newDatabaseWait: Duration = .seconds(600)

    func restore(_ backup: Backup, file: String, into deploymentID: DeploymentID, at host: String) async {
        guard let deployment = live[deploymentID] else {
            try? await store.recordRestore(backup.id, status: .failed, reason: "the database stopped before the restore began")
            return
        }
        let path = options.backups.appendingPathComponent(file).path
        do {
            guard let expected = backup.sha256 else { throw RailyardError.conflict("the backup has no checksum") }
            let actual = try await BlockingWork.run { try FileDigest.sha256(of: path) }
            guard actual.hex == expected else {
                throw RailyardError.conflict("the backup file is damaged: its SHA-256 is \(actual.hex.prefix(16))…, not \(expected.prefix(16))…")
            }
            // pg_restore of the target's own version: a newer one writes settings an older
            // server does not know.
            let version = backup.engine == .postgres ? try? await store.service(id: deployment.serviceID)?.databaseVersion : nil
            let server = try DatabaseServer.locate(backup.engine, version: version)
            if backup.engine == .redis {
                try await restoreRedis(from: path, into: deployment)
            } else {
                var environment = deployment.environment
                environment["RAILYARD_DATABASE_HOST"] = host
                let outcome = try await runDatabaseTool(
                    "restore-\(backup.id.rawValue)", deployment: deployment, environment: environment,
                    command: server.restoreCommand(input: "/srv/backup/in"), binds: ["/srv/backup/in": path], writable: [:],
                    logPrefix: "restore \(backup.id)")
                guard outcome.status == 0, !outcome.timedOut else {
                    throw RailyardError.unavailable("the restore program \(outcome.timedOut ? "timed out" : outcome.exit.description)")
                }
            }
            try await store.recordRestore(backup.id, status: .completed)
            logs.system(deployment.id, phase: "deploy", "backup \(backup.id) restored")
        } catch {
            logs.system(deployment.id, phase: "deploy", "restoring backup \(backup.id) failed: \(error)", level: "error")
            try? await store.recordRestore(backup.id, status: .failed, reason: "\(error)")
        }
    }

    /// Redis reads its data only as it starts: the replica stops (its last writes saved), the
    /// snapshot replaces its data on the volume, and it starts again from it.
    func restoreRedis(from path: String, into deployment: LiveDeployment) async throws {
        guard let volume = deployment.volume else { throw RailyardError.conflict("the Redis service has no volume") }
        let replicas = Array(deployment.instances.keys)
        for instance in deployment.instances.values { instance.stopping = true }
        publishRoutes()
        await withTaskGroup(of: Void.self) { group in
            for instance in deployment.instances.values {
                let (runtime, id) = (self.runtime, instance.instanceID)
                group.addTask { await runtime.stop(id, grace: .seconds(30)) }
            }
        }
        let user = deployment.user
        let data = volume.hostPath
        let failure: Error?
        do {
            try await BlockingWork.run { try DatabaseServer.replaceRedisData(in: data, with: path, owner: user) }
            failure = nil
        } catch {
            failure = error
        }
        for replica in replicas { await startInstance(deployment, replica: replica) }
        await recordInstances(deployment)
        if let failure { throw failure }
        let check = HealthCheck(path: nil, database: .redis)
        let deadline = ContinuousClock.now + .seconds(Int64(deployment.plan.healthcheckTimeout))
        while ContinuousClock.now < deadline {
            if let instance = deployment.instances.values.first, await check.probe(host: instance.host, port: instance.port) { return }
            try await Task.sleep(for: .milliseconds(200))
        }
        throw RailyardError.unavailable("Redis did not come back within \(deployment.plan.healthcheckTimeout) s after the restore")
    }
}
