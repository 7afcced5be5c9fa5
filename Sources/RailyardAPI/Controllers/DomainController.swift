import Foundation
import Hummingbird
import RailyardControl
import RailyardCore
import RailyardEdge
import RailyardStore

/// Domains: generated (`SERVICE-PROJECT.BASE`) or custom host names the edge routes to a
/// service in one environment.
struct DomainController {
    let dependencies: APIDependencies
    let projects: ProjectController
    var store: Store { dependencies.store }
    var serviceState: ServiceStateController { ServiceStateController(dependencies: dependencies, projects: projects) }

    /// No hostname: a generated one. A certificate (PEM chain, leaf first) comes with its
    /// private key (PEM).
    struct CreateDomainRequest: Decodable {
        var hostname: String?
        var targetPort: Int?
        var httpsRedirect: Bool?
        var certificate: String?
        var privateKey: String?
    }

    /// A field left out stays as it is; `null` for targetPort means the instance's PORT, and
    /// `null` for certificate and privateKey removes the installed certificate.
    struct UpdateDomainRequest: Decodable {
        var hostname: String?
        var targetPort: Int??
        var httpsRedirect: Bool?
        var certificate: String??
        var privateKey: String??

        enum CodingKeys: String, CodingKey { case hostname, targetPort, httpsRedirect, certificate, privateKey }

        init(from decoder: any Decoder) throws {
            let container = try decoder.container(keyedBy: CodingKeys.self)
            hostname = try container.decodeIfPresent(String.self, forKey: .hostname)
            targetPort = try container.decodeSetting(Int.self, forKey: .targetPort)
            httpsRedirect = try container.decodeIfPresent(Bool.self, forKey: .httpsRedirect)
            certificate = try container.decodeSetting(String.self, forKey: .certificate)
            privateKey = try container.decodeSetting(String.self, forKey: .privateKey)
        }
    }

