import Crypto
import Foundation
import Hummingbird
import Logging
import RailyardBuild
import RailyardControl
import RailyardEdge
import NIOCore
import RailyardCore
import RailyardRuntime
import RailyardSandbox
import RailyardStore
import ServiceLifecycle
import Synchronization

/// How `railyard server` was asked to run.
public struct ServerOptions: Sendable {
    public var apiHost: String
    public var apiPort: Int
    public var dataDirectory: String
    public var databaseURL: String?
    public var secretKey: String?
    public var adminEmail: String?
    public var adminPassword: String?
    public var loginPolicy: LoginRateLimiter.Policy
    /// Largest source upload accepted, in bytes.
    public var uploadLimit: Int = APIDependencies.defaultUploadLimit
    /// Builds that may run at once.
    public var concurrentBuilds: Int = max(1, ProcessInfo.processInfo.activeProcessorCount)
    /// False runs builds and apps without bubblewrap (each deployment says so in a warning).
    public var sandbox = true
    /// The pool private networks take their subnets from (`PrivateAddressPlan`); nil runs
    /// sandboxes on the host's network.
    public var privateNetwork: String? = PrivateAddressPlan.defaultPool
    /// Artifacts kept per service for rollbacks.
    public var artifactsKept = 5
    /// What each replica may write into its own view of its app folder; 0 for read-only.
    public var writableAppFolderBytes = 512 << 20
    /// Folders of interpreters (`--toolchains`), besides the host's own.
    public var toolchainFolders: [String] = []
    /// Bytes of source archives and artifacts a service, and a workspace, may store.
    public var storageLimits = StorageLimits()
    /// Where the edge router listens for HTTP; nil runs no edge.
    public var httpHost: String? = "0.0.0.0"
    public var httpPort = 8080
    /// Where it listens for HTTPS; nil serves no HTTPS.
    public var httpsHost: String? = "0.0.0.0"
    public var httpsPort = 8443
    /// Client connections the edge keeps open at once (HTTP and HTTPS together).
    public var maximumConnections = EdgeLimits().maximumConnections
    /// The base of generated domains, and the host name TCP proxies are reached at.
    public var baseDomain = "localhost"
    /// The ports TCP proxies take theirs from, on the HTTP listen host.
    public var tcpProxyPorts = TCPProxyRules.defaultPorts
    /// Wait for the store's lease when another server holds it, instead of refusing to start.
    public var standby = false
    /// How long the store's lease lasts unrenewed: how soon a standby takes over a dead server.
    public var leaseDuration: Duration = .seconds(15)
    /// Replace the server running on this data folder (an upgrade) without stopping its apps.
    public var replace = false
    /// Below this much free space in the data folder the server log warns.
    public var diskWarnBelow = DiskSpaceMonitor.defaultWarnBelow
    /// How often the data folder's free space is measured.
    public var diskCheckInterval = DiskSpaceMonitor.defaultInterval
    /// How long a store call may take before the API answers 503 store_unavailable.
    public var storeCallLimit = Store.defaultCallLimit

    public init(
        apiHost: String = "127.0.0.1", apiPort: Int = 7070, dataDirectory: String, databaseURL: String? = nil,
        secretKey: String? = nil, adminEmail: String? = nil, adminPassword: String? = nil,
        loginPolicy: LoginRateLimiter.Policy = .init()
    ) {
        self.apiHost = apiHost
        self.apiPort = apiPort
        self.dataDirectory = dataDirectory
        self.databaseURL = databaseURL
        self.secretKey = secretKey
        self.adminEmail = adminEmail
        self.adminPassword = adminPassword
        self.loginPolicy = loginPolicy
    }

    /// Parses `HOST:PORT`, `[IPv6]:PORT` or `:PORT`.
    public static func parseListenAddress(_ text: String) -> (host: String, port: Int)? {
        guard let colon = text.lastIndex(of: ":") else { return nil }
        var host = String(text[..<colon])
        guard let port = Int(text[text.index(after: colon)...]), (0...65535).contains(port) else { return nil }
        if host.hasPrefix("[") && host.hasSuffix("]") { host = String(host.dropFirst().dropLast()) }
        if host.isEmpty { host = "0.0.0.0" }
        return (host, port)
    }
}

/// The control plane: prepares the data folder, opens the store, bootstraps the first admin
/// and serves the API until SIGINT or SIGTERM.
public enum ControlPlaneServer {
    public static let setupTokenFileName = "setup-token"

