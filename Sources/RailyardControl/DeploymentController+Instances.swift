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
    // MARK: Instances

    func prepareLive(_ work: DeploymentWork) async throws -> LiveDeployment {
        guard let artifact = work.artifact, let planJSON = work.planJSON else {
            throw PipelineFailure(phase: "deploy", "this deployment has no artifact")
        }
        let plan = try JSONCoding.makeDecoder().decode(BuildPlan.self, from: Data(planJSON.utf8))
        let context = try await context(of: work.deployment)
        var environment = plan.commandEnvironment(variables: context.variables)
        // The same platform variables other services' references see (`PlatformVariables`),
        // the private domain among them (`PrivateNames`), and the deployment's own id.
        let platform = PlatformVariables.fixed(project: context.project, environment: context.environment, service: context.service)
        for (name, value) in platform { environment[name] = value }
        if let proxy = try await store.tcpProxy(service: context.service.id, environment: context.environment.id) {
            for (name, value) in PlatformVariables.tcpProxy(domain: options.tcpProxyDomain, port: proxy.port) { environment[name] = value }
        }
        environment["RAILWAY_DEPLOYMENT_ID"] = work.deployment.id.rawValue
        environment["RAILYARD_DEPLOYMENT_ID"] = work.deployment.id.rawValue
        for (name, value) in try await linkVariables(of: work.deployment, context) where environment[name] == nil {
            environment[name] = value
        }
        // The service's volume, mounted (a deployment that cannot have it fails: it never
        // runs without its data).
        let volume = try await volumeBind(for: work.deployment, plan: plan, context: context)
        if let volume {
            for prefix in ["RAILWAY_", "RAILYARD_"] {
                environment[prefix + "VOLUME_NAME"] = volume.name
                environment[prefix + "VOLUME_MOUNT_PATH"] = volume.mountPath
            }
        }
        if let existing = live[work.deployment.id] { return existing }
        let defaults = options.instanceLimits
        let live = LiveDeployment(
            id: work.deployment.id, serviceID: work.deployment.serviceID, serviceName: context.service.name, environmentID: work.deployment.environmentID,
            plan: plan, artifactPath: options.artifacts.appendingPathComponent(artifact).path, environment: environment,
            limits: ResourceLimits(
                memoryBytes: context.service.memoryLimit ?? defaults.memoryBytes,
                cpuMillis: context.service.cpuLimitMillis ?? defaults.cpuMillis, pids: context.service.processLimit ?? defaults.pids),
            user: context.user)
        if let volume { live.volume = VolumeBind(id: volume.id, hostPath: volumes.mountPoint(volume.id), mountPath: volume.mountPath) }
        for instance in work.deployment.instances {
            if let port = instance.address.split(separator: ":").last.flatMap({ Int($0) }) { live.recordedPorts[instance.replica] = port }
        }
        return live
    }

    /// Starts replica `replica` of `deployment`, in its place; or, as a `successor`, beside the
    /// running one, which it replaces once healthy (a rolling restart), on a port of its own.
    @discardableResult
    func startInstance(_ deployment: LiveDeployment, replica: Int, successor: Bool = false) async -> InstanceState? {
        let previous = deployment.instances[replica]
        let attempt = max(previous?.attempt ?? 0, deployment.successors[replica]?.attempt ?? 0) + 1
        // After a restart of the server a replica gets its old address back when the port is
        // still free. Not when it restarts on its own: if the port was why it failed, a new
        // one lets the next attempt work.
        let wanted = previous == nil && !successor ? deployment.recordedPorts[replica] : nil
        // A database listens on its engine's port on its own private address, where its
        // variables say it is; without a private network it would take the host's port.
        if deployment.plan.database != nil && options.privateNetwork == nil {
            logs.system(deployment.id, phase: "deploy", "cannot start replica \(replica): a database runs on its environment's private network, and this server runs without one", level: "error")
            return nil
        }
        guard let port = deployment.plan.database?.port ?? wanted.flatMap(PortAllocator.claim) ?? PortAllocator.freePort() else {
            logs.system(deployment.id, phase: "deploy", "cannot start replica \(replica): no free port")
            return nil
        }
        guard let command = startCommand(deployment.plan) else {
            logs.system(deployment.id, phase: "deploy", "cannot start replica \(replica): the plan has no start command")
            return nil
        }
        let instanceID = "\(deployment.id.rawValue)-\(replica)-\(attempt)-\(generation)"
        let instance = InstanceState(replica: replica, instanceID: instanceID, port: port, attempt: attempt)
        instance.restarts = previous?.restarts ?? 0
        if successor {
            deployment.successors[replica] = instance
        } else {
            deployment.instances[replica] = instance
        }
        var environment = deployment.environment
        environment["PORT"] = String(port)
        environment["RAILYARD_REPLICA_ID"] = String(replica)
        environment["RAILWAY_REPLICA_ID"] = String(replica)
        var spec = InstanceSpec(
            id: instanceID, artifact: deployment.artifactPath, command: command, environment: environment,
            hiddenPaths: [options.dataDirectory.path])
        spec.limits = deployment.limits
        spec.user = deployment.user
        spec.readOnlyBinds = deployment.plan.toolchainBinds
        spec.writableView = writableView(of: deployment)
        if let volume = deployment.volume { spec.writableBinds[volume.mountPath] = volume.hostPath }
        if let database = deployment.plan.database {
            spec.readOnlyBinds.merge(DatabaseServer.identityBinds(artifact: deployment.artifactPath)) { $1 }
            spec.stopSignal = DatabaseServer.stopSignal(database)
        }
        if deployment.plan.start == nil, let server = options.staticServer?.first {
            spec.readOnlyBinds[Self.staticServerInside] = server
        }
        let logs = self.logs
        let deploymentID = deployment.id
        if let network = options.privateNetwork {
            do {
                let attachment = try await network.attach(
                    instanceID, environment: deployment.environmentID.rawValue, outbound: Self.outboundAllowed(deployment.environment))
                spec.network = attachment
                instance.host = attachment.address
            } catch {
                instance.exit = InstanceExit(process: .exited(127))
                instance.state = "exited"
                logs.system(deploymentID, phase: "deploy", replica: replica, "replica \(replica) could not start: cannot join the environment's private network: \(error)")
                return instance
            }
        }
        do {
            let warnings = try await runtime.start(spec) { channel, line in
                logs.append(deploymentID, phase: "deploy", replica: replica, stream: channel.rawValue, line)
            } onExit: { [weak self] exit in
                Task { await self?.instanceExited(deploymentID, replica: replica, instanceID: instanceID, exit) }
            }
            for warning in warnings where !deployment.warnings.contains(warning) {
                deployment.warnings.append(warning)
                logs.system(deploymentID, phase: "deploy", replica: replica, "warning: \(warning)", level: "warn")
            }
            instance.startedAt = .now
            logs.system(deploymentID, phase: "deploy", replica: replica, "replica \(replica) started on \(instance.address)")
            // Outside a deploy (a restart, or the server starting again) nobody else waits for
            // this replica's first health check.
            if deployment.deployedAt != nil && !successor {
                Task { [weak self] in await self?.awaitFirstHealthCheck(deploymentID, replica: replica, instanceID: instanceID) }
            }
            if let handle = await runtime.handle(of: instanceID), let pid = Int32(handle) {
                try? await store.recordInstanceProcess(instance: instanceID, deployment: deploymentID, pid: pid, node: node)
            }
        } catch {
            await options.privateNetwork?.detach(instanceID)
            instance.exit = InstanceExit(process: .exited(127))
            instance.state = "exited"
            logs.system(deploymentID, phase: "deploy", replica: replica, "replica \(replica) could not start: \(error)")
        }
        return instance
    }

    /// The replica's own writable view of its artifact, when this server can give one.
    func writableView(of deployment: LiveDeployment) -> WritableView? {
        guard options.writableAppFolderBytes > 0, runner.viewProblem == nil else { return nil }
        return WritableView(
            lower: deployment.artifactPath, mountPoint: options.views.path, sizeBytes: options.writableAppFolderBytes,
            owner: runner.dropPrivileges ? deployment.user : nil)
    }

    /// Railway's variables about where the service is reached and which commit runs:
    /// `RAILWAY_PUBLIC_DOMAIN` (and the older `RAILWAY_STATIC_URL`) name its domain in this
    /// environment (the generated one first), `RAILWAY_GIT_*` the commit when the deployment
    /// knows it. Under their `RAILYARD_` names too.
    func linkVariables(of deployment: Deployment, _ context: Context) async throws -> [String: String] {
        var variables: [String: String] = [:]
        func set(_ name: String, _ value: String?) {
            guard let value, !value.isEmpty else { return }
            variables["RAILWAY_" + name] = value
            variables["RAILYARD_" + name] = value
        }
        let domains = try await store.domains(of: deployment.serviceID, in: deployment.environmentID)
        for (name, value) in PlatformVariables.defaults(domains: domains) { variables[name] = value }
        set("GIT_COMMIT_SHA", deployment.commitSHA)
        set("GIT_COMMIT_MESSAGE", deployment.commitMessage)
        if deployment.source == .git, let repository = context.service.repository {
            set("GIT_BRANCH", repository.branch)
            let parts = repository.url.split(separator: "/").suffix(2).map(String.init)
            if parts.count == 2 {
                set("GIT_REPO_OWNER", parts[0].split(separator: ":").last.map(String.init))
                set("GIT_REPO_NAME", parts[1].hasSuffix(".git") ? String(parts[1].dropLast(4)) : parts[1])
            }
        }
        return variables
    }

    /// The plan's start command, or for a static site the built-in file server over its root.
    func startCommand(_ plan: BuildPlan) -> String? {
        if let start = plan.start { return start }
        guard let root = plan.staticRoot, let server = options.staticServer, !server.isEmpty else { return nil }
        let folder = root == "." ? "/srv/app" : "/srv/app/" + root
        return ([Self.staticServerInside] + server.dropFirst() + ["--root", folder]).map(Self.shellQuoted).joined(separator: " ")
    }

    /// Where the static file server's binary appears inside the sandbox.
    static let staticServerInside = "/run/railyard/railyard"

    static func shellQuoted(_ word: String) -> String {
        "'" + word.replacingOccurrences(of: "'", with: "'\\''") + "'"
    }

    func instanceExited(_ id: DeploymentID, replica: Int, instanceID: String, _ exit: InstanceExit) async {
        // Its address goes back to the environment's network; its successor gets a new one.
        await options.privateNetwork?.detach(instanceID)
        try? await store.forgetInstanceProcess(instance: instanceID)
        if let successor = live[id]?.successors[replica], successor.instanceID == instanceID {
            // A rolling restart's new replica: the restart sees the exit and keeps the old one.
            successor.exit = exit
            successor.state = "exited"
            if !successor.stopping {
                logs.system(id, phase: "deploy", replica: replica, "the new replica \(replica) \(exit.description)", level: "warn")
            }
            return
        }
        guard let deployment = live[id], let instance = deployment.instances[replica], instance.instanceID == instanceID,
              !instance.stopping
        else { return }
        instance.exit = exit
        instance.state = "exited"
        logs.system(id, phase: "deploy", replica: replica, "replica \(replica) \(exit.description)", level: "warn")
        // Still in its deploy: the deploy loop sees the exit and fails the deployment.
        guard deployment.deployedAt != nil else { return }
        // Handing over: the replacement runs its own replicas of this deployment.
        guard !handingOver else { return }
        let plan = deployment.plan
        if let started = instance.startedAt, ContinuousClock.now - started > .seconds(60) { instance.restarts = 0 }
        let wantsRestart: Bool = switch plan.restartPolicy {
        case .never: false
        case .onFailure: exit.process != .exited(0)
        case .always: true
        }
        if wantsRestart && instance.restarts < plan.restartPolicyMaxRetries {
            instance.restarts += 1
            let delay = min(1 << min(instance.restarts - 1, 5), 30)
            instance.state = "restarting"
            logs.system(id, phase: "deploy", replica: replica,
                        "restarting replica \(replica) in \(delay) s (restart \(instance.restarts) of at most \(plan.restartPolicyMaxRetries), \(plan.restartPolicy.rawValue))")
            await recordInstances(deployment)
            try? await Task.sleep(for: .seconds(delay))
            guard live[id] === deployment, deployment.instances[replica] === instance, !instance.stopping else { return }
            await startInstance(deployment, replica: replica)
            await recordInstances(deployment)
            return
        }
        await recordInstances(deployment)
        if deployment.instances.values.allSatisfy({ $0.state == "exited" }) {
            let reason = wantsRestart
                ? "replica \(replica) kept crashing: \(plan.restartPolicyMaxRetries) restarts used up"
                : "every replica exited (restart policy \(plan.restartPolicy.rawValue))"
            logs.system(id, phase: "deploy", reason, level: "error")
            live[id] = nil
            await transition(id, to: .crashed, reason: reason)
        }
    }

    func restartInstance(_ deployment: LiveDeployment, _ instance: InstanceState, reason: String) async {
        instance.stopping = true
        // Out of the edge's table before it stops.
        publishRoutes()
        await edgeDrained([instance], within: .seconds(max(deployment.plan.drainingSeconds, 1)))
        logs.system(deployment.id, phase: "deploy", replica: instance.replica, "restarting replica \(instance.replica): \(reason)")
        await runtime.stop(instance.instanceID, grace: .seconds(max(deployment.plan.drainingSeconds, 1)))
        try? await store.forgetInstanceProcess(instance: instance.instanceID)
        instance.restarts += 1
        await startInstance(deployment, replica: instance.replica)
        await recordInstances(deployment)
    }

    func stopAll(_ deployment: LiveDeployment, grace: Duration) async {
        // A rolling restart's new replicas too, if one is under way.
        let all = Array(deployment.instances.values) + Array(deployment.successors.values)
        for instance in all { instance.stopping = true }
        // Out of the edge's table before they drain, and given the draining period to answer
        // what the edge already sent them before they are signalled.
        publishRoutes()
        await edgeDrained(all, within: max(grace, Self.requestDrainLimit))
        await withTaskGroup(of: Void.self) { group in
            for instance in all {
                instance.state = "exited"
                let runtime = self.runtime
                let instanceID = instance.instanceID
                group.addTask { await runtime.stop(instanceID, grace: grace) }
            }
        }
        for instance in all { try? await store.forgetInstanceProcess(instance: instance.instanceID) }
    }

    /// Marks a replica started after its deployment went live healthy once it passes its
    /// health check; one that does not pass within healthcheckTimeout is marked unhealthy, and
    /// the health monitor restarts it.
    func awaitFirstHealthCheck(_ id: DeploymentID, replica: Int, instanceID: String) async {
        guard let deployment = live[id], let instance = deployment.instances[replica], instance.instanceID == instanceID
        else { return }
        let plan = deployment.plan
        let check = HealthCheck(path: plan.healthcheckPath, database: plan.database)
        let deadline = ContinuousClock.now + .seconds(Int64(plan.healthcheckTimeout))
        func current() -> Bool {
            live[id] === deployment && deployment.instances[replica] === instance && !instance.stopping
                && instance.exit == nil && instance.state == "starting"
        }
        while ContinuousClock.now < deadline {
            guard current() else { return }
            if await check.probe(host: instance.host, port: instance.port) {
                guard current() else { return }
                instance.state = "healthy"
                logs.system(deployment.id, phase: "deploy", replica: instance.replica,
                            "replica \(instance.replica) is healthy on \(instance.address)")
                await recordInstances(deployment)
                return
            }
            try? await Task.sleep(for: .milliseconds(200))
        }
        guard current() else { return }
        instance.state = "unhealthy"
        logs.system(deployment.id, phase: "deploy", replica: instance.replica,
                    "replica \(instance.replica) did not pass its health check within \(plan.healthcheckTimeout) s", level: "warn")
        await recordInstances(deployment)
    }

    /// Probes every running replica of live deployments, all at once and each on the probes'
    /// own event loop (`HealthCheck`), so that one slow replica or a busy server does not make
    /// another's probe late. One failed probe changes nothing but a note in the log and an
    /// early next round; `HealthCheck.failuresBeforeUnhealthy` in a row take the replica out of
    /// the route table, and `healthFailuresBeforeRestart` in a row restart it (Railway checks
    /// only at deploy time).
    func monitorHealth() async {
        var pause = options.healthInterval
        while !Task.isCancelled {
            try? await Task.sleep(for: pause)
            await verifyTargetPorts()
            var targets: [(deployment: LiveDeployment, instance: InstanceState)] = []
            var probes: [(check: HealthCheck, host: String, port: Int)] = []
            for deployment in live.values where deployment.deployedAt != nil {
                let check = HealthCheck(path: deployment.plan.healthcheckPath, database: deployment.plan.database)
                for instance in deployment.instances.values
                where !instance.stopping && (instance.state == "healthy" || instance.state == "unhealthy") {
                    targets.append((deployment, instance))
                    probes.append((check, instance.host, instance.port))
                }
            }
            let failures = await withTaskGroup(of: (Int, String?).self) { group in
                for (index, probe) in probes.enumerated() {
                    group.addTask { (index, await probe.check.check(host: probe.host, port: probe.port)) }
                }
                var failures = [String?](repeating: nil, count: probes.count)
                for await (index, failure) in group { failures[index] = failure }
                return failures
            }
            var anyFailed = false
            for ((deployment, instance), failure) in zip(targets, failures) {
                // The probes took time: act only on replicas that are still what was probed.
                guard live[deployment.id] === deployment, deployment.instances[instance.replica] === instance,
                      !instance.stopping, instance.state == "healthy" || instance.state == "unhealthy"
                else { continue }
                guard let failure else {
                    instance.healthFailures = 0
                    if instance.state == "unhealthy" {
                        instance.state = "healthy"
                        logs.system(deployment.id, phase: "deploy", replica: instance.replica,
                                    "replica \(instance.replica) passes its health check again")
                        await recordInstances(deployment)
                    }
                    continue
                }
                anyFailed = true
                instance.healthFailures += 1
                logs.system(deployment.id, phase: "deploy", replica: instance.replica,
                            "replica \(instance.replica) failed its health check (\(instance.healthFailures) in a row): \(failure)",
                            level: "warn")
                if instance.healthFailures >= options.healthFailuresBeforeRestart {
                    await restartInstance(deployment, instance, reason: "it stopped answering its health check")
                } else if instance.healthFailures >= HealthCheck.failuresBeforeUnhealthy, instance.state == "healthy" {
                    instance.state = "unhealthy"
                    await recordInstances(deployment)
                }
            }
            // A failure is confirmed (or not) soon, rather than a whole interval later.
            pause = anyFailed ? min(options.healthInterval, .seconds(2)) : options.healthInterval
        }
    }

    func recordInstances(_ deployment: LiveDeployment) async {
        publishRoutes()
        await namesPublished()
        await verifyTargetPorts()
        // Handed over: the replacement records its own instances of these deployments.
        guard !handedOver else { return }
        try? await store.recordInstances(of: deployment.id, deployment.snapshot, warnings: deployment.warnings)
    }
}
