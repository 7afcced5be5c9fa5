import ArgumentParser
import Foundation
import RailyardClient
import RailyardCore

/// Options every client command takes.
struct ClientOptions: ParsableArguments {
    @Option(name: .long, help: "Server URL (default: RAILYARD_SERVER, the logged-in server, or http://127.0.0.1:7070).")
    var server: String?

    @Flag(name: .long, help: "Print machine-readable JSON.")
    var json = false
}

/// Where a command acts: flags first, then the folder's link.
struct TargetOptions: ParsableArguments {
    @Option(name: [.customShort("p"), .long], help: "Project name or id (default: the linked project).")
    var project: String?

    @Option(name: [.customShort("e"), .long], help: "Environment name or id (default: the linked environment).")
    var environment: String?
}

/// A ready client: the server and credentials resolved from the environment and the config
/// file, with the folder's link for commands that need a project.
struct Session {
    static let defaultServer = "http://127.0.0.1:7070"

    var config: CLIConfig
    var client: RailyardClient
    let json: Bool

    init(_ options: ClientOptions, requireAuth: Bool = true) throws {
        config = try CLIConfig.load()
        json = options.json
        let environment = ProcessInfo.processInfo.environment
        let server = Self.normalized(options.server ?? environment["RAILYARD_SERVER"].flatMap { $0.isEmpty ? nil : $0 }
            ?? config.server ?? Self.defaultServer)
        // Saved credentials belong to the server they were issued by: pointing the CLI at
        // another server must not hand them over.
        let saved = server == config.server.map(Self.normalized) ? (config.apiToken ?? config.accessToken) : nil
        let bearer = environment["RAILYARD_TOKEN"].flatMap { $0.isEmpty ? nil : $0 } ?? saved
        if requireAuth && bearer == nil {
            if let loggedIn = config.server.map(Self.normalized), loggedIn != server, config.apiToken ?? config.accessToken != nil {
                throw CLIError("not logged in to \(server) (your login is for \(loggedIn)): run `railyard login --server \(server)`, or set RAILYARD_TOKEN")
            }
            throw CLIError("not logged in: run `railyard login`, or set RAILYARD_TOKEN")
        }
        client = RailyardClient(server: server, bearer: bearer)
    }

    static func normalized(_ server: String) -> String { RailyardClient.normalized(server) }

    /// Whether the session is a person's login to this server, which can be refreshed.
    var usesLogin: Bool {
        ProcessInfo.processInfo.environment["RAILYARD_TOKEN"].map { $0.isEmpty } ?? true
            && config.apiToken == nil && config.refreshToken != nil
            && config.server.map(Self.normalized) == Self.normalized(client.server)
    }

    /// Runs `call`; when a person's access token has expired, refreshes it once, saves the new
    /// pair and tries again.
    mutating func call<T>(_ call: (RailyardClient) async throws -> T) async throws -> T {
        do {
            return try await call(client)
        } catch let error as ClientError where error.status == 401 && usesLogin {
            try await refreshSession(staleAccessToken: client.bearer)
            return try await call(client)
        }
    }

    /// Refreshes the login while holding a lock on the config file. Another `railyard` that
    /// refreshed first has already rotated the refresh token: then its new pair is used, and
    /// the old refresh token is never replayed (which would revoke the whole session).
    mutating func refreshSession(staleAccessToken: String?) async throws {
        let lock = try CLIConfig.Lock()
        defer { lock.release() }
        let current = try CLIConfig.load()
        if let fresh = current.accessToken, fresh != staleAccessToken {
            config = current
            client.bearer = fresh
            return
        }
        guard let refreshToken = current.refreshToken else {
            throw CLIError("your session expired: run `railyard login` again")
        }
        let pair: TokenPair
        do {
            pair = try await RailyardClient(server: client.server, bearer: nil).refresh(refreshToken)
        } catch {
            throw CLIError("your session expired: run `railyard login` again")
        }
        config = current
        config.accessToken = pair.accessToken
        config.refreshToken = pair.refreshToken
        try config.save()
        client.bearer = pair.accessToken
    }

    /// The workspace to act in: the only one the caller has, or the linked one.
    mutating func workspace(_ given: String? = nil) async throws -> WorkspaceRole {
        let me = try await call { try await $0.me() }
        if let given {
            guard let match = me.workspaces.first(where: { $0.workspace.id.rawValue == given || $0.workspace.name == given })
            else { throw CLIError("no workspace '\(given)' among yours") }
            return match
        }
        if let link = config.link(), let match = me.workspaces.first(where: { $0.workspace.id == link.workspaceId }) {
            return match
        }
        guard let first = me.workspaces.first else { throw CLIError("you belong to no workspace") }
        if me.workspaces.count > 1 {
            throw CLIError("you belong to several workspaces: pass --workspace NAME")
        }
        return first
    }

    /// The project from `--project` (name or id) or the folder's link.
    mutating func project(_ given: String?) async throws -> Project {
        if let given {
            let projects = try await call { try await $0.projects() }
            let matches = projects.filter { $0.id.rawValue == given || $0.name == given }
            guard let match = matches.first else { throw CLIError("no project '\(given)'; see `railyard project list`") }
            if matches.count > 1 { throw CLIError("several projects are named '\(given)': use its id") }
            return match
        }
        guard let link = config.link() else {
            throw CLIError("this folder is not linked to a project: run `railyard link --project NAME` or pass --project")
        }
        return try await call { try await $0.project(link.projectId) }
    }

    /// The environment from `--environment` (name or id), else the link's, else `production`.
    mutating func environment(_ given: String?, in project: Project) async throws -> Environment {
        let environments = try await call { try await $0.environments(of: project.id) }
        if let given {
            guard let match = environments.first(where: { $0.id.rawValue == given || $0.name == given }) else {
                throw CLIError("no environment '\(given)' in project \(project.name)")
            }
            return match
        }
        if let link = config.link(), link.projectId == project.id,
           let match = environments.first(where: { $0.id == link.environmentId }) {
            return match
        }
        guard let production = environments.first(where: { $0.name == Environment.defaultName }) ?? environments.first
        else { throw CLIError("project \(project.name) has no environment") }
        return production
    }

    /// The service from `--service` (name or id), else the link's.
    mutating func service(_ given: String?, in project: Project) async throws -> Service {
        let services = try await call { try await $0.services(of: project.id) }
        if let given {
            // Names are lower case: `Postgres` (as Railway spells it) finds `postgres`.
            guard let match = services.first(where: { $0.id.rawValue == given || $0.name == given.lowercased() }) else {
                throw CLIError("no service '\(given)' in project \(project.name); see `railyard service list`")
            }
            return match
        }
        if let link = config.link(), link.projectId == project.id, let id = link.serviceId,
           let match = services.first(where: { $0.id == id }) {
            return match
        }
        if services.count == 1, let only = services.first { return only }
        throw CLIError("which service? pass --service NAME or run `railyard link --service NAME`")
    }
}
