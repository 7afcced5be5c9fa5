import ArgumentParser
import Foundation
import RailyardClient
import RailyardCore

/// `railyard status`: what this folder is linked to.
struct Status: AsyncParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Show the linked project, environment and service.")

    @OptionGroup var client: ClientOptions

    struct Report: Encodable {
        var server: String
        var project: Project
        var environment: Environment
        var service: Service?
        var services: [Service]
    }

    func run() async throws {
        var session = try Session(client)
        let project = try await session.project(nil)
        let environment = try await session.environment(nil, in: project)
        let services = try await session.call { try await $0.services(of: project.id) }
        let linked = session.config.link()?.serviceId.flatMap { id in services.first { $0.id == id } }
        let report = Report(server: session.client.server, project: project, environment: environment,
                            service: linked, services: services)
        if client.json { return try Output.json(report) }
        Output.line("Project:     \(project.name) (\(project.id))")
        Output.line("Environment: \(environment.name) (\(environment.id))")
        Output.line("Service:     \(linked?.name ?? "none linked")")
        Output.line("Services:    \(services.map(\.name).joined(separator: ", "))")
    }
}
