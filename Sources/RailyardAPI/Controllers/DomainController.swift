import Foundation
import Hummingbird
import RailyardControl
import RailyardCore
import RailyardStore

/// Domains: generated (`SERVICE-PROJECT.BASE`) or custom host names the edge routes to a
/// service in one environment.
struct DomainController {
    let dependencies: APIDependencies
    let projects: ProjectController
    var store: Store { dependencies.store }
    var serviceState: ServiceStateController { ServiceStateController(dependencies: dependencies, projects: projects) }

    /// No hostname: a generated one.
    struct CreateDomainRequest: Decodable {
        var hostname: String?
        var targetPort: Int?
    }

    struct UpdateDomainRequest: Decodable {
        var hostname: String?
        var targetPort: Int??

        enum CodingKeys: String, CodingKey { case hostname, targetPort }

        init(from decoder: any Decoder) throws {
            let container = try decoder.container(keyedBy: CodingKeys.self)
            hostname = try container.decodeIfPresent(String.self, forKey: .hostname)
            if container.contains(.targetPort) {
                targetPort = try container.decodeNil(forKey: .targetPort) ? .some(nil) : .some(try container.decode(Int.self, forKey: .targetPort))
            }
        }
    }

    struct DomainList: Encodable {
        var items: [Domain]
    }

    func addRoutes(to group: RouterGroup<APIRequestContext>) {
        group.get("services/{serviceId}/domains", use: list)
        group.post("services/{serviceId}/domains", use: create)
        group.patch("domains/{domainId}", use: update)
        group.delete("domains/{domainId}", use: delete)
    }

    @Sendable func list(_ request: Request, context: APIRequestContext) async throws -> Response {
        let (service, environment, _, _) = try await serviceState.accessInEnvironment(request, context, .read)
        let domains = try await store.domains(of: service.id, in: environment.id)
        return try JSONIO.response(DomainList(items: domains.map(withURL)))
    }

    @Sendable func create(_ request: Request, context: APIRequestContext) async throws -> Response {
        let (service, environment, caller, _) = try await serviceState.accessInEnvironment(request, context, .changeService)
        let body = try await JSONIO.decode(CreateDomainRequest.self, from: request, context: context)
        try Self.validate(port: body.targetPort)
        let domain: Domain
        if let hostname = body.hostname {
            let normalized = hostname.lowercased()
            if let problem = DomainRules.hostnameProblem(normalized) { throw RailyardError.invalid(problem, field: "hostname") }
            domain = try await store.createDomain(
                service: service.id, environment: environment.id, hostname: normalized, kind: .custom,
                targetPort: body.targetPort, audit: context.audit(caller))
        } else {
            guard let project = try await store.project(id: service.projectID) else { throw RailyardError.notFound("service") }
            domain = try await store.createGeneratedDomain(
                service: service, projectName: project.name, environment: environment, base: dependencies.baseDomain,
                targetPort: body.targetPort, audit: context.audit(caller))
        }
        await dependencies.control?.domainsChanged()
        return try JSONIO.response(withURL(domain), status: .created)
    }

    @Sendable func update(_ request: Request, context: APIRequestContext) async throws -> Response {
        let (domain, caller) = try await access(context)
        let body = try await JSONIO.decode(UpdateDomainRequest.self, from: request, context: context)
        let hostname = body.hostname?.lowercased()
        if let hostname, let problem = DomainRules.hostnameProblem(hostname) {
            throw RailyardError.invalid(problem, field: "hostname")
        }
        if case .some(let port) = body.targetPort { try Self.validate(port: port) }
        let updated = try await store.updateDomain(domain.id, hostname: hostname, targetPort: body.targetPort, audit: context.audit(caller))
        await dependencies.control?.domainsChanged()
        return try JSONIO.response(withURL(updated))
    }

    @Sendable func delete(_ request: Request, context: APIRequestContext) async throws -> Response {
        let (domain, caller) = try await access(context)
        try await store.deleteDomain(domain.id, audit: context.audit(caller))
        await dependencies.control?.domainsChanged()
        return JSONIO.noContent()
    }

    /// The domain in the path, when the caller may change its service in its environment.
    private func access(_ context: APIRequestContext) async throws -> (Domain, Caller) {
        let caller = try context.requireCaller()
        let id: DomainID = try context.pathID("domainId", "domain")
        guard let domain = try await store.domain(id: id),
              let service = try await store.service(id: domain.serviceID),
              let project = try await store.project(id: service.projectID)
        else { throw RailyardError.notFound("domain") }
        _ = try caller.authorize(
            .changeService, workspace: project.workspaceID, project: project.id, environment: domain.environmentID,
            notFound: "domain")
        return (domain, caller)
    }

    static func validate(port: Int?) throws {
        if let port, !(1...65535).contains(port) {
            throw RailyardError.invalid("targetPort must be a port from 1 to 65535", field: "targetPort")
        }
    }

    private func withURL(_ domain: Domain) -> Domain {
        var domain = domain
        if let port = dependencies.edgeHTTPPort {
            domain.url = "http://\(domain.hostname)" + (port == 80 ? "" : ":\(port)")
        }
        return domain
    }
}
