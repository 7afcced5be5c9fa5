import ArgumentParser

/// `railyard audit`: the workspace's audit log, newest first (admins only).
struct Audit: AsyncParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Show the workspace's audit log (admins).")

    @OptionGroup var client: ClientOptions
    @Option(name: [.customShort("n"), .long], help: "How many events (1–200).") var limit = 50
    @Option(help: "Workspace name or id.") var workspace: String?

    func validate() throws {
        if !(1...200).contains(limit) { throw ValidationError("--limit must be from 1 to 200") }
    }

    func run() async throws {
        var session = try Session(client)
        let workspaceRole = try await session.workspace(workspace)
        let events = try await session.call { try await $0.auditEvents(in: workspaceRole.workspace.id, limit: limit) }
        if client.json { return try Output.json(events) }
        Output.table(["TIME", "ACTOR", "ACTION", "TARGET", "CLIENT"], events.map {
            [Output.time($0.createdAt), $0.actor, $0.action, "\($0.targetType):\($0.targetID)", $0.clientAddress ?? "-"]
        })
    }
}
