import Foundation
import Logging
import RailyardBuild
import RailyardCore
import RailyardSandbox
import RailyardStore

extension DeploymentController {
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
