import Foundation
import Hummingbird
import HTTPTypes
import RailyardCore
import RailyardStore

/// Environments, domains, and deleting projects and services, through the API controllers'
/// own operations. A deletion asks for the thing's name typed again (as Railway does): a
/// misplaced click deletes nothing.
extension DashboardController {
    var domainsController: DomainController { DomainController(dependencies: dependencies, projects: projects) }

    @Sendable func createEnvironment(_ request: Request, context: APIRequestContext) async throws -> Response {
        let form = try await DashboardSession.checkedForm(request, context: context)
        let (project, caller) = try await projects.environmentCreator(context)
        _ = try await projects.createEnvironment(named: form["name"] ?? "", in: project, by: caller, context: context)
        return DashboardSession.redirect(to: "/projects/\(project.id.rawValue)")
    }

    @Sendable func deleteProject(_ request: Request, context: APIRequestContext) async throws -> Response {
        let form = try await DashboardSession.checkedForm(request, context: context)
        let (project, _) = try await projects.accessProject(context, .deleteProject)
        try Self.confirmed(form, name: project.name)
        _ = try await projects.deleteProject(request, context: context)
        return DashboardSession.redirect(to: "/")
    }

    @Sendable func deleteService(_ request: Request, context: APIRequestContext) async throws -> Response {
        let form = try await DashboardSession.checkedForm(request, context: context)
        let (service, project, _) = try await projects.accessService(context, .deleteService, environment: nil)
        try Self.confirmed(form, name: service.name)
        _ = try await projects.deleteService(request, context: context)
        return DashboardSession.redirect(to: "/projects/\(project.id.rawValue)")
    }

    /// A generated domain, or the hostname given (`hostname`), with its target port if given.
    @Sendable func addDomain(_ request: Request, context: APIRequestContext) async throws -> Response {
        let form = try await DashboardSession.checkedForm(request, context: context)
        let (service, environment, caller, _) = try await serviceState.accessInEnvironment(request, context, .changeService)
        let hostname = (form["hostname"] ?? "").trimmingCharacters(in: .whitespaces)
        let portText = (form["targetPort"] ?? "").trimmingCharacters(in: .whitespaces)
        var port: Int?
        if !portText.isEmpty {
            guard let number = Int(portText) else { throw RailyardError.invalid("a port is a number from 1 to 65535", field: "targetPort") }
            port = number
        }
        _ = try await domainsController.create(
            DomainController.CreateDomainRequest(
                hostname: hostname.isEmpty ? nil : hostname, targetPort: port, httpsRedirect: form["httpsRedirect"] == "on"),
            for: service, in: environment, caller: caller, context: context)
        return try Self.backToService(context, environment.id)
    }

    @Sendable func deleteDomain(_ request: Request, context: APIRequestContext) async throws -> Response {
        _ = try await DashboardSession.checkedForm(request, context: context)
        let id: DomainID = try context.pathID("domainId", "domain")
        let domain = try await store.domain(id: id)
        // The API's own handler decides (the domain's service, changeable by the caller there).
        _ = try await domainsController.delete(request, context: context)
        guard let domain else { return DashboardSession.redirect(to: "/") }
        return DashboardSession.redirect(to: "/services/\(domain.serviceID.rawValue)?environmentId=\(domain.environmentID.rawValue)")
    }

    static func confirmed(_ form: [String: String], name: String) throws {
        guard form["confirm"] == name else {
            throw RailyardError.invalid("type the name (\(name)) to confirm the deletion", field: "confirm")
        }
    }
}
