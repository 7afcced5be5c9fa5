import Foundation
import Testing
@testable import RailyardAPI

/// The limiter's decisions, with the clock passed in.
struct LoginRateLimiterTests {
    let start = Date(timeIntervalSince1970: 1_000_000)

    func at(_ seconds: TimeInterval) -> Date { start.addingTimeInterval(seconds) }

    @Test func oneAddressIsStoppedOnOneAccountWithoutLockingOthersOut() {
        let limiter = LoginRateLimiter(policy: .init(window: 600, failuresPerAccountAndAddress: 5, failuresPerAddress: 20))
        for second in 0..<5 { #expect(limiter.beginAttempt(account: "admin", address: "127.0.0.1", now: at(Double(second))) == nil) }
        // The sixth guess from there waits until the first failure leaves the window.
        #expect(limiter.beginAttempt(account: "admin", address: "127.0.0.1", now: at(10)) == 590)
        // The account holder elsewhere, and the same address on another account, go on.
        #expect(limiter.beginAttempt(account: "admin", address: "203.0.113.7", now: at(10)) == nil)
        limiter.recordSuccess(account: "admin", address: "203.0.113.7")
        #expect(limiter.beginAttempt(account: "other", address: "127.0.0.1", now: at(10)) == nil)
        // A success elsewhere says nothing about the guesses made from 127.0.0.1.
        #expect(limiter.beginAttempt(account: "admin", address: "127.0.0.1", now: at(11)) != nil)
        #expect(limiter.beginAttempt(account: "admin", address: "127.0.0.1", now: at(601)) == nil)
    }

    @Test func oneAddressSprayingAccountsIsStopped() {
        let limiter = LoginRateLimiter(policy: .init(window: 600, failuresPerAccountAndAddress: 5, failuresPerAddress: 20))
        for index in 0..<20 { #expect(limiter.beginAttempt(account: "user\(index)", address: "198.51.100.1", now: at(0)) == nil) }
        #expect(limiter.beginAttempt(account: "user99", address: "198.51.100.1", now: at(1)) == 599)
        #expect(limiter.beginAttempt(account: "user99", address: "198.51.100.2", now: at(1)) == nil)
    }

    /// Guesses spread over many addresses slow down exponentially, to a cap; never a lockout.
    @Test func failuresFromManyAddressesBackOffPerAccount() {
        let limiter = LoginRateLimiter(policy: .init(
            window: 3600, failuresPerAccountAndAddress: 1, failuresPerAddress: 100, failuresPerAccountBeforeBackoff: 3,
            backoffBase: 10, backoffMaximum: 40))
        var address = 0
        func attempt(_ seconds: TimeInterval) -> Int? {
            address += 1
            return limiter.beginAttempt(account: "admin", address: "192.0.2.\(address)", now: at(seconds))
        }
        for _ in 0..<3 { #expect(attempt(0) == nil) }
        #expect(attempt(0) == 10)
        #expect(attempt(10) == nil)
        #expect(attempt(15) == 15)
        #expect(attempt(30) == nil)
        #expect(attempt(69) == 1)
        #expect(attempt(70) == nil)
        // Capped at 40 seconds.
        #expect(attempt(109) == 1)
        #expect(attempt(110) == nil)
    }

    @Test func oneAddressNeverStartsTheAccountsBackoff() {
        // Even asked for less, the free failures per account exceed what one address may make.
        let policy = LoginRateLimiter.Policy(failuresPerAccountAndAddress: 5, failuresPerAccountBeforeBackoff: 2)
        #expect(policy.failuresPerAccountBeforeBackoff == 6)
    }

    @Test func aSuccessGivesItsAttemptBack() {
        let limiter = LoginRateLimiter(policy: .init(window: 600, failuresPerAccountAndAddress: 2, failuresPerAddress: 20))
        #expect(limiter.beginAttempt(account: "a", address: nil, now: at(0)) == nil)
        #expect(limiter.beginAttempt(account: "a", address: nil, now: at(1)) == nil)
        limiter.recordSuccess(account: "a", address: nil)
        #expect(limiter.beginAttempt(account: "a", address: nil, now: at(2)) == nil)
    }
}
