import ArgumentParser

struct EnvironmentList: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "list", abstract: "List the project's environments.")

    @OptionGroup var client: ClientOptions
    @Option(name: [.customShort("p"), .long], help: "Project name or id (default: the linked project).") var project: String?

    func run() async throws {
        var session = try Session(client)
        let target = try await session.project(project)
        let environments = try await session.call { try await $0.environments(of: target.id) }
        if client.json { return try Output.json(environments) }
        Output.table(["NAME", "ID", "CREATED"], environments.map { [$0.name, $0.id.rawValue, Output.time($0.createdAt)] })
    }
}
