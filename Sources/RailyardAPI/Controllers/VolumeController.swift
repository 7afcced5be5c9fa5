import Foundation
import Hummingbird
import RailyardControl
import RailyardCore
import RailyardStore

/// Volumes: one per service per environment, kept across deploys, removed only on request.
struct VolumeController {
    let dependencies: APIDependencies
    let projects: ProjectController
    var store: Store { dependencies.store }
    var serviceState: ServiceStateController { ServiceStateController(dependencies: dependencies, projects: projects) }

    struct CreateVolumeRequest: Decodable {
        var mountPath: String
        var sizeBytes: Int64?
    }

    struct ResizeVolumeRequest: Decodable {
        var sizeBytes: Int64
    }

    struct VolumeList: Encodable {
        var items: [Volume]
    }

    func addRoutes(to group: RouterGroup<APIRequestContext>) {
        group.get("services/{serviceId}/volumes", use: list)
        group.post("services/{serviceId}/volumes", use: create)
        group.patch("volumes/{volumeId}", use: resize)
        group.delete("volumes/{volumeId}", use: delete)
    }

    @Sendable func list(_ request: Request, context: APIRequestContext) async throws -> Response {
        let (service, environment, _, _) = try await serviceState.accessInEnvironment(request, context, .read)
        var items: [Volume] = []
        if let volume = try await store.volume(service: service.id, environment: environment.id) {
            items.append(dependencies.control?.withUsage(volume) ?? volume)
        }
        return try JSONIO.response(VolumeList(items: items))
    }

    @Sendable func create(_ request: Request, context: APIRequestContext) async throws -> Response {
        let (service, environment, caller, _) = try await serviceState.accessInEnvironment(request, context, .changeService)
        let body = try await JSONIO.decode(CreateVolumeRequest.self, from: request, context: context)
        if let problem = VolumeRules.mountPathProblem(body.mountPath) { throw RailyardError.invalid(problem, field: "mountPath") }
        let size = body.sizeBytes ?? VolumeRules.defaultBytes
        if let problem = VolumeRules.sizeProblem(size) { throw RailyardError.invalid(problem, field: "sizeBytes") }
        let control = try requireControl()
        let volume = try await control.addVolume(
            service: service.id, environment: environment.id, mountPath: body.mountPath, sizeBytes: size,
            audit: context.audit(caller))
        return try JSONIO.response(volume, status: .created)
    }

    @Sendable func resize(_ request: Request, context: APIRequestContext) async throws -> Response {
        let (volume, caller) = try await access(context, .changeService)
        let body = try await JSONIO.decode(ResizeVolumeRequest.self, from: request, context: context)
        if let problem = VolumeRules.sizeProblem(body.sizeBytes) { throw RailyardError.invalid(problem, field: "sizeBytes") }
        let resized = try await requireControl().resizeVolume(volume, to: body.sizeBytes, audit: context.audit(caller))
        return try JSONIO.response(resized)
    }

    /// Deletes the volume and its data (the CLI asks for --yes first).
    @Sendable func delete(_ request: Request, context: APIRequestContext) async throws -> Response {
        let (volume, caller) = try await access(context, .deleteService)
        try await requireControl().removeVolume(volume, audit: context.audit(caller))
        return JSONIO.noContent()
    }

    private func requireControl() throws -> DeploymentController {
        guard let control = dependencies.control else {
            throw RailyardError.unavailable("volumes need the deployment controller, which this server does not run")
        }
        return control
    }

    /// The volume in the path, when the caller may do `action` on its service in its
    /// environment; another workspace's volume is not found.
    private func access(_ context: APIRequestContext, _ action: Action) async throws -> (Volume, Caller) {
        let caller = try context.requireCaller()
        let id: VolumeID = try context.pathID("volumeId", "volume")
        guard let volume = try await store.volume(id: id),
              let service = try await store.service(id: volume.serviceID),
              let project = try await store.project(id: service.projectID)
        else { throw RailyardError.notFound("volume") }
        _ = try caller.authorize(
            action, workspace: project.workspaceID, project: project.id, environment: volume.environmentID,
            notFound: "volume")
        return (volume, caller)
    }
}
