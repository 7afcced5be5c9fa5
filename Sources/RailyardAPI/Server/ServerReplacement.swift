import Dispatch
import Foundation
import Logging
import NIOCore
import RailyardControl
import RailyardEdge
import ServiceLifecycle
import Synchronization

/// `railyard server --replace`: an upgrade that stops no app. The new server asks the running
/// one (by the pid in the data folder's lock) to hand over (SIGUSR2), takes the folder's lock
/// and the store's lease, starts its own replicas of every running deployment, listens beside
/// the old edge (SO_REUSEPORT) once they are healthy, then stops the old server (SIGTERM), which
/// lets its clients finish before its replicas stop, and clears what it left.
enum ServerReplacement {
    /// Sends the handover request to the server holding `dataDirectory`; its pid.
    static func askToHandOver(dataDirectory: String, logger: Logger) throws -> Int32 {
        guard let old = DataFolderLock.holder(dataDirectory: dataDirectory) else {
            throw DataFolderLockError("--replace: no server runs on the data folder \(dataDirectory); start without --replace")
        }
        guard isServer(pid: old) else {
            throw DataFolderLockError("--replace: process \(old), which holds the data folder \(dataDirectory), is not `railyard server`")
        }
        logger.notice("replacing the server running on this data folder: asking it to hand over", metadata: ["railyard.pid": "\(old)"])
        guard kill(old, SIGUSR2) == 0 else {
            throw DataFolderLockError("--replace: cannot signal the running server (pid \(old)): \(String(cString: strerror(errno)))")
        }
        return old
    }

    /// The running server lets go of the folder once it has handed over (at most 30 s).
    static func waitForLock(dataDirectory: String) async throws -> DataFolderLock {
        let deadline = ContinuousClock.now + .seconds(30)
        while true {
            do {
                return try DataFolderLock(dataDirectory: dataDirectory)
            } catch let busy as DataFolderLockError {
                guard ContinuousClock.now < deadline else {
                    throw DataFolderLockError("--replace: the running server did not hand over within 30 s (\(busy.description))")
                }
                try await Task.sleep(for: .milliseconds(50))
            }
        }
    }

    /// Once this server's replicas are healthy and its edge listens: stops the old server,
    /// waits for it to go, and clears what it left.
    static func takeOver(
        from old: Int32, control: DeploymentController, listeners: ListenerCount, expectedListeners: Int, logger: Logger
    ) async throws {
        let deadline = ContinuousClock.now + .seconds(600)
        while !(await control.replacementReady()) || listeners.count < expectedListeners {
            guard ContinuousClock.now < deadline else {
                logger.warning("the replicas are not all healthy after 10 minutes: replacing the old server anyway")
                break
            }
            try await Task.sleep(for: .milliseconds(50))
        }
        logger.notice("every replica is healthy and the edge listens: stopping the replaced server", metadata: ["railyard.pid": "\(old)"])
        // Connections the kernel queued on the old listener when it closes would be reset;
        // with tcp_migrate_req they move to this server's listener on the same port. Set for
        // the handover only, and put back as it was.
        let migration = QueuedConnectionMigration(logger: logger)
        defer { migration.restore() }
        if kill(old, SIGTERM) == 0 {
            let stopBy = ContinuousClock.now + .seconds(60)
            while isAlive(old) && ContinuousClock.now < stopBy { try await Task.sleep(for: .milliseconds(50)) }
            if isAlive(old) {
                logger.warning("the replaced server did not stop within 60 s: killing it", metadata: ["railyard.pid": "\(old)"])
                kill(old, SIGKILL)
                while isAlive(old) { try await Task.sleep(for: .milliseconds(50)) }
            }
        }
        await control.finishReplacement()
    }

    /// Calls `handOver` when a replacing server asks (SIGUSR2), one at a time. Keep the
    /// returned source.
    static func onHandoverRequest(_ handOver: @escaping @Sendable () async -> Void) -> any DispatchSourceSignal {
        signal(SIGUSR2, SIG_IGN)
        let source = DispatchSource.makeSignalSource(signal: SIGUSR2)
        let gate = HandoverGate()
        source.setEventHandler {
            guard gate.enter() else { return }
            Task {
                await handOver()
                gate.leave()
            }
        }
        source.resume()
        return source
    }