    public static func run(
        options: ServerOptions, logger: Logger, onServerRunning: @escaping @Sendable (Int) async -> Void = { _ in }
    ) async throws {
        let data = options.dataDirectory
        // Searchable but not listable by others: sandboxed builds and apps run as an
        // unprivileged user that must reach their artifact folder inside; everything secret in
        // it is mode 0600 or in a 0700 folder, and sandboxes see an empty folder in its place.
        try FileManager.default.createDirectory(
            atPath: data, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o711])
        try FileManager.default.setAttributes([.posixPermissions: 0o711], ofItemAtPath: data)
        // One server per data folder; one acting server per store (the lease, below).
        let folderLock: DataFolderLock
        let replaced: Int32?
        do {
            if options.replace {
                let old = try ServerReplacement.askToHandOver(dataDirectory: data, logger: logger)
                folderLock = try await ServerReplacement.waitForLock(dataDirectory: data)
                replaced = old
            } else {
                folderLock = try DataFolderLock(dataDirectory: data)
                replaced = nil
            }
        } catch let error as DataFolderLockError {
            throw ConfigurationError(error.description)
        }
        let nodeID = try NodeLease.nodeIdentity(dataDirectory: data)
        let secrets = try options.secretKey.map(SecretBox.init(base64Key:))
            ?? SecretBox.loadOrCreate(keyFile: (data as NSString).appendingPathComponent("secret.key"))
        let location: Store.Location = options.databaseURL.map { .postgres(url: $0) }
            ?? .sqlite(path: (data as NSString).appendingPathComponent("railyard.sqlite"))
        let store = try Store(location: location, secrets: secrets, logger: logger, callLimit: options.storeCallLimit)
        let lease = NodeLease(store: store, node: nodeID, dataDirectory: data, logger: logger, duration: options.leaseDuration)
        let setupGate = SetupGate(token: nil)
        let setupTokenPath = (data as NSString).appendingPathComponent(setupTokenFileName)
        var controlOptions = ControlOptions(dataDirectory: URL(fileURLWithPath: data))
        controlOptions.concurrentBuilds = options.concurrentBuilds
        controlOptions.artifactsKept = options.artifactsKept
        controlOptions.writableAppFolderBytes = options.writableAppFolderBytes
        // Interpreters apps may ask for by version: found once, at start.
        controlOptions.toolchains = await ToolchainCatalog.discover(folders: options.toolchainFolders)
        controlOptions.replacing = replaced != nil
        controlOptions.tcpProxyDomain = options.baseDomain
        controlOptions.tcpProxyPorts = options.tcpProxyPorts
        // This server's cgroups are named after its data folder: servers sharing a machine
        // (tests, a second server on one database) never kill each other's sandboxes.
        let node = ControlOptions.nodeName(dataDirectory: data)
        let runner = await SandboxRunner.detect(turnedOff: options.sandbox ? nil : "turned off with --no-sandbox", node: node)
        if let reason = runner.unsandboxedReason {
            logger.warning("builds and apps will run without a sandbox", metadata: ["reason": "\(reason)"])
        }
        if let pool = options.privateNetwork {
            switch await PrivateNetwork.start(data: URL(fileURLWithPath: data), pool: pool) {
            case .success(let network):
                controlOptions.privateNetwork = network
                for warning in network.warnings { logger.warning("\(warning)") }
            case .failure(let problem):
                controlOptions.privateNetworkUnavailable = problem.description
                logger.warning("apps and builds will share the host's network", metadata: ["reason": "\(problem)"])
            }
        } else {
            controlOptions.privateNetworkUnavailable = "turned off with --private-network off"
        }
        let control = try DeploymentController(
            store: store, runtime: SandboxedProcessRuntime(runner: runner, node: node), options: controlOptions, logger: logger,
            lease: lease, runner: runner)
        var configured = APIDependencies(
            store: store, tokens: await TokenService(signingKey: secrets.derivedKey(purpose: "access-token-signing")),
            loginLimiter: LoginRateLimiter(policy: options.loginPolicy), setupGate: setupGate,
            onSetupComplete: { try? FileManager.default.removeItem(atPath: setupTokenPath) })
        configured.control = control
        configured.logHub = control.logs
        configured.sourcesFolder = controlOptions.sources
        configured.artifactsFolder = controlOptions.artifacts
        configured.uploadLimit = options.uploadLimit
        let storage = StorageGuard(
            store: store, sources: controlOptions.sources, artifacts: controlOptions.artifacts,
            limits: options.storageLimits, kept: options.artifactsKept, logger: logger)
        configured.storage = storage
        configured.baseDomain = options.baseDomain
        let diskMonitor = DiskSpaceMonitor(
            folder: data, warnBelow: options.diskWarnBelow, interval: options.diskCheckInterval, logger: logger)
        configured.diskMonitor = diskMonitor
        var services: [any ServiceLifecycle.Service] = [
            store, ControlService(control: control), diskMonitor, ResidentCodeTrimService(logger: logger),
        ]
        // Asked by a replacing server (SIGUSR2): hand over, and let go of the data folder.
        let resumedLock = Mutex<DataFolderLock?>(nil)
        let handover = ServerReplacement.onHandoverRequest {
            await control.handOver()
            folderLock.release()
            resumedLock.withLock { $0?.release() }
            let lock = await ServerReplacement.resumeIfAbandoned(dataDirectory: data, control: control, logger: logger)
            resumedLock.withLock { $0 = lock }
        }
        let edgeBound = ListenerCount()
        var edgeServer: EdgeServer?
        if options.httpHost != nil || options.httpsHost != nil {
            var limits = EdgeLimits()
            limits.maximumConnections = options.maximumConnections
            let accessLog = AccessLogSink { [control] batch, dropped in control.logRequests(batch, dropped: dropped) }
            let edge = EdgeServer(limits: limits, accessLog: accessLog)
            var listening: Logger.Metadata = ["railyard.domain": "\(options.baseDomain)"]
            /// Binds one listener; returns the port it got (port 0 picks one). Replacing a server,
            /// it binds beside the old one's only once this server's replicas are healthy.
            func listen(_ what: String, host: String, port: Int, _ bind: @escaping @Sendable () async throws -> any Channel) async throws -> Int {
                if replaced != nil {
                    guard port != 0 else { throw ConfigurationError("--replace needs the replaced server's edge ports, not port 0") }
                    services.append(DeferredEdgeService(bind: bind, ready: { await control.replacementReady() }, bound: edgeBound, edge: edge))
                    return port
                }
                // The listeners share their port with a replacing server (SO_REUSEPORT): an
                // unrelated program already there must still be refused.
                if ListenerProbe.inUse(host: host, port: port) {
                    throw ConfigurationError("the edge router cannot listen\(what) on \(host):\(port): another program listens there")
                }
                let channel: any Channel
                do {
                    channel = try await bind()
                } catch {
                    throw ConfigurationError("the edge router cannot listen\(what) on \(host):\(port): \(error)")
                }
                services.append(EdgeService(channel: channel, edge: edge))
                edgeBound.add()
                return channel.localAddress?.port ?? port
            }
            if let httpHost = options.httpHost {
                let port = try await listen("", host: httpHost, port: options.httpPort) {
                    try await edge.bind(host: httpHost, port: options.httpPort)
                }
                configured.edgeHTTPPort = port
                listening["railyard.http"] = "\(httpHost):\(port)"
                // TCP proxies listen beside HTTP, on ports the controller opens as proxies are
                // added (and at start, for those stored).
                let tcpProxies = TCPProxyServer(host: httpHost)
                await control.attachTCPProxies(tcpProxies)
                services.append(TCPProxyService(server: tcpProxies))
                listening["railyard.tcp_proxy_ports"] = "\(options.tcpProxyPorts.lowerBound)-\(options.tcpProxyPorts.upperBound)"
            }
            if let httpsHost = options.httpsHost {
                let port = try await listen(" for HTTPS", host: httpsHost, port: options.httpsPort) {
                    try await edge.bindTLS(host: httpsHost, port: options.httpsPort)
                }
                configured.edgeHTTPSPort = port
                listening["railyard.https"] = "\(httpsHost):\(port)"
            }
            configured.edgeRoutes = edge.routes
            edgeServer = edge
            await control.attachEdge(edge.routes)
            logger.info(replaced == nil ? "edge router listening" : "edge router listens beside the replaced server's once every replica is healthy", metadata: listening)
        }
        let dependencies = configured
        let application = buildApplication(
            dependencies: dependencies, address: .hostname(options.apiHost, port: options.apiPort),
            services: services, logger: logger,
            beforeServing: {
                do {
                    try await lease.acquire(standby: options.standby)
                } catch let refusal as NodeLeaseRefusal {
                    throw ConfigurationError(refusal.description)
                }
                if let replaced {
                    try await ServerReplacement.takeOver(
                        from: replaced, control: control, listeners: edgeBound,
                        expectedListeners: (options.httpHost != nil ? 1 : 0) + (options.httpsHost != nil ? 1 : 0), logger: logger)
                }
                // Uploads cut off by the last stop, and files nothing names, go before any
                // new upload is taken.
                await storage.sweep()
                try await bootstrapFirstAdmin(
                    options: options, dependencies: dependencies, setupTokenPath: setupTokenPath, logger: logger)
            },
            onServerRunning: onServerRunning)
        logger.info("starting control plane", metadata: [
            "railyard.data": "\(data)", "railyard.store": "\(store.backendName)",
            "railyard.api": "\(options.apiHost):\(options.apiPort)", "railyard.node": "\(nodeID)",
        ])
        try await application.runService()
        // The last answers' HTTP log lines, and every log's last lines, are written before the
        // process ends (they wait up to 50 ms on their event loops, then in their batches).
        await edgeServer?.flushAccessLog()
        control.logs.flushAll()
        withExtendedLifetime((folderLock, handover)) {}
        logger.info("control plane stopped")
    }

    /// With no user yet: creates the admin from the environment, or opens the setup gate with a
    /// one-time token printed to stderr and written (mode 0600) to the data folder.
    static func bootstrapFirstAdmin(
        options: ServerOptions, dependencies: APIDependencies, setupTokenPath: String, logger: Logger
    ) async throws {
        guard try await dependencies.store.userCount() == 0 else {
            try? FileManager.default.removeItem(atPath: setupTokenPath)
            return
        }
        if let email = options.adminEmail, let password = options.adminPassword {
            if let problem = NameRules.emailProblem(email) ?? NameRules.passwordProblem(password) {
                throw ConfigurationError("RAILYARD_ADMIN_EMAIL/RAILYARD_ADMIN_PASSWORD: \(problem)")
            }
            let hash = try await dependencies.passwords.hash(password)
            _ = try await dependencies.store.bootstrapAdmin(
                email: email, passwordHash: hash, workspaceName: "default", audit: .system)
            logger.notice("created the first admin from RAILYARD_ADMIN_EMAIL", metadata: ["railyard.user": "\(email)"])
            return
        }
        let token = TokenService.newSecret(.setup)
        guard FileManager.default.createFile(
            atPath: setupTokenPath, contents: Data((token + "\n").utf8), attributes: [.posixPermissions: 0o600])
        else { throw ConfigurationError("cannot write \(setupTokenPath)") }
        dependencies.setupGate.open(token: token)
        FileHandle.standardError.write(Data("""
            No admin exists yet. Create one with:
              railyard setup --token \(token) --email YOU@EXAMPLE.COM --password …
            (the token is also in \(setupTokenPath))

            """.utf8))
    }
}

