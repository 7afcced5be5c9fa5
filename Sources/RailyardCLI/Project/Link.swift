import ArgumentParser
import RailyardClient

/// `railyard link`: links the current folder to a project, environment and service.
struct Link: AsyncParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Link this folder to a project (and environment, service).")

    @OptionGroup var client: ClientOptions
    @Option(name: [.customShort("p"), .long], help: "Project name or id.") var project: String
    @Option(name: [.customShort("e"), .long], help: "Environment name or id (default: production).") var environment: String?
    @Option(name: [.customShort("s"), .long], help: "Service name or id.") var service: String?

    func run() async throws {
        var session = try Session(client)
        let project = try await session.project(project)
        let environment = try await session.environment(environment, in: project)
        let service = try await service.asyncMap { try await session.service($0, in: project) }
        var config = session.config
        config.links[CLIConfig.currentDirectory] = .init(
            workspaceId: project.workspaceID, projectId: project.id, environmentId: environment.id, serviceId: service?.id)
        try config.save()
        if client.json { return try Output.json(config.links[CLIConfig.currentDirectory]) }
        Output.line("Linked \(CLIConfig.currentDirectory) to \(project.name)/\(environment.name)\(service.map { "/" + $0.name } ?? "")")
    }
}

extension Optional {
    func asyncMap<T>(_ transform: (Wrapped) async throws -> T) async rethrows -> T? {
        switch self {
        case .some(let value): try await transform(value)
        case .none: nil
        }
    }
}
