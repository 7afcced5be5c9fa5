import Foundation
import NIOSSL
import PostgresNIO

/// Where the database is, from `postgres://user:password@host:port/database?sslmode=…`.
struct PostgresEndpoint: Sendable {
    enum TLSMode: Sendable { case disable, prefer, require }
    var host: String
    var port: Int
    var user: String
    var password: String?
    var database: String?
    var tls: TLSMode

    init(url: String) throws {
        guard let components = URLComponents(string: url),
              components.scheme == "postgres" || components.scheme == "postgresql",
              let host = components.host, !host.isEmpty
        else {
            throw ConfigurationProblem("database URL must look like postgres://USER:PASSWORD@HOST:PORT/DATABASE")
        }
        self.host = host
        port = components.port ?? 5432
        user = components.user.flatMap { $0.removingPercentEncoding } ?? "postgres"
        password = components.password.flatMap { $0.removingPercentEncoding }
        database = components.path.split(separator: "/").first.map(String.init)
        switch components.queryItems?.first(where: { $0.name == "sslmode" })?.value ?? "disable" {
        case "disable": tls = .disable
        case "prefer", "allow": tls = .prefer
        case "require", "verify-ca", "verify-full": tls = .require
        case let other: throw ConfigurationProblem("unknown sslmode '\(other)' in database URL")
        }
    }

    func poolConfiguration() -> PostgresClient.Configuration {
        let tls: PostgresClient.Configuration.TLS = switch self.tls {
        case .disable: .disable
        case .prefer: .prefer(.makeClientConfiguration())
        case .require: .require(.makeClientConfiguration())
        }
        var configuration = PostgresClient.Configuration(
            host: host, port: port, username: user, password: password, database: database, tls: tls)
        configuration.options.maximumConnections = 16
        // A connection attempt to a host that does not answer gives up sooner than the
        // default 10 s; calls have their own limit besides.
        configuration.options.connectTimeout = .seconds(3)
        return configuration
    }

    func connectionConfiguration() throws -> PostgresConnection.Configuration {
        let tls: PostgresConnection.Configuration.TLS = switch self.tls {
        case .disable: .disable
        case .prefer: .prefer(try NIOSSLContext(configuration: .makeClientConfiguration()))
        case .require: .require(try NIOSSLContext(configuration: .makeClientConfiguration()))
        }
        var configuration = PostgresConnection.Configuration(
            host: host, port: port, username: user, password: password, database: database, tls: tls)
        configuration.options.connectTimeout = .seconds(2)
        return configuration
    }
}