    /// Certificate files are small; anything near this is not one.
    static let maximumPEMBytes = 64 * 1024

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
        let domain = try await create(body, for: service, in: environment, caller: caller, context: context)
        return try JSONIO.response(withURL(domain), status: .created)
    }

    /// Adds a domain (generated, or the hostname given) to a service the caller may change in
    /// the environment (`accessInEnvironment`), for the API and the dashboard alike.
    func create(
        _ body: CreateDomainRequest, for service: Service, in environment: Environment, caller: Caller, context: APIRequestContext
    ) async throws -> Domain {
        try Self.validate(port: body.targetPort)
        let domain: Domain
        if let hostname = body.hostname {
            let normalized = hostname.lowercased()
            if let problem = DomainRules.hostnameProblem(normalized) { throw RailyardError.invalid(problem, field: "hostname") }
            if let problem = DomainRules.reservedProblem(normalized, base: dependencies.baseDomain) {
                throw RailyardError.invalid(problem, field: "hostname")
            }
            let certificate = try Self.certificate(body.certificate, body.privateKey, for: normalized)
            domain = try await store.createDomain(
                service: service.id, environment: environment.id, hostname: normalized, kind: .custom,
                targetPort: body.targetPort, httpsRedirect: body.httpsRedirect ?? false, certificate: certificate,
                audit: context.audit(caller))
        } else {
            if body.certificate != nil || body.privateKey != nil {
                throw RailyardError.invalid(
                    "a generated domain has a self-signed certificate; give a hostname to install your own", field: "certificate")
            }
            guard let project = try await store.project(id: service.projectID) else { throw RailyardError.notFound("service") }
            domain = try await store.createGeneratedDomain(
                service: service, projectName: project.name, environment: environment, base: dependencies.baseDomain,
                targetPort: body.targetPort, httpsRedirect: body.httpsRedirect ?? false, audit: context.audit(caller))
        }
        await dependencies.control?.routingChanged()
        return domain
    }

    @Sendable func update(_ request: Request, context: APIRequestContext) async throws -> Response {
        let (domain, caller) = try await access(context)
        let body = try await JSONIO.decode(UpdateDomainRequest.self, from: request, context: context)
        let hostname = body.hostname?.lowercased()
        if let hostname, let problem = DomainRules.hostnameProblem(hostname) {
            throw RailyardError.invalid(problem, field: "hostname")
        }
        // Renaming (a custom or a generated domain) to a name under the base is choosing a name
        // there; keeping the current name is not.
        if let hostname, hostname != domain.hostname,
           let problem = DomainRules.reservedProblem(hostname, base: dependencies.baseDomain) {
            throw RailyardError.invalid(problem, field: "hostname")
        }
        if case .some(let port) = body.targetPort { try Self.validate(port: port) }
        var certificate: DomainCertificate?? = nil
        switch (body.certificate, body.privateKey) {
        case (nil, nil):
            // A renamed domain keeps its certificate only if it covers the new name.
            if let hostname, let installed = try await store.domainCertificate(domain.id) {
                let identity = try Self.identity(installed.chainPEM, installed.privateKeyPEM)
                if let problem = identity.problem(serving: hostname) {
                    throw RailyardError.invalid("\(problem); give a certificate for the new name too", field: "hostname")
                }
            }
        case (.some(nil), .some(nil)):
            certificate = .some(nil)
        case (.some(.some(let chain)), .some(.some(let key))):
            certificate = .some(try Self.certificate(chain, key, for: hostname ?? domain.hostname))
        default:
            throw RailyardError.invalid("give certificate and privateKey together (both null removes the certificate)", field: "certificate")
        }
        let updated = try await store.updateDomain(
            domain.id, hostname: hostname, targetPort: body.targetPort, httpsRedirect: body.httpsRedirect,
            certificate: certificate, audit: context.audit(caller))
        await dependencies.control?.routingChanged()
        return try JSONIO.response(withURL(updated))
    }

    @Sendable func delete(_ request: Request, context: APIRequestContext) async throws -> Response {
        let (domain, caller) = try await access(context)
        try await store.deleteDomain(domain.id, audit: context.audit(caller))
        await dependencies.control?.routingChanged()
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

    /// The certificate and key, checked: they parse, belong together and serve `hostname` now.
    static func certificate(_ chain: String?, _ key: String?, for hostname: String) throws -> DomainCertificate? {
        guard chain != nil || key != nil else { return nil }
        guard let chain, let key else {
            throw RailyardError.invalid("give certificate and privateKey together", field: chain == nil ? "certificate" : "privateKey")
        }
        let identity = try identity(chain, key)
        if let problem = identity.problem(serving: hostname) { throw RailyardError.invalid(problem, field: "certificate") }
        return DomainCertificate(
            chainPEM: chain, privateKeyPEM: key,
            summary: CertificateSummary(names: identity.names, issuer: identity.issuer, expiresAt: identity.notValidAfter))
    }

    static func identity(_ chain: String, _ key: String) throws -> TLSIdentity {
        guard chain.utf8.count <= maximumPEMBytes, key.utf8.count <= maximumPEMBytes else {
            throw RailyardError.invalid("a certificate or key is at most 64 KiB of PEM", field: "certificate")
        }
        do {
            return try TLSIdentity(certificateChainPEM: chain, privateKeyPEM: key)
        } catch let problem as TLSIdentityProblem {
            throw RailyardError.invalid(problem.description, field: "certificate")
        }
    }

    func withURL(_ domain: Domain) -> Domain {
        var domain = domain
        if let port = dependencies.edgeHTTPPort {
            domain.url = "http://\(domain.hostname)" + (port == 80 ? "" : ":\(port)")
        }
        if let port = dependencies.edgeHTTPSPort {
            domain.httpsURL = "https://\(domain.hostname)" + (port == 443 ? "" : ":\(port)")
            if domain.httpsRedirect || dependencies.edgeHTTPPort == nil { domain.url = domain.httpsURL }
        }
        return domain
    }
}
