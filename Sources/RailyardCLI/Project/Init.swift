import ArgumentParser
import RailyardClient

/// `railyard init --name NAME`: creates a project and links the current folder to it.
struct Init: AsyncParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Create a project and link this folder to it.")

    @OptionGroup var client: ClientOptions
    @Option(help: "The project's name.") var name: String
    @Option(help: "Workspace name or id (needed when you belong to several).") var workspace: String?

    func run() async throws {
        var session = try Session(client)
        let workspaceRole = try await session.workspace(workspace)
        let created = try await session.call {
            try await $0.createProject(name: name, workspace: workspaceRole.workspace.id)
        }
        guard let environment = created.environments.first else { throw CLIError("the server created no environment") }
        var config = session.config
        config.links[CLIConfig.currentDirectory] = .init(
            workspaceId: created.project.workspaceID, projectId: created.project.id, environmentId: environment.id,
            serviceId: nil)
        try config.save()
        if client.json { return try Output.json(created) }
        Output.line("Created project \(created.project.name) (\(created.project.id)), environment \(environment.name); linked \(CLIConfig.currentDirectory)")
    }
}
