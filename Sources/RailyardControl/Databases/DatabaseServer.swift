import Foundation
import RailyardBuild
import RailyardCore
import RailyardRuntime
import RailyardSandbox

/// A database engine's programs on this host, found where Debian's packages put them, and
/// what a database deployment runs: its start script and plan. The server binary is the
/// host's; nothing of a tenant's is built or run.
struct DatabaseServer: Sendable {
    let engine: DatabaseEngine
    /// The folder of PostgreSQL's versioned programs (`/usr/lib/postgresql/15/bin`); for the
    /// others, the folders their programs are in.
    let programs: [String: String]

    /// The server programs each engine needs, by the name its scripts use, with where
    /// Debian's packages put them (the first that exists wins).
    static func wanted(_ engine: DatabaseEngine, root: String) -> [String: [String]] {
        switch engine {
        case .postgres:
            let versions = ((try? FileManager.default.contentsOfDirectory(atPath: root + "/usr/lib/postgresql")) ?? [])
                .compactMap(Int.init).sorted(by: >)
            let folders = versions.map { "/usr/lib/postgresql/\($0)/bin" }
            return ["postgres", "initdb", "pg_dump", "pg_restore", "psql"].reduce(into: [:]) { wanted, program in
                wanted[program] = folders.map { "\($0)/\(program)" }
            }
        case .redis:
            return ["redis-server": ["/usr/bin/redis-server"], "redis-cli": ["/usr/bin/redis-cli"]]
        case .mysql:
            return [
                "mariadbd": ["/usr/sbin/mariadbd", "/usr/sbin/mysqld"],
                "mariadb-install-db": ["/usr/bin/mariadb-install-db", "/usr/bin/mysql_install_db"],
                "mariadb": ["/usr/bin/mariadb", "/usr/bin/mysql"],
                "mariadb-dump": ["/usr/bin/mariadb-dump", "/usr/bin/mysqldump"],
            ]
        }
    }

    /// The engine's programs on this host; throws, naming the package to install, when one
    /// is missing.
    static func locate(_ engine: DatabaseEngine, root: String = "") throws -> DatabaseServer {
        var found: [String: String] = [:]
        for (program, candidates) in wanted(engine, root: root) {
            guard let path = candidates.first(where: { FileManager.default.isExecutableFile(atPath: root + $0) }) else {
                throw RailyardError.conflict(
                    "\(engine.displayName) is not installed on the server's machine (\(program) is missing): install Debian's \(engine.package) package (apt-get install \(engine.package)) and try again")
            }
            found[program] = path
        }
        return DatabaseServer(engine: engine, programs: found)
    }

    func program(_ name: String) -> String { programs[name] ?? name }

