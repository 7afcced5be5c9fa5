import ArgumentParser

struct TokensList: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "list", abstract: "List the workspace's API tokens.")

    @OptionGroup var client: ClientOptions
    @Option(help: "Workspace name or id.") var workspace: String?

    func run() async throws {
        var session = try Session(client)
        let workspaceRole = try await session.workspace(workspace)
        let tokens = try await session.call { try await $0.tokens(in: workspaceRole.workspace.id) }
        if client.json { return try Output.json(tokens) }
        Output.table(["NAME", "ID", "ROLE", "SCOPE", "EXPIRES", "REVOKED"], tokens.map {
            [$0.name, $0.id.rawValue, $0.role.rawValue, $0.environmentID.map { "environment \($0)" } ?? "workspace",
             Output.time($0.expiresAt), Output.time($0.revokedAt)]
        })
    }
}
