import Foundation
import Logging
import RailyardBuild
import RailyardCore
import RailyardSandbox
import RailyardStore

extension DeploymentController {
    // MARK: Database deployments

    /// A database deployment's build: the engine's start script and plan, written by the
    /// server (nothing of a tenant's is built). It fails, naming the package, when the host
    /// lacks the engine.
    func databaseSource(_ work: DeploymentWork) async throws -> DeploymentWork {
        let deployment = work.deployment
        let context = try await context(of: deployment)
        guard let engine = context.service.database else {
            throw PipelineFailure(phase: "build", "the service runs no database, so there is nothing to start")
        }
        if options.privateNetwork == nil {
            throw PipelineFailure(
                phase: "build",
                "a database is reached on its environment's private network, and this server runs without one: \(privateNetworkProblem ?? "started with --private-network off")")
        }
        let server: DatabaseServer
        do {
            server = try DatabaseServer.locate(engine)
        } catch {
            throw PipelineFailure(phase: "build", "\(error)")
        }
        let artifactName = "\(deployment.serviceID.rawValue)/\(deployment.id.rawValue)"
        let artifact = options.artifacts.appendingPathComponent(artifactName)
        await removeTree(artifact)
        let user = context.user
        do {
            try await BlockingWork.run { try server.writeArtifact(to: artifact, uid: user.uid, gid: user.gid) }
        } catch {
            throw PipelineFailure(phase: "build", "cannot write the database's start script: \(error)")
        }
        let plan = server.plan()
        for line in plan.summary { logs.system(deployment.id, phase: "build", line) }
        let planJSON = String(decoding: try JSONCoding.makeEncoder().encode(plan), as: UTF8.self)
        try await store.recordBuild(of: deployment.id, provider: plan.provider, planJSON: planJSON, artifact: artifactName)
        logs.system(deployment.id, phase: "build", "nothing to build: \(engine.displayName) runs from the host's \(engine.package) package")
        var built = work
        built.artifact = artifactName
        built.planJSON = planJSON
        built.deployment.provider = plan.provider
        return built
    }

    /// Why this server cannot run `engine` now (no private network, the package missing), in
    /// words for the person adding one; nil when it can.
    public nonisolated func databaseProblem(_ engine: DatabaseEngine) -> String? {
        if options.privateNetwork == nil {
            return "databases run on their environment's private network, and this server runs without one (\(options.privateNetworkUnavailable ?? "--private-network off")); see `railyard server --help`"
        }
        do {
            _ = try DatabaseServer.locate(engine)
            return nil
        } catch {
            return "\(error)"
        }
    }

    /// The running deployment of a database service in an environment and where its server
    /// is reached; throws a conflict, in words, when it is not serving.
    func servingDatabase(_ service: ServiceID, in environment: EnvironmentID) throws -> (LiveDeployment, InstanceState) {
        let serving = live.values.filter { $0.serviceID == service && $0.environmentID == environment && $0.deployedAt != nil }
            .max { $0.id < $1.id }
        guard let serving, serving.plan.database != nil,
              let instance = serving.instances.values.first(where: { $0.state == "healthy" })
        else {
            throw RailyardError.conflict("the database is not running in this environment: deploy it first (`railyard redeploy`), or wait until it is healthy")
        }
        return (serving, instance)
    }

    // MARK: Backups

    /// Starts a backup of the database service in the environment; it runs on after this
    /// returns (RUNNING), and its record says how it ended. With `keep` (a scheduled backup),
    /// the service's scheduled backups beyond that many are deleted once it has ended.
    public func startBackup(
        of service: Service, in environment: EnvironmentID, trigger: String, audit: AuditContext, keep: Int? = nil
    ) async throws -> Backup {
        try refuseWhileHandingOver()
        guard let engine = service.database else { throw RailyardError.invalid("\(service.name) is not a database service", field: "service") }
        let (deployment, instance) = try servingDatabase(service.id, in: environment)
        // One at a time per database: a second would only compete with the first for its disk.
        let key = "\(service.id)/\(environment)"
        guard !backupsRunning.contains(key) else {
            throw RailyardError.conflict("a backup or restore of \(service.name) is under way in this environment; try again once it ends")
        }
        backupsRunning.insert(key)
        let backup: Backup
        do {
            backup = try await store.createBackup(service: service, environment: environment, engine: engine, trigger: trigger, node: node, audit: audit)
        } catch {
            backupsRunning.remove(key)
            throw error
        }
        logs.system(deployment.id, phase: "deploy", "backup \(backup.id) started (\(trigger))")
        let (deploymentID, host) = (deployment.id, instance.host)
        backupTasks[backup.id] = Task { [weak self] in
            await self?.takeBackup(backup, of: deploymentID, at: host)
            if let keep {
                await self?.pruneScheduledBackups(of: service.id, in: environment, keep: keep, log: deploymentID)
            }
            await self?.backupEnded(backup.id, key: key)
        }
        return backup
    }

    func backupEnded(_ id: BackupID, key: String) {
        backupTasks[id] = nil
        backupsRunning.remove(key)
    }

