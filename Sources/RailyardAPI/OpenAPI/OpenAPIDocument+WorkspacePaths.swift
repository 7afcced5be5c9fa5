extension OpenAPIDocument {
    /// Workspaces (members, audit), projects and environments.
    static let workspacePaths = #"""
    {
      "paths": {
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
        }
      }
    }
    """#
}
