/// A database Railyard runs as a service of its own: the host's server binary, in a sandbox,
/// as the service's user, on its own volume, reached on the environment's private network.
/// Debian's packages provide these three; MongoDB is not among them.
public enum DatabaseEngine: String, Codable, Sendable, CaseIterable {
    case postgres
    case redis
    /// Served by MariaDB, which is what Debian packages as MySQL.
    case mysql

    /// What people call it.
    public var displayName: String {
        switch self {
        case .postgres: "PostgreSQL"
        case .redis: "Redis"
        case .mysql: "MySQL (MariaDB)"
        }
    }

    /// The service's name when it is free (Railway's `Postgres`, `Redis`, `MySQL`, in the
    /// lower case service names have here; references may spell them either way).
    public var serviceName: String { rawValue }

    /// Where it listens on its private address.
    public var port: Int {
        switch self {
        case .postgres: 5432
        case .redis: 6379
        case .mysql: 3306
        }
    }

    /// Where it takes TLS connections when that is another port than `port`: Redis cannot
    /// offer TLS on its plain port, so it listens for TLS on the next one. PostgreSQL and
    /// MariaDB offer TLS on their own port to clients that ask (nil).
    public var tlsPort: Int? {
        self == .redis ? 6380 : nil
    }

    /// Where its volume is mounted in the sandbox. Under /srv, which every sandbox gets as a
    /// private tmpfs: nothing is made on the host to mount it.
    public var mountPath: String { "/srv/\(rawValue)-data" }

    /// The Debian package whose server binary it runs.
    public var package: String {
        switch self {
        case .postgres: "postgresql"
        case .redis: "redis-server"
        case .mysql: "mariadb-server"
        }
    }

    /// The client `railyard connect` opens, and its Debian package.
    public var client: (program: String, package: String) {
        switch self {
        case .postgres: ("psql", "postgresql-client")
        case .redis: ("redis-cli", "redis-tools")
        case .mysql: ("mysql", "mariadb-client")
        }
    }

    /// The extension of its backups' files: pg_dump's custom format, an RDB snapshot, SQL.
    public var backupExtension: String {
        switch self {
        case .postgres: "dump"
        case .redis: "rdb"
        case .mysql: "sql"
        }
    }

    /// The engine a name asks for: Railway's names and the usual aliases.
    public static func named(_ name: String) -> DatabaseEngine? {
        switch name.lowercased() {
        case "postgres", "postgresql", "pg": .postgres
        case "redis": .redis
        case "mysql", "mariadb": .mysql
        default: nil
        }
    }

    /// Why `name` names no engine Railyard can run, in words for the person who typed it.
    public static func problem(with name: String) -> String {
        switch name.lowercased() {
        case "mongo", "mongodb":
            return "MongoDB is not in Debian's packages, so Railyard cannot run it from the host; it runs postgres, redis and mysql (MariaDB)"
        default:
            return "unknown database '\(name.prefix(40))': Railyard runs postgres, redis and mysql (MariaDB)"
        }
    }

