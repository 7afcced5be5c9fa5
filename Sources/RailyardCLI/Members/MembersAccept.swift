import ArgumentParser
import RailyardClient

struct MembersAccept: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "accept",
        abstract: "Accept an invite (creating your account when needed).",
        discussion: """
            An invite for an email that already has an account is accepted by its owner only: \
            log in as that account first (`railyard login`), or give its password with --password.
            """)

    @OptionGroup var client: ClientOptions
    @Option(help: "The invite token.") var token: String
    @Option(help: "Password for the new account, or the password of your existing account.") var password: String?

    func run() async throws {
        var session = try Session(client, requireAuth: false)
        let accepted: InviteAccepted
        if password == nil && session.usesLogin {
            // Logged in: the session proves who is accepting.
            accepted = try await session.call { try await $0.acceptInvite(token: token, password: nil) }
        } else {
            accepted = try await RailyardClient(server: session.client.server, bearer: nil)
                .acceptInvite(token: token, password: password)
        }
        if client.json { return try Output.json(accepted) }
        Output.line("Joined as \(accepted.user.email) with role \(accepted.membership.role.rawValue). Next: railyard login --email \(accepted.user.email) --password …")
    }
}
