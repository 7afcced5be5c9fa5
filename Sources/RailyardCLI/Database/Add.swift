import ArgumentParser
import Foundation
import RailyardClient
import RailyardCore

/// `railyard add --database postgres`: a database service, its credentials as its variables.
struct Add: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "add", abstract: "Add a database to the project: postgres, redis or mysql (MariaDB).",
        discussion: """
            The database is a service of its own in the environment, running the server of the machine's Debian
            package in a sandbox, on a volume of its own, reached by the environment's services at
            postgres.railway.internal:5432 (redis…:6379, mysql…:3306). Its credentials are its variables, with
            Railway's names; an app refers to them: DATABASE_URL=${{postgres.DATABASE_URL}}. With --service, that
            service gets those references set.
            """)

    @OptionGroup var client: ClientOptions
    @OptionGroup var target: TargetOptions
    @Option(name: [.customShort("d"), .long], help: "postgres, redis or mysql.") var database: String
    @Option(name: [.customShort("s"), .long], help: "A service to give references to the database's variables.") var service: String?
    @Option(help: "The database service's name (default: the engine's, with a suffix when taken).") var name: String?
    @Option(help: "Its volume's size, e.g. 1G or 10G (default 1G).") var size: String?
    @Option(help: "The engine's major version, e.g. 15 (default: the newest the server's machine has).") var version: String?
    @Flag(help: "Return once it is added, without waiting for it to accept connections.") var detach = false

    func validate() throws {
        if DatabaseEngine.named(database) == nil { throw ValidationError(DatabaseEngine.problem(with: database)) }
        if let name, let problem = NameRules.serviceNameProblem(name) { throw ValidationError(problem) }
        if let size { _ = try VolumeCommand.size(size) }
        if let version, DatabaseVersions.parse(version) == nil {
            throw ValidationError("--version takes the engine's major version, such as 15 or 10.11 (got '\(version.prefix(20))')")
        }
    }

    func run() async throws {
        var session = try Session(client)
        let project = try await session.project(target.project)
        let environment = try await session.environment(target.environment, in: project)
        var attached: Service?
        if let service { attached = try await session.service(service, in: project) }
        let bytes = try size.map(VolumeCommand.size)
        let added = try await session.call {
            try await $0.addDatabase(
                engine: database, project: project.id, environment: environment.id, name: name, attachTo: attached?.id, sizeBytes: bytes,
                version: version)
        }
        let engine = added.service.database ?? .postgres
        var deployment = added.deployment
        if !detach {
            Output.note("Starting \(engine.displayName) (\(added.service.name), deployment \(deployment.id))…")
            var follower = DeploymentFollower(session: session, printLines: false)
            deployment = try await follower.follow(deployment.id)
        }
        if client.json { return try Output.json(DatabaseAddedOutput(added: added, deployment: deployment)) }
        let named = added.service.databaseVersion.map { "\(engine.displayName) \($0)" } ?? engine.displayName
        Output.line("Added \(named) as service \(added.service.name) in \(environment.name) (volume \(added.volume.name), \(VolumeRules.describe(added.volume.sizeBytes)))")
        Output.line("Variables: " + added.variables.joined(separator: ", "))
        if let attachedTo = added.attachedTo {
            if !added.references.isEmpty {
                Output.line("Set on \(attachedTo.name): " + added.references.map { "\($0)=${{\(added.service.name).\($0)}}" }.joined(separator: " "))
            }
            if !added.kept.isEmpty {
                Output.line("Left as \(attachedTo.name) had them: " + added.kept.joined(separator: ", ") + " (set them to ${{\(added.service.name).NAME}} to use the database)")
            }
            Output.line("They apply at \(attachedTo.name)'s next deploy: `railyard redeploy --service \(attachedTo.name)`")
        } else {
            let url = engine.references(service: added.service.name).keys.sorted().first { $0.hasSuffix("_URL") } ?? "DATABASE_URL"
            Output.line("Use it from a service: railyard variables --service APP --set '\(url)=${{\(added.service.name).\(url)}}'")
        }
        if detach { return }
        guard deployment.status == .success else {
            throw CLIError("\(added.service.name) did not start: \(deployment.statusReason ?? deployment.status.rawValue); see `railyard logs --service \(added.service.name)`")
        }
        Output.line("\(added.service.name) accepts connections at \(added.service.name).railway.internal:\(engine.port)")
    }
}

struct DatabaseAddedOutput: Encodable {
    var service: Service
    var deployment: Deployment
    var volume: Volume
    var variables: [String]
    var attachedTo: Service?
    var references: [String]
    var kept: [String]

    init(added: DatabaseAdded, deployment: Deployment) {
        service = added.service
        self.deployment = deployment
        volume = added.volume
        variables = added.variables
        attachedTo = added.attachedTo
        references = added.references
        kept = added.kept
    }
}
