import ArgumentParser
import Foundation
import RailyardClient
import RailyardCore
#if canImport(Glibc)
import Glibc
#endif

/// `railyard connect postgres -- -c 'select 1'`: the database's own client, with its
/// credentials, on the database's private address.
struct Connect: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "connect", abstract: "Open the database's client (psql, redis-cli, mysql) with its credentials.",
        discussion: """
            The client runs here, with the service's variables (passwords in its environment, never on its command
            line), and reaches the database at its private address when this machine can (the server's own); else
            through the database's TCP proxy (`railyard domain --tcp --service NAME` opens one), and --public goes
            through the proxy always. Arguments after -- go to the client: railyard connect postgres -- -c 'select 1'.
            """)

    @OptionGroup var client: ClientOptions
    @OptionGroup var target: TargetOptions
    @Argument(help: "The database service (default: the project's only database).") var service: String?
    @Flag(name: .customLong("public"), help: "Connect through the database's TCP proxy even where its private address is reachable.")
    var throughProxy = false
    @Argument(parsing: .postTerminator, help: "Arguments for the client.") var arguments: [String] = []

    func run() async throws {
        var session = try Session(client)
        let project = try await session.project(target.project)
        let environment = try await session.environment(target.environment, in: project)
        let database = try await Self.database(service, in: project, &session)
        guard let engine = database.database else {
            throw CLIError("\(database.name) is not a database service; `railyard connect` opens a database's client")
        }
        let deployments = try await session.call { try await $0.deployments(of: database.id, in: environment.id) }
        guard let serving = deployments.filter({ $0.status == .success }).max(by: { $0.id < $1.id }),
              let address = serving.instances.first?.address
        else {
            throw CLIError("\(database.name) is not running in \(environment.name): see `railyard logs --service \(database.name)`")
        }
        let variables = try await session.call { try await $0.resolvedVariables(of: database.id, in: environment.id) }
        var values: [String: String] = [:]
        for variable in variables { if let value = variable.value { values[variable.name] = value } }
        let parts = address.split(separator: ":")
        var host = parts.dropLast().joined(separator: ":")
        var port = String(parts.last ?? "")
        // Through a proxy, over networks that are not the server's: encrypted where the
        // engine can (PostgreSQL's clients ask by themselves). The certificates are the
        // databases' own self-signed ones, so they are not verified.
        var encrypt: [String] = []
        if throughProxy || !Self.reachable(host: host, port: Int(port) ?? engine.port) {
            // The private network is the server's alone; from anywhere else the proxy is the way in.
            let proxies = try await session.call { try await $0.tcpProxies(of: database.id, in: environment.id) }
            guard let proxy = proxies.first else {
                throw CLIError(throughProxy
                    ? "\(database.name) has no TCP proxy in \(environment.name): open one with `railyard domain --tcp --service \(database.name)`"
                    : "\(database.name) listens at \(address), on its environment's private network, which this machine cannot reach: open a TCP proxy with `railyard domain --tcp --service \(database.name)`, or run `railyard connect` on the server's machine")
            }
            host = proxy.domain ?? "localhost"
            port = String(proxy.port)
            if engine == .redis, proxy.targetPort == engine.tlsPort { encrypt = ["--tls", "--insecure"] }
            if engine == .mysql { encrypt = ["--ssl"] }
        }
        let (program, package) = engine.client
        var environmentVariables = ProcessInfo.processInfo.environment
        var command: [String]
        switch engine {
        case .postgres:
            for (name, value) in [("PGHOST", host), ("PGPORT", port), ("PGUSER", values["PGUSER"] ?? "postgres"),
                                  ("PGPASSWORD", values["PGPASSWORD"] ?? ""), ("PGDATABASE", values["PGDATABASE"] ?? "railway")] {
                environmentVariables[name] = value
            }
            command = [program]
        case .redis:
            environmentVariables["REDISCLI_AUTH"] = values["REDISPASSWORD"] ?? ""
            command = [program, "-h", host, "-p", port, "--no-auth-warning"] + encrypt
        case .mysql:
            environmentVariables["MYSQL_PWD"] = values["MYSQL_ROOT_PASSWORD"] ?? values["MYSQLPASSWORD"] ?? ""
            command = [program, "-h", host, "-P", port, "-u", values["MYSQLUSER"] ?? "root"] + encrypt + [values["MYSQLDATABASE"] ?? "railway"]
        }
        command += arguments
        guard let path = Self.find(program, in: environmentVariables["PATH"] ?? "/usr/bin:/bin") else {
            throw CLIError("\(program) is not installed here: install Debian's \(package) package (apt-get install \(package))")
        }
        // The client takes this process's place: the terminal, signals and exit status are its.
        let arguments = command.map { strdup($0) } + [nil]
        let environmentBlock = environmentVariables.map { strdup("\($0.key)=\($0.value)") } + [nil]
        execve(path, arguments, environmentBlock)
        throw CLIError("cannot run \(path): \(String(cString: strerror(errno)))")
    }

    /// The service named, or the project's only database.
    static func database(_ given: String?, in project: Project, _ session: inout Session) async throws -> Service {
        if let given { return try await session.service(given, in: project) }
        let databases = try await session.call { try await $0.services(of: project.id) }.filter { $0.database != nil }
        guard databases.count == 1, let only = databases.first else {
            throw CLIError(databases.isEmpty
                ? "project \(project.name) has no database: add one with `railyard add --database postgres`"
                : "which database? name one: " + databases.map(\.name).joined(separator: ", "))
        }
        return only
    }

    static func find(_ program: String, in path: String) -> String? {
        path.split(separator: ":").map { "\($0)/\(program)" }.first { FileManager.default.isExecutableFile(atPath: $0) }
    }

    /// Whether a TCP connection to the database opens within two seconds.
    static func reachable(host: String, port: Int) -> Bool {
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = UInt16(clamping: port).bigEndian
        guard inet_pton(AF_INET, host, &address.sin_addr) == 1 else { return false }
        let descriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_NONBLOCK.rawValue), 0)
        guard descriptor >= 0 else { return false }
        defer { close(descriptor) }
        let started = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { Glibc.connect(descriptor, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        if started == 0 { return true }
        guard errno == EINPROGRESS else { return false }
        var poller = pollfd(fd: descriptor, events: Int16(POLLOUT), revents: 0)
        guard poll(&poller, 1, 2000) == 1 else { return false }
        var error: Int32 = 0
        var length = socklen_t(MemoryLayout<Int32>.size)
        getsockopt(descriptor, SOL_SOCKET, SO_ERROR, &error, &length)
        return error == 0
    }
}
