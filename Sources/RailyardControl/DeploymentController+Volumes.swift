import Foundation
import Logging
import RailyardBuild
import RailyardCore
import RailyardSandbox
import RailyardStore

extension DeploymentController {
    // MARK: Volumes (commands)

    /// Makes the service's volume in the environment (its image, formatted and mounted). The
    /// running deployment gets it at the next deploy.
    public func addVolume(
        service: ServiceID, environment: EnvironmentID, mountPath: String, sizeBytes: Int64, audit: AuditContext
    ) async throws -> Volume {
        if let problem = volumes.problem { throw RailyardError.conflict(problem) }
        let data = options.dataDirectory.standardizedFileURL.path
        if mountPath == data || mountPath.hasPrefix(data + "/") || data.hasPrefix(mountPath + "/") {
            throw RailyardError.invalid("\(mountPath) is the server's data folder (hidden in every sandbox); mount the volume elsewhere", field: "mountPath")
        }
        if let running = live.values.first(where: { $0.serviceID == service && $0.environmentID == environment }),
           running.plan.numReplicas > 1 {
            throw RailyardError.conflict(
                "the service runs \(running.plan.numReplicas) replicas; a service with a volume runs one (one writer): set numReplicas to 1 and deploy first")
        }
        let volume = try await store.createVolume(
            service: service, environment: environment, mountPath: mountPath, sizeBytes: sizeBytes, audit: audit)
        do {
            let uid = try await store.serviceUser(service: service, environment: environment)
            try await volumes.create(volume, owner: SandboxUser(uid: uid, gid: uid))
        } catch {
            // Nothing was written to it: the row goes, and the next try starts afresh.
            try? await store.deleteVolume(volume.id, audit: audit)
            await volumes.destroy(volume.id)
            throw error
        }
        await refreshVolumeKeys()
        return withUsage(volume)
    }

    /// Grows the volume, online. A volume only grows: a smaller size is refused, saying how
    /// much it holds.
    public func resizeVolume(_ volume: Volume, to sizeBytes: Int64, audit: AuditContext) async throws -> Volume {
        if sizeBytes == volume.sizeBytes { return withUsage(volume) }
        if sizeBytes < volume.sizeBytes {
            let used = volumes.usage(volume.id).map { ", \(VolumeRules.describe($0.usedBytes)) of it in use" } ?? ""
            throw RailyardError.conflict(
                "a volume only grows: \(volume.name) is \(VolumeRules.describe(volume.sizeBytes))\(used); to make it smaller, copy its data to a new volume")
        }
        if let problem = volumes.problem { throw RailyardError.conflict(problem) }
        let uid = try await store.serviceUser(service: volume.serviceID, environment: volume.environmentID)
        let owner = SandboxUser(uid: uid, gid: uid)
        do {
            try await volumes.grow(volume, to: sizeBytes, owner: owner)
        } catch let refused as VolumeStorage.OnlineGrowRefused {
            try await growWithReplicaStopped(volume, to: sizeBytes, owner: owner, because: refused)
        }
        return withUsage(try await store.resizeVolume(volume.id, sizeBytes: sizeBytes, audit: audit))
    }

    /// Where the kernel will not grow a mounted filesystem: the replica using the volume stops
    /// (out of the routes first; the edge holds requests), the filesystem grows unmounted, and
    /// the replica starts again, as in a restart.
    func growWithReplicaStopped(_ volume: Volume, to sizeBytes: Int64, owner: SandboxUser, because refused: VolumeStorage.OnlineGrowRefused) async throws {
        let users = live.values.filter { $0.volume?.id == volume.id }
        let stopped = users.flatMap { deployment in deployment.instances.values.map { (deployment, $0) } }
        for (deployment, instance) in stopped {
            logs.system(deployment.id, phase: "deploy", replica: instance.replica,
                        "growing volume \(volume.name) to \(VolumeRules.describe(sizeBytes)) needs it unmounted here (\(refused.reason)): the replica stops meanwhile; the edge holds requests")
            instance.stopping = true
        }
        publishRoutes()
        await edgeDrained(stopped.map(\.1), within: Self.requestDrainLimit)
        for (deployment, instance) in stopped {
            await runtime.stop(instance.instanceID, grace: .seconds(max(deployment.plan.drainingSeconds, 1)))
            instance.state = "exited"
            try? await store.forgetInstanceProcess(instance: instance.instanceID)
        }
        var failure: (any Error)?
        do {
            try await volumes.growUnmounted(volume, to: sizeBytes, owner: owner)
        } catch {
            failure = error
        }
        for deployment in users where live[deployment.id] === deployment {
            for replica in stopped.filter({ $0.0 === deployment }).map(\.1.replica) {
                await startInstance(deployment, replica: replica)
            }
            await recordInstances(deployment)
        }
        if let failure { throw failure }
    }

