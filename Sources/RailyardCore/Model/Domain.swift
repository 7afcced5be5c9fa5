import Foundation

/// A host name the edge routes to a service in one environment.
public struct Domain: Codable, Sendable, Equatable {
    public enum Kind: String, Codable, Sendable {
        /// Made by Railyard: `SERVICE-PROJECT.BASE` (with the environment's name outside production).
        case generated
        /// Brought by the user; unique across every workspace.
        case custom
    }

    public var id: DomainID
    public var serviceID: ServiceID
    public var environmentID: EnvironmentID
    public var hostname: String
    public var kind: Kind
    /// The port inside the instance the domain reaches; nil for the instance's PORT.
    public var targetPort: Int?
    /// Plain-HTTP requests are redirected to HTTPS (when the server serves HTTPS).
    public var httpsRedirect: Bool
    /// The certificate installed for it; nil serves a self-signed one over HTTPS.
    public var certificate: CertificateSummary?
    public var createdAt: Date
    /// Where the edge serves it (set by the server in its answers): HTTPS when it redirects there.
    public var url: String?
    /// Where the edge serves it over HTTPS, when it does.
    public var httpsURL: String?

    public init(
        id: DomainID, serviceID: ServiceID, environmentID: EnvironmentID, hostname: String, kind: Kind,
        targetPort: Int?, httpsRedirect: Bool = false, certificate: CertificateSummary? = nil, createdAt: Date,
        url: String? = nil, httpsURL: String? = nil
    ) {
        self.id = id
        self.serviceID = serviceID
        self.environmentID = environmentID
        self.hostname = hostname
        self.kind = kind
        self.targetPort = targetPort
        self.httpsRedirect = httpsRedirect
        self.certificate = certificate
        self.createdAt = createdAt
        self.url = url
        self.httpsURL = httpsURL
    }

    enum CodingKeys: String, CodingKey {
        case id, serviceID = "serviceId", environmentID = "environmentId", hostname, kind, targetPort, httpsRedirect,
             certificate, createdAt, url, httpsURL = "httpsUrl"
    }
}

/// What the API tells of an installed certificate (never its key).
public struct CertificateSummary: Codable, Sendable, Equatable {
    /// The host names it covers.
    public var names: [String]
    public var issuer: String
    public var expiresAt: Date

    public init(names: [String], issuer: String, expiresAt: Date) {
        self.names = names
        self.issuer = issuer
        self.expiresAt = expiresAt
    }
}

/// A certificate chain and its private key as the user gave them (PEM), with what they say.
public struct DomainCertificate: Sendable, Equatable {
    public var chainPEM: String
    public var privateKeyPEM: String
    public var summary: CertificateSummary

    public init(chainPEM: String, privateKeyPEM: String, summary: CertificateSummary) {
        self.chainPEM = chainPEM
        self.privateKeyPEM = privateKeyPEM
        self.summary = summary
    }
}

/// Rules for host names.
public enum DomainRules {
    /// Why `hostname` cannot be a domain, or nil: lowercase letters, digits and hyphens in
    /// dot-separated labels of 1–63 characters, not starting or ending with a hyphen, at least
    /// two labels, at most 253 characters.
    public static func hostnameProblem(_ hostname: String) -> String? {
        let shape = "must be a host name such as app.example.com: lowercase letters, digits and hyphens in dot-separated labels"
        guard !hostname.isEmpty, hostname.utf8.count <= 253 else { return "hostname \(shape), at most 253 characters" }
        let labels = hostname.split(separator: ".", omittingEmptySubsequences: false)
        guard labels.count >= 2 else { return "hostname \(shape) (at least two labels)" }
        for label in labels {
            guard (1...63).contains(label.utf8.count),
                  label.utf8.allSatisfy({ ($0 >= 0x61 && $0 <= 0x7A) || ($0 >= 0x30 && $0 <= 0x39) || $0 == 0x2D }),
                  label.first != "-", label.last != "-"
            else { return "hostname \(shape)" }
        }
        if labels.last?.allSatisfy(\.isNumber) == true { return "hostname \(shape), not an IP address" }
        return nil
    }

    /// Why `hostname` (already lowercase and valid) cannot be a custom domain when generated
    /// domains live under `base`, or nil. Names under the base are the platform's: a tenant who
    /// took `api-shop.BASE` would squat the name another service's generated domain gets.
    public static func reservedProblem(_ hostname: String, base: String) -> String? {
        var base = base.lowercased()
        while base.hasSuffix(".") { base.removeLast() }
        while base.hasPrefix(".") { base.removeFirst() }
        guard !base.isEmpty else { return nil }
        guard hostname == base || hostname.hasSuffix("." + base) else { return nil }
        return "hostname \(hostname) is under \(base), which is reserved for generated domains: "
            + "add a domain without a hostname to get one, or use a name of your own"
    }

    /// One DNS label from a display name: lowercase, runs of anything else as one hyphen.
    public static func label(_ name: String, maximum: Int = 63) -> String {
        var label = ""
        for scalar in name.lowercased().unicodeScalars {
            if (scalar.value >= 0x61 && scalar.value <= 0x7A) || (scalar.value >= 0x30 && scalar.value <= 0x39) {
                label.unicodeScalars.append(scalar)
            } else if !label.hasSuffix("-") && !label.isEmpty {
                label.append("-")
            }
        }
        while label.hasSuffix("-") { label.removeLast() }
        label = String(label.prefix(maximum))
        while label.hasSuffix("-") { label.removeLast() }
        return label.isEmpty ? "app" : label
    }

    /// The generated host name of a service: `SERVICE-PROJECT.BASE` in production,
    /// `SERVICE-PROJECT-ENVIRONMENT.BASE` elsewhere; `attempt` > 1 adds `-N` to keep it unique.
    public static func generated(service: String, project: String, environment: String, base: String, attempt: Int = 1) -> String {
        var parts = [label(service), label(project)]
        if environment != "production" { parts.append(label(environment)) }
        var first = parts.joined(separator: "-")
        let suffix = attempt > 1 ? "-\(attempt)" : ""
        first = String(first.prefix(63 - suffix.count))
        while first.hasSuffix("-") { first.removeLast() }
        return first + suffix + "." + base
    }
}
