import Foundation
import HTTPTypes
import Hummingbird
import NIOCore
import RailyardControl
import RailyardCore
import RailyardStore
import ServiceLifecycle

/// Deploying: source uploads, redeploys, rollbacks, restarts, removal, and deployment logs
/// (history and a live Server-Sent Events stream).
struct DeployController {
    let dependencies: APIDependencies
    let projects: ProjectController
    var store: Store { dependencies.store }
    /// The shared check that the service in the path and `?environmentId=` belong together.
    var serviceState: ServiceStateController { ServiceStateController(dependencies: dependencies, projects: projects) }

    struct RollbackRequest: Decodable {
        var environmentId: EnvironmentID
        var deploymentId: DeploymentID?
    }

    struct LogPage: Encodable {
        var items: [LogLine]
        var nextCursor: String?
    }

    func addRoutes(to group: RouterGroup<APIRequestContext>) {
        group.post("services/{serviceId}/uploads", use: upload)
        group.post("services/{serviceId}/rollback", use: rollback)
        group.post("services/{serviceId}/restart", use: restart)
        group.post("services/{serviceId}/down", use: down)
        group.get("deployments/{deploymentId}/logs", use: logs)
    }

    @Sendable func rollback(_ request: Request, context: APIRequestContext) async throws -> Response {
        _ = try context.requireCaller()
        let body = try await JSONIO.decode(RollbackRequest.self, from: request, context: context)
        let (service, project, caller) = try await projects.accessService(context, .deploy, environment: body.environmentId)
        guard let environment = try await store.environment(id: body.environmentId), environment.projectID == project.id
        else { throw RailyardError.invalid("environment is not part of this service's project", field: "environmentId") }
        let history = try await store.deployments(of: service.id, in: environment.id, page: PageRequest(limit: 200)).items
        let target: Deployment
        if let wanted = body.deploymentId {
            guard let found = history.first(where: { $0.id == wanted }) else {
                throw RailyardError.invalid("deployment \(wanted) is not one of this service's in this environment", field: "deploymentId")
            }
            target = found
        } else {
            // The newest deployment that once served, other than the one serving now.
            let current = history.first { $0.status == .success }
            guard let found = history.first(where: {
                $0.id != current?.id && ($0.status == .removed || $0.status == .success) && $0.provider != nil
            }) else { throw RailyardError.conflict("there is no earlier deployment to roll back to") }
            target = found
        }
        guard let work = try await store.deploymentWork(id: target.id), let artifact = work.artifact,
              let artifacts = dependencies.artifactsFolder,
              FileManager.default.fileExists(atPath: artifacts.appendingPathComponent(artifact).path)
        else { throw RailyardError.conflict("the artifact of \(target.id) is no longer kept; redeploy instead") }
        let deployment = try await store.createDeployment(
            service: service.id, environment: environment.id, message: "rollback to \(target.id)",
            origin: DeploymentOrigin(source: .rollback, sourceDeployment: target.id), audit: context.audit(caller))
        await dependencies.control?.nudge()
        return try JSONIO.response(deployment, status: .created)
    }

    @Sendable func restart(_ request: Request, context: APIRequestContext) async throws -> Response {
        try await act(request, context, audited: "deployment.restart") { control, service, environment in
            try await control.restart(service: service, environment: environment)
        }
    }

    @Sendable func down(_ request: Request, context: APIRequestContext) async throws -> Response {
        try await act(request, context, audited: "deployment.down") { control, service, environment in
            try await control.remove(service: service, environment: environment)
        }
    }

    private func act(
        _ request: Request, _ context: APIRequestContext, audited action: String,
        _ body: @Sendable (DeploymentController, ServiceID, EnvironmentID) async throws -> Deployment?
    ) async throws -> Response {
        let (service, environment, caller, _) = try await serviceState.accessInEnvironment(request, context, .deploy)
        guard let control = dependencies.control else {
            throw RailyardError.unavailable("this server does not deploy (no deployment pipeline is running)")
        }
        guard let deployment = try await body(control, service.id, environment.id) else {
            throw RailyardError.conflict("the service has no running deployment in this environment")
        }
        try await store.auditDeploymentRequest(deployment.id, action: action, audit: context.audit(caller))
        return try JSONIO.response(deployment)
    }

    static func json(_ line: LogLine) -> Data {
        var output = JSONOutput(capacity: 256)
        line.writeJSON(to: &output)
        return Data(output.bytes)
    }