    /// The old server's half, after it handed over: the replacing server takes the data
    /// folder within moments. If the folder stays free for `patience` (it never started, or
    /// died before it took over), this server takes everything back: the lock (returned, to
    /// keep), the lease, and the management of its apps. Returns nil once it is being stopped.
    static func resumeIfAbandoned(
        dataDirectory: String, control: DeploymentController, logger: Logger, patience: Duration = .seconds(15)
    ) async -> DataFolderLock? {
        var freeSince: ContinuousClock.Instant?
        while !Task.isCancelled && !Task.isShuttingDownGracefully {
            try? await Task.sleep(for: .milliseconds(500))
            guard DataFolderLock.holder(dataDirectory: dataDirectory) == nil else {
                freeSince = nil
                continue
            }
            let since = freeSince ?? .now
            freeSince = since
            guard ContinuousClock.now - since >= patience, let lock = try? DataFolderLock(dataDirectory: dataDirectory) else { continue }
            do {
                try await control.resumeAfterFailedHandover()
                return lock
            } catch {
                logger.error("the replacing server did not take over, and this one cannot take the store back", metadata: ["error": "\(error)"])
                lock.release()
                freeSince = nil
            }
        }
        return nil
    }

    /// Whether `pid` runs `railyard server` (the lock file's pid could be stale and reused).
    static func isServer(pid: Int32) -> Bool {
        guard let data = FileManager.default.contents(atPath: "/proc/\(pid)/cmdline") else { return false }
        let arguments = data.split(separator: 0).map { String(decoding: $0, as: UTF8.self) }
        return arguments.count >= 2 && arguments[1] == "server"
    }

    /// Alive and not a zombie (a process nobody has reaped yet is gone for this purpose).
    static func isAlive(_ pid: Int32) -> Bool {
        guard kill(pid, 0) == 0 else { return false }
        guard let stat = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8),
              let close = stat.lastIndex(of: ")")
        else { return false }
        return stat[stat.index(after: close)...].trimmingCharacters(in: .whitespaces).first != "Z"
    }
}

/// `net.ipv4.tcp_migrate_req` turned on for the time of a handover (Linux 5.14 and later):
/// connections waiting in the accept queue of a listener that closes move to another listener
/// of the same SO_REUSEPORT group instead of being reset.
struct QueuedConnectionMigration {
    static let setting = "/proc/sys/net/ipv4/tcp_migrate_req"
    let changed: Bool

    init(logger: Logger) {
        let current = (try? String(contentsOfFile: Self.setting, encoding: .utf8))?.trimmingCharacters(in: .whitespacesAndNewlines)
        guard current == "0" else {
            if current == nil {
                logger.warning("this kernel cannot move queued connections between listeners: a few may be reset as the old server stops")
            }
            changed = false
            return
        }
        changed = Self.write("1")
        if !changed {
            logger.warning("cannot turn on net.ipv4.tcp_migrate_req (not root?): a few queued connections may be reset as the old server stops")
        }
    }

    func restore() {
        if changed { _ = Self.write("0") }
    }

    private static func write(_ value: String) -> Bool {
        let fd = open(setting, O_WRONLY | O_CLOEXEC)
        guard fd >= 0 else { return false }
        defer { close(fd) }
        return value.withCString { Glibc.write(fd, $0, strlen($0)) } == value.utf8.count
    }
}

/// One handover at a time.
final class HandoverGate: Sendable {
    private let busy = Atomic<Bool>(false)
    func enter() -> Bool { busy.compareExchange(expected: false, desired: true, ordering: .acquiring).exchanged }
    func leave() { busy.store(false, ordering: .releasing) }
}

/// How many edge listeners are bound.
final class ListenerCount: Sendable {
    private let value = Atomic<Int>(0)
    func add() { value.add(1, ordering: .relaxed) }
    var count: Int { value.load(ordering: .relaxed) }
}

/// An edge listener bound only once `ready` says so (a replacing server's, beside the old
/// server's listener on the same port), then kept like `EdgeService`'s.
struct DeferredEdgeService: ServiceLifecycle.Service {
    let bind: @Sendable () async throws -> any Channel
    let ready: @Sendable () async -> Bool
    let bound: ListenerCount
    let edge: EdgeServer

    func run() async throws {
        while !(await ready()) {
            if Task.isCancelled || Task.isShuttingDownGracefully { return }
            try? await Task.sleep(for: .milliseconds(50))
        }
        let channel: any Channel
        do {
            channel = try await bind()
        } catch {
            throw ConfigurationError("the edge router cannot listen beside the replaced server: \(error) (a server older than --replace does not share its ports: stop it and start this one)")
        }
        bound.add()
        try await EdgeService(channel: channel, edge: edge).run()
    }
}
