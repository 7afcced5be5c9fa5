/// The OpenAPI 3.1 document of `/api/v1`, served at `/api/v1/openapi.json`.
enum OpenAPIDocument {
    static let json = #"""
    {
      "openapi": "3.1.0",
      "info": {
        "title": "Railyard",
        "version": "0.1.0",
        "description": "The Railyard control-plane API. Every error has the shape `{\"error\":{\"code\",\"message\",\"field\"}}`; `field` is omitted when no single field is at fault. A method the document does not list for a known path answers 405 with an `Allow` header naming the methods it does list; unknown paths answer 404. JSON bodies over 1 MiB answer 413; a NUL character anywhere in a JSON body (in a value or a key) answers 400, as the store cannot keep one."
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
        },
        {
          "name": "Domains"
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
                "description": "The store answers and the data folder has room.",
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
            "description": "Failed logins are limited per account and client address, per client address, and per account across addresses with an exponential backoff (a wait after the last failure, never a lockout); a refused attempt answers 429 with `Retry-After` and checks no password. Failures from one address never refuse the account's password from another.",
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
            "summary": "End a session",
            "tags": [
              "Auth"
            ],
            "description": "Revokes the refresh token's family and every access token issued in that session: they answer 401 from now on. Unknown refresh tokens are ignored (still 204).",
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
            "description": "An unknown, used or expired invite token answers 401. For an email without an account, `password` creates it. For an email that has an account, the caller must be its owner: signed in as that account (a person's access token), or giving that account's `password`; otherwise 401 (403 when signed in as someone else). Passwords given here are limited like logins (429 with `Retry-After`).",
            "security": [
              {},
              {
                "bearerAuth": []
              }
            ],
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
              },
              "429": {
                "$ref": "#/components/responses/TooManyRequests"
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
            },
            "description": "For a person: their workspaces and roles. For an API token: the token, its effective role and what it may do."
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
            "description": "The workspace's last admin cannot lose the admin role (409). Needs a workspace admin's own session: API tokens answer 403.",
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
            "description": "The workspace's last admin cannot be removed (409). Needs a workspace admin's own session: API tokens answer 403.",
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
            },
            "description": "Needs a workspace admin's own session: API tokens answer 403."
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
            },
            "description": "Environment-scoped API tokens answer 403."
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
            "description": "A project keeps at least one environment (409). Environment-scoped API tokens answer 403.",
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
            "description": "With a `repository`, deployments build the repository's branch; without one, they deploy uploaded source (`POST /api/v1/services/{serviceId}/uploads`). A repository that breaks the rules of `GitSource` answers 422, with `field` naming it (e.g. `repository.url`).",
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
                    "$ref": "#/components/schemas/CreateServiceRequest"
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
            "operationId": "updateService",
            "summary": "Change a service's name, repository or resource limits",
            "tags": [
              "Projects"
            ],
            "description": "A property left out stays as it is; `null` clears the repository or a limit. A limit out of range or a repository that breaks the rules of `GitSource` answers 422 with `field` naming it; a value of the wrong type (e.g. a fractional limit) answers 400. New limits apply to instances started afterwards.",
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
                    "$ref": "#/components/schemas/UpdateServiceRequest"
                  }
                }
              }
            },
            "responses": {
              "200": {
                "description": "The updated service.",
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
            },
            "description": "Environment-scoped API tokens answer 403."
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
            "description": "A service with a repository deploys its branch's latest commit; with `redeploy: true`, or without a repository, the newest deployment's source (the same upload or commit) is built again. A service with no repository and no earlier upload has nothing to deploy (409); one at its storage limit gets 413 `quota_exceeded`. An `environmentId` that is not an environment of the service's project answers 422.",
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
                "description": "The request body is larger than 1 MiB (code `payload_too_large`), or the service or its workspace already stores as much as its storage limit allows (code `quota_exceeded`; the message names the limit and what is stored).",
                "content": {
                  "application/json": {
                    "schema": {
                      "$ref": "#/components/schemas/Error"
                    }
                  }
                }
              },
              "422": {
                "$ref": "#/components/responses/Invalid"
              }
            }
          }
        },
        "/api/v1/services/{serviceId}/uploads": {
          "parameters": [
            {
              "$ref": "#/components/parameters/ServiceId"
            }
          ],
          "post": {
            "operationId": "uploadSource",
            "summary": "Deploy uploaded source (what `railyard up` sends)",
            "tags": [
              "Services"
            ],
            "description": "The body is a gzip-compressed tarball of the service's folder, sent as is (not JSON, not multipart); the server checks only that it starts with the gzip magic bytes, then queues a deployment that builds it. The `Content-Type` is not checked (`railyard up` sends `application/gzip`). Bodies over the server's upload limit (200 MiB unless `railyard server --upload-limit` says otherwise) answer 413 `payload_too_large`; an upload that would pass the service's or the workspace's storage limit answers 413 `quota_exceeded`; a body that ends before its `Content-Length` answers 400. A refused or interrupted upload leaves nothing stored. A server without a deployment pipeline answers 503.",
            "security": [
              {
                "bearerAuth": []
              }
            ],
            "parameters": [
              {
                "$ref": "#/components/parameters/ActionEnvironmentIdQuery"
              },
              {
                "$ref": "#/components/parameters/DeploymentMessageQuery"
              },
              {
                "$ref": "#/components/parameters/UploadCommitShaQuery"
              },
              {
                "$ref": "#/components/parameters/UploadCommitMessageQuery"
              }
            ],
            "requestBody": {
              "required": true,
              "content": {
                "application/gzip": {
                  "schema": {
                    "type": "string",
                    "format": "binary"
                  }
                },
                "application/octet-stream": {
                  "schema": {
                    "type": "string",
                    "format": "binary"
                  }
                }
              }
            },
            "responses": {
              "201": {
                "description": "The queued deployment (`source`: `upload`).",
                "content": {
                  "application/json": {
                    "schema": {
                      "$ref": "#/components/schemas/Deployment"
                    }
                  }
                }
              },
              "400": {
                "description": "The body is empty or not gzip data, or `environmentId` is missing or not an id.",
                "content": {
                  "application/json": {
                    "schema": {
                      "$ref": "#/components/schemas/Error"
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
              },
              "413": {
                "$ref": "#/components/responses/UploadTooLarge"
              },
              "422": {
                "$ref": "#/components/responses/Invalid"
              },
              "503": {
                "$ref": "#/components/responses/PipelineUnavailable"
              }
            }
          }
        },
        "/api/v1/services/{serviceId}/rollback": {
          "parameters": [
            {
              "$ref": "#/components/parameters/ServiceId"
            }
          ],
          "post": {
            "operationId": "rollback",
            "summary": "Run an earlier deployment's artifact again",
            "tags": [
              "Services"
            ],
            "description": "Queues a deployment (`source`: `rollback`) that runs the artifact of `deploymentId` without building, or, without `deploymentId`, of the newest deployment that served before the one serving now. 409 when there is no such deployment or its artifact is no longer kept; 422 when `environmentId` is not an environment of the service's project or `deploymentId` is not one of the service's 200 newest deployments in that environment.",
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
                    "$ref": "#/components/schemas/RollbackRequest"
                  }
                }
              }
            },
            "responses": {
              "201": {
                "description": "The queued rollback deployment.",
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
        "/api/v1/services/{serviceId}/restart": {
          "parameters": [
            {
              "$ref": "#/components/parameters/ServiceId"
            }
          ],
          "post": {
            "operationId": "restartService",
            "summary": "Restart every instance of the service's deployment in an environment",
            "tags": [
              "Services"
            ],
            "description": "Replaces the replicas of the running deployment one at a time, each once its successor passed the health check (no request is dropped), and answers when every replica was replaced; with none running, starts the newest crashed deployment again (answered as it starts, usually `DEPLOYING`). 409 when there is neither, when a restart of the deployment is already under way, when the deployment is taken down or replaced during the restart, or when the crashed deployment ran on another server; 503 when the server runs no deployment pipeline, or when a new replica failed its health check (the running replicas are kept). Takes no body.",
            "security": [
              {
                "bearerAuth": []
              }
            ],
            "parameters": [
              {
                "$ref": "#/components/parameters/ActionEnvironmentIdQuery"
              }
            ],
            "responses": {
              "200": {
                "description": "The restarted deployment.",
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
              "503": {
                "$ref": "#/components/responses/PipelineUnavailable"
              }
            }
          }
        },
        "/api/v1/services/{serviceId}/down": {
          "parameters": [
            {
              "$ref": "#/components/parameters/ServiceId"
            }
          ],
          "post": {
            "operationId": "removeDeployment",
            "summary": "Stop the service's running deployment in an environment",
            "tags": [
              "Services"
            ],
            "description": "Stops every instance of the running deployment, which becomes `REMOVED`. 409 when nothing runs; 503 when the server runs no deployment pipeline. Takes no body.",
            "security": [
              {
                "bearerAuth": []
              }
            ],
            "parameters": [
              {
                "$ref": "#/components/parameters/ActionEnvironmentIdQuery"
              }
            ],
            "responses": {
              "200": {
                "description": "The removed deployment.",
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
              "503": {
                "$ref": "#/components/responses/PipelineUnavailable"
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
        },
        "/api/v1/deployments/{deploymentId}/logs": {
          "parameters": [
            {
              "$ref": "#/components/parameters/DeploymentId"
            }
          ],
          "get": {
            "operationId": "getDeploymentLogs",
            "summary": "A deployment's log (build and deploy output)",
            "tags": [
              "Services"
            ],
            "description": "A page of log lines in order, oldest first. Pass a page's `nextCursor` as `after` to get the next page. The `Last-Event-ID` header stands for `after` when `after` is not given.\n\nWith `follow=true` (not described as a parameter here because the response does not end) the answer is a Server-Sent Events stream (`text/event-stream`): the stored lines after `after` (or `Last-Event-ID`), then the deployment's current status, then live lines and status changes until the deployment reaches `FAILED`, `REMOVED` or `SKIPPED` or the server shuts down. Events: `line` (`id` is the line's `seq`, `data` a `LogLine`), `status` (`data` a `LogStatusEvent`), and `: heartbeat` comments every few seconds. A reconnecting client sends `Last-Event-ID` to resume without repeats. `limit` does not apply to the stream; `follow` other than `true` or `false` answers 400.",
            "security": [
              {
                "bearerAuth": []
              }
            ],
            "parameters": [
              {
                "$ref": "#/components/parameters/LogAfter"
              },
              {
                "$ref": "#/components/parameters/LogPhase"
              },
              {
                "$ref": "#/components/parameters/LogLimit"
              },
              {
                "$ref": "#/components/parameters/LogTail"
              },
              {
                "$ref": "#/components/parameters/LogSince"
              }
            ],
            "responses": {
              "200": {
                "description": "A page of log lines (JSON), or with `follow=true` an event stream.",
                "content": {
                  "application/json": {
                    "schema": {
                      "$ref": "#/components/schemas/LogPage"
                    }
                  },
                  "text/event-stream": {
                    "schema": {
                      "type": "string",
                      "description": "Server-Sent Events: `line` and `status` events and heartbeat comments."
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
              }
            }
          }
        },
        "/api/v1/services/{serviceId}/domains": {
          "parameters": [
            {
              "$ref": "#/components/parameters/ServiceId"
            }
          ],
          "get": {
            "operationId": "listDomains",
            "summary": "A service's domains in one environment",
            "tags": [
              "Domains"
            ],
            "description": "Every domain of the service in the environment, oldest first, in one page. Viewers may read them. `environmentId` missing or not an id answers 400; an environment outside the service's project answers 404.",
            "security": [
              {
                "bearerAuth": []
              }
            ],
            "parameters": [
              {
                "$ref": "#/components/parameters/DomainEnvironmentIdQuery"
              }
            ],
            "responses": {
              "200": {
                "description": "The domains.",
                "content": {
                  "application/json": {
                    "schema": {
                      "$ref": "#/components/schemas/DomainList"
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
            "operationId": "createDomain",
            "summary": "Add a domain to a service in one environment",
            "tags": [
              "Domains"
            ],
            "description": "With `hostname`, a custom domain (the name is lowercased before it is checked and stored); without it (left out or null; send `{}`, since an empty body answers 400), a generated one: `SERVICE-PROJECT.BASE` in the `production` environment, `SERVICE-PROJECT-ENVIRONMENT.BASE` in others, with `-2`, `-3`… added to the first label when the name is taken. `BASE` is the server's `RAILYARD_DOMAIN` (default `localhost`). 409 when the host name is already in use by any domain in any workspace, when the service already has 20 domains in the environment, or when no free generated name is left; 422 when `hostname` or `targetPort` breaks its rules, or the certificate is refused: given without its key (or the key without it), not PEM, its key not the certificate's, not covering the host name, expired or not yet valid, or given for a generated domain (`field` names it). `targetPort` is checked first, then `hostname`'s rules, then the certificate, then the 20-domain limit, then whether the name is free. The private key is stored sealed and never returned; `certificate` in the answer describes the installed certificate. `environmentId` missing or not an id answers 400; an environment outside the service's project answers 404. Needs the member role. A custom host name at or under the server's base of generated domains (`--domain`) answers 422: those names are for generated domains only. Environment-scoped API tokens answer 403.",
            "security": [
              {
                "bearerAuth": []
              }
            ],
            "parameters": [
              {
                "$ref": "#/components/parameters/DomainEnvironmentIdQuery"
              }
            ],
            "requestBody": {
              "required": true,
              "content": {
                "application/json": {
                  "schema": {
                    "$ref": "#/components/schemas/CreateDomainRequest"
                  }
                }
              }
            },
            "responses": {
              "201": {
                "description": "The new domain.",
                "content": {
                  "application/json": {
                    "schema": {
                      "$ref": "#/components/schemas/Domain"
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
        "/api/v1/domains/{domainId}": {
          "parameters": [
            {
              "$ref": "#/components/parameters/DomainId"
            }
          ],
          "patch": {
            "operationId": "updateDomain",
            "summary": "Rename a domain, change its target port, its certificate or its redirect to HTTPS",
            "tags": [
              "Domains"
            ],
            "description": "A property left out stays as it is; `null` for `hostname` is the same as leaving it out, `null` for `targetPort` sends traffic to the instance's `PORT` again. The new host name is lowercased before it is checked. A generated domain keeps `kind: generated` when renamed. 409 when the host name is in use by another domain in any workspace; 422 when `hostname` or `targetPort` breaks its rules, when only one of `certificate` and `privateKey` is given, when the certificate is refused (as when adding a domain), or when a rename leaves the installed certificate not covering the new name (`field` names it). `certificate` and `privateKey` both `null` remove the installed certificate (a self-signed one is served). Needs the member role in the domain's workspace. Renaming to a host name at or under the base of generated domains answers 422.",
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
                    "$ref": "#/components/schemas/UpdateDomainRequest"
                  }
                }
              }
            },
            "responses": {
              "200": {
                "description": "The updated domain.",
                "content": {
                  "application/json": {
                    "schema": {
                      "$ref": "#/components/schemas/Domain"
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
            "operationId": "deleteDomain",
            "summary": "Remove a domain",
            "tags": [
              "Domains"
            ],
            "description": "The edge stops routing the host name. Needs the member role in the domain's workspace. Takes no body.",
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
          "DeploymentSource": {
            "type": "string",
            "enum": [
              "upload",
              "git",
              "redeploy",
              "rollback"
            ],
            "description": "Where a deployment's code comes from: an upload (`railyard up`), the latest commit of the service's git branch, a fresh build of an earlier deployment's source, or an earlier deployment's artifact run again without a build."
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
                "description": "Needed when the invited email has no account yet (the new account's password), or to accept as an existing account without being signed in as it (that account's password)."
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
                "anyOf": [
                  {
                    "$ref": "#/components/schemas/Id"
                  },
                  {
                    "type": "null"
                  }
                ]
              },
              "environmentId": {
                "anyOf": [
                  {
                    "$ref": "#/components/schemas/Id"
                  },
                  {
                    "type": "null"
                  }
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
                "anyOf": [
                  {
                    "$ref": "#/components/schemas/Id"
                  },
                  {
                    "type": "null"
                  }
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
          "CreateServiceRequest": {
            "type": "object",
            "properties": {
              "name": {
                "$ref": "#/components/schemas/DnsLabel"
              },
              "repository": {
                "anyOf": [
                  {
                    "$ref": "#/components/schemas/GitSource"
                  },
                  {
                    "type": "null"
                  }
                ],
                "description": "A git repository to deploy from; omitted or null: the service deploys uploads."
              }
            },
            "required": [
              "name"
            ]
          },
          "UpdateServiceRequest": {
            "type": "object",
            "description": "Every property is optional: one left out stays as it is.",
            "properties": {
              "name": {
                "anyOf": [
                  {
                    "$ref": "#/components/schemas/DnsLabel"
                  },
                  {
                    "type": "null"
                  }
                ],
                "description": "A new name; null is the same as leaving it out."
              },
              "repository": {
                "anyOf": [
                  {
                    "$ref": "#/components/schemas/GitSource"
                  },
                  {
                    "type": "null"
                  }
                ],
                "description": "The git repository to deploy from; null removes it (the service deploys uploads again)."
              },
              "memoryLimit": {
                "type": [
                  "integer",
                  "null"
                ],
                "minimum": 16777216,
                "maximum": 1099511627776,
                "description": "Memory limit of each instance in bytes, 16 MiB to 1 TiB; null removes the limit."
              },
              "cpuLimitMillis": {
                "type": [
                  "integer",
                  "null"
                ],
                "minimum": 10,
                "maximum": 1024000,
                "description": "CPU limit of each instance in thousandths of a core, 10 to 1024000; null removes the limit."
              },
              "requestBodyLimit": {
                "type": [
                  "integer",
                  "null"
                ],
                "format": "int64",
                "minimum": 1,
                "maximum": 1099511627776,
                "description": "Largest request body the edge passes to the service in bytes, 1 byte to 1 TiB; larger ones get 413. null removes the limit."
              },
              "processLimit": {
                "type": [
                  "integer",
                  "null"
                ],
                "minimum": 16,
                "maximum": 65536,
                "description": "Processes and threads each instance may have at once, 16 to 65536; null returns to the server's default."
              }
            }
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
                "$ref": "#/components/schemas/Id",
                "description": "An environment of the service's project."
              },
              "message": {
                "type": [
                  "string",
                  "null"
                ],
                "maxLength": 1000,
                "description": "At most 1000 bytes (UTF-8)."
              },
              "redeploy": {
                "type": [
                  "boolean",
                  "null"
                ],
                "description": "true: build the newest deployment's source again (the same upload or commit) rather than the git branch's latest commit. Services without a repository always do this."
              }
            },
            "required": [
              "environmentId"
            ]
          },
          "RollbackRequest": {
            "type": "object",
            "properties": {
              "environmentId": {
                "$ref": "#/components/schemas/Id",
                "description": "An environment of the service's project."
              },
              "deploymentId": {
                "anyOf": [
                  {
                    "$ref": "#/components/schemas/Id"
                  },
                  {
                    "type": "null"
                  }
                ],
                "description": "The deployment to roll back to; omitted or null: the newest one that served before the one serving now."
              }
            },
            "required": [
              "environmentId"
            ]
          },
          "Hostname": {
            "type": "string",
            "minLength": 3,
            "maxLength": 253,
            "pattern": "^(?:[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?\\.)+[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?$",
            "not": {
              "pattern": "\\.[0-9]+$"
            },
            "description": "A host name such as `app.example.com`: letters, digits and hyphens in at least two dot-separated labels of 1 to 63 characters, no label starting or ending with a hyphen, the last label not all digits (no IP addresses); at most 253 characters. Lowercased by the server before it is checked, so `App.Example.com` is `app.example.com`."
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
          },
          "CreateDomainRequest": {
            "type": "object",
            "description": "Every property is optional; `{}` asks for a generated domain with the instance's `PORT`.",
            "properties": {
              "hostname": {
                "anyOf": [
                  {
                    "$ref": "#/components/schemas/Hostname"
                  },
                  {
                    "type": "null"
                  }
                ],
                "description": "A custom host name, unique across every workspace; left out or null: a generated one. An empty string is not left out: it answers 422."
              },
              "targetPort": {
                "type": [
                  "integer",
                  "null"
                ],
                "minimum": 1,
                "maximum": 65535,
                "description": "The port inside the instance the domain reaches, 1 to 65535; left out or null: the instance's `PORT`."
              },
              "httpsRedirect": {
                "type": [
                  "boolean",
                  "null"
                ],
                "description": "Redirect plain-HTTP requests (308) to HTTPS when the server serves HTTPS; left out or null: false."
              },
              "certificate": {
                "type": [
                  "string",
                  "null"
                ],
                "maxLength": 65536,
                "description": "PEM certificate chain, leaf first; with `privateKey`. Only for custom domains (with `hostname`): it must cover the host name. At most 64 KiB. Left out or null: a self-signed certificate is served over HTTPS."
              },
              "privateKey": {
                "type": [
                  "string",
                  "null"
                ],
                "maxLength": 65536,
                "description": "PEM private key (PKCS#8, SEC1 or PKCS#1), unencrypted; with `certificate`, which it must match. At most 64 KiB."
              }
            }
          },
          "UpdateDomainRequest": {
            "type": "object",
            "description": "Every property is optional: one left out stays as it is (`{}` changes nothing).",
            "properties": {
              "hostname": {
                "anyOf": [
                  {
                    "$ref": "#/components/schemas/Hostname"
                  },
                  {
                    "type": "null"
                  }
                ],
                "description": "A new host name, unique across every workspace; null is the same as leaving it out."
              },
              "targetPort": {
                "type": [
                  "integer",
                  "null"
                ],
                "minimum": 1,
                "maximum": 65535,
                "description": "The port inside the instance the domain reaches, 1 to 65535; null: the instance's `PORT`."
              },
              "httpsRedirect": {
                "type": [
                  "boolean",
                  "null"
                ],
                "description": "Redirect plain-HTTP requests (308) to HTTPS when the server serves HTTPS; null is the same as leaving it out."
              },
              "certificate": {
                "type": [
                  "string",
                  "null"
                ],
                "maxLength": 65536,
                "description": "A new PEM certificate chain, leaf first, with `privateKey`; it must cover the (new) host name. null together with `privateKey` null removes the installed certificate (a self-signed one is served again). At most 64 KiB."
              },
              "privateKey": {
                "type": [
                  "string",
                  "null"
                ],
                "maxLength": 65536,
                "description": "PEM private key (PKCS#8, SEC1 or PKCS#1), unencrypted, matching `certificate`; null together with `certificate` null removes the installed certificate. At most 64 KiB."
              }
            }
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
          "UploadTooLarge": {
            "description": "The upload is larger than the server's upload limit (200 MiB unless `railyard server --upload-limit` says otherwise; code `payload_too_large`), or it would pass a storage limit (code `quota_exceeded`): the source archives and artifacts of the service (2 GiB unless `--service-storage-limit` says otherwise) or of all services of its workspace (10 GiB unless `--workspace-storage-limit`). The message names the limit, what is stored and what to do. Nothing of a refused upload is kept.",
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
            "description": "Not ready: the store does not answer a probe within a second (code `store_unavailable`), or a disk the server writes to is full (code `disk_full`, naming the folder). The message says which.",
            "content": {
              "application/json": {
                "schema": {
                  "$ref": "#/components/schemas/Error"
                }
              }
            }
          },
          "PipelineUnavailable": {
            "description": "This server runs no deployment pipeline, or (uploads) its disk refused the upload; or the server is up but its store is unavailable (code `store_unavailable`, see the StoreUnavailable response).",
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
          "ActionEnvironmentIdQuery": {
            "name": "environmentId",
            "in": "query",
            "required": true,
            "description": "The environment to act in: one of the service's project (any other answers 404).",
            "schema": {
              "$ref": "#/components/schemas/Id"
            }
          },
          "DeploymentMessageQuery": {
            "name": "message",
            "in": "query",
            "required": false,
            "description": "A message for the deployment; at most 1000 bytes (UTF-8).",
            "schema": {
              "type": "string",
              "maxLength": 1000
            }
          },
          "UploadCommitShaQuery": {
            "name": "commitSha",
            "in": "query",
            "required": false,
            "description": "The git commit the uploaded folder was at (`railyard up` sends it when the folder is a git work tree): 40 or 64 lowercase hex digits. The app sees it as `RAILWAY_GIT_COMMIT_SHA`.",
            "schema": {
              "type": "string",
              "pattern": "^([0-9a-f]{40}|[0-9a-f]{64})$"
            }
          },
          "UploadCommitMessageQuery": {
            "name": "commitMessage",
            "in": "query",
            "required": false,
            "description": "That commit's subject line, at most 1000 bytes (UTF-8); the app sees it as `RAILWAY_GIT_COMMIT_MESSAGE`.",
            "schema": {
              "type": "string",
              "maxLength": 1000
            }
          },
          "LogAfter": {
            "name": "after",
            "in": "query",
            "required": false,
            "description": "Only lines with a greater `seq` (default 0: from the start). The `Last-Event-ID` header stands in for it.",
            "schema": {
              "type": "integer",
              "format": "int64",
              "minimum": 0,
              "maximum": 9223372036854775807
            }
          },
          "LogPhase": {
            "name": "phase",
            "in": "query",
            "required": false,
            "description": "Only the build's or only the deployment's lines.",
            "schema": {
              "type": "string",
              "enum": [
                "build",
                "deploy",
                "http"
              ]
            }
          },
          "LogLimit": {
            "name": "limit",
            "in": "query",
            "required": false,
            "description": "Lines per page (default 1000), counted after `phase` filters them. A page also ends past 4 MiB of lines, or after 16 MiB of the log looked through for a rare phase; `nextCursor` then says where to go on.",
            "schema": {
              "type": "integer",
              "minimum": 1,
              "maximum": 5000
            }
          },
          "LogTail": {
            "name": "tail",
            "in": "query",
            "required": false,
            "description": "Start at the last this many lines (of `phase`, after `after` and `since`), read from the end of the log. Later pages go on from `nextCursor` without it.",
            "schema": {
              "type": "integer",
              "minimum": 1,
              "maximum": 1000000
            }
          },
          "LogSince": {
            "name": "since",
            "in": "query",
            "required": false,
            "description": "Start at the first line stamped at this time or later (ISO 8601, UTC), found by a binary search over the log.",
            "schema": {
              "type": "string",
              "format": "date-time"
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
          },
          "DomainEnvironmentIdQuery": {
            "name": "environmentId",
            "in": "query",
            "required": true,
            "description": "The environment whose domains these are: one of the service's project (any other answers 404).",
            "schema": {
              "$ref": "#/components/schemas/Id"
            }
          },
          "DomainId": {
            "name": "domainId",
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
