import ArgumentParser

/// `railyard logout`: revokes the session on the server and forgets it locally.
struct Logout: AsyncParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Log out and forget the stored credentials.")

    @OptionGroup var client: ClientOptions

    func run() async throws {
        let session = try Session(client, requireAuth: false)
        var config = session.config
        if let refresh = config.refreshToken {
            // Best effort: a server that is down must not keep the credentials on disk.
            try? await session.client.logout(refresh)
        }
        config.accessToken = nil
        config.refreshToken = nil
        config.apiToken = nil
        config.email = nil
        try config.save()
        if client.json { return try Output.json(["loggedOut": true]) }
        Output.line("Logged out.")
    }
}
