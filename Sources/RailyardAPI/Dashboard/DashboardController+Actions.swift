import Foundation
import Hummingbird
import HTTPTypes
import RailyardCore
import RailyardStore

/// What the dashboard's forms do: sign in and out, and the writes, each through the API
/// controller's own operation (the same checks, the same audit record). Every write needs the
/// session's CSRF token (`DashboardSession.checkedForm`) and answers with a redirect to the
/// page it came from.
extension DashboardController {
    // MARK: Signing in and out

    @Sendable func loginPage(_ request: Request, context: APIRequestContext) async throws -> Response {
        if context.caller != nil { return DashboardSession.redirect(to: "/") }
        // A new server: its first admin is made with the setup token first.
        if try await store.userCount() == 0 { return DashboardSession.redirect(to: "/setup") }
        return try Self.loginForm(request: request, context: context, email: "", error: "", status: .ok)
    }

    /// Signs in through the API's own password check and login limiter (one budget for both),
    /// and makes a session as an API login does.
    @Sendable func login(_ request: Request, context: APIRequestContext) async throws -> Response {
        // Before a session, the form repeats the random cookie it was given with the page.
        let form = try await DashboardSession.checkedOpenForm(request)
        let email = form["email"] ?? ""
        let auth = AuthController(dependencies: dependencies)
        guard let credentials = try await auth.checkPassword(form["password"] ?? "", account: email, context: context) else {
            return try Self.loginForm(request: request, context: context, email: email,
                                      error: "Email or password is wrong.", status: .unauthorized)
        }
        return try await signedIn(credentials.user, request: request, context: context)
    }

    /// A new session for `user` (as an API login makes), its cookie, and the projects page.
    func signedIn(_ user: User, request: Request, context: APIRequestContext) async throws -> Response {
        let session = try await AuthController(dependencies: dependencies).issueSession(for: user, familyID: nil, logger: context.logger)
        var response = DashboardSession.redirect(to: "/")
        response.headers.append(HTTPField(name: .setCookie, value: DashboardSession.sessionCookie(session.refreshToken, request: request)))
        response.headers.append(HTTPField(name: .setCookie, value: DashboardSession.endedFormCookie))
        return response
    }

    @Sendable func logout(_ request: Request, context: APIRequestContext) async throws -> Response {
        _ = try await DashboardSession.checkedForm(request, context: context)
        if let token = DashboardSession.cookie(DashboardSession.sessionCookie, in: request) {
            let hash = TokenService.hash(token)
            if !dependencies.unsavedSessions.end(refreshHash: hash) {
                try await store.revokeRefreshFamily(tokenHash: hash)
            }
        }
        var response = DashboardSession.redirect(to: "/login")
        response.headers.append(HTTPField(name: .setCookie, value: DashboardSession.endedSessionCookie))
        return response
    }

    /// The sign-in page, with a new form token (`DashboardSession.newFormToken`).
    static func loginForm(
        request: Request, context: APIRequestContext, email: String, error: String, status: HTTPResponse.Status
    ) throws -> Response {
        try openForm(DashboardPage(template: "login", title: "Sign in", model: ["email": email], status: status),
                     error: error, request: request, context: context)
    }

    /// A page with a form filled in before a session: a new form token in the form and in its
    /// cookie, and the error of the last attempt, if any.
    static func openForm(_ page: DashboardPage, error: String, request: Request, context: APIRequestContext) throws -> Response {
        let (token, cookie) = DashboardSession.newFormToken()
        var page = page
        page.model["csrf"] = token
        page.model["hasError"] = !error.isEmpty
        page.model["error"] = error
        var response = try render(page, request: request, context: context)
        response.headers.append(HTTPField(name: .setCookie, value: cookie))
        return response
    }

    // MARK: Projects and services

    @Sendable func createProject(_ request: Request, context: APIRequestContext) async throws -> Response {
        let form = try await DashboardSession.checkedForm(request, context: context)
        let workspace = try form["workspaceId"].flatMap { $0.isEmpty ? nil : $0 }.map { text -> WorkspaceID in
            guard WorkspaceID.isWellFormed(text) else { throw RailyardError.invalid("choose a workspace", field: "workspaceId") }
            return WorkspaceID(rawValue: text)
        }
        let (project, _) = try await projects.createProject(
            ProjectController.CreateProjectRequest(name: form["name"] ?? "", workspaceId: workspace), context: context)
        return DashboardSession.redirect(to: "/projects/\(project.id.rawValue)")
    }

