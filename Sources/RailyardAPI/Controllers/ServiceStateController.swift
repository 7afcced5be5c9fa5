import Foundation
import Hummingbird
import RailyardControl
import RailyardCore
import RailyardStore

/// What a service holds per environment: its deployments (its variables: `VariableController`).
struct ServiceStateController {
    let dependencies: APIDependencies
    let projects: ProjectController
    var store: Store { dependencies.store }

    struct CreateDeploymentRequest: Decodable {
        var environmentId: EnvironmentID
        var message: String?
        /// Build the latest deployment's source again (the same upload or commit) rather than
        /// the git branch's latest commit.
        var redeploy: Bool?
    }

    func addRoutes(to group: RouterGroup<APIRequestContext>) {
        group.get("services/{serviceId}/deployments", use: listDeployments)
        group.post("services/{serviceId}/deployments", use: createDeployment)
        group.get("deployments/{deploymentId}", use: getDeployment)
    }

    @Sendable func listDeployments(_ request: Request, context: APIRequestContext) async throws -> Response {
        _ = try context.requireCaller()
        let environment: EnvironmentID? = try request.queryID("environmentId", required: false)
        let (service, _, caller) = try await projects.accessService(context, .read, environment: environment)
        let scoped = environment ?? caller.tokenEnvironment
        return try JSONIO.response(try await store.deployments(of: service.id, in: scoped, page: try request.pageRequest()))
    }

    @Sendable func createDeployment(_ request: Request, context: APIRequestContext) async throws -> Response {
        _ = try context.requireCaller()
        let body = try await JSONIO.decode(CreateDeploymentRequest.self, from: request, context: context)
        return try JSONIO.response(try await createDeployment(body, context: context), status: .created)
    }

    /// Deploys the service in the path again (its repository's latest commit, its last source,
    /// or its database's server), for the API and the dashboard alike.
    func createDeployment(_ body: CreateDeploymentRequest, context: APIRequestContext) async throws -> Deployment {
        let (service, project, caller) = try await projects.accessService(context, .deploy, environment: body.environmentId)
        guard let environment = try await store.environment(id: body.environmentId), environment.projectID == project.id
        else { throw RailyardError.invalid("environment is not part of this service's project", field: "environmentId") }
        if let message = body.message, message.utf8.count > 1000 {
            throw RailyardError.invalid("message must be at most 1000 bytes", field: "message")
        }
        let origin: DeploymentOrigin
        if service.database != nil {
            // A database's server again, from the host's package (a new version, new settings).
            origin = DeploymentOrigin(source: .database)
        } else if service.repository != nil && body.redeploy != true {
            origin = DeploymentOrigin(source: .git)
        } else if let latest = try await store.latestBuildableDeployment(of: service.id, in: environment.id) {
            origin = DeploymentOrigin(
                source: .redeploy, sourceDeployment: latest.deployment.id, commitSHA: latest.deployment.commitSHA,
                commitMessage: latest.deployment.commitMessage, archive: latest.archive)
        } else if service.repository != nil {
            origin = DeploymentOrigin(source: .git)
        } else {
            throw RailyardError.conflict(
                "the service has no source to deploy yet: upload one with `railyard up`, or give it a repository with `railyard service update --repo`")
        }
        // A build adds an artifact (and a git deploy an archive): none past a storage limit.
        if let storage = dependencies.storage {
            let used = try await storage.usage(service: service.id, workspace: project.workspaceID)
            if let problem = StoragePolicy.problem(adding: 0, used: used, limits: storage.limits) { throw problem }
        }
        let deployment = try await store.createDeployment(
            service: service.id, environment: environment.id, message: body.message, origin: origin, audit: context.audit(caller))
        // Archives and failed builds beyond the kept ones go, whatever became of them.
        await dependencies.storage?.prune(service: service.id)
        // Built now, not at the reconciler's next pass.
        await dependencies.control?.nudge()
        return deployment
    }

    @Sendable func getDeployment(_ request: Request, context: APIRequestContext) async throws -> Response {
        let caller = try context.requireCaller()
        let id: DeploymentID = try context.pathID("deploymentId", "deployment")
        guard let deployment = try await store.deployment(id: id),
              let service = try await store.service(id: deployment.serviceID),
              let project = try await store.project(id: service.projectID)
        else { throw RailyardError.notFound("deployment") }
        _ = try caller.authorize(
            .read, workspace: project.workspaceID, project: project.id, environment: deployment.environmentID,
            notFound: "deployment")
        return try JSONIO.response(deployment)
    }

    /// The service in the path and the environment in `?environmentId=`, which must belong to
    /// the service's project.
    func accessInEnvironment(
        _ request: Request, _ context: APIRequestContext, _ action: Action
    ) async throws -> (Service, Environment, Caller, Role) {
        _ = try context.requireCaller()
        guard let environmentID: EnvironmentID = try request.queryID("environmentId", required: true) else {
            throw RailyardError.badRequest("query parameter 'environmentId' is required", field: "environmentId")
        }
        let (service, project, caller) = try await projects.accessService(context, action, environment: environmentID)
        guard let environment = try await store.environment(id: environmentID), environment.projectID == project.id
        else { throw RailyardError.notFound("environment") }
        let role = try caller.authorize(action, workspace: project.workspaceID, project: project.id,
                                        environment: environmentID, notFound: "service")
        return (service, environment, caller, role)
    }
}

extension Caller {
    var tokenEnvironment: EnvironmentID? {
        if case .environment(_, _, let environment) = tokenScope { return environment }
        return nil
    }
}
