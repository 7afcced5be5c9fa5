import Crypto
import Foundation
import Synchronization

/// Holds the hash of the one-time setup token while no admin exists. The token is consumed by
/// the first successful `POST /api/v1/setup`.
public final class SetupGate: Sendable {
    private let tokenHash: Mutex<String?>

    public init(token: String?) {
        tokenHash = Mutex(token.map(TokenService.hash))
    }

    public var isOpen: Bool { tokenHash.withLock { $0 != nil } }

    /// Whether `token` is the setup token. Compared as hashes, in constant time.
    public func accepts(_ token: String) -> Bool {
        let candidate = Data(TokenService.hash(token).utf8)
        return tokenHash.withLock { expected in
            guard let expected else { return false }
            let expectedBytes = Data(expected.utf8)
            guard expectedBytes.count == candidate.count else { return false }
            return zip(expectedBytes, candidate).reduce(UInt8(0)) { $0 | ($1.0 ^ $1.1) } == 0
        }
    }

    public func open(token: String) { tokenHash.withLock { $0 = TokenService.hash(token) } }

    public func close() { tokenHash.withLock { $0 = nil } }
}
