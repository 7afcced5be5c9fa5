import ArgumentParser

struct ServiceCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "service", abstract: "Create, list, change and delete services.",
        subcommands: [ServiceCreate.self, ServiceList.self, ServiceUpdate.self, ServiceDelete.self])
}