    /// The artifact's start script, run by the service's user in its sandbox with the
    /// service's variables: it prepares the volume on the first start and then becomes the
    /// server, listening on every address of the instance's private network.
    var startScript: String {
        let data = engine.mountPath
        switch engine {
        case .postgres:
            return """
                #!/bin/sh
                # Railyard's PostgreSQL: initialises its volume on the first start, then becomes the server.
                set -eu
                data="${PGDATA:-\(data)/pgdata}"
                case "${PGUSER:-postgres}${PGDATABASE:-railway}" in
                  *[!A-Za-z0-9_]*) echo "PGUSER and PGDATABASE may hold only letters, digits and _" >&2; exit 2 ;;
                esac
                if [ ! -s "$data/PG_VERSION" ]; then
                  mkdir -p "$data"
                  chmod 700 "$data"
                  password_file="$(mktemp /tmp/railyard-pw.XXXXXX)"
                  printf '%s\\n' "${PGPASSWORD:?PGPASSWORD is not set}" > "$password_file"
                  '\(program("initdb"))' --pgdata="$data" --username="${PGUSER:-postgres}" --pwfile="$password_file" \\
                    --auth-host=scram-sha-256 --auth-local=trust --encoding=UTF8 --locale=C.UTF-8
                  rm -f "$password_file"
                  printf 'host all all 0.0.0.0/0 scram-sha-256\\nhost all all ::/0 scram-sha-256\\n' >> "$data/pg_hba.conf"
                  if [ "${PGDATABASE:-railway}" != postgres ]; then
                    echo "CREATE DATABASE ${PGDATABASE:-railway};" | '\(program("postgres"))' --single -D "$data" -c unix_socket_directories=/tmp postgres > /dev/null
                  fi
                  echo "railyard: initialised a new database in $data"
                fi
                exec '\(program("postgres"))' -D "$data" -c listen_addresses='*' -c port=\(engine.port) \\
                  -c unix_socket_directories=/tmp -c dynamic_shared_memory_type=mmap -c shared_memory_type=mmap
                """
        case .redis:
            return """
                #!/bin/sh
                # Railyard's Redis: an append-only file on its volume (acknowledged writes survive a kill),
                # the password from REDISPASSWORD in a config file only it reads.
                set -eu
                case "${REDISPASSWORD:?REDISPASSWORD is not set}" in
                  *[!A-Za-z0-9._~-]*) echo "REDISPASSWORD may hold only letters, digits and . _ ~ -" >&2; exit 2 ;;
                esac
                umask 077
                config="$(mktemp /tmp/railyard-redis.XXXXXX)"
                printf 'requirepass %s\\n' "$REDISPASSWORD" > "$config"
                exec '\(program("redis-server"))' "$config" --bind '* -::*' --port \(engine.port) --protected-mode no \\
                  --dir '\(data)' --appendonly yes --appendfsync everysec --daemonize no --logfile '' \\
                  --pidfile /tmp/redis.pid
                """
        case .mysql:
            return """
                #!/bin/sh
                # Railyard's MariaDB: initialises its volume on the first start; at every start sets root's
                # password from MYSQL_ROOT_PASSWORD and makes MYSQLDATABASE, then becomes the server.
                set -eu
                data='\(data)/mysql'
                case "${MYSQL_ROOT_PASSWORD:?MYSQL_ROOT_PASSWORD is not set}${MYSQLDATABASE:-railway}" in
                  *[!A-Za-z0-9._~-]*) echo "MYSQL_ROOT_PASSWORD and MYSQLDATABASE may hold only letters, digits and . _ ~ -" >&2; exit 2 ;;
                esac
                if [ ! -d "$data/mysql" ]; then
                  mkdir -p "$data"
                  '\(program("mariadb-install-db"))' --no-defaults --datadir="$data" --user="$(id -un)" \\
                    --auth-root-authentication-method=normal --skip-test-db > /tmp/railyard-install-db.log 2>&1 \\
                    || { cat /tmp/railyard-install-db.log >&2; exit 1; }
                  echo "railyard: initialised a new database in $data"
                fi
                umask 077
                init="$(mktemp /tmp/railyard-init.XXXXXX)"
                cat > "$init" <<SQL
                CREATE USER IF NOT EXISTS 'root'@'%' IDENTIFIED BY '$MYSQL_ROOT_PASSWORD';
                ALTER USER 'root'@'%' IDENTIFIED BY '$MYSQL_ROOT_PASSWORD';
                ALTER USER 'root'@'localhost' IDENTIFIED BY '$MYSQL_ROOT_PASSWORD';
                GRANT ALL PRIVILEGES ON *.* TO 'root'@'%' WITH GRANT OPTION;
                CREATE DATABASE IF NOT EXISTS \\`${MYSQLDATABASE:-railway}\\`;
                FLUSH PRIVILEGES;
                SQL
                exec '\(program("mariadbd"))' --no-defaults --datadir="$data" --init-file="$init" \\
                  --bind-address=0.0.0.0 --port=\(engine.port) --socket=/tmp/mysqld.sock --pid-file=/tmp/mysqld.pid \\
                  --skip-name-resolve --innodb-use-native-aio=0 --innodb-buffer-pool-size=64M --log-error=
                """
        }
    }

    /// What a database deployment runs: one replica (one writer), the engine's port and
    /// health check, restarted whatever way it ends.
    func plan() -> BuildPlan {
        var plan = BuildPlan(provider: engine.rawValue, start: "/srv/app/start.sh")
        plan.database = engine
        plan.numReplicas = 1
        plan.restartPolicy = .always
        plan.restartPolicyMaxRetries = 10
        // A first start initialises the volume; recovery after a kill replays the log.
        plan.healthcheckTimeout = 300
        plan.drainingSeconds = 30
        plan.notes = ["\(engine.displayName) from the host's \(engine.package) package (\(program(mainProgram)))"]
        return plan
    }

    var mainProgram: String {
        switch engine {
        case .postgres: "postgres"
        case .redis: "redis-server"
        case .mysql: "mariadbd"
        }
    }

    /// The artifact: the start script, and the passwd and group files bound over the
    /// sandbox's, which name the service's user (PostgreSQL's and MariaDB's tools refuse to
    /// run as a user they cannot look up).
    func writeArtifact(to folder: URL, uid: UInt32, gid: UInt32) throws {
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        let script = folder.appendingPathComponent("start.sh")
        try Data(startScript.utf8).write(to: script)
        chmod(script.path, 0o755)
        let hostUsers = (try? String(contentsOfFile: "/etc/passwd", encoding: .utf8)) ?? ""
        let hostGroups = (try? String(contentsOfFile: "/etc/group", encoding: .utf8)) ?? ""
        let name = "railyard-\(engine.rawValue)"
        let users = hostUsers.split(separator: "\n").filter { !$0.hasPrefix(name + ":") }.joined(separator: "\n")
            + "\n\(name):x:\(uid):\(gid):Railyard \(engine.displayName):/tmp:/usr/sbin/nologin\n"
        let groups = hostGroups.split(separator: "\n").filter { !$0.hasPrefix(name + ":") }.joined(separator: "\n")
            + "\n\(name):x:\(gid):\n"
        try Data(users.utf8).write(to: folder.appendingPathComponent("passwd"))
        try Data(groups.utf8).write(to: folder.appendingPathComponent("group"))
        for file in ["passwd", "group"] { chmod(folder.appendingPathComponent(file).path, 0o644) }
        chmod(folder.path, 0o755)
    }

