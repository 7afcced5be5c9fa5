extension OpenAPIDocument {
    /// What the API answers about projects, environments, services, deployments, their logs and domains.
    static let projectSchemas = #"""
    {
      "components": {
        "schemas": {
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
