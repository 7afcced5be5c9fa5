import Foundation
import RailyardCore
import RailyardRuntime

/// One running replica's use of the machine, for `/metrics`.
public struct ReplicaUsage: Sendable {
    public let serviceID: ServiceID
    public let environmentID: EnvironmentID
    public let replica: Int
    public let usage: InstanceUsage
}

extension DeploymentController {
    /// Memory and CPU time of every replica this server runs (apps and databases alike), read
    /// from their cgroups now; replicas being replaced by a rolling restart are counted too.
    public func replicaUsage() async -> [ReplicaUsage] {
        var reports: [ReplicaUsage] = []
        for deployment in live.values {
            let instances = Array(deployment.instances.values) + Array(deployment.successors.values)
            for instance in instances where instance.exit == nil {
                guard let usage = await runtime.usage(instance.instanceID) else { continue }
                reports.append(ReplicaUsage(
                    serviceID: deployment.serviceID, environmentID: deployment.environmentID, replica: instance.replica,
                    usage: usage))
            }
        }
        return reports
    }
}
