import ArgumentParser
import Foundation
import RailyardClient
import RailyardCore

/// `railyard domain`: the service's domains. With no verb it generates one.
struct DomainCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "domain", abstract: "Give the service a URL: generate a domain, add a custom one, list, rename or remove them.",
        subcommands: [DomainGenerate.self, DomainAdd.self, DomainList.self, DomainUpdate.self, DomainRemove.self],
        defaultSubcommand: DomainGenerate.self)
}

struct DomainGenerate: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "generate", abstract: "Generate a domain: SERVICE-PROJECT.BASE (with the environment outside production).")

    @OptionGroup var client: ClientOptions
    @OptionGroup var target: ServiceTargetOptions
    @Option(help: "The port inside the instance the domain reaches (default: its PORT).") var port: Int?

    func run() async throws {
        try DomainAdd.validate(port: port)
        var session = try Session(client)
        let resolved = try await session.resolve(target)
        let domain = try await session.call {
            try await $0.createDomain(service: resolved.service.id, environment: resolved.environment.id, hostname: nil, targetPort: port)
        }
        if client.json { return try Output.json(domain) }
        Output.line(domain.url ?? domain.hostname)
    }
}

struct DomainAdd: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "add", abstract: "Attach a custom domain (point its DNS at this server).")

    @Argument(help: "The host name, e.g. app.example.com.") var hostname: String
    @OptionGroup var client: ClientOptions
    @OptionGroup var target: ServiceTargetOptions
    @Option(help: "The port inside the instance the domain reaches (default: its PORT).") var port: Int?

    static func validate(port: Int?) throws {
        if let port, !(1...65535).contains(port) { throw CLIError("--port must be from 1 to 65535") }
    }

    func run() async throws {
        try Self.validate(port: port)
        if let problem = DomainRules.hostnameProblem(hostname.lowercased()) { throw CLIError(problem) }
        var session = try Session(client)
        let resolved = try await session.resolve(target)
        let domain = try await session.call {
            try await $0.createDomain(
                service: resolved.service.id, environment: resolved.environment.id, hostname: hostname.lowercased(), targetPort: port)
        }
        if client.json { return try Output.json(domain) }
        Output.line(domain.url ?? domain.hostname)
    }
}

struct DomainList: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "list", abstract: "List the service's domains in the environment.")

    @OptionGroup var client: ClientOptions
    @OptionGroup var target: ServiceTargetOptions

    func run() async throws {
        var session = try Session(client)
        let resolved = try await session.resolve(target)
        let domains = try await session.call { try await $0.domains(of: resolved.service.id, in: resolved.environment.id) }
        if client.json { return try Output.json(domains) }
        Output.table(["DOMAIN", "KIND", "PORT", "URL"], domains.map {
            [$0.hostname, $0.kind.rawValue, $0.targetPort.map(String.init) ?? "PORT", $0.url ?? "-"]
        })
    }
}

struct DomainUpdate: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "update", abstract: "Rename a domain or change its port.")

    @Argument(help: "The domain's host name or id.") var domain: String
    @OptionGroup var client: ClientOptions
    @OptionGroup var target: ServiceTargetOptions
    @Option(help: "A new host name.") var name: String?
    @Option(help: "The port inside the instance, or `default` for its PORT.") var port: String?

    func run() async throws {
        if name == nil && port == nil { throw CLIError("nothing to change: give --name or --port") }
        if let name, let problem = DomainRules.hostnameProblem(name.lowercased()) { throw CLIError(problem) }
        var targetPort: Int?? = nil
        if let port {
            if port == "default" {
                targetPort = .some(nil)
            } else {
                guard let value = Int(port), (1...65535).contains(value) else { throw CLIError("--port must be from 1 to 65535, or default") }
                targetPort = .some(value)
            }
        }
        var session = try Session(client)
        let found = try await DomainRemove.find(domain, session: &session, target: target)
        let updated = try await session.call {
            try await $0.updateDomain(found.id, hostname: name?.lowercased(), targetPort: targetPort)
        }
        if client.json { return try Output.json(updated) }
        Output.line(updated.url ?? updated.hostname)
    }
}

struct DomainRemove: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "remove", abstract: "Remove a domain from the service.")

    @Argument(help: "The domain's host name or id.") var domain: String
    @OptionGroup var client: ClientOptions
    @OptionGroup var target: ServiceTargetOptions

    static func find(_ text: String, session: inout Session, target: ServiceTargetOptions) async throws -> Domain {
        let resolved = try await session.resolve(target)
        let domains = try await session.call { try await $0.domains(of: resolved.service.id, in: resolved.environment.id) }
        guard let found = domains.first(where: { $0.hostname == text.lowercased() || $0.id.rawValue == text }) else {
            throw CLIError("\(resolved.service.name) has no domain \(text) in \(resolved.environment.name)")
        }
        return found
    }

    func run() async throws {
        var session = try Session(client)
        let found = try await Self.find(domain, session: &session, target: target)
        try await session.call { try await $0.deleteDomain(found.id) }
        if client.json { return try Output.json(["removed": found.hostname]) }
        Output.line("Removed \(found.hostname)")
    }
}
