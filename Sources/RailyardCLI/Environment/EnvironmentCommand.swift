import ArgumentParser

struct EnvironmentCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "environment", abstract: "Create, list and delete environments.",
        subcommands: [EnvironmentCreate.self, EnvironmentList.self, EnvironmentDelete.self])
}
