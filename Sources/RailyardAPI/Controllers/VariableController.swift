import Foundation
import Hummingbird
import RailyardControl
import RailyardCore
import RailyardStore

/// Variables: a service's in one environment, the environment's shared ones, a service's
/// resolved (references replaced), and the environment `railyard run` gives a local command.
/// Sealed values leave the server only through `runEnvironment`, which needs a role that may
/// deploy; every other answer leaves them out.
struct VariableController {
    let dependencies: APIDependencies
    let projects: ProjectController
    var store: Store { dependencies.store }
    var serviceState: ServiceStateController { ServiceStateController(dependencies: dependencies, projects: projects) }

    static let maximumVariableValueBytes = 64 * 1024
    static let maximumVariablesPerChange = 500

    struct VariablesChange: Decodable {
        var set: [String: String]?
        var unset: [String]?
        /// The variables set are sealed (their values are never given back).
        var sealed: Bool?
    }

    struct VariableList: Encodable {
        var items: [Variable]
        var nextCursor: String?
    }

    struct RunEnvironment: Encodable {
        var variables: [String: String]
    }

    func addRoutes(to group: RouterGroup<APIRequestContext>) {
        group.get("services/{serviceId}/variables", use: listVariables)
        group.patch("services/{serviceId}/variables", use: changeVariables)
        group.get("services/{serviceId}/variables/resolved", use: resolvedVariables)
        group.get("services/{serviceId}/variables/run", use: runEnvironment)
        group.get("environments/{environmentId}/variables", use: listSharedVariables)
        group.patch("environments/{environmentId}/variables", use: changeSharedVariables)
    }

    // MARK: A service's variables

    /// Viewers get the names only: values need `readVariableValues`. Sealed values never.
    @Sendable func listVariables(_ request: Request, context: APIRequestContext) async throws -> Response {
        let (service, environment, _, role) = try await serviceState.accessInEnvironment(request, context, .read)
        let variables = try await store.variables(
            of: service.id, in: environment.id, disclosure: role.allows(.readVariableValues) ? .unsealedValues : .names)
        return try JSONIO.response(VariableList(items: variables, nextCursor: nil))
    }

    /// Saves the change once every variable set resolves (known references, no cycle). Nothing
    /// restarts: the values apply at the service's next deployment.
    @Sendable func changeVariables(_ request: Request, context: APIRequestContext) async throws -> Response {
        let (service, environment, caller, _) = try await serviceState.accessInEnvironment(request, context, .changeVariables)
        let body = try await JSONIO.decode(VariablesChange.self, from: request, context: context)
        let variables = try await change(body, of: service, in: environment, caller: caller, context: context)
        return try JSONIO.response(VariableList(items: variables, nextCursor: nil))
    }

    /// Applies a change to a service's variables once every variable set resolves, for the API
    /// and the dashboard alike; the caller was checked for `changeVariables` on them
    /// (`accessInEnvironment`).
    func change(
        _ body: VariablesChange, of service: Service, in environment: Environment, caller: Caller, context: APIRequestContext
    ) async throws -> [Variable] {
        let (set, unset) = try Self.validate(body)
        guard let project = try await store.project(id: service.projectID) else { throw RailyardError.notFound("service") }
        var resolver = try await store.variableResolver(project: project, environment: environment, tcpProxyDomain: dependencies.baseDomain)
        let owner = service.name.lowercased()
        var own = resolver.services[owner] ?? VariableResolver.Variables()
        for name in unset {
            own.values[name] = nil
            own.sealed.remove(name)
        }
        for (name, value) in set {
            own.values[name] = value
            if body.sealed == true { own.sealed.insert(name) }
        }
        resolver.services[owner] = own
        try Self.check(resolver, set.keys.sorted().map { VariableResolver.Key(.service(owner), $0) })
        try await store.updateVariables(
            of: service.id, in: environment.id, set: set, unset: unset, sealed: body.sealed == true,
            audit: context.audit(caller))
        return try await store.variables(of: service.id, in: environment.id, disclosure: .unsealedValues)
    }

    /// What the service's replicas would get now: its variables with references resolved.
    /// Values made with any sealed value are left out, as sealed ones are.
    @Sendable func resolvedVariables(_ request: Request, context: APIRequestContext) async throws -> Response {
        let (service, environment, _, role) = try await serviceState.accessInEnvironment(request, context, .read)
        let resolved = try await resolve(service, in: environment)
        let values = role.allows(.readVariableValues)
        let now = Date()
        let items = resolved.map {
            Variable(name: $0.name, value: values && !$0.sealed ? $0.value : nil, sealed: $0.sealed, updatedAt: now)
        }
        return try JSONIO.response(VariableList(items: items, nextCursor: nil))
    }

