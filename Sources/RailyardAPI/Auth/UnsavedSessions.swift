import Foundation
import RailyardCore
import Synchronization

/// Sessions begun while the store could not record them (its disk full), kept in this
/// process's memory until it can, so that people can still log in to see and fix things.
///
/// Such a session works like a stored one: its access tokens name it (and are refused once it
/// ends), its refresh token is single-use (a spent one, replayed, ends the session), logout
/// ends it. Its first refresh once the store takes writes again records it there, with its
/// spent refresh tokens, and from then on it is an ordinary session. What is lost with the
/// memory is lost safely: after a restart these sessions are unknown, their tokens refused,
/// and their people log in again. A session lives here at most `lifetime`, and at most
/// `capacity` sessions at once (beyond them a login that cannot be recorded is refused).
public final class UnsavedSessions: Sendable {
    public static let capacity = 10_000
    public static let lifetime: TimeInterval = 24 * 3600

    struct Session: Sendable {
        var user: UserID
        /// The hash of the refresh token that may be used next.
        var current: String
        /// Hashes of refresh tokens already used: showing one again is a replay.
        var spent: [String]
        var expiresAt: Date
        /// A refresh is recording it in the store; nobody else may refresh it meanwhile.
        var recording = false
    }

    private struct State {
        var sessions: [String: Session] = [:]
        /// Every refresh token hash (current and spent) to its session.
        var byToken: [String: String] = [:]

        mutating func remove(_ family: String) {
            guard let session = sessions.removeValue(forKey: family) else { return }
            byToken[session.current] = nil
            for hash in session.spent { byToken[hash] = nil }
        }

        mutating func removeExpired(now: Date) {
            for (family, session) in sessions where session.expiresAt <= now { remove(family) }
        }
    }

    private let state = Mutex(State())

    public init() {}

    public var count: Int { state.withLock { $0.sessions.count } }

    /// Keeps a new session; refuses when `capacity` are kept already.
    func begin(family: String, user: UserID, refreshHash: String, now: Date = Date()) throws(RailyardError) {
        try state.withLock { (state: inout State) throws(RailyardError) in
            state.removeExpired(now: now)
            guard state.sessions.count < Self.capacity else {
                throw RailyardError(kind: .diskFull, message:
                    "the disk is full and too many sessions wait to be recorded; free space on the server and log in again")
            }
            state.sessions[family] = Session(
                user: user, current: refreshHash, spent: [], expiresAt: now.addingTimeInterval(Self.lifetime))
            state.byToken[refreshHash] = family
        }
    }

    /// Whether `family` is a session kept here and not expired.
    func isOpen(_ family: String, now: Date = Date()) -> Bool {
        state.withLock { state in
            guard let session = state.sessions[family] else { return false }
            return session.expiresAt > now
        }
    }

    /// What a refresh with the token hashed `hash` finds here.
    enum Claim: Equatable {
        /// Not a session of this memory: ask the store.
        case notHere
        /// A spent token (or an expired session, or one being refreshed): the session ends.
        case refused
        /// The caller now holds the session until `recorded`, `rotated` or `released`.
        case claimed(family: String, user: UserID, spent: [String])
    }

    func claim(refreshHash hash: String, now: Date = Date()) -> Claim {
        state.withLock { state in
            guard let family = state.byToken[hash], var session = state.sessions[family] else { return .notHere }
            guard session.current == hash, !session.recording, session.expiresAt > now else {
                // Replayed, raced, or too old: as the store does with a family, end it.
                state.remove(family)
                return .refused
            }
            session.recording = true
            state.sessions[family] = session
            return .claimed(family: family, user: session.user, spent: session.spent + [hash])
        }
    }

    /// The claimed session is now in the store: forget it here.
    func recorded(_ family: String) {
        state.withLock { $0.remove(family) }
    }

    /// The store still cannot record the claimed session: its refresh token moves on to
    /// `successor`, here.
    func rotated(_ family: String, to successor: String) {
        state.withLock { state in
            guard var session = state.sessions[family] else { return }
            session.spent.append(session.current)
            session.current = successor
            session.recording = false
            state.sessions[family] = session
            state.byToken[successor] = family
        }
    }

    /// The refresh failed for another reason: the claimed session stays as it was.
    func released(_ family: String) {
        state.withLock { state in state.sessions[family]?.recording = false }
    }

    /// The user of the session whose current refresh token hashes to `hash`, if it is kept here
    /// and not expired, read without using the token up (the dashboard's cookie).
    func user(currentRefreshHash hash: String, now: Date = Date()) -> UserID? {
        state.withLock { state in
            guard let family = state.byToken[hash], let session = state.sessions[family],
                  session.current == hash, session.expiresAt > now
            else { return nil }
            return session.user
        }
    }

    /// Logout: ends the session whose refresh token (current or spent) hashes to `hash`;
    /// false when none is kept here.
    func end(refreshHash hash: String) -> Bool {
        state.withLock { state in
            guard let family = state.byToken[hash] else { return false }
            state.remove(family)
            return true
        }
    }
}