    /// Deletes the volume and its data. A replica running with it keeps the (detached)
    /// filesystem until it stops; the next deployment runs without it.
    public func removeVolume(_ volume: Volume, audit: AuditContext) async throws {
        try await store.deleteVolume(volume.id, audit: audit)
        for deployment in live.values where deployment.volume?.id == volume.id { deployment.volume = nil }
        await volumes.destroy(volume.id)
        await refreshVolumeKeys()
        logger.notice("volume removed with its data", metadata: ["railyard.volume": "\(volume.id)"])
    }

    /// The data of volumes whose service, environment or project was just deleted.
    public func destroyVolumes(_ removed: [Volume]) async {
        for volume in removed {
            for deployment in live.values where deployment.volume?.id == volume.id { deployment.volume = nil }
            await volumes.destroy(volume.id)
            logger.notice("volume removed with its service", metadata: ["railyard.volume": "\(volume.id)"])
        }
        await refreshVolumeKeys()
    }

    /// The volume with its use (from the mounted filesystem) filled in.
    public nonisolated func withUsage(_ volume: Volume) -> Volume {
        var volume = volume
        let usage = volumes.usage(volume.id)
        volume.mounted = usage != nil
        volume.usedBytes = usage?.usedBytes
        return volume
    }

    func refreshVolumeKeys() async {
        guard let all = try? await store.allVolumes() else { return }
        let keys = Set(all.map { "\($0.serviceID)/\($0.environmentID)" })
        if keys != volumeKeys {
            volumeKeys = keys
            publishRoutes()
        }
    }

    // MARK: Volumes (server start and stop)

    /// At start: mounts every volume whose image this server holds (a kill -9 left them
    /// mounted: nothing to do), so that usage is known and deployments find them ready.
    func mountVolumes() async {
        await refreshVolumeKeys()
        guard volumes.problem == nil, let all = try? await store.allVolumes() else { return }
        for volume in all where FileManager.default.fileExists(atPath: volumes.image(volume.id)) {
            do {
                let uid = try await store.serviceUser(service: volume.serviceID, environment: volume.environmentID)
                try await volumes.mount(volume, owner: SandboxUser(uid: uid, gid: uid))
            } catch {
                logger.error("cannot mount a volume", metadata: ["railyard.volume": "\(volume.id)", "error": "\(error)"])
            }
        }
    }

    /// At a clean stop, once every replica stopped: unmounts the volumes nothing uses.
    func unmountVolumes() async {
        let busy = await volumes.unmountIdle()
        if !busy.isEmpty {
            logger.warning("volumes still in use stay mounted", metadata: ["railyard.volumes": "\(busy.joined(separator: ", "))"])
        }
    }

    // MARK: Volumes (deployments)

    /// The service's volume in the deployment's environment, mounted and ready to bind; nil
    /// when it has none. Fails the deployment when the volume cannot be had (it never runs
    /// without its data) or it asks for more than one replica.
    func volumeBind(for deployment: Deployment, plan: BuildPlan, context: Context) async throws -> Volume? {
        guard let volume = try await store.volume(service: deployment.serviceID, environment: deployment.environmentID)
        else { return nil }
        if plan.numReplicas > 1 {
            throw PipelineFailure(
                phase: "deploy",
                "a service with a volume runs one replica (one writer), and this deployment asks for \(plan.numReplicas): set numReplicas to 1, or remove the volume")
        }
        do {
            try volumes.prepareMountPoint(volume.mountPath)
            try await volumes.mount(volume, owner: context.user)
        } catch {
            throw PipelineFailure(phase: "deploy", "cannot mount volume \(volume.name) at \(volume.mountPath): \(error)")
        }
        return volume
    }

