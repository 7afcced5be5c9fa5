import Foundation
import Hummingbird
import HTTPTypes
import RailyardCore
import RailyardStore

/// Environments, domains, and deleting projects and services, through the API controllers'
/// own operations. A deletion asks for the thing's name typed again (as Railway does): a
/// misplaced click deletes nothing.
extension DashboardController {
    var domainsController: DomainController { DomainController(dependencies: dependencies, projects: projects) }

    @Sendable func createEnvironment(_ request: Request, context: APIRequestContext) async throws -> Response {
        let form = try await DashboardSession.checkedForm(request, context: context)
        let (project, caller) = try await projects.environmentCreator(context)
        _ = try await projects.createEnvironment(named: form["name"] ?? "", in: project, by: caller, context: context)
        return DashboardSession.redirect(to: "/projects/\(project.id.rawValue)")
    }

    @Sendable func deleteProject(_ request: Request, context: APIRequestContext) async throws -> Response {
        let form = try await DashboardSession.checkedForm(request, context: context)
        let (project, _) = try await projects.accessProject(context, .deleteProject)
        try Self.confirmed(form, name: project.name)
        _ = try await projects.deleteProject(request, context: context)
        return DashboardSession.redirect(to: "/")
    }

    @Sendable func deleteService(_ request: Request, context: APIRequestContext) async throws -> Response {
        let form = try await DashboardSession.checkedForm(request, context: context)
        let (service, project, _) = try await projects.accessService(context, .deleteService, environment: nil)
        try Self.confirmed(form, name: service.name)
        _ = try await projects.deleteService(request, context: context)
        return DashboardSession.redirect(to: "/projects/\(project.id.rawValue)")
    }

    /// A generated domain, or the hostname given (`hostname`), with its target port if given.
    @Sendable func addDomain(_ request: Request, context: APIRequestContext) async throws -> Response {
        let form = try await DashboardSession.checkedForm(request, context: context)
        let (service, environment, caller, _) = try await serviceState.accessInEnvironment(request, context, .changeService)
        let hostname = (form["hostname"] ?? "").trimmingCharacters(in: .whitespaces)
        let portText = (form["targetPort"] ?? "").trimmingCharacters(in: .whitespaces)
        var port: Int?
        if !portText.isEmpty {
            guard let number = Int(portText) else { throw RailyardError.invalid("a port is a number from 1 to 65535", field: "targetPort") }
            port = number
        }
        _ = try await domainsController.create(
            DomainController.CreateDomainRequest(
                hostname: hostname.isEmpty ? nil : hostname, targetPort: port, httpsRedirect: form["httpsRedirect"] == "on",
                certificate: Self.pasted(form["certificate"]), privateKey: Self.pasted(form["privateKey"])),
            for: service, in: environment, caller: caller, context: context)
        return try Self.backToService(context, environment.id)
    }

    @Sendable func deleteDomain(_ request: Request, context: APIRequestContext) async throws -> Response {
        _ = try await DashboardSession.checkedForm(request, context: context)
        let id: DomainID = try context.pathID("domainId", "domain")
        let domain = try await store.domain(id: id)
        // The API's own handler decides (the domain's service, changeable by the caller there).
        _ = try await domainsController.delete(request, context: context)
        guard let domain else { return DashboardSession.redirect(to: "/") }
        return DashboardSession.redirect(to: "/services/\(domain.serviceID.rawValue)?environmentId=\(domain.environmentID.rawValue)")
    }

    /// A pasted PEM text, or nil when the field was left empty.
    static func pasted(_ text: String?) -> String? {
        guard let text, !text.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty else { return nil }
        return text
    }

    static func confirmed(_ form: [String: String], name: String) throws {
        guard form["confirm"] == name else {
            throw RailyardError.invalid("type the name (\(name)) to confirm the deletion", field: "confirm")
        }
    }
}

/// A service's settings and its variables as a `.env` text.
extension DashboardController {
    /// Memory (MiB), CPU (cores), processes and request body (MiB) limits, and (for an app) the
    /// start command, replicas, health check and restart policy; an empty field removes the
    /// setting, a field the form did not show (a database's) leaves it. The API's rules apply.
    @Sendable func changeSettings(_ request: Request, context: APIRequestContext) async throws -> Response {
        let form = try await DashboardSession.checkedForm(request, context: context)
        let environment = try Self.environment(request)
        let (service, _, caller) = try await projects.accessService(context, .changeService, environment: nil)
        func whole(_ key: String, field: String) throws -> Int?? {
            guard let text = form[key] else { return nil }
            guard let number = try Self.number(text, field: "deploy." + field) else { return .some(nil) }
            guard number == number.rounded() else { throw RailyardError.invalid("deploy.\(field) is a whole number", field: "deploy." + field) }
            return .some(Int(number))
        }
        func text(_ key: String) -> String?? {
            guard let text = form[key] else { return nil }
            return .some(text.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty ? nil : text)
        }
        var policy: ServiceConfig.RestartPolicy??
        if let chosen = form["restartPolicyType"] {
            guard chosen.isEmpty || ServiceConfig.RestartPolicy(rawValue: chosen) != nil else {
                throw RailyardError.invalid("deploy.restartPolicyType is one of ON_FAILURE, ALWAYS, NEVER", field: "deploy.restartPolicyType")
            }
            policy = .some(ServiceConfig.RestartPolicy(rawValue: chosen))
        }
        let deploy = ServiceDeploySettings.Change(
            startCommand: text("startCommand"), healthcheckPath: text("healthcheckPath"),
            healthcheckTimeout: try whole("healthcheckTimeout", field: "healthcheckTimeout"),
            numReplicas: try whole("numReplicas", field: "numReplicas"), restartPolicyType: policy,
            restartPolicyMaxRetries: try whole("restartPolicyMaxRetries", field: "restartPolicyMaxRetries"))
        let change = ProjectController.UpdateServiceRequest(
            memoryLimit: .some(try Self.number(form["memory"], field: "memoryLimit").map { Int64($0 * 1_048_576) }),
            cpuLimitMillis: .some(try Self.number(form["cpu"], field: "cpuLimitMillis").map { Int(($0 * 1000).rounded()) }),
            requestBodyLimit: .some(try Self.number(form["requestBody"], field: "requestBodyLimit").map { Int64($0 * 1_048_576) }),
            processLimit: .some(try Self.number(form["processes"], field: "processLimit").map { Int($0) }), deploy: deploy)
        _ = try await projects.updateService(service, with: change, caller: caller, context: context)
        return try Self.backToService(context, environment)
    }

