import Foundation
import RailyardBuild
import RailyardCore
import RailyardRuntime
import RailyardSandbox
import Synchronization

/// A database engine's programs on this host, found where Debian's packages put them, and
/// what a database deployment runs: its start script and plan. The server binary is the
/// host's; nothing of a tenant's is built or run.
struct DatabaseServer: Sendable {
    let engine: DatabaseEngine
    /// The folder of PostgreSQL's versioned programs (`/usr/lib/postgresql/15/bin`); for the
    /// others, the folders their programs are in.
    let programs: [String: String]
    /// The major version it runs: PostgreSQL's from its programs' folder; the others' as the
    /// service recorded it (nil when it did not).
    let version: String?

    /// The server programs each engine needs, by the name its scripts use, with where
    /// Debian's packages put them (the first that exists wins).
    static func wanted(_ engine: DatabaseEngine, version: String?, root: String) -> [String: [String]] {
        switch engine {
        case .postgres:
            let versions = version.map { [$0] } ?? installedPostgres(root: root)
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

    /// The engine's programs on this host, of `version` when given (PostgreSQL's; the
    /// others' programs are the one version installed) or else the newest; throws, naming the
    /// package to install, when one is missing.
    static func locate(_ engine: DatabaseEngine, version: String? = nil, root: String = "") throws -> DatabaseServer {
        // A recorded version goes into a path and a script: checked again, whatever wrote it.
        if let version, DatabaseVersions.parse(version) != version {
            throw RailyardError.conflict("'\(version.prefix(20))' is not an engine version: set one with `railyard service update --version`")
        }
        var found: [String: String] = [:]
        let package = DatabaseVersions.package(of: engine, version: engine == .postgres ? version : nil)
        for (program, candidates) in wanted(engine, version: version, root: root) {
            guard let path = candidates.first(where: { FileManager.default.isExecutableFile(atPath: root + $0) }) else {
                let named = version.map { "\(engine.displayName) \($0)" } ?? engine.displayName
                throw RailyardError.conflict(
                    "\(named) is not installed on the server's machine (\(program) is missing): install Debian's \(package) package (apt-get install \(package)) and try again")
            }
            found[program] = path
        }
        let runs = engine == .postgres
            ? found["postgres"].map { URL(fileURLWithPath: $0).deletingLastPathComponent().deletingLastPathComponent().lastPathComponent }
            : version
        return DatabaseServer(engine: engine, programs: found, version: runs)
    }

    /// PostgreSQL's major versions on this host, newest first: the folders of Debian's
    /// postgresql-N packages that hold a server.
    static func installedPostgres(root: String) -> [String] {
        ((try? FileManager.default.contentsOfDirectory(atPath: root + "/usr/lib/postgresql")) ?? [])
            .filter { DatabaseVersions.parse($0) != nil && FileManager.default.isExecutableFile(atPath: root + "/usr/lib/postgresql/\($0)/bin/postgres") }
            .sorted { $0.compare($1, options: .numeric) == .orderedDescending }
    }

    /// The versions of `engine` this host can run, newest first: PostgreSQL's installed major
    /// versions; the one Redis or MariaDB installed, as its server program says (`--version`).
    static func installedVersions(_ engine: DatabaseEngine, root: String = "") -> [String] {
        if engine == .postgres { return installedPostgres(root: root) }
        guard let server = try? locate(engine, root: root) else { return [] }
        let program = root + server.program(engine == .redis ? "redis-server" : "mariadbd")
        // Asked once per installed program (a package upgrade changes its file's time).
        var status = stat()
        let key = stat(program, &status) == 0 ? "\(program)@\(status.st_mtim.tv_sec)" : program
        if let known = versionCache.withLock({ $0[key] }) { return known }
        guard let output = try? Self.output(of: program, ["--version"]),
              let major = DatabaseVersions.major(of: engine, versionOutput: output)
        else { return [] }
        versionCache.withLock { $0[key] = [major] }
        return [major]
    }

    private static let versionCache = Mutex<[String: [String]]>([:])

    /// What `program arguments` prints, within five seconds (a version query).
    private static func output(of program: String, _ arguments: [String]) throws -> String {
        let run = try ProgramOutput.run([program] + arguments, within: .seconds(5))
        return String(decoding: run.stdout.utf8.prefix(4096), as: UTF8.self)
    }

    func program(_ name: String) -> String { programs[name] ?? name }

    /// The artifact's start script, run by the service's user in its sandbox with the
    /// service's variables: it prepares the volume on the first start (into a folder beside
    /// the data's, moved into place once whole: a start cut short leaves nothing half-made)
    /// and then becomes the server, in the foreground, listening on every address of the
    /// instance's private network, its sockets and pid files in the sandbox's /tmp. Data live
    /// in a folder of the volume (its top holds ext4's lost+found). Passwords reach the
    /// servers through files and stdin, never a command line.
    var startScript: String {
        let data = engine.mountPath
        switch engine {
        case .postgres:
            return #"""
                #!/bin/sh
                # Railyard's PostgreSQL: initialises $PGDATA on the first start (superuser $PGUSER with
                # $PGPASSWORD, database $PGDATABASE), then becomes the server.
                set -eu
                PGDATA=${PGDATA:-\#(data)/pgdata}
                PGUSER=${PGUSER:-postgres}
                PGDATABASE=${PGDATABASE:-railway}
                umask 077
                # Data of another major version is never opened (PostgreSQL would refuse it anyway,
                # less clearly) nor converted: a backup restored into a new service moves it.
                if [ -s "$PGDATA/PG_VERSION" ] && [ "$(cat "$PGDATA/PG_VERSION")" != '\#(version ?? "")' ]; then
                  echo "railyard: the data was made by PostgreSQL $(cat "$PGDATA/PG_VERSION"), and this deployment runs PostgreSQL \#(version ?? "?"), which cannot open it: deploy with version $(cat "$PGDATA/PG_VERSION") again (railyard service update --version), or restore a backup into a new database" >&2
                  exit 1
                fi
                if [ ! -s "$PGDATA/PG_VERSION" ]; then
                  : "${PGPASSWORD:?PGPASSWORD must be set to initialise the database}"
                  init="$PGDATA.init"
                  rm -rf "$init"
                  printf '%s\n' "$PGPASSWORD" > /tmp/.railyard-pw
                  '\#(program("initdb"))' -D "$init" -U "$PGUSER" --pwfile=/tmp/.railyard-pw \
                    --auth-local=scram-sha-256 --auth-host=scram-sha-256 --encoding=UTF8 --locale=C.UTF-8 --no-instructions >&2
                  rm -f /tmp/.railyard-pw
                  printf '\n# Railyard: password logins from any address\nhost all all all scram-sha-256\n' >> "$init/pg_hba.conf"
                  if [ "$PGDATABASE" != postgres ] && [ "$PGDATABASE" != template1 ]; then
                    ident=$(printf '%s' "$PGDATABASE" | sed 's/"/""/g')
                    printf 'CREATE DATABASE "%s";\n' "$ident" |
                      '\#(program("postgres"))' --single -D "$init" -c dynamic_shared_memory_type=sysv -c log_min_messages=warning postgres > /dev/null
                  fi
                  mv "$init" "$PGDATA"
                  sync "$(dirname "$PGDATA")" 2>/dev/null || true
                  echo "railyard: initialised $PGDATA (user $PGUSER, database $PGDATABASE)" >&2
                fi
                # TLS for clients that ask (libpq's default, sslmode=prefer, does: through a TCP proxy the
                # connection is encrypted end to end): a self-signed certificate made once, in the data.
                ssl=off
                if [ -s "$PGDATA/server.crt" ] && [ -s "$PGDATA/server.key" ]; then
                  ssl=on
                elif [ -x /usr/bin/openssl ] && /usr/bin/openssl req -new -x509 -days 3650 -nodes -subj "/CN=${RAILWAY_PRIVATE_DOMAIN:-postgres}" \
                    -keyout "$PGDATA/server.key" -out "$PGDATA/server.crt" > /dev/null 2>&1; then
                  ssl=on
                else
                  rm -f "$PGDATA/server.key" "$PGDATA/server.crt"
                  echo "railyard: no TLS (openssl is not installed on the server's machine)" >&2
                fi
                # At most 256 MB of write-ahead log (PostgreSQL's default, 1 GB, fills a small volume).
                exec '\#(program("postgres"))' -D "$PGDATA" -p \#(engine.port) -c listen_addresses='*' \
                  -c unix_socket_directories=/tmp -c dynamic_shared_memory_type=sysv -c max_wal_size=256MB -c ssl=$ssl
                """#
        case .redis:
            return #"""
                #!/bin/sh
                # Railyard's Redis: an append-only file on its volume (every acknowledged write is in it
                # before the reply, so it survives a kill of the server), the password from REDISPASSWORD
                # in a configuration read from stdin, and a user that may only PING for the health check
                # (which tells a server loading its data from a ready one).
                set -eu
                : "${REDISPASSWORD:?REDISPASSWORD must be set}"
                umask 077
                password=$(printf '%s' "$REDISPASSWORD" | sed 's/\\/\\\\/g; s/"/\\"/g')
                \#(tlsCertificateScript(name: "redis"))
                # Redis cannot offer TLS on its plain port: TLS clients use the next one
                # (`railyard domain --tcp --tls` opens a proxy to it; rediss:// URLs).
                tlsconf=""
                if [ -n "$tls" ]; then
                  tlsconf="tls-port \#(engine.tlsPort ?? 0)
                tls-cert-file $tls/server.crt
                tls-key-file $tls/server.key
                tls-auth-clients no"
                fi
                exec '\#(program("redis-server"))' - <<EOF
                bind * -::*
                port \#(engine.port)
                $tlsconf
                dir \#(data)
                daemonize no
                supervised no
                logfile ""
                pidfile /tmp/redis.pid
                save ""
                appendonly yes
                appendfilename "appendonly.aof"
                appenddirname "appendonlydir"
                appendfsync everysec
                aof-use-rdb-preamble yes
                requirepass "$password"
                user railyard-probe on nopass resetkeys resetchannels -@all +ping
                EOF
                """#
        case .mysql:
            return #"""
                #!/bin/sh
                # Railyard's MariaDB: initialises its data on the first start (root with
                # $MYSQL_ROOT_PASSWORD at localhost and '%', database $MYSQLDATABASE), then becomes the
                # server. The host's configuration (/etc/mysql) is ignored.
                set -eu
                datadir=\#(data)/data
                rootpw=${MYSQL_ROOT_PASSWORD:-${MYSQLPASSWORD:-}}
                database=${MYSQLDATABASE:-${MYSQL_DATABASE:-railway}}
                umask 077
                set -- --no-defaults --datadir="$datadir" --tmpdir=/tmp \
                  --character-set-server=utf8mb4 --collation-server=utf8mb4_general_ci \
                  --innodb-buffer-pool-size=64M --innodb-log-file-size=48M \
                  --aria-pagecache-buffer-size=16M --key-buffer-size=8M --skip-name-resolve --skip-log-bin \
                  --innodb-use-native-aio=0
                if [ ! -d "$datadir/mysql" ]; then
                  [ -n "$rootpw" ] || { echo "MYSQL_ROOT_PASSWORD must be set to initialise the database" >&2; exit 1; }
                  case "$database" in ''|*[!A-Za-z0-9_.-]*) echo "unsupported database name: $database" >&2; exit 1;; esac
                  init="$datadir.init"
                  rm -rf "$init"
                  # Bootstrap mode takes no escapes in strings: the password is checked instead.
                  case "$rootpw" in *[!A-Za-z0-9._~+=-]*) echo "MYSQL_ROOT_PASSWORD may hold only letters, digits and . _ ~ + = -" >&2; exit 1;; esac
                  {
                    echo "FLUSH PRIVILEGES;"
                    # mariadb-install-db also makes root@127.0.0.1, root@::1 and root@HOST without a password.
                    echo "DELETE FROM mysql.global_priv WHERE User = '' OR (User = 'root' AND Host NOT IN ('localhost', '%'));"
                    echo "DELETE FROM mysql.proxies_priv WHERE Host NOT IN ('localhost', '%');"
                    echo "FLUSH PRIVILEGES;"
                    echo "ALTER USER 'root'@'localhost' IDENTIFIED BY '$rootpw';"
                    echo "CREATE USER 'root'@'%' IDENTIFIED BY '$rootpw';"
                    echo "GRANT ALL PRIVILEGES ON *.* TO 'root'@'%' WITH GRANT OPTION;"
                    echo "CREATE DATABASE IF NOT EXISTS \`$database\`;"
                  } > /tmp/.railyard-init.sql
                  '\#(program("mariadb-install-db"))' "$@" --auth-root-authentication-method=normal --skip-test-db --force \
                    --datadir="$init" --extra-file=/tmp/.railyard-init.sql > /tmp/.railyard-install.log 2>&1 || {
                    cat /tmp/.railyard-install.log >&2; rm -f /tmp/.railyard-init.sql; exit 1; }
                  rm -f /tmp/.railyard-init.sql
                  mv "$init" "$datadir"
                  sync "$(dirname "$datadir")" 2>/dev/null || true
                  echo "railyard: initialised $datadir (root@'%', database $database)" >&2
                fi
                # TLS for clients that ask (`mariadb --ssl`), on the same port.
                \#(tlsCertificateScript(name: "mysql"))
                [ -n "$tls" ] && set -- "$@" --ssl-cert="$tls/server.crt" --ssl-key="$tls/server.key"
                # (Warnings at level 1: each health check would log an aborted connection.)
                exec '\#(program("mariadbd"))' "$@" --port=\#(engine.port) --bind-address='*' \
                  --socket=/tmp/mysqld.sock --pid-file=/tmp/mysqld.pid --log-warnings=1
                """#
        }
    }

    /// Shell lines that set `tls` to a folder of the volume holding a self-signed certificate
    /// and key (made on the first start, kept after), or to nothing, saying why, when the
    /// host has no openssl. One line each, so that they can sit indented in a script.
    func tlsCertificateScript(name: String) -> String {
        let folder = "\(engine.mountPath)/tls"
        return [
            #"tls=\#(folder); mkdir -p "$tls" 2>/dev/null || { tls=""; echo "railyard: no TLS (cannot make $tls)" >&2; }"#,
            #"if [ -n "$tls" ] && [ ! -x /usr/bin/openssl ] && { [ ! -s "$tls/server.crt" ] || [ ! -s "$tls/server.key" ]; }; then tls=""; echo "railyard: no TLS (openssl is not installed on the server's machine)" >&2; fi"#,
            #"if [ -n "$tls" ] && { [ ! -s "$tls/server.crt" ] || [ ! -s "$tls/server.key" ]; }; then /usr/bin/openssl req -new -x509 -days 3650 -nodes -subj "/CN=\#(name)" -addext "subjectAltName=DNS:${RAILWAY_PRIVATE_DOMAIN:-\#(name)}" -keyout "$tls/server.key" -out "$tls/server.crt" > /tmp/.railyard-openssl.log 2>&1 || { rm -f "$tls/server.key" "$tls/server.crt"; echo "railyard: no TLS (openssl: $(tail -n 1 /tmp/.railyard-openssl.log))" >&2; tls=""; }; fi"#,
        ].joined(separator: "\n")
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
        let named = version.map { "\(engine.displayName) \($0)" } ?? engine.displayName
        plan.notes = ["\(named) from the host's \(DatabaseVersions.package(of: engine, version: version)) package (\(program(mainProgram)))"]
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
            return "PGHOST=\"$RAILYARD_DATABASE_HOST\" PGPORT=\(engine.port) exec '\(program("pg_restore"))' --clean --if-exists --no-owner --no-privileges --single-transaction --exit-on-error --no-password --dbname=\"${PGDATABASE:-railway}\" '\(input)'"
        case .mysql:
            return "MYSQL_PWD=\"$MYSQL_ROOT_PASSWORD\" exec '\(program("mariadb"))' -h \"$RAILYARD_DATABASE_HOST\" -P \(engine.port) -u root < '\(input)'"
        case .redis:
            return "echo 'Redis is restored by replacing its files' >&2; exit 1"
        }
    }

    /// Replaces a stopped Redis's data on its volume (mounted on the host at `folder`) with
    /// the snapshot at `snapshot`: the snapshot becomes the base of a new multi-part
    /// append-only file (an RDB is a valid base), so Redis loads it at its next start and
    /// appends later writes to it. The old append-only files go only once the new ones are in
    /// place. The volume is the tenant's: every name is removed before it is made, never
    /// followed.
    static func replaceRedisData(in folder: String, with snapshot: String, owner: SandboxUser) throws {
        let fileManager = FileManager.default
        guard let handle = FileHandle(forReadingAtPath: snapshot), let magic = try handle.read(upToCount: 5) else {
            throw RailyardError.unavailable("cannot read the snapshot")
        }
        try? handle.close()
        guard magic == Data("REDIS".utf8) else { throw RailyardError.conflict("the backup is not a Redis snapshot (RDB)") }
        let current = folder + "/appendonlydir"
        let staged = folder + "/appendonlydir.restoring"
        let previous = folder + "/appendonlydir.replaced"
        for path in [staged, previous] where Self.exists(path) { try ConfinedFolder.removeTree(at: path) }
        guard mkdir(staged, 0o700) == 0 else {
            throw RailyardError.unavailable("cannot make \(staged): \(String(cString: strerror(errno)))")
        }
        try fileManager.copyItem(atPath: snapshot, toPath: staged + "/appendonly.aof.1.base.rdb")
        try Data().write(to: URL(fileURLWithPath: staged + "/appendonly.aof.1.incr.aof"))
        try Data("file appendonly.aof.1.base.rdb seq 1 type b\nfile appendonly.aof.1.incr.aof seq 1 type i\n".utf8)
            .write(to: URL(fileURLWithPath: staged + "/appendonly.aof.manifest"))
        for name in ["", "/appendonly.aof.1.base.rdb", "/appendonly.aof.1.incr.aof", "/appendonly.aof.manifest"] {
            guard chown(staged + name, owner.uid, owner.gid) == 0, chmod(staged + name, name.isEmpty ? 0o700 : 0o600) == 0 else {
                throw RailyardError.unavailable("cannot give the restored data to the service's user: \(String(cString: strerror(errno)))")
            }
        }
        if Self.exists(current), rename(current, previous) != 0 {
            throw RailyardError.unavailable("cannot set the old data aside: \(String(cString: strerror(errno)))")
        }
        guard rename(staged, current) == 0 else {
            throw RailyardError.unavailable("cannot put the restored data in place: \(String(cString: strerror(errno)))")
        }
        if Self.exists(previous) { try ConfinedFolder.removeTree(at: previous) }
        // A snapshot left by an older configuration would not be read, but would mislead.
        if Self.exists(folder + "/dump.rdb") { unlink(folder + "/dump.rdb") }
    }

    /// Checks that a dump program's output is what its engine writes (pg_dump's custom format
    /// starts with `PGDMP`, an RDB with `REDIS`, mysqldump's with a comment or a `/*!` directive), not an empty or
    /// error file.
    static func checkBackupFile(_ path: String, engine: DatabaseEngine) throws {
        guard let handle = FileHandle(forReadingAtPath: path), let head = try handle.read(upToCount: 5) else {
            throw RailyardError.unavailable("the dump program wrote nothing")
        }
        try? handle.close()
        let expected: [String] = switch engine {
        case .postgres: ["PGDMP"]
        case .redis: ["REDIS"]
        case .mysql: ["-- ", "/*"]
        }
        guard expected.contains(where: { head.starts(with: Data($0.utf8)) }) else {
            throw RailyardError.unavailable("the dump program's output is not a \(engine.displayName) backup")
        }
    }

    /// Whether anything (a link included, never followed) is at `path`.
    static func exists(_ path: String) -> Bool {
        var info = stat()
        return lstat(path, &info) == 0
    }

    /// Files of the artifact bound over the sandbox's own, inside → outside.
    static func identityBinds(artifact: String) -> [String: String] {
        ["/etc/passwd": artifact + "/passwd", "/etc/group": artifact + "/group"]
    }
}
