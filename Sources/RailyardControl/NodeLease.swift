import Foundation
import Logging
import RailyardCore
import RailyardStore
import Synchronization

/// This server as a node of its store: a lasting identity (kept in the data folder) and the
/// store's lease, which only one server holds at a time. Only the holder builds, deploys and
/// recovers; a second server on the same store is refused (or, as a standby, waits for the
/// lease), so two servers never kill or duplicate each other's apps.
public actor NodeLease {
    public nonisolated let me: NodeLeaseHolder
    let store: Store
    let logger: Logger
    /// How long a lease lasts without renewal: how long a standby waits after the holder died.
    public nonisolated let duration: Duration
    nonisolated var renewEvery: Duration { duration / 3 }
    private var held = false
    /// Given up for good (a clean stop, a handover): never taken back by `keep()`, whose
    /// same-node rule would otherwise take it from this node's replacing server.
    private var retired = false
    private var waiters: [CheckedContinuation<Void, Never>] = []

    public init(store: Store, node: String, dataDirectory: String, logger: Logger, duration: Duration = .seconds(15)) {
        self.store = store
        self.logger = logger
        self.duration = duration
        me = NodeLeaseHolder(
            node: node, holder: UUID().uuidString.lowercased(), host: ProcessInfo.processInfo.hostName,
            pid: getpid(), dataDirectory: dataDirectory)
    }

    public var isHeld: Bool { held }

    /// Takes the lease, or throws `NodeLeaseRefusal` naming its holder; with `standby`, waits
    /// until the holder lets it go or stops renewing it.
    public func acquire(standby: Bool) async throws {
        var announced = false
        while true {
            switch try await store.acquireLease(me, for: duration) {
            case .acquired(let previous):
                if let previous, previous.node != me.node {
                    logger.notice("took over the store from another node", metadata: [
                        "railyard.node": "\(me.node)", "railyard.previous": "\(previous)",
                    ])
                }
                setHeld(true)
                return
            case .held(let other):
                guard standby else { throw NodeLeaseRefusal(holder: other, me: me, duration: duration) }
                if !announced {
                    logger.notice("standby: another server holds the store; waiting for its lease to end", metadata: [
                        "railyard.holder": "\(other)", "railyard.node": "\(me.node)",
                    ])
                    announced = true
                }
                try await Task.sleep(for: renewEvery)
            }
        }
    }

    /// Returns once the lease is held (at once when it is).
    public func waitUntilHeld() async {
        if held { return }
        await withCheckedContinuation { waiters.append($0) }
    }

    /// Renews the lease until cancelled. A lease lost (this server could not renew in time,
    /// say through a long store outage, and another took it) stops this server's builds and
    /// deploys, never its running apps; it is taken back once free again.
    public func keep() async {
        var failures = 0
        while !Task.isCancelled {
            try? await Task.sleep(for: renewEvery)
            if Task.isCancelled { break }
            if retired { continue }
            do {
                if held {
                    if try await store.renewLease(me, for: duration) {
                        if failures > 0 { logger.notice("the store's lease is renewed again") }
                        failures = 0
                    } else {
                        let holder = try? await store.leaseHolder()
                        logger.error("lost the store's lease: builds and deploys stop here until it is free again (running apps keep running)", metadata: [
                            "railyard.holder": "\(holder.map(\.description) ?? "nobody")",
                        ])
                        setHeld(false)
                    }
                } else if case .acquired = try await store.acquireLease(me, for: duration) {
                    logger.notice("took the store's lease back")
                    setHeld(true)
                }
            } catch {
                failures += 1
                if failures == 1 || failures % 12 == 0 {
                    logger.warning("cannot renew the store's lease", metadata: ["error": "\(error)"])
                }
            }
        }
    }

    /// Gives the lease up (a clean stop), so that another server can start at once.
    public func release() async {
        retired = true
        guard held else { return }
        setHeld(false)
        do {
            // Its own task: the server's is cancelled by now, and a cancelled query never runs.
            let (store, me) = (self.store, self.me)
            try await Task { try await store.releaseLease(me) }.value
        } catch {
            logger.warning("cannot release the store's lease; it expires by itself", metadata: ["error": "\(error)"])
        }
    }

    /// Takes the lease again after a handover that did not happen (the replacing server never
    /// took over); throws when another server holds it.
    public func resume() async throws {
        retired = false
        try await acquire(standby: false)
    }

    private func setHeld(_ value: Bool) {
        held = value
        if value {
            for waiter in waiters { waiter.resume() }
            waiters = []
        }
    }

    /// The node identity kept in `dataDirectory` (created at the first start): the data folder
    /// is the node, wherever its path or host name is.
    public static func nodeIdentity(dataDirectory: String) throws -> String {
        let file = (dataDirectory as NSString).appendingPathComponent("node-id")
        if let text = try? String(contentsOfFile: file, encoding: .utf8) {
            let id = text.trimmingCharacters(in: .whitespacesAndNewlines)
            if id.count >= 8, id.count <= 64, id.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "-") }) {
                return id
            }
        }
        let alphabet = Array("abcdefghijklmnopqrstuvwxyz0123456789")
        var generator = SystemRandomNumberGenerator()
        let id = "node-" + String((0..<12).map { _ in alphabet[Int(generator.next(upperBound: UInt(alphabet.count)))] })
        try Data((id + "\n").utf8).write(to: URL(fileURLWithPath: file), options: .atomic)
        return id
    }
}

