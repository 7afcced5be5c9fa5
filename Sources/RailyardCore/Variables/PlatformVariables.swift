/// The variables Railyard gives every replica of a service that other services can refer to
/// (`${{api.RAILWAY_PRIVATE_DOMAIN}}`): they depend on the project, environment, service and
/// its domains, not on one deployment. Each under its `RAILWAY_` and its `RAILYARD_` name.
/// Deployment-bound ones (`RAILWAY_DEPLOYMENT_ID`, `RAILWAY_GIT_*`, `RAILWAY_REPLICA_ID`,
/// `PORT`) are set at deploy time only and cannot be referred to.
public enum PlatformVariables {
    /// The service's name on its environment's private network.
    public static func privateDomain(of service: String) -> String { "\(service).railway.internal" }

    /// The domain Railway's `RAILWAY_PUBLIC_DOMAIN` names: the generated one first.
    public static func publicDomain(_ domains: [Domain]) -> String? {
        (domains.first { $0.kind == .generated } ?? domains.first)?.hostname
    }

    /// Platform variables that win over any the service sets.
    public static func fixed(project: Project, environment: Environment, service: Service) -> [String: String] {
        var variables = prefixed([
            ("PROJECT_NAME", project.name), ("PROJECT_ID", project.id.rawValue),
            ("ENVIRONMENT_NAME", environment.name), ("ENVIRONMENT_ID", environment.id.rawValue),
            ("SERVICE_NAME", service.name), ("SERVICE_ID", service.id.rawValue),
            ("PRIVATE_DOMAIN", privateDomain(of: service.name)),
        ])
        // Both names resolve on the private network; each variable names its own platform's.
        variables["RAILYARD_PRIVATE_DOMAIN"] = "\(service.name).railyard.internal"
        return variables
    }

    /// Platform variables the service may override by setting them itself.
    public static func defaults(domains: [Domain]) -> [String: String] {
        guard let domain = publicDomain(domains), !domain.isEmpty else { return [:] }
        return prefixed([("PUBLIC_DOMAIN", domain), ("STATIC_URL", domain)])
    }

    /// A service's TCP proxy: the host and the edge port that reach it from outside
    /// (`RAILWAY_TCP_PROXY_DOMAIN`, `RAILWAY_TCP_PROXY_PORT`). Like the private domain, they
    /// win over a value the service sets: they say where the server listens, not a choice.
    public static func tcpProxy(domain: String, port: Int) -> [String: String] {
        prefixed([("TCP_PROXY_DOMAIN", domain), ("TCP_PROXY_PORT", String(port))])
    }

    static func prefixed(_ pairs: [(String, String)]) -> [String: String] {
        var variables: [String: String] = [:]
        for (name, value) in pairs {
            variables["RAILWAY_" + name] = value
            variables["RAILYARD_" + name] = value
        }
        return variables
    }
}
