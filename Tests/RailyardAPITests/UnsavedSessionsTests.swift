import Foundation
import RailyardCore
import Testing
@testable import RailyardAPI

/// Sessions kept in memory while the store's disk is full: single-use refresh tokens, replays
/// end the session, logout ends it, it expires, and there is a ceiling.
struct UnsavedSessionsTests {
    let user = UserID(rawValue: "usr_test")
    let start = Date(timeIntervalSince1970: 1_000_000)

    @Test func aRefreshClaimsTheSessionAndItsTokenIsThenSpent() throws {
        let sessions = UnsavedSessions()
        try sessions.begin(family: "f1", user: user, refreshHash: "h1", now: start)
        #expect(sessions.isOpen("f1", now: start))
        #expect(!sessions.isOpen("f2", now: start))
        #expect(sessions.claim(refreshHash: "unknown", now: start) == .notHere)

        #expect(sessions.claim(refreshHash: "h1", now: start) == .claimed(family: "f1", user: user, spent: ["h1"]))
        // While one refresh records it, another with the same token is a race: refused, and
        // the session ends, as a replay would end it.
        #expect(sessions.claim(refreshHash: "h1", now: start) == .refused)
        #expect(!sessions.isOpen("f1", now: start))
    }

    @Test func aRotatedSessionRefusesItsSpentTokenAndEnds() throws {
        let sessions = UnsavedSessions()
        try sessions.begin(family: "f1", user: user, refreshHash: "h1", now: start)
        guard case .claimed = sessions.claim(refreshHash: "h1", now: start) else {
            Issue.record("the first refresh should claim the session")
            return
        }
        sessions.rotated("f1", to: "h2")
        #expect(sessions.isOpen("f1", now: start))
        // The next refresh carries every spent token, for the store to record.
        #expect(sessions.claim(refreshHash: "h2", now: start) == .claimed(family: "f1", user: user, spent: ["h1", "h2"]))
        sessions.released("f1")
        // A replay of the spent token ends the session.
        #expect(sessions.claim(refreshHash: "h1", now: start) == .refused)
        #expect(!sessions.isOpen("f1", now: start))
        #expect(sessions.claim(refreshHash: "h2", now: start) == .notHere)
    }

    @Test func recordingOrLogoutForgetsTheSession() throws {
        let sessions = UnsavedSessions()
        try sessions.begin(family: "f1", user: user, refreshHash: "h1", now: start)
        try sessions.begin(family: "f2", user: user, refreshHash: "h2", now: start)
        _ = sessions.claim(refreshHash: "h1", now: start)
        sessions.recorded("f1")
        #expect(!sessions.isOpen("f1", now: start))
        #expect(sessions.end(refreshHash: "h2"))
        #expect(!sessions.isOpen("f2", now: start))
        #expect(!sessions.end(refreshHash: "h2"))
        #expect(sessions.count == 0)
    }

    @Test func sessionsExpireAndAreCapped() throws {
        let sessions = UnsavedSessions()
        try sessions.begin(family: "old", user: user, refreshHash: "h0", now: start)
        let later = start.addingTimeInterval(UnsavedSessions.lifetime + 1)
        #expect(!sessions.isOpen("old", now: later))
        #expect(sessions.claim(refreshHash: "h0", now: later) == .refused)
        for index in 0..<UnsavedSessions.capacity {
            try sessions.begin(family: "f\(index)", user: user, refreshHash: "h\(index)", now: later)
        }
        #expect(throws: RailyardError.self) {
            try sessions.begin(family: "one-more", user: user, refreshHash: "x", now: later)
        }
        // Expired ones make room.
        let muchLater = later.addingTimeInterval(UnsavedSessions.lifetime + 1)
        try sessions.begin(family: "one-more", user: user, refreshHash: "x", now: muchLater)
        #expect(sessions.count == 1)
    }
}
