import Crypto
import Foundation
import Hummingbird
import HTTPTypes
import Mustache
import RailyardCore
import RailyardStore

/// The web dashboard (issue 18), served by the API's own router at `/`: server-rendered pages
/// with the same authorization as the API. Every decision about who may see or do what is the
/// API controllers' (`accessProject`, `accessService`, `Caller.authorize`); the dashboard adds
/// no rule of its own.
///
/// Sessions: signing in makes a session as an API login does (`AuthController.issueSession`,
/// the login limiter included); its refresh token is the cookie (HttpOnly, SameSite=Lax,
/// Secure over HTTPS), checked on each request without being used up (`Store.openSession`).
/// Every form carries a CSRF token derived from the cookie (which a page of another origin
/// cannot read); before signing in, the login form's token is a random cookie it must repeat.
/// Every answer forbids inline script and style, framing, and sniffing.
struct DashboardController {
    let dependencies: APIDependencies
    let projects: ProjectController
    var store: Store { dependencies.store }

    static let sessionCookie = "railyard_session"
    static let loginCookie = "railyard_login"
    /// Form bodies larger than this are refused (a dashboard form is a few fields).
    static let maximumFormBytes = 64 << 10

    func addRoutes(to router: Router<APIRequestContext>) {
        let pages = router.group().add(middleware: DashboardMiddleware(dependencies: dependencies))
        pages.get("/", use: projectsPage)
        pages.get("login", use: loginPage)
        pages.post("login", use: login)
        pages.post("logout", use: logout)
        pages.post("projects", use: createProject)
        pages.get("projects/{projectId}", use: projectPage)
        pages.post("projects/{projectId}/services", use: createService)
        pages.get("services/{serviceId}", use: servicePage)
        router.get("assets/{name}") { _, context in
            DashboardAssets.response(for: context.parameters.get("name") ?? "")
        }
    }

    // MARK: Pages

    @Sendable func loginPage(_ request: Request, context: APIRequestContext) async throws -> Response {
        if context.caller != nil { return Self.redirect(to: "/") }
        return Self.loginForm(context: context, email: "", error: "", status: .ok)
    }

    @Sendable func login(_ request: Request, context: APIRequestContext) async throws -> Response {
        let form = try await Self.form(request, context: context)
        // Before a session, the form repeats the random cookie it was given with the page.
        guard let expected = Self.cookie(Self.loginCookie, in: request), expected.count >= 32,
              form["_csrf"].map({ Self.constantTimeEquals($0, expected) }) == true
        else { throw RailyardError.forbidden("the sign-in form expired: load it again") }
        let email = form["email"] ?? ""
        let auth = AuthController(dependencies: dependencies)
        guard let credentials = try await auth.checkPassword(form["password"] ?? "", account: email, context: context) else {
            return Self.loginForm(context: context, email: email, error: "Email or password is wrong.", status: .unauthorized)
        }
        let session = try await auth.issueSession(for: credentials.user, familyID: nil, logger: context.logger)
        var response = Self.redirect(to: "/")
        response.headers.append(HTTPField(name: .setCookie, value: Self.sessionCookieValue(session.refreshToken, request: request)))
        response.headers.append(HTTPField(name: .setCookie, value: "\(Self.loginCookie)=; Path=/login; HttpOnly; SameSite=Strict; Max-Age=0"))
        return response
    }

    @Sendable func logout(_ request: Request, context: APIRequestContext) async throws -> Response {
        _ = try await Self.checkedForm(request, context: context)
        if let token = Self.cookie(Self.sessionCookie, in: request) {
            let hash = TokenService.hash(token)
            if !dependencies.unsavedSessions.end(refreshHash: hash) {
                try await store.revokeRefreshFamily(tokenHash: hash)
            }
        }
        var response = Self.redirect(to: "/login")
        response.headers.append(HTTPField(name: .setCookie, value: "\(Self.sessionCookie)=; Path=/; HttpOnly; SameSite=Lax; Max-Age=0"))
        return response
    }

    @Sendable func projectsPage(_ request: Request, context: APIRequestContext) async throws -> Response {
        let caller = try context.requireCaller()
        let names = try await workspaceNames(caller)
        var visible: [Project]
        if let only = caller.onlyProject {
            visible = try await store.project(id: only).map { [$0] } ?? []
        } else {
            visible = try await store.projects(in: Array(caller.roles.keys), page: PageRequest(limit: PageRequest.maximumLimit)).items
        }
        visible.sort { $0.name.lowercased() < $1.name.lowercased() }
        let rows: [[String: Any]] = visible.map { ["id": $0.id.rawValue, "name": $0.name, "workspace": names[$0.workspaceID] ?? ""] }
        let canCreate = caller.onlyProject == nil && caller.roles.contains { _, role in role >= .member }
        return try Self.page("projects", context: context, request: request, [
            "projects": rows, "hasProjects": !rows.isEmpty, "canCreate": canCreate,
        ])
    }

