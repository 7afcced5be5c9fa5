import Foundation

/// A workspace: the unit of sharing. Every project belongs to one, and every person's access is
/// a membership in one.
public struct Workspace: Codable, Sendable, Equatable {
    public var id: WorkspaceID
    public var name: String
    public var createdAt: Date

    public init(id: WorkspaceID, name: String, createdAt: Date) {
        self.id = id
        self.name = name
        self.createdAt = createdAt
    }
}

public struct User: Codable, Sendable, Equatable {
    public var id: UserID
    public var email: String
    public var createdAt: Date

    public init(id: UserID, email: String, createdAt: Date) {
        self.id = id
        self.email = email
        self.createdAt = createdAt
    }
}

public struct Membership: Codable, Sendable, Equatable {
    public var workspaceID: WorkspaceID
    public var userID: UserID
    public var email: String
    public var role: Role
    public var createdAt: Date

    public init(workspaceID: WorkspaceID, userID: UserID, email: String, role: Role, createdAt: Date) {
        self.workspaceID = workspaceID
        self.userID = userID
        self.email = email
        self.role = role
        self.createdAt = createdAt
    }

    enum CodingKeys: String, CodingKey {
        case workspaceID = "workspaceId", userID = "userId", email, role, createdAt
    }
}

public struct Project: Codable, Sendable, Equatable {
    public var id: ProjectID
    public var workspaceID: WorkspaceID
    public var name: String
    public var createdAt: Date

    public init(id: ProjectID, workspaceID: WorkspaceID, name: String, createdAt: Date) {
        self.id = id
        self.workspaceID = workspaceID
        self.name = name
        self.createdAt = createdAt
    }

    enum CodingKeys: String, CodingKey { case id, workspaceID = "workspaceId", name, createdAt }
}

public struct Environment: Codable, Sendable, Equatable {
    public static let defaultName = "production"

    public var id: EnvironmentID
    public var projectID: ProjectID
    public var name: String
    public var createdAt: Date

    public init(id: EnvironmentID, projectID: ProjectID, name: String, createdAt: Date) {
        self.id = id
        self.projectID = projectID
        self.name = name
        self.createdAt = createdAt
    }

    enum CodingKeys: String, CodingKey { case id, projectID = "projectId", name, createdAt }
}

public struct Service: Codable, Sendable, Equatable {
    public var id: ServiceID
    public var projectID: ProjectID
    public var name: String
    /// A git repository to deploy from, instead of uploads.
    public var repository: GitSource?
    /// Memory limit of each instance, in bytes.
    public var memoryLimit: Int64?
    /// CPU limit of each instance, in thousandths of a core.
    public var cpuLimitMillis: Int?
    /// Largest request body the edge passes to it, in bytes (larger ones get a 413); nil for none.
    public var requestBodyLimit: Int64?
    /// Processes and threads each instance may have at once; nil for the server's default.
    public var processLimit: Int?
    /// The database it runs (`railyard add --database`), instead of code; nil for an app.
    public var database: DatabaseEngine?
    /// The engine's major version it runs (`15` for PostgreSQL 15, `10.11` for MariaDB
    /// 10.11), chosen when it was added; nil for an app, or a database added before versions
    /// were kept (it runs the newest the host has).
    public var databaseVersion: String?
    /// Start command, health check, replicas and restart policy as set on the service; the
    /// source's config file overrides them (`ServiceDeploySettings`).
    public var deploy: ServiceDeploySettings
    public var createdAt: Date

    /// The range `processLimit` may take.
    public static let processLimits = 16...65_536

    public init(
        id: ServiceID, projectID: ProjectID, name: String, repository: GitSource? = nil, memoryLimit: Int64? = nil,
        cpuLimitMillis: Int? = nil, requestBodyLimit: Int64? = nil, processLimit: Int? = nil, database: DatabaseEngine? = nil,
        databaseVersion: String? = nil, deploy: ServiceDeploySettings = ServiceDeploySettings(), createdAt: Date
    ) {
        self.deploy = deploy
        self.database = database
        self.databaseVersion = databaseVersion
        self.requestBodyLimit = requestBodyLimit
        self.processLimit = processLimit
        self.id = id
        self.projectID = projectID
        self.name = name
        self.repository = repository
        self.memoryLimit = memoryLimit
        self.cpuLimitMillis = cpuLimitMillis
        self.createdAt = createdAt
    }

