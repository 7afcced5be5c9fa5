import ArgumentParser
import Foundation
import RailyardClient
import RailyardCore

/// `railyard variables`: shows a service's variables (or the environment's shared ones, or the
/// service's resolved ones), or sets and unsets them. Setting restarts nothing: `--deploy`
/// redeploys the service's current source with the new values.
struct Variables: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Show, set or unset a service's variables, or the environment's shared ones.",
        discussion: """
            Values may refer to other variables: ${{VAR}} (the same service), ${{SERVICE.VAR}} (another service \
            in this environment, e.g. ${{db.RAILWAY_PRIVATE_DOMAIN}}), ${{shared.VAR}}; references are resolved \
            at each deploy. Sealed values (--sealed) reach builds and apps but are never shown again.
            """)

    static let savedNote = "variables saved; they apply at the next deploy — run with --deploy to redeploy now"

    @OptionGroup var client: ClientOptions
    @OptionGroup var target: TargetOptions
    @Option(name: [.customShort("s"), .long], help: "Service name or id (default: the linked service).") var service: String?
    @Option(name: .customLong("set"), help: "KEY=VALUE to set (repeatable).") var assignments: [String] = []
    @Option(name: .customLong("unset"), help: "KEY to remove (repeatable).") var removals: [String] = []
    @Flag(help: "The environment's shared variables (${{shared.KEY}}) rather than a service's.") var shared = false
    @Flag(help: "Seal the variables set: their values are never shown again (until unset).") var sealed = false
    @Flag(help: "After the change, redeploy the service's current source so that it applies now.") var deploy = false
    @Flag(help: "Show the service's variables with references resolved, as a deploy now would give them.") var resolved = false
    @Flag(help: "With --deploy: return once the deployment is queued, without following it.") var detach = false
    @Flag(help: "Print KEY=VALUE lines (for .env files and shells).") var kv = false

    var changes: Bool { !assignments.isEmpty || !removals.isEmpty }

    func validate() throws {
        if client.json && kv { throw ValidationError("choose one of --json and --kv") }
        if shared && service != nil { throw ValidationError("--shared is about the environment: leave out --service") }
        if shared && resolved { throw ValidationError("--resolved shows a service's variables: leave out --shared") }
        if resolved && changes { throw ValidationError("--resolved only shows variables: set them in another command") }
        if sealed && assignments.isEmpty { throw ValidationError("--sealed seals the variables you --set: give at least one") }
        if deploy && !changes { throw ValidationError("--deploy applies a change: give --set or --unset (or run `railyard redeploy`)") }
        if deploy && shared {
            throw ValidationError("--deploy redeploys one service: after changing shared variables, run `railyard redeploy --service NAME` for each service that refers to them")
        }
        if detach && !deploy { throw ValidationError("--detach goes with --deploy") }
        for assignment in assignments {
            guard let equals = assignment.firstIndex(of: "=") else {
                throw ValidationError("--set takes KEY=VALUE, got '\(assignment.prefix(80))'")
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
        var set: [String: String] = [:]
        for assignment in assignments {
            guard let equals = assignment.firstIndex(of: "=") else { continue }
            set[String(assignment[..<equals])] = String(assignment[assignment.index(after: equals)...])
        }
        let sealed = self.sealed
        let removals = self.removals
        if shared {
            let variables = changes
                ? try await session.call {
                    try await $0.updateSharedVariables(in: environment.id, set: set, unset: removals, sealed: sealed)
                }
                : try await session.call { try await $0.sharedVariables(in: environment.id) }
            if changes { Output.note(Self.savedNote.replacingOccurrences(of: " — run with --deploy to redeploy now", with: " of each service that refers to them")) }
            return try show(variables, empty: "No shared variables in \(environment.name).")
        }
        let found = try await session.service(service, in: project)
        if resolved {
            let variables = try await session.call { try await $0.resolvedVariables(of: found.id, in: environment.id) }
            return try show(variables, empty: "No variables for \(found.name) in \(environment.name).")
        }
        guard changes else {
            let variables = try await session.call { try await $0.variables(of: found.id, in: environment.id) }
            return try show(variables, empty: "No variables for \(found.name) in \(environment.name).")
        }
        let variables = try await session.call {
            try await $0.updateVariables(of: found.id, in: environment.id, set: set, unset: removals, sealed: sealed)
        }
        guard deploy else {
            Output.note(Self.savedNote)
            return try show(variables, empty: "No variables for \(found.name) in \(environment.name).")
        }
        Output.note("variables saved; redeploying \(found.name) in \(environment.name) with them")
        let created = try await session.call {
            try await $0.redeploy(service: found.id, environment: environment.id, message: "variables changed")
        }
        try await settle(created, session: session, detach: detach, json: client.json)
    }

    /// Sealed values are never shown: the table says so, `--json` gives null, `--kv` a comment.
    func show(_ variables: [Variable], empty: String) throws {
        if client.json {
            var object: [String: String?] = [:]
            for variable in variables { object[variable.name] = .some(variable.value) }
            return try Output.json(object)
        }
        if kv {
            for variable in variables {
                if variable.sealed {
                    Output.line("# \(variable.name) is sealed")
                } else {
                    Output.line("\(variable.name)=\(variable.value ?? "")")
                }
            }
            return
        }
        if variables.isEmpty { return Output.line(empty) }
        Output.table(["NAME", "VALUE"], variables.map {
            [$0.name, $0.sealed ? "(sealed)" : $0.value ?? "(hidden: your role cannot read values)"]
        })
    }
}
