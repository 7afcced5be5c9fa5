import ArgumentParser

struct EnvironmentDelete: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "delete", abstract: "Delete an environment.")

    @OptionGroup var client: ClientOptions
    @Option(name: [.customShort("p"), .long], help: "Project name or id (default: the linked project).") var project: String?
    @Argument(help: "Environment name or id.") var environment: String
    @Flag(name: [.customShort("y"), .long], help: "Confirm the deletion (required).") var yes = false

    func validate() throws {
        if !yes { throw ValidationError("deleting an environment cannot be undone: add --yes to confirm") }
    }

    func run() async throws {
        var session = try Session(client)
        let target = try await session.project(project)
        let found = try await session.environment(environment, in: target)
        try await session.call { try await $0.deleteEnvironment(found.id) }
        if client.json { return try Output.json(["deleted": found.id.rawValue]) }
        Output.line("Deleted environment \(found.name)")
    }
}
