/// The OpenAPI 3.1 document of `/api/v1`, served at `/api/v1/openapi.json`.
enum OpenAPIDocument {
    static let json = #"""
    {
      "openapi": "3.1.0",
      "info": {
        "title": "Railyard",
        "version": "0.1.0",
        "description": "The Railyard control-plane API. Every error has the shape `{\"error\":{\"code\",\"message\",\"field\"}}`; `field` is omitted when no single field is at fault. Unsupported methods on a known path answer 404. JSON bodies over 1 MiB answer 413."
      },
      "servers": [
        {
          "url": "/"
        }
      ],
      "security": [
        {
          "bearerAuth": []
        }
      ],
      "tags": [
        {
          "name": "Health"
        },
        {
          "name": "Auth"
        },
        {
          "name": "Workspaces"
        },
        {
          "name": "Projects"
        },
        {
          "name": "Services"
        }
      ],
      "paths": {
        "/healthz": {
          "get": {
            "operationId": "healthz",
            "summary": "Liveness probe",
            "tags": [
              "Health"
            ],
            "security": [],
            "responses": {
              "200": {
                "description": "The process is up.",
                "content": {
                  "application/json": {
                    "schema": {
                      "$ref": "#/components/schemas/Health"
                    }
                  }
                }
              }
            }
          }
        },
        "/readyz": {
          "get": {
            "operationId": "readyz",
            "summary": "Readiness probe",
            "tags": [
              "Health"
            ],
            "security": [],
            "responses": {
              "200": {
                "description": "The store answers.",
                "content": {
                  "application/json": {
                    "schema": {
                      "$ref": "#/components/schemas/Readiness"
                    }
                  }
                }
              },
              "503": {
                "$ref": "#/components/responses/Unavailable"
              }
            }
          }
        },
        "/api/v1/openapi.json": {
          "get": {
            "operationId": "getOpenAPIDocument",
            "summary": "This document",
            "tags": [
              "Health"
            ],
            "security": [],
            "responses": {
              "200": {
                "description": "The OpenAPI document.",
                "content": {
                  "application/json": {
                    "schema": {
                      "type": "object"
                    }
                  }
                }
              }
            }
          }
        },
        "/api/v1/setup": {
          "get": {
            "operationId": "getSetupStatus",
            "summary": "Whether first-admin setup is still needed",
            "tags": [
              "Auth"
            ],
            "security": [],
            "responses": {
              "200": {
                "description": "Setup status.",
                "content": {
                  "application/json": {
                    "schema": {
                      "$ref": "#/components/schemas/SetupStatus"
                    }
                  }
                }
              },
              "401": {
                "$ref": "#/components/responses/Unauthorized"
              }
            }
          },
          "post": {
            "operationId": "setup",
            "summary": "Create the first admin and their workspace",
            "tags": [
              "Auth"
            ],
            "description": "Needs the one-time setup token; any other token (or any token once setup is done) answers 401.",
            "security": [],
            "requestBody": {
              "required": true,
              "content": {
                "application/json": {
                  "schema": {
                    "$ref": "#/components/schemas/SetupRequest"
                  }
                }
              }
            },
            "responses": {
              "201": {
                "description": "The admin and their workspace.",
                "content": {
                  "application/json": {
                    "schema": {
                      "$ref": "#/components/schemas/SetupResult"
                    }
                  }
                }
              },
              "400": {
                "$ref": "#/components/responses/BadRequest"
              },
              "401": {
                "$ref": "#/components/responses/Unauthorized"
              },
              "409": {
                "$ref": "#/components/responses/Conflict"
              },
              "413": {
                "$ref": "#/components/responses/PayloadTooLarge"
              },
              "422": {
                "$ref": "#/components/responses/Invalid"
              }
            }
          }
        },
        "/api/v1/auth/login": {
          "post": {
            "operationId": "login",
            "summary": "Log in with email and password",
            "tags": [
              "Auth"
            ],
            "description": "Too many failed attempts per account or per client address answer 429 with `Retry-After`.",
            "security": [],
            "requestBody": {
              "required": true,
              "content": {
                "application/json": {
                  "schema": {
                    "$ref": "#/components/schemas/LoginRequest"
                  }
                }
              }
            },
            "responses": {
              "200": {
                "description": "A new session.",
                "content": {
                  "application/json": {
                    "schema": {
                      "$ref": "#/components/schemas/TokenPair"
                    }
                  }
                }
              },
              "400": {
                "$ref": "#/components/responses/BadRequest"
              },
              "401": {
                "$ref": "#/components/responses/Unauthorized"
              },
              "413": {
                "$ref": "#/components/responses/PayloadTooLarge"
              },
              "429": {
                "$ref": "#/components/responses/TooManyRequests"
              }
            }
          }
        },
        "/api/v1/auth/refresh": {
          "post": {
            "operationId": "refresh",
            "summary": "Exchange a refresh token for a new token pair",
            "tags": [
              "Auth"
            ],
            "description": "Replaying a used refresh token revokes its whole family.",
            "security": [],
            "requestBody": {
              "required": true,
              "content": {
                "application/json": {
                  "schema": {
                    "$ref": "#/components/schemas/RefreshRequest"
                  }
                }
              }
            },
            "responses": {
              "200": {
                "description": "A new token pair; the old refresh token is used up.",
                "content": {
                  "application/json": {
                    "schema": {
                      "$ref": "#/components/schemas/TokenPair"
                    }
                  }
                }
              },
              "400": {
                "$ref": "#/components/responses/BadRequest"
              },
              "401": {
                "$ref": "#/components/responses/Unauthorized"
              },
              "409": {
                "$ref": "#/components/responses/Conflict"
              },
              "413": {
                "$ref": "#/components/responses/PayloadTooLarge"
              }
            }
          }
        },
        "/api/v1/auth/logout": {
          "post": {
            "operationId": "logout",
            "summary": "Revoke a refresh token's family",
            "tags": [
              "Auth"
            ],
            "description": "Unknown refresh tokens are ignored (still 204).",
            "security": [],
            "requestBody": {
              "required": true,
              "content": {
                "application/json": {
                  "schema": {
                    "$ref": "#/components/schemas/RefreshRequest"
                  }
                }
              }
            },
            "responses": {
              "204": {
                "$ref": "#/components/responses/NoContent"
              },
              "400": {
                "$ref": "#/components/responses/BadRequest"
              },
              "401": {
                "$ref": "#/components/responses/Unauthorized"
              },
              "413": {
                "$ref": "#/components/responses/PayloadTooLarge"
              }
            }
          }
        },
        "/api/v1/invites/accept": {
          "post": {
            "operationId": "acceptInvite",
            "summary": "Accept an invite",
            "tags": [
              "Auth"
            ],
            "description": "An unknown, used or expired invite token answers 401.",
            "security": [],
            "requestBody": {
              "required": true,
              "content": {
                "application/json": {
                  "schema": {
                    "$ref": "#/components/schemas/AcceptInviteRequest"
                  }
                }
              }
            },
            "responses": {
              "201": {
                "description": "The (possibly new) account and its membership.",
                "content": {
                  "application/json": {
                    "schema": {
                      "$ref": "#/components/schemas/AcceptResult"
                    }
                  }
                }
              },
              "400": {
                "$ref": "#/components/responses/BadRequest"
              },
              "401": {
                "$ref": "#/components/responses/Unauthorized"
              },
              "404": {
                "$ref": "#/components/responses/NotFound"
              },
              "409": {
                "$ref": "#/components/responses/Conflict"
              },
              "413": {
                "$ref": "#/components/responses/PayloadTooLarge"
              },
              "422": {
                "$ref": "#/components/responses/Invalid"
              }
            }
          }
        },
        "/api/v1/me": {
          "get": {
            "operationId": "getMe",
            "summary": "The caller",
            "tags": [
              "Auth"
            ],
            "security": [
              {
                "bearerAuth": []
              }
            ],
            "responses": {
              "200": {
                "description": "The caller and their workspaces.",
                "content": {
                  "application/json": {
                    "schema": {
                      "$ref": "#/components/schemas/Me"
                    }
                  }
                }
              },
              "401": {
                "$ref": "#/components/responses/Unauthorized"
              }
            }
          }
        },
        "/api/v1/workspaces": {
          "get": {
            "operationId": "listWorkspaces",
            "summary": "The caller's workspaces with the caller's role",
            "tags": [
              "Workspaces"
            ],
            "security": [
              {
                "bearerAuth": []
              }
            ],
            "parameters": [
              {
                "$ref": "#/components/parameters/Limit"
              },
              {
                "$ref": "#/components/parameters/Cursor"
              }
            ],
            "responses": {
              "200": {
                "description": "A page of workspaces.",
                "content": {
                  "application/json": {
                    "schema": {
                      "$ref": "#/components/schemas/WorkspaceRolePage"
                    }
                  }
                }
              },
              "400": {
                "$ref": "#/components/responses/BadRequest"
              },
              "401": {
                "$ref": "#/components/responses/Unauthorized"
              }
            }
          },
          "post": {
            "operationId": "createWorkspace",
            "summary": "Start a workspace, as its admin",
            "tags": [
              "Workspaces"
            ],
            "description": "Any signed-in person may do this; API tokens get 403.",
            "security": [
              {
                "bearerAuth": []
              }
            ],
            "requestBody": {
              "required": true,
              "content": {
                "application/json": {
                  "schema": {
                    "$ref": "#/components/schemas/CreateWorkspaceRequest"
                  }
                }
              }
            },
            "responses": {
              "201": {
                "description": "The new workspace, with the caller's role in it (`admin`).",
                "content": {
                  "application/json": {
                    "schema": {
                      "$ref": "#/components/schemas/WorkspaceRole"
                    }
                  }
                }
              },
              "400": {
                "$ref": "#/components/responses/BadRequest"
              },
              "401": {
                "$ref": "#/components/responses/Unauthorized"
              },
              "403": {
                "$ref": "#/components/responses/Forbidden"
              },
              "404": {
                "$ref": "#/components/responses/NotFound"
              },
              "409": {
                "$ref": "#/components/responses/Conflict"
              },
              "413": {
                "$ref": "#/components/responses/PayloadTooLarge"
              },
              "422": {
                "$ref": "#/components/responses/Invalid"
              }
            }
          }
        },
        "/api/v1/workspaces/{workspaceId}/members": {
          "parameters": [
            {
              "$ref": "#/components/parameters/WorkspaceId"
            }
          ],
          "get": {
            "operationId": "listMembers",
            "summary": "A workspace's members",
            "tags": [
              "Workspaces"
            ],
            "security": [
              {
                "bearerAuth": []
              }
            ],
            "parameters": [
              {
                "$ref": "#/components/parameters/Limit"
              },
              {
                "$ref": "#/components/parameters/Cursor"
              }
            ],
            "responses": {
              "200": {
                "description": "A page of memberships.",
                "content": {
                  "application/json": {
                    "schema": {
                      "$ref": "#/components/schemas/MembershipPage"
                    }
                  }
                }
              },
              "400": {
                "$ref": "#/components/responses/BadRequest"
              },
              "401": {
                "$ref": "#/components/responses/Unauthorized"
              },
              "403": {
                "$ref": "#/components/responses/Forbidden"
              },
              "404": {
                "$ref": "#/components/responses/NotFound"
              }
            }
          }
        },
        "/api/v1/workspaces/{workspaceId}/members/{userId}": {
          "parameters": [
            {
              "$ref": "#/components/parameters/WorkspaceId"
            },
            {
              "$ref": "#/components/parameters/UserId"
            }
          ],
          "patch": {
            "operationId": "changeMemberRole",
            "summary": "Change a member's role (admin)",
            "tags": [
              "Workspaces"
            ],
            "description": "The workspace's last admin cannot lose the admin role (409).",
            "security": [
              {
                "bearerAuth": []
              }
            ],
            "requestBody": {
              "required": true,
              "content": {
                "application/json": {
                  "schema": {
                    "$ref": "#/components/schemas/RoleRequest"
                  }
                }
              }
            },
            "responses": {
              "200": {
                "description": "The updated membership.",
                "content": {
                  "application/json": {
                    "schema": {
                      "$ref": "#/components/schemas/Membership"
                    }
                  }
                }
              },
              "400": {
                "$ref": "#/components/responses/BadRequest"
              },
              "401": {
                "$ref": "#/components/responses/Unauthorized"
              },
              "403": {
                "$ref": "#/components/responses/Forbidden"
              },
              "404": {
                "$ref": "#/components/responses/NotFound"
              },
              "409": {
                "$ref": "#/components/responses/Conflict"
              },
              "413": {
                "$ref": "#/components/responses/PayloadTooLarge"
              }
            }
          },
          "delete": {
            "operationId": "removeMember",
            "summary": "Remove a member (admin)",
            "tags": [
              "Workspaces"
            ],
            "description": "The workspace's last admin cannot be removed (409).",
            "security": [
              {
                "bearerAuth": []
              }
            ],
            "responses": {
              "204": {
                "$ref": "#/components/responses/NoContent"
              },
              "401": {
                "$ref": "#/components/responses/Unauthorized"
              },
              "403": {
                "$ref": "#/components/responses/Forbidden"
              },
              "404": {
                "$ref": "#/components/responses/NotFound"
              },
              "409": {
                "$ref": "#/components/responses/Conflict"
              }
            }
          }
        },
        "/api/v1/workspaces/{workspaceId}/invites": {
          "parameters": [
            {
              "$ref": "#/components/parameters/WorkspaceId"
            }
          ],
          "post": {
            "operationId": "createInvite",
            "summary": "Invite someone by email (admin)",
            "tags": [
              "Workspaces"
            ],
            "security": [
              {
                "bearerAuth": []
              }
            ],
            "requestBody": {
              "required": true,
              "content": {
                "application/json": {
                  "schema": {
                    "$ref": "#/components/schemas/InviteRequest"
                  }
                }
              }
            },
            "responses": {
              "201": {
                "description": "The invite and its secret.",
                "content": {
                  "application/json": {
                    "schema": {
                      "$ref": "#/components/schemas/InviteCreated"
                    }
                  }
                }
              },
              "400": {
                "$ref": "#/components/responses/BadRequest"
              },
              "401": {
                "$ref": "#/components/responses/Unauthorized"
              },
              "403": {
                "$ref": "#/components/responses/Forbidden"
              },
              "404": {
                "$ref": "#/components/responses/NotFound"
              },
              "409": {
                "$ref": "#/components/responses/Conflict"
              },
              "413": {
                "$ref": "#/components/responses/PayloadTooLarge"
              },
              "422": {
                "$ref": "#/components/responses/Invalid"
              }
            }
          }
        },
        "/api/v1/workspaces/{workspaceId}/tokens": {
          "parameters": [
            {
              "$ref": "#/components/parameters/WorkspaceId"
            }
          ],
          "get": {
            "operationId": "listTokens",
            "summary": "A workspace's API tokens (admin)",
            "tags": [
              "Workspaces"
            ],
            "security": [
              {
                "bearerAuth": []
              }
            ],
            "parameters": [
              {
                "$ref": "#/components/parameters/Limit"
              },
              {
                "$ref": "#/components/parameters/Cursor"
              }
            ],
            "responses": {
              "200": {
                "description": "A page of tokens.",
                "content": {
                  "application/json": {
                    "schema": {
                      "$ref": "#/components/schemas/APITokenPage"
                    }
                  }
                }
              },
              "400": {
                "$ref": "#/components/responses/BadRequest"
              },
              "401": {
                "$ref": "#/components/responses/Unauthorized"
              },
              "403": {
                "$ref": "#/components/responses/Forbidden"
              },
              "404": {
                "$ref": "#/components/responses/NotFound"
              }
            }
          },
          "post": {
            "operationId": "createToken",
            "summary": "Create an API token (admin)",
            "tags": [
              "Workspaces"
            ],
            "security": [
              {
                "bearerAuth": []
              }
            ],
            "requestBody": {
              "required": true,
              "content": {
                "application/json": {
                  "schema": {
                    "$ref": "#/components/schemas/TokenRequest"
                  }
                }
              }
            },
            "responses": {
              "201": {
                "description": "The token and its secret.",
                "content": {
                  "application/json": {
                    "schema": {
                      "$ref": "#/components/schemas/TokenCreated"
                    }
                  }
                }
              },
              "400": {
                "$ref": "#/components/responses/BadRequest"
              },
              "401": {
                "$ref": "#/components/responses/Unauthorized"
              },
              "403": {
                "$ref": "#/components/responses/Forbidden"
              },
              "404": {
                "$ref": "#/components/responses/NotFound"
              },
              "409": {
                "$ref": "#/components/responses/Conflict"
              },
              "413": {
                "$ref": "#/components/responses/PayloadTooLarge"
              },
              "422": {
                "$ref": "#/components/responses/Invalid"
              }
            }
          }
        },
        "/api/v1/tokens/{tokenId}": {
          "parameters": [
            {
              "$ref": "#/components/parameters/TokenId"
            }
          ],
          "delete": {
            "operationId": "revokeToken",
            "summary": "Revoke an API token (admin)",
            "tags": [
              "Workspaces"
            ],
            "security": [
              {
                "bearerAuth": []
              }
            ],
            "responses": {
              "200": {
                "description": "The revoked token. Revoking again keeps the first `revokedAt`.",
                "content": {
                  "application/json": {
                    "schema": {
                      "$ref": "#/components/schemas/APIToken"
                    }
                  }
                }
              },
              "401": {
                "$ref": "#/components/responses/Unauthorized"
              },
              "403": {
                "$ref": "#/components/responses/Forbidden"
              },
              "404": {
                "$ref": "#/components/responses/NotFound"
              },
              "409": {
                "$ref": "#/components/responses/Conflict"
              }
            }
          }
        },
        "/api/v1/workspaces/{workspaceId}/audit": {
          "parameters": [
            {
              "$ref": "#/components/parameters/WorkspaceId"
            }
          ],
          "get": {
            "operationId": "listAuditEvents",
            "summary": "A workspace's audit log, newest first (admin)",
            "tags": [
              "Workspaces"
            ],
            "security": [
              {
                "bearerAuth": []
              }
            ],
            "parameters": [
              {
                "$ref": "#/components/parameters/Limit"
              },
              {
                "$ref": "#/components/parameters/Cursor"
              }
            ],
            "responses": {
              "200": {
                "description": "A page of audit events.",
                "content": {
                  "application/json": {
                    "schema": {
                      "$ref": "#/components/schemas/AuditEventPage"
                    }
                  }
                }
              },
              "400": {
                "$ref": "#/components/responses/BadRequest"
              },
              "401": {
                "$ref": "#/components/responses/Unauthorized"
              },
              "403": {
                "$ref": "#/components/responses/Forbidden"
              },
              "404": {
                "$ref": "#/components/responses/NotFound"
              }
            }
          }
        },
        "/api/v1/projects": {
          "get": {
            "operationId": "listProjects",
            "summary": "Projects in the caller's workspaces",
            "tags": [
              "Projects"
            ],
            "security": [
              {
                "bearerAuth": []
              }
            ],
            "parameters": [
              {
                "$ref": "#/components/parameters/Limit"
              },
              {
                "$ref": "#/components/parameters/Cursor"
              },
              {
                "$ref": "#/components/parameters/WorkspaceIdQuery"
              }
            ],
            "responses": {
              "200": {
                "description": "A page of projects.",
                "content": {
                  "application/json": {
                    "schema": {
                      "$ref": "#/components/schemas/ProjectPage"
                    }
                  }
                }
              },
              "400": {
                "$ref": "#/components/responses/BadRequest"
              },
              "401": {
                "$ref": "#/components/responses/Unauthorized"
              }
            }
          },
          "post": {
            "operationId": "createProject",
            "summary": "Create a project with a `production` environment",
            "tags": [
              "Projects"
            ],
            "security": [
              {
                "bearerAuth": []
              }
            ],
            "requestBody": {
              "required": true,
              "content": {
                "application/json": {
                  "schema": {
                    "$ref": "#/components/schemas/CreateProjectRequest"
                  }
                }
              }
            },
            "responses": {
              "201": {
                "description": "The project and its first environment.",
                "content": {
                  "application/json": {
                    "schema": {
                      "$ref": "#/components/schemas/ProjectCreated"
                    }
                  }
                }
              },
              "400": {
                "$ref": "#/components/responses/BadRequest"
              },
              "401": {
                "$ref": "#/components/responses/Unauthorized"
              },
              "403": {
                "$ref": "#/components/responses/Forbidden"
              },
              "404": {
                "$ref": "#/components/responses/NotFound"
              },
              "409": {
                "$ref": "#/components/responses/Conflict"
              },
              "413": {
                "$ref": "#/components/responses/PayloadTooLarge"
              },
              "422": {
                "$ref": "#/components/responses/Invalid"
              }
            }
          }
        },
        "/api/v1/projects/{projectId}": {
          "parameters": [
            {
              "$ref": "#/components/parameters/ProjectId"
            }
          ],
          "get": {
            "operationId": "getProject",
            "summary": "A project",
            "tags": [
              "Projects"
            ],
            "security": [
              {
                "bearerAuth": []
              }
            ],
            "responses": {
              "200": {
                "description": "The project.",
                "content": {
                  "application/json": {
                    "schema": {
                      "$ref": "#/components/schemas/Project"
                    }
                  }
                }
              },
              "401": {
                "$ref": "#/components/responses/Unauthorized"
              },
              "403": {
                "$ref": "#/components/responses/Forbidden"
              },
              "404": {
                "$ref": "#/components/responses/NotFound"
              }
            }
          },
          "patch": {
            "operationId": "renameProject",
            "summary": "Rename a project",
            "tags": [
              "Projects"
            ],
            "security": [
              {
                "bearerAuth": []
              }
            ],
            "requestBody": {
              "required": true,
              "content": {
                "application/json": {
                  "schema": {
                    "$ref": "#/components/schemas/ProjectNameRequest"
                  }
                }
              }
            },
            "responses": {
              "200": {
                "description": "The renamed project.",
                "content": {
                  "application/json": {
                    "schema": {
                      "$ref": "#/components/schemas/Project"
                    }
                  }
                }
              },
              "400": {
                "$ref": "#/components/responses/BadRequest"
              },
              "401": {
                "$ref": "#/components/responses/Unauthorized"
              },
              "403": {
                "$ref": "#/components/responses/Forbidden"
              },
              "404": {
                "$ref": "#/components/responses/NotFound"
              },
              "409": {
                "$ref": "#/components/responses/Conflict"
              },
              "413": {
                "$ref": "#/components/responses/PayloadTooLarge"
              },
              "422": {
                "$ref": "#/components/responses/Invalid"
              }
            }
          },
          "delete": {
            "operationId": "deleteProject",
            "summary": "Delete a project with everything in it (admin)",
            "tags": [
              "Projects"
            ],
            "security": [
              {
                "bearerAuth": []
              }
            ],
            "responses": {
              "204": {
                "$ref": "#/components/responses/NoContent"
              },
              "401": {
                "$ref": "#/components/responses/Unauthorized"
              },
              "403": {
                "$ref": "#/components/responses/Forbidden"
              },
              "404": {
                "$ref": "#/components/responses/NotFound"
              },
              "409": {
                "$ref": "#/components/responses/Conflict"
              }
            }
          }
        },
        "/api/v1/projects/{projectId}/environments": {
          "parameters": [
            {
              "$ref": "#/components/parameters/ProjectId"
            }
          ],
          "get": {
            "operationId": "listEnvironments",
            "summary": "A project's environments",
            "tags": [
              "Projects"
            ],
            "security": [
              {
                "bearerAuth": []
              }
            ],
            "parameters": [
              {
                "$ref": "#/components/parameters/Limit"
              },
              {
                "$ref": "#/components/parameters/Cursor"
              }
            ],
            "responses": {
              "200": {
                "description": "A page of environments.",
                "content": {
                  "application/json": {
                    "schema": {
                      "$ref": "#/components/schemas/EnvironmentPage"
                    }
                  }
                }
              },
              "400": {
                "$ref": "#/components/responses/BadRequest"
              },
              "401": {
                "$ref": "#/components/responses/Unauthorized"
              },
              "403": {
                "$ref": "#/components/responses/Forbidden"
              },
              "404": {
                "$ref": "#/components/responses/NotFound"
              }
            }
          },
          "post": {
            "operationId": "createEnvironment",
            "summary": "Create an environment",
            "tags": [
              "Projects"
            ],
            "security": [
              {
                "bearerAuth": []
              }
            ],
            "requestBody": {
              "required": true,
              "content": {
                "application/json": {
                  "schema": {
                    "$ref": "#/components/schemas/EnvironmentNameRequest"
                  }
                }
              }
            },
            "responses": {
              "201": {
                "description": "The environment.",
                "content": {
                  "application/json": {
                    "schema": {
                      "$ref": "#/components/schemas/Environment"
                    }
                  }
                }
              },
              "400": {
                "$ref": "#/components/responses/BadRequest"
              },
              "401": {
                "$ref": "#/components/responses/Unauthorized"
              },
              "403": {
                "$ref": "#/components/responses/Forbidden"
              },
              "404": {
                "$ref": "#/components/responses/NotFound"
              },
              "409": {
                "$ref": "#/components/responses/Conflict"
              },
              "413": {
                "$ref": "#/components/responses/PayloadTooLarge"
              },
              "422": {
                "$ref": "#/components/responses/Invalid"
              }
            }
          }
        },
        "/api/v1/environments/{environmentId}": {
          "parameters": [
            {
              "$ref": "#/components/parameters/EnvironmentId"
            }
          ],
          "get": {
            "operationId": "getEnvironment",
            "summary": "An environment",
            "tags": [
              "Projects"
            ],
            "security": [
              {
                "bearerAuth": []
              }
            ],
            "responses": {
              "200": {
                "description": "The environment.",
                "content": {
                  "application/json": {
                    "schema": {
                      "$ref": "#/components/schemas/Environment"
                    }
                  }
                }
              },
              "401": {
                "$ref": "#/components/responses/Unauthorized"
              },
              "403": {
                "$ref": "#/components/responses/Forbidden"
              },
              "404": {
                "$ref": "#/components/responses/NotFound"
              }
            }
          },
          "delete": {
            "operationId": "deleteEnvironment",
            "summary": "Delete an environment",
            "tags": [
              "Projects"
            ],
            "description": "A project keeps at least one environment (409).",
            "security": [
              {
                "bearerAuth": []
              }
            ],
            "responses": {
              "204": {
                "$ref": "#/components/responses/NoContent"
              },
              "401": {
                "$ref": "#/components/responses/Unauthorized"
              },
              "403": {
                "$ref": "#/components/responses/Forbidden"
              },
              "404": {
                "$ref": "#/components/responses/NotFound"
              },
              "409": {
                "$ref": "#/components/responses/Conflict"
              }
            }
          }
        },
        "/api/v1/projects/{projectId}/services": {
          "parameters": [
            {
              "$ref": "#/components/parameters/ProjectId"
            }
          ],
          "get": {
            "operationId": "listServices",
            "summary": "A project's services",
            "tags": [
              "Projects"
            ],
            "security": [
              {
                "bearerAuth": []
              }
            ],
            "parameters": [
              {
                "$ref": "#/components/parameters/Limit"
              },
              {
                "$ref": "#/components/parameters/Cursor"
              }
            ],
            "responses": {
              "200": {
                "description": "A page of services.",
                "content": {
                  "application/json": {
                    "schema": {
                      "$ref": "#/components/schemas/ServicePage"
                    }
                  }
                }
              },
              "400": {
                "$ref": "#/components/responses/BadRequest"
              },
              "401": {
                "$ref": "#/components/responses/Unauthorized"
              },
              "403": {
                "$ref": "#/components/responses/Forbidden"
              },
              "404": {
                "$ref": "#/components/responses/NotFound"
              }
            }
          },
          "post": {
            "operationId": "createService",
            "summary": "Create a service",
            "tags": [
              "Projects"
            ],
            "security": [
              {
                "bearerAuth": []
              }
            ],
            "requestBody": {
              "required": true,
              "content": {
                "application/json": {
                  "schema": {
                    "$ref": "#/components/schemas/ServiceNameRequest"
                  }
                }
              }
            },
            "responses": {
              "201": {
                "description": "The service.",
                "content": {
                  "application/json": {
                    "schema": {
                      "$ref": "#/components/schemas/Service"
                    }
                  }
                }
              },
              "400": {
                "$ref": "#/components/responses/BadRequest"
              },
              "401": {
                "$ref": "#/components/responses/Unauthorized"
              },
              "403": {
                "$ref": "#/components/responses/Forbidden"
              },
              "404": {
                "$ref": "#/components/responses/NotFound"
              },
              "409": {
                "$ref": "#/components/responses/Conflict"
              },
              "413": {
                "$ref": "#/components/responses/PayloadTooLarge"
              },
              "422": {
                "$ref": "#/components/responses/Invalid"
              }
            }
          }
        },
        "/api/v1/services/{serviceId}": {
          "parameters": [
            {
              "$ref": "#/components/parameters/ServiceId"
            }
          ],
          "get": {
            "operationId": "getService",
            "summary": "A service",
            "tags": [
              "Projects"
            ],
            "security": [
              {
                "bearerAuth": []
              }
            ],
            "responses": {
              "200": {
                "description": "The service.",
                "content": {
                  "application/json": {
                    "schema": {
                      "$ref": "#/components/schemas/Service"
                    }
                  }
                }
              },
              "401": {
                "$ref": "#/components/responses/Unauthorized"
              },
              "403": {
                "$ref": "#/components/responses/Forbidden"
              },
              "404": {
                "$ref": "#/components/responses/NotFound"
              }
            }
          },
          "patch": {
            "operationId": "renameService",
            "summary": "Rename a service",
            "tags": [
              "Projects"
            ],
            "security": [
              {
                "bearerAuth": []
              }
            ],
            "requestBody": {
              "required": true,
              "content": {
                "application/json": {
                  "schema": {
                    "$ref": "#/components/schemas/ServiceNameRequest"
                  }
                }
              }
            },
            "responses": {
              "200": {
                "description": "The renamed service.",
                "content": {
                  "application/json": {
                    "schema": {
                      "$ref": "#/components/schemas/Service"
                    }
                  }
                }
              },
              "400": {
                "$ref": "#/components/responses/BadRequest"
              },
              "401": {
                "$ref": "#/components/responses/Unauthorized"
              },
              "403": {
                "$ref": "#/components/responses/Forbidden"
              },
              "404": {
                "$ref": "#/components/responses/NotFound"
              },
              "409": {
                "$ref": "#/components/responses/Conflict"
              },
              "413": {
                "$ref": "#/components/responses/PayloadTooLarge"
              },
              "422": {
                "$ref": "#/components/responses/Invalid"
              }
            }
          },
          "delete": {
            "operationId": "deleteService",
            "summary": "Delete a service",
            "tags": [
              "Projects"
            ],
            "security": [
              {
                "bearerAuth": []
              }
            ],
            "responses": {
              "204": {
                "$ref": "#/components/responses/NoContent"
              },
              "401": {
                "$ref": "#/components/responses/Unauthorized"
              },
              "403": {
                "$ref": "#/components/responses/Forbidden"
              },
              "404": {
                "$ref": "#/components/responses/NotFound"
              },
              "409": {
                "$ref": "#/components/responses/Conflict"
              }
            }
          }
        },
        "/api/v1/services/{serviceId}/variables": {
          "parameters": [
            {
              "$ref": "#/components/parameters/ServiceId"
            }
          ],
          "get": {
            "operationId": "listVariables",
            "summary": "A service's variables in one environment",
            "tags": [
              "Services"
            ],
            "security": [
              {
                "bearerAuth": []
              }
            ],
            "parameters": [
              {
                "$ref": "#/components/parameters/EnvironmentIdQueryRequired"
              }
            ],
            "responses": {
              "200": {
                "description": "All the variables (values only for members and admins).",
                "content": {
                  "application/json": {
                    "schema": {
                      "$ref": "#/components/schemas/VariableList"
                    }
                  }
                }
              },
              "400": {
                "$ref": "#/components/responses/BadRequest"
              },
              "401": {
                "$ref": "#/components/responses/Unauthorized"
              },
              "403": {
                "$ref": "#/components/responses/Forbidden"
              },
              "404": {
                "$ref": "#/components/responses/NotFound"
              }
            }
          },
          "patch": {
            "operationId": "changeVariables",
            "summary": "Set and unset variables in one environment",
            "tags": [
              "Services"
            ],
            "security": [
              {
                "bearerAuth": []
              }
            ],
            "parameters": [
              {
                "$ref": "#/components/parameters/EnvironmentIdQueryRequired"
              }
            ],
            "requestBody": {
              "required": true,
              "content": {
                "application/json": {
                  "schema": {
                    "$ref": "#/components/schemas/VariablesChange"
                  }
                }
              }
            },
            "responses": {
              "200": {
                "description": "All the variables after the change, with values.",
                "content": {
                  "application/json": {
                    "schema": {
                      "$ref": "#/components/schemas/VariableList"
                    }
                  }
                }
              },
              "400": {
                "$ref": "#/components/responses/BadRequest"
              },
              "401": {
                "$ref": "#/components/responses/Unauthorized"
              },
              "403": {
                "$ref": "#/components/responses/Forbidden"
              },
              "404": {
                "$ref": "#/components/responses/NotFound"
              },
              "409": {
                "$ref": "#/components/responses/Conflict"
              },
              "413": {
                "$ref": "#/components/responses/PayloadTooLarge"
              },
              "422": {
                "$ref": "#/components/responses/Invalid"
              }
            }
          }
        },
        "/api/v1/services/{serviceId}/deployments": {
          "parameters": [
            {
              "$ref": "#/components/parameters/ServiceId"
            }
          ],
          "get": {
            "operationId": "listDeployments",
            "summary": "A service's deployments, newest first",
            "tags": [
              "Services"
            ],
            "security": [
              {
                "bearerAuth": []
              }
            ],
            "parameters": [
              {
                "$ref": "#/components/parameters/Limit"
              },
              {
                "$ref": "#/components/parameters/Cursor"
              },
              {
                "$ref": "#/components/parameters/EnvironmentIdQuery"
              }
            ],
            "responses": {
              "200": {
                "description": "A page of deployments.",
                "content": {
                  "application/json": {
                    "schema": {
                      "$ref": "#/components/schemas/DeploymentPage"
                    }
                  }
                }
              },
              "400": {
                "$ref": "#/components/responses/BadRequest"
              },
              "401": {
                "$ref": "#/components/responses/Unauthorized"
              },
              "403": {
                "$ref": "#/components/responses/Forbidden"
              },
              "404": {
                "$ref": "#/components/responses/NotFound"
              }
            }
          },
          "post": {
            "operationId": "createDeployment",
            "summary": "Queue a deployment",
            "tags": [
              "Services"
            ],
            "description": "An `environmentId` that is not an environment of the service's project answers 422.",
            "security": [
              {
                "bearerAuth": []
              }
            ],
            "requestBody": {
              "required": true,
              "content": {
                "application/json": {
                  "schema": {
                    "$ref": "#/components/schemas/CreateDeploymentRequest"
                  }
                }
              }
            },
            "responses": {
              "201": {
                "description": "The queued deployment.",
                "content": {
                  "application/json": {
                    "schema": {
                      "$ref": "#/components/schemas/Deployment"
                    }
                  }
                }
              },
              "400": {
                "$ref": "#/components/responses/BadRequest"
              },
              "401": {
                "$ref": "#/components/responses/Unauthorized"
              },
              "403": {
                "$ref": "#/components/responses/Forbidden"
              },
              "404": {
                "$ref": "#/components/responses/NotFound"
              },
              "409": {
                "$ref": "#/components/responses/Conflict"
              },
              "413": {
                "$ref": "#/components/responses/PayloadTooLarge"
              },
              "422": {
                "$ref": "#/components/responses/Invalid"
              }
            }
          }
        },
        "/api/v1/deployments/{deploymentId}": {
          "parameters": [
            {
              "$ref": "#/components/parameters/DeploymentId"
            }
          ],
          "get": {
            "operationId": "getDeployment",
            "summary": "A deployment",
            "tags": [
              "Services"
            ],
            "security": [
              {
                "bearerAuth": []
              }
            ],
            "responses": {
              "200": {
                "description": "The deployment.",
                "content": {
                  "application/json": {
                    "schema": {
                      "$ref": "#/components/schemas/Deployment"
                    }
                  }
                }
              },
              "401": {
                "$ref": "#/components/responses/Unauthorized"
              },
              "403": {
                "$ref": "#/components/responses/Forbidden"
              },
              "404": {
                "$ref": "#/components/responses/NotFound"
              }
            }
          }
        }
      },
      "components": {
        "securitySchemes": {
          "bearerAuth": {
            "type": "http",
            "scheme": "bearer",
            "description": "An access token (JWT) from `POST /api/v1/auth/login`, or an API token (`ryt_…`)."
          }
        },
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
                      "invalid",
                      "rate_limited",
                      "unavailable",
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
          "Deployment": {
            "type": "object",
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
                "type": "string"
              },
              "statusReason": {
                "type": "string"
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
              "createdAt",
              "updatedAt"
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
                "description": "Omitted when the caller's role may not read values (viewers)."
              },
              "updatedAt": {
                "$ref": "#/components/schemas/Timestamp"
              }
            },
            "required": [
              "name",
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
            "description": "All variables of a service in one environment, sorted by name.",
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
          "DisplayName": {
            "type": "string",
            "minLength": 1,
            "maxLength": 64,
            "pattern": "^[^\\u0000-\\u001f\\u007f-\\u009f\\u0020\\u00a0\\u1680\\u2000-\\u200a\\u2028\\u2029\\u202f\\u205f\\u3000](?:[^\\u0000-\\u001f\\u007f-\\u009f]*[^\\u0000-\\u001f\\u007f-\\u009f\\u0020\\u00a0\\u1680\\u2000-\\u200a\\u2028\\u2029\\u202f\\u205f\\u3000])?$",
            "description": "1 to 64 characters, no control characters, no leading or trailing space."
          },
          "DnsLabel": {
            "type": "string",
            "minLength": 1,
            "maxLength": 32,
            "pattern": "^[a-z](?:[a-z0-9-]*[a-z0-9])?$",
            "description": "Lowercase letters, digits and hyphens; 1 to 32 characters, starting with a letter and not ending with a hyphen."
          },
          "Email": {
            "type": "string",
            "maxLength": 254,
            "pattern": "^[^@\\t\\n\\u000b\\f\\r\\u0020\\u00a0\\u1680\\u2000-\\u200a\\u2028\\u2029\\u202f\\u205f\\u3000\\u0085]+@[^@.\\t\\n\\u000b\\f\\r\\u0020\\u00a0\\u1680\\u2000-\\u200a\\u2028\\u2029\\u202f\\u205f\\u3000\\u0085][^@\\t\\n\\u000b\\f\\r\\u0020\\u00a0\\u1680\\u2000-\\u200a\\u2028\\u2029\\u202f\\u205f\\u3000\\u0085]*\\.[^@\\t\\n\\u000b\\f\\r\\u0020\\u00a0\\u1680\\u2000-\\u200a\\u2028\\u2029\\u202f\\u205f\\u3000\\u0085]*[^@.\\t\\n\\u000b\\f\\r\\u0020\\u00a0\\u1680\\u2000-\\u200a\\u2028\\u2029\\u202f\\u205f\\u3000\\u0085]$",
            "description": "One `@`, something on each side, a dot inside the domain, no spaces."
          },
          "Password": {
            "type": "string",
            "minLength": 8,
            "maxLength": 72,
            "pattern": "^[\\u0020-\\u007e]+$",
            "description": "At least 8 characters and at most 72 UTF-8 bytes (bcrypt's limit). This schema describes the printable-ASCII passwords, which always meet that rule."
          },
          "VariableName": {
            "type": "string",
            "minLength": 1,
            "maxLength": 128,
            "pattern": "^[A-Za-z_][A-Za-z0-9_]*$",
            "description": "A shell variable name: letters, digits and underscores, not starting with a digit; at most 128 characters."
          },
          "VariableValue": {
            "type": "string",
            "maxLength": 65536,
            "pattern": "^[^\\u0000]*$",
            "description": "At most 64 KiB (UTF-8), no NUL byte."
          },
          "SetupRequest": {
            "type": "object",
            "properties": {
              "token": {
                "type": "string",
                "description": "The one-time setup token the server printed at first start."
              },
              "email": {
                "$ref": "#/components/schemas/Email"
              },
              "password": {
                "$ref": "#/components/schemas/Password"
              },
              "workspaceName": {
                "anyOf": [
                  {
                    "$ref": "#/components/schemas/DisplayName"
                  },
                  {
                    "type": "null"
                  }
                ],
                "description": "Defaults to `default`."
              }
            },
            "required": [
              "token",
              "email",
              "password"
            ]
          },
          "LoginRequest": {
            "type": "object",
            "properties": {
              "email": {
                "type": "string"
              },
              "password": {
                "type": "string"
              }
            },
            "required": [
              "email",
              "password"
            ]
          },
          "RefreshRequest": {
            "type": "object",
            "properties": {
              "refreshToken": {
                "type": "string"
              }
            },
            "required": [
              "refreshToken"
            ]
          },
          "AcceptInviteRequest": {
            "type": "object",
            "properties": {
              "token": {
                "type": "string",
                "description": "The invite's secret (`ryi_…`)."
              },
              "password": {
                "anyOf": [
                  {
                    "$ref": "#/components/schemas/Password"
                  },
                  {
                    "type": "null"
                  }
                ],
                "description": "Needed when the invited email has no account yet."
              }
            },
            "required": [
              "token"
            ]
          },
          "InviteRequest": {
            "type": "object",
            "properties": {
              "email": {
                "$ref": "#/components/schemas/Email"
              },
              "role": {
                "anyOf": [
                  {
                    "$ref": "#/components/schemas/Role"
                  },
                  {
                    "type": "null"
                  }
                ],
                "description": "Defaults to `member`."
              }
            },
            "required": [
              "email"
            ]
          },
          "RoleRequest": {
            "type": "object",
            "properties": {
              "role": {
                "$ref": "#/components/schemas/Role"
              }
            },
            "required": [
              "role"
            ]
          },
          "TokenRequest": {
            "type": "object",
            "description": "A workspace token (no `projectId`, no `environmentId`) or an environment token (both).",
            "properties": {
              "name": {
                "$ref": "#/components/schemas/DisplayName"
              },
              "role": {
                "anyOf": [
                  {
                    "$ref": "#/components/schemas/Role"
                  },
                  {
                    "type": "null"
                  }
                ],
                "description": "Defaults to `member`; may not exceed the creator's role."
              },
              "projectId": {
                "type": [
                  "string",
                  "null"
                ]
              },
              "environmentId": {
                "type": [
                  "string",
                  "null"
                ]
              },
              "expiresInDays": {
                "type": [
                  "integer",
                  "null"
                ],
                "minimum": 1,
                "maximum": 3650,
                "description": "Omitted or null: the token does not expire."
              }
            },
            "required": [
              "name"
            ],
            "anyOf": [
              {
                "properties": {
                  "projectId": {
                    "type": "null"
                  },
                  "environmentId": {
                    "type": "null"
                  }
                }
              },
              {
                "properties": {
                  "projectId": {
                    "type": "string"
                  },
                  "environmentId": {
                    "type": "string"
                  }
                },
                "required": [
                  "projectId",
                  "environmentId"
                ]
              }
            ]
          },
          "CreateProjectRequest": {
            "type": "object",
            "properties": {
              "name": {
                "$ref": "#/components/schemas/DisplayName"
              },
              "workspaceId": {
                "type": [
                  "string",
                  "null"
                ],
                "description": "Needed when the caller belongs to more than one workspace."
              }
            },
            "required": [
              "name"
            ]
          },
          "CreateWorkspaceRequest": {
            "type": "object",
            "properties": {
              "name": {
                "$ref": "#/components/schemas/DisplayName"
              }
            },
            "required": [
              "name"
            ]
          },
          "ProjectNameRequest": {
            "type": "object",
            "properties": {
              "name": {
                "$ref": "#/components/schemas/DisplayName"
              }
            },
            "required": [
              "name"
            ]
          },
          "EnvironmentNameRequest": {
            "type": "object",
            "properties": {
              "name": {
                "$ref": "#/components/schemas/DnsLabel"
              }
            },
            "required": [
              "name"
            ]
          },
          "ServiceNameRequest": {
            "type": "object",
            "properties": {
              "name": {
                "$ref": "#/components/schemas/DnsLabel"
              }
            },
            "required": [
              "name"
            ]
          },
          "VariablesChange": {
            "type": "object",
            "description": "Variables to set and to remove, applied in one transaction. At least one of them must be non-empty; a name may not be in both; at most 500 names in all.",
            "properties": {
              "set": {
                "type": [
                  "object",
                  "null"
                ],
                "propertyNames": {
                  "$ref": "#/components/schemas/VariableName"
                },
                "additionalProperties": {
                  "$ref": "#/components/schemas/VariableValue"
                },
                "maxProperties": 500
              },
              "unset": {
                "type": [
                  "array",
                  "null"
                ],
                "items": {
                  "$ref": "#/components/schemas/VariableName"
                },
                "maxItems": 500
              }
            },
            "anyOf": [
              {
                "properties": {
                  "set": {
                    "type": "object",
                    "minProperties": 1
                  }
                },
                "required": [
                  "set"
                ]
              },
              {
                "properties": {
                  "unset": {
                    "type": "array",
                    "minItems": 1
                  }
                },
                "required": [
                  "unset"
                ]
              }
            ]
          },
          "CreateDeploymentRequest": {
            "type": "object",
            "properties": {
              "environmentId": {
                "type": "string",
                "description": "An environment of the service's project."
              },
              "message": {
                "type": [
                  "string",
                  "null"
                ],
                "maxLength": 1000,
                "description": "At most 1000 bytes (UTF-8)."
              }
            },
            "required": [
              "environmentId"
            ]
          }
        },
        "responses": {
          "BadRequest": {
            "description": "The request is malformed: the body is not JSON of the expected shape, or a query parameter is invalid.",
            "content": {
              "application/json": {
                "schema": {
                  "$ref": "#/components/schemas/Error"
                }
              }
            }
          },
          "Unauthorized": {
            "description": "No valid credential. Any `/api/v1` route answers this to a present but invalid `Authorization` header.",
            "content": {
              "application/json": {
                "schema": {
                  "$ref": "#/components/schemas/Error"
                }
              }
            },
            "headers": {
              "WWW-Authenticate": {
                "required": true,
                "schema": {
                  "type": "string"
                }
              }
            }
          },
          "Forbidden": {
            "description": "The caller's role (or token scope) does not allow this.",
            "content": {
              "application/json": {
                "schema": {
                  "$ref": "#/components/schemas/Error"
                }
              }
            }
          },
          "NotFound": {
            "description": "No such resource, or one outside the caller's workspaces. Path ids that are not 28 lowercase hex digits always answer this.",
            "content": {
              "application/json": {
                "schema": {
                  "$ref": "#/components/schemas/Error"
                }
              }
            }
          },
          "Conflict": {
            "description": "The change conflicts with the current state.",
            "content": {
              "application/json": {
                "schema": {
                  "$ref": "#/components/schemas/Error"
                }
              }
            }
          },
          "PayloadTooLarge": {
            "description": "The request body is larger than 1 MiB.",
            "content": {
              "application/json": {
                "schema": {
                  "$ref": "#/components/schemas/Error"
                }
              }
            }
          },
          "Invalid": {
            "description": "The request is well-formed but a value is not acceptable; `field` names it.",
            "content": {
              "application/json": {
                "schema": {
                  "$ref": "#/components/schemas/Error"
                }
              }
            }
          },
          "TooManyRequests": {
            "description": "Too many failed logins.",
            "content": {
              "application/json": {
                "schema": {
                  "$ref": "#/components/schemas/Error"
                }
              }
            },
            "headers": {
              "Retry-After": {
                "required": true,
                "description": "Seconds to wait.",
                "schema": {
                  "type": "integer",
                  "minimum": 1
                }
              }
            }
          },
          "Unavailable": {
            "description": "The store is not reachable.",
            "content": {
              "application/json": {
                "schema": {
                  "$ref": "#/components/schemas/Error"
                }
              }
            }
          },
          "NoContent": {
            "description": "Done."
          }
        },
        "parameters": {
          "Limit": {
            "name": "limit",
            "in": "query",
            "required": false,
            "description": "Items per page (default 50).",
            "schema": {
              "type": "integer",
              "minimum": 1,
              "maximum": 200
            }
          },
          "Cursor": {
            "name": "cursor",
            "in": "query",
            "required": false,
            "description": "The `nextCursor` of the previous page.",
            "schema": {
              "$ref": "#/components/schemas/Cursor"
            }
          },
          "WorkspaceIdQuery": {
            "name": "workspaceId",
            "in": "query",
            "required": false,
            "description": "Only this workspace's projects.",
            "schema": {
              "$ref": "#/components/schemas/Id"
            }
          },
          "EnvironmentIdQuery": {
            "name": "environmentId",
            "in": "query",
            "required": false,
            "description": "Only this environment's deployments.",
            "schema": {
              "$ref": "#/components/schemas/Id"
            }
          },
          "EnvironmentIdQueryRequired": {
            "name": "environmentId",
            "in": "query",
            "required": true,
            "description": "The environment whose variables these are.",
            "schema": {
              "$ref": "#/components/schemas/Id"
            }
          },
          "WorkspaceId": {
            "name": "workspaceId",
            "in": "path",
            "required": true,
            "schema": {
              "type": "string"
            }
          },
          "UserId": {
            "name": "userId",
            "in": "path",
            "required": true,
            "schema": {
              "type": "string"
            }
          },
          "TokenId": {
            "name": "tokenId",
            "in": "path",
            "required": true,
            "schema": {
              "type": "string"
            }
          },
          "ProjectId": {
            "name": "projectId",
            "in": "path",
            "required": true,
            "schema": {
              "type": "string"
            }
          },
          "EnvironmentId": {
            "name": "environmentId",
            "in": "path",
            "required": true,
            "schema": {
              "type": "string"
            }
          },
          "ServiceId": {
            "name": "serviceId",
            "in": "path",
            "required": true,
            "schema": {
              "type": "string"
            }
          },
          "DeploymentId": {
            "name": "deploymentId",
            "in": "path",
            "required": true,
            "schema": {
              "type": "string"
            }
          }
        }
      }
    }
    """#
}
