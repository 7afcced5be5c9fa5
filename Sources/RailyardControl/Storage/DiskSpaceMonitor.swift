import Foundation
import Logging
import RailyardCore
import RailyardStore
import ServiceLifecycle
import Synchronization

/// Watches the free space of the data folder (the SQLite store, uploads, artifacts, builds and
/// logs all live there). Checked every `interval`: below `warnBelow` the server log gets a
/// warning (when it falls below, then every `reminder` while it stays low, and a notice once
/// it recovers), so that an operator hears of it before writes start failing. Below
/// `DiskSpace.reserve` the folder counts as full: readiness and uploads say so at once.
public final class DiskSpaceMonitor: Sendable, ServiceLifecycle.Service {
    public static let defaultWarnBelow: Int64 = 1 << 30
    public static let defaultInterval: Duration = .seconds(30)

    public let folder: String
    public let warnBelow: Int64
    public let interval: Duration
    public let reminder: Duration
    let logger: Logger

    private enum Level: Equatable { case fine, low }
    private let state = Mutex<(level: Level, warnedAt: ContinuousClock.Instant?)>((.fine, nil))

    public init(
        folder: String, warnBelow: Int64 = DiskSpaceMonitor.defaultWarnBelow,
        interval: Duration = DiskSpaceMonitor.defaultInterval, reminder: Duration = .seconds(600), logger: Logger
    ) {
        self.folder = folder
        self.warnBelow = warnBelow
        self.interval = interval
        self.reminder = reminder
        self.logger = logger
    }

    public func run() async throws {
        try? await cancelWhenGracefulShutdown {
            while !Task.isCancelled {
                self.check()
                try await Task.sleep(for: self.interval)
            }
        }
    }

    /// Measures once and logs what changed (or reminds); returns the bytes free.
    @discardableResult
    public func check(now: ContinuousClock.Instant = .now) -> Int64? {
        guard let free = DiskSpace.available(at: folder) else { return nil }
        let metadata: Logger.Metadata = [
            "railyard.data": "\(folder)", "railyard.disk.free_bytes": "\(free)", "railyard.disk.warn_below_bytes": "\(warnBelow)",
        ]
        enum Say { case nothing, warn, recovered }
        let say: Say = state.withLock { state in
            if free < warnBelow {
                let due = state.warnedAt.map { now - $0 >= reminder } ?? true
                state.level = .low
                if due { state.warnedAt = now }
                return due ? .warn : .nothing
            }
            let was = state.level
            state = (.fine, nil)
            return was == .low ? .recovered : .nothing
        }
        switch say {
        case .warn:
            logger.warning(
                "free space in the data folder is low: \(free / (1 << 20)) MiB left\(free < DiskSpace.reserve ? " (full: writes fail)" : ""); free some space",
                metadata: metadata)
        case .recovered:
            logger.notice("free space in the data folder is back above the warning threshold", metadata: metadata)
        case .nothing:
            break
        }
        return free
    }

    /// The error of a full data folder, or nil while it has room.
    public func fullProblem() -> RailyardError? {
        guard DiskSpace.isFull(at: folder) else { return nil }
        return .diskFull(folder: folder, what: "the data folder")
    }

    /// The error when `bytes` more would not fit in the data folder (keeping the reserve).
    public func problem(adding bytes: Int64, into subfolder: String, what: String) -> RailyardError? {
        guard let free = DiskSpace.available(at: subfolder) else { return nil }
        guard free - bytes < DiskSpace.reserve else { return nil }
        return .diskFull(folder: subfolder, what: what)
    }
}
