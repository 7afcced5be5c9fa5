extension OpenAPIDocument {
    /// Security schemes, shared responses and shared parameters.
    static let sharedComponents = #"""
    {
      "components": {
        "securitySchemes": {
          "bearerAuth": {
            "type": "http",
            "scheme": "bearer",
            "description": "An access token (JWT) from `POST /api/v1/auth/login`, or an API token (`ryt_…`)."
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
