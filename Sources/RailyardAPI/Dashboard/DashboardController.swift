import Foundation
import Hummingbird
import HTTPTypes
import Mustache
import RailyardCore
import RailyardStore

/// The web dashboard (issue 18), served by the API's own router at `/`: server-rendered pages
/// with the same authorization as the API. Every decision about who may see or do what is the
/// API controllers' (`accessProject`, `accessService`, `Caller.authorize`, and their write
/// operations, which the dashboard calls); the dashboard adds no rule of its own.
///
/// Each page can also be watched (`?watch=1`, Server-Sent Events): the server builds it again
/// every second and says when it changed, and the page's script swaps in the parts that did.
struct DashboardController {
    let dependencies: APIDependencies
    let projects: ProjectController
    let watchers = DashboardWatchers()
    let history = DashboardMetricsHistory()
    var store: Store { dependencies.store }
    var deploys: DeployController { DeployController(dependencies: dependencies, projects: projects) }
    var serviceState: ServiceStateController { ServiceStateController(dependencies: dependencies, projects: projects) }
    var variables: VariableController { VariableController(dependencies: dependencies, projects: projects) }

    func addRoutes(to router: Router<APIRequestContext>) {
        let pages = router.group().add(middleware: DashboardMiddleware(dependencies: dependencies))
        pages.get("/", use: page(projectsPage))
        pages.get("login", use: loginPage)
        pages.post("login", use: login)
        pages.post("logout", use: logout)
        pages.post("projects", use: createProject)
        pages.get("projects/{projectId}", use: page(projectPage))
        pages.post("projects/{projectId}/services", use: createService)
        pages.get("services/{serviceId}", use: page(servicePage))
        pages.get("services/{serviceId}/metrics", use: page(metricsPage))
        pages.post("services/{serviceId}/deployments", use: redeploy)
        pages.post("services/{serviceId}/rollback", use: rollback)
        pages.post("services/{serviceId}/restart", use: restart)
        pages.post("services/{serviceId}/down", use: down)
        pages.post("services/{serviceId}/variables", use: changeVariables)
        pages.post("projects/{projectId}/environments", use: createEnvironment)
        pages.post("projects/{projectId}/delete", use: deleteProject)
        pages.post("services/{serviceId}/delete", use: deleteService)
        pages.post("services/{serviceId}/domains", use: addDomain)
        pages.post("domains/{domainId}/delete", use: deleteDomain)
        pages.post("services/{serviceId}/settings", use: changeSettings)
        pages.post("environments/{environmentId}/variables", use: changeSharedVariables)
        pages.post("environments/{environmentId}/delete", use: deleteEnvironment)
        pages.post("services/{serviceId}/variables/env", use: replaceVariables)
        pages.get("workspaces/{workspaceId}", use: page(workspacePage))
        pages.post("workspaces/{workspaceId}/invites", use: inviteMember)
        pages.post("workspaces/{workspaceId}/members/{userId}/role", use: changeMemberRole)
        pages.post("workspaces/{workspaceId}/members/{userId}/remove", use: removeMember)
        pages.post("workspaces/{workspaceId}/tokens", use: createToken)
        pages.post("tokens/{tokenId}/revoke", use: revokeToken)
        pages.get("setup", use: setupPage)
        pages.post("setup", use: setup)
        pages.get("invites/accept", use: invitePage)
        pages.post("invites/accept", use: acceptInvite)
        // The API's own log stream, read with the session's cookie.
        pages.get("ui/deployments/{deploymentId}/logs", use: deploys.logs)
        router.get("assets/{name}") { _, context in
            DashboardAssets.response(for: context.parameters.get("name") ?? "")
        }
    }

    // MARK: Pages

    /// Projects shown on one page of the list: enough to scan, few enough to stay light.
    static let projectsPerPage = 100

