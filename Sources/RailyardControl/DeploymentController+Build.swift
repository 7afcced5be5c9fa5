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
    // MARK: Build

    func build(_ work: DeploymentWork) async throws -> DeploymentWork {
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

    func build(_ work: DeploymentWork, in workFolder: URL) async throws -> DeploymentWork {
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
        let variables = context.variables
        let toolchains = options.toolchains
        let settings = context.service.deploy
        do {
            // The tenant's config files are parsed on a thread of the build's own.
            plan = try await BlockingWork.run {
                try BuildPlanner.plan(
                    DirectorySource(root: sourceFolder), environment: environmentName, variables: variables, toolchains: toolchains,
                    settings: settings)
            }
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
            let cache = buildCache(of: deployment)
            try await onPrivateNetwork("build-\(id.rawValue)", environment: deployment.environmentID, phase: "build") { network in
                try await executor.build(
                    source: sourceFolder, plan: plan, artifact: artifact, variables: context.variables, user: context.user,
                    cache: cache, network: network
                ) { channel, line in
                    logs.append(id, phase: "build", replica: nil, stream: channel.rawValue, line)
                }
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

    /// Where the deployment's service keeps its dependency layers and download caches, in its
    /// environment.
    func buildCache(of deployment: Deployment) -> BuildCache {
        let folder = "\(deployment.serviceID.rawValue)/\(deployment.environmentID.rawValue)"
        return BuildCache(layers: options.layers.appendingPathComponent(folder), downloads: options.caches.appendingPathComponent(folder))
    }

    /// Clones the branch's latest commit and keeps the service's folder of it as the
    /// deployment's source archive, so that a redeploy builds the same commit again.
    func fetch(_ work: DeploymentWork, from repository: GitSource, into folder: URL, user: SandboxUser) async throws -> DeploymentWork {
        let id = work.deployment.id
        let logs = self.logs
        let fetcher = GitFetcher(runner: runner, hiddenPaths: [options.dataDirectory.path], timeLimit: options.buildTimeLimit)
        let checkout: GitCheckout
        do {
            checkout = try await onPrivateNetwork("clone-\(id.rawValue)", environment: work.deployment.environmentID, phase: "build") { network in
                try await fetcher.fetch(repository, into: folder, user: user, network: network) { channel, line in
                    logs.append(id, phase: "build", replica: nil, stream: channel.rawValue, line)
                }
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
    func rollbackSource(_ work: DeploymentWork) async throws -> DeploymentWork {
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
}
