import Foundation
import RailyardCore
import RailyardSandbox

extension DeploymentController {
    // MARK: Private networks

    /// Runs `body` with sandbox `name` on `environment`'s private network (`PrivateNetwork`),
    /// and takes it off again afterwards; nil to `body` where the server has no private
    /// networks (it runs sandboxes on the host's network and says so at every deploy).
    func onPrivateNetwork<T>(
        _ name: String, environment: EnvironmentID, phase: String, outbound: Bool = true, _ body: (SandboxNetwork?) async throws -> T
    ) async throws -> T {
        guard let network = options.privateNetwork else { return try await body(nil) }
        let attachment: SandboxNetwork
        do {
            attachment = try await network.attach(name, environment: environment.rawValue, outbound: outbound)
        } catch {
            throw PipelineFailure(phase: phase, "cannot join the environment's private network: \(error)")
        }
        do {
            let result = try await body(attachment)
            await network.detach(name)
            return result
        } catch {
            await network.detach(name)
            throw error
        }
    }

    /// Tells each environment's network which addresses its services' names stand for: the
    /// healthy replicas of each service's active deployment (the newest that went live).
    /// Called whenever the routes change, so a deploy, restart or scale shows within moments.
    func publishNames() {
        guard let network = options.privateNetwork else { return }
        var active: [String: LiveDeployment] = [:]
        for deployment in live.values where deployment.deployedAt != nil {
            let key = "\(deployment.serviceID)/\(deployment.environmentID)"
            if let current = active[key], current.id > deployment.id { continue }
            active[key] = deployment
        }
        var names: [String: [String: [String]]] = [:]
        for deployment in active.values {
            let addresses = deployment.instances.values
                .filter { $0.state == "healthy" && !$0.stopping && $0.host != InstanceState.hostLoopback }
                .map(\.host)
            guard !addresses.isEmpty else { continue }
            names[deployment.environmentID.rawValue, default: [:]][deployment.serviceName] = addresses
        }
        namesVersion += 1
        let version = namesVersion
        // After the previous publication: `namesPublished` awaits the latest one.
        namesTask = Task { [previous = namesTask] in
            await previous?.value
            for environment in await network.environmentIDs {
                await network.publishNames(names[environment] ?? [:], environment: environment, version: version)
            }
        }
    }

    /// Returns once the names last published are in the hosts files: a deployment is SUCCESS
    /// only once its name finds it (an app looking it up a moment later must not miss it and
    /// ask the host's DNS, which may take seconds to say it does not know the name).
    func namesPublished() async {
        await namesTask?.value
    }

    /// The service variable that turns a service's outbound access off: its replicas (and
    /// pre-deploy commands) then reach their environment's services and nothing beyond. Builds
    /// keep theirs (package registries). In the spirit of Railway's settings-as-variables.
    static let outboundVariable = "RAILYARD_OUTBOUND"

    /// Whether `environment` (a deployment's variables) leaves outbound access on: anything but
    /// `off`, `false`, `0` or `no` does.
    static func outboundAllowed(_ environment: [String: String]) -> Bool {
        guard let value = environment[outboundVariable]?.trimmingCharacters(in: .whitespaces).lowercased() else { return true }
        return !["off", "false", "0", "no"].contains(value)
    }

    /// Why sandboxes run on the host's network here, for every deployment's warnings; nil when
    /// they get private networks.
    var privateNetworkProblem: String? {
        options.privateNetwork == nil ? options.privateNetworkUnavailable ?? "private networking is turned off" : nil
    }
}