    /// One writer: before a volume service's new deployment starts its replica, the
    /// deployments it replaces stop (their requests answered first; the edge holds new ones
    /// until the new replica is live). Returns them, to start again should this one fail.
    func stopPreviousWriters(before current: LiveDeployment) async -> [LiveDeployment] {
        let previous = live.values.filter {
            $0.id != current.id && $0.serviceID == current.serviceID && $0.environmentID == current.environmentID
        }
        for old in previous {
            logs.system(old.id, phase: "deploy",
                        "\(current.id) takes over the volume: stopping this deployment's replica first (one writer; the edge holds requests until the new one is live)")
            logs.system(current.id, phase: "deploy",
                        "the service has a volume: stopping \(old.id) before this deployment's replica starts (one writer)")
            await stopAll(old, grace: .seconds(max(old.plan.drainingSeconds, 1)))
            await recordInstances(old)
        }
        return previous
    }

    /// The new deployment failed: the ones it stopped start again, where they were.
    func resumeWriters(_ stopped: [LiveDeployment], after failed: DeploymentID) async {
        for old in stopped where live[old.id] === old {
            logs.system(old.id, phase: "deploy", "\(failed) failed: starting this deployment's replica again")
            for replica in 0..<old.plan.numReplicas { await startInstance(old, replica: replica) }
            await recordInstances(old)
        }
    }

    /// A restart of a volume service: its replica stops before the new one starts (one
    /// writer; the edge holds requests meanwhile), and the restart returns once the new one
    /// passes its health check.
    func restartSingleWriter(_ deployment: LiveDeployment) async throws {
        let id = deployment.id
        let plan = deployment.plan
        let grace = Duration.seconds(max(plan.drainingSeconds, 1))
        logs.system(id, phase: "deploy", "restarting on request: the service has a volume (one writer), so its replica stops before the new one starts; the edge holds requests meanwhile")
        for replica in deployment.instances.keys.sorted() {
            guard live[id] === deployment, let old = deployment.instances[replica] else { return }
            old.stopping = true
            publishRoutes()
            await edgeDrained([old], within: max(grace, Self.requestDrainLimit))
            await runtime.stop(old.instanceID, grace: grace)
            old.state = "exited"
            try? await store.forgetInstanceProcess(instance: old.instanceID)
            guard await startInstance(deployment, replica: replica) != nil else {
                throw RailyardError.unavailable("replica \(replica) could not be started again: no port or start command")
            }
            await recordInstances(deployment)
            let deadline = ContinuousClock.now + .seconds(Int64(plan.healthcheckTimeout))
            while deployment.instances[replica]?.state != "healthy" {
                guard live[id] === deployment else {
                    throw RailyardError.conflict("the deployment stopped running during the restart")
                }
                if ContinuousClock.now > deadline {
                    // The deployment's own code or settings, not the server: 409 (as in
                    // `rollingRestart`).
                    throw RailyardError.conflict(
                        "the new replica \(replica) did not pass its health check within \(plan.healthcheckTimeout) s; its restart policy applies")
                }
                await Self.pause(.milliseconds(100))
            }
        }
        logs.system(id, phase: "deploy", "every replica was restarted")
    }

    /// After a replacement finished: the volume services' deployments recovery left to the
    /// old server start here.
    func startDeferredWriters() async {
        let works = deferredWriters
        deferredWriters = []
        for work in works {
            logs.system(work.deployment.id, phase: "deploy", "the old server has stopped: starting the replica with the volume here")
            do {
                let deployment = try await prepareLive(work)
                live[deployment.id] = deployment
                deployment.deployedAt = .now
                for replica in 0..<deployment.plan.numReplicas { await startInstance(deployment, replica: replica) }
                await recordInstances(deployment)
            } catch {
                await transition(work.deployment.id, to: .crashed, reason: "cannot start again after the server was replaced: \(error)")
            }
        }
    }
}