    @Sendable func projectsPage(_ request: Request, context: APIRequestContext) async throws -> DashboardPage {
        let caller = try context.requireCaller()
        let names = try await workspaceNames(caller)
        var visible: [Project]
        if let only = caller.onlyProject {
            visible = try await store.project(id: only).map { [$0] } ?? []
        } else {
            visible = try await store.allProjects(in: Array(caller.roles.keys))
        }
        let total = visible.count
        let query = String(request.uri.queryParameters.get("q") ?? "").prefix(64)
        if !query.isEmpty { visible = visible.filter { $0.name.localizedCaseInsensitiveContains(query) } }
        let pages = max(1, (visible.count + Self.projectsPerPage - 1) / Self.projectsPerPage)
        let number = min(max(Int(request.uri.queryParameters.get("page") ?? "1") ?? 1, 1), pages)
        let shown = visible.dropFirst((number - 1) * Self.projectsPerPage).prefix(Self.projectsPerPage)
        let rows: [[String: Any]] = shown.map {
            ["projectID": $0.id.rawValue, "name": $0.name, "workspace": names[$0.workspaceID] ?? ""]
        }
        let memberships: [[String: Any]] = caller.roles.map { ["workspaceID": $0.key.rawValue, "name": names[$0.key] ?? $0.key.rawValue, "role": $0.value.rawValue] }
            .sorted { ($0["name"] as? String ?? "") < ($1["name"] as? String ?? "") }
        let writable = caller.roles.filter { $0.value >= .member }.map(\.key)
        let workspaces: [[String: Any]] = writable.map { ["workspaceID": $0.rawValue, "name": names[$0] ?? $0.rawValue] }
            .sorted { ($0["name"] as? String ?? "") < ($1["name"] as? String ?? "") }
        let search = query.isEmpty ? "" : "&q=" + (query.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? "")
        var model: [String: Any] = [
            "projects": rows, "hasProjects": !rows.isEmpty, "canCreate": caller.onlyProject == nil && !writable.isEmpty,
            "workspaces": workspaces, "chooseWorkspace": workspaces.count > 1, "query": String(query),
            "memberships": memberships,
            "searchable": total > Self.projectsPerPage || !query.isEmpty,
            "summary": query.isEmpty ? "\(total) projects" : "\(visible.count) of \(total) projects match",
            "paged": pages > 1, "pageNumber": "\(number) of \(pages)",
            "hasPrevious": number > 1, "hasNext": number < pages,
        ]
        model["previous"] = "/?page=\(number - 1)\(search)"
        model["next"] = "/?page=\(number + 1)\(search)"
        return DashboardPage(template: "projects", title: "Projects", model: model)
    }