    enum CodingKeys: String, CodingKey {
        case id, projectID = "projectId", name, repository, memoryLimit, cpuLimitMillis, requestBodyLimit, processLimit, database,
             databaseVersion, deploy, createdAt
    }
}

/// Where a git-sourced service's code lives.
public struct GitSource: Codable, Sendable, Equatable {
    public var url: String
    public var branch: String?
    /// The folder inside the repository that holds the service.
    public var rootDirectory: String?

    public init(url: String, branch: String? = nil, rootDirectory: String? = nil) {
        self.url = url
        self.branch = branch
        self.rootDirectory = rootDirectory
    }

    /// What is wrong with this source, naming the field; nil when it can be cloned.
    public var problem: String? {
        if let problem = Self.urlProblem(url) { return problem }
        if let branch, let problem = Self.branchProblem(branch) { return problem }
        if let rootDirectory, let problem = Self.rootDirectoryProblem(rootDirectory) { return problem }
        return nil
    }

    /// The field `problem` is about: `url`, `branch` or `rootDirectory`.
    public var problemField: String? {
        if Self.urlProblem(url) != nil { return "url" }
        if let branch, Self.branchProblem(branch) != nil { return "branch" }
        if let rootDirectory, Self.rootDirectoryProblem(rootDirectory) != nil { return "rootDirectory" }
        return nil
    }

    static let schemes = ["https://", "http://", "ssh://", "git://", "file://"]

    static func urlProblem(_ url: String) -> String? {
        let shape = "a repository URL (https://, http://, ssh://, git://, file:// or user@host:path)"
        guard !url.isEmpty, url.utf8.count <= 2048 else { return "url must be \(shape), at most 2048 bytes" }
        guard url.unicodeScalars.first != "-", !url.unicodeScalars.contains(where: { $0.properties.isWhitespace || $0.value < 0x20 || $0.value == 0x7F })
        else { return "url must be \(shape), without spaces or control characters" }
        // Code points, as the API's schema reads them (a `:` followed by an emoji modifier is
        // one Character, but still a `:`).
        let scalars = Array(url.unicodeScalars)
        if let scheme = schemes.first(where: { scheme in
            scalars.count >= scheme.unicodeScalars.count
                && zip(scalars, scheme.unicodeScalars).allSatisfy { String($0.0).lowercased() == String($0.1) }
        }) {
            return scalars.count > scheme.unicodeScalars.count ? nil : "url must be \(shape)"
        }
        // scp-like: user@host:path, with no scheme (so no `ext::` or other transports).
        if let colon = scalars.firstIndex(of: ":") {
            let head = scalars[..<colon]
            if head.contains("@"), !head.contains("/"), colon + 1 < scalars.count { return nil }
        }
        return "url must be \(shape)"
    }

    /// git's rules for branch names (git-check-ref-format), kept strict.
    static func branchProblem(_ branch: String) -> String? {
        let allowed = CharacterSet.alphanumerics.union(CharacterSet(charactersIn: "-_./+"))
        guard !branch.isEmpty, branch.utf8.count <= 255,
              branch.unicodeScalars.allSatisfy({ $0.isASCII && allowed.contains($0) }),
              !branch.hasPrefix("-"), !branch.hasPrefix("/"), !branch.hasSuffix("/"), !branch.hasSuffix("."),
              !branch.hasSuffix(".lock"), !branch.contains(".."), !branch.contains("//"),
              !branch.split(separator: "/").contains(where: { $0.hasPrefix(".") })
        else { return "branch must be a git branch name: letters, digits and - _ . / +, not starting with - or ." }
        return nil
    }

    static func rootDirectoryProblem(_ root: String) -> String? {
        let components = root.split(separator: "/", omittingEmptySubsequences: true)
        guard root.utf8.count <= 1024, !root.hasPrefix("/"), !components.contains(where: { $0 == ".." }),
              !root.unicodeScalars.contains(where: { $0.value < 0x20 || $0.value == 0x7F })
        else { return "rootDirectory must be a folder inside the repository, such as apps/web (no leading / and no ..)" }
        return nil
    }

    public static func isCommitSHA(_ text: String) -> Bool {
        (text.count == 40 || text.count == 64) && text.unicodeScalars.allSatisfy { CharacterSet(charactersIn: "0123456789abcdef").contains($0) }
    }
}

