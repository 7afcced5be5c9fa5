extension OpenAPIDocument {
    /// Services (uploads, deployments, domains), deployments and their logs, domains.
    static let servicePaths = #"""
    {
      "paths": {
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
            "description": "Replaces the replicas of the running deployment one at a time, each once its successor passed the health check (no request is dropped), and answers when every replica was replaced; with none running, starts the newest crashed deployment again (answered as it starts, usually `DEPLOYING`). 409 when there is neither, when a restart of the deployment is already under way, when the deployment is taken down or replaced during the restart, when a new replica exits or does not pass its health check within the service's `healthcheckTimeout` (the running replicas are kept; with a volume the one replica was already stopped, and its restart policy applies), or when the crashed deployment ran on another server; 503 when the server runs no deployment pipeline or has no free port for a new replica. Takes no body.",
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
      }
    }
    """#
}
