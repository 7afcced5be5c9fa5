import Crypto
import Foundation
import NIOSSL
import SwiftASN1
import X509

/// A certificate chain and its private key, checked and ready for handshakes.
public final class TLSIdentity: Sendable {
    /// The DNS names the leaf certificate covers (wildcards as written, `*.example.com`).
    public let names: [String]
    public let notValidBefore: Date
    public let notValidAfter: Date
    /// Who signed it (its issuer's distinguished name), for display.
    public let issuer: String
    /// What a handshake for a host with this identity changes in the edge's TLS configuration.
    let override: NIOSSLContextConfigurationOverride

    /// Parses a PEM chain (leaf first) and a PEM private key (PKCS#8, SEC1 or PKCS#1) and checks
    /// that the key belongs to the leaf. Throws a `TLSIdentityProblem` that says what is wrong.
    public convenience init(certificateChainPEM: String, privateKeyPEM: String) throws {
        let documents: [PEMDocument]
        do {
            documents = try PEMDocument.parseMultiple(pemString: certificateChainPEM)
                .filter { $0.discriminator == "CERTIFICATE" }
        } catch {
            throw TLSIdentityProblem("the certificate file is not PEM (-----BEGIN CERTIFICATE-----)")
        }
        guard !documents.isEmpty else { throw TLSIdentityProblem("the certificate file holds no PEM certificate") }
        guard documents.count <= 10 else { throw TLSIdentityProblem("the certificate chain is longer than 10 certificates") }
        let chain: [Certificate]
        do {
            chain = try documents.map { try Certificate(derEncoded: $0.derBytes) }
        } catch {
            throw TLSIdentityProblem("the certificate file holds a certificate that cannot be read: \(error)")
        }
        if privateKeyPEM.contains("ENCRYPTED PRIVATE KEY") || privateKeyPEM.contains("Proc-Type: 4,ENCRYPTED") {
            throw TLSIdentityProblem("the private key is encrypted; give it without a passphrase")
        }
        let key: Certificate.PrivateKey
        do {
            key = try Certificate.PrivateKey(pemEncoded: privateKeyPEM)
        } catch {
            throw TLSIdentityProblem("the key file holds no usable PEM private key (RSA, ECDSA P-256/P-384/P-521 or Ed25519)")
        }
        let leaf = chain[0]
        guard leaf.publicKey == key.publicKey else {
            throw TLSIdentityProblem("the private key does not belong to the certificate")
        }
        let sslChain: [NIOSSLCertificate]
        let sslKey: NIOSSLPrivateKey
        do {
            sslChain = try NIOSSLCertificate.fromPEMBytes(Array(certificateChainPEM.utf8))
            sslKey = try NIOSSLPrivateKey(bytes: Array(privateKeyPEM.utf8), format: .pem)
        } catch {
            throw TLSIdentityProblem("the certificate or key cannot be used for TLS: \(error)")
        }
        self.init(leaf: leaf, chain: sslChain, key: sslKey)
    }

    private init(leaf: Certificate, chain: [NIOSSLCertificate], key: NIOSSLPrivateKey) {
        var names: [String] = []
        if let alternatives = try? leaf.extensions.subjectAlternativeNames {
            for name in alternatives { if case .dnsName(let dns) = name { names.append(dns.lowercased()) } }
        }
        if names.isEmpty {
            // Only certificates without alternative names are matched on their common name.
            for attribute in leaf.subject.flatMap({ $0 }) where attribute.type == .RDNAttributeType.commonName {
                names.append(String(describing: attribute.value).lowercased())
            }
        }
        self.names = names
        self.notValidBefore = leaf.notValidBefore
        self.notValidAfter = leaf.notValidAfter
        self.issuer = String(describing: leaf.issuer)
        var override = NIOSSLContextConfigurationOverride()
        override.certificateChain = chain.map { .certificate($0) }
        override.privateKey = .privateKey(key)
        self.override = override
    }

    /// Whether the certificate names `hostname`, exactly or by a wildcard for its first label.
    public func covers(_ hostname: String) -> Bool {
        let hostname = hostname.lowercased()
        for name in names {
            if name == hostname { return true }
            if name.hasPrefix("*."), let dot = hostname.firstIndex(of: "."),
               hostname[hostname.index(after: dot)...] == name.dropFirst(2), dot != hostname.startIndex {
                return true
            }
        }
        return false
    }

    /// Why the identity cannot serve `hostname` now, or nil.
    public func problem(serving hostname: String, at now: Date = Date()) -> String? {
        if !covers(hostname) {
            let named = names.isEmpty ? "no host name" : names.joined(separator: ", ")
            return "the certificate does not cover \(hostname) (it names \(named))"
        }
        if notValidAfter <= now { return "the certificate expired on \(Self.day(notValidAfter))" }
        if notValidBefore > now { return "the certificate is not valid before \(Self.day(notValidBefore))" }
        return nil
    }

    private static func day(_ date: Date) -> String {
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withFullDate]
        return formatter.string(from: date)
    }

    /// A new self-signed certificate for `hostname` (ECDSA P-256, valid from an hour ago for
    /// `days`), as PEM texts.
    public static func selfSignedPEM(for hostname: String, days: Int = 397) throws -> (certificate: String, privateKey: String) {
        let key = P256.Signing.PrivateKey()
        let name = try DistinguishedName {
            OrganizationName("Railyard (self-signed)")
            CommonName(hostname)
        }
        let now = Date()
        let certificate = try Certificate(
            version: .v3, serialNumber: Certificate.SerialNumber(),
            publicKey: Certificate.PublicKey(key.publicKey),
            notValidBefore: now - 3600, notValidAfter: now + Double(days) * 86_400,
            issuer: name, subject: name, signatureAlgorithm: .ecdsaWithSHA256,
            extensions: try Certificate.Extensions {
                Critical(BasicConstraints.notCertificateAuthority)
                try ExtendedKeyUsage([.serverAuth])
                SubjectAlternativeNames([.dnsName(hostname)])
            },
            issuerPrivateKey: Certificate.PrivateKey(key))
        return (try certificate.serializeAsPEM().pemString, key.pemRepresentation)
    }

    /// A new self-signed identity for `hostname`.
    public static func selfSigned(for hostname: String) throws -> TLSIdentity {
        let pem = try selfSignedPEM(for: hostname)
        return try TLSIdentity(certificateChainPEM: pem.certificate, privateKeyPEM: pem.privateKey)
    }
}

/// Why a certificate or key was refused, in words for the person who gave it.
public struct TLSIdentityProblem: Error, Sendable, CustomStringConvertible {
    public let description: String
    public init(_ description: String) { self.description = description }
}