    @Sendable func projectPage(_ request: Request, context: APIRequestContext) async throws -> DashboardPage {
        let (project, caller) = try await projects.accessProject(context, .read)
        let services = try await store.services(in: project.id, page: PageRequest(limit: PageRequest.maximumLimit)).items
        let environments = try await store.environments(in: project.id, page: PageRequest(limit: PageRequest.maximumLimit)).items
        let environment = try Self.shownEnvironment(request, environments, caller: caller, project: project)
        let role = try caller.authorize(.read, workspace: project.workspaceID, project: project.id,
                                        environment: environment.id, notFound: "project")
        var rows: [[String: Any]] = []
        for service in services.sorted(by: { $0.name < $1.name }) {
            let latest = try await store.deployments(of: service.id, in: environment.id, page: PageRequest(limit: 1)).items.first
            let domain = try await store.domains(of: service.id, in: environment.id).first.map { domainsController.withURL($0) }
            let volume = try await store.volume(service: service.id, environment: environment.id)
            let replicas = latest?.instances ?? []
            rows.append([
                "replicaCount": replicas.count, "hasReplicas": !replicas.isEmpty,
                "healthy": replicas.filter { $0.state == "healthy" }.count,
                "hasVolume": volume != nil, "volumePath": volume?.mountPath ?? "",
                "volumeSize": volume.map { Self.bytes(Int($0.sizeBytes)) } ?? "",
                "serviceID": service.id.rawValue, "name": service.name,
                "status": latest?.status.rawValue ?? "NO DEPLOYMENT", "statusClass": Self.statusClass(latest?.status),
                "kind": service.database?.displayName ?? (service.repository != nil ? "git" : "uploads"),
                "lastDeployed": latest.map { JSONCoding.formatTimestamp($0.createdAt) } ?? "", "deployed": latest != nil,
                "url": domain?.url ?? domain?.httpsURL ?? "", "hostname": domain?.hostname ?? "",
                "hasURL": (domain?.url ?? domain?.httpsURL) != nil,
            ])
        }
        let shared = try await store.sharedVariables(
            in: environment.id, disclosure: role.allows(.readVariableValues) ? .unsealedValues : .names)
        return DashboardPage(template: "project", title: project.name, model: [
            "projectID": project.id.rawValue, "name": project.name, "services": rows, "hasServices": !rows.isEmpty,
            "environmentID": environment.id.rawValue, "environmentName": environment.name,
            "query": "?environmentId=\(environment.id.rawValue)",
            "environments": environments.map { ["environmentID": $0.id.rawValue, "name": $0.name, "selected": $0.id == environment.id] },
            "canChange": Self.allows(caller, .changeService, project),
            "canAddEnvironment": Self.allows(caller, .changeEnvironment, project) && caller.tokenScope == nil,
            "canDeleteEnvironment": Self.allows(caller, .deleteEnvironment, project, environment.id) && environments.count > 1,
            "canDelete": Self.allows(caller, .deleteProject, project),
            "variableRows": shared.map { variable -> [String: Any] in
                ["variableName": variable.name, "value": variable.sealed ? "sealed" : (variable.value ?? "hidden"),
                 "masked": variable.sealed || variable.value == nil]
            },
            "hasShared": !shared.isEmpty, "sharedReference": "${{shared.NAME}}",
            "variablesAction": "/environments/\(environment.id.rawValue)/variables",
            "canChangeVariables": Self.allows(caller, .changeVariables, project, environment.id),
        ])
    }

    /// The environment a page shows: `?environmentId=` (one of the project's), else the first
    /// the caller may read.
    static func shownEnvironment(_ request: Request, _ environments: [Environment], caller: Caller, project: Project) throws -> Environment {
        if let wanted: EnvironmentID = try request.queryID("environmentId", required: false) {
            guard let found = environments.first(where: { $0.id == wanted }) else { throw RailyardError.notFound("environment") }
            return found
        }
        guard let first = environments.first(where: { allows(caller, .read, project, $0.id) }) else {
            throw RailyardError.notFound("project")
        }
        return first
    }