public struct Deployment: Codable, Sendable, Equatable {
    public var id: DeploymentID
    public var serviceID: ServiceID
    public var environmentID: EnvironmentID
    public var status: DeploymentStatus
    public var message: String?
    public var statusReason: String?
    /// Where the code came from: `upload`, `git`, `redeploy`, `rollback`, or `database` (a
    /// database service's server).
    public var source: DeploymentSource
    /// The deployment whose source (redeploy) or artifact (rollback) this one reuses.
    public var sourceDeploymentID: DeploymentID?
    public var commitSHA: String?
    public var commitMessage: String?
    /// The build provider that was detected (`python`, `node`, …), once the plan is made.
    public var provider: String?
    /// The running instances and where each one listens.
    public var instances: [DeploymentInstance]
    /// Things that run with less than asked (no sandbox, no cgroup limits).
    public var warnings: [String]
    public var createdAt: Date
    public var updatedAt: Date

    public init(
        id: DeploymentID, serviceID: ServiceID, environmentID: EnvironmentID, status: DeploymentStatus,
        message: String?, statusReason: String?, source: DeploymentSource = .upload, sourceDeploymentID: DeploymentID? = nil,
        commitSHA: String? = nil, commitMessage: String? = nil, provider: String? = nil,
        instances: [DeploymentInstance] = [], warnings: [String] = [], createdAt: Date, updatedAt: Date
    ) {
        self.id = id
        self.serviceID = serviceID
        self.environmentID = environmentID
        self.status = status
        self.message = message
        self.statusReason = statusReason
        self.source = source
        self.sourceDeploymentID = sourceDeploymentID
        self.commitSHA = commitSHA
        self.commitMessage = commitMessage
        self.provider = provider
        self.instances = instances
        self.warnings = warnings
        self.createdAt = createdAt
        self.updatedAt = updatedAt
    }

    enum CodingKeys: String, CodingKey {
        case id, serviceID = "serviceId", environmentID = "environmentId", status, message, statusReason, source,
             sourceDeploymentID = "sourceDeploymentId", commitSHA = "commitSha", commitMessage, provider, instances,
             warnings, createdAt, updatedAt
    }
}

public enum DeploymentSource: String, Codable, Sendable, CaseIterable {
    /// A folder packed and uploaded by `railyard up`.
    case upload
    /// The latest commit of the service's git branch.
    case git
    /// A fresh build of an earlier deployment's source.
    case redeploy
    /// An earlier deployment's artifact, run again without a build.
    case rollback
    /// A database service's server, from the host's packages: nothing to build.
    case database
}

/// One replica of a deployment as the control plane last saw it.
public struct DeploymentInstance: Codable, Sendable, Equatable {
    public var replica: Int
    /// `127.0.0.1:PORT`, where the instance listens.
    public var address: String
    /// `starting`, `healthy`, `unhealthy`, `restarting`, `exited`.
    public var state: String
    public var restarts: Int

    public init(replica: Int, address: String, state: String, restarts: Int) {
        self.replica = replica
        self.address = address
        self.state = state
        self.restarts = restarts
    }
}

/// A variable of a service (or shared by an environment's services). `value` is nil when the
/// caller may not read values, and always for a sealed variable: a sealed value reaches builds
/// and apps only.
public struct Variable: Codable, Sendable, Equatable {
    public var name: String
    public var value: String?
    /// Sealed: the value is never given back (sealing lasts until the variable is unset).
    public var sealed: Bool
    public var updatedAt: Date

    public init(name: String, value: String?, sealed: Bool = false, updatedAt: Date) {
        self.name = name
        self.value = value
        self.sealed = sealed
        self.updatedAt = updatedAt
    }

    enum CodingKeys: String, CodingKey { case name, value, sealed, updatedAt }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        name = try container.decode(String.self, forKey: .name)
        value = try container.decodeIfPresent(String.self, forKey: .value)
        sealed = try container.decodeIfPresent(Bool.self, forKey: .sealed) ?? false
        updatedAt = try container.decode(Date.self, forKey: .updatedAt)
    }
}

/// How much of variables a reader gets.
public enum VariableDisclosure: Sendable {
    /// Names only (a viewer).
    case names
    /// Values, except sealed ones (what the API shows).
    case unsealedValues
    /// Every value, sealed ones too (builds, apps, `railyard run`).
    case allValues
}

