import ArgumentParser

struct ProjectCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "project", abstract: "List and delete projects.", subcommands: [ProjectList.self, ProjectDelete.self])
}
