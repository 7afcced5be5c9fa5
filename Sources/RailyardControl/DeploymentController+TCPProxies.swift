import Foundation
import RailyardCore
import RailyardEdge
import RailyardStore

extension DeploymentController {
    // MARK: TCP proxies

    /// Hands the edge's TCP proxies to the controller (from the server's wiring, before `run()`).
    public func attachTCPProxies(_ server: TCPProxyServer) {
        tcpProxyServer = server
    }

    /// Opens a TCP proxy for the service in the environment: on `port` when asked (inside the
    /// server's range, free), else the lowest free port of the range. A database's proxy
    /// reaches its engine's port and sets its public URL variable (`DATABASE_PUBLIC_URL`, …);
    /// any other service's reaches `targetPort`, which one of its running replicas must be
    /// seen listening on itself now (as for a domain's target port: never a port of the
    /// host's or another tenant's).
    public func addTCPProxy(
        service: Service, environment: EnvironmentID, port: Int?, targetPort: Int?, audit: AuditContext
    ) async throws -> TCPProxy {
        guard let server = tcpProxyServer else {
            throw RailyardError.conflict("this server runs no edge router (started with --http off), so it has no TCP proxies")
        }
        if let port, let problem = TCPProxyRules.portProblem(port, range: options.tcpProxyPorts) {
            throw RailyardError.invalid(problem, field: "port")
        }
        let target: Int
        if let engine = service.database, targetPort == nil || targetPort == engine.port || targetPort == engine.tlsPort {
            target = targetPort ?? engine.port
        } else {
            guard let targetPort else {
                throw RailyardError.invalid(
                    "give the port inside the service its TCP proxy reaches (targetPort): one its processes listen on",
                    field: "targetPort")
            }
            if let problem = TCPProxyRules.targetPortProblem(targetPort) { throw RailyardError.invalid(problem, field: "targetPort") }
            try await requireListening(service: service, environment: environment, port: targetPort)
            target = targetPort
        }
        let host = server.host
        let proxy = try await store.createTCPProxy(
            service: service.id, environment: environment, port: port, range: options.tcpProxyPorts, targetPort: target,
            publicURL: Self.publicURLVariable(of: service, target: target),
            isFree: { !ListenerProbe.inUse(host: host, port: $0) }, audit: audit)
        await routingChanged()
        if let problem = lastTCPProxyProblems[proxy.port] {
            // The port was free a moment ago; something took it. Nothing half-made stays.
            try? await store.deleteTCPProxy(proxy.id, unsetVariable: Self.publicURLVariable(of: service, target: target)?.name, audit: .system)
            await routingChanged()
            throw RailyardError.conflict("the edge cannot listen on port \(proxy.port) (\(problem)); try again")
        }
        return proxy
    }

    /// Closes the proxy (its port and every connection through it) and unsets the public URL
    /// variable a database's proxy set.
    public func removeTCPProxy(_ proxy: TCPProxy, service: Service, audit: AuditContext) async throws {
        try await store.deleteTCPProxy(proxy.id, unsetVariable: Self.publicURLVariable(of: service, target: proxy.targetPort)?.name, audit: audit)
        await routingChanged()
    }

    /// The public URL variable a database's proxy to `target` sets (a TLS one to its TLS
    /// port); nil for an app's proxy, or one to another port.
    static func publicURLVariable(of service: Service, target: Int) -> (name: String, value: String)? {
        guard let engine = service.database else { return nil }
        if target == engine.port { return engine.publicURLVariable(tls: false) }
        if target == engine.tlsPort { return engine.publicURLVariable(tls: true) }
        return nil
    }

    /// The ports TCP proxies may take on this server.
    public nonisolated var tcpProxyPorts: ClosedRange<Int> { options.tcpProxyPorts }

    /// Throws unless a healthy replica of the service's serving deployment listens on `port`
    /// itself.
    private func requireListening(service: Service, environment: EnvironmentID, port: Int) async throws {
        let serving = live.values.filter { $0.serviceID == service.id && $0.environmentID == environment && $0.deployedAt != nil }
            .max { $0.id < $1.id }
        guard let serving else {
            throw RailyardError.conflict("\(service.name) is not running in this environment: deploy it, then add its TCP proxy")
        }
        for instance in serving.instances.values where instance.state == "healthy" && !instance.stopping {
            if await runtime.listens(instance.instanceID, port: port) { return }
        }
        throw RailyardError.conflict(
            "no replica of \(service.name) listens on port \(port): a TCP proxy reaches only a port the service's own processes listen on")
    }

    /// Makes the edge listen on exactly the stored proxies' ports; a port that cannot be had
    /// is logged and remembered (`lastTCPProxyProblems`).
    func listenForTCPProxies() async {
        guard let server = tcpProxyServer else { return }
        let ports = Set(tcpProxies.map(\.port))
        // While this server replaces another on the same data folder, that one listens on the
        // same proxies' ports (its store is this one's): they are shared until it stops, as
        // the HTTP listeners are, rather than refused as taken.
        let problems = await server.listen(on: ports, sharedWithReplaced: replacementFinished ? [] : ports)
        lastTCPProxyProblems = problems
        for (port, problem) in problems {
            logger.warning("a TCP proxy cannot listen", metadata: ["railyard.tcp_proxy.port": "\(port)", "reason": "\(problem)"])
        }
    }

    /// Each proxy port → the healthy replicas of its service's active deployment at the
    /// proxy's target port (a port other than the replica's own only once its processes were
    /// seen listening there). Published with the HTTP routes, from the same `active` set.
    func publishTCPProxyRoutes(active: [String: LiveDeployment], coming: Set<String>) {
        guard let server = tcpProxyServer else { return }
        var entries: [Int: TCPProxyEntry] = [:]
        for proxy in tcpProxies {
            let key = "\(proxy.serviceID)/\(proxy.environmentID)"
            let instances = active[key]?.instances.values
                .filter { $0.state == "healthy" && !$0.stopping }
                .sorted { $0.replica < $1.replica } ?? []
            // A database's TLS port is its engine's, known without seeing it listen.
            let tlsPort = active[key]?.plan.database?.tlsPort
            let addresses = instances
                .filter { $0.port == proxy.targetPort || $0.verifiedPorts.contains(proxy.targetPort) || proxy.targetPort == tlsPort }
                .map { (host: $0.host, port: proxy.targetPort) }
            entries[proxy.port] = TCPProxyEntry(
                service: proxy.serviceID.rawValue, addresses: addresses, holdsConnections: !recovered || coming.contains(key))
        }
        server.routes.replace(with: entries)
    }
}
