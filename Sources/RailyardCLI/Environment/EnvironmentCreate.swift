import ArgumentParser
import RailyardCore

struct EnvironmentCreate: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "create", abstract: "Create an environment.")

    @OptionGroup var client: ClientOptions
    @Option(name: [.customShort("p"), .long], help: "Project name or id (default: the linked project).") var project: String?
    @Argument(help: "Environment name: lowercase letters, digits and hyphens.") var name: String

    func validate() throws {
        if let problem = NameRules.environmentNameProblem(name) { throw ValidationError(problem) }
    }

    func run() async throws {
        var session = try Session(client)
        let target = try await session.project(project)
        let environment = try await session.call { try await $0.createEnvironment(name: name, in: target.id) }
        if client.json { return try Output.json(environment) }
        Output.line("Created environment \(environment.name) (\(environment.id)) in \(target.name)")
    }
}
