import ArgumentParser
import Foundation
import Logging
import RailyardAPI
import RailyardCore
import RailyardSandbox

/// `railyard server`: runs the control plane until SIGINT or SIGTERM.
struct ServerCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "server", abstract: "Run the Railyard control plane (HTTP API).")

    @Option(name: .long, help: "Address of the HTTP API.")
    var apiListen = "127.0.0.1:7070"

    @Option(name: .long, help: "Data folder (default: RAILYARD_DATA, else $XDG_DATA_HOME/railyard).")
    var data: String?

    @Option(name: .long, help: "PostgreSQL URL (postgres://…); default DATABASE_URL, else SQLite in the data folder.")
    var databaseURL: String?

    @Option(name: .long, help: "Log level: trace, debug, info, notice, warning, error, critical.")
    var logLevel = "info"

    @Option(name: .long, help: "Largest source upload accepted, in MiB (default 200; RAILYARD_UPLOAD_LIMIT_MB).")
    var uploadLimit: Int?

    @Option(name: .long, help: "Source archives and artifacts one service may store, in MiB (default 2048; RAILYARD_SERVICE_STORAGE_LIMIT_MB); past it uploads get 413.")
    var serviceStorageLimit: Int?

    @Option(name: .long, help: "Source archives and artifacts all services of one workspace may store, in MiB (default 10240; RAILYARD_WORKSPACE_STORAGE_LIMIT_MB).")
    var workspaceStorageLimit: Int?

    @Option(name: .long, help: "Builds that may run at once (default: the number of cores).")
    var concurrentBuilds: Int?

    @Option(name: .long, help: "Artifacts kept per service for instant rollbacks (default 5).")
    var artifactsKept: Int?

    @Option(name: .long, help: "Where the edge router serves apps over HTTP, HOST:PORT, or `off` (default 0.0.0.0:8080; RAILYARD_HTTP_LISTEN).")
    var httpListen: String?

    @Option(name: .long, help: "Where it serves apps over HTTPS (certificates by SNI: installed ones, else self-signed), HOST:PORT, or `off` (default 0.0.0.0:8443; RAILYARD_HTTPS_LISTEN).")
    var httpsListen: String?

    @Option(name: .long, help: "Client connections the edge router keeps open at once; past it new ones get a 503 (default 10000).")
    var maxConnections: Int?

    @Option(name: .long, help: "The base of generated domains, SERVICE-PROJECT.DOMAIN (default localhost; RAILYARD_DOMAIN).")
    var domain: String?

    @Option(name: .long, help: "The ports TCP proxies (`railyard domain --tcp`) listen on, LOW-HIGH, on the HTTP listen host (default 20000-20999; RAILYARD_TCP_PROXY_PORTS).")
    var tcpProxyPorts: String?

    @Flag(name: .long, help: "When another server holds the store (one acts on a store at a time), wait and take over once it stops, instead of refusing to start.")
    var standby = false

    @Flag(name: .long, help: "Replace the server running on this data folder (an upgrade) without stopping its apps: start them beside it, switch the edge over, then stop it. Give the same --data and edge addresses.")
    var replace = false

    @Option(name: .long, help: "Seconds the store's lease lasts unrenewed: how soon a standby takes over a server that died (default 15).")
    var leaseSeconds: Int?

    @Option(name: .long, help: "Warn in the log when the data folder has less free space than this, in MiB (default 1024; RAILYARD_DISK_WARNING_MB).")
    var diskWarning: Int?

    @Option(name: .long, help: "Seconds between measurements of the data folder's free space (default 30).")
    var diskCheckInterval: Int?

    @Option(name: .long, help: "Seconds a store call may take before requests get 503 store_unavailable (default 5; RAILYARD_STORE_TIMEOUT).")
    var storeTimeout: Int?

    @Option(name: .long, help: "What each replica may write into its own view of its app folder, in MiB; the writes are its own and go at its restart (default 512; 0 keeps app folders read-only).")
    var writableAppFolder: Int?

    @Option(name: .long, help: "A folder of interpreters apps may ask for by version (runtime.txt, .python-version, .nvmrc, engines.node), laid out FOLDER/python/3.12.1/bin/python3 or as pyenv's versions folder; repeatable. The host's python3 and node are always offered.")
    var toolchains: [String] = []

    @Option(name: .long, help: "The IPv4 network private networks take their /24s from, one per project environment (default 10.208.0.0/12; needs root, iproute2 and nftables), or off to run sandboxes on the host's network (every deployment then carries a warning).")
    var privateNetwork: String?

    @Flag(name: .long, help: "Run builds and apps without bubblewrap (hosts where it cannot work); every deployment carries a warning.")
    var noSandbox = false

    func validate() throws {
        guard ServerOptions.parseListenAddress(apiListen) != nil else {
            throw ValidationError("--api-listen must be HOST:PORT, e.g. 127.0.0.1:7070")
        }
        guard Logger.Level(rawValue: logLevel) != nil else {
            throw ValidationError("--log-level must be one of trace, debug, info, notice, warning, error, critical")
        }
        if let uploadLimit, !(1...100_000).contains(uploadLimit) {
            throw ValidationError("--upload-limit must be between 1 and 100000 (MiB)")
        }
        if let serviceStorageLimit, !Self.storageRange.contains(serviceStorageLimit) {
            throw ValidationError("--service-storage-limit must be between 1 and \(Self.storageRange.upperBound) (MiB)")
        }
        if let workspaceStorageLimit, !Self.storageRange.contains(workspaceStorageLimit) {
            throw ValidationError("--workspace-storage-limit must be between 1 and \(Self.storageRange.upperBound) (MiB)")
        }
        if let concurrentBuilds, !(1...256).contains(concurrentBuilds) {
            throw ValidationError("--concurrent-builds must be between 1 and 256")
        }
        if let artifactsKept, !(1...1000).contains(artifactsKept) {
            throw ValidationError("--artifacts-kept must be between 1 and 1000")
        }
        if let writableAppFolder, !(0...(1 << 20)).contains(writableAppFolder) {
            throw ValidationError("--writable-app-folder must be between 0 and 1048576 (MiB)")
        }
        if let privateNetwork, privateNetwork != "off", PrivateAddressPlan(pool: privateNetwork) == nil {
            throw ValidationError("--private-network must be an IPv4 network of /8 to /24, e.g. 10.208.0.0/12, or off")
        }
        for folder in toolchains where !folder.hasPrefix("/") {
            throw ValidationError("--toolchains takes an absolute path (\(folder) is not)")
        }
        if let httpListen, httpListen != "off", ServerOptions.parseListenAddress(httpListen) == nil {
            throw ValidationError("--http-listen must be HOST:PORT, e.g. 0.0.0.0:8080, or off")
        }
        if let httpsListen, httpsListen != "off", ServerOptions.parseListenAddress(httpsListen) == nil {
            throw ValidationError("--https-listen must be HOST:PORT, e.g. 0.0.0.0:8443, or off")
        }
        if replace && standby {
            throw ValidationError("--replace and --standby cannot be used together")
        }
        if let leaseSeconds, !(3...600).contains(leaseSeconds) {
            throw ValidationError("--lease-seconds must be between 3 and 600")
        }
        if let maxConnections, !(1...1_000_000).contains(maxConnections) {
            throw ValidationError("--max-connections must be between 1 and 1000000")
        }
        if let diskWarning, !(0...(100 << 20)).contains(diskWarning) {
            throw ValidationError("--disk-warning must be between 0 and \(100 << 20) (MiB)")
        }
        if let diskCheckInterval, !(1...3600).contains(diskCheckInterval) {
            throw ValidationError("--disk-check-interval must be between 1 and 3600 (seconds)")
        }
        if let storeTimeout, !Self.storeTimeoutRange.contains(storeTimeout) {
            throw ValidationError("--store-timeout must be between 1 and 300 (seconds)")
        }
        if let domain, DomainRules.hostnameProblem(domain) != nil && domain != "localhost" {
            throw ValidationError("--domain must be a host name such as apps.example.com (or localhost)")
        }
    }

    func run() async throws {
        let environment = ProcessInfo.processInfo.environment
        func value(_ name: String) -> String? { environment[name].flatMap { $0.isEmpty ? nil : $0 } }
        let level = Logger.Level(rawValue: logLevel) ?? .info
        LoggingSystem.bootstrap { label in
            var handler = StreamLogHandler.standardError(label: label)
            handler.logLevel = level
            return handler
        }
        let logger = Logger(label: "railyard")
        guard let (host, port) = ServerOptions.parseListenAddress(apiListen) else { throw ExitCode.validationFailure }
        let dataDirectory = data ?? value("RAILYARD_DATA") ?? Self.defaultDataDirectory(environment)
        var options = ServerOptions(
            apiHost: host, apiPort: port, dataDirectory: dataDirectory,
            databaseURL: databaseURL ?? value("DATABASE_URL"), secretKey: value("RAILYARD_SECRET_KEY"),
            adminEmail: value("RAILYARD_ADMIN_EMAIL"), adminPassword: value("RAILYARD_ADMIN_PASSWORD"))
        let uploadMiB = uploadLimit ?? value("RAILYARD_UPLOAD_LIMIT_MB").flatMap(Int.init)
        if let uploadMiB {
            guard (1...100_000).contains(uploadMiB) else { throw CLIError("RAILYARD_UPLOAD_LIMIT_MB must be between 1 and 100000") }
            options.uploadLimit = uploadMiB << 20
        }
        if let bytes = try Self.storageLimit(serviceStorageLimit, value("RAILYARD_SERVICE_STORAGE_LIMIT_MB"), "RAILYARD_SERVICE_STORAGE_LIMIT_MB") {
            options.storageLimits.perService = bytes
        }
        if let bytes = try Self.storageLimit(workspaceStorageLimit, value("RAILYARD_WORKSPACE_STORAGE_LIMIT_MB"), "RAILYARD_WORKSPACE_STORAGE_LIMIT_MB") {
            options.storageLimits.perWorkspace = bytes
        }
        if let concurrentBuilds { options.concurrentBuilds = concurrentBuilds }
        if let artifactsKept { options.artifactsKept = artifactsKept }
        if let writableAppFolder { options.writableAppFolderBytes = writableAppFolder << 20 }
        options.toolchainFolders = toolchains
        options.sandbox = !noSandbox
        options.privateNetwork = privateNetwork == "off" ? nil : privateNetwork ?? PrivateAddressPlan.defaultPool
        options.standby = standby
        options.replace = replace
        if let leaseSeconds { options.leaseDuration = .seconds(leaseSeconds) }
        let http = try Self.listenAddress(httpListen ?? value("RAILYARD_HTTP_LISTEN") ?? "0.0.0.0:8080", "RAILYARD_HTTP_LISTEN")
        options.httpHost = http?.host
        options.httpPort = http?.port ?? 0
        let https = try Self.listenAddress(httpsListen ?? value("RAILYARD_HTTPS_LISTEN") ?? "0.0.0.0:8443", "RAILYARD_HTTPS_LISTEN")
        options.httpsHost = https?.host
        options.httpsPort = https?.port ?? 0
        if let maxConnections { options.maximumConnections = maxConnections }
        let base = (domain ?? value("RAILYARD_DOMAIN") ?? "localhost").lowercased()
        guard base == "localhost" || DomainRules.hostnameProblem(base) == nil else {
            throw CLIError("RAILYARD_DOMAIN must be a host name such as apps.example.com")
        }
        options.baseDomain = base
        if let text = tcpProxyPorts ?? value("RAILYARD_TCP_PROXY_PORTS") {
            guard let range = TCPProxyRules.parseRange(text) else {
                throw CLIError("RAILYARD_TCP_PROXY_PORTS must be a range of ports, LOW-HIGH, such as 20000-20999")
            }
            options.tcpProxyPorts = range
        }
        if let mebibytes = diskWarning ?? value("RAILYARD_DISK_WARNING_MB").flatMap(Int.init) {
            guard (0...(100 << 20)).contains(mebibytes) else { throw CLIError("RAILYARD_DISK_WARNING_MB must be between 0 and \(100 << 20)") }
            options.diskWarnBelow = Int64(mebibytes) << 20
        }
        if let diskCheckInterval { options.diskCheckInterval = .seconds(diskCheckInterval) }
        if let seconds = storeTimeout ?? value("RAILYARD_STORE_TIMEOUT").flatMap(Int.init) {
            guard Self.storeTimeoutRange.contains(seconds) else { throw CLIError("RAILYARD_STORE_TIMEOUT must be between 1 and 300 (seconds)") }
            options.storeCallLimit = .seconds(seconds)
        }
        do {
            try await ControlPlaneServer.run(options: options, logger: logger)
        } catch let error as ConfigurationError {
            throw CLIError(error.description)
        }
    }

    static let storeTimeoutRange = 1...300

    /// Storage limits in MiB: up to 100 TiB.
    static let storageRange = 1...(100 << 20)

    /// A storage limit in bytes from its flag, else its variable (MiB); nil for the default.
    static func storageLimit(_ flag: Int?, _ text: String?, _ variable: String) throws -> Int64? {
        guard let mebibytes = flag ?? text.flatMap(Int.init) else {
            if text != nil { throw CLIError("\(variable) must be a number of MiB") }
            return nil
        }
        guard storageRange.contains(mebibytes) else { throw CLIError("\(variable) must be between 1 and \(storageRange.upperBound) (MiB)") }
        return Int64(mebibytes) << 20
    }

    /// HOST:PORT, or nil for `off`.
    static func listenAddress(_ text: String, _ variable: String) throws -> (host: String, port: Int)? {
        if text == "off" { return nil }
        guard let address = ServerOptions.parseListenAddress(text) else { throw CLIError("\(variable) must be HOST:PORT or off") }
        return address
    }

    static func defaultDataDirectory(_ environment: [String: String]) -> String {
        let base = environment["XDG_DATA_HOME"].flatMap { $0.isEmpty ? nil : $0 }
            ?? (NSHomeDirectory() as NSString).appendingPathComponent(".local/share")
        return (base as NSString).appendingPathComponent("railyard")
    }
}
