import ArgumentParser
import Foundation
import RailyardCore

/// `railyard variables`: shows a service's variables, or sets and unsets them.
struct Variables: AsyncParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Show, set or unset a service's variables.")

    @OptionGroup var client: ClientOptions
    @OptionGroup var target: TargetOptions
    @Option(name: [.customShort("s"), .long], help: "Service name or id (default: the linked service).") var service: String?
    @Option(name: .customLong("set"), help: "KEY=VALUE to set (repeatable).") var assignments: [String] = []
    @Option(name: .customLong("unset"), help: "KEY to remove (repeatable).") var removals: [String] = []
    @Flag(help: "Print KEY=VALUE lines (for .env files and shells).") var kv = false

    func validate() throws {
        if client.json && kv { throw ValidationError("choose one of --json and --kv") }
        for assignment in assignments {
            guard let equals = assignment.firstIndex(of: "=") else {
                throw ValidationError("--set takes KEY=VALUE, got '\(assignment)'")
            }
            if let problem = NameRules.variableNameProblem(String(assignment[..<equals])) { throw ValidationError(problem) }
        }
        for name in removals {
            if let problem = NameRules.variableNameProblem(name) { throw ValidationError(problem) }
        }
    }

    func run() async throws {
        var session = try Session(client)
        let project = try await session.project(target.project)
        let environment = try await session.environment(target.environment, in: project)
        let found = try await session.service(service, in: project)
        let variables: [Variable]
        if assignments.isEmpty && removals.isEmpty {
            variables = try await session.call { try await $0.variables(of: found.id, in: environment.id) }
        } else {
            var set: [String: String] = [:]
            for assignment in assignments {
                guard let equals = assignment.firstIndex(of: "=") else { continue }
                set[String(assignment[..<equals])] = String(assignment[assignment.index(after: equals)...])
            }
            variables = try await session.call {
                try await $0.updateVariables(of: found.id, in: environment.id, set: set, unset: removals)
            }
        }
        if client.json {
            var object: [String: String?] = [:]
            for variable in variables { object[variable.name] = .some(variable.value) }
            return try Output.json(object)
        }
        if kv {
            for variable in variables { Output.line("\(variable.name)=\(variable.value ?? "")") }
            return
        }
        if variables.isEmpty { return Output.line("No variables for \(found.name) in \(environment.name).") }
        Output.table(["NAME", "VALUE"], variables.map { [$0.name, $0.value ?? "(hidden: your role cannot read values)"] })
    }
}
