import ArgumentParser
import Foundation
import RailyardClient

/// `railyard login`: with email and password (a refreshable session) or with an API token.
struct Login: AsyncParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Log in with email and password, or with an API token.")

    @OptionGroup var client: ClientOptions
    @Option(help: "Your email.") var email: String?
    @Option(help: "Your password.") var password: String?
    @Flag(help: "Read the password from standard input.") var passwordStdin = false
    @Option(help: "An API token (ryt_…) instead of email and password.") var token: String?

    func validate() throws {
        if token != nil {
            if email != nil || password != nil { throw ValidationError("give either --token, or --email and --password") }
        } else if email == nil || (password == nil && !passwordStdin) {
            throw ValidationError("give --email and --password (or --password-stdin), or --token")
        }
    }

    func run() async throws {
        var session = try Session(client, requireAuth: false)
        var config = session.config
        config.server = session.client.server
        if let token {
            session.client.bearer = token
            let me = try await session.client.me()
            config.apiToken = token
            config.accessToken = nil
            config.refreshToken = nil
            config.email = nil
            try config.save()
            if client.json { return try Output.json(me) }
            Output.line("Logged in with token \(me.token?.name ?? "?") to \(session.client.server)")
            return
        }
        var secret = password ?? ""
        if passwordStdin {
            secret = readLine(strippingNewline: true) ?? ""
        }
        guard let email else { throw ExitCode.validationFailure }
        let pair = try await RailyardClient(server: session.client.server, bearer: nil).login(email: email, password: secret)
        config.accessToken = pair.accessToken
        config.refreshToken = pair.refreshToken
        config.apiToken = nil
        config.email = pair.user.email
        try config.save()
        if client.json { return try Output.json(pair.user) }
        Output.line("Logged in as \(pair.user.email) to \(session.client.server)")
    }
}