    /// The service's variables, with Railway's names, made when it is added. `password` is
    /// generated (`DatabaseCredentials.password()`); the rest refer to it and to the service's
    /// own platform variables, so a renamed service's URLs follow its new private name.
    public func variables(password: String) -> [String: String] {
        let host = "${{RAILWAY_PRIVATE_DOMAIN}}"
        switch self {
        case .postgres:
            return [
                "PGHOST": host, "PGPORT": String(port), "PGUSER": "postgres", "PGPASSWORD": password,
                "PGDATABASE": "railway", "POSTGRES_USER": "${{PGUSER}}", "POSTGRES_PASSWORD": "${{PGPASSWORD}}",
                "POSTGRES_DB": "${{PGDATABASE}}", "PGDATA": "\(mountPath)/pgdata",
                "DATABASE_URL": "postgresql://${{PGUSER}}:${{PGPASSWORD}}@\(host):${{PGPORT}}/${{PGDATABASE}}",
            ]
        case .redis:
            return [
                "REDISHOST": host, "REDISPORT": String(port), "REDISUSER": "default", "REDISPASSWORD": password,
                "REDIS_PASSWORD": "${{REDISPASSWORD}}",
                "REDIS_URL": "redis://${{REDISUSER}}:${{REDISPASSWORD}}@\(host):${{REDISPORT}}",
            ]
        case .mysql:
            return [
                "MYSQLHOST": host, "MYSQLPORT": String(port), "MYSQLUSER": "root", "MYSQL_ROOT_PASSWORD": password,
                "MYSQLPASSWORD": "${{MYSQL_ROOT_PASSWORD}}", "MYSQLDATABASE": "railway", "MYSQL_DATABASE": "${{MYSQLDATABASE}}",
                "MYSQL_URL": "mysql://${{MYSQLUSER}}:${{MYSQL_ROOT_PASSWORD}}@\(host):${{MYSQLPORT}}/${{MYSQLDATABASE}}",
            ]
        }
    }

    /// The variables an app gets when it is attached to the database (`railyard add
    /// --database postgres --service web`): references to the database's, so that the app's
    /// follow a change of the database's.
    public func references(service: String) -> [String: String] {
        let names: [String] = switch self {
        case .postgres: ["DATABASE_URL", "PGHOST", "PGPORT", "PGUSER", "PGPASSWORD", "PGDATABASE"]
        case .redis: ["REDIS_URL", "REDISHOST", "REDISPORT", "REDISUSER", "REDISPASSWORD"]
        case .mysql: ["MYSQL_URL", "MYSQLHOST", "MYSQLPORT", "MYSQLUSER", "MYSQLPASSWORD", "MYSQLDATABASE"]
        }
        return Dictionary(uniqueKeysWithValues: names.map { ($0, "${{\(service).\($0)}}") })
    }

    /// Railway's variable with the URL that reaches the database from outside through its
    /// TCP proxy, and its value (references to the proxy's platform variables, so that it
    /// follows the proxy). Set when a proxy is added, unset when it is removed.
    public var publicURLVariable: (name: String, value: String) { publicURLVariable(tls: false) }

    /// The public URL variable for a proxy to `tlsPort` when `tls` (`rediss://`): the same
    /// variable, which a service has one of, as it has one proxy.
    public func publicURLVariable(tls: Bool) -> (name: String, value: String) {
        let address = "${{RAILWAY_TCP_PROXY_DOMAIN}}:${{RAILWAY_TCP_PROXY_PORT}}"
        switch self {
        case .postgres:
            return ("DATABASE_PUBLIC_URL", "postgresql://${{PGUSER}}:${{PGPASSWORD}}@\(address)/${{PGDATABASE}}")
        case .redis:
            return ("REDIS_PUBLIC_URL", "\(tls ? "rediss" : "redis")://${{REDISUSER}}:${{REDISPASSWORD}}@\(address)")
        case .mysql:
            return ("MYSQL_PUBLIC_URL", "mysql://${{MYSQLUSER}}:${{MYSQL_ROOT_PASSWORD}}@\(address)/${{MYSQLDATABASE}}")
        }
    }

    /// The name of the variable that holds the generated password.
    public var passwordVariable: String {
        switch self {
        case .postgres: "PGPASSWORD"
        case .redis: "REDISPASSWORD"
        case .mysql: "MYSQL_ROOT_PASSWORD"
        }
    }
}

/// Generated secrets for databases.
public enum DatabaseCredentials {
    /// 32 letters and digits (190 bits) from the system's secure generator: strong, and safe in
    /// a URL, a shell and a config file without quoting.
    public static func password() -> String {
        let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789".utf8)
        var generator = SystemRandomNumberGenerator()
        return String(decoding: (0..<32).map { _ in alphabet[Int(generator.next(upperBound: UInt64(alphabet.count)))] }, as: UTF8.self)
    }
}
