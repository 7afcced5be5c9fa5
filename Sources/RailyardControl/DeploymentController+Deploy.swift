import Foundation
import Logging
import NIOCore
import RailyardBuild
import RailyardCore
import RailyardEdge
import RailyardRuntime
import RailyardSandbox
import RailyardStore

extension DeploymentController {
    // MARK: Deploy

    func deploy(_ work: DeploymentWork) async throws {
        let id = work.deployment.id
        guard await transition(id, to: .deploying, reason: nil) else { return }
        try await store.assignDeployment(id, toNode: node)
        let deployment = try await prepareLive(work)
        let plan = deployment.plan
        guard startCommand(plan) != nil else {
            throw PipelineFailure(phase: "deploy", "there is no start command: set deploy.startCommand, or add a Procfile `web:` line")
        }
        if let problem = await sandboxUnavailable() {
            deployment.warnings.append("running without a sandbox: \(problem)")
            logs.system(id, phase: "deploy", "warning: running without a sandbox: \(problem)", level: "warn")
        }
        if let problem = privateNetworkProblem {
            let warning = "no private network: the app shares the host's network (other services cannot reach it by name, and it is not kept off the host's ports): \(problem)"
            deployment.warnings.append(warning)
            logs.system(id, phase: "deploy", "warning: \(warning)", level: "warn")
        }
        if options.writableAppFolderBytes > 0, let problem = runner.viewProblem {
            deployment.warnings.append("the app folder is read-only: \(problem)")
            logs.system(id, phase: "deploy", "warning: the app folder is read-only: \(problem)", level: "warn")
        }
        for command in plan.preDeploy {
            logs.system(id, phase: "deploy", "pre-deploy: $ \(command)")
            var spec = SandboxSpec(
                workDirectory: deployment.artifactPath, writableWork: false, hiddenPaths: [options.dataDirectory.path],
                environment: deployment.environment, user: deployment.user, hostname: "release")
            // As a replica: the toolchain, and a writable view of its own whose writes go with it.
            spec.readOnlyBinds = plan.toolchainBinds
            spec.writableView = writableView(of: deployment)
            let group = "release-\(id.rawValue)-\(String(UInt64.random(in: 0...UInt64.max), radix: 36))"
            let (procs, warning) = await runner.prepareGroup(group, limits: deployment.limits)
            if let warning { logs.system(id, phase: "deploy", "warning: \(warning)", level: "warn") }
            spec.cgroupProcs = procs
            let logs = self.logs
            let outcome: StreamingProcess.Outcome
            do {
                // On the environment's network, as a replica: a migration reaches its database.
                outcome = try await onPrivateNetwork(
                    "release-\(id.rawValue)", environment: deployment.environmentID, phase: "deploy",
                    outbound: Self.outboundAllowed(deployment.environment)
                ) { [runner, spec] network in
                    var spec = spec
                    spec.network = network
                    return try await runner.stream(
                        spec, command: ["/bin/sh", "-c", command], timeLimit: .seconds(Int64(plan.healthcheckTimeout))
                    ) { channel, line in
                        logs.append(id, phase: "deploy", replica: nil, stream: channel.rawValue, line)
                    }
                }
            } catch {
                await runner.removeGroup(group)
                throw error
            }
            await runner.removeGroup(group)
            guard outcome.status == 0, !outcome.timedOut else {
                throw PipelineFailure(phase: "deploy", "the pre-deploy command `\(command)` \(outcome.timedOut ? "timed out" : outcome.exit.description)")
            }
        }
        // One writer: a service with a volume stops what this deployment replaces first; if
        // this one fails, that one starts again.
        let stoppedWriters = deployment.volume != nil ? await stopPreviousWriters(before: deployment) : []
        live[id] = deployment
        for replica in 0..<plan.numReplicas { await startInstance(deployment, replica: replica) }
        await recordInstances(deployment)
        if deployment.instances.count < plan.numReplicas {
            await stopAll(deployment, grace: .seconds(2))
            live[id] = nil
            await resumeWriters(stoppedWriters, after: id)
            throw PipelineFailure(phase: "deploy", "not every replica could be started")
        }
        let deadline = ContinuousClock.now + .seconds(Int64(plan.healthcheckTimeout))
        let check = HealthCheck(path: plan.healthcheckPath, database: plan.database)
        logs.system(id, phase: "deploy", "waiting for \(plan.numReplicas) replica(s) to pass the health check (\(plan.healthCheckDescription), up to \(plan.healthcheckTimeout) s)")
        var failure: String?
        waiting: while true {
            if Task.isCancelled { failure = "cancelled"; break }
            var allHealthy = true
            for instance in deployment.instances.values.sorted(by: { $0.replica < $1.replica }) where instance.state != "healthy" {
                if let exit = instance.exit {
                    failure = "replica \(instance.replica) \(exit.description) before it passed its health check"
                    if exit.process == .exited(0) {
                        failure! += ": the start command ended. It must keep running and listen on $PORT; when it has several"
                            + " parts (`migrate && gunicorn …`), the server must be the last"
                    }
                    break waiting
                }
                if await check.probe(host: instance.host, port: instance.port) {
                    instance.state = "healthy"
                    logs.system(id, phase: "deploy", replica: instance.replica, "replica \(instance.replica) is healthy on \(instance.address)")
                } else {
                    allHealthy = false
                }
            }
            if allHealthy { break }
            if ContinuousClock.now > deadline {
                failure = "the health check did not pass within \(plan.healthcheckTimeout) s"
                for instance in deployment.instances.values where instance.state != "healthy" && instance.host != InstanceState.hostLoopback {
                    if await runtime.listensOnlyOnLoopback(instance.instanceID, port: instance.port) {
                        failure! += ": the app listens on 127.0.0.1:\(instance.port), which nothing outside it can reach; listen on 0.0.0.0 (or ::) and $PORT"
                        break
                    }
                }
                break
            }
            // Often at first, when most apps become ready: a redeploy waits no longer than it must.
            let waited = ContinuousClock.now - (deadline - .seconds(Int64(plan.healthcheckTimeout)))
            try? await Task.sleep(for: .milliseconds(waited < .seconds(5) ? 25 : 200))
        }
        if let failure {
            await stopAll(deployment, grace: .seconds(2))
            live[id] = nil
            await recordInstances(deployment)
            await resumeWriters(stoppedWriters, after: id)
            throw PipelineFailure(phase: "deploy", failure)
        }
        deployment.deployedAt = .now
        await recordInstances(deployment)
        logs.system(id, phase: "deploy", "deployment is live: " + deployment.addresses.joined(separator: ", "))
        guard await transition(id, to: .success, reason: nil) else {
            await stopAll(deployment, grace: .seconds(2))
            live[id] = nil
            await resumeWriters(stoppedWriters, after: id)
            return
        }
        await retirePrevious(before: deployment)
        await pruneArtifacts(of: deployment.serviceID)
        await pruneSources(of: deployment.serviceID)
    }

