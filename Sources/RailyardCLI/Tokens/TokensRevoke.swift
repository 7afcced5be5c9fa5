import ArgumentParser
import RailyardCore

struct TokensRevoke: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "revoke", abstract: "Revoke an API token.")

    @OptionGroup var client: ClientOptions
    @Argument(help: "The token's id (see `railyard tokens list`).") var id: String

    func run() async throws {
        var session = try Session(client)
        guard APITokenID.isWellFormed(id) else { throw CLIError("'\(id)' is not a token id; see `railyard tokens list`") }
        let token = try await session.call { try await $0.revokeToken(APITokenID(rawValue: id)) }
        if client.json { return try Output.json(token) }
        Output.line("Revoked token \(token.name)")
    }
}