    /// Every resolved variable with its value, sealed ones included, for `railyard run`: only
    /// a caller that may deploy the service (and so run code that reads them) gets it.
    @Sendable func runEnvironment(_ request: Request, context: APIRequestContext) async throws -> Response {
        let (service, environment, _, _) = try await serviceState.accessInEnvironment(request, context, .deploy)
        var variables: [String: String] = [:]
        for variable in try await resolve(service, in: environment) { variables[variable.name] = variable.value }
        var response = try JSONIO.response(RunEnvironment(variables: variables))
        response.headers[.cacheControl] = "no-store"
        return response
    }

    func resolve(_ service: Service, in environment: Environment) async throws -> [VariableResolver.Resolved] {
        guard let project = try await store.project(id: service.projectID) else { throw RailyardError.notFound("service") }
        do {
            return try await store.variableResolver(project: project, environment: environment, tcpProxyDomain: dependencies.baseDomain).resolve(service: service.name)
        } catch let error as VariableResolutionError {
            throw RailyardError.conflict("the service's variables cannot be resolved: \(error)")
        }
    }

    // MARK: Shared variables

    @Sendable func listSharedVariables(_ request: Request, context: APIRequestContext) async throws -> Response {
        let (environment, project, caller) = try await projects.accessEnvironment(context, .read)
        let role = try caller.authorize(.read, workspace: project.workspaceID, project: project.id,
                                        environment: environment.id, notFound: "environment")
        let variables = try await store.sharedVariables(
            in: environment.id, disclosure: role.allows(.readVariableValues) ? .unsealedValues : .names)
        return try JSONIO.response(VariableList(items: variables, nextCursor: nil))
    }

    @Sendable func changeSharedVariables(_ request: Request, context: APIRequestContext) async throws -> Response {
        let (environment, project, caller) = try await projects.accessEnvironment(context, .changeVariables)
        let body = try await JSONIO.decode(VariablesChange.self, from: request, context: context)
        return try JSONIO.response(VariableList(
            items: try await changeShared(body, in: environment, of: project, caller: caller, context: context), nextCursor: nil))
    }

    /// Applies a change to an environment's shared variables once every variable set resolves
    /// (the caller was checked for `changeVariables` there: `accessEnvironment`), for the API
    /// and the dashboard alike.
    func changeShared(
        _ body: VariablesChange, in environment: Environment, of project: Project, caller: Caller, context: APIRequestContext
    ) async throws -> [Variable] {
        let (set, unset) = try Self.validate(body)
        var resolver = try await store.variableResolver(project: project, environment: environment, tcpProxyDomain: dependencies.baseDomain)
        for name in unset {
            resolver.shared.values[name] = nil
            resolver.shared.sealed.remove(name)
        }
        for (name, value) in set {
            resolver.shared.values[name] = value
            if body.sealed == true { resolver.shared.sealed.insert(name) }
        }
        try Self.check(resolver, set.keys.sorted().map { VariableResolver.Key(.shared, $0) })
        try await store.updateSharedVariables(
            in: environment.id, set: set, unset: unset, sealed: body.sealed == true, audit: context.audit(caller))
        return try await store.sharedVariables(in: environment.id, disclosure: .unsealedValues)
    }

    // MARK: Checks

    static func validate(_ body: VariablesChange) throws -> (set: [String: String], unset: [String]) {
        let set = body.set ?? [:]
        let unset = body.unset ?? []
        if set.isEmpty && unset.isEmpty { throw RailyardError.invalid("give variables to set or unset", field: "set") }
        if set.count + unset.count > Self.maximumVariablesPerChange {
            throw RailyardError.invalid("at most \(Self.maximumVariablesPerChange) variables per change", field: "set")
        }
        for (name, value) in set {
            if let problem = NameRules.variableNameProblem(name) { throw RailyardError.invalid(problem, field: "set") }
            if value.utf8.count > Self.maximumVariableValueBytes {
                throw RailyardError.invalid("value of \(name) is larger than 64 KiB", field: "set")
            }
            if value.utf8.contains(0) { throw RailyardError.invalid("value of \(name) contains a NUL byte", field: "set") }
        }
        for name in unset {
            if let problem = NameRules.variableNameProblem(name) { throw RailyardError.invalid(problem, field: "unset") }
            if set[name] != nil { throw RailyardError.invalid("\(name) is both set and unset", field: "unset") }
        }
        return (set, unset)
    }

    /// The variables set must resolve, against everything else as it is now.
    static func check(_ resolver: VariableResolver, _ keys: [VariableResolver.Key]) throws {
        do {
            try resolver.check(keys)
        } catch {
            throw RailyardError.invalid(error.description, field: "set")
        }
    }
}
