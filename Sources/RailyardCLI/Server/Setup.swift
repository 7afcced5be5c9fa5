import ArgumentParser
import RailyardClient

/// `railyard setup`: creates the first admin with the server's one-time setup token.
struct Setup: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Create the first admin with the setup token the server printed.")

    @OptionGroup var client: ClientOptions
    @Option(help: "The setup token (from the server's output or DATA/setup-token).") var token: String
    @Option(help: "The admin's email.") var email: String
    @Option(help: "The admin's password (at least 8 characters).") var password: String

    func run() async throws {
        let session = try Session(client, requireAuth: false)
        let result = try await RailyardClient(server: session.client.server, bearer: nil)
            .setup(token: token, email: email, password: password)
        if client.json { return try Output.json(result) }
        Output.line("Created admin \(result.user.email) in workspace \(result.workspace.name). Next: railyard login --email \(result.user.email) --password …")
    }
}
