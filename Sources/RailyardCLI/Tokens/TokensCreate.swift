import ArgumentParser
import RailyardCore

struct TokensCreate: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "create",
        abstract: "Create an API token for the workspace, or for one environment with --project.",
        discussion: "The token is printed once; use it as RAILYARD_TOKEN or with `railyard login --token`.")

    @OptionGroup var client: ClientOptions
    @Option(help: "The token's name.") var name: String
    @Option(help: "Role: viewer, member or admin (default member).") var role: Role = .member
    @Option(name: [.customShort("p"), .long], help: "Scope the token to this project's environment.") var project: String?
    @Option(name: [.customShort("e"), .long], help: "Environment of --project (default production).") var environment: String?
    @Option(help: "Days until the token expires (default: never).") var expiresInDays: Int?
    @Option(help: "Workspace name or id.") var workspace: String?

    func run() async throws {
        var session = try Session(client)
        let workspaceRole = try await session.workspace(workspace)
        var projectID: ProjectID?
        var environmentID: EnvironmentID?
        if let project {
            let found = try await session.project(project)
            projectID = found.id
            environmentID = try await session.environment(environment, in: found).id
        } else if environment != nil {
            throw CLIError("--environment needs --project")
        }
        let created = try await session.call {
            try await $0.createToken(name: name, in: workspaceRole.workspace.id, role: role, project: projectID,
                                     environment: environmentID, expiresInDays: expiresInDays)
        }
        if client.json { return try Output.json(created) }
        Output.line(created.secret)
    }
}

extension Role: ExpressibleByArgument {}
