import ArgumentParser

struct ServiceDelete: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "delete", abstract: "Delete a service.")

    @OptionGroup var client: ClientOptions
    @OptionGroup var target: TargetOptions
    @Argument(help: "Service name or id.") var service: String
    @Flag(name: [.customShort("y"), .long], help: "Confirm the deletion (required).") var yes = false

    func validate() throws {
        if !yes { throw ValidationError("deleting a service cannot be undone: add --yes to confirm") }
    }

    func run() async throws {
        var session = try Session(client)
        let project = try await session.project(target.project)
        let found = try await session.service(service, in: project)
        try await session.call { try await $0.deleteService(found.id) }
        if client.json { return try Output.json(["deleted": found.id.rawValue]) }
        Output.line("Deleted service \(found.name)")
    }
}
