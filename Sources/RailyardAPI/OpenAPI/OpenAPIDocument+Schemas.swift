extension OpenAPIDocument {
    /// The schemas of what the API answers, and the ids, cursors and times every operation refers to.
    static let schemas = #"""
    {
      "components": {
        "schemas": {
          "Id": {
            "type": "string",
            "description": "A Railyard identifier: 12 hex digits of milliseconds since 1970, then 16 random hex digits.",
            "pattern": "^[0-9a-f]{28}$",
            "minLength": 28,
            "maxLength": 28
          },
          "Cursor": {
            "type": "string",
            "description": "An opaque page cursor: the id of the last item of the previous page.",
            "pattern": "^[0-9a-f]{28}$",
            "minLength": 28,
            "maxLength": 28
          },
          "Timestamp": {
            "type": "string",
            "format": "date-time",
            "description": "ISO 8601 in UTC with fractional seconds, e.g. `2025-01-31T12:00:00.000Z`."
          },
          "Role": {
            "type": "string",
            "enum": [
              "viewer",
              "member",
              "admin"
            ],
            "description": "A role in a workspace; each role can do everything the one below it can."
          },
          "DeploymentStatus": {
            "type": "string",
            "enum": [
              "QUEUED",
              "BUILDING",
              "DEPLOYING",
              "SUCCESS",
              "FAILED",
              "CRASHED",
              "REMOVED",
              "SKIPPED"
            ]
          },
          "DeploymentSource": {
            "type": "string",
            "enum": [
              "upload",
              "git",
              "redeploy",
              "rollback",
              "database"
            ],
            "description": "Where a deployment's code comes from: an upload (`railyard up`), the latest commit of the service's git branch, a fresh build of an earlier deployment's source, an earlier deployment's artifact run again without a build, or a database service's server from the host's package (nothing to build)."
          },
          "Error": {
            "type": "object",
            "description": "The one error shape of the API.",
            "properties": {
              "error": {
                "type": "object",
                "properties": {
                  "code": {
                    "type": "string",
                    "enum": [
                      "bad_request",
                      "unauthorized",
                      "forbidden",
                      "not_found",
                      "conflict",
                      "payload_too_large",
                      "quota_exceeded",
                      "invalid",
                      "rate_limited",
                      "unavailable",
                      "store_unavailable",
                      "disk_full",
                      "method_not_allowed",
                      "internal"
                    ]
                  },
                  "message": {
                    "type": "string",
                    "description": "A sentence safe to show to the caller."
                  },
                  "field": {
                    "type": "string",
                    "description": "The request field at fault, when there is one (omitted otherwise)."
                  }
                },
                "required": [
                  "code",
                  "message"
                ]
              }
            },
            "required": [
              "error"
            ]
          },
          "Health": {
            "type": "object",
            "properties": {
              "status": {
                "type": "string",
                "enum": [
                  "ok"
                ]
              }
            },
            "required": [
              "status"
            ]
          },
          "Readiness": {
            "type": "object",
            "properties": {
              "status": {
                "type": "string",
                "enum": [
                  "ready"
                ]
              },
              "store": {
                "type": "string",
                "description": "The store backend, e.g. `sqlite` or `postgres`."
              }
            },
            "required": [
              "status",
              "store"
            ]
          },
          "Workspace": {
            "type": "object",
            "properties": {
              "id": {
                "$ref": "#/components/schemas/Id"
              },
              "name": {
                "type": "string"
              },
              "createdAt": {
                "$ref": "#/components/schemas/Timestamp"
              }
            },
            "required": [
              "id",
              "name",
              "createdAt"
            ]
          },
          "User": {
            "type": "object",
            "properties": {
              "id": {
                "$ref": "#/components/schemas/Id"
              },
              "email": {
                "type": "string"
              },
              "createdAt": {
                "$ref": "#/components/schemas/Timestamp"
              }
            },
            "required": [
              "id",
              "email",
              "createdAt"
            ]
          },
          "Membership": {
            "type": "object",
            "properties": {
              "workspaceId": {
                "$ref": "#/components/schemas/Id"
              },
              "userId": {
                "$ref": "#/components/schemas/Id"
              },
              "email": {
                "type": "string"
              },
              "role": {
                "$ref": "#/components/schemas/Role"
              },
              "createdAt": {
                "$ref": "#/components/schemas/Timestamp"
              }
            },
            "required": [
              "workspaceId",
              "userId",
              "email",
              "role",
              "createdAt"
            ]
          },
          "WorkspaceRole": {
            "type": "object",
            "properties": {
              "workspace": {
                "$ref": "#/components/schemas/Workspace"
              },
              "role": {
                "$ref": "#/components/schemas/Role"
              }
            },
            "required": [
              "workspace",
              "role"
            ]
          },
          "Project": {
            "type": "object",
            "properties": {
              "id": {
                "$ref": "#/components/schemas/Id"
              },
              "workspaceId": {
                "$ref": "#/components/schemas/Id"
              },
              "name": {
                "type": "string"
              },
              "createdAt": {
                "$ref": "#/components/schemas/Timestamp"
              }
            },
            "required": [
              "id",
              "workspaceId",
              "name",
              "createdAt"
            ]
          },
          "Environment": {
            "type": "object",
            "properties": {
              "id": {
                "$ref": "#/components/schemas/Id"
              },
              "projectId": {
                "$ref": "#/components/schemas/Id"
              },
              "name": {
                "type": "string"
              },
              "createdAt": {
                "$ref": "#/components/schemas/Timestamp"
              }
            },
            "required": [
              "id",
              "projectId",
              "name",
              "createdAt"
            ]
          },
          "Service": {
            "type": "object",
            "description": "Absent optional properties are omitted, not null.",
            "properties": {
              "id": {
                "$ref": "#/components/schemas/Id"
              },
              "projectId": {
                "$ref": "#/components/schemas/Id"
              },
              "name": {
                "type": "string"
              },
              "repository": {
                "$ref": "#/components/schemas/GitSource",
                "description": "Present when the service deploys from a git repository instead of uploads."
              },
              "memoryLimit": {
                "type": "integer",
                "minimum": 16777216,
                "maximum": 1099511627776,
                "description": "Memory limit of each instance, in bytes (16 MiB to 1 TiB); absent: no limit."
              },
              "cpuLimitMillis": {
                "type": "integer",
                "minimum": 10,
                "maximum": 1024000,
                "description": "CPU limit of each instance, in thousandths of a core (10 to 1024000); absent: no limit."
              },
              "requestBodyLimit": {
                "type": "integer",
                "format": "int64",
                "minimum": 1,
                "maximum": 1099511627776,
                "description": "Largest request body the edge passes to the service, in bytes; larger ones get 413. Absent: no limit."
              },
              "processLimit": {
                "type": "integer",
                "minimum": 16,
                "maximum": 65536,
                "description": "Processes and threads each instance may have at once (16 to 65536); absent: the server's default."
              },
              "database": {
                "$ref": "#/components/schemas/DatabaseEngine",
                "description": "Present for a database service (`railyard add --database`): the engine it runs."
              },
              "databaseVersion": {
                "type": "string",
                "description": "Present for a database service added with a known version: the engine's major version it runs (15, 7, 10.11)."
              },
              "deploy": {
                "$ref": "#/components/schemas/ServiceDeploySettings"
              },
              "createdAt": {
                "$ref": "#/components/schemas/Timestamp"
              }
            },
            "required": [
              "id",
              "projectId",
              "name",
              "deploy",
              "createdAt"
            ]
          },
          "GitSource": {
            "type": "object",
            "description": "A git repository to deploy from. Absent optional properties are omitted, not null; in requests, `null` for `branch` or `rootDirectory` is the same as leaving it out.",
            "properties": {
              "url": {
                "type": "string",
                "minLength": 1,
                "maxLength": 2048,
                "pattern": "^(?:(?:[Hh][Tt][Tt][Pp][Ss]?|[Ss][Ss][Hh]|[Gg][Ii][Tt]|[Ff][Ii][Ll][Ee])://[^\\u0000-\\u0020\\u007f\\u0085\\u00a0\\u1680\\u2000-\\u200a\\u2028\\u2029\\u202f\\u205f\\u3000]+|(?:[^\\u0000-\\u0020\\u007f\\u0085\\u00a0\\u1680\\u2000-\\u200a\\u2028\\u2029\\u202f\\u205f\\u3000:/@-][^\\u0000-\\u0020\\u007f\\u0085\\u00a0\\u1680\\u2000-\\u200a\\u2028\\u2029\\u202f\\u205f\\u3000:/]*@|@)[^\\u0000-\\u0020\\u007f\\u0085\\u00a0\\u1680\\u2000-\\u200a\\u2028\\u2029\\u202f\\u205f\\u3000:/]*:[^\\u0000-\\u0020\\u007f\\u0085\\u00a0\\u1680\\u2000-\\u200a\\u2028\\u2029\\u202f\\u205f\\u3000]+)$",
                "description": "`https://`, `http://`, `ssh://`, `git://` or `file://` followed by something (the scheme in any case), or scp-like `user@host:path` (an `@` and no `/` before the first `:`, something after it). At most 2048 bytes (UTF-8), no whitespace or control characters, not starting with `-`."
              },
              "branch": {
                "type": [
                  "string",
                  "null"
                ],
                "minLength": 1,
                "maxLength": 255,
                "pattern": "^[A-Za-z0-9_+][A-Za-z0-9_./+-]*$",
                "description": "The branch to deploy; absent: the repository's default branch. ASCII letters, digits and `- _ . / +`; not starting with `-` or `/`, not ending with `/`, `.` or `.lock`; no `..` or `//`; no `/`-separated part starting with `.`."
              },
              "rootDirectory": {
                "type": [
                  "string",
                  "null"
                ],
                "maxLength": 1024,
                "pattern": "^(?:[^/\\u0000-\\u001f\\u007f][^\\u0000-\\u001f\\u007f]*)?$",
                "description": "The folder inside the repository that holds the service, such as `apps/web`; absent: the repository's root. At most 1024 bytes (UTF-8), relative (no leading `/`), no `..` part, no control characters."
              }
            },
            "required": [
              "url"
            ]
          },
          "Deployment": {
            "type": "object",
            "description": "Absent optional properties are omitted, not null.",
            "properties": {
              "id": {
                "$ref": "#/components/schemas/Id"
              },
              "serviceId": {
                "$ref": "#/components/schemas/Id"
              },
              "environmentId": {
                "$ref": "#/components/schemas/Id"
              },
              "status": {
                "$ref": "#/components/schemas/DeploymentStatus"
              },
              "message": {
                "type": "string",
                "description": "The message given when it was requested."
              },
              "statusReason": {
                "type": "string",
                "description": "Why it reached its status, e.g. what failed."
              },
              "source": {
                "$ref": "#/components/schemas/DeploymentSource"
              },
              "sourceDeploymentId": {
                "$ref": "#/components/schemas/Id",
                "description": "The deployment whose source (`redeploy`) or artifact (`rollback`) this one reuses."
              },
              "commitSha": {
                "type": "string",
                "description": "The git commit built, for deployments of a repository (or rebuilds of one)."
              },
              "commitMessage": {
                "type": "string",
                "description": "That commit's message."
              },
              "provider": {
                "type": "string",
                "description": "The build provider detected (`python`, `node`, …), once the build plan is made."
              },
              "instances": {
                "type": "array",
                "items": {
                  "$ref": "#/components/schemas/DeploymentInstance"
                },
                "description": "The running instances, as the control plane last saw them; empty when none run."
              },
              "warnings": {
                "type": "array",
                "items": {
                  "type": "string"
                },
                "description": "Where the deployment runs with less than asked, e.g. without a sandbox or without cgroup limits."
              },
              "createdAt": {
                "$ref": "#/components/schemas/Timestamp"
              },
              "updatedAt": {
                "$ref": "#/components/schemas/Timestamp"
              }
            },
            "required": [
              "id",
              "serviceId",
              "environmentId",
              "status",
              "source",
              "instances",
              "warnings",
              "createdAt",
              "updatedAt"
            ]
          },
          "DeploymentInstance": {
            "type": "object",
            "description": "One replica of a deployment.",
            "properties": {
              "replica": {
                "type": "integer",
                "minimum": 0
              },
              "address": {
                "type": "string",
                "description": "`127.0.0.1:PORT`, where the instance listens."
              },
              "state": {
                "type": "string",
                "enum": [
                  "starting",
                  "healthy",
                  "unhealthy",
                  "restarting",
                  "exited"
                ]
              },
              "restarts": {
                "type": "integer",
                "minimum": 0,
                "description": "How often it was restarted."
              }
            },
            "required": [
              "replica",
              "address",
              "state",
              "restarts"
            ]
          },
          "LogLine": {
            "type": "object",
            "description": "One line of a deployment's log. Absent optional properties are omitted, not null.",
            "properties": {
              "seq": {
                "type": "integer",
                "minimum": 1,
                "description": "Position in the deployment's log, from 1, without gaps."
              },
              "time": {
                "$ref": "#/components/schemas/Timestamp"
              },
              "deploymentId": {
                "$ref": "#/components/schemas/Id"
              },
              "phase": {
                "type": "string",
                "enum": [
                  "build",
                  "deploy"
                ]
              },
              "replica": {
                "type": "integer",
                "minimum": 0,
                "description": "The replica that printed the line; absent for build output and Railyard's own lines."
              },
              "stream": {
                "type": "string",
                "enum": [
                  "stdout",
                  "stderr",
                  "system"
                ],
                "description": "`system`: Railyard's own lines."
              },
              "message": {
                "type": "string"
              },
              "level": {
                "type": "string",
                "description": "From a line that was a JSON object: its `level` (or `severity`), lowercased; the level of Railyard's own lines."
              },
              "fields": {
                "type": "string",
                "description": "From a line that was a JSON object: the whole object, as printed."
              }
            },
            "required": [
              "seq",
              "time",
              "deploymentId",
              "phase",
              "stream",
              "message"
            ]
          },
          "LogPage": {
            "type": "object",
            "properties": {
              "items": {
                "type": "array",
                "items": {
                  "$ref": "#/components/schemas/LogLine"
                }
              },
              "nextCursor": {
                "type": "string",
                "pattern": "^[0-9]+$",
                "description": "Present when more lines follow: the `seq` of this page's last line, to pass as `after` (not as `cursor`)."
              }
            },
            "required": [
              "items"
            ]
          },
          "LogStatusEvent": {
            "type": "object",
            "description": "The `data` of a `status` event in the log stream.",
            "properties": {
              "status": {
                "$ref": "#/components/schemas/DeploymentStatus"
              },
              "reason": {
                "type": "string",
                "description": "The deployment's `statusReason`, when it has one."
              }
            },
            "required": [
              "status"
            ]
          },
          "Variable": {
            "type": "object",
            "properties": {
              "name": {
                "type": "string"
              },
              "value": {
                "type": "string",
                "description": "Omitted when the caller's role may not read values (viewers), and always for a sealed variable."
              },
              "sealed": {
                "type": "boolean",
                "description": "A sealed value reaches builds and apps but is never given back (only `getRunEnvironment` carries it). Sealing lasts until the variable is unset: setting it again keeps it sealed."
              },
              "updatedAt": {
                "$ref": "#/components/schemas/Timestamp"
              }
            },
            "required": [
              "name",
              "sealed",
              "updatedAt"
            ]
          },
          "APIToken": {
            "type": "object",
            "description": "An API token's record (never its secret). Absent optional properties are omitted, not null.",
            "properties": {
              "id": {
                "$ref": "#/components/schemas/Id"
              },
              "workspaceId": {
                "$ref": "#/components/schemas/Id"
              },
              "projectId": {
                "$ref": "#/components/schemas/Id",
                "description": "Present for environment tokens."
              },
              "environmentId": {
                "$ref": "#/components/schemas/Id",
                "description": "Present for environment tokens."
              },
              "name": {
                "type": "string"
              },
              "role": {
                "$ref": "#/components/schemas/Role"
              },
              "createdBy": {
                "$ref": "#/components/schemas/Id"
              },
              "createdAt": {
                "$ref": "#/components/schemas/Timestamp"
              },
              "expiresAt": {
                "$ref": "#/components/schemas/Timestamp"
              },
              "revokedAt": {
                "$ref": "#/components/schemas/Timestamp"
              },
              "lastUsedAt": {
                "$ref": "#/components/schemas/Timestamp"
              }
            },
            "required": [
              "id",
              "workspaceId",
              "name",
              "role",
              "createdAt"
            ]
          },
          "Invite": {
            "type": "object",
            "properties": {
              "id": {
                "$ref": "#/components/schemas/Id"
              },
              "workspaceId": {
                "$ref": "#/components/schemas/Id"
              },
              "email": {
                "type": "string"
              },
              "role": {
                "$ref": "#/components/schemas/Role"
              },
              "createdAt": {
                "$ref": "#/components/schemas/Timestamp"
              },
              "expiresAt": {
                "$ref": "#/components/schemas/Timestamp"
              },
              "acceptedAt": {
                "$ref": "#/components/schemas/Timestamp"
              }
            },
            "required": [
              "id",
              "workspaceId",
              "email",
              "role",
              "createdAt",
              "expiresAt"
            ]
          },
          "AuditEvent": {
            "type": "object",
            "properties": {
              "id": {
                "$ref": "#/components/schemas/Id"
              },
              "workspaceId": {
                "$ref": "#/components/schemas/Id"
              },
              "actor": {
                "type": "string",
                "description": "`user:ID`, `token:ID` or `system`."
              },
              "action": {
                "type": "string"
              },
              "targetType": {
                "type": "string"
              },
              "targetId": {
                "type": "string"
              },
              "clientAddress": {
                "type": "string"
              },
              "createdAt": {
                "$ref": "#/components/schemas/Timestamp"
              }
            },
            "required": [
              "id",
              "workspaceId",
              "actor",
              "action",
              "targetType",
              "targetId",
              "createdAt"
            ]
          },
          "WorkspaceRolePage": {
            "type": "object",
            "properties": {
              "items": {
                "type": "array",
                "items": {
                  "$ref": "#/components/schemas/WorkspaceRole"
                }
              },
              "nextCursor": {
                "$ref": "#/components/schemas/Cursor",
                "description": "Present when more items follow: pass it as `cursor` to get the next page."
              }
            },
            "required": [
              "items"
            ]
          },
          "MembershipPage": {
            "type": "object",
            "properties": {
              "items": {
                "type": "array",
                "items": {
                  "$ref": "#/components/schemas/Membership"
                }
              },
              "nextCursor": {
                "$ref": "#/components/schemas/Cursor",
                "description": "Present when more items follow: pass it as `cursor` to get the next page."
              }
            },
            "required": [
              "items"
            ]
          },
          "APITokenPage": {
            "type": "object",
            "properties": {
              "items": {
                "type": "array",
                "items": {
                  "$ref": "#/components/schemas/APIToken"
                }
              },
              "nextCursor": {
                "$ref": "#/components/schemas/Cursor",
                "description": "Present when more items follow: pass it as `cursor` to get the next page."
              }
            },
            "required": [
              "items"
            ]
          },
          "AuditEventPage": {
            "type": "object",
            "properties": {
              "items": {
                "type": "array",
                "items": {
                  "$ref": "#/components/schemas/AuditEvent"
                }
              },
              "nextCursor": {
                "$ref": "#/components/schemas/Cursor",
                "description": "Present when more items follow: pass it as `cursor` to get the next page."
              }
            },
            "required": [
              "items"
            ]
          },
          "ProjectPage": {
            "type": "object",
            "properties": {
              "items": {
                "type": "array",
                "items": {
                  "$ref": "#/components/schemas/Project"
                }
              },
              "nextCursor": {
                "$ref": "#/components/schemas/Cursor",
                "description": "Present when more items follow: pass it as `cursor` to get the next page."
              }
            },
            "required": [
              "items"
            ]
          },
          "EnvironmentPage": {
            "type": "object",
            "properties": {
              "items": {
                "type": "array",
                "items": {
                  "$ref": "#/components/schemas/Environment"
                }
              },
              "nextCursor": {
                "$ref": "#/components/schemas/Cursor",
                "description": "Present when more items follow: pass it as `cursor` to get the next page."
              }
            },
            "required": [
              "items"
            ]
          },
          "ServicePage": {
            "type": "object",
            "properties": {
              "items": {
                "type": "array",
                "items": {
                  "$ref": "#/components/schemas/Service"
                }
              },
              "nextCursor": {
                "$ref": "#/components/schemas/Cursor",
                "description": "Present when more items follow: pass it as `cursor` to get the next page."
              }
            },
            "required": [
              "items"
            ]
          },
          "DeploymentPage": {
            "type": "object",
            "properties": {
              "items": {
                "type": "array",
                "items": {
                  "$ref": "#/components/schemas/Deployment"
                }
              },
              "nextCursor": {
                "$ref": "#/components/schemas/Cursor",
                "description": "Present when more items follow: pass it as `cursor` to get the next page."
              }
            },
            "required": [
              "items"
            ]
          },
          "VariableList": {
            "type": "object",
            "description": "All variables of a service (or shared variables of an environment), sorted by name.",
            "properties": {
              "items": {
                "type": "array",
                "items": {
                  "$ref": "#/components/schemas/Variable"
                }
              },
              "nextCursor": {
                "$ref": "#/components/schemas/Cursor",
                "description": "Never present: variables come in one page."
              }
            },
            "required": [
              "items"
            ]
          },
          "TokenPair": {
            "type": "object",
            "properties": {
              "accessToken": {
                "type": "string",
                "description": "A JWT, valid for `expiresIn` seconds."
              },
              "refreshToken": {
                "type": "string",
                "description": "Single-use; `POST /api/v1/auth/refresh` exchanges it for a new pair."
              },
              "tokenType": {
                "type": "string",
                "enum": [
                  "Bearer"
                ]
              },
              "expiresIn": {
                "type": "integer",
                "description": "Seconds until the access token expires."
              },
              "user": {
                "$ref": "#/components/schemas/User"
              }
            },
            "required": [
              "accessToken",
              "refreshToken",
              "tokenType",
              "expiresIn",
              "user"
            ]
          },
          "SetupStatus": {
            "type": "object",
            "properties": {
              "required": {
                "type": "boolean",
                "description": "True while no user exists."
              }
            },
            "required": [
              "required"
            ]
          },
          "SetupResult": {
            "type": "object",
            "properties": {
              "user": {
                "$ref": "#/components/schemas/User"
              },
              "workspace": {
                "$ref": "#/components/schemas/Workspace"
              }
            },
            "required": [
              "user",
              "workspace"
            ]
          },
          "AcceptResult": {
            "type": "object",
            "properties": {
              "user": {
                "$ref": "#/components/schemas/User"
              },
              "membership": {
                "$ref": "#/components/schemas/Membership"
              }
            },
            "required": [
              "user",
              "membership"
            ]
          },
          "Me": {
            "type": "object",
            "properties": {
              "user": {
                "$ref": "#/components/schemas/User",
                "description": "Present when the caller is a signed-in person."
              },
              "token": {
                "$ref": "#/components/schemas/APIToken",
                "description": "Present when the caller is an API token."
              },
              "effectiveRole": {
                "$ref": "#/components/schemas/Role",
                "description": "Present when the caller is an API token: the role it acts with now, its own capped by its creator's current role. `workspaces[].role` is this role too."
              },
              "allowedActions": {
                "type": "array",
                "items": {
                  "type": "string"
                },
                "description": "Present when the caller is an API token: the actions its role and scope allow (an environment token reads, deploys and sets variables only; no token manages members)."
              },
              "workspaces": {
                "type": "array",
                "items": {
                  "$ref": "#/components/schemas/WorkspaceRole"
                }
              }
            },
            "required": [
              "workspaces"
            ]
          },
          "InviteCreated": {
            "type": "object",
            "properties": {
              "invite": {
                "$ref": "#/components/schemas/Invite"
              },
              "token": {
                "type": "string",
                "description": "The secret for `POST /api/v1/invites/accept`; shown only here."
              }
            },
            "required": [
              "invite",
              "token"
            ]
          },
          "TokenCreated": {
            "type": "object",
            "properties": {
              "token": {
                "$ref": "#/components/schemas/APIToken"
              },
              "secret": {
                "type": "string",
                "description": "The token itself (`ryt_…`); shown only here."
              }
            },
            "required": [
              "token",
              "secret"
            ]
          },
          "ProjectCreated": {
            "type": "object",
            "properties": {
              "project": {
                "$ref": "#/components/schemas/Project"
              },
              "environments": {
                "type": "array",
                "items": {
                  "$ref": "#/components/schemas/Environment"
                },
                "description": "The environments created with the project (`production`)."
              }
            },
            "required": [
              "project",
              "environments"
            ]
          },
          "Domain": {
            "type": "object",
            "description": "A host name the edge routes to a service in one environment. Absent optional properties are omitted, not null.",
            "properties": {
              "id": {
                "$ref": "#/components/schemas/Id"
              },
              "serviceId": {
                "$ref": "#/components/schemas/Id"
              },
              "environmentId": {
                "$ref": "#/components/schemas/Id"
              },
              "hostname": {
                "type": "string",
                "minLength": 1,
                "description": "The host name, lowercase. Custom ones follow the rules of `Hostname`; generated ones are `SERVICE-PROJECT[-ENVIRONMENT][-N].BASE`."
              },
              "kind": {
                "type": "string",
                "enum": [
                  "generated",
                  "custom"
                ],
                "description": "`generated`: named by Railyard (and kept so when renamed); `custom`: brought by the user."
              },
              "targetPort": {
                "type": "integer",
                "minimum": 1,
                "maximum": 65535,
                "description": "The port inside the instance the domain reaches; absent: the instance's `PORT`."
              },
              "httpsRedirect": {
                "type": "boolean",
                "description": "Plain-HTTP requests are redirected (308) to HTTPS when the server serves HTTPS."
              },
              "certificate": {
                "$ref": "#/components/schemas/CertificateSummary",
                "description": "The certificate installed for the domain; absent when none is (a self-signed one is served over HTTPS)."
              },
              "createdAt": {
                "$ref": "#/components/schemas/Timestamp"
              },
              "url": {
                "type": "string",
                "description": "Where the edge serves the domain: `http://HOSTNAME`, with `:PORT` unless the edge listens on port 80; the HTTPS URL (`httpsUrl`) instead when the domain redirects to HTTPS or the edge serves only HTTPS. Absent when the server runs no edge router."
              },
              "httpsUrl": {
                "type": "string",
                "description": "Where the edge serves the domain over HTTPS, when it does: `https://HOSTNAME`, with `:PORT` unless the edge listens on port 443."
              }
            },
            "required": [
              "id",
              "serviceId",
              "environmentId",
              "hostname",
              "kind",
              "httpsRedirect",
              "createdAt"
            ]
          },
          "CertificateSummary": {
            "type": "object",
            "description": "What the API tells of a domain's installed certificate (never its private key).",
            "properties": {
              "names": {
                "type": "array",
                "items": {
                  "type": "string"
                },
                "description": "Host names the certificate covers."
              },
              "issuer": {
                "type": "string"
              },
              "expiresAt": {
                "$ref": "#/components/schemas/Timestamp"
              }
            },
            "required": [
              "names",
              "issuer",
              "expiresAt"
            ]
          },
          "DomainList": {
            "type": "object",
            "description": "All domains of a service in one environment, oldest first.",
            "properties": {
              "items": {
                "type": "array",
                "items": {
                  "$ref": "#/components/schemas/Domain"
                }
              }
            },
            "required": [
              "items"
            ]
          }
        }
      }
    }
    """#
}
