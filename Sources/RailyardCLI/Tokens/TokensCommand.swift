import ArgumentParser

struct TokensCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "tokens", abstract: "Create, list and revoke API tokens.",
        subcommands: [TokensCreate.self, TokensList.self, TokensRevoke.self])
}
