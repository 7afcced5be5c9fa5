import Foundation
import HTTPTypes
import Hummingbird
import NIOCore
import RailyardControl
import RailyardCore
import RailyardStore
import ServiceLifecycle

/// Deploying: source uploads, redeploys, rollbacks, restarts, removal, and deployment logs
/// (history and a live Server-Sent Events stream).
struct DeployController {
    let dependencies: APIDependencies
    let projects: ProjectController
    var store: Store { dependencies.store }
    /// The shared check that the service in the path and `?environmentId=` belong together.
    var serviceState: ServiceStateController { ServiceStateController(dependencies: dependencies, projects: projects) }

    struct RollbackRequest: Decodable {
        var environmentId: EnvironmentID
        var deploymentId: DeploymentID?
    }

    func addRoutes(to group: RouterGroup<APIRequestContext>) {
        group.post("services/{serviceId}/uploads", use: upload)
        group.post("services/{serviceId}/rollback", use: rollback)
        group.post("services/{serviceId}/restart", use: restart)
        group.post("services/{serviceId}/down", use: down)
        group.get("deployments/{deploymentId}/logs", use: logs)
    }

    @Sendable func rollback(_ request: Request, context: APIRequestContext) async throws -> Response {
        _ = try context.requireCaller()
        let body = try await JSONIO.decode(RollbackRequest.self, from: request, context: context)
        return try JSONIO.response(try await rollback(body, context: context), status: .created)
    }

    /// Rolls the service in the path back to `body.deploymentId` (or the last one that served
    /// before the current one), for the API and the dashboard alike.
    func rollback(_ body: RollbackRequest, context: APIRequestContext) async throws -> Deployment {
        let (service, project, caller) = try await projects.accessService(context, .deploy, environment: body.environmentId)
        guard let environment = try await store.environment(id: body.environmentId), environment.projectID == project.id
        else { throw RailyardError.invalid("environment is not part of this service's project", field: "environmentId") }
        let history = try await store.deployments(of: service.id, in: environment.id, page: PageRequest(limit: 200)).items
        let target: Deployment
        if let wanted = body.deploymentId {
            guard let found = history.first(where: { $0.id == wanted }) else {
                throw RailyardError.invalid("deployment \(wanted) is not one of this service's in this environment", field: "deploymentId")
            }
            target = found
        } else {
            // The newest deployment that once served, other than the one serving now.
            let current = history.first { $0.status == .success }
            guard let found = history.first(where: {
                $0.id != current?.id && ($0.status == .removed || $0.status == .success) && $0.provider != nil
            }) else { throw RailyardError.conflict("there is no earlier deployment to roll back to") }
            target = found
        }
        guard let work = try await store.deploymentWork(id: target.id), let artifact = work.artifact,
              let artifacts = dependencies.artifactsFolder,
              FileManager.default.fileExists(atPath: artifacts.appendingPathComponent(artifact).path)
        else { throw RailyardError.conflict("the artifact of \(target.id) is no longer kept; redeploy instead") }
        let deployment = try await store.createDeployment(
            service: service.id, environment: environment.id, message: "rollback to \(target.id)",
            origin: DeploymentOrigin(source: .rollback, sourceDeployment: target.id), audit: context.audit(caller))
        await dependencies.control?.nudge()
        return deployment
    }

    @Sendable func restart(_ request: Request, context: APIRequestContext) async throws -> Response {
        try await act(request, context, audited: "deployment.restart") { control, service, environment in
            try await control.restart(service: service, environment: environment)
        }
    }

    @Sendable func down(_ request: Request, context: APIRequestContext) async throws -> Response {
        try await act(request, context, audited: "deployment.down") { control, service, environment in
            try await control.remove(service: service, environment: environment)
        }
    }

    private func act(
        _ request: Request, _ context: APIRequestContext, audited action: String,
        _ body: @Sendable (DeploymentController, ServiceID, EnvironmentID) async throws -> Deployment?
    ) async throws -> Response {
        let (service, environment, caller, _) = try await serviceState.accessInEnvironment(request, context, .deploy)
        guard let control = dependencies.control else {
            throw RailyardError.unavailable("this server does not deploy (no deployment pipeline is running)")
        }
        guard let deployment = try await body(control, service.id, environment.id) else {
            throw RailyardError.conflict("the service has no running deployment in this environment")
        }
        try await store.auditDeploymentRequest(deployment.id, action: action, audit: context.audit(caller))
        return try JSONIO.response(deployment)
    }
}