    @Sendable func createProject(_ request: Request, context: APIRequestContext) async throws -> Response {
        let form = try await Self.checkedForm(request, context: context)
        let caller = try context.requireCaller()
        // One place decides: the same checks, in the same order, as POST /api/v1/projects.
        let writable = caller.roles.filter { $0.value >= .member }.map(\.key)
        guard let workspace = form["workspaceId"].map({ WorkspaceID(rawValue: $0) }) ?? (writable.count == 1 ? writable.first : nil) else {
            throw RailyardError.invalid("you belong to several workspaces: choose one", field: "workspaceId")
        }
        _ = try caller.authorize(.changeProject, workspace: workspace, notFound: "workspace")
        if caller.onlyProject != nil { throw RailyardError.forbidden("an environment token cannot create projects") }
        let name = form["name"] ?? ""
        if let problem = NameRules.displayNameProblem(name, what: "project name") { throw RailyardError.invalid(problem, field: "name") }
        let (project, _) = try await store.createProject(name: name, in: workspace, audit: context.audit(caller))
        return Self.redirect(to: "/projects/\(project.id.rawValue)")
    }

    @Sendable func projectPage(_ request: Request, context: APIRequestContext) async throws -> Response {
        let (project, caller) = try await projects.accessProject(context, .read)
        let services = try await store.services(in: project.id, page: PageRequest(limit: PageRequest.maximumLimit)).items
        let environments = try await store.environments(in: project.id, page: PageRequest(limit: PageRequest.maximumLimit)).items
        var rows: [[String: Any]] = []
        for service in services {
            let latest = try await store.deployments(of: service.id, in: nil, page: PageRequest(limit: 1)).items.first
            rows.append([
                "id": service.id.rawValue, "name": service.name,
                "status": latest?.status.rawValue ?? "NO DEPLOYMENT", "statusClass": Self.statusClass(latest?.status),
                "kind": service.database.map { $0.displayName } ?? (service.repository != nil ? "git" : "uploads"),
            ])
        }
        let canChange = (try? caller.authorize(.changeService, workspace: project.workspaceID, project: project.id, notFound: "project")) != nil
        return try Self.page("project", context: context, request: request, [
            "id": project.id.rawValue, "name": project.name, "services": rows,
            "environments": environments.map { ["name": $0.name] }, "canChange": canChange,
        ])
    }

    @Sendable func createService(_ request: Request, context: APIRequestContext) async throws -> Response {
        let form = try await Self.checkedForm(request, context: context)
        // The same access and checks as POST /api/v1/projects/{projectId}/services.
        let (project, caller) = try await projects.accessProject(context, .changeService)
        let name = form["name"] ?? ""
        if let problem = NameRules.serviceNameProblem(name) { throw RailyardError.invalid(problem, field: "name") }
        _ = try await store.createService(name: name, in: project.id, audit: context.audit(caller))
        return Self.redirect(to: "/projects/\(project.id.rawValue)")
    }

    @Sendable func servicePage(_ request: Request, context: APIRequestContext) async throws -> Response {
        let (service, project, _) = try await projects.accessService(context, .read, environment: nil)
        let deployments = try await store.deployments(of: service.id, in: nil, page: PageRequest(limit: 20)).items
        let rows: [[String: Any]] = deployments.map {
            [
                "status": $0.status.rawValue, "statusClass": Self.statusClass($0.status), "source": $0.source.rawValue,
                "message": $0.message ?? "", "createdAt": JSONCoding.formatTimestamp($0.createdAt),
            ]
        }
        return try Self.page("service", context: context, request: request, [
            "name": service.name, "projectID": project.id.rawValue, "projectName": project.name, "deployments": rows,
        ])
    }

    // MARK: Rendering

    /// A page: the template with the view model, the layout's values (the signed-in person, the
    /// CSRF token, the assets) added.
    static func page(
        _ template: String, context: APIRequestContext, request: Request, _ values: [String: Any], status: HTTPResponse.Status = .ok
    ) throws -> Response {
        var model = values
        model["assets"] = ["css": "/assets/\(DashboardAssets.cssName)", "js": "/assets/\(DashboardAssets.jsName)"]
        if let caller = context.caller, case .user(let user) = caller.identity {
            model["signedIn"] = true
            model["email"] = user.email
        } else {
            model["signedIn"] = false
        }
        model["csrf"] = csrfToken(for: request) ?? ""
        guard let html = DashboardTemplates.library.render(model, withTemplate: template) else {
            throw RailyardError.internal("the dashboard has no page \(template)")
        }
        return htmlResponse(html, status: status)
    }

    static func htmlResponse(_ html: String, status: HTTPResponse.Status) -> Response {
        var headers = HTTPFields()
        headers[.contentType] = "text/html; charset=utf-8"
        headers[.cacheControl] = "no-store"
        return Response(status: status, headers: headers, body: .init(byteBuffer: ByteBuffer(string: html)))
    }

