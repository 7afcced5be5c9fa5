import Crypto
import Foundation

/// Seals variable values with AES-256-GCM before they reach the store. Each value is bound to
/// its row (service, environment, name) as authenticated data, so a sealed value copied into
/// another row does not open.
public struct SecretBox: Sendable {
    private let key: SymmetricKey

    public init(key: SymmetricKey) { self.key = key }

    /// A key given as base64 text (`RAILYARD_SECRET_KEY`); it must decode to 32 bytes.
    public init(base64Key: String) throws {
        guard let data = Data(base64Encoded: base64Key.trimmingCharacters(in: .whitespacesAndNewlines)),
              data.count == 32
        else {
            throw ConfigurationProblem("the secret key must be 32 bytes in base64 (try: openssl rand -base64 32)")
        }
        self.key = SymmetricKey(data: data)
    }

    /// Reads the key file in the data folder, creating it (mode 0600) on first start.
    public static func loadOrCreate(keyFile path: String) throws -> SecretBox {
        if let text = try? String(contentsOfFile: path, encoding: .utf8) {
            return try SecretBox(base64Key: text)
        }
        let key = SymmetricKey(size: .bits256)
        let text = key.withUnsafeBytes { Data($0).base64EncodedString() } + "\n"
        guard FileManager.default.createFile(
            atPath: path, contents: Data(text.utf8), attributes: [.posixPermissions: 0o600])
        else { throw ConfigurationProblem("cannot write the secret key file \(path)") }
        return SecretBox(key: key)
    }

    /// A key for another use, derived with HKDF so that it reveals nothing of this one.
    public func deriveKey(info: String) -> SymmetricKey {
        HKDF<SHA256>.deriveKey(inputKeyMaterial: key, info: Data(info.utf8), outputByteCount: 32)
    }

    public func seal(_ value: String, context: String) throws -> String {
        let box = try AES.GCM.seal(Data(value.utf8), using: key, authenticating: Data(context.utf8))
        guard let combined = box.combined else { throw ConfigurationProblem("AES-GCM produced no output") }
        return combined.base64EncodedString()
    }

    public func open(_ sealed: String, context: String) throws -> String {
        guard let data = Data(base64Encoded: sealed) else { throw ConfigurationProblem("sealed value is not base64") }
        let box = try AES.GCM.SealedBox(combined: data)
        let plain = try AES.GCM.open(box, using: key, authenticating: Data(context.utf8))
        return String(decoding: plain, as: UTF8.self)
    }
}