    /// Runs the engine's dump program in a sandbox of the service's own user, on the
    /// environment's network, niced and in a cgroup of its own (a large database's backup
    /// does not stall the server or its neighbours), into a folder only it and the server
    /// see; then keeps the file with its SHA-256.
    func takeBackup(_ backup: Backup, of deploymentID: DeploymentID, at host: String) async {
        guard let deployment = live[deploymentID] else {
            try? await store.finishBackup(backup.id, status: .failed, reason: "the database stopped before its backup began")
            return
        }
        let work = options.backups.appendingPathComponent("work/\(backup.id.rawValue)")
        let file = "\(backup.id.rawValue).\(backup.engine.backupExtension)"
        let destination = options.backups.appendingPathComponent(file)
        do {
            let server = try DatabaseServer.locate(backup.engine)
            let user = deployment.user
            try await BlockingWork.run {
                try FileManager.default.createDirectory(at: work, withIntermediateDirectories: true)
                chmod(work.path, 0o700)
                guard chown(work.path, user.uid, user.gid) == 0 else { throw RailyardError.unavailable("cannot give the backup folder to the service's user") }
            }
            var environment = deployment.environment
            environment["RAILYARD_DATABASE_HOST"] = host
            let outcome = try await runDatabaseTool(
                "backup-\(backup.id.rawValue)", deployment: deployment, environment: environment,
                command: server.backupCommand(output: "/srv/backup/out"), binds: [:], writable: ["/srv/backup": work.path],
                logPrefix: "backup \(backup.id)")
            guard outcome.status == 0, !outcome.timedOut else {
                throw RailyardError.unavailable("the dump program \(outcome.timedOut ? "timed out" : outcome.exit.description)")
            }
            let output = work.appendingPathComponent("out")
            let engine = backup.engine
            let (size, digest) = try await BlockingWork.run { () throws -> (Int64, String) in
                // redis-cli says it succeeded after some failures: the file must be a snapshot.
                try DatabaseServer.checkBackupFile(output.path, engine: engine)
                let digest = try FileDigest.sha256(of: output.path)
                // The server's from now on: readable through a bind for a restore, while the
                // folder (0700, root's) keeps everyone else out.
                guard chown(output.path, 0, 0) == 0, chmod(output.path, 0o644) == 0,
                      rename(output.path, destination.path) == 0
                else { throw RailyardError.unavailable("cannot keep the backup file: \(String(cString: strerror(errno)))") }
                return (digest.size, digest.hex)
            }
            try await store.finishBackup(backup.id, status: .completed, file: file, sizeBytes: size, sha256: digest)
            logs.system(deployment.id, phase: "deploy", "backup \(backup.id) completed: \(VolumeRules.describe(size)), sha256 \(digest.prefix(16))…")
        } catch {
            try? FileManager.default.removeItem(at: destination)
            logs.system(deployment.id, phase: "deploy", "backup \(backup.id) failed: \(error)", level: "error")
            try? await store.finishBackup(backup.id, status: .failed, reason: "\(error)")
        }
        await removeTree(work)
    }

    /// Runs one of the engine's programs for a backup or a restore: in a sandbox of the
    /// service's user with its variables (and where its server is), on the environment's
    /// private network, niced, in a cgroup of its own with the service's limits; its output
    /// goes to the service's log.
    func runDatabaseTool(
        _ name: String, deployment: LiveDeployment, environment: [String: String], command: String,
        binds: [String: String], writable: [String: String], logPrefix: String
    ) async throws -> StreamingProcess.Outcome {
        var spec = SandboxSpec(
            workDirectory: deployment.artifactPath, writableWork: false, hiddenPaths: [options.dataDirectory.path],
            environment: environment, user: deployment.user, hostname: "backup")
        spec.readOnlyBinds = DatabaseServer.identityBinds(artifact: deployment.artifactPath).merging(binds) { $1 }
        spec.writableBinds = writable
        let (procs, warning) = await runner.prepareGroup(name, limits: deployment.limits)
        let id = deployment.id
        let logs = self.logs
        if let warning { logs.system(id, phase: "deploy", "\(logPrefix): warning: \(warning)", level: "warn") }
        spec.cgroupProcs = procs
        defer { Task { [runner] in await runner.removeGroup(name) } }
        return try await onPrivateNetwork(name, environment: deployment.environmentID, phase: "deploy") { [runner, spec] network in
            var spec = spec
            spec.network = network
            return try await runner.stream(spec, command: ["/bin/sh", "-c", "exec nice -n 10 ionice -c 2 -n 7 /bin/sh -c \"$0\"", command], timeLimit: .seconds(6 * 3600)) { channel, line in
                logs.append(id, phase: "deploy", replica: nil, stream: channel.rawValue, "\(logPrefix): \(line)")
            }
        }
    }

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
            let server = try DatabaseServer.locate(backup.engine)
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

    /// Deletes a backup and its file.
    public func deleteBackup(_ backup: Backup, audit: AuditContext) async throws {
        guard !backupTasks.keys.contains(backup.id) else {
            throw RailyardError.conflict("backup \(backup.id) is being taken or restored; delete it once that ends")
        }
        let file = try await store.backupFile(id: backup.id)
        try await store.deleteBackup(backup.id, audit: audit)
        if let file { try? FileManager.default.removeItem(at: options.backups.appendingPathComponent(file)) }
    }

    /// At start: backups and restores this node was running when it stopped are failed (their
    /// work folders go), and files no backup names are removed.
    func recoverBackups() async {
        do {
            for backup in try await store.unfinishedBackups(node: node) {
                if backup.status == .running {
                    try await store.finishBackup(backup.id, status: .failed, reason: "the server stopped during the backup; take another")
                }
                if backup.restoreStatus == .running {
                    try await store.recordRestore(backup.id, status: .failed, reason: "the server stopped during the restore; restore again")
                }
            }
            let kept = try await store.allBackupFiles()
            let names = (try? FileManager.default.contentsOfDirectory(atPath: options.backups.path)) ?? []
            for name in names where name != "work" && !kept.contains(name) {
                try? FileManager.default.removeItem(at: options.backups.appendingPathComponent(name))
            }
            await removeTree(options.backups.appendingPathComponent("work"))
        } catch {
            logger.warning("cannot recover backups", metadata: ["error": "\(error)"])
        }
    }
}
