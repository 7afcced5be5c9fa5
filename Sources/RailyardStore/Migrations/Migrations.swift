/// A named schema change. The list below is append-only: a released migration is never edited,
/// a change to the schema is a new migration at the end.
struct Migration: Sendable {
    let name: String
    let statements: [String]
}

/// The one ordered list of migrations, applied at start on SQLite and PostgreSQL alike. The SQL
/// keeps to what both understand: TEXT and BIGINT columns, times as milliseconds since 1970.
let migrations: [Migration] = [
    Migration(name: "0001_accounts", statements: [
        """
        CREATE TABLE workspaces (
            id TEXT PRIMARY KEY,
            name TEXT NOT NULL,
            created_at BIGINT NOT NULL
        )
        """,
        """
        CREATE TABLE users (
            id TEXT PRIMARY KEY,
            email TEXT NOT NULL UNIQUE,
            password_hash TEXT NOT NULL,
            created_at BIGINT NOT NULL
        )
        """,
        """
        CREATE TABLE memberships (
            workspace_id TEXT NOT NULL REFERENCES workspaces(id) ON DELETE CASCADE,
            user_id TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
            role TEXT NOT NULL,
            created_at BIGINT NOT NULL,
            PRIMARY KEY (workspace_id, user_id)
        )
        """,
        "CREATE INDEX memberships_by_user ON memberships(user_id)",
        """
        CREATE TABLE invites (
            id TEXT PRIMARY KEY,
            workspace_id TEXT NOT NULL REFERENCES workspaces(id) ON DELETE CASCADE,
            email TEXT NOT NULL,
            role TEXT NOT NULL,
            token_hash TEXT NOT NULL UNIQUE,
            created_by TEXT,
            created_at BIGINT NOT NULL,
            expires_at BIGINT NOT NULL,
            accepted_at BIGINT
        )
        """,
        """
        CREATE TABLE refresh_tokens (
            id TEXT PRIMARY KEY,
            user_id TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
            family_id TEXT NOT NULL,
            token_hash TEXT NOT NULL UNIQUE,
            created_at BIGINT NOT NULL,
            expires_at BIGINT NOT NULL,
            rotated_at BIGINT,
            revoked_at BIGINT
        )
        """,
        "CREATE INDEX refresh_tokens_by_family ON refresh_tokens(family_id)",
    ]),
    Migration(name: "0002_projects", statements: [
        """
        CREATE TABLE projects (
            id TEXT PRIMARY KEY,
            workspace_id TEXT NOT NULL REFERENCES workspaces(id) ON DELETE CASCADE,
            name TEXT NOT NULL,
            created_at BIGINT NOT NULL,
            UNIQUE (workspace_id, name)
        )
        """,
        """
        CREATE TABLE environments (
            id TEXT PRIMARY KEY,
            project_id TEXT NOT NULL REFERENCES projects(id) ON DELETE CASCADE,
            name TEXT NOT NULL,
            created_at BIGINT NOT NULL,
            UNIQUE (project_id, name)
        )
        """,
        """
        CREATE TABLE services (
            id TEXT PRIMARY KEY,
            project_id TEXT NOT NULL REFERENCES projects(id) ON DELETE CASCADE,
            name TEXT NOT NULL,
            created_at BIGINT NOT NULL,
            UNIQUE (project_id, name)
        )
        """,
        """
        CREATE TABLE variables (
            service_id TEXT NOT NULL REFERENCES services(id) ON DELETE CASCADE,
            environment_id TEXT NOT NULL REFERENCES environments(id) ON DELETE CASCADE,
            name TEXT NOT NULL,
            sealed_value TEXT NOT NULL,
            updated_at BIGINT NOT NULL,
            PRIMARY KEY (service_id, environment_id, name)
        )
        """,
        """
        CREATE TABLE deployments (
            id TEXT PRIMARY KEY,
            service_id TEXT NOT NULL REFERENCES services(id) ON DELETE CASCADE,
            environment_id TEXT NOT NULL REFERENCES environments(id) ON DELETE CASCADE,
            status TEXT NOT NULL,
            message TEXT,
            status_reason TEXT,
            created_at BIGINT NOT NULL,
            updated_at BIGINT NOT NULL
        )
        """,
        "CREATE INDEX deployments_by_service ON deployments(service_id, id)",
    ]),
    Migration(name: "0003_tokens_and_audit", statements: [
        """
        CREATE TABLE api_tokens (
            id TEXT PRIMARY KEY,
            workspace_id TEXT NOT NULL REFERENCES workspaces(id) ON DELETE CASCADE,
            project_id TEXT REFERENCES projects(id) ON DELETE CASCADE,
            environment_id TEXT REFERENCES environments(id) ON DELETE CASCADE,
            name TEXT NOT NULL,
            role TEXT NOT NULL,
            token_hash TEXT NOT NULL UNIQUE,
            created_by TEXT,
            created_at BIGINT NOT NULL,
            expires_at BIGINT,
            revoked_at BIGINT,
            last_used_at BIGINT
        )
        """,
        """
        CREATE TABLE audit_events (
            id TEXT PRIMARY KEY,
            workspace_id TEXT NOT NULL REFERENCES workspaces(id) ON DELETE CASCADE,
            actor TEXT NOT NULL,
            action TEXT NOT NULL,
            target_type TEXT NOT NULL,
            target_id TEXT NOT NULL,
            client_address TEXT,
            created_at BIGINT NOT NULL
        )
        """,
        "CREATE INDEX audit_events_by_workspace ON audit_events(workspace_id, id)",
    ]),
    Migration(name: "0004_deploy_from_source", statements: [
        "ALTER TABLE services ADD COLUMN repository_url TEXT",
        "ALTER TABLE services ADD COLUMN repository_branch TEXT",
        "ALTER TABLE services ADD COLUMN repository_root TEXT",
        "ALTER TABLE services ADD COLUMN memory_limit BIGINT",
        "ALTER TABLE services ADD COLUMN cpu_limit_millis BIGINT",
        "ALTER TABLE deployments ADD COLUMN source TEXT NOT NULL DEFAULT 'upload'",
        "ALTER TABLE deployments ADD COLUMN source_deployment_id TEXT",
        "ALTER TABLE deployments ADD COLUMN commit_sha TEXT",
        "ALTER TABLE deployments ADD COLUMN commit_message TEXT",
        "ALTER TABLE deployments ADD COLUMN provider TEXT",
        "ALTER TABLE deployments ADD COLUMN instances_json TEXT",
        "ALTER TABLE deployments ADD COLUMN warnings_json TEXT",
        // File names under the data folder: the uploaded source and the built artifact.
        "ALTER TABLE deployments ADD COLUMN archive TEXT",
        "ALTER TABLE deployments ADD COLUMN artifact TEXT",
        "ALTER TABLE deployments ADD COLUMN plan_json TEXT",
        "CREATE INDEX deployments_by_status ON deployments(status)",
        // App processes started by this data folder's server, so that after a crash of the
        // server they are found and stopped rather than duplicated.
        """
        CREATE TABLE instance_processes (
            instance_id TEXT PRIMARY KEY,
            deployment_id TEXT NOT NULL,
            pid BIGINT NOT NULL,
            started_at BIGINT NOT NULL
        )
        """,
    ]),
    Migration(name: "0005_domains", statements: [
        // Host names are unique across every workspace: nobody can take another's domain.
        """
        CREATE TABLE domains (
            id TEXT PRIMARY KEY,
            service_id TEXT NOT NULL REFERENCES services(id) ON DELETE CASCADE,
            environment_id TEXT NOT NULL REFERENCES environments(id) ON DELETE CASCADE,
            hostname TEXT NOT NULL UNIQUE,
            kind TEXT NOT NULL,
            target_port BIGINT,
            created_at BIGINT NOT NULL
        )
        """,
        "CREATE INDEX domains_by_service ON domains(service_id, environment_id)",
    ]),
    Migration(name: "0006_domain_tls_and_body_limits", statements: [
        // The private key is sealed like variables; the rest describes the certificate.
        "ALTER TABLE domains ADD COLUMN https_redirect BIGINT NOT NULL DEFAULT 0",
        "ALTER TABLE domains ADD COLUMN certificate_pem TEXT",
        "ALTER TABLE domains ADD COLUMN private_key_sealed TEXT",
        "ALTER TABLE domains ADD COLUMN certificate_names TEXT",
        "ALTER TABLE domains ADD COLUMN certificate_issuer TEXT",
        "ALTER TABLE domains ADD COLUMN certificate_expires_at BIGINT",
        "ALTER TABLE services ADD COLUMN max_request_body BIGINT",
    ]),
    Migration(name: "0007_service_users", statements: [
        // Each service (per environment) runs as a Linux user of its own. Rows outlive their
        // service on purpose: a uid is never given to anyone else.
        """
        CREATE TABLE service_users (
            service_id TEXT NOT NULL,
            environment_id TEXT NOT NULL,
            uid BIGINT NOT NULL UNIQUE,
            created_at BIGINT NOT NULL,
            PRIMARY KEY (service_id, environment_id)
        )
        """,
    ]),
    Migration(name: "0008_service_process_limit", statements: [
        "ALTER TABLE services ADD COLUMN process_limit BIGINT",
    ]),
    Migration(name: "0009_nodes", statements: [
        // One server at a time acts on a store: the one holding this row's lease (id is always
        // 1). Its expiry is in milliseconds since 1970 by the holder's clock.
        """
        CREATE TABLE node_lease (
            id BIGINT PRIMARY KEY,
            node_id TEXT NOT NULL,
            holder TEXT NOT NULL,
            host TEXT NOT NULL,
            pid BIGINT NOT NULL,
            data_directory TEXT NOT NULL,
            acquired_at BIGINT NOT NULL,
            expires_at BIGINT NOT NULL
        )
        """,
        // Which node runs a deployment's replicas and each recorded process: a server touches
        // only its own (NULL: recorded before nodes existed, by the only server there was).
        "ALTER TABLE deployments ADD COLUMN node_id TEXT",
        "ALTER TABLE instance_processes ADD COLUMN node_id TEXT",
    ]),
    Migration(name: "0010_shared_and_sealed_variables", statements: [
        // `sealed` (1) marks a variable whose value is never given back by the API; every
        // value is encrypted (`sealed_value`) whether or not it is sealed in that sense.
        "ALTER TABLE variables ADD COLUMN sealed BIGINT NOT NULL DEFAULT 0",
        // Variables of an environment that its services refer to as `${{shared.NAME}}`.
        """
        CREATE TABLE shared_variables (
            environment_id TEXT NOT NULL REFERENCES environments(id) ON DELETE CASCADE,
            name TEXT NOT NULL,
            sealed_value TEXT NOT NULL,
            sealed BIGINT NOT NULL DEFAULT 0,
            updated_at BIGINT NOT NULL,
            PRIMARY KEY (environment_id, name)
        )
        """,
    ]),
    Migration(name: "0011_volumes", statements: [
        // One volume per service and environment (as on Railway). Its data lives in
        // DATA/volumes/ID.img; the row going (with its service) is never what deletes it.
        """
        CREATE TABLE volumes (
            id TEXT PRIMARY KEY,
            service_id TEXT NOT NULL REFERENCES services(id) ON DELETE CASCADE,
            environment_id TEXT NOT NULL REFERENCES environments(id) ON DELETE CASCADE,
            name TEXT NOT NULL,
            mount_path TEXT NOT NULL,
            size_bytes BIGINT NOT NULL,
            created_at BIGINT NOT NULL,
            UNIQUE (service_id, environment_id)
        )
        """,
    ]),
    Migration(name: "0012_databases", statements: [
        // The database a service runs (`postgres`, `redis`, `mysql`); NULL for an app.
        "ALTER TABLE services ADD COLUMN database_engine TEXT",
        // Backups of database services, their files under DATA/backups. A backup outlives its
        // service (a final backup is taken to be restored elsewhere), not its environment.
        """
        CREATE TABLE backups (
            id TEXT PRIMARY KEY,
            project_id TEXT NOT NULL REFERENCES projects(id) ON DELETE CASCADE,
            environment_id TEXT NOT NULL REFERENCES environments(id) ON DELETE CASCADE,
            service_id TEXT NOT NULL,
            service_name TEXT NOT NULL,
            engine TEXT NOT NULL,
            trigger TEXT NOT NULL,
            status TEXT NOT NULL,
            reason TEXT,
            file TEXT,
            size_bytes BIGINT,
            sha256 TEXT,
            node_id TEXT,
            restore_status TEXT,
            restore_reason TEXT,
            restored_at BIGINT,
            created_at BIGINT NOT NULL,
            finished_at BIGINT
        )
        """,
        "CREATE INDEX backups_by_environment ON backups(environment_id, id)",
    ]),
    Migration(name: "0013_tcp_proxies", statements: [
        // A port on the edge that forwards raw TCP to a service's replicas: one per service per
        // environment (as on Railway), each port once on the server.
        """
        CREATE TABLE tcp_proxies (
            id TEXT PRIMARY KEY,
            service_id TEXT NOT NULL REFERENCES services(id) ON DELETE CASCADE,
            environment_id TEXT NOT NULL REFERENCES environments(id) ON DELETE CASCADE,
            port BIGINT NOT NULL UNIQUE,
            target_port BIGINT NOT NULL,
            created_at BIGINT NOT NULL,
            UNIQUE (service_id, environment_id)
        )
        """,
    ]),
    Migration(name: "0014_backup_schedules", statements: [
        // One schedule per database service and environment; it goes with either. next_at
        // is when the scheduler takes the next backup (milliseconds, UTC).
        """
        CREATE TABLE backup_schedules (
            service_id TEXT NOT NULL REFERENCES services(id) ON DELETE CASCADE,
            environment_id TEXT NOT NULL REFERENCES environments(id) ON DELETE CASCADE,
            project_id TEXT NOT NULL REFERENCES projects(id) ON DELETE CASCADE,
            cron TEXT NOT NULL,
            keep BIGINT NOT NULL CHECK (keep BETWEEN 1 AND 1000),
            next_at BIGINT NOT NULL,
            created_at BIGINT NOT NULL,
            updated_at BIGINT NOT NULL,
            PRIMARY KEY (service_id, environment_id)
        )
        """,
        "CREATE INDEX backup_schedules_by_next ON backup_schedules(next_at)",
        // Pruning reads a service's scheduled backups.
        "CREATE INDEX backups_by_service ON backups(service_id, environment_id, trigger, id)",
    ]),
    Migration(name: "0015_database_versions", statements: [
        // The engine's major version a database service runs (`15`, `10.11`); NULL for an app,
        // or a database added before versions were kept (it runs the newest installed).
        "ALTER TABLE services ADD COLUMN database_version TEXT",
    ]),
    Migration(name: "0016_audit_by_target", statements: [
        // Who made each deployment the dashboard lists: its `deployment.create` event.
        "CREATE INDEX audit_events_by_target ON audit_events(target_type, target_id)",
    ]),
    Migration(name: "0017_service_deploy_settings", statements: [
        // The service's start command, health check, replicas and restart policy as its
        // owner set them (ServiceDeploySettings as JSON); NULL for none.
        "ALTER TABLE services ADD COLUMN deploy_settings TEXT",
    ]),
]
