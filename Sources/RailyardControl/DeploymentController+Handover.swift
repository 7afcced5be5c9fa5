import Foundation
import RailyardCore

/// Upgrades without stopping apps: a new server (`railyard server --replace`) starts beside
/// the running one on the same data folder. The old one hands over (`handOver`: no new work,
/// no more store writes, its lease and folder lock given up) and keeps serving; the new one
/// starts its own replicas of every running deployment on new ports, listens beside the old
/// edge once they are healthy (`replacementReady`), then stops the old server, which lets its
/// clients finish and reconnect before its replicas stop; last, the new one clears what the
/// old one left (`finishReplacement`) and starts building.
extension DeploymentController {
    /// The old server's half: stops starting work, records why builds under way stop, and from
    /// then on writes nothing to the store. Its replicas and edge keep serving until it stops.
    public func handOver() async {
        guard !handingOver else { return }
        handingOver = true
        logger.notice("handing over to a replacing server: no new work starts here; the apps serve until it is ready")
        for task in pipelines.values { task.cancel() }
        let deadline = ContinuousClock.now + .seconds(10)
        while !pipelines.isEmpty && ContinuousClock.now < deadline {
            await Self.pause(.milliseconds(50))
        }
        handedOver = true
        edge?.startDraining()
        await lease.release()
    }

    /// Takes everything back after a handover the replacing server never completed (it did
    /// not start, or died before it took the data folder): clears what it may have started,
    /// and manages its apps again. The caller holds the data folder's lock again.
    public func resumeAfterFailedHandover() async throws {
        guard handedOver else { return }
        try await lease.resume()
        handingOver = false
        handedOver = false
        edge?.stopDraining()
        await clearLeftovers()
        for deployment in live.values { await recordInstances(deployment) }
        logger.warning("the replacing server did not take over: this server manages its apps again")
        nudge()
    }

    /// The new server's half: whether every deployment it started again has every replica
    /// healthy, so that its edge can take traffic.
    public func replacementReady() -> Bool {
        recovered && live.values.allSatisfy { deployment in
            deployment.instances.count >= deployment.plan.numReplicas
                && deployment.instances.values.allSatisfy { $0.state == "healthy" }
        }
    }

    /// Once the replaced server has stopped: clears what it left, and lets building start.
    public func finishReplacement() async {
        await clearLeftovers()
        replacementFinished = true
        logger.notice("the replaced server is gone: this one runs everything")
    }

    /// Kills whatever an earlier server of this node left in its groups (replicas, builds)
    /// and forgets its processes, removes interrupted builds' folders. Nothing is adopted, so
    /// nothing can run twice. Never while a build of this server's own runs.
    func clearLeftovers() async {
        let leftovers = await runtime.removeLeftovers()
        if leftovers > 0 { logger.info("killed what an earlier run left running", metadata: ["railyard.groups": "\(leftovers)"]) }
        for name in (try? FileManager.default.contentsOfDirectory(atPath: options.builds.path)) ?? [] {
            await removeTree(options.builds.appendingPathComponent(name))
        }
        let mine = Set(live.values.flatMap { $0.instances.values.map(\.instanceID) })
        do {
            for (instance, pid) in try await store.instanceProcesses(node: node) where !mine.contains(instance) {
                await runtime.removeOrphan(id: instance, handle: String(pid))
                try await store.forgetInstanceProcess(instance: instance)
            }
        } catch {
            logger.error("cannot clear the recorded processes of an earlier run", metadata: ["error": "\(error)"])
        }
    }

    /// Commands on running deployments wait for the replacing server, which runs them next.
    func refuseWhileHandingOver() throws {
        if handingOver {
            throw RailyardError.unavailable("the server is being replaced (an upgrade): try again in a few seconds")
        }
    }

    /// Waits until no client connection is open at the edge (or `limit` passed).
    func lingerWhileClientsRemain(upTo limit: Duration) async {
        guard let edge else { return }
        let deadline = ContinuousClock.now + limit
        while edge.openConnectionCount > 0 && ContinuousClock.now < deadline {
            await Self.pause(.milliseconds(50))
        }
    }
}
