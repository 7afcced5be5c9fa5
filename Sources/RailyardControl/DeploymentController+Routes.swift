import Foundation
import Logging
import NIOCore
import RailyardBuild
import RailyardCore
import RailyardEdge
import RailyardRuntime
import RailyardSandbox
import RailyardStore

extension DeploymentController {
    // MARK: Routes

    /// Hands the edge its routes from now on (from `run()`, once the store is open).
    public func attachEdge(_ routes: EdgeRoutes) {
        edge = routes
    }

    /// Reads the domains, their certificates and the services' body limits again (after one
    /// changed) and republishes.
    public func routingChanged() async {
        do {
            domains = try await store.allDomains()
            requestBodyLimits = try await store.requestBodyLimits()
            var identities: [DomainID: (chainPEM: String, identity: TLSIdentity)] = [:]
            for (id, certificate) in try await store.domainCertificates() {
                // Parsed once per certificate, not at every publish.
                if let known = tlsIdentities[id], known.chainPEM == certificate.chainPEM {
                    identities[id] = known
                    continue
                }
                do {
                    identities[id] = (certificate.chainPEM, try TLSIdentity(
                        certificateChainPEM: certificate.chainPEM, privateKeyPEM: certificate.privateKeyPEM))
                } catch {
                    logger.warning("an installed certificate cannot be used", metadata: [
                        "railyard.domain": "\(id)", "error": "\(error)",
                    ])
                }
            }
            tlsIdentities = identities
            tcpProxies = try await store.allTCPProxies()
        } catch {
            logger.warning("cannot read domains", metadata: ["error": "\(error)"])
        }
        publishRoutes()
        await listenForTCPProxies()
        await verifyTargetPorts()
    }

    /// Each domain → the healthy instances of its service's active deployment in its
    /// environment: the newest one that went live. New instances join only once the whole
    /// deployment passed its health checks; instances being stopped have left already.
    func publishRoutes() {
        publishNames()
        guard let edge else { return }
        var active: [String: LiveDeployment] = [:]
        for deployment in live.values where deployment.deployedAt != nil {
            let key = "\(deployment.serviceID)/\(deployment.environmentID)"
            if let current = active[key], current.id > deployment.id { continue }
            active[key] = deployment
        }
        // A volume service's requests wait for its replica while one is on its way (a one-writer
        // switch, a restart, the server starting); one that is down answers 503 at once.
        var coming = Set(live.values.map { "\($0.serviceID)/\($0.environmentID)" })
        for work in deferredWriters { coming.insert("\(work.deployment.serviceID)/\(work.deployment.environmentID)") }
        var entries: [String: RouteEntry] = [:]
        var labels: [String: String] = [:]
        for deployment in active.values {
            for instance in deployment.instances.values { labels[instance.address] = "\(deployment.id)/\(instance.replica)" }
        }
        for domain in domains {
            let instances = active["\(domain.serviceID)/\(domain.environmentID)"]?.instances.values
                .filter { $0.state == "healthy" && !$0.stopping }
                .sorted { $0.replica < $1.replica } ?? []
            // A target port goes to an instance only once its own processes were seen
            // listening there: never to a port of the host's or another tenant's.
            let addresses: [(host: String, port: Int)] = if let target = domain.targetPort {
                instances.filter { $0.verifiedPorts.contains(target) }.map { (host: $0.host, port: target) }
            } else {
                instances.map { (host: $0.host, port: $0.port) }
            }
            entries[domain.hostname] = RouteEntry(
                service: domain.serviceID.rawValue,
                addresses: addresses,
                identity: tlsIdentities[domain.id]?.identity, redirectsToHTTPS: domain.httpsRedirect,
                maximumBodyBytes: requestBodyLimits[domain.serviceID].map { Int(clamping: $0) },
                // One writer: between a volume service's old replica and its new one, requests wait.
                holdsRequests: volumeKeys.contains("\(domain.serviceID)/\(domain.environmentID)")
                    && (!recovered || coming.contains("\(domain.serviceID)/\(domain.environmentID)")))
        }
        edge.replace(with: entries, labels: labels)
        publishTCPProxyRoutes(active: active, coming: coming)
    }

