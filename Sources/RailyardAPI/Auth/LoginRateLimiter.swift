import Foundation
import Synchronization

/// Counts failed logins per client address and per account in a sliding window. Past the limit,
/// attempts are refused with the seconds until the oldest failure leaves the window, without
/// checking the password at all.
public final class LoginRateLimiter: Sendable {
    public struct Policy: Sendable {
        public var window: TimeInterval
        public var failuresPerAccount: Int
        public var failuresPerAddress: Int

        public init(window: TimeInterval = 15 * 60, failuresPerAccount: Int = 5, failuresPerAddress: Int = 20) {
            self.window = window
            self.failuresPerAccount = failuresPerAccount
            self.failuresPerAddress = failuresPerAddress
        }
    }

    private struct State {
        var byAccount: [String: [Date]] = [:]
        var byAddress: [String: [Date]] = [:]
    }

    private let policy: Policy
    private let state = Mutex(State())

    public init(policy: Policy = Policy()) { self.policy = policy }

    /// Seconds to wait before trying again, or nil when the attempt may go ahead.
    public func retryAfter(account: String, address: String?, now: Date = Date()) -> Int? {
        state.withLock { state in
            let cutoff = now.addingTimeInterval(-policy.window)
            var waits: [TimeInterval] = []
            if let failures = prune(&state.byAccount, account, cutoff), failures.count >= policy.failuresPerAccount,
               let oldest = failures.first {
                waits.append(oldest.timeIntervalSince(cutoff))
            }
            if let address, let failures = prune(&state.byAddress, address, cutoff),
               failures.count >= policy.failuresPerAddress, let oldest = failures.first {
                waits.append(oldest.timeIntervalSince(cutoff))
            }
            return waits.max().map { max(1, Int($0.rounded(.up))) }
        }
    }

    public func recordFailure(account: String, address: String?, now: Date = Date()) {
        state.withLock { state in
            state.byAccount[account, default: []].append(now)
            if let address { state.byAddress[address, default: []].append(now) }
            // Keep memory bounded under a flood of distinct names.
            if state.byAccount.count > 100_000 { state.byAccount.removeAll() }
            if state.byAddress.count > 100_000 { state.byAddress.removeAll() }
        }
    }

    public func recordSuccess(account: String) {
        _ = state.withLock { $0.byAccount.removeValue(forKey: account) }
    }

    private func prune(_ table: inout [String: [Date]], _ key: String, _ cutoff: Date) -> [Date]? {
        guard var failures = table[key] else { return nil }
        failures.removeAll { $0 <= cutoff }
        table[key] = failures.isEmpty ? nil : failures
        return failures
    }
}