/// Runs the deployment controller beside the HTTP server; on shutdown it stops the instances
/// it runs after the server has drained its requests.
struct ControlService: ServiceLifecycle.Service {
    let control: DeploymentController

    func run() async throws {
        let task = Task { await control.run() }
        await withTaskCancellationHandler {
            await withGracefulShutdownHandler {
                await task.value
            } onGracefulShutdown: {
                task.cancel()
            }
        } onCancel: {
            task.cancel()
        }
    }
}

public struct ConfigurationError: Error, CustomStringConvertible {
    public let description: String
    public init(_ description: String) { self.description = description }
}

extension SecretBox {
    /// A key for another purpose, derived from the secret key, so that one secret configures
    /// every replica of the control plane.
    func derivedKey(purpose: String) -> SymmetricKey {
        deriveKey(info: "railyard/\(purpose)")
    }
}

/// Closes the TCP proxies' listeners and connections at shutdown (or cancellation).
struct TCPProxyService: ServiceLifecycle.Service {
    let server: TCPProxyServer

    func run() async throws {
        let (stopped, stop) = AsyncStream<Void>.makeStream()
        await withTaskCancellationHandler {
            await withGracefulShutdownHandler {
                for await _ in stopped {}
            } onGracefulShutdown: {
                stop.finish()
            }
        } onCancel: {
            stop.finish()
        }
        await server.closeAll()
    }
}

/// Keeps the edge router's listener open until shutdown; requests in flight then finish on
/// their connections while the listener closes.
struct EdgeService: ServiceLifecycle.Service {
    let channel: any Channel
    let edge: EdgeServer

    func run() async throws {
        // Closed on cancellation too: when another service fails (say the server is refused
        // the store's lease before it serves), the group cancels rather than shuts down, and a
        // listener waiting for its close alone kept the process alive for ever.
        let (channel, edge) = (self.channel, self.edge)
        await withTaskCancellationHandler {
            await withGracefulShutdownHandler {
                try? await channel.closeFuture.get()
            } onGracefulShutdown: {
                // Connections accepted a moment ago are served, not dropped (see closeListener).
                Task { await edge.closeListener(channel) }
            }
        } onCancel: {
            channel.close(promise: nil)
        }
    }
}
