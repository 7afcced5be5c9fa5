import HummingbirdBcrypt
import NIOPosix

/// bcrypt at cost 12 (about a quarter of a second here), run on NIO's thread pool so that a
/// burst of logins does not stall the event loops.
public struct PasswordHasher: Sendable {
    public let cost: UInt8

    public init(cost: UInt8 = 12) { self.cost = cost }

    public func hash(_ password: String) async throws -> String {
        let cost = self.cost
        return try await NIOThreadPool.singleton.runIfActive { Bcrypt.hash(password, cost: cost) }
    }

    public func verify(_ password: String, hash: String) async throws -> Bool {
        try await NIOThreadPool.singleton.runIfActive { Bcrypt.verify(password, hash: hash) }
    }

    /// A hash of nothing in particular, verified against when an account does not exist, so that
    /// a failed login takes as long for an unknown email as for a known one.
    /// Precomputed (cost 12), so that no request pays for computing it.
    static let decoyHash = "$2b$12$eHKquCG/4/m17VtLBvF5nuH/pSIwmyqJ5Tpt0o.cGUataqxrdeTNW"
}
