import Foundation
import Synchronization

/// Throttles password guessing without letting an attacker lock the account holder out.
///
/// Failed logins are counted in a sliding window three ways:
/// - per account and client address: past the limit, that address may not try that account
///   again until its oldest failure leaves the window (a guesser on one address is stopped);
/// - per client address, whatever the account: past the limit the address is refused (a
///   guesser spraying many accounts is stopped);
/// - per account, whatever the address: past a number of free failures each further attempt
///   waits an exponentially growing delay after the last failure, capped, and never a hard
///   lockout (a guesser spread over many addresses is slowed down).
///
/// The free failures per account are more than one address may make, so failures from one
/// address (for example an app on the server's own loopback) never refuse the account's
/// correct password from another address. Refused attempts are not counted and check no
/// password.
public final class LoginRateLimiter: Sendable {
    public struct Policy: Sendable {
        public var window: TimeInterval
        public var failuresPerAccountAndAddress: Int
        public var failuresPerAddress: Int
        /// Failures of one account (from any address) before its attempts are delayed.
        public var failuresPerAccountBeforeBackoff: Int
        /// The first delay; each further failure doubles it.
        public var backoffBase: TimeInterval
        public var backoffMaximum: TimeInterval

        public init(
            window: TimeInterval = 15 * 60, failuresPerAccountAndAddress: Int = 5, failuresPerAddress: Int = 20,
            failuresPerAccountBeforeBackoff: Int = 10, backoffBase: TimeInterval = 1, backoffMaximum: TimeInterval = 5 * 60
        ) {
            self.window = window
            self.failuresPerAccountAndAddress = failuresPerAccountAndAddress
            self.failuresPerAddress = failuresPerAddress
            // One address alone must never start the account's backoff.
            self.failuresPerAccountBeforeBackoff = max(failuresPerAccountBeforeBackoff, failuresPerAccountAndAddress + 1)
            self.backoffBase = backoffBase
            self.backoffMaximum = backoffMaximum
        }

        /// The delay after the last failure that `failures` failures of one account impose.
        func backoff(failures: Int) -> TimeInterval {
            let over = failures - failuresPerAccountBeforeBackoff
            guard over >= 0 else { return 0 }
            return min(backoffMaximum, backoffBase * pow(2, Double(min(over, 40))))
        }
    }

    private struct State {
        var byPair: [String: [Date]] = [:]
        var byAddress: [String: [Date]] = [:]
        var byAccount: [String: [Date]] = [:]

        var keyCount: Int { byPair.count + byAddress.count + byAccount.count }
    }

    private let policy: Policy
    private let state = Mutex(State())

    public init(policy: Policy = Policy()) { self.policy = policy }

    /// A client whose address is unknown still has a pair of its own with the account.
    private static func pairKey(_ account: String, _ address: String?) -> String { "\(address ?? "-") \(account)" }

    /// Reserves a login attempt. Returns the seconds to wait when the pair, the address or the
    /// account's backoff refuses it; otherwise counts the attempt as a failure at once (so
    /// parallel guesses cannot all slip in while bcrypt runs) and returns nil. `recordSuccess`
    /// takes it back.
    public func beginAttempt(account: String, address: String?, now: Date = Date()) -> Int? {
        state.withLock { state in
            let cutoff = now.addingTimeInterval(-policy.window)
            let pair = Self.pairKey(account, address)
            var waits: [TimeInterval] = []
            if let failures = prune(&state.byPair, pair, cutoff), failures.count >= policy.failuresPerAccountAndAddress,
               let oldest = failures.first {
                waits.append(oldest.timeIntervalSince(cutoff))
            }
            if let address, let failures = prune(&state.byAddress, address, cutoff),
               failures.count >= policy.failuresPerAddress, let oldest = failures.first {
                waits.append(oldest.timeIntervalSince(cutoff))
            }
            if let failures = prune(&state.byAccount, account, cutoff), let last = failures.last {
                let due = last.addingTimeInterval(policy.backoff(failures: failures.count))
                if due > now { waits.append(due.timeIntervalSince(now)) }
            }
            if let wait = waits.max() { return max(1, Int(wait.rounded(.up))) }
            state.byPair[pair, default: []].append(now)
            if let address { state.byAddress[address, default: []].append(now) }
            state.byAccount[account, default: []].append(now)
            if state.keyCount > Self.maximumKeys { evictExpired(&state, cutoff) }
            return nil
        }
    }

    /// A successful login clears the failures of this account from this address, and takes
    /// back this attempt from the address's and the account's counts. Failures from other
    /// addresses stay: a correct password here says nothing about the guesses made there.
    public func recordSuccess(account: String, address: String?) {
        state.withLock { state in
            state.byPair.removeValue(forKey: Self.pairKey(account, address))
            if let address { Self.removeLast(&state.byAddress, address) }
            Self.removeLast(&state.byAccount, account)
        }
    }

    private static func removeLast(_ table: inout [String: [Date]], _ key: String) {
        guard var failures = table[key], !failures.isEmpty else { return }
        failures.removeLast()
        table[key] = failures.isEmpty ? nil : failures
    }

    /// Memory stays bounded under a flood of distinct names and addresses by dropping entries
    /// whose failures have all left the window; live counters are never reset.
    static let maximumKeys = 300_000

    private func evictExpired(_ state: inout State, _ cutoff: Date) {
        state.byPair = state.byPair.filter { ($0.value.last ?? .distantPast) > cutoff }
        state.byAddress = state.byAddress.filter { ($0.value.last ?? .distantPast) > cutoff }
        state.byAccount = state.byAccount.filter { ($0.value.last ?? .distantPast) > cutoff }
    }

    private func prune(_ table: inout [String: [Date]], _ key: String, _ cutoff: Date) -> [Date]? {
        guard var failures = table[key] else { return nil }
        failures.removeAll { $0 <= cutoff }
        table[key] = failures.isEmpty ? nil : failures
        return failures
    }
}
