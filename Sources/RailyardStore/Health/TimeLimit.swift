import Synchronization

/// Runs `work` in a task of its own and returns what it returns, unless `limit` passes first:
/// then `onExpiry` runs (it should make `work` end: close what it waits on), `work` is
/// cancelled and `expired()` is thrown at once, without waiting for `work` to end.
///
/// Why not a task group: a group waits for all its children, and PostgresNIO has waits that
/// neither heed cancellation nor end when their connection closes (a statement written to a
/// connection closed a moment before hangs for ever). A caller must get its answer within the
/// limit whatever the driver does; what `work` still holds is released when it ends, if ever.
/// Cancelling the caller cancels `work` and ends the wait too.
func withTimeLimit<T: Sendable>(
    _ limit: Duration,
    onExpiry: @escaping @Sendable () async -> Void,
    expired: @escaping @Sendable () -> any Error,
    _ work: @escaping @Sendable () async throws -> T
) async throws -> T {
    let outcome = OneOutcome<T>()
    return try await withTaskCancellationHandler {
        try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<T, any Error>) in
            guard outcome.wait(continuation) else { return }
            let running = Task {
                do {
                    outcome.finish(.success(try await work()))
                } catch {
                    outcome.finish(.failure(error))
                }
            }
            let timer = Task {
                do {
                    try await Task.sleep(for: limit)
                } catch {
                    return  // `work` ended first
                }
                guard outcome.finish(.failure(expired())) else { return }
                running.cancel()
                await onExpiry()
            }
            outcome.whenFinished {
                timer.cancel()
                running.cancel()
            }
        }
    } onCancel: {
        outcome.finish(.failure(CancellationError()))
    }
}

/// The one result of `withTimeLimit`: whichever of the work, the timer and cancellation comes
/// first resumes the caller; the others find it finished.
private final class OneOutcome<T: Sendable>: Sendable {
    private struct State {
        var continuation: CheckedContinuation<T, any Error>?
        var result: Result<T, any Error>?
        var onFinish: (@Sendable () -> Void)?
    }

    private let state = Mutex(State())

    /// Takes the caller's continuation; false (after resuming it) when finished already.
    func wait(_ continuation: CheckedContinuation<T, any Error>) -> Bool {
        let early: Result<T, any Error>? = state.withLock { state in
            if let result = state.result { return result }
            state.continuation = continuation
            return nil
        }
        guard let early else { return true }
        continuation.resume(with: early)
        return false
    }

    /// Runs `action` once finished (now, if it is).
    func whenFinished(_ action: @escaping @Sendable () -> Void) {
        let now = state.withLock { state in
            if state.result != nil { return true }
            state.onFinish = action
            return false
        }
        if now { action() }
    }

    /// Finishes with `result`; false when finished already.
    @discardableResult
    func finish(_ result: Result<T, any Error>) -> Bool {
        let taken = state.withLock { state -> (CheckedContinuation<T, any Error>?, (@Sendable () -> Void)?)? in
            guard state.result == nil else { return nil }
            state.result = result
            defer {
                state.continuation = nil
                state.onFinish = nil
            }
            return (state.continuation, state.onFinish)
        }
        guard let (continuation, onFinish) = taken else { return false }
        continuation?.resume(with: result)
        onFinish?()
        return true
    }
}
