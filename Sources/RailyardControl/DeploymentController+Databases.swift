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
            // PostgreSQL's version picks its programs; Redis and MariaDB run the one installed,
            // which a host upgrade may have changed since the service was added (both open
            // their older data).
            server = try DatabaseServer.locate(
                engine, version: engine == .postgres ? context.service.databaseVersion : DatabaseServer.installedVersions(engine).first)
            if engine != .postgres, let recorded = context.service.databaseVersion,
               let installed = DatabaseServer.installedVersions(engine).first, installed != recorded {
                logs.system(deployment.id, phase: "build", "\(context.service.name) was added with \(engine.displayName) \(recorded); this host now has \(installed), which runs it")
            }
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
    public nonisolated func databaseProblem(_ engine: DatabaseEngine, version: String? = nil) -> String? {
        if options.privateNetwork == nil {
            return "databases run on their environment's private network, and this server runs without one (\(options.privateNetworkUnavailable ?? "--private-network off")); see `railyard server --help`"
        }
        do {
            _ = try DatabaseServer.locate(engine)
        } catch {
            return "\(error)"
        }
        if let version {
            return DatabaseVersions.installProblem(engine, requested: version, installed: DatabaseServer.installedVersions(engine))
        }
        return nil
    }

    /// The versions of `engine` this host runs, newest first (`15`; `7`; `10.11`).
    public nonisolated func installedDatabaseVersions(_ engine: DatabaseEngine) -> [String] {
        DatabaseServer.installedVersions(engine)
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
}
