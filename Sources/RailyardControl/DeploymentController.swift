import Foundation
import Logging
import NIOCore
import RailyardBuild
import RailyardCore
import RailyardEdge
import RailyardRuntime
import RailyardSandbox
import RailyardStore

/// Settings of the deployment pipeline.
public struct ControlOptions: Sendable {
    public var dataDirectory: URL
    public var buildTimeLimit: Duration = .seconds(900)
    /// Builds that may run at once; more wait their turn.
    public var concurrentBuilds: Int = max(1, ProcessInfo.processInfo.activeProcessorCount)
    /// Artifacts kept per service for rollbacks (the running ones are always kept).
    public var artifactsKept: Int = 5
    /// How often running instances are probed after their deploy.
    public var healthInterval: Duration = .seconds(10)
    /// Consecutive failed probes after which an instance is restarted.
    public var healthFailuresBeforeRestart = 3
    /// How static sites are served: this program's `serve-static` command, run in the sandbox.
    public var staticServer: [String]? = ControlOptions.currentExecutable().map { [$0, "serve-static"] }
    /// What an upload may unpack to; past it the build fails early.
    public var unpackLimits = SourceArchive.Limits()
    /// Limits of every build (and clone, and pre-deploy command).
    public var buildLimits = BuildExecutor.defaultLimits
    /// Limits of each replica where its service sets none (a service's memory and CPU
    /// settings replace these).
    public var instanceLimits = ResourceLimits(memoryBytes: 2 << 30, pids: 2048)

    static func currentExecutable() -> String? {
        (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe"))
    }

    public init(dataDirectory: URL) { self.dataDirectory = dataDirectory }

    /// A short name for the server that owns `dataDirectory` (its cgroups live under
    /// `railyard/NAME`): a digest of the folder's real path.
    public static func nodeName(dataDirectory: String) -> String {
        let path = URL(fileURLWithPath: dataDirectory).standardizedFileURL.resolvingSymlinksInPath().path
        // FNV-1a: stable across runs (Swift's Hasher is seeded per process).
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in path.utf8 {
            hash ^= UInt64(byte)
            hash = hash &* 0x100_0000_01b3
        }
        return "node-" + String(hash, radix: 36)
    }

    public var sources: URL { dataDirectory.appendingPathComponent("sources") }
    public var artifacts: URL { dataDirectory.appendingPathComponent("artifacts") }
    var builds: URL { dataDirectory.appendingPathComponent("builds") }
    var logs: URL { dataDirectory.appendingPathComponent("logs") }
}

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

    private var pipelines: [DeploymentID: Task<Void, Never>] = [:]
    /// Set once the server stops: cancelled pipelines record that, not a newer deployment.
    private var stopping = false
    /// Deployments a command is about to start work on (between its status write and its task).
    private var claimed: Set<DeploymentID> = []
    /// BUILDING or DEPLOYING deployments seen with no work running here at the last reconcile.
    private var unattended: Set<DeploymentID> = []
    private var live: [DeploymentID: LiveDeployment] = [:]
    private var sandboxProblem: String??
    private var wake: AsyncStream<Void>.Continuation?
    /// Where the routes go; nil when no edge runs.
    private var edge: EdgeRoutes?
    /// Every domain, as the store last said.
    private var domains: [Domain] = []
    private var requestBodyLimits: [ServiceID: Int64] = [:]
    /// Installed certificates by domain, with the PEM they were parsed from.
    private var tlsIdentities: [DomainID: (chainPEM: String, identity: TLSIdentity)] = [:]

