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

    func sandboxUnavailable() async -> String? {
        if let known = sandboxProblem { return known }
        let problem = await runner.unavailableReason()
        sandboxProblem = .some(problem)
        return problem
    }

    struct Context {
        let project: Project
        let environment: Environment
        let service: Service
        /// The service's variables with references resolved, sealed ones included.
        let variables: [String: String]
        /// The service's own Linux user in this environment (builds and replicas run as it).
        let user: SandboxUser
    }

    func context(of deployment: Deployment) async throws -> Context {
        guard let service = try await store.service(id: deployment.serviceID),
              let project = try await store.project(id: service.projectID),
              let environment = try await store.environment(id: deployment.environmentID)
        else { throw PipelineFailure(phase: "build", "the service or its environment no longer exists") }
        // References are resolved here, so builds and replicas get the same values; one that
        // cannot be resolved fails the deployment, and the one serving keeps serving.
        let resolved: [VariableResolver.Resolved]
        do {
            resolved = try await store.variableResolver(project: project, environment: environment, tcpProxyDomain: options.tcpProxyDomain)
                .resolve(service: service.name)
        } catch let error as VariableResolutionError {
            throw PipelineFailure(phase: "build", "the service's variables cannot be resolved: \(error)")
        }
        var variables: [String: String] = [:]
        for variable in resolved { variables[variable.name] = variable.value }
        let uid = try await store.serviceUser(service: service.id, environment: environment.id)
        return Context(project: project, environment: environment, service: service, variables: variables,
                       user: SandboxUser(uid: uid, gid: uid))
    }

    /// Keeps the newest `artifactsKept` artifacts of a service, and every running one.
    func pruneArtifacts(of service: ServiceID) async {
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
    func pruneSources(of service: ServiceID) async {
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
