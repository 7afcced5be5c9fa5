import Foundation
import Synchronization

/// A typed identifier: the phantom `Kind` keeps a `ProjectID` from being passed where a
/// `ServiceID` is expected. Raw values are time-ordered, so sorting by id sorts by creation,
/// which is what cursor pagination relies on.
public struct Identifier<Kind>: Hashable, Sendable, Codable, CustomStringConvertible, Comparable {
    public let rawValue: String

    public init(rawValue: String) { self.rawValue = rawValue }

    /// Decoding checks the shape, so a malformed id in a request body is refused at the
    /// boundary instead of travelling to the database.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        let text = try container.decode(String.self)
        guard Self.isWellFormed(text) else {
            throw DecodingError.dataCorruptedError(in: container, debugDescription: "not a Railyard id")
        }
        rawValue = text
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(rawValue)
    }

    public var description: String { rawValue }

    public static func < (lhs: Self, rhs: Self) -> Bool { lhs.rawValue < rhs.rawValue }

    /// A new identifier: 12 hex digits of milliseconds since 1970, then 16 random hex digits.
    public static func generate(now: Date = Date()) -> Self {
        Self(rawValue: IdentifierGenerator.next(now: now))
    }

    /// Whether `text` has the shape of a generated identifier. Used to reject junk early.
    public static func isWellFormed(_ text: String) -> Bool {
        text.utf8.count == 28 && text.utf8.allSatisfy { (48...57).contains($0) || (97...102).contains($0) }
    }
}

/// Makes identifiers that sort in the order this process made them, even within one
/// millisecond (as ULIDs do): the random part of a later id in the same millisecond is the
/// previous one plus one.
enum IdentifierGenerator {
    private struct State {
        var millis: UInt64 = 0
        var random: UInt64 = 0
    }

    private static let state = Mutex(State())

    static func next(now: Date) -> String {
        let wallMillis = UInt64(max(0, now.timeIntervalSince1970 * 1000))
        let (millis, random) = state.withLock { state -> (UInt64, UInt64) in
            if wallMillis > state.millis {
                state.millis = wallMillis
                // Leave headroom so increments within one millisecond never overflow.
                state.random = UInt64.random(in: 0...(UInt64.max >> 1))
            } else {
                state.random &+= 1
            }
            return (state.millis, state.random)
        }
        let time = String(millis, radix: 16)
        let paddedTime = String(repeating: "0", count: max(0, 12 - time.count)) + time
        let randomText = String(random, radix: 16)
        let paddedRandom = String(repeating: "0", count: 16 - randomText.count) + randomText
        return paddedTime + paddedRandom
    }
}

public enum WorkspaceKind {}
public enum UserKind {}
public enum ProjectKind {}
public enum EnvironmentKind {}
public enum ServiceKind {}
public enum DeploymentKind {}
public enum APITokenKind {}
public enum InviteKind {}
public enum AuditEventKind {}
public enum RefreshTokenKind {}
public enum DomainKind {}
public enum VolumeKind {}
public enum BackupKind {}
public enum TCPProxyKind {}

public typealias WorkspaceID = Identifier<WorkspaceKind>
public typealias UserID = Identifier<UserKind>
public typealias ProjectID = Identifier<ProjectKind>
public typealias EnvironmentID = Identifier<EnvironmentKind>
public typealias ServiceID = Identifier<ServiceKind>
public typealias DeploymentID = Identifier<DeploymentKind>
public typealias APITokenID = Identifier<APITokenKind>
public typealias InviteID = Identifier<InviteKind>
public typealias AuditEventID = Identifier<AuditEventKind>
public typealias RefreshTokenID = Identifier<RefreshTokenKind>
public typealias DomainID = Identifier<DomainKind>
public typealias VolumeID = Identifier<VolumeKind>
public typealias BackupID = Identifier<BackupKind>
public typealias TCPProxyID = Identifier<TCPProxyKind>
