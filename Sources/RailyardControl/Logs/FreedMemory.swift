import CRailyardSystem
import Synchronization

/// Gives memory that log traffic freed back to the system.
///
/// glibc keeps freed memory in the arena of the thread that allocated it (one arena per busy
/// thread, up to eight per core) and returns it only from the top of a heap. Lines come in on
/// output-reading threads, are written on the concurrency pool and read back on the thread
/// pool, so a chatty app's traffic left a server holding 142 MB of which 12 MB were in use
/// (`malloc_stats`, measured while `railyard up` followed such an app). After every few
/// megabytes of log traffic, at most once a second, `malloc_trim` hands the free pages back.
final class FreedMemory: Sendable {
    static let bytesBetweenTrims = 4 << 20
    static let timeBetweenTrims: Duration = .seconds(1)

    private struct State {
        var bytes = 0
        var last = ContinuousClock.now
    }

    private let state = Mutex(State())

    /// Counts `bytes` of log lines allocated and freed; trims when enough went by.
    func handled(_ bytes: Int) {
        let due: Bool = state.withLock { state in
            state.bytes += bytes
            guard state.bytes >= Self.bytesBetweenTrims, ContinuousClock.now - state.last >= Self.timeBetweenTrims
            else { return false }
            state.bytes = 0
            state.last = .now
            return true
        }
        if due { _ = railyard_malloc_trim() }
    }
}
