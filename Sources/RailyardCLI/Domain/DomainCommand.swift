import ArgumentParser
import Foundation
import RailyardClient
import RailyardCore

/// `railyard domain`: the service's domains. With no verb it generates one.
struct DomainCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "domain", abstract: "Give the service a URL: generate a domain, add a custom one, list, rename or remove them.",
        subcommands: [DomainGenerate.self, DomainAdd.self, DomainList.self, DomainUpdate.self, DomainRemove.self],
        defaultSubcommand: DomainGenerate.self)
}

struct DomainGenerate: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "generate", abstract: "Generate a domain: SERVICE-PROJECT.BASE (with the environment outside production).",
        discussion: """
            With --tcp it opens a TCP proxy instead: a port on the server's edge that forwards raw TCP to the service
            (one per service and environment), and prints HOST:PORT. A database's proxy reaches its engine's port and
            sets its public URL variable (DATABASE_PUBLIC_URL, REDIS_PUBLIC_URL, MYSQL_PUBLIC_URL); any other
            service's needs --target-port, a port its own processes listen on.
            TLS: PostgreSQL and MySQL offer it on their port to clients that ask (sslmode=require, mariadb --ssl);
            Redis takes TLS on a port of its own, which --tls opens the proxy to (REDIS_PUBLIC_URL is then rediss://).
            Their certificates are self-signed.
            """)

    @OptionGroup var client: ClientOptions
    @OptionGroup var target: ServiceTargetOptions
    @Option(help: "The port inside the instance the domain reaches (default: its PORT).") var port: Int?
    @Flag(help: "With --tcp, for a database: the proxy reaches its TLS port (Redis; the others take TLS on their own).") var tls = false
    @Flag(help: "Redirect plain HTTP to HTTPS (served with a self-signed certificate).") var httpsRedirect = false
    @Flag(help: "Open a TCP proxy (raw TCP, e.g. to a database) instead of an HTTP domain.") var tcp = false
    @Option(help: "With --tcp: the port inside the service the proxy reaches (default: a database's engine port).") var targetPort: Int?
    @Option(help: "With --tcp: the edge port to listen on, inside the server's range (default: the lowest free one).") var proxyPort: Int?

    func validate() throws {
        if !tcp && (targetPort != nil || proxyPort != nil || tls) { throw CLIError("--target-port, --proxy-port and --tls go with --tcp") }
        if tls && targetPort != nil { throw CLIError("--tls picks a database's TLS port: give --target-port or --tls, not both") }
        if tcp && (port != nil || httpsRedirect) { throw CLIError("--port and --https-redirect are for HTTP domains; a TCP proxy takes --target-port") }
        if let targetPort, !(1...65535).contains(targetPort) { throw CLIError("--target-port must be from 1 to 65535") }
        if let proxyPort, !(1...65535).contains(proxyPort) { throw CLIError("--proxy-port must be from 1 to 65535") }
    }

    func run() async throws {
        try DomainAdd.validate(port: port)
        var session = try Session(client)
        let resolved = try await session.resolve(target)
        if tcp {
            var reach = targetPort
            if tls {
                guard let engine = resolved.service.database else {
                    throw CLIError("--tls is for a database's proxy; \(resolved.service.name) is an app: its own processes choose whether they speak TLS")
                }
                if let tlsPort = engine.tlsPort {
                    reach = tlsPort
                } else {
                    Output.note("\(engine.displayName) offers TLS on its own port to clients that ask for it: the proxy reaches that port")
                }
            }
            let proxy = try await session.call { [reach] in
                try await $0.createTCPProxy(
                    service: resolved.service.id, environment: resolved.environment.id, port: proxyPort, targetPort: reach)
            }
            if client.json { return try Output.json(proxy) }
            return Output.line("\(proxy.domain ?? "localhost"):\(proxy.port)")
        }
        let domain = try await session.call {
            try await $0.createDomain(
                service: resolved.service.id, environment: resolved.environment.id, hostname: nil, targetPort: port,
                httpsRedirect: httpsRedirect ? true : nil)
        }
        if client.json { return try Output.json(domain) }
        Output.line(domain.url ?? domain.hostname)
    }
}

