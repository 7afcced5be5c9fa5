import ArgumentParser

struct ServiceList: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "list", abstract: "List the project's services.")

    @OptionGroup var client: ClientOptions
    @OptionGroup var target: TargetOptions

    func run() async throws {
        var session = try Session(client)
        let project = try await session.project(target.project)
        let services = try await session.call { try await $0.services(of: project.id) }
        if client.json { return try Output.json(services) }
        Output.table(["NAME", "ID", "CREATED"], services.map { [$0.name, $0.id.rawValue, Output.time($0.createdAt)] })
    }
}
