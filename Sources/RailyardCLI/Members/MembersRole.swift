import ArgumentParser
import RailyardCore

struct MembersRole: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "role", abstract: "Change a member's role.")

    @OptionGroup var client: ClientOptions
    @Argument(help: "The member's email or user id.") var member: String
    @Argument(help: "New role: viewer, member or admin.") var role: Role
    @Option(help: "Workspace name or id.") var workspace: String?

    func run() async throws {
        var session = try Session(client)
        let workspaceRole = try await session.workspace(workspace)
        let members = try await session.call { try await $0.members(of: workspaceRole.workspace.id) }
        guard let found = members.first(where: { $0.email == member.lowercased() || $0.userID.rawValue == member }) else {
            throw CLIError("no member '\(member)' in workspace \(workspaceRole.workspace.name)")
        }
        let updated = try await session.call { try await $0.setRole(role, of: found.userID, in: workspaceRole.workspace.id) }
        if client.json { return try Output.json(updated) }
        Output.line("\(updated.email) is now \(updated.role.rawValue)")
    }
}