    /// The settings form's restart policy choices: the default (none set), then each policy.
    static func restartPolicyOptions(chosen: ServiceConfig.RestartPolicy?) -> [[String: Any]] {
        let options: [(value: String, label: String)] = [("", "Default (on failure)")]
            + ServiceConfig.RestartPolicy.allCases.map { policy in
                switch policy {
                case .onFailure: (policy.rawValue, "On failure")
                case .always: (policy.rawValue, "Always")
                case .never: (policy.rawValue, "Never")
                }
            }
        return options.map { ["value": $0.value, "label": $0.label, "selected": $0.value == (chosen?.rawValue ?? "")] }
    }

    /// A form's number (nil when empty), finite and not negative.
    static func number(_ text: String?, field: String) throws -> Double? {
        let text = (text ?? "").trimmingCharacters(in: .whitespaces)
        guard !text.isEmpty else { return nil }
        guard let value = Double(text), value.isFinite, value >= 0, value < 1e12 else {
            throw RailyardError.invalid("\(field) is a number", field: field)
        }
        return value
    }

    /// The service's unsealed variables replaced by the `.env` text's: lines `KEY=VALUE`
    /// (`export ` and quotes allowed, `#` comments); a variable not in the text is removed,
    /// sealed ones are left as they are. The API's checks apply to the whole change.
    @Sendable func replaceVariables(_ request: Request, context: APIRequestContext) async throws -> Response {
        let form = try await DashboardSession.checkedForm(request, context: context)
        let (service, environment, caller, _) = try await serviceState.accessInEnvironment(request, context, .changeVariables)
        let wanted = try Self.parseEnv(form["env"] ?? "")
        let current = try await store.variables(of: service.id, in: environment.id, disclosure: .unsealedValues)
        var change = VariableController.VariablesChange()
        let sealed = Set(current.filter(\.sealed).map(\.name))
        change.set = wanted.filter { name, value in
            !sealed.contains(name) && current.first { $0.name == name }?.value != value
        }
        change.unset = current.filter { !$0.sealed && wanted[$0.name] == nil }.map(\.name)
        if change.set?.isEmpty == false || change.unset?.isEmpty == false {
            _ = try await variables.change(change, of: service, in: environment, caller: caller, context: context)
        }
        return try Self.backToService(context, environment.id)
    }

    static func parseEnv(_ text: String) throws -> [String: String] {
        var variables: [String: String] = [:]
        for (index, rawLine) in text.split(omittingEmptySubsequences: false, whereSeparator: \.isNewline).enumerated() {
            var line = rawLine.trimmingCharacters(in: .whitespaces)
            if line.isEmpty || line.hasPrefix("#") { continue }
            if line.hasPrefix("export ") { line = String(line.dropFirst(7)).trimmingCharacters(in: .whitespaces) }
            guard let equals = line.firstIndex(of: "=") else {
                throw RailyardError.invalid("line \(index + 1) is not NAME=VALUE", field: "env")
            }
            let name = line[..<equals].trimmingCharacters(in: .whitespaces)
            var value = String(line[line.index(after: equals)...])
            for quote in ["\"", "'"] where value.count >= 2 && value.hasPrefix(quote) && value.hasSuffix(quote) {
                value = String(value.dropFirst().dropLast())
            }
            guard variables[name] == nil else { throw RailyardError.invalid("\(name) is given twice", field: "env") }
            variables[name] = value
        }
        return variables
    }
}

/// An environment's shared variables, and deleting an environment.
extension DashboardController {
    /// Sets one shared variable (`name`, `value`, `sealed`) or unsets one (`unset`).
    @Sendable func changeSharedVariables(_ request: Request, context: APIRequestContext) async throws -> Response {
        let form = try await DashboardSession.checkedForm(request, context: context)
        let (environment, project, caller) = try await projects.accessEnvironment(context, .changeVariables)
        _ = try await variables.changeShared(Self.variableChange(form), in: environment, of: project, caller: caller, context: context)
        return DashboardSession.redirect(to: "/projects/\(project.id.rawValue)?environmentId=\(environment.id.rawValue)")
    }

    @Sendable func deleteEnvironment(_ request: Request, context: APIRequestContext) async throws -> Response {
        let form = try await DashboardSession.checkedForm(request, context: context)
        let (environment, project, _) = try await projects.accessEnvironment(context, .deleteEnvironment)
        try Self.confirmed(form, name: environment.name)
        _ = try await projects.deleteEnvironment(request, context: context)
        return DashboardSession.redirect(to: "/projects/\(project.id.rawValue)")
    }
}