    @Sendable func servicePage(_ request: Request, context: APIRequestContext) async throws -> DashboardPage {
        let (service, project, caller) = try await projects.accessService(context, .read, environment: nil)
        let environments = try await store.environments(in: project.id, page: PageRequest(limit: PageRequest.maximumLimit)).items
        let environment = try Self.shownEnvironment(request, environments, caller: caller, project: project)
        let role = try caller.authorize(.read, workspace: project.workspaceID, project: project.id,
                                        environment: environment.id, notFound: "service")
        let canDeploy = Self.allows(caller, .deploy, project, environment.id)
        let deployments = try await store.deployments(of: service.id, in: environment.id, page: PageRequest(limit: 20)).items
        let serving = deployments.first { $0.status == .success }
        let creators = try await store.deploymentCreators(deployments.map(\.id))
        let people = Dictionary(
            try await store.members(of: project.workspaceID, page: PageRequest(limit: PageRequest.maximumLimit)).items
                .map { ("user:\($0.userID.rawValue)", $0.email) }, uniquingKeysWith: { first, _ in first })
        let rows: [[String: Any]] = deployments.map { deployment in
            [
                "deploymentID": deployment.id.rawValue, "status": deployment.status.rawValue,
                "statusClass": Self.statusClass(deployment.status), "source": deployment.source.rawValue,
                "message": deployment.message ?? deployment.commitMessage ?? "",
                "commit": deployment.commitSHA.map { String($0.prefix(7)) } ?? "",
                "reason": deployment.statusReason ?? "", "hasReason": deployment.statusReason?.isEmpty == false,
                "who": Self.actorName(creators[deployment.id], people: people),
                "createdAt": JSONCoding.formatTimestamp(deployment.createdAt),
                "canRollBack": canDeploy && deployment.id != serving?.id && deployment.provider != nil
                    && (deployment.status == .success || deployment.status == .removed),
            ]
        }
        let shown = try await store.variables(
            of: service.id, in: environment.id, disclosure: role.allows(.readVariableValues) ? .unsealedValues : .names)
        let variableRows: [[String: Any]] = shown.map { variable in
            ["variableName": variable.name, "value": variable.sealed ? "sealed" : (variable.value ?? "hidden"),
             "masked": variable.sealed || variable.value == nil]
        }
        let canChangeService = Self.allows(caller, .changeService, project, environment.id)
        let domains = try await store.domains(of: service.id, in: environment.id).map { stored -> [String: Any] in
            let domain = domainsController.withURL(stored)
            return ["url": domain.url ?? domain.httpsURL ?? "", "hostname": domain.hostname, "domainID": domain.id.rawValue,
                    "linked": domain.url != nil || domain.httpsURL != nil, "kind": domain.kind.rawValue]
        }
        // What a deploy would give the replicas now: references resolved, sealed values masked.
        var resolved: [[String: Any]] = []
        var resolveProblem = ""
        do {
            let showValues = role.allows(.readVariableValues)
            resolved = try await variables.resolve(service, in: environment).map { variable in
                ["variableName": variable.name, "value": variable.sealed ? "sealed" : (showValues ? variable.value : "hidden"),
                 "masked": variable.sealed || !showValues]
            }
        } catch let error as RailyardError {
            resolveProblem = error.message
        }
        let suffix = "?environmentId=\(environment.id.rawValue)"
        return DashboardPage(template: "service", title: service.name, model: [
            "serviceID": service.id.rawValue, "name": service.name, "projectID": project.id.rawValue, "projectName": project.name,
            "environmentID": environment.id.rawValue, "environmentName": environment.name, "query": suffix,
            "environments": environments.map { ["environmentID": $0.id.rawValue, "name": $0.name, "selected": $0.id == environment.id] },
            "deployments": rows, "hasDeployments": !rows.isEmpty, "latestID": deployments.first?.id.rawValue ?? "",
            "canDeploy": canDeploy, "canRestart": canDeploy && serving != nil,
            "variableRows": variableRows, "hasVariables": !variableRows.isEmpty,
            "variablesAction": "/services/\(service.id.rawValue)/variables\(suffix)",
            "resolved": resolved, "hasResolved": !resolved.isEmpty, "resolveProblem": resolveProblem,
            "cannotResolve": !resolveProblem.isEmpty,
            "canChangeVariables": Self.allows(caller, .changeVariables, project, environment.id),
            "domains": domains, "hasDomains": !domains.isEmpty, "canChangeService": canChangeService,
            "canDelete": Self.allows(caller, .deleteService, project),
            "env": shown.filter { !$0.sealed && $0.value != nil }.map { "\($0.name)=\($0.value ?? "")" }.joined(separator: "\n"),
            "memory": service.memoryLimit.map { Self.decimal(Double($0) / 1_048_576) } ?? "",
            "cpu": service.cpuLimitMillis.map { Self.decimal(Double($0) / 1000) } ?? "",
            "processes": service.processLimit.map(String.init) ?? "",
            "requestBody": service.requestBodyLimit.map { Self.decimal(Double($0) / 1_048_576) } ?? "",
            "isDatabase": service.database != nil,
            "startCommand": service.deploy.startCommand ?? "",
            "numReplicas": service.deploy.numReplicas.map(String.init) ?? "",
            "healthcheckPath": service.deploy.healthcheckPath ?? "",
            "healthcheckTimeout": service.deploy.healthcheckTimeout.map(String.init) ?? "",
            "restartPolicyMaxRetries": service.deploy.restartPolicyMaxRetries.map(String.init) ?? "",
            "restartPolicies": Self.restartPolicyOptions(chosen: service.deploy.restartPolicyType),
        ])
    }

    // MARK: Rendering