    @Sendable func createService(_ request: Request, context: APIRequestContext) async throws -> Response {
        let (project, caller) = try await projects.accessProject(context, .changeService)
        let form = try await DashboardSession.checkedForm(request, context: context)
        let repository = (form["repository"] ?? "").trimmingCharacters(in: .whitespaces)
        let body = ProjectController.CreateServiceRequest(
            name: form["name"] ?? "",
            repository: repository.isEmpty ? nil : GitSource(url: repository, branch: form["branch"].flatMap { $0.isEmpty ? nil : $0 }))
        let service = try await projects.createService(body, in: project, caller: caller, context: context)
        return DashboardSession.redirect(to: "/services/\(service.id.rawValue)")
    }

    // MARK: A service's deployments and variables

    /// Deploys again: the repository's latest commit, or the last source (as `railyard redeploy`).
    @Sendable func redeploy(_ request: Request, context: APIRequestContext) async throws -> Response {
        let form = try await DashboardSession.checkedForm(request, context: context)
        let environment = try Self.environment(request)
        _ = try await serviceState.createDeployment(
            ServiceStateController.CreateDeploymentRequest(
                environmentId: environment, message: "redeployed from the dashboard", redeploy: form["redeploy"] == "true"),
            context: context)
        return try Self.backToService(context, environment)
    }

    @Sendable func rollback(_ request: Request, context: APIRequestContext) async throws -> Response {
        let form = try await DashboardSession.checkedForm(request, context: context)
        let environment = try Self.environment(request)
        let target = try form["deploymentId"].map { text -> DeploymentID in
            guard DeploymentID.isWellFormed(text) else { throw RailyardError.invalid("no such deployment", field: "deploymentId") }
            return DeploymentID(rawValue: text)
        }
        _ = try await deploys.rollback(DeployController.RollbackRequest(environmentId: environment, deploymentId: target), context: context)
        return try Self.backToService(context, environment)
    }

    @Sendable func restart(_ request: Request, context: APIRequestContext) async throws -> Response {
        _ = try await DashboardSession.checkedForm(request, context: context)
        _ = try await deploys.restart(request, context: context)
        return try Self.backToService(context, try Self.environment(request))
    }

    @Sendable func down(_ request: Request, context: APIRequestContext) async throws -> Response {
        _ = try await DashboardSession.checkedForm(request, context: context)
        _ = try await deploys.down(request, context: context)
        return try Self.backToService(context, try Self.environment(request))
    }

    /// Sets one variable (`name`, `value`, `sealed`) or unsets one (`unset`).
    @Sendable func changeVariables(_ request: Request, context: APIRequestContext) async throws -> Response {
        let form = try await DashboardSession.checkedForm(request, context: context)
        let (service, environment, caller, _) = try await serviceState.accessInEnvironment(request, context, .changeVariables)
        _ = try await variables.change(Self.variableChange(form), of: service, in: environment, caller: caller, context: context)
        return try Self.backToService(context, environment.id)
    }

    /// A variable form's change: one variable set (`name`, `value`, `sealed`) or unset (`unset`).
    static func variableChange(_ form: [String: String]) -> VariableController.VariablesChange {
        var change = VariableController.VariablesChange()
        if let name = form["unset"], !name.isEmpty {
            change.unset = [name]
        } else {
            change.set = [(form["name"] ?? "").trimmingCharacters(in: .whitespaces): form["value"] ?? ""]
            change.sealed = form["sealed"] == "on"
        }
        return change
    }

    /// The `environmentId` of a service form's address (the API's writes take it in the query
    /// or the body; the dashboard's forms put it in their action).
    static func environment(_ request: Request) throws -> EnvironmentID {
        guard let environment: EnvironmentID = try request.queryID("environmentId", required: true) else {
            throw RailyardError.badRequest("query parameter 'environmentId' is required", field: "environmentId")
        }
        return environment
    }

    static func backToService(_ context: APIRequestContext, _ environment: EnvironmentID) throws -> Response {
        let service: ServiceID = try context.pathID("serviceId", "service")
        return DashboardSession.redirect(to: "/services/\(service.rawValue)?environmentId=\(environment.rawValue)")
    }
}
