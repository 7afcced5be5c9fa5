import Foundation
import Logging
import RailyardCore
import RailyardSandbox
import RailyardStore
import Synchronization

/// Keeps the data folder's source archives and artifacts within the storage limits, and
/// free of files nothing needs. Usage is measured on disk (the archives a service's
/// deployments name, and its artifact folder), plus the bytes of uploads still arriving.
/// Uploads are admitted before their first byte, checked as they arrive, and committed one at
/// a time after a fresh measurement, so concurrent uploads cannot together pass a limit.
public final class StorageGuard: Sendable {
    public let limits: StorageLimits
    /// Deployments of a service whose files are kept (`--artifacts-kept`).
    public let kept: Int
    public let sources: URL
    public let artifacts: URL
    let store: Store
    let logger: Logger
    private let inFlight = Mutex<[Int: Upload]>([:])
    private let nextUpload = Atomic<Int>(0)
    private let commits = AsyncSlots(1)

    /// An upload being received.
    public struct Upload: Sendable {
        public let id: Int
        public let service: ServiceID
        public let workspace: WorkspaceID
        /// Bytes it may bring before a limit is reached (as measured when it started).
        public let room: StoragePolicy.Room
        /// What was stored, and being uploaded by others, when it started.
        let used: StorageUsage
        var received: Int64 = 0
    }

    public init(store: Store, sources: URL, artifacts: URL, limits: StorageLimits, kept: Int, logger: Logger) {
        self.store = store
        self.sources = sources
        self.artifacts = artifacts
        self.limits = limits
        self.kept = kept
        self.logger = logger
    }

    // MARK: Measuring

    /// Bytes stored for `service` and for every service of `workspace`.
    public func usage(service: ServiceID, workspace: WorkspaceID) async throws -> StorageUsage {
        let services = try await store.serviceIDs(inWorkspace: workspace)
        let files = try await store.storedFiles(of: services.contains(service) ? services : services + [service])
        var archives: [ServiceID: Set<String>] = [:]
        for file in files {
            if let archive = file.archive, StoragePolicy.isPlainName(archive) { archives[file.service, default: []].insert(archive) }
        }
        let sources = self.sources.path
        let artifacts = self.artifacts.path
        let all = Set(services + [service])
        let named = archives
        let perService = try await BlockingWork.run { () -> [ServiceID: Int64] in
            var bytes: [ServiceID: Int64] = [:]
            for id in all {
                var total = DiskUsage.bytes(at: artifacts + "/" + id.rawValue)
                for archive in named[id] ?? [] { total += DiskUsage.bytes(at: sources + "/" + archive) }
                bytes[id] = total
            }
            return bytes
        }
        let workspaceBytes = services.reduce(Int64(0)) { $0 + (perService[$1] ?? 0) }
        return StorageUsage(service: perService[service] ?? 0, workspace: workspaceBytes)
    }

    /// Bytes of uploads still arriving, other than `excluded`.
    func arriving(service: ServiceID, workspace: WorkspaceID, excluding excluded: Int?) -> StorageUsage {
        inFlight.withLock { uploads in
            var total = StorageUsage(service: 0, workspace: 0)
            for upload in uploads.values where upload.id != excluded {
                if upload.service == service { total.service += upload.received }
                if upload.workspace == workspace { total.workspace += upload.received }
            }
            return total
        }
    }

    // MARK: Uploads

    /// Admits an upload of `declaredLength` bytes (unknown when nil), or throws the error
    /// naming the limit it would pass. The caller ends it with `finish`, whatever happens.
    public func admit(service: ServiceID, workspace: WorkspaceID, declaredLength: Int64?) async throws -> Upload {
        let used = try await usage(service: service, workspace: workspace)
            + arriving(service: service, workspace: workspace, excluding: nil)
        if let problem = StoragePolicy.problem(adding: declaredLength ?? 0, used: used, limits: limits) { throw problem }
        let upload = Upload(
            id: nextUpload.add(1, ordering: .relaxed).newValue, service: service, workspace: workspace,
            room: StoragePolicy.room(used: used, limits: limits), used: used)
        inFlight.withLock { $0[upload.id] = upload }
        return upload
    }

