import ArgumentParser

struct ProjectDelete: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "delete", abstract: "Delete a project with its environments, services and variables.")

    @OptionGroup var client: ClientOptions
    @Argument(help: "Project name or id.") var project: String
    @Flag(name: [.customShort("y"), .long], help: "Confirm the deletion (required).") var yes = false

    func validate() throws {
        if !yes { throw ValidationError("deleting a project cannot be undone: add --yes to confirm") }
    }

    func run() async throws {
        var session = try Session(client)
        let target = try await session.project(project)
        try await session.call { try await $0.deleteProject(target.id) }
        var config = session.config
        config.links = config.links.filter { $0.value.projectId != target.id }
        try config.save()
        if client.json { return try Output.json(["deleted": target.id.rawValue]) }
        Output.line("Deleted project \(target.name)")
    }
}
