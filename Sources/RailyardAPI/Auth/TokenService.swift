import Crypto
import Foundation
import JWTKit
import RailyardCore

/// Issues and checks credentials: short-lived access tokens (JWT, HS256) and the random
/// secrets behind refresh tokens, API tokens, invites and the setup token. Secrets are shown
/// once and stored only as SHA-256 hashes.
public struct TokenService: Sendable {
    public static let accessTokenLifetime: TimeInterval = 15 * 60
    public static let refreshTokenLifetime: TimeInterval = 7 * 24 * 3600

    /// Prefixes make a leaked secret recognisable (and let the server route it without a lookup).
    public enum Kind: String, Sendable {
        case apiToken = "ryt_"
        case refresh = "ryr_"
        case invite = "ryi_"
        case setup = "rys_"
    }

    private let keys: JWTKeyCollection

    public init(signingKey: SymmetricKey) async {
        let keys = JWTKeyCollection()
        await keys.add(hmac: HMACKey(key: signingKey), digestAlgorithm: .sha256)
        self.keys = keys
    }

    struct AccessClaims: JWTPayload {
        var sub: SubjectClaim
        var exp: ExpirationClaim
        var iat: IssuedAtClaim
        var iss: IssuerClaim
        /// The session (the refresh token family) the token was issued in. Logout revokes the
        /// family, and with it every access token that names it.
        var sid: String?

        func verify(using algorithm: some JWTAlgorithm) async throws {
            try exp.verifyNotExpired()
            guard iss.value == "railyard" else { throw JWTError.claimVerificationFailure(failedClaim: iss, reason: "issuer") }
        }
    }

    /// A signed access token for `user` in `session` (the id of its refresh token family).
    public func accessToken(for user: UserID, session: String, now: Date = Date()) async throws -> String {
        try await keys.sign(AccessClaims(
            sub: .init(value: user.rawValue), exp: .init(value: now.addingTimeInterval(Self.accessTokenLifetime)),
            iat: .init(value: now), iss: .init(value: "railyard"), sid: session))
    }

    /// What a verified access token names.
    public struct AccessIdentity: Sendable, Equatable {
        public var user: UserID
        public var session: String
    }

    /// The user and session an access token names, or nil when it is forged, malformed,
    /// expired or names no session. Whether the session is still open is the store's to say.
    public func verifyAccessToken(_ token: String) async -> AccessIdentity? {
        guard token.utf8.count < 4096, let claims = try? await keys.verify(token, as: AccessClaims.self),
              let session = claims.sid, !session.isEmpty
        else { return nil }
        return AccessIdentity(user: UserID(rawValue: claims.sub.value), session: session)
    }

    public static func newSecret(_ kind: Kind) -> String {
        var generator = SystemRandomNumberGenerator()
        let bytes = (0..<32).map { _ in UInt8.random(in: 0...255, using: &generator) }
        let text = Data(bytes).base64EncodedString()
            .replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_")
            .replacingOccurrences(of: "=", with: "")
        return kind.rawValue + text
    }

    public static func hash(_ secret: String) -> String {
        SHA256.hash(data: Data(secret.utf8)).map { String(format: "%02x", $0) }.joined()
    }
}