    static func loginForm(context: APIRequestContext, email: String, error: String, status: HTTPResponse.Status) -> Response {
        let token = TokenService.newSecret(.setup).dropFirst(4)
        var model: [String: Any] = [
            "assets": ["css": "/assets/\(DashboardAssets.cssName)", "js": "/assets/\(DashboardAssets.jsName)"],
            "signedIn": false, "csrf": String(token), "email": email,
        ]
        if !error.isEmpty { model["error"] = error }
        let html = DashboardTemplates.library.render(model, withTemplate: "login") ?? ""
        var response = htmlResponse(html, status: status)
        response.headers.append(HTTPField(name: .setCookie, value: "\(loginCookie)=\(token); Path=/login; HttpOnly; SameSite=Strict; Max-Age=3600"))
        return response
    }

    static func redirect(to path: String) -> Response {
        var headers = HTTPFields()
        headers[.location] = path
        return Response(status: .seeOther, headers: headers)
    }

    static func statusClass(_ status: DeploymentStatus?) -> String {
        switch status {
        case .success: "ok"
        case .failed, .crashed: "bad"
        case .queued, .building, .deploying: "busy"
        case .removed, .skipped, .none: "none"
        }
    }

    // MARK: Sessions, cookies and forms

    /// The cookie's value: the session's refresh token, for the whole site, for as long as
    /// the token lives; Secure when the request came over HTTPS (a proxy in front says so).
    static func sessionCookieValue(_ token: String, request: Request) -> String {
        let secure = request.headers[HTTPField.Name("X-Forwarded-Proto")!]?.lowercased() == "https" ? "; Secure" : ""
        return "\(sessionCookie)=\(token); Path=/; HttpOnly; SameSite=Lax; Max-Age=\(Int(TokenService.refreshTokenLifetime))\(secure)"
    }

    /// The value of cookie `name`, if the request has it.
    static func cookie(_ name: String, in request: Request) -> String? {
        for header in request.headers[values: .cookie] {
            for pair in header.split(separator: ";") {
                let parts = pair.trimmingCharacters(in: .whitespaces).split(separator: "=", maxSplits: 1)
                if parts.count == 2, parts[0] == name { return String(parts[1]) }
            }
        }
        return nil
    }

    /// The CSRF token of the request's session: a hash of its cookie, which only a page of
    /// this origin can have read into a form.
    static func csrfToken(for request: Request) -> String? {
        cookie(sessionCookie, in: request).map { token in
            SHA256.hash(data: Data("railyard-dashboard-csrf:\(token)".utf8)).map { String(format: "%02x", $0) }.joined()
        }
    }

    /// The form of a request that changes something: signed in, from this origin, with the
    /// session's CSRF token; 403 otherwise.
    static func checkedForm(_ request: Request, context: APIRequestContext) async throws -> [String: String] {
        _ = try context.requireCaller()
        let form = try await form(request, context: context)
        guard let expected = csrfToken(for: request), let given = form["_csrf"], constantTimeEquals(given, expected) else {
            throw RailyardError.forbidden("the form's CSRF token is missing or wrong: load the page again")
        }
        return form
    }

    /// An `application/x-www-form-urlencoded` body, at most `maximumFormBytes`. Repeated
    /// names keep their first value.
    static func form(_ request: Request, context: APIRequestContext) async throws -> [String: String] {
        guard request.headers[.contentType]?.lowercased().hasPrefix("application/x-www-form-urlencoded") == true else {
            throw RailyardError.badRequest("a form is sent as application/x-www-form-urlencoded")
        }
        let body = try await request.body.collect(upTo: maximumFormBytes)
        var fields: [String: String] = [:]
        for pair in String(buffer: body).split(separator: "&") {
            let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            guard let rawName = parts.first,
                  let name = String(rawName).replacingOccurrences(of: "+", with: " ").removingPercentEncoding
            else { continue }
            let rawValue = parts.count > 1 ? String(parts[1]) : ""
            guard let value = rawValue.replacingOccurrences(of: "+", with: " ").removingPercentEncoding else {
                throw RailyardError.badRequest("the form's field \(name.prefix(40)) is not percent-encoded text")
            }
            if fields[name] == nil { fields[name] = value }
        }
        return fields
    }

    static func constantTimeEquals(_ a: String, _ b: String) -> Bool {
        let (x, y) = (Array(a.utf8), Array(b.utf8))
        guard x.count == y.count else { return false }
        return zip(x, y).reduce(0) { $0 | ($1.0 ^ $1.1) } == 0
    }

    func workspaceNames(_ caller: Caller) async throws -> [WorkspaceID: String] {
        guard case .user(let user) = caller.identity else { return [:] }
        return Dictionary(try await store.workspaces(of: user.id).map { ($0.0.id, $0.0.name) }, uniquingKeysWith: { first, _ in first })
    }
}
