extension OpenAPIDocument {
    /// The ids, cursors, times, statuses and errors every operation refers to, and workspaces, users and their roles.
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
          }
        }
      }
    }
    """#
}
