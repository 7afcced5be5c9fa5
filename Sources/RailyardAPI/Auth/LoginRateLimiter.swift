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

    /// Reserves a login attempt. Returns the seconds to wait when the account or the address is
    /// past its limit; otherwise counts the attempt as a failure at once (so parallel guesses
    /// cannot all slip in while bcrypt runs) and returns nil. `recordSuccess` takes it back.
    public func beginAttempt(account: String, address: String?, now: Date = Date()) -> Int? {
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
            if let wait = waits.max() { return max(1, Int(wait.rounded(.up))) }
            state.byAccount[account, default: []].append(now)
            if let address { state.byAddress[address, default: []].append(now) }
            if state.byAccount.count + state.byAddress.count > Self.maximumKeys { evictExpired(&state, cutoff) }
            return nil
        }
    }

    /// A successful login clears the account's failures and takes back this attempt from the
    /// address's count.
    public func recordSuccess(account: String, address: String?) {
        state.withLock { state in
            state.byAccount.removeValue(forKey: account)
            if let address, var failures = state.byAddress[address], !failures.isEmpty {
                failures.removeLast()
                state.byAddress[address] = failures.isEmpty ? nil : failures
            }
        }
    }

    /// Memory stays bounded under a flood of distinct names and addresses by dropping entries
    /// whose failures have all left the window; live counters are never reset.
    static let maximumKeys = 200_000

    private func evictExpired(_ state: inout State, _ cutoff: Date) {
        state.byAccount = state.byAccount.filter { ($0.value.last ?? .distantPast) > cutoff }
        state.byAddress = state.byAddress.filter { ($0.value.last ?? .distantPast) > cutoff }
    }

    private func prune(_ table: inout [String: [Date]], _ key: String, _ cutoff: Date) -> [Date]? {
        guard var failures = table[key] else { return nil }
        failures.removeAll { $0 <= cutoff }
        table[key] = failures.isEmpty ? nil : failures
        return failures
    }
}