    /// A page's handler: the page rendered, or with `?watch=1` a stream that says when it changed.
    func page(_ build: @escaping PageBuilder) -> @Sendable (Request, APIRequestContext) async throws -> Response {
        let watchers = self.watchers
        let dependencies = self.dependencies
        return { request, context in
            if request.uri.queryParameters.get("watch") == "1" {
                return try await DashboardWatch(dependencies: dependencies, watchers: watchers).stream(build, request, context)
            }
            var page = try await build(request, context)
            // The page's version as its watch computes it: a change made between this answer
            // and the watch's start is still reported.
            page.model["version"] = DashboardWatch.digest(try Self.html(page, request: request, context: context))
            page.model["watch"] = true
            return try Self.render(page, request: request, context: context)
        }
    }

    /// A page: the template with the view model and the layout's values (the signed-in person,
    /// the CSRF token, the assets).
    static func render(_ page: DashboardPage, request: Request, context: APIRequestContext) throws -> Response {
        htmlResponse(try html(page, request: request, context: context), status: page.status)
    }

    static func html(_ page: DashboardPage, request: Request, context: APIRequestContext) throws -> String {
        var model = page.model
        model["assets"] = ["css": "/assets/\(DashboardAssets.cssName)", "js": "/assets/\(DashboardAssets.jsName)"]
        model["title"] = page.title
        if let caller = context.caller, case .user(let user) = caller.identity {
            model["signedIn"] = true
            model["email"] = user.email
        } else {
            model["signedIn"] = false
        }
        if model["csrf"] == nil { model["csrf"] = DashboardSession.csrfToken(for: request) ?? "" }
        guard let html = DashboardTemplates.library.render(model, withTemplate: page.template) else {
            throw RailyardError.internal("the dashboard has no page \(page.template)")
        }
        return html
    }

    static func htmlResponse(_ html: String, status: HTTPResponse.Status) -> Response {
        var headers = HTTPFields()
        headers[.contentType] = "text/html; charset=utf-8"
        headers[.cacheControl] = "no-store"
        return Response(status: status, headers: headers, body: .init(byteBuffer: ByteBuffer(string: html)))
    }

    /// Who an audit actor is, as a page says it: a member's email, an API token, Railyard itself.
    static func actorName(_ actor: String?, people: [String: String]) -> String {
        guard let actor else { return "" }
        if let email = people[actor] { return email }
        if actor.hasPrefix("user:") { return "a former member" }
        if actor.hasPrefix("token:") { return "an API token" }
        return actor == "system" ? "Railyard" : actor
    }

    /// A number as a form shows it: no ".0" on a whole one.
    static func decimal(_ value: Double) -> String {
        value == value.rounded() ? String(Int64(value)) : String(format: "%.3f", value)
            .replacingOccurrences(of: #"0+$"#, with: "", options: .regularExpression)
    }

    static func statusClass(_ status: DeploymentStatus?) -> String {
        switch status {
        case .success: "ok"
        case .failed, .crashed: "bad"
        case .queued, .building, .deploying: "busy"
        case .removed, .skipped, .none: "none"
        }
    }

    /// Whether the API's rules let the caller do `action` here: a page shows a control only then.
    static func allows(_ caller: Caller, _ action: Action, _ project: Project, _ environment: EnvironmentID? = nil) -> Bool {
        (try? caller.authorize(action, workspace: project.workspaceID, project: project.id, environment: environment,
                               notFound: "project")) != nil
    }

    func workspaceNames(_ caller: Caller) async throws -> [WorkspaceID: String] {
        guard case .user(let user) = caller.identity else { return [:] }
        return Dictionary(try await store.workspaces(of: user.id).map { ($0.0.id, $0.0.name) }, uniquingKeysWith: { first, _ in first })
    }
}

/// What a page shows: its template, its title, and the values the template reads (strings,
/// booleans and lists of such, never optionals: Mustache looks a missing name up in the
/// enclosing context).
struct DashboardPage {
    var template: String
    var title: String
    var model: [String: Any]
    var status: HTTPResponse.Status = .ok
}

typealias PageBuilder = @Sendable (Request, APIRequestContext) async throws -> DashboardPage
