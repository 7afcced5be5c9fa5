import ArgumentParser

struct ServiceCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "service", abstract: "Create, list and delete services.",
        subcommands: [ServiceCreate.self, ServiceList.self, ServiceDelete.self])
}
