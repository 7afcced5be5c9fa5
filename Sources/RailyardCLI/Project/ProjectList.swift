import ArgumentParser

struct ProjectList: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "list", abstract: "List your projects.")

    @OptionGroup var client: ClientOptions

    func run() async throws {
        var session = try Session(client)
        let projects = try await session.call { try await $0.projects() }
        if client.json { return try Output.json(projects) }
        Output.table(["NAME", "ID", "CREATED"], projects.map { [$0.name, $0.id.rawValue, Output.time($0.createdAt)] })
    }
}
