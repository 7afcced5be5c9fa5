import ArgumentParser

struct MembersList: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "list", abstract: "List the workspace's members.")

    @OptionGroup var client: ClientOptions
    @Option(help: "Workspace name or id.") var workspace: String?

    func run() async throws {
        var session = try Session(client)
        let workspaceRole = try await session.workspace(workspace)
        let members = try await session.call { try await $0.members(of: workspaceRole.workspace.id) }
        if client.json { return try Output.json(members) }
        Output.table(["EMAIL", "ROLE", "USER ID"], members.map { [$0.email, $0.role.rawValue, $0.userID.rawValue] })
    }
}