    /// History as JSON pages (`after` is the last seq seen), or with `follow=true` a Server-Sent
    /// Events stream: history first, then live lines and status changes, each line once.
    @Sendable func logs(_ request: Request, context: APIRequestContext) async throws -> Response {
        let caller = try context.requireCaller()
        let id: DeploymentID = try context.pathID("deploymentId", "deployment")
        guard let deployment = try await store.deployment(id: id),
              let service = try await store.service(id: deployment.serviceID),
              let project = try await store.project(id: service.projectID)
        else { throw RailyardError.notFound("deployment") }
        _ = try caller.authorize(
            .read, workspace: project.workspaceID, project: project.id, environment: deployment.environmentID,
            notFound: "deployment")
        let query = request.uri.queryParameters
        var after = 0
        let resumeFrom: String? = HTTPField.Name("Last-Event-ID").flatMap { request.headers[$0] }
        if let text = query.get("after").map({ String($0) }) ?? resumeFrom {
            guard let value = Int(text), value >= 0 else { throw RailyardError.badRequest("after must be a line number", field: "after") }
            after = value
        }
        let phase = query.get("phase").map { String($0) }
        if let phase, phase != "build" && phase != "deploy" && phase != "http" {
            throw RailyardError.badRequest("phase is build, deploy or http", field: "phase")
        }
        var limit = 1000
        if let text = query.get("limit") {
            guard let value = Int(text), (1...5000).contains(value) else {
                throw RailyardError.badRequest("limit is between 1 and 5000", field: "limit")
            }
            limit = value
        }
        let follow: Bool
        switch query.get("follow") {
        case nil, "false": follow = false
        case "true": follow = true
        default: throw RailyardError.badRequest("follow is true or false", field: "follow")
        }
        guard let hub = dependencies.logHub else {
            return try JSONIO.response(LogPage(items: [], nextCursor: nil))
        }
        let keep: @Sendable (LogLine) -> Bool = { phase == nil || $0.phase == phase }
        guard follow else {
            let lines = hub.read(id, after: after, follow: false).history
            let page = Array(lines.prefix(limit))
            let more = lines.count > limit
            return try JSONIO.response(LogPage(items: page.filter(keep), nextCursor: more ? page.last.map { String($0.seq) } : nil))
        }
        let resumeAfter = after
        let (history, live) = hub.read(id, after: after, follow: true)
        let store = self.store
        var headers = HTTPFields()
        headers[.contentType] = "text/event-stream"
        headers[.cacheControl] = "no-cache"
        let body = ResponseBody { writer in
            let encoder = JSONCoding.makeEncoder()
            func send(_ event: String, id: Int?, _ data: Data) async throws {
                var text = "event: \(event)\n"
                if let id { text += "id: \(id)\n" }
                text += "data: " + String(decoding: data, as: UTF8.self) + "\n\n"
                try await writer.write(ByteBuffer(string: text))
            }
            var sent = resumeAfter
            for line in history where keep(line) { try await send("line", id: line.seq, Self.json(line)) }
            sent = max(sent, history.last?.seq ?? sent)
            // The status as it is now, so that a client that joins late still learns how it ended.
            var ended = false
            if let current = try await store.deployment(id: id) {
                if current.status.isTerminal {
                    // Its last lines may have been stored since the history was read: send them
                    // from the file rather than wait on a stream that will say nothing more.
                    for line in hub.read(id, after: sent, follow: false).history where keep(line) {
                        try await send("line", id: line.seq, Self.json(line))
                    }
                    ended = true
                }
                try await send("status", id: nil, try encoder.encode(StatusEvent(status: current.status, reason: current.statusReason)))
            }
            if let live, !ended {
                // Live events, a heartbeat (nil) every few seconds so that a client gone away is
                // noticed at the next write, and an end when the server shuts down.
                let (merged, feed) = AsyncStream<LogEvent?>.makeStream()
                let forward = Task {
                    for await event in live { feed.yield(event) }
                    feed.finish()
                }
                let heartbeat = Task {
                    while !Task.isCancelled {
                        try? await Task.sleep(for: .seconds(5))
                        feed.yield(nil)
                    }
                }
                defer {
                    forward.cancel()
                    heartbeat.cancel()
                }
                try await withGracefulShutdownHandler {
                    for await item in merged {
                        switch item {
                        case nil:
                            try await writer.write(ByteBuffer(string: ": heartbeat\n\n"))
                        case .line(let line)?:
                            if keep(line) { try await send("line", id: line.seq, Self.json(line)) }
                        case .status(let status, let reason)?:
                            try await send("status", id: nil, try encoder.encode(StatusEvent(status: status, reason: reason)))
                            if status.isTerminal { ended = true }
                        }
                        if ended { break }
                    }
                } onGracefulShutdown: {
                    feed.finish()
                }
            }
            try await writer.finish(nil)
        }
        return Response(status: .ok, headers: headers, body: body)
    }

    struct StatusEvent: Encodable {
        var status: DeploymentStatus
        var reason: String?
    }
}
