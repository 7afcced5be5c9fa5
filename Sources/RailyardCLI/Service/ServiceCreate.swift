import ArgumentParser
import RailyardCore

struct ServiceCreate: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "create", abstract: "Create a service in the project.")

    @OptionGroup var client: ClientOptions
    @OptionGroup var target: TargetOptions
    @Argument(help: "Service name: lowercase letters, digits and hyphens, up to 32.") var name: String

    func validate() throws {
        if let problem = NameRules.serviceNameProblem(name) { throw ValidationError(problem) }
    }

    func run() async throws {
        var session = try Session(client)
        let project = try await session.project(target.project)
        let service = try await session.call { try await $0.createService(name: name, in: project.id) }
        if client.json { return try Output.json(service) }
        Output.line("Created service \(service.name) (\(service.id)) in \(project.name)")
    }
}