    /// Counts the bytes received so far; throws once they pass a limit.
    public func received(_ bytes: Int64, for upload: Upload) throws {
        inFlight.withLock { $0[upload.id]?.received = bytes }
        if bytes > upload.room.bytes,
           let problem = StoragePolicy.problem(adding: bytes, atLeast: true, used: upload.used, limits: limits) {
            throw problem
        }
    }

    /// Measures again, with other uploads' commits done, and runs `store` (which moves the
    /// file into place and records it) only if the upload still fits; then prunes the
    /// service's older files. One commit at a time.
    public func commit<T: Sendable>(_ upload: Upload, bytes: Int64, _ store: () async throws -> T) async throws -> T {
        try await commits.acquire()
        do {
            let used = try await usage(service: upload.service, workspace: upload.workspace)
            if let problem = StoragePolicy.problem(adding: bytes, used: used, limits: limits) { throw problem }
            let result = try await store()
            await commits.release()
            await prune(service: upload.service)
            return result
        } catch {
            await commits.release()
            throw error
        }
    }

    /// Forgets an upload (done or failed).
    public func finish(_ upload: Upload) {
        _ = inFlight.withLock { $0.removeValue(forKey: upload.id) }
    }

    // MARK: Cleaning

    /// Deletes a service's source archives and failed builds' artifacts beyond the newest
    /// `kept` deployments (see `StoragePolicy`), and forgets the deleted archives.
    public func prune(service: ServiceID) async {
        do {
            let files = try await store.storedFiles(of: [service])
            let archives = StoragePolicy.archivesToDelete(files, kept: kept)
            for name in archives { unlink(sources.appendingPathComponent(name).path) }
            try await store.forgetSourceArchives(archives)
            let folder = artifacts.appendingPathComponent(service.rawValue)
            let folders = (try? FileManager.default.contentsOfDirectory(atPath: folder.path)) ?? []
            for name in StoragePolicy.artifactsToDelete(service: service, folders: folders, files: files, kept: kept) {
                if let problem = await BlockingWork.removeTree(folder.appendingPathComponent(name).path) {
                    logger.warning("cannot remove an artifact", metadata: ["railyard.artifact": "\(service)/\(name)", "error": "\(problem)"])
                }
            }
        } catch {
            logger.warning("cannot prune stored files", metadata: ["railyard.service.id": "\(service)", "error": "\(error)"])
        }
    }

    /// At start, before uploads are taken: deletes uploads that never finished, source
    /// archives no deployment names, artifact folders, dependency layers and download caches
    /// of services that no longer exist, and
    /// each service's files beyond what is kept.
    public func sweep() async {
        do {
            let files = try await store.storedFiles(of: nil)
            let names = (try? FileManager.default.contentsOfDirectory(atPath: sources.path)) ?? []
            let stray = StoragePolicy.strayFiles(inSources: names, files: files)
            for name in stray { unlink(sources.appendingPathComponent(name).path) }
            let services = try await store.allServiceIDs()
            let existing = Set(services.map(\.rawValue))
            var gone: [String] = []
            for name in (try? FileManager.default.contentsOfDirectory(atPath: artifacts.path)) ?? []
            where StoragePolicy.isPlainName(name) && ServiceID.isWellFormed(name) && !existing.contains(name) {
                gone.append(name)
                await BlockingWork.removeTree(artifacts.appendingPathComponent(name).path)
            }
            // Dependency layers and download caches (`DATA/layers/SERVICE`, `DATA/caches/SERVICE`)
            // of services that no longer exist.
            let data = artifacts.deletingLastPathComponent()
            for kept in ["layers", "caches"] {
                let folder = data.appendingPathComponent(kept)
                for name in (try? FileManager.default.contentsOfDirectory(atPath: folder.path)) ?? []
                where StoragePolicy.isPlainName(name) && ServiceID.isWellFormed(name) && !existing.contains(name) {
                    gone.append(name)
                    await BlockingWork.removeTree(folder.appendingPathComponent(name).path)
                }
            }
            for service in services { await prune(service: service) }
            if !stray.isEmpty || !gone.isEmpty {
                logger.notice("removed stored files nothing needs", metadata: [
                    "railyard.sources.removed": "\(stray.count)", "railyard.artifacts.services.removed": "\(gone.count)",
                ])
            }
        } catch {
            logger.warning("cannot sweep stored files", metadata: ["error": "\(error)"])
        }
    }
}