    public init(store: Store, runtime: any Runtime, options: ControlOptions, logger: Logger, runner: SandboxRunner = SandboxRunner()) throws {
        self.store = store
        self.runtime = runtime
        self.options = options
        self.logger = logger
        self.runner = runner
        self.buildSlots = AsyncSlots(options.concurrentBuilds)
        // Builds and apps (an unprivileged user) reach their own folder in artifacts/ and builds/
        // by name; sources and logs are the server's alone.
        for (folder, mode) in [(options.sources, 0o700), (options.artifacts, 0o711), (options.builds, 0o711)] {
            try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true, attributes: [.posixPermissions: mode])
            try FileManager.default.setAttributes([.posixPermissions: mode], ofItemAtPath: folder.path)
        }
        logs = try LogHub(folder: options.logs)
    }

    // MARK: Running

    /// Recovers from the previous run, then reconciles whenever asked (and every few seconds)
    /// until cancelled, when it stops every instance.
    public func run() async {
        // The server migrates the store as it starts, beside this: nothing is read before that.
        await store.waitUntilMigrated()
        if Task.isCancelled { return }
        let (stream, continuation) = AsyncStream<Void>.makeStream(bufferingPolicy: .bufferingNewest(1))
        wake = continuation
        // The domains first, so that recovered deployments are routed as they come back.
        await routingChanged()
        await recover()
        logs.removeExpired()
        let monitor = Task { await self.monitorHealth() }
        let ticker = Task {
            while !Task.isCancelled {
                try? await Task.sleep(for: .seconds(2))
                continuation.yield()
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
        await shutdown()
    }

    /// Asks for a reconcile now (after a new deployment or a change of desired state).
    public func nudge() { wake?.yield() }

    private func shutdown() async {
        stopping = true
        for task in pipelines.values { task.cancel() }
        // Each records why it stopped before the store closes (bounded: a store that is gone
        // is not waited for; the next start fails what is left BUILDING or DEPLOYING).
        let deadline = ContinuousClock.now + .seconds(10)
        while !pipelines.isEmpty && ContinuousClock.now < deadline {
            // This task is cancelled already: a pause that cancellation does not cut short.
            await Self.pause(.milliseconds(50))
        }
        for (id, deployment) in live {
            for instance in deployment.instances.values {
                instance.stopping = true
                await runtime.stop(instance.instanceID, grace: .seconds(5))
                try? await store.forgetInstanceProcess(instance: instance.instanceID)
            }
            live[id] = nil
        }
    }

    /// After a start: instances left by a crashed server are stopped (never duplicated),
    /// deployments caught mid-build are failed with a reason, SUCCESS deployments start again.
    func recover() async {
        // Everything an earlier run left in this server's groups (instances and builds alike)
        // is killed first, all at once: nothing is adopted, so nothing can be duplicated.
        let leftovers = await runtime.removeLeftovers()
        if leftovers > 0 { logger.info("killed what an earlier run left running", metadata: ["railyard.groups": "\(leftovers)"]) }
        // No build runs yet: whatever is under builds/ is an interrupted build's.
        for name in (try? FileManager.default.contentsOfDirectory(atPath: options.builds.path)) ?? [] {
            await removeTree(options.builds.appendingPathComponent(name))
        }
        do {
            for (instance, pid) in try await store.instanceProcesses() {
                await runtime.removeOrphan(id: instance, handle: String(pid))
                try await store.forgetInstanceProcess(instance: instance)
            }
            for work in try await store.deploymentWork(withStatus: [.building, .deploying]) {
                let phase = work.deployment.status == .building ? "build" : "deploy"
                await transition(work.deployment.id, to: .failed,
                                 reason: "the server stopped during the \(phase); deploy again")
            }
            for work in try await store.deploymentWork(withStatus: [.success]) {
                logs.system(work.deployment.id, phase: "deploy", "the server restarted: starting the replicas again")
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

    // MARK: Routes

    /// Hands the edge its routes from now on (from `run()`, once the store is open).
    public func attachEdge(_ routes: EdgeRoutes) {
        edge = routes
    }

    /// Reads the domains, their certificates and the services' body limits again (after one
    /// changed) and republishes.
    public func routingChanged() async {
        do {
            domains = try await store.allDomains()
            requestBodyLimits = try await store.requestBodyLimits()
            var identities: [DomainID: (chainPEM: String, identity: TLSIdentity)] = [:]
            for (id, certificate) in try await store.domainCertificates() {
                // Parsed once per certificate, not at every publish.
                if let known = tlsIdentities[id], known.chainPEM == certificate.chainPEM {
                    identities[id] = known
                    continue
                }
                do {
                    identities[id] = (certificate.chainPEM, try TLSIdentity(
                        certificateChainPEM: certificate.chainPEM, privateKeyPEM: certificate.privateKeyPEM))
                } catch {
                    logger.warning("an installed certificate cannot be used", metadata: [
                        "railyard.domain": "\(id)", "error": "\(error)",
                    ])
                }
            }
            tlsIdentities = identities
        } catch {
            logger.warning("cannot read domains", metadata: ["error": "\(error)"])
        }
        publishRoutes()
        await verifyTargetPorts()
    }

    /// Each domain → the healthy instances of its service's active deployment in its
    /// environment: the newest one that went live. New instances join only once the whole
    /// deployment passed its health checks; instances being stopped have left already.
    private func publishRoutes() {
        guard let edge else { return }
        var active: [String: LiveDeployment] = [:]
        for deployment in live.values where deployment.deployedAt != nil {
            let key = "\(deployment.serviceID)/\(deployment.environmentID)"
            if let current = active[key], current.id > deployment.id { continue }
            active[key] = deployment
        }
        var entries: [String: RouteEntry] = [:]
        var labels: [String: String] = [:]
        for deployment in active.values {
            for instance in deployment.instances.values { labels["127.0.0.1:\(instance.port)"] = "\(deployment.id)/\(instance.replica)" }
        }
        for domain in domains {
            let instances = active["\(domain.serviceID)/\(domain.environmentID)"]?.instances.values
                .filter { $0.state == "healthy" && !$0.stopping }
                .sorted { $0.replica < $1.replica } ?? []
            // A target port goes to an instance only once its own processes were seen
            // listening there: never to a port of the host's or another tenant's.
            let addresses: [(host: String, port: Int)] = if let target = domain.targetPort {
                instances.filter { $0.verifiedPorts.contains(target) }.map { _ in (host: "127.0.0.1", port: target) }
            } else {
                instances.map { (host: "127.0.0.1", port: $0.port) }
            }
            entries[domain.hostname] = RouteEntry(
                service: domain.serviceID.rawValue,
                addresses: addresses,
                identity: tlsIdentities[domain.id]?.identity, redirectsToHTTPS: domain.httpsRedirect,
                maximumBodyBytes: requestBodyLimits[domain.serviceID].map { Int(clamping: $0) })
        }
        edge.replace(with: entries, labels: labels)
    }

    /// Checks, for every domain with a target port, which of its service's instances listen
    /// there themselves, and republishes when that changed. Run after instances change and
    /// at every health round.
    private func verifyTargetPorts() async {
        var changed = false
        for deployment in live.values where deployment.deployedAt != nil {
            let targets = Set(domains.filter {
                $0.serviceID == deployment.serviceID && $0.environmentID == deployment.environmentID
            }.compactMap(\.targetPort))
            for instance in deployment.instances.values {
                var verified: Set<Int> = []
                for port in targets where instance.state == "healthy" && !instance.stopping {
                    if await runtime.listens(instance.instanceID, port: port) { verified.insert(port) }
                }
                if verified != instance.verifiedPorts {
                    for port in targets.subtracting(verified) where !instance.stopping {
                        logs.system(deployment.id, phase: "deploy", replica: instance.replica,
                                    "replica \(instance.replica) does not listen on the domain's target port \(port): no traffic is sent there", level: "warn")
                    }
                    instance.verifiedPorts = verified
                    changed = true
                }
            }
        }
        if changed { publishRoutes() }
    }

    /// An HTTP log line for a request the edge answered, in the log of the deployment whose
    /// replica served it (`phase` "http").
    public nonisolated func logRequest(_ record: AccessRecord) {
        guard let label = record.upstream, let slash = label.firstIndex(of: "/"),
              let replica = Int(label[label.index(after: slash)...])
        else { return }
        let deployment = DeploymentID(rawValue: String(label[..<slash]))
        var output = JSONOutput(capacity: 320)
        let milliseconds = (record.durationSeconds * 1000 * 10).rounded() / 10
        output.raw("{")
        output.key("level", first: true); output.string(record.status >= 500 ? "error" : record.status >= 400 ? "warn" : "info")
        output.key("message"); output.string("\(record.method) \(record.host)\(record.path) \(record.status) \(milliseconds) ms")
        output.key("method"); output.string(record.method)
        output.key("host"); output.string(record.host)
        output.key("path"); output.string(record.path)
        output.key("status"); output.integer(record.status)
        output.key("durationMs"); output.decimal(milliseconds)
        output.key("bytesIn"); output.integer(record.bytesIn)
        output.key("bytesOut"); output.integer(record.bytesOut)
        output.key("requestId"); output.string(record.requestID)
        output.key("client"); output.string(record.clientAddress)
        output.key("replica"); output.integer(replica)
        output.raw("}")
        logs.append(deployment, phase: "http", replica: replica, stream: "http", String(decoding: output.bytes, as: UTF8.self))
    }

    /// Waits until the edge has no request in flight to any of `ports`, or `within` passed.
    private func edgeDrained(ports: [Int], within limit: Duration) async {
        guard let edge else { return }
        let deadline = ContinuousClock.now + limit
        while ports.contains(where: { edge.inFlight(port: $0) > 0 }) && ContinuousClock.now < deadline {
            try? await Task.sleep(for: .milliseconds(20))
        }
    }

    // MARK: Reconciling queued deployments

    func reconcile() async {
        await verifyTargetPorts()
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

    private func pipelineEnded(_ id: DeploymentID) { pipelines[id] = nil }

    /// Level-triggered: a deployment the store calls BUILDING or DEPLOYING with no work running
    /// for it here (its status write was lost, its task ended without recording an end) is
    /// failed with a reason once seen so at two reconciles in a row, so nothing waits for ever.
    private func failUnattended(_ works: [DeploymentWork]) async {
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

    private func runPipeline(_ work: DeploymentWork) async {
        let id = work.deployment.id
        var phase = "build"
        do {
            var work = work
            if work.deployment.source == .rollback {
                work = try await rollbackSource(work)
            } else {
                guard await transition(id, to: .building, reason: nil) else { return }
                work = try await build(work)
            }
            try Task.checkCancellation()
            phase = "deploy"
            try await deploy(work)
        } catch is CancellationError where stopping {
            let reason = "the server stopped during the \(phase); deploy again"
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

    // MARK: Build

    private func build(_ work: DeploymentWork) async throws -> DeploymentWork {
        let workFolder = options.builds.appendingPathComponent(work.deployment.id.rawValue)
        // Clones, unpacking and builds all happen inside a build slot: a hostile upload holds
        // one slot, never the controller or other tenants' deploys.
        try await buildSlots.acquire()
        do {
            try Task.checkCancellation()
            await removeTree(workFolder)
            let built = try await build(work, in: workFolder)
            await removeTree(workFolder)
            await buildSlots.release()
            return built
        } catch {
            await removeTree(workFolder)
            await buildSlots.release()
            throw error
        }
    }

    /// Removes a folder of a tenant's off the actor, never following links in it.
    func removeTree(_ folder: URL) async {
        if let problem = await BlockingWork.removeTree(folder.path) {
            logger.warning("cannot remove a folder", metadata: ["railyard.path": "\(folder.path)", "error": "\(problem)"])
        }
    }

    private func build(_ work: DeploymentWork, in workFolder: URL) async throws -> DeploymentWork {
        var work = work
        let deployment = work.deployment
        let id = deployment.id
        let context = try await context(of: deployment)
        if work.archive == nil, deployment.source == .git {
            guard let repository = context.service.repository else {
                throw PipelineFailure(phase: "build", "the service has no repository any more; set one with `railyard service update --repo`")
            }
            work = try await fetch(work, from: repository, into: workFolder.appendingPathComponent("git"), user: context.user)
        }
        guard let archive = work.archive else {
            throw PipelineFailure(phase: "build", "this deployment has no source to build; upload one with `railyard up`")
        }
        let sourceFolder = workFolder.appendingPathComponent("src")
        let archiveFile = options.sources.appendingPathComponent(archive)
        let limits = options.unpackLimits
        do {
            try await BlockingWork.run {
                try FileManager.default.createDirectory(at: workFolder, withIntermediateDirectories: true)
                try SourceArchive.unpack(file: archiveFile, into: sourceFolder, limits: limits)
            }
        } catch {
            throw PipelineFailure(phase: "build", "cannot unpack the source: \(error)")
        }
        let plan: BuildPlan
        let environmentName = context.environment.name
        do {
            // The tenant's config files are parsed on a thread of the build's own.
            plan = try await BlockingWork.run { try BuildPlanner.plan(DirectorySource(root: sourceFolder), environment: environmentName) }
        } catch let error as PlanError {
            throw PipelineFailure(phase: "build", error.description)
        } catch {
            throw PipelineFailure(phase: "build", "\(error)")
        }
        for line in plan.summary { logs.system(id, phase: "build", line) }
        if let reason = runner.unsandboxedReason {
            logs.system(id, phase: "build", "warning: building without a sandbox: \(reason)", level: "warn")
            // With no sandbox to bind it in, the unprivileged user must walk to its folder.
            if runner.dropPrivileges, let closed = Self.closedAncestor(of: options.artifacts.path) {
                throw PipelineFailure(
                    phase: "build",
                    "without a sandbox, builds and apps run as an unprivileged user that cannot enter \(closed); give `railyard server --data` a folder whose parents others may enter, or `chmod o+x \(closed)`")
            }
        }
        try Task.checkCancellation()
        let artifactName = "\(deployment.serviceID.rawValue)/\(id.rawValue)"
        let artifact = options.artifacts.appendingPathComponent(artifactName)
        await removeTree(artifact)
        let executor = BuildExecutor(
            runner: runner, hiddenPaths: [options.dataDirectory.path], timeLimit: options.buildTimeLimit, limits: options.buildLimits)
        let logs = self.logs
        do {
            try await executor.build(
                source: sourceFolder, plan: plan, artifact: artifact, variables: context.variables, user: context.user
            ) { channel, line in
                logs.append(id, phase: "build", replica: nil, stream: channel.rawValue, line)
            }
        } catch let failure as BuildFailure {
            try Task.checkCancellation()
            throw PipelineFailure(phase: "build", failure.description)
        }
        let planJSON = String(decoding: try JSONCoding.makeEncoder().encode(plan), as: UTF8.self)
        try await store.recordBuild(of: id, provider: plan.provider, planJSON: planJSON, artifact: artifactName)
        logs.system(id, phase: "build", "build finished")
        var built = work
        built.artifact = artifactName
        built.planJSON = planJSON
        built.deployment.provider = plan.provider
        return built
    }

    /// Clones the branch's latest commit and keeps the service's folder of it as the
    /// deployment's source archive, so that a redeploy builds the same commit again.
    private func fetch(_ work: DeploymentWork, from repository: GitSource, into folder: URL, user: SandboxUser) async throws -> DeploymentWork {
        let id = work.deployment.id
        let logs = self.logs
        let fetcher = GitFetcher(runner: runner, hiddenPaths: [options.dataDirectory.path], timeLimit: options.buildTimeLimit)
        let checkout: GitCheckout
        do {
            checkout = try await fetcher.fetch(repository, into: folder, user: user) { channel, line in
                logs.append(id, phase: "build", replica: nil, stream: channel.rawValue, line)
            }
        } catch let failure as BuildFailure {
            throw PipelineFailure(phase: "build", failure.description)
        }
        let name = "\(id.rawValue).tar.gz"
        let destination = options.sources.appendingPathComponent(name)
        do {
            try await BlockingWork.run {
                let archive = try SourceArchive.pack(SourceSelection(root: checkout.folder))
                try Data(buffer: archive).write(to: destination, options: .atomic)
            }
        } catch {
            throw PipelineFailure(phase: "build", "cannot keep the source of commit \(checkout.sha.prefix(12)): \(error)")
        }
        try await store.recordSource(of: id, archive: name, commitSHA: checkout.sha, commitMessage: checkout.message)
        var fetched = work
        fetched.archive = name
        fetched.deployment.commitSHA = checkout.sha
        fetched.deployment.commitMessage = checkout.message
        return fetched
    }

    /// A rollback runs an earlier deployment's artifact as it is: no build.
    private func rollbackSource(_ work: DeploymentWork) async throws -> DeploymentWork {
        guard let sourceID = work.deployment.sourceDeploymentID,
              let source = try await store.deploymentWork(id: sourceID),
              let artifact = source.artifact, let planJSON = source.planJSON,
              FileManager.default.fileExists(atPath: options.artifacts.appendingPathComponent(artifact).path)
        else {
            throw PipelineFailure(phase: "deploy", "the artifact to roll back to is no longer kept")
        }
        logs.system(work.deployment.id, phase: "deploy", "rolling back to the artifact of \(sourceID) (no build)")
        try await store.recordBuild(of: work.deployment.id, provider: source.deployment.provider, planJSON: planJSON, artifact: artifact)
        var rolled = work
        rolled.artifact = artifact
        rolled.planJSON = planJSON
        return rolled
    }

    // MARK: Deploy

    private func deploy(_ work: DeploymentWork) async throws {
        let id = work.deployment.id
        guard await transition(id, to: .deploying, reason: nil) else { return }
        let deployment = try await prepareLive(work)
        let plan = deployment.plan
        guard startCommand(plan) != nil else {
            throw PipelineFailure(phase: "deploy", "there is no start command: set deploy.startCommand, or add a Procfile `web:` line")
        }
        if let problem = await sandboxUnavailable() {
            deployment.warnings.append("running without a sandbox: \(problem)")
            logs.system(id, phase: "deploy", "warning: running without a sandbox: \(problem)", level: "warn")
        }
        for command in plan.preDeploy {
            logs.system(id, phase: "deploy", "pre-deploy: $ \(command)")
            var spec = SandboxSpec(
                workDirectory: deployment.artifactPath, writableWork: false, hiddenPaths: [options.dataDirectory.path],
                environment: deployment.environment, user: deployment.user, hostname: "release")
            let group = "release-\(id.rawValue)-\(String(UInt64.random(in: 0...UInt64.max), radix: 36))"
            let (procs, warning) = await runner.prepareGroup(group, limits: deployment.limits)
            if let warning { logs.system(id, phase: "deploy", "warning: \(warning)", level: "warn") }
            spec.cgroupProcs = procs
            let logs = self.logs
            let outcome: StreamingProcess.Outcome
            do {
                outcome = try await runner.stream(
                    spec, command: ["/bin/sh", "-c", command], timeLimit: .seconds(Int64(plan.healthcheckTimeout))
                ) { channel, line in
                    logs.append(id, phase: "deploy", replica: nil, stream: channel.rawValue, line)
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
        live[id] = deployment
        for replica in 0..<plan.numReplicas { await startInstance(deployment, replica: replica) }
        await recordInstances(deployment)
        if deployment.instances.count < plan.numReplicas {
            await stopAll(deployment, grace: .seconds(2))
            live[id] = nil
            throw PipelineFailure(phase: "deploy", "not every replica could be started")
        }
        let deadline = ContinuousClock.now + .seconds(Int64(plan.healthcheckTimeout))
        let check = HealthCheck(path: plan.healthcheckPath)
        logs.system(id, phase: "deploy", "waiting for \(plan.numReplicas) replica(s) to pass the health check (\(plan.healthcheckPath ?? "port accepts connections"), up to \(plan.healthcheckTimeout) s)")
        var failure: String?
        waiting: while true {
            if Task.isCancelled { failure = "cancelled"; break }
            var allHealthy = true
            for instance in deployment.instances.values.sorted(by: { $0.replica < $1.replica }) where instance.state != "healthy" {
                if let exit = instance.exit {
                    failure = "replica \(instance.replica) \(exit.description) before it passed its health check"
                    break waiting
                }
                if await check.probe(port: instance.port) {
                    instance.state = "healthy"
                    logs.system(id, phase: "deploy", replica: instance.replica, "replica \(instance.replica) is healthy on 127.0.0.1:\(instance.port)")
                } else {
                    allHealthy = false
                }
            }
            if allHealthy { break }
            if ContinuousClock.now > deadline {
                failure = "the health check did not pass within \(plan.healthcheckTimeout) s"
                break
            }
            try? await Task.sleep(for: .milliseconds(200))
        }
        if let failure {
            await stopAll(deployment, grace: .seconds(2))
            live[id] = nil
            await recordInstances(deployment)
            throw PipelineFailure(phase: "deploy", failure)
        }
        deployment.deployedAt = .now
        await recordInstances(deployment)
        logs.system(id, phase: "deploy", "deployment is live: " + deployment.addresses.joined(separator: ", "))
        guard await transition(id, to: .success, reason: nil) else {
            await stopAll(deployment, grace: .seconds(2))
            live[id] = nil
            return
        }
        await retirePrevious(before: deployment)
        await pruneArtifacts(of: deployment.serviceID)
        await pruneSources(of: deployment.serviceID)
    }

    /// Stops the deployments this one replaces: after the overlap, SIGTERM, then SIGKILL after
    /// the draining period.
    private func retirePrevious(before current: LiveDeployment) async {
        let previous = live.values.filter {
            $0.id != current.id && $0.serviceID == current.serviceID && $0.environmentID == current.environmentID
        }
        guard !previous.isEmpty else { return }
        let overlap = current.plan.overlapSeconds
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
        guard let deployment = live.values.first(where: { $0.serviceID == service && $0.environmentID == environment })
        else { return nil }
        logs.system(deployment.id, phase: "deploy", "stopping: removed on request")
        await stopAll(deployment, grace: .seconds(max(deployment.plan.drainingSeconds, 1)))
        live[deployment.id] = nil
        await recordInstances(deployment)
        await transition(deployment.id, to: .removed, reason: "removed on request")
        return try await store.deployment(id: deployment.id)
    }

    /// `railyard restart`: restarts every instance of the running (or crashed) deployment.
    public func restart(service: ServiceID, environment: EnvironmentID) async throws -> Deployment? {
        if let deployment = live.values.first(where: { $0.serviceID == service && $0.environmentID == environment }) {
            logs.system(deployment.id, phase: "deploy", "restarting every replica on request")
            for instance in deployment.instances.values.sorted(by: { $0.replica < $1.replica }) {
                await restartInstance(deployment, instance, reason: "restart requested")
            }
            return try await store.deployment(id: deployment.id)
        }
        let crashed = try await store.deploymentWork(withStatus: [.crashed]).last {
            $0.deployment.serviceID == service && $0.deployment.environmentID == environment
        }
        guard let crashed else { return nil }
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

    private func deployAgain(_ work: DeploymentWork) async throws {
        let deployment = try await prepareLive(work)
        live[deployment.id] = deployment
        // Supervised and routed as it comes up, like a recovered deployment.
        deployment.deployedAt = .now
        for replica in 0..<deployment.plan.numReplicas { await startInstance(deployment, replica: replica) }
        await recordInstances(deployment)
        await transition(deployment.id, to: .success, reason: "restarted")
    }

    // MARK: Instances

    private func prepareLive(_ work: DeploymentWork) async throws -> LiveDeployment {
        guard let artifact = work.artifact, let planJSON = work.planJSON else {
            throw PipelineFailure(phase: "deploy", "this deployment has no artifact")
        }
        let plan = try JSONCoding.makeDecoder().decode(BuildPlan.self, from: Data(planJSON.utf8))
        let context = try await context(of: work.deployment)
        var environment = context.variables
        let platform: [(String, String)] = [
            ("PROJECT_NAME", context.project.name), ("PROJECT_ID", context.project.id.rawValue),
            ("ENVIRONMENT_NAME", context.environment.name), ("ENVIRONMENT_ID", context.environment.id.rawValue),
            ("SERVICE_NAME", context.service.name), ("SERVICE_ID", context.service.id.rawValue),
            ("DEPLOYMENT_ID", work.deployment.id.rawValue),
            ("PRIVATE_DOMAIN", "\(context.service.name).railyard.internal"),
        ]
        for (name, value) in platform {
            environment["RAILYARD_" + name] = value
            environment["RAILWAY_" + name] = value
        }
        if let existing = live[work.deployment.id] { return existing }
        let defaults = options.instanceLimits
        let live = LiveDeployment(
            id: work.deployment.id, serviceID: work.deployment.serviceID, environmentID: work.deployment.environmentID,
            plan: plan, artifactPath: options.artifacts.appendingPathComponent(artifact).path, environment: environment,
            limits: ResourceLimits(
                memoryBytes: context.service.memoryLimit ?? defaults.memoryBytes,
                cpuMillis: context.service.cpuLimitMillis ?? defaults.cpuMillis, pids: context.service.processLimit ?? defaults.pids),
            user: context.user)
        for instance in work.deployment.instances {
            if let port = instance.address.split(separator: ":").last.flatMap({ Int($0) }) { live.recordedPorts[instance.replica] = port }
        }
        return live
    }

    private func startInstance(_ deployment: LiveDeployment, replica: Int) async {
        let previous = deployment.instances[replica]
        let attempt = (previous?.attempt ?? 0) + 1
        // After a restart of the server a replica gets its old address back when the port is
        // still free. Not when it restarts on its own: if the port was why it failed, a new
        // one lets the next attempt work.
        let wanted = previous == nil ? deployment.recordedPorts[replica] : nil
        guard let port = wanted.flatMap(PortAllocator.claim) ?? PortAllocator.freePort() else {
            logs.system(deployment.id, phase: "deploy", "cannot start replica \(replica): no free port")
            return
        }
        guard let command = startCommand(deployment.plan) else {
            logs.system(deployment.id, phase: "deploy", "cannot start replica \(replica): the plan has no start command")
            return
        }
        let instanceID = "\(deployment.id.rawValue)-\(replica)-\(attempt)"
        let instance = InstanceState(replica: replica, instanceID: instanceID, port: port, attempt: attempt)
        instance.restarts = previous?.restarts ?? 0
        deployment.instances[replica] = instance
        var environment = deployment.environment
        environment["PORT"] = String(port)
        environment["RAILYARD_REPLICA_ID"] = String(replica)
        environment["RAILWAY_REPLICA_ID"] = String(replica)
        var spec = InstanceSpec(
            id: instanceID, artifact: deployment.artifactPath, command: command, environment: environment,
            hiddenPaths: [options.dataDirectory.path])
        spec.limits = deployment.limits
        spec.user = deployment.user
        if deployment.plan.start == nil, let server = options.staticServer?.first {
            spec.readOnlyBinds[Self.staticServerInside] = server
        }
        let logs = self.logs
        let deploymentID = deployment.id
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
            logs.system(deploymentID, phase: "deploy", replica: replica, "replica \(replica) started on 127.0.0.1:\(port)")
            // Outside a deploy (a restart, or the server starting again) nobody else waits for
            // this replica's first health check.
            if deployment.deployedAt != nil {
                Task { [weak self] in await self?.awaitFirstHealthCheck(deploymentID, replica: replica, instanceID: instanceID) }
            }
            if let handle = await runtime.handle(of: instanceID), let pid = Int32(handle) {
                try? await store.recordInstanceProcess(instance: instanceID, deployment: deploymentID, pid: pid)
            }
        } catch {
            instance.exit = InstanceExit(process: .exited(127))
            instance.state = "exited"
            logs.system(deploymentID, phase: "deploy", replica: replica, "replica \(replica) could not start: \(error)")
        }
    }

    /// The plan's start command, or for a static site the built-in file server over its root.
    private func startCommand(_ plan: BuildPlan) -> String? {
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

    private func instanceExited(_ id: DeploymentID, replica: Int, instanceID: String, _ exit: InstanceExit) async {
        try? await store.forgetInstanceProcess(instance: instanceID)
        guard let deployment = live[id], let instance = deployment.instances[replica], instance.instanceID == instanceID,
              !instance.stopping
        else { return }
        instance.exit = exit
        instance.state = "exited"
        logs.system(id, phase: "deploy", replica: replica, "replica \(replica) \(exit.description)", level: "warn")
        // Still in its deploy: the deploy loop sees the exit and fails the deployment.
        guard deployment.deployedAt != nil else { return }
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

    private func restartInstance(_ deployment: LiveDeployment, _ instance: InstanceState, reason: String) async {
        instance.stopping = true
        // Out of the edge's table before it stops.
        publishRoutes()
        await edgeDrained(ports: [instance.port], within: .seconds(max(deployment.plan.drainingSeconds, 1)))
        logs.system(deployment.id, phase: "deploy", replica: instance.replica, "restarting replica \(instance.replica): \(reason)")
        await runtime.stop(instance.instanceID, grace: .seconds(max(deployment.plan.drainingSeconds, 1)))
        try? await store.forgetInstanceProcess(instance: instance.instanceID)
        instance.restarts += 1
        await startInstance(deployment, replica: instance.replica)
        await recordInstances(deployment)
    }

    private func stopAll(_ deployment: LiveDeployment, grace: Duration) async {
        for instance in deployment.instances.values { instance.stopping = true }
        // Out of the edge's table before they drain, and given the draining period to answer
        // what the edge already sent them before they are signalled.
        publishRoutes()
        await edgeDrained(ports: deployment.instances.values.map(\.port), within: grace)
        await withTaskGroup(of: Void.self) { group in
            for instance in deployment.instances.values {
                instance.state = "exited"
                let runtime = self.runtime
                let instanceID = instance.instanceID
                group.addTask { await runtime.stop(instanceID, grace: grace) }
            }
        }
        for instance in deployment.instances.values { try? await store.forgetInstanceProcess(instance: instance.instanceID) }
    }

    /// Marks a replica started after its deployment went live healthy once it passes its
    /// health check; one that does not pass within healthcheckTimeout is marked unhealthy, and
    /// the health monitor restarts it.
    private func awaitFirstHealthCheck(_ id: DeploymentID, replica: Int, instanceID: String) async {
        guard let deployment = live[id], let instance = deployment.instances[replica], instance.instanceID == instanceID
        else { return }
        let plan = deployment.plan
        let check = HealthCheck(path: plan.healthcheckPath)
        let deadline = ContinuousClock.now + .seconds(Int64(plan.healthcheckTimeout))
        func current() -> Bool {
            live[id] === deployment && deployment.instances[replica] === instance && !instance.stopping
                && instance.exit == nil && instance.state == "starting"
        }
        while ContinuousClock.now < deadline {
            guard current() else { return }
            if await check.probe(port: instance.port) {
                guard current() else { return }
                instance.state = "healthy"
                logs.system(deployment.id, phase: "deploy", replica: instance.replica,
                            "replica \(instance.replica) is healthy on 127.0.0.1:\(instance.port)")
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

    /// Probes every healthy instance of running deployments; one that stops answering is
    /// restarted (Railway checks only at deploy time).
    private func monitorHealth() async {
        while !Task.isCancelled {
            try? await Task.sleep(for: options.healthInterval)
            await verifyTargetPorts()
            for deployment in live.values where deployment.deployedAt != nil {
                let check = HealthCheck(path: deployment.plan.healthcheckPath)
                for instance in deployment.instances.values where instance.state == "healthy" || instance.state == "unhealthy" {
                    if await check.probe(port: instance.port) {
                        instance.healthFailures = 0
                        if instance.state == "unhealthy" { instance.state = "healthy" }
                        continue
                    }
                    instance.healthFailures += 1
                    instance.state = "unhealthy"
                    logs.system(deployment.id, phase: "deploy", replica: instance.replica,
                                "replica \(instance.replica) failed its health check (\(instance.healthFailures) in a row)", level: "warn")
                    if instance.healthFailures >= options.healthFailuresBeforeRestart {
                        await restartInstance(deployment, instance, reason: "it stopped answering its health check")
                    }
                }
            }
        }
    }

    private func recordInstances(_ deployment: LiveDeployment) async {
        publishRoutes()
        await verifyTargetPorts()
        try? await store.recordInstances(of: deployment.id, deployment.snapshot, warnings: deployment.warnings)
    }

    // MARK: Helpers

    @discardableResult
    /// Records a status change. A refusal (the state machine says no, or the deployment is
    /// gone) returns false at once; a store that cannot take the write (an outage, a full disk)
    /// is tried again, with backoff, until it does: a deployment is never left BUILDING because
    /// one write failed. While the server stops, a few tries only (the next start fails what
    /// is left unfinished).
    func transition(_ id: DeploymentID, to status: DeploymentStatus, reason: String?) async -> Bool {
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

    private func sandboxUnavailable() async -> String? {
        if let known = sandboxProblem { return known }
        let problem = await runner.unavailableReason()
        sandboxProblem = .some(problem)
        return problem
    }

    struct Context {
        let project: Project
        let environment: Environment
        let service: Service
        let variables: [String: String]
        /// The service's own Linux user in this environment (builds and replicas run as it).
        let user: SandboxUser
    }

    private func context(of deployment: Deployment) async throws -> Context {
        guard let service = try await store.service(id: deployment.serviceID),
              let project = try await store.project(id: service.projectID),
              let environment = try await store.environment(id: deployment.environmentID)
        else { throw PipelineFailure(phase: "build", "the service or its environment no longer exists") }
        var variables: [String: String] = [:]
        for variable in try await store.variables(of: service.id, in: environment.id, withValues: true) {
            variables[variable.name] = variable.value
        }
        let uid = try await store.serviceUser(service: service.id, environment: environment.id)
        return Context(project: project, environment: environment, service: service, variables: variables,
                       user: SandboxUser(uid: uid, gid: uid))
    }

    /// Keeps the newest `artifactsKept` artifacts of a service, and every running one.
    private func pruneArtifacts(of service: ServiceID) async {
        let folder = options.artifacts.appendingPathComponent(service.rawValue)
        guard let names = try? FileManager.default.contentsOfDirectory(atPath: folder.path) else { return }
        let inUse = Set(live.values.map { URL(fileURLWithPath: $0.artifactPath).lastPathComponent })
        for name in names.sorted(by: >).dropFirst(options.artifactsKept) where !inUse.contains(name) {
            await removeTree(folder.appendingPathComponent(name))
        }
    }

    /// The first folder on the way to `path` that other users may not enter, if any.
    static func closedAncestor(of path: String) -> String? {
        var chain: [String] = []
        var current = URL(fileURLWithPath: path).standardizedFileURL
        while current.path != "/" {
            chain.insert(current.path, at: 0)
            current.deleteLastPathComponent()
        }
        for folder in chain {
            var info = stat()
            if stat(folder, &info) == 0, info.st_mode & S_IXOTH == 0 { return folder }
        }
        return nil
    }

    /// Keeps the source archives of a service's newest `artifactsKept` deployments and of any
    /// still waiting to be built; older ones are deleted and forgotten (nothing can redeploy
    /// them: a redeploy takes the newest source).
    private func pruneSources(of service: ServiceID) async {
        guard let archives = try? await store.sourceArchives(of: service) else { return }
        var kept = Set(archives.prefix(options.artifactsKept).map(\.archive))
        for entry in archives where entry.status == .queued || entry.status == .building { kept.insert(entry.archive) }
        let deleted = Array(Set(archives.map(\.archive)).subtracting(kept)).sorted()
        guard !deleted.isEmpty else { return }
        for name in deleted where !name.contains("/") {
            try? FileManager.default.removeItem(at: options.sources.appendingPathComponent(name))
        }
        do {
            try await store.forgetSourceArchives(deleted)
        } catch {
            logger.warning("cannot forget pruned source archives", metadata: ["error": "\(error)"])
        }
    }
}

/// A deployment whose instances this server runs.
final class LiveDeployment {
    let id: DeploymentID
    let serviceID: ServiceID
    let environmentID: EnvironmentID
    let plan: BuildPlan
    let artifactPath: String
    let environment: [String: String]
    /// The service's limits when the deployment started; a change applies from the next deploy
    /// or restart.
    let limits: ResourceLimits
    let user: SandboxUser
    var instances: [Int: InstanceState] = [:]
    /// Each replica's port as the store last recorded it (before a restart of the server).
    var recordedPorts: [Int: Int] = [:]
    var warnings: [String] = []
    /// When every replica first passed its health check.
    var deployedAt: ContinuousClock.Instant?

    init(id: DeploymentID, serviceID: ServiceID, environmentID: EnvironmentID, plan: BuildPlan, artifactPath: String,
         environment: [String: String], limits: ResourceLimits, user: SandboxUser) {
        self.id = id
        self.serviceID = serviceID
        self.environmentID = environmentID
        self.plan = plan
        self.artifactPath = artifactPath
        self.environment = environment
        self.limits = limits
        self.user = user
    }

    var addresses: [String] { instances.values.sorted { $0.replica < $1.replica }.map { "127.0.0.1:\($0.port)" } }

    var snapshot: [DeploymentInstance] {
        instances.values.sorted { $0.replica < $1.replica }.map {
            DeploymentInstance(replica: $0.replica, address: "127.0.0.1:\($0.port)", state: $0.state, restarts: $0.restarts)
        }
    }
}

final class InstanceState {
    let replica: Int
    let instanceID: String
    let port: Int
    let attempt: Int
    var state = "starting"
    var restarts = 0
    var exit: InstanceExit?
    var stopping = false
    var startedAt: ContinuousClock.Instant?
    var healthFailures = 0
    /// Domain target ports this instance's own processes were last seen listening on.
    var verifiedPorts: Set<Int> = []

    init(replica: Int, instanceID: String, port: Int, attempt: Int) {
        self.replica = replica
        self.instanceID = instanceID
        self.port = port
        self.attempt = attempt
    }
}

/// Why a deployment failed, in words for its log and its status reason.
struct PipelineFailure: Error, CustomStringConvertible {
    let phase: String
    let reason: String
    init(phase: String, _ reason: String) {
        self.phase = phase
        self.reason = reason
    }
    var description: String { reason }
}

/// A counting semaphore for tasks: at most `count` holders at once, the rest wait in order.
actor AsyncSlots {
    private var free: Int
    private var waiters: [CheckedContinuation<Void, Never>] = []

    init(_ count: Int) { free = count }

    func acquire() async throws {
        if free > 0 {
            free -= 1
            return
        }
        await withCheckedContinuation { waiters.append($0) }
    }

    func release() {
        if waiters.isEmpty {
            free += 1
        } else {
            waiters.removeFirst().resume()
        }
    }
}
