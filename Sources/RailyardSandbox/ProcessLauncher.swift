import Foundation

/// Starts processes with no signal blocked. Threads of Swift's concurrency pool block most
/// signals, and a child inherits its parent thread's mask: an app started from one would never
/// receive SIGTERM, so it could not drain. Each launch happens on a fresh thread that first
/// unblocks every signal.
public enum ProcessLauncher {
    public static func launch(_ process: Process) async throws {
        try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Void, any Error>) in
            let thread = Thread {
                var none = sigset_t()
                sigemptyset(&none)
                pthread_sigmask(SIG_SETMASK, &none, nil)
                do {
                    try process.run()
                    continuation.resume()
                } catch {
                    continuation.resume(throwing: error)
                }
            }
            thread.start()
        }
    }

    /// The same, for synchronous callers.
    public static func launchNow(_ process: Process) throws {
        let outcome = LaunchOutcome()
        let thread = Thread {
            var none = sigset_t()
            sigemptyset(&none)
            pthread_sigmask(SIG_SETMASK, &none, nil)
            do {
                try process.run()
            } catch {
                outcome.error = error
            }
            outcome.done.signal()
        }
        thread.start()
        outcome.done.wait()
        if let error = outcome.error { throw error }
    }
}

private final class LaunchOutcome: @unchecked Sendable {
    // Written by the launching thread before `done` is signalled, read after the wait.
    var error: (any Error)?
    let done = DispatchSemaphore(value: 0)
}
