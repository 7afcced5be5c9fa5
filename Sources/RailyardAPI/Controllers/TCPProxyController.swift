import Foundation
import Hummingbird
import RailyardControl
import RailyardCore
import RailyardStore

/// TCP proxies: a port on the edge that forwards raw TCP to a service in one environment
/// (one per service per environment), how a database is reached from outside the server.
struct TCPProxyController {
    let dependencies: APIDependencies
    let projects: ProjectController
    var store: Store { dependencies.store }
    var serviceState: ServiceStateController { ServiceStateController(dependencies: dependencies, projects: projects) }

    /// No port: the lowest free one of the server's range. No target port: a database's
    /// engine port (required for any other service).
    struct CreateTCPProxyRequest: Decodable {
        var port: Int?
        var targetPort: Int?
    }

    struct TCPProxyList: Encodable {
        var items: [TCPProxy]
    }

    func addRoutes(to group: RouterGroup<APIRequestContext>) {
        group.get("services/{serviceId}/tcp-proxies", use: list)
        group.post("services/{serviceId}/tcp-proxies", use: create)
        group.delete("services/{serviceId}/tcp-proxies", use: delete)
    }

    @Sendable func list(_ request: Request, context: APIRequestContext) async throws -> Response {
        let (service, environment, _, _) = try await serviceState.accessInEnvironment(request, context, .read)
        let proxy = try await store.tcpProxy(service: service.id, environment: environment.id)
        return try JSONIO.response(TCPProxyList(items: proxy.map { [withDomain($0)] } ?? []))
    }

    @Sendable func create(_ request: Request, context: APIRequestContext) async throws -> Response {
        let (service, environment, caller, _) = try await serviceState.accessInEnvironment(request, context, .changeService)
        let body = try await JSONIO.decode(CreateTCPProxyRequest.self, from: request, context: context)
        if let port = body.port, !(1...65535).contains(port) {
            throw RailyardError.invalid("port must be a port from 1 to 65535", field: "port")
        }
        if let target = body.targetPort, let problem = TCPProxyRules.targetPortProblem(target) {
            throw RailyardError.invalid(problem, field: "targetPort")
        }
        let proxy = try await requireControl().addTCPProxy(
            service: service, environment: environment.id, port: body.port, targetPort: body.targetPort,
            audit: context.audit(caller))
        return try JSONIO.response(withDomain(proxy), status: .created)
    }

    /// Closes the port and every connection through it.
    @Sendable func delete(_ request: Request, context: APIRequestContext) async throws -> Response {
        let (service, environment, caller, _) = try await serviceState.accessInEnvironment(request, context, .changeService)
        guard let proxy = try await store.tcpProxy(service: service.id, environment: environment.id) else {
            throw RailyardError.notFound("TCP proxy")
        }
        try await requireControl().removeTCPProxy(proxy, service: service, audit: context.audit(caller))
        return JSONIO.noContent()
    }

    private func requireControl() throws -> DeploymentController {
        guard let control = dependencies.control else {
            throw RailyardError.unavailable("TCP proxies need the deployment controller, which this server does not run")
        }
        return control
    }

    private func withDomain(_ proxy: TCPProxy) -> TCPProxy {
        var proxy = proxy
        proxy.domain = dependencies.baseDomain
        return proxy
    }
}
