import ArgumentParser

/// `railyard whoami`: the caller and their workspaces.
struct Whoami: AsyncParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Show who you are logged in as.")

    @OptionGroup var client: ClientOptions

    func run() async throws {
        var session = try Session(client)
        let me = try await session.call { try await $0.me() }
        if client.json { return try Output.json(me) }
        if let user = me.user {
            Output.line("\(user.email) (\(user.id))")
        } else if let token = me.token {
            let effective = me.effectiveRole ?? token.role
            let capped = effective == token.role ? "" : " (made as \(token.role.rawValue), capped by its creator's role)"
            Output.line("API token \(token.name) (\(token.id)), role \(effective.rawValue)\(capped)")
            if let actions = me.allowedActions { Output.line("  may: \(actions.joined(separator: ", "))") }
        }
        for entry in me.workspaces {
            Output.line("  workspace \(entry.workspace.name) (\(entry.workspace.id)): \(entry.role.rawValue)")
        }
    }
}
