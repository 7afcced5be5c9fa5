extension OpenAPIDocument {
    /// Variables: a service's, an environment's shared ones, resolved ones, and the secrets
    /// `railyard run` gets.
    static let variablePaths = #"""
    {
      "paths": {
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
              "Variables"
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
                "description": "All the variables: values only for members and admins, and never a sealed one's (`sealed: true`, no `value`).",
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
              "Variables"
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
                "description": "All the variables after the change, with values except sealed ones.",
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
            },
            "description": "Every variable set must resolve (`${{VAR}}`, `${{SERVICE.VAR}}`, `${{shared.VAR}}` known, no cycle), or the change is refused with 422 naming the variable and, for a cycle, its path (`web.A → db.B → web.A`). Nothing restarts: the values apply at the service's next deployment."
          }
        },
        "/api/v1/services/{serviceId}/variables/resolved": {
          "parameters": [
            {
              "$ref": "#/components/parameters/ServiceId"
            }
          ],
          "get": {
            "operationId": "listResolvedVariables",
            "summary": "A service's variables as its replicas would get them",
            "description": "The service's variables with every reference resolved, as a deployment made now would get them (platform variables such as `RAILWAY_PRIVATE_DOMAIN` are added at deploy time and not listed). A value that is sealed, or made with any sealed value, has no `value` and `sealed: true`. Values only for members and admins. 409 when a reference cannot be resolved (the message names the variable, never a value).",
            "tags": [
              "Variables"
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
                "description": "The resolved variables, sorted by name.",
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
              }
            }
          }
        },
        "/api/v1/services/{serviceId}/variables/run": {
          "parameters": [
            {
              "$ref": "#/components/parameters/ServiceId"
            }
          ],
          "get": {
            "operationId": "getRunEnvironment",
            "summary": "Secrets: every resolved variable of a service, sealed ones included",
            "description": "What `railyard run` puts in a local command's environment: the service's variables with references resolved, **sealed values included**. This is the one answer that carries sealed values; it needs a role that may deploy the service (member or admin, or an environment token of this environment), as deploying runs code that can read them anyway. Answered with `Cache-Control: no-store`. 409 when a reference cannot be resolved.",
            "tags": [
              "Variables"
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
                "description": "The variables by name.",
                "content": {
                  "application/json": {
                    "schema": {
                      "$ref": "#/components/schemas/RunEnvironment"
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
              }
            }
          }
        },
        "/api/v1/environments/{environmentId}/variables": {
          "parameters": [
            {
              "$ref": "#/components/parameters/EnvironmentId"
            }
          ],
          "get": {
            "operationId": "listSharedVariables",
            "summary": "An environment's shared variables",
            "description": "Variables its services refer to as `${{shared.NAME}}`; they are not given to a service unless it refers to them. Values only for members and admins, never a sealed one's.",
            "tags": [
              "Variables"
            ],
            "security": [
              {
                "bearerAuth": []
              }
            ],
            "responses": {
              "200": {
                "description": "All the shared variables.",
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
            "operationId": "changeSharedVariables",
            "summary": "Set and unset shared variables",
            "description": "As for a service's variables: every variable set must resolve, sealing lasts until the variable is unset, and nothing restarts (services that refer to them get the new values at their next deployment).",
            "tags": [
              "Variables"
            ],
            "security": [
              {
                "bearerAuth": []
              }
            ],
            "responses": {
              "200": {
                "description": "All the shared variables after the change, with values except sealed ones.",
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
            },
            "requestBody": {
              "required": true,
              "content": {
                "application/json": {
                  "schema": {
                    "$ref": "#/components/schemas/VariablesChange"
                  }
                }
              }
            }
          }
        }
      },
      "components": {
        "schemas": {
          "RunEnvironment": {
            "type": "object",
            "description": "Resolved variables by name, sealed values included.",
            "properties": {
              "variables": {
                "type": "object",
                "additionalProperties": {
                  "type": "string"
                }
              }
            },
            "required": [
              "variables"
            ]
          }
        }
      }
    }
    """#
}