    /// Stops the deployments this one replaces: after the overlap, SIGTERM, then SIGKILL after
    /// the draining period.
    func retirePrevious(before current: LiveDeployment) async {
        let previous = live.values.filter {
            $0.id != current.id && $0.serviceID == current.serviceID && $0.environmentID == current.environmentID
        }
        guard !previous.isEmpty else { return }
        // A volume service's previous deployment stopped before this one started.
        let overlap = current.volume == nil ? current.plan.overlapSeconds : 0
        if overlap > 0 { try? await Task.sleep(for: .seconds(overlap)) }
        for old in previous {
            logs.system(old.id, phase: "deploy", "replaced by \(current.id): stopping (draining \(current.plan.drainingSeconds) s)")
            await stopAll(old, grace: .seconds(max(current.plan.drainingSeconds, 1)))
            live[old.id] = nil
            await recordInstances(old)
            await transition(old.id, to: .removed, reason: "replaced by \(current.id)")
        }
    }

    // MARK: Commands

    /// `railyard down`: stops the service's running deployment in the environment.
    public func remove(service: ServiceID, environment: EnvironmentID) async throws -> Deployment? {
        try refuseWhileHandingOver()
        guard let deployment = live.values.first(where: { $0.serviceID == service && $0.environmentID == environment })
        else { return nil }
        logs.system(deployment.id, phase: "deploy", "stopping: removed on request")
        await stopAll(deployment, grace: .seconds(max(deployment.plan.drainingSeconds, 1)))
        live[deployment.id] = nil
        await recordInstances(deployment)
        await transition(deployment.id, to: .removed, reason: "removed on request")
        return try await store.deployment(id: deployment.id)
    }

    /// `railyard restart`: replaces every replica of the running deployment one by one, each
    /// only once its successor passes the health check, and returns when done (no request is
    /// dropped); a crashed deployment is started again.
    public func restart(service: ServiceID, environment: EnvironmentID) async throws -> Deployment? {
        try refuseWhileHandingOver()
        let serving = live.values.filter { $0.serviceID == service && $0.environmentID == environment }
            .max { ($0.deployedAt != nil ? 1 : 0, $0.id.rawValue) < ($1.deployedAt != nil ? 1 : 0, $1.id.rawValue) }
        if let deployment = serving {
            try await rollingRestart(deployment)
            return try await store.deployment(id: deployment.id)
        }
        let crashed = try await store.deploymentWork(withStatus: [.crashed]).last {
            $0.deployment.serviceID == service && $0.deployment.environmentID == environment
        }
        guard let crashed else { return nil }
        if let owner = crashed.node, owner != node {
            throw RailyardError.conflict("deployment \(crashed.deployment.id) ran on another server (\(owner)), whose data folder holds its artifact: deploy again to run it on this one")
        }
        claimed.insert(crashed.deployment.id)
        defer { claimed.remove(crashed.deployment.id) }
        guard await transition(crashed.deployment.id, to: .deploying, reason: "restart requested") else { return nil }
        let pipelineID = crashed.deployment.id
        pipelines[pipelineID] = Task { [weak self] in
            guard let self else { return }
            do {
                try await self.deployAgain(crashed)
            } catch {
                self.logs.system(pipelineID, phase: "deploy", "restart failed: \(error)")
                await self.transition(pipelineID, to: .failed, reason: "restart failed: \(error)")
            }
            await self.pipelineEnded(pipelineID)
        }
        return try await store.deployment(id: pipelineID)
    }

    func deployAgain(_ work: DeploymentWork) async throws {
        try await store.assignDeployment(work.deployment.id, toNode: node)
        let deployment = try await prepareLive(work)
        live[deployment.id] = deployment
        // Supervised and routed as it comes up, like a recovered deployment.
        deployment.deployedAt = .now
        for replica in 0..<deployment.plan.numReplicas { await startInstance(deployment, replica: replica) }
        await recordInstances(deployment)
        await transition(deployment.id, to: .success, reason: "restarted")
    }
}
