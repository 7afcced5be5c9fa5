import ArgumentParser
import RailyardClient

struct MembersAccept: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "accept", abstract: "Accept an invite (creating your account when needed).")

    @OptionGroup var client: ClientOptions
    @Option(help: "The invite token.") var token: String
    @Option(help: "Password for the new account.") var password: String?

    func run() async throws {
        let session = try Session(client, requireAuth: false)
        let accepted = try await RailyardClient(server: session.client.server, bearer: nil)
            .acceptInvite(token: token, password: password)
        if client.json { return try Output.json(accepted) }
        Output.line("Joined as \(accepted.user.email) with role \(accepted.membership.role.rawValue). Next: railyard login --email \(accepted.user.email) --password …")
    }
}