    /// Checks, for every domain with a target port, which of its service's instances listen
    /// there themselves, and republishes when that changed. Run after instances change and
    /// at every health round.
    func verifyTargetPorts() async {
        var changed = false
        for deployment in live.values where deployment.deployedAt != nil {
            let domainTargets = Set(domains.filter {
                $0.serviceID == deployment.serviceID && $0.environmentID == deployment.environmentID
            }.compactMap(\.targetPort))
            var targets = domainTargets
            for proxy in tcpProxies where proxy.serviceID == deployment.serviceID && proxy.environmentID == deployment.environmentID {
                targets.insert(proxy.targetPort)
            }
            for instance in deployment.instances.values {
                var verified: Set<Int> = []
                for port in targets where instance.state == "healthy" && !instance.stopping {
                    if await runtime.listens(instance.instanceID, port: port) { verified.insert(port) }
                }
                if verified != instance.verifiedPorts {
                    for port in targets.subtracting(verified) where !instance.stopping {
                        logs.system(deployment.id, phase: "deploy", replica: instance.replica,
                                    "replica \(instance.replica) does not listen on the \(domainTargets.contains(port) ? "domain's" : "TCP proxy's") target port \(port): no traffic is sent there", level: "warn")
                    }
                    instance.verifiedPorts = verified
                    changed = true
                }
            }
        }
        if changed { publishRoutes() }
    }

    /// The HTTP log lines of a batch of requests the edge answered (`AccessLogSink`, on its
    /// writer thread), each in the log of the deployment whose replica served it (`phase`
    /// "http"), a deployment's lines encoded into one buffer and added at once; and a warning
    /// in each deployment's log for the lines the sink had to drop.
    public nonisolated func logRequests(_ batch: [AccessRecord], dropped: [String: Int]) {
        var groups: [(deployment: String, lines: EncodedLogLines)] = []
        var groupOf: [String: Int] = [:]
        var scratch = HTTPLogScratch()
        // Records come in runs from one replica: its label is read, and its deployment's lines
        // found, once per run.
        var lastLabel: String?
        var current: (group: Int, replica: Int)?
        for record in batch {
            guard let label = record.upstream else { continue }
            if label != lastLabel {
                lastLabel = label
                current = nil
                if let target = Self.replicaOf(label) {
                    let group: Int
                    if let known = groupOf[target.deployment] {
                        group = known
                    } else {
                        group = groups.count
                        groups.append((target.deployment, EncodedLogLines()))
                        groupOf[target.deployment] = group
                    }
                    current = (group, target.replica)
                }
            }
            guard let current else { continue }
            let deployment = groups[current.group].deployment
            groups[current.group].lines.add(record, deployment: deployment, replica: current.replica, scratch: &scratch)
        }
        for (deployment, lines) in groups {
            logs.appendHTTP(DeploymentID(rawValue: deployment), lines)
        }
        var droppedByDeployment: [String: Int] = [:]
        for (label, count) in dropped {
            guard let target = Self.replicaOf(label) else { continue }
            droppedByDeployment[target.deployment, default: 0] += count
        }
        for (deployment, count) in droppedByDeployment {
            logs.system(DeploymentID(rawValue: deployment), phase: "http",
                        "\(count) HTTP log lines dropped: requests came faster than their log could be written", level: "warn")
        }
    }

    /// An instance's label (`deployment/replica`) read back.
    static func replicaOf(_ label: String) -> (deployment: String, replica: Int)? {
        guard let slash = label.firstIndex(of: "/"), let replica = Int(label[label.index(after: slash)...]) else { return nil }
        return (String(label[..<slash]), replica)
    }

    /// How long requests the edge already sent to a replica being retired get to finish before
    /// it is signalled, whatever its draining period (which is SIGTERM → SIGKILL): a redeploy
    /// drops no request that takes less. Returns as soon as none is in flight.
    static let requestDrainLimit: Duration = .seconds(30)

    /// Waits until the edge has no request in flight to any of `instances`, or `within` passed.
    func edgeDrained(_ instances: [InstanceState], within limit: Duration) async {
        guard let edge else { return }
        let deadline = ContinuousClock.now + limit
        let targets = instances.map { (host: $0.host, port: $0.port) }
        while targets.contains(where: { edge.inFlight(host: $0.host, port: $0.port) > 0 }) && ContinuousClock.now < deadline {
            try? await Task.sleep(for: .milliseconds(20))
        }
    }
}
