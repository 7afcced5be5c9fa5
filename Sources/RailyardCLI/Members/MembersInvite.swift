import ArgumentParser
import RailyardCore

struct MembersInvite: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "invite", abstract: "Invite someone to the workspace; prints the single-use invite token.")

    @OptionGroup var client: ClientOptions
    @Argument(help: "Their email.") var email: String
    @Option(help: "Role: viewer, member or admin (default member).") var role: Role = .member
    @Option(help: "Workspace name or id.") var workspace: String?

    func run() async throws {
        var session = try Session(client)
        let workspaceRole = try await session.workspace(workspace)
        let created = try await session.call { try await $0.invite(email: email, role: role, to: workspaceRole.workspace.id) }
        if client.json { return try Output.json(created) }
        Output.line(created.token)
    }
}
