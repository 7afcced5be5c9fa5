import Synchronization

/// The memory that log lines waiting to be written may take, shared by every deployment: a
/// fixed number of bytes, whatever the rate of output. A line that does not fit is dropped (and
/// counted by its deployment) rather than queued: an app that prints faster than its lines can
/// be stored loses lines, not the server's memory.
final class LogMemoryBudget: Sendable {
    let total: Int
    private let used = Atomic<Int>(0)

    init(total: Int) { self.total = total }

    /// Takes `bytes` if they fit.
    func take(_ bytes: Int) -> Bool {
        var current = used.load(ordering: .relaxed)
        while true {
            guard current + bytes <= total else { return false }
            let (exchanged, original) = used.compareExchange(
                expected: current, desired: current + bytes, ordering: .relaxed)
            if exchanged { return true }
            current = original
        }
    }

    func give(_ bytes: Int) {
        used.subtract(bytes, ordering: .relaxed)
    }

    var inUse: Int { used.load(ordering: .relaxed) }
}
