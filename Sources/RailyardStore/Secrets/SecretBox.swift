import Crypto
import Foundation
#if canImport(Glibc)
import Glibc
#endif

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

    /// Reads the key file in the data folder, creating it (mode 0600) on first start. An
    /// existing file is never replaced: losing the key loses every sealed variable, so any
    /// doubt is an error, not a new key.
    public static func loadOrCreate(keyFile path: String) throws -> SecretBox {
        let key = SymmetricKey(size: .bits256)
        let text = key.withUnsafeBytes { Data($0).base64EncodedString() } + "\n"
        let descriptor = Glibc.open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o600)
        if descriptor >= 0 {
            defer { Glibc.close(descriptor) }
            let bytes = Array(text.utf8)
            guard Glibc.write(descriptor, bytes, bytes.count) == bytes.count, fsync(descriptor) == 0 else {
                throw ConfigurationProblem("cannot write the secret key file \(path)")
            }
            return SecretBox(key: key)
        }
        guard errno == EEXIST else {
            throw ConfigurationProblem("cannot create the secret key file \(path): \(String(cString: strerror(errno)))")
        }
        guard let data = FileManager.default.contents(atPath: path) else {
            throw ConfigurationProblem("cannot read the secret key file \(path)")
        }
        return try SecretBox(base64Key: String(decoding: data, as: UTF8.self))
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
