import Foundation

/// Runs blocking work (unpacking an upload, removing a tree) on a thread of its own, so it
/// holds neither an actor nor one of the few threads of Swift's cooperative pool while it
/// runs: other tenants' deploys go on meanwhile.
public enum BlockingWork {
    public static func run<T: Sendable>(_ body: @escaping @Sendable () throws -> T) async throws -> T {
        try await withCheckedThrowingContinuation { continuation in
            let thread = Thread { continuation.resume(with: Result { try body() }) }
            thread.stackSize = 8 << 20
            thread.start()
        }
    }

    /// Removes a tree off the caller's thread (`ConfinedFolder.removeTree`); failures are
    /// returned for logging, never thrown.
    @discardableResult
    public static func removeTree(_ path: String) async -> String? {
        do {
            try await run { try ConfinedFolder.removeTree(at: path) }
            return nil
        } catch {
            return "\(error)"
        }
    }
}