struct DomainAdd: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "add", abstract: "Attach a custom domain (point its DNS at this server).",
        discussion: """
            With --cert and --key (PEM files: the chain, leaf first, and its unencrypted private key) the edge serves
            that certificate for the domain over HTTPS; without them, a self-signed one.
            """)

    @Argument(help: "The host name, e.g. app.example.com.") var hostname: String
    @OptionGroup var client: ClientOptions
    @OptionGroup var target: ServiceTargetOptions
    @Option(help: "The port inside the instance the domain reaches (default: its PORT).") var port: Int?
    @Option(help: "A PEM certificate chain for the domain (leaf first).") var cert: String?
    @Option(help: "The certificate's PEM private key.") var key: String?
    @Flag(help: "Redirect plain HTTP to HTTPS.") var httpsRedirect = false

    static func validate(port: Int?) throws {
        if let port, !(1...65535).contains(port) { throw CLIError("--port must be from 1 to 65535") }
    }

    /// The certificate and key files' text: both or neither.
    static func readCertificate(cert: String?, key: String?) throws -> (certificate: String, privateKey: String)? {
        guard cert != nil || key != nil else { return nil }
        guard let cert, let key else { throw CLIError("give --cert and --key together") }
        func read(_ path: String, _ what: String) throws -> String {
            let url = URL(fileURLWithPath: path)
            guard let size = try? url.resourceValues(forKeys: [.fileSizeKey]).fileSize else {
                throw CLIError("cannot read the \(what) file \(path)")
            }
            guard size <= 64 * 1024 else { throw CLIError("\(path) is too large to be a \(what) (over 64 KiB)") }
            guard let data = try? Data(contentsOf: url) else { throw CLIError("cannot read the \(what) file \(path)") }
            return String(decoding: data, as: UTF8.self)
        }
        return (try read(cert, "certificate"), try read(key, "key"))
    }

    func run() async throws {
        try Self.validate(port: port)
        if let problem = DomainRules.hostnameProblem(hostname.lowercased()) { throw CLIError(problem) }
        let pem = try Self.readCertificate(cert: cert, key: key)
        var session = try Session(client)
        let resolved = try await session.resolve(target)
        let domain = try await session.call {
            try await $0.createDomain(
                service: resolved.service.id, environment: resolved.environment.id, hostname: hostname.lowercased(), targetPort: port,
                httpsRedirect: httpsRedirect ? true : nil, certificate: pem?.certificate, privateKey: pem?.privateKey)
        }
        if client.json { return try Output.json(domain) }
        Output.line(domain.url ?? domain.hostname)
    }
}

struct DomainList: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "list", abstract: "List the service's domains in the environment.")

    @OptionGroup var client: ClientOptions
    @OptionGroup var target: ServiceTargetOptions
    @Flag(help: "With --json: the TCP proxy (a list of none or one) instead of the domains.") var tcp = false

    func run() async throws {
        var session = try Session(client)
        let resolved = try await session.resolve(target)
        let domains = try await session.call { try await $0.domains(of: resolved.service.id, in: resolved.environment.id) }
        let proxies = try await session.call { try await $0.tcpProxies(of: resolved.service.id, in: resolved.environment.id) }
        // --json keeps its shape (a list of domains) for scripts written before TCP proxies.
        if client.json { return tcp ? try Output.json(proxies) : try Output.json(domains) }
        Output.table(["DOMAIN", "KIND", "PORT", "CERTIFICATE", "URL"], domains.map {
            [$0.hostname, $0.kind.rawValue, $0.targetPort.map(String.init) ?? "PORT", Self.describe($0.certificate), $0.url ?? "-"]
        } + proxies.map {
            ["\($0.domain ?? "localhost"):\($0.port)", "tcp", String($0.targetPort), "-", "tcp://\($0.domain ?? "localhost"):\($0.port)"]
        })
    }

    static func describe(_ certificate: CertificateSummary?) -> String {
        guard let certificate else { return "self-signed" }
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withFullDate]
        return "installed, until \(formatter.string(from: certificate.expiresAt))"
    }
}

