import ArgumentParser
import RailyardCore

struct ServiceCreate: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "create", abstract: "Create a service in the project.")

    @OptionGroup var client: ClientOptions
    @OptionGroup var target: TargetOptions
    @Argument(help: "Service name: lowercase letters, digits and hyphens, up to 32.") var name: String
    @Option(help: "A git repository to deploy from with `railyard deploy` (https://, ssh://, file://, user@host:path).")
    var repo: String?
    @Option(help: "The branch to deploy (default: the repository's default branch).") var branch: String?
    @Option(help: "The service's folder inside the repository.") var rootDir: String?

    var repository: GitSource? { repo.map { GitSource(url: $0, branch: branch, rootDirectory: rootDir) } }

    func validate() throws {
        if let problem = NameRules.serviceNameProblem(name) { throw ValidationError(problem) }
        if repo == nil && (branch != nil || rootDir != nil) { throw CLIError("--branch and --root-dir need --repo") }
        if let problem = repository?.problem { throw CLIError(problem) }
    }

    func run() async throws {
        var session = try Session(client)
        let project = try await session.project(target.project)
        let service = try await session.call { try await $0.createService(name: name, in: project.id, repository: repository) }
        if client.json { return try Output.json(service) }
        Output.line("Created service \(service.name) (\(service.id)) in \(project.name)")
        if let repository = service.repository {
            Output.line("Deploys \(repository.url)\(repository.branch.map { " (branch \($0))" } ?? "") with `railyard deploy --service \(service.name)`")
        }
    }
}