/// Another server holds the store: this one must not start (or starts as a standby).
public struct NodeLeaseRefusal: Error, CustomStringConvertible {
    public let holder: NodeLeaseHolder
    public let me: NodeLeaseHolder
    public let duration: Duration

    public var description: String {
        let left = max(0, Int(holder.expiresAt.timeIntervalSinceNow.rounded(.up)))
        return """
            another Railyard server already runs on this store: \(holder) holds its lease (renewed every \
            few seconds; \(left) s left). One server acts on a store at a time, so that none kills or duplicates \
            another's apps. Stop that server, give this one a store of its own (another --database-url, or \
            no DATABASE_URL for SQLite in its data folder), or start this one with --standby to take over \
            when the other stops (at most \(duration.components.seconds) s after it dies).
            """
    }
}

/// The data folder's lock: one server process per data folder, whatever store it uses. Held
/// for the life of the process (the kernel lets go of it when the process dies, even by
/// kill -9); not inherited by builds or apps.
public final class DataFolderLock: Sendable {
    private let descriptor: Mutex<Int32>

    /// Takes the lock, or throws naming the server that holds it. With `waiting`, a holder
    /// (an old server handing over to this one) is waited for that long.
    public init(dataDirectory: String, waiting: Duration = .zero) throws {
        let path = (dataDirectory as NSString).appendingPathComponent("server.lock")
        let fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0o600)
        guard fd >= 0 else { throw DataFolderLockError("cannot open \(path): \(String(cString: strerror(errno)))") }
        let deadline = ContinuousClock.now + waiting
        while flock(fd, LOCK_EX | LOCK_NB) != 0 {
            if ContinuousClock.now < deadline {
                usleep(50_000)
                continue
            }
            let pid = Self.holder(descriptor: fd).map(String.init) ?? "?"
            close(fd)
            throw DataFolderLockError(
                "another Railyard server (pid \(pid)) uses the data folder \(dataDirectory): stop it first, give this one its own folder with --data, or replace it (an upgrade) with --replace")
        }
        let text = Array("\(getpid())\n".utf8)
        _ = ftruncate(fd, 0)
        _ = pwrite(fd, text, text.count, 0)
        descriptor = Mutex(fd)
    }

    /// Lets go of the folder (a server handing over to its replacement).
    public func release() {
        descriptor.withLock { fd in
            if fd >= 0 { close(fd) }
            fd = -1
        }
    }

    /// The pid of the server holding `dataDirectory`'s lock, if one does.
    public static func holder(dataDirectory: String) -> Int32? {
        let path = (dataDirectory as NSString).appendingPathComponent("server.lock")
        let fd = open(path, O_RDWR | O_CLOEXEC | O_NOFOLLOW)
        guard fd >= 0 else { return nil }
        defer { close(fd) }
        if flock(fd, LOCK_EX | LOCK_NB) == 0 {
            _ = flock(fd, LOCK_UN)
            return nil
        }
        return holder(descriptor: fd)
    }

    private static func holder(descriptor fd: Int32) -> Int32? {
        var buffer = [UInt8](repeating: 0, count: 32)
        let count = pread(fd, &buffer, buffer.count, 0)
        guard count > 0 else { return nil }
        return Int32(String(decoding: buffer[0..<count], as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines))
    }

    deinit { release() }
}

public struct DataFolderLockError: Error, CustomStringConvertible {
    public let description: String
    public init(_ description: String) { self.description = description }
}
