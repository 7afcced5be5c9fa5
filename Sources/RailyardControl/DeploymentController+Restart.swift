import Foundation
import RailyardCore

extension DeploymentController {
    /// Replaces each replica of `deployment` in turn: a successor starts beside it on a port of
    /// its own, and only once the successor passes the health check does the edge switch to
    /// it; the old replica then drains what it was sent and stops. A successor that fails
    /// leaves the running replica (and the rest) as they were, and the restart says why.
    func rollingRestart(_ deployment: LiveDeployment) async throws {
        guard !restarting.contains(deployment.id) else {
            throw RailyardError.conflict("a restart of deployment \(deployment.id) is already under way")
        }
        restarting.insert(deployment.id)
        defer { restarting.remove(deployment.id) }
        // A successor beside the running replica would be a second writer.
        if deployment.volume != nil { return try await restartSingleWriter(deployment) }
        let id = deployment.id
        let plan = deployment.plan
        logs.system(id, phase: "deploy", "restarting every replica on request, one at a time: each is replaced once its successor passes the health check")
        for replica in deployment.instances.keys.sorted() {
            guard live[id] === deployment, let old = deployment.instances[replica] else { return }
            guard let successor = await startInstance(deployment, replica: replica, successor: true) else {
                throw RailyardError.unavailable("replica \(replica) could not be restarted: no port or start command; the running replicas are kept")
            }
            let deadline = ContinuousClock.now + .seconds(Int64(plan.healthcheckTimeout))
            let check = HealthCheck(path: plan.healthcheckPath, database: plan.database)
            // Why the restart stops. Either way a conflict (409) with the deployment's state,
            // not the server failing (503, which would invite the same request again): someone
            // else took the deployment down or replaced it, or its own code or settings (a
            // health-check timeout too short for its start) keep a new replica from passing.
            var failure: String?
            while true {
                if live[id] !== deployment || deployment.successors[replica] !== successor || successor.stopping {
                    failure = "the deployment stopped running during the restart"
                    break
                }
                if let exit = successor.exit {
                    failure = "the new replica \(replica) \(exit.description) before it passed its health check"
                    break
                }
                if await check.probe(host: successor.host, port: successor.port) { break }
                if ContinuousClock.now > deadline {
                    failure = "the new replica \(replica) did not pass its health check within \(plan.healthcheckTimeout) s"
                    break
                }
                await Self.pause(.milliseconds(200))
            }
            if let failure {
                successor.stopping = true
                if deployment.successors[replica] === successor { deployment.successors[replica] = nil }
                await runtime.stop(successor.instanceID, grace: .seconds(2))
                try? await store.forgetInstanceProcess(instance: successor.instanceID)
                logs.system(id, phase: "deploy", replica: replica, "restart stopped: \(failure); the running replicas are kept", level: "error")
                let message = "restart stopped: \(failure); the running replicas are kept"
                throw RailyardError.conflict(message)
            }
            // The switch: the successor in the edge's table and the old replica out, at once.
            successor.state = "healthy"
            successor.restarts = old.restarts + 1
            deployment.successors[replica] = nil
            deployment.instances[replica] = successor
            old.stopping = true
            logs.system(id, phase: "deploy", replica: replica,
                        "replica \(replica) is healthy on \(successor.address): it replaces the one on \(old.address), which drains and stops")
            await recordInstances(deployment)
            let grace = Duration.seconds(max(plan.drainingSeconds, 1))
            await edgeDrained([old], within: max(grace, Self.requestDrainLimit))
            await runtime.stop(old.instanceID, grace: grace)
            old.state = "exited"
            try? await store.forgetInstanceProcess(instance: old.instanceID)
        }
        logs.system(id, phase: "deploy", "every replica was restarted")
    }
}