struct DomainUpdate: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "update", abstract: "Rename a domain, change its port, its certificate or its redirect to HTTPS.")

    @Argument(help: "The domain's host name or id.") var domain: String
    @OptionGroup var client: ClientOptions
    @OptionGroup var target: ServiceTargetOptions
    @Option(help: "A new host name.") var name: String?
    @Option(help: "The port inside the instance, or `default` for its PORT.") var port: String?
    @Option(help: "A new PEM certificate chain (with --key).") var cert: String?
    @Option(help: "Its PEM private key.") var key: String?
    @Flag(help: "Remove the installed certificate (a self-signed one is served).") var removeCert = false
    @Option(help: "Redirect plain HTTP to HTTPS: on or off.") var httpsRedirect: String?

    func run() async throws {
        if name == nil && port == nil && cert == nil && key == nil && !removeCert && httpsRedirect == nil {
            throw CLIError("nothing to change: give --name, --port, --cert and --key, --remove-cert or --https-redirect")
        }
        if let name, let problem = DomainRules.hostnameProblem(name.lowercased()) { throw CLIError(problem) }
        if removeCert && (cert != nil || key != nil) { throw CLIError("--remove-cert goes without --cert and --key") }
        var redirect: Bool?
        switch httpsRedirect {
        case nil: redirect = nil
        case "on": redirect = true
        case "off": redirect = false
        default: throw CLIError("--https-redirect must be on or off")
        }
        var change = RailyardClient.DomainChange(hostname: name?.lowercased(), httpsRedirect: redirect)
        if let pem = try DomainAdd.readCertificate(cert: cert, key: key) {
            change.certificate = .some(pem.certificate)
            change.privateKey = .some(pem.privateKey)
        } else if removeCert {
            change.certificate = .some(nil)
            change.privateKey = .some(nil)
        }
        var targetPort: Int?? = nil
        if let port {
            if port == "default" {
                targetPort = .some(nil)
            } else {
                guard let value = Int(port), (1...65535).contains(value) else { throw CLIError("--port must be from 1 to 65535, or default") }
                targetPort = .some(value)
            }
        }
        change.targetPort = targetPort
        var session = try Session(client)
        let found = try await DomainRemove.find(domain, session: &session, target: target)
        let updated = try await session.call {
            try await $0.updateDomain(found.id, change)
        }
        if client.json { return try Output.json(updated) }
        Output.line(updated.url ?? updated.hostname)
    }
}

struct DomainRemove: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "remove", abstract: "Remove a domain, or (--tcp, or its HOST:PORT) the TCP proxy, from the service.")

    @Argument(help: "The domain's host name or id, or the TCP proxy's HOST:PORT.") var domain: String?
    @OptionGroup var client: ClientOptions
    @OptionGroup var target: ServiceTargetOptions
    @Flag(help: "Remove the service's TCP proxy: its port closes, with every connection through it.") var tcp = false

    func validate() throws {
        if domain == nil && !tcp { throw CLIError("name the domain to remove, or give --tcp to remove the TCP proxy") }
    }

    /// `HOST:PORT` or a port: a TCP proxy's address, never a domain's name.
    static func looksLikeProxy(_ text: String) -> Bool {
        Int(text.split(separator: ":").last ?? "") != nil
    }

    /// Whether `text` (`HOST:PORT`, a port, or an id) names the proxy.
    static func names(_ proxy: TCPProxy, _ text: String) -> Bool {
        text == proxy.id.rawValue || text.split(separator: ":").last.flatMap { Int($0) } == proxy.port
    }

    static func find(_ text: String, session: inout Session, target: ServiceTargetOptions) async throws -> Domain {
        let resolved = try await session.resolve(target)
        let domains = try await session.call { try await $0.domains(of: resolved.service.id, in: resolved.environment.id) }
        guard let found = domains.first(where: { $0.hostname == text.lowercased() || $0.id.rawValue == text }) else {
            throw CLIError("\(resolved.service.name) has no domain \(text) in \(resolved.environment.name)")
        }
        return found
    }

    func run() async throws {
        var session = try Session(client)
        if tcp || domain.map(Self.looksLikeProxy) == true {
            let resolved = try await session.resolve(target)
            let proxies = try await session.call { try await $0.tcpProxies(of: resolved.service.id, in: resolved.environment.id) }
            guard let proxy = proxies.first, domain.map({ Self.names(proxy, $0) }) ?? true else {
                throw CLIError("\(resolved.service.name) has no TCP proxy \(domain ?? "") in \(resolved.environment.name): see `railyard domain list`")
            }
            try await session.call { try await $0.deleteTCPProxy(service: resolved.service.id, environment: resolved.environment.id) }
            let address = "\(proxy.domain ?? "localhost"):\(proxy.port)"
            if client.json { return try Output.json(["removed": address]) }
            return Output.line("Removed the TCP proxy \(address)")
        }
        guard let domain else { return }
        let found = try await Self.find(domain, session: &session, target: target)
        try await session.call { try await $0.deleteDomain(found.id) }
        if client.json { return try Output.json(["removed": found.hostname]) }
        Output.line("Removed \(found.hostname)")
    }
}
