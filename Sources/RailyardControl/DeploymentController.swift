import Foundation
import Logging
import NIOCore
import RailyardBuild
import RailyardCore
import RailyardEdge
import RailyardRuntime
import RailyardSandbox
import RailyardStore


/// The deployment pipeline and its reconciler. The store holds what should run; this actor
/// makes the machine match it: builds queued deployments (the newest per service and
/// environment; older ones are skipped), starts their instances, health-checks them, switches
/// over from the previous deployment, restarts instances by their restart policy, and after a
/// restart of the server brings every SUCCESS deployment back.
public actor DeploymentController {
    let store: Store
    let runtime: any Runtime
    public nonisolated let logs: LogHub
    let options: ControlOptions
    let logger: Logger
    let runner: SandboxRunner
    let buildSlots: AsyncSlots
    /// This server's node and its hold on the store: only the holder builds, deploys and
    /// recovers, and it touches only its own node's processes and deployments.
    let lease: NodeLease
    nonisolated var node: String { lease.me.node }

    var pipelines: [DeploymentID: Task<Void, Never>] = [:]
    /// Set once the server stops: cancelled pipelines record that, not a newer deployment.
    var stopping = false
    /// Part of every instance id: ids stay unique beside a server this one replaces (whose
    /// instances of the same deployments run at the same time, in the same node's groups).
    let generation = String(UInt32.random(in: 0...UInt32.max), radix: 36)
    /// Set once this server began handing over to its replacement: no new work starts here.
    var handingOver = false
    /// Set once it did: no status or instance is written to the store from here on.
    var handedOver = false
    /// Set once `recover()` has started what this server runs.
    var recovered = false
    /// False while a replaced server still runs beside this one (no leftovers cleared, no build).
    var replacementFinished: Bool
    /// Deployments a rolling restart is replacing the replicas of.
    var restarting: Set<DeploymentID> = []
    /// Deployments a command is about to start work on (between its status write and its task).
    var claimed: Set<DeploymentID> = []
    /// BUILDING or DEPLOYING deployments seen with no work running here at the last reconcile.
    var unattended: Set<DeploymentID> = []
    var live: [DeploymentID: LiveDeployment] = [:]
    var sandboxProblem: String??
    var wake: AsyncStream<Void>.Continuation?
    /// Where the routes go; nil when no edge runs.
    var edge: EdgeRoutes?
    /// Every domain, as the store last said.
    var domains: [Domain] = []
    /// Where TCP proxies listen; nil when no edge runs.
    var tcpProxyServer: TCPProxyServer?
    /// Every TCP proxy, as the store last said.
    var tcpProxies: [TCPProxy] = []
    /// Why proxy ports could not be listened on at the last try, by port.
    var lastTCPProxyProblems: [Int: String] = [:]
    var requestBodyLimits: [ServiceID: Int64] = [:]
    /// Installed certificates by domain, with the PEM they were parsed from.
    var tlsIdentities: [DomainID: (chainPEM: String, identity: TLSIdentity)] = [:]
    /// Orders the names published to the private networks (`publishNames`).
    var namesVersion: UInt64 = 0
    /// The latest publication of names (`publishNames`), which `namesPublished` awaits.
    var namesTask: Task<Void, Never>?
    /// Volumes: their images and mounts.
    public nonisolated let volumes: VolumeStorage
    /// Volume services' deployments a replacing server starts once the old server is gone.
    var deferredWriters: [DeploymentWork] = []
    /// `SERVICE/ENVIRONMENT` of every service with a volume: their routes hold requests
    /// while no replica is live (`publishRoutes`).
    var volumeKeys: Set<String> = []
    /// Backups being taken and restores under way, by backup.
    var backupTasks: [BackupID: Task<Void, Never>] = [:]
    /// `SERVICE/ENVIRONMENT` of the databases being backed up or restored (one at a time each).
    var backupsRunning: Set<String> = []
    /// Wakes the backup scheduler when a schedule is set or removed.
    nonisolated let scheduleChanges = WakeSignal()
    /// Due schedules whose database was not serving, since when (`SERVICE/ENVIRONMENT`).
    var scheduleWaits: [String: ContinuousClock.Instant] = [:]

    public init(
        store: Store, runtime: any Runtime, options: ControlOptions, logger: Logger, lease: NodeLease,
        runner: SandboxRunner = SandboxRunner()
    ) throws {
        self.store = store
        self.lease = lease
        self.runtime = runtime
        self.options = options
        self.logger = logger
        self.runner = runner
        self.buildSlots = AsyncSlots(options.concurrentBuilds)
        self.replacementFinished = !options.replacing
        // Builds and apps (an unprivileged user) reach their own folder in artifacts/ and builds/
        // by name; sources and logs are the server's alone.
        for (folder, mode) in [
            (options.sources, 0o700), (options.artifacts, 0o711), (options.builds, 0o711), (options.views, 0o700),
            (options.layers, 0o700), (options.caches, 0o700), (options.backups, 0o700),
        ] {
            try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true, attributes: [.posixPermissions: mode])
            try FileManager.default.setAttributes([.posixPermissions: mode], ofItemAtPath: folder.path)
        }
        logs = try LogHub(folder: options.logs)
        volumes = VolumeStorage(folder: options.volumes)
    }

    // MARK: Running

    /// Recovers from the previous run, then reconciles whenever asked (and every few seconds)
    /// until cancelled, when it stops every instance.
    public func run() async {
        // The server migrates the store as it starts, beside this: nothing is read before that.
        await store.waitUntilMigrated()
        // Nothing is touched before this server holds the store's lease (the server takes it
        // before serving; a refused server stops here, a standby waits here).
        while await !lease.isHeld, !Task.isCancelled {
            try? await Task.sleep(for: .milliseconds(50))
        }
        if Task.isCancelled { return }
        let (stream, continuation) = AsyncStream<Void>.makeStream(bufferingPolicy: .bufferingNewest(1))
        wake = continuation
        // Renewed from now on, however long recovery (or a replacement) takes.
        let keeper = Task { [lease] in await lease.keep() }
        let monitor = Task { await self.monitorHealth() }
        // The domains first, so that recovered deployments are routed as they come back.
        await routingChanged()
        await mountVolumes()
        await recover()
        // Routes of volume services that did not come back stop holding requests.
        publishRoutes()
        // Beside a server being replaced, nothing is built until it is gone and its leftovers
        // are cleared (`finishReplacement`), which would kill a build started here meanwhile.
        while !replacementFinished, !Task.isCancelled {
            try? await Task.sleep(for: .milliseconds(50))
        }
        await startDeferredWriters()
        // After recovery: a schedule's catch-up finds its database serving again.
        let scheduler = Task { await self.runBackupSchedules() }
        logs.removeExpired()
        let ticker = Task { [logs, options] in
            var swept = ContinuousClock.now
            while !Task.isCancelled {
                try? await Task.sleep(for: .seconds(2))
                continuation.yield()
                // A server that runs for weeks deletes expired logs as it goes, not only at start.
                if ContinuousClock.now - swept >= options.logSweepInterval {
                    swept = .now
                    _ = try? await BlockingWork.run { logs.removeExpired() }
                }
            }
        }
        await withTaskCancellationHandler {
            for await _ in stream {
                if Task.isCancelled { break }
                await reconcile()
            }
        } onCancel: {
            continuation.finish()
        }
        monitor.cancel()
        ticker.cancel()
        scheduler.cancel()
        await scheduler.value
        keeper.cancel()
        await shutdown()
        // Handed over, the replacement has the volumes mounted (and its replicas on them).
        if !handedOver { await unmountVolumes() }
        await options.privateNetwork?.shutdown()
        await lease.release()
    }

    /// Asks for a reconcile now (after a new deployment or a change of desired state).
    public func nudge() { wake?.yield() }

    func shutdown() async {
        stopping = true
        for task in pipelines.values { task.cancel() }
        // Backups and restores are cut short and say so (a restore of PostgreSQL is one
        // transaction: cut short, it changed nothing).
        for task in backupTasks.values { task.cancel() }
        // Each records why it stopped before the store closes (bounded: a store that is gone
        // is not waited for; the next start fails what is left BUILDING or DEPLOYING).
        let deadline = ContinuousClock.now + .seconds(10)
        while !(pipelines.isEmpty && backupTasks.isEmpty) && ContinuousClock.now < deadline {
            // This task is cancelled already: a pause that cancellation does not cut short.
            await Self.pause(.milliseconds(50))
        }
        // Handed over: the edge's clients reconnect to the replacement as their answers end
        // (each closes its connection); the replicas serve until they have.
        if handedOver { await lingerWhileClientsRemain(upTo: .seconds(10)) }
        let instances = live.values.flatMap { Array($0.instances.values) + Array($0.successors.values) }
        for instance in instances { instance.stopping = true }
        publishRoutes()
        // Whatever the edge sent them is answered before they are signalled.
        // (Up to 5 s at a plain stop; handed over, as long as a redeploy would wait: the server
        // replacing this one serves on, and no request should fail for the upgrade.)
        await edgeDrained(instances, within: handedOver ? Self.requestDrainLimit : .seconds(5))
        // A database gets longer: its shutdown writes a checkpoint (a kill would cost a
        // recovery at the next start, never data).
        let databases = Set(live.values.filter { $0.plan.database != nil }.flatMap {
            Array($0.instances.values) + Array($0.successors.values)
        }.map(\.instanceID))
        await withTaskGroup(of: Void.self) { group in
            for instance in instances {
                let (runtime, id) = (self.runtime, instance.instanceID)
                let grace: Duration = databases.contains(id) ? .seconds(30) : .seconds(5)
                group.addTask { await runtime.stop(id, grace: grace) }
            }
        }
        for instance in instances { try? await store.forgetInstanceProcess(instance: instance.instanceID) }
        live = [:]
    }

    /// After a start: instances left by a crashed server are stopped (never duplicated),
    /// deployments caught mid-build are failed with a reason, SUCCESS deployments start again.
    func recover() async {
        defer { recovered = true }
        // Beside a server being replaced, its replicas serve until this one's are healthy:
        // what it leaves is cleared once it has stopped (`finishReplacement`).
        // (A replaced server's backups run on until it stops: it marks them itself.)
        if !options.replacing {
            await clearLeftovers()
            await recoverBackups()
        }
        do {
            for work in try await store.deploymentWork(withStatus: [.building, .deploying]) {
                let phase = work.deployment.status == .building ? "build" : "deploy"
                await transition(work.deployment.id, to: .failed,
                                 reason: "the server stopped during the \(phase); deploy again")
            }
            for work in try await store.deploymentWork(withStatus: [.success]) {
                if let owner = work.node, owner != node {
                    // Its artifact and any process of it are that node's: started here it
                    // would run twice, or from files this server does not have.
                    logs.system(work.deployment.id, phase: "deploy",
                                "this server (\(node)) took over the store from \(owner), which runs this deployment: it is not started here; deploy again to run it on this server", level: "warn")
                    logger.warning("a deployment of another node is left to it", metadata: [
                        "railyard.deployment": "\(work.deployment.id)", "railyard.owner": "\(owner)",
                    ])
                    continue
                }
                if options.replacing, volumeKeys.contains("\(work.deployment.serviceID)/\(work.deployment.environmentID)") {
                    // One writer: the replaced server's replica has the volume until it stops.
                    logs.system(work.deployment.id, phase: "deploy",
                                "the server is being replaced (an upgrade): the service has a volume, so its replica starts here once the old server's has stopped")
                    deferredWriters.append(work)
                    continue
                }
                logs.system(work.deployment.id, phase: "deploy", options.replacing
                    ? "the server is being replaced (an upgrade): starting new replicas beside the old server's"
                    : "the server restarted: starting the replicas again")
                do {
                    // Supervised like any serving deployment: exits restart, the probe watches
                    // it, and the next deploy retires it.
                    let deployment = try await prepareLive(work)
                    live[deployment.id] = deployment
                    deployment.deployedAt = .now
                    for replica in 0..<deployment.plan.numReplicas { await startInstance(deployment, replica: replica) }
                    await recordInstances(deployment)
                } catch {
                    await transition(work.deployment.id, to: .crashed, reason: "cannot start again after a restart: \(error)")
                }
            }
        } catch {
            logger.error("recovery failed", metadata: ["error": "\(error)"])
        }
    }

    // MARK: Reconciling queued deployments

    func reconcile() async {
        await verifyTargetPorts()
        guard !handingOver else { return }
        // A lease lost (another server took the store over) stops new work here.
        guard await lease.isHeld else { return }
        let queued: [DeploymentWork]
        let building: [DeploymentWork]
        let deploying: [DeploymentWork]
        do {
            queued = try await store.deploymentWork(withStatus: [.queued])
            building = try await store.deploymentWork(withStatus: [.building])
            deploying = try await store.deploymentWork(withStatus: [.deploying])
        } catch {
            logger.error("cannot read deployments", metadata: ["error": "\(error)"])
            return
        }
        await failUnattended(building + deploying)
        var newest: [String: DeploymentWork] = [:]
        for work in queued {
            newest["\(work.deployment.serviceID)/\(work.deployment.environmentID)"] = work
        }
        for work in queued + building {
            let key = "\(work.deployment.serviceID)/\(work.deployment.environmentID)"
            guard let winner = newest[key], winner.deployment.id != work.deployment.id,
                  winner.deployment.id.rawValue > work.deployment.id.rawValue
            else { continue }
            if let pipeline = pipelines[work.deployment.id] {
                pipeline.cancel()
            } else {
                await transition(work.deployment.id, to: .skipped, reason: "superseded by \(winner.deployment.id)")
            }
        }
        for work in newest.values where pipelines[work.deployment.id] == nil {
            let id = work.deployment.id
            pipelines[id] = Task { [weak self] in
                await self?.runPipeline(work)
                await self?.pipelineEnded(id)
            }
        }
    }

    func pipelineEnded(_ id: DeploymentID) { pipelines[id] = nil }

    /// Level-triggered: a deployment the store calls BUILDING or DEPLOYING with no work running
    /// for it here (its status write was lost, its task ended without recording an end) is
    /// failed with a reason once seen so at two reconciles in a row, so nothing waits for ever.
    func failUnattended(_ works: [DeploymentWork]) async {
        var seen: Set<DeploymentID> = []
        for work in works {
            let id = work.deployment.id
            guard pipelines[id] == nil, live[id] == nil, !claimed.contains(id) else { continue }
            seen.insert(id)
            guard unattended.contains(id) else { continue }
            let phase = work.deployment.status == .building ? "build" : "deploy"
            let reason = "the \(phase) stopped without recording its result; deploy again"
            logs.system(id, phase: phase, reason, level: "error")
            await transition(id, to: .failed, reason: reason)
        }
        unattended = seen
    }

    func runPipeline(_ work: DeploymentWork) async {
        let id = work.deployment.id
        var phase = "build"
        do {
            var work = work
            if work.deployment.source == .rollback {
                work = try await rollbackSource(work)
            } else if work.deployment.source == .database {
                guard await transition(id, to: .building, reason: nil) else { return }
                work = try await databaseSource(work)
            } else {
                guard await transition(id, to: .building, reason: nil) else { return }
                work = try await build(work)
            }
            try Task.checkCancellation()
            phase = "deploy"
            try await deploy(work)
        } catch is CancellationError where stopping || handingOver {
            let reason = handingOver
                ? "the server was replaced (an upgrade) during the \(phase); deploy again"
                : "the server stopped during the \(phase); deploy again"
            logs.system(id, phase: phase, reason)
            await transition(id, to: .failed, reason: reason)
        } catch is CancellationError {
            logs.system(id, phase: "build", "superseded by a newer deployment")
            await transition(id, to: .skipped, reason: "superseded by a newer deployment")
        } catch let failure as PipelineFailure {
            logs.system(id, phase: failure.phase, "deployment failed: \(failure.reason)")
            await transition(id, to: .failed, reason: failure.reason)
        } catch {
            logs.system(id, phase: "deploy", "deployment failed: \(error)")
            await transition(id, to: .failed, reason: "\(error)")
        }
    }

    // MARK: Helpers

    @discardableResult
    /// Records a status change. A refusal (the state machine says no, or the deployment is
    /// gone) returns false at once; a store that cannot take the write (an outage, a full disk)
    /// is tried again, with backoff, until it does: a deployment is never left BUILDING because
    /// one write failed. While the server stops, a few tries only (the next start fails what
    /// is left unfinished).
    func transition(_ id: DeploymentID, to status: DeploymentStatus, reason: String?) async -> Bool {
        // The replacement owns every status from the handover on.
        if handedOver { return false }
        var delay = Duration.milliseconds(250)
        var attempt = 0
        while true {
            attempt += 1
            do {
                let updated = try await store.transitionDeployment(id, to: status, reason: reason, audit: .system)
                if attempt > 1 { logs.system(id, phase: "deploy", "the store answers again: status \(status.rawValue) recorded") }
                logs.status(id, updated.status, reason: reason)
                return true
            } catch let refusal as RailyardError {
                logger.warning("deployment status not changed", metadata: [
                    "railyard.deployment": "\(id)", "railyard.status": "\(status.rawValue)", "error": "\(refusal)",
                ])
                return false
            } catch {
                if attempt == 1 {
                    logs.system(id, phase: "deploy", "cannot record status \(status.rawValue) (the store did not take it); retrying", level: "warn")
                }
                if attempt == 1 || attempt % 30 == 0 {
                    logger.warning("deployment status not written; retrying", metadata: [
                        "railyard.deployment": "\(id)", "railyard.status": "\(status.rawValue)", "error": "\(error)",
                        "railyard.attempt": "\(attempt)",
                    ])
                }
                if stopping && attempt >= 3 { return false }
                await Self.pause(delay)
                delay = min(delay * 2, .seconds(5))
            }
        }
    }

    /// Waits `duration` even in a cancelled task (a cancelled pipeline still records its end).
    static func pause(_ duration: Duration) async {
        let nanoseconds = duration.components.seconds * 1_000_000_000 + duration.components.attoseconds / 1_000_000_000
        await withCheckedContinuation { continuation in
            DispatchQueue.global().asyncAfter(deadline: .now() + .nanoseconds(Int(nanoseconds))) { continuation.resume() }
        }
    }
}