/// Where an API token may act: a whole workspace, or one environment of one project.
public enum TokenScope: Sendable, Equatable {
    case workspace(WorkspaceID)
    case environment(WorkspaceID, ProjectID, EnvironmentID)

    public var workspaceID: WorkspaceID {
        switch self {
        case .workspace(let id), .environment(let id, _, _): id
        }
    }
}

public struct APIToken: Codable, Sendable, Equatable {
    public var id: APITokenID
    public var workspaceID: WorkspaceID
    public var projectID: ProjectID?
    public var environmentID: EnvironmentID?
    public var name: String
    public var role: Role
    public var createdBy: UserID?
    public var createdAt: Date
    public var expiresAt: Date?
    public var revokedAt: Date?
    public var lastUsedAt: Date?

    public init(
        id: APITokenID, workspaceID: WorkspaceID, projectID: ProjectID?, environmentID: EnvironmentID?,
        name: String, role: Role, createdBy: UserID?, createdAt: Date, expiresAt: Date?, revokedAt: Date?,
        lastUsedAt: Date?
    ) {
        self.id = id
        self.workspaceID = workspaceID
        self.projectID = projectID
        self.environmentID = environmentID
        self.name = name
        self.role = role
        self.createdBy = createdBy
        self.createdAt = createdAt
        self.expiresAt = expiresAt
        self.revokedAt = revokedAt
        self.lastUsedAt = lastUsedAt
    }

    public var scope: TokenScope {
        if let projectID, let environmentID { return .environment(workspaceID, projectID, environmentID) }
        return .workspace(workspaceID)
    }

    enum CodingKeys: String, CodingKey {
        case id, workspaceID = "workspaceId", projectID = "projectId", environmentID = "environmentId", name,
             role, createdBy, createdAt, expiresAt, revokedAt, lastUsedAt
    }
}

public struct Invite: Codable, Sendable, Equatable {
    public var id: InviteID
    public var workspaceID: WorkspaceID
    public var email: String
    public var role: Role
    public var createdAt: Date
    public var expiresAt: Date
    public var acceptedAt: Date?

    public init(
        id: InviteID, workspaceID: WorkspaceID, email: String, role: Role, createdAt: Date, expiresAt: Date,
        acceptedAt: Date?
    ) {
        self.id = id
        self.workspaceID = workspaceID
        self.email = email
        self.role = role
        self.createdAt = createdAt
        self.expiresAt = expiresAt
        self.acceptedAt = acceptedAt
    }

    enum CodingKeys: String, CodingKey {
        case id, workspaceID = "workspaceId", email, role, createdAt, expiresAt, acceptedAt
    }
}

public struct AuditEvent: Codable, Sendable, Equatable {
    public var id: AuditEventID
    public var workspaceID: WorkspaceID
    /// Who acted: `user:ID`, `token:ID` or `system`.
    public var actor: String
    public var action: String
    public var targetType: String
    public var targetID: String
    public var clientAddress: String?
    public var createdAt: Date

    public init(
        id: AuditEventID, workspaceID: WorkspaceID, actor: String, action: String, targetType: String,
        targetID: String, clientAddress: String?, createdAt: Date
    ) {
        self.id = id
        self.workspaceID = workspaceID
        self.actor = actor
        self.action = action
        self.targetType = targetType
        self.targetID = targetID
        self.clientAddress = clientAddress
        self.createdAt = createdAt
    }

    enum CodingKeys: String, CodingKey {
        case id, workspaceID = "workspaceId", actor, action, targetType, targetID = "targetId", clientAddress,
             createdAt
    }
}

/// One page of a list, with the cursor of the next page when there is one.
public struct Page<Item: Codable & Sendable>: Codable, Sendable {
    public var items: [Item]
    public var nextCursor: String?

    public init(items: [Item], nextCursor: String?) {
        self.items = items
        self.nextCursor = nextCursor
    }
}

/// How many items a list returns and where it starts.
public struct PageRequest: Sendable, Equatable {
    public static let defaultLimit = 50
    public static let maximumLimit = 200

    public var limit: Int
    public var after: String?

    public init(limit: Int = PageRequest.defaultLimit, after: String? = nil) {
        self.limit = limit
        self.after = after
    }
}