    /// How the server is stopped before SIGKILL: its main process only, which stops its
    /// workers in order. PostgreSQL's SIGINT is a fast shutdown (clients disconnected, a
    /// checkpoint written); SIGTERM would wait for every client to leave.
    static func stopSignal(_ engine: DatabaseEngine) -> StopSignal {
        switch engine {
        case .postgres: .mainProcess(SIGINT)
        case .redis, .mysql: .mainProcess(SIGTERM)
        }
    }

    /// The shell command that dumps the database into `output`, run with the service's
    /// variables and `RAILYARD_DATABASE_HOST` (its private address); passwords go in the
    /// environment, never on a command line.
    func backupCommand(output: String) -> String {
        switch engine {
        case .postgres:
            return "PGHOST=\"$RAILYARD_DATABASE_HOST\" PGPORT=\(engine.port) exec '\(program("pg_dump"))' --format=custom --no-password --file='\(output)'"
        case .redis:
            return "REDISCLI_AUTH=\"$REDISPASSWORD\" exec '\(program("redis-cli"))' -h \"$RAILYARD_DATABASE_HOST\" -p \(engine.port) --no-auth-warning --rdb '\(output)'"
        case .mysql:
            return """
                export MYSQL_PWD="$MYSQL_ROOT_PASSWORD"
                databases=$('\(program("mariadb"))' -h "$RAILYARD_DATABASE_HOST" -P \(engine.port) -u root -N -B -e "SELECT schema_name FROM information_schema.schemata WHERE schema_name NOT IN ('mysql', 'information_schema', 'performance_schema', 'sys')")
                [ -n "$databases" ] || { echo "no database to back up" >&2; exit 1; }
                exec '\(program("mariadb-dump"))' -h "$RAILYARD_DATABASE_HOST" -P \(engine.port) -u root --single-transaction --routines --events --triggers --result-file='\(output)' --databases $databases
                """
        }
    }

    /// The shell command that restores `input` into the live database (PostgreSQL in one
    /// transaction: a failed restore changes nothing). Redis is restored by its files
    /// (`replaceRedisData`).
    func restoreCommand(input: String) -> String {
        switch engine {
        case .postgres:
            return "PGHOST=\"$RAILYARD_DATABASE_HOST\" PGPORT=\(engine.port) exec '\(program("pg_restore"))' --clean --if-exists --no-owner --no-privileges --single-transaction --no-password --dbname=\"${PGDATABASE:-railway}\" '\(input)'"
        case .mysql:
            return "MYSQL_PWD=\"$MYSQL_ROOT_PASSWORD\" exec '\(program("mariadb"))' -h \"$RAILYARD_DATABASE_HOST\" -P \(engine.port) -u root < '\(input)'"
        case .redis:
            return "echo 'Redis is restored by replacing its files' >&2; exit 1"
        }
    }

    /// Replaces a stopped Redis's data on its volume (mounted on the host at `folder`) with
    /// the snapshot at `snapshot`: the append-only files go (they would win over the
    /// snapshot), and the snapshot becomes `dump.rdb`, the service user's.
    static func replaceRedisData(in folder: String, with snapshot: String, owner: SandboxUser) throws {
        let fileManager = FileManager.default
        let appendOnly = folder + "/appendonlydir"
        if fileManager.fileExists(atPath: appendOnly) { try ConfinedFolder.removeTree(at: appendOnly) }
        let staged = folder + "/dump.rdb.restoring"
        try? fileManager.removeItem(atPath: staged)
        try fileManager.copyItem(atPath: snapshot, toPath: staged)
        guard chown(staged, owner.uid, owner.gid) == 0, chmod(staged, 0o600) == 0, rename(staged, folder + "/dump.rdb") == 0 else {
            throw RailyardError.unavailable("cannot put the snapshot in place: \(String(cString: strerror(errno)))")
        }
    }

    /// Files of the artifact bound over the sandbox's own, inside → outside.
    static func identityBinds(artifact: String) -> [String: String] {
        ["/etc/passwd": artifact + "/passwd", "/etc/group": artifact + "/group"]
    }
}
