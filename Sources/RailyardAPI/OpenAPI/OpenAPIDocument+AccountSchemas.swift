extension OpenAPIDocument {
    /// What the API answers about variables, tokens, invites, the audit log, sign-in and setup, and the pages of lists.
    static let accountSchemas = #"""
    {
      "components": {
        "schemas": {
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
          }
        }
      }
    }
    """#
}
