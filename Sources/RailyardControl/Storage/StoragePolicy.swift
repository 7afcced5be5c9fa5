import Foundation
import RailyardCore
import RailyardStore

/// How much stored source and artifacts a service and a workspace may hold.
public struct StorageLimits: Sendable, Equatable {
    public static let defaultPerService: Int64 = 2 << 30
    public static let defaultPerWorkspace: Int64 = 10 << 30

    /// Bytes of one service's source archives and artifact folders.
    public var perService: Int64
    /// Bytes of the source archives and artifact folders of every service of one workspace.
    public var perWorkspace: Int64

    public init(perService: Int64 = StorageLimits.defaultPerService, perWorkspace: Int64 = StorageLimits.defaultPerWorkspace) {
        self.perService = perService
        self.perWorkspace = perWorkspace
    }
}

/// Bytes on disk that belong to a service and to its workspace.
public struct StorageUsage: Sendable, Equatable {
    public var service: Int64
    public var workspace: Int64

    public init(service: Int64, workspace: Int64) {
        self.service = service
        self.workspace = workspace
    }

    public static func + (lhs: Self, rhs: Self) -> Self {
        Self(service: lhs.service + rhs.service, workspace: lhs.workspace + rhs.workspace)
    }
}

/// The pure decisions about stored files: what an upload may add, and which files may go.
public enum StoragePolicy {
    /// Bytes an upload may still add, and the limit that runs out first.
    public struct Room: Sendable, Equatable {
        public var bytes: Int64
        public var limit: Limit
    }

    public enum Limit: Sendable, Equatable {
        case service, workspace
    }

    /// The room left under both limits, given what is stored (and being uploaded by others).
    public static func room(used: StorageUsage, limits: StorageLimits) -> Room {
        let service = limits.perService - used.service
        let workspace = limits.perWorkspace - used.workspace
        return service <= workspace ? Room(bytes: service, limit: .service) : Room(bytes: workspace, limit: .workspace)
    }

    /// The error for an upload of `adding` bytes (at least that many when `atLeast`) that does
    /// not fit; nil when it fits. An upload must add something: with no room left, any
    /// upload is refused.
    public static func problem(
        adding: Int64, atLeast: Bool = false, used: StorageUsage, limits: StorageLimits
    ) -> RailyardError? {
        for limit in [Limit.service, .workspace] {
            let (cap, stored) = limit == .service ? (limits.perService, used.service) : (limits.perWorkspace, used.workspace)
            guard stored + adding > cap || stored >= cap else { continue }
            let whose = limit == .service ? "this service's" : "this workspace's"
            let flag = limit == .service ? "--service-storage-limit" : "--workspace-storage-limit"
            let upload = adding > 0 ? "; this upload: \(atLeast ? "more than " : "")\(size(adding))" : ""
            let remedy = limit == .service
                ? "delete services you no longer need, or ask the server's operator to raise `railyard server \(flag)`"
                : "delete services or projects of this workspace you no longer need, or ask the server's operator to raise `railyard server \(flag)`"
            return .quotaExceeded(
                "storage limit reached: \(whose) source archives and artifacts may take \(size(cap)) "
                    + "(the limit per \(limit == .service ? "service" : "workspace")), and \(size(stored)) are stored\(upload). "
                    + "Older deployments beyond the kept ones are pruned on each deploy; to make room, \(remedy)")
        }
        return nil
    }

    /// `1.5 GiB`, `12 MiB`, `300 KiB`, `17 bytes`.
    public static func size(_ bytes: Int64) -> String {
        let units: [(Int64, String)] = [(1 << 30, "GiB"), (1 << 20, "MiB"), (1 << 10, "KiB")]
        for (unit, name) in units where bytes >= unit {
            let value = Double(bytes) / Double(unit)
            let text = value >= 100 || value == value.rounded() ? String(Int(value.rounded())) : String(format: "%.1f", value)
            return "\(text) \(name)"
        }
        return bytes == 1 ? "1 byte" : "\(bytes) bytes"
    }

    /// Deployments that may still build or run: their files stay.
    static func holds(_ status: DeploymentStatus) -> Bool {
        switch status {
        case .queued, .building, .deploying, .success, .crashed: true
        case .failed, .removed, .skipped: false
        }
    }

    /// The source archives of one service to delete (its deployments newest first): the
    /// archives of the newest `kept` deployments stay, and those of deployments still waiting
    /// to be built, whatever became of the others (a failed deploy's too).
    public static func archivesToDelete(_ files: [Store.StoredFiles], kept: Int) -> [String] {
        let named = files.filter { $0.archive != nil }
        var keep = Set(named.prefix(kept).compactMap(\.archive))
        for file in named where file.status == .queued || file.status == .building {
            if let archive = file.archive { keep.insert(archive) }
        }
        return Set(named.compactMap(\.archive)).subtracting(keep).filter(isPlainName).sorted()
    }

    /// The artifact folders of one service (`folders`: the names in `artifacts/SERVICE`) to
    /// delete beyond the newest `kept`: those of builds that failed or were skipped, or of
    /// deployments that no longer exist, unless a deployment that may still run names them.
    /// Folders of deployments that ran are left to the controller, which knows what still runs.
    public static func artifactsToDelete(service: ServiceID, folders: [String], files: [Store.StoredFiles], kept: Int) -> [String] {
        var status: [String: DeploymentStatus] = [:]
        var used = Set<String>()
        for file in files where file.service == service {
            status[file.deployment.rawValue] = file.status
            if holds(file.status), let artifact = file.artifact { used.insert(artifact) }
        }
        return folders.filter(isPlainName).sorted(by: >).dropFirst(kept).filter { name in
            guard !used.contains("\(service.rawValue)/\(name)") else { return false }
            guard let current = status[name] else { return true }
            return current == .failed || current == .skipped
        }
    }

    /// Files of the sources folder nothing needs: uploads that never finished (`.partial`),
    /// and archives no deployment names unless their deployment is still being built (a git
    /// deploy writes its archive before recording it). Anything else is left alone.
    public static func strayFiles(inSources names: [String], files: [Store.StoredFiles]) -> [String] {
        let named = Set(files.compactMap(\.archive))
        let building = Set(files.filter { $0.status == .queued || $0.status == .building }.map { "\($0.deployment.rawValue).tar.gz" })
        return names.filter { name in
            guard isPlainName(name) else { return false }
            if name.hasSuffix(".partial") { return true }
            return name.hasSuffix(".tar.gz") && !named.contains(name) && !building.contains(name)
        }.sorted()
    }

    static func isPlainName(_ name: String) -> Bool {
        !name.isEmpty && name != "." && name != ".." && !name.contains("/")
    }
}
