extension OpenAPIDocument {
    /// TCP proxies: a port on the edge forwarding raw TCP to a service, one per service per
    /// environment.
    static let tcpProxyPaths = #"""
    {
      "paths": {
        "/api/v1/services/{serviceId}/tcp-proxies": {
          "parameters": [
            {
              "$ref": "#/components/parameters/ServiceId"
            }
          ],
          "get": {
            "operationId": "listTCPProxies",
            "summary": "A service's TCP proxy in one environment",
            "tags": [
              "TCP proxies"
            ],
            "description": "The service's TCP proxy in the environment (a list of none or one), with `domain`, the host name it is reached at (the server's base domain). Viewers may read it. `environmentId` missing or not an id answers 400; an environment outside the service's project answers 404.",
            "security": [
              {
                "bearerAuth": []
              }
            ],
            "parameters": [
              {
                "$ref": "#/components/parameters/TCPProxyEnvironmentIdQuery"
              }
            ],
            "responses": {
              "200": {
                "description": "The TCP proxies.",
                "content": {
                  "application/json": {
                    "schema": {
                      "$ref": "#/components/schemas/TCPProxyList"
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
            "operationId": "createTCPProxy",
            "summary": "Open a TCP proxy to a service in one environment",
            "tags": [
              "TCP proxies"
            ],
            "description": "Opens a port on the server's edge (on its HTTP listen host) that forwards raw TCP, both ways, to a healthy replica of the service's serving deployment: `port` when given, else the lowest free port of the server's range (`railyard server --tcp-proxy-ports`, default 20000-20999). New connections follow redeploys and restarts; while a replica is on its way a connection waits up to 30 s, else it is closed. A database service's proxy reaches its engine's port (PostgreSQL 5432, Redis 6379, MySQL 3306) and sets its public URL variable (`DATABASE_PUBLIC_URL`, `REDIS_PUBLIC_URL`, `MYSQL_PUBLIC_URL`, made of references to `RAILWAY_TCP_PROXY_DOMAIN` and `RAILWAY_TCP_PROXY_PORT`); any other service's needs `targetPort`, which a running replica's own processes must listen on now (409 otherwise). 409 when the service already has a proxy in the environment, when `port` is taken (by another proxy, or another program), when every port of the range is, or when the server runs no edge. 422 when `port` is outside the server's range or not a port, or `targetPort` is missing (not a database) or not a port. Needs the member role. Environment-scoped API tokens answer 403.",
            "security": [
              {
                "bearerAuth": []
              }
            ],
            "parameters": [
              {
                "$ref": "#/components/parameters/TCPProxyEnvironmentIdQuery"
              }
            ],
            "requestBody": {
              "required": true,
              "content": {
                "application/json": {
                  "schema": {
                    "$ref": "#/components/schemas/CreateTCPProxyRequest"
                  }
                }
              }
            },
            "responses": {
              "201": {
                "description": "The new TCP proxy.",
                "content": {
                  "application/json": {
                    "schema": {
                      "$ref": "#/components/schemas/TCPProxy"
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
            "operationId": "deleteTCPProxy",
            "summary": "Remove a service's TCP proxy in one environment",
            "tags": [
              "TCP proxies"
            ],
            "description": "Closes the proxy's port and every connection through it, and unsets the public URL variable a database's proxy set. 404 when the service has no proxy in the environment. Needs the member role. Takes no body. Environment-scoped API tokens answer 403.",
            "security": [
              {
                "bearerAuth": []
              }
            ],
            "parameters": [
              {
                "$ref": "#/components/parameters/TCPProxyEnvironmentIdQuery"
              }
            ],
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
        "parameters": {
          "TCPProxyEnvironmentIdQuery": {
            "name": "environmentId",
            "in": "query",
            "required": true,
            "description": "The environment of the TCP proxy: one of the service's project (any other answers 404).",
            "schema": {
              "$ref": "#/components/schemas/Id"
            }
          }
        },
        "schemas": {
          "TCPProxy": {
            "type": "object",
            "description": "A port on the server's edge that forwards raw TCP to one service in one environment. Absent optional properties are omitted, not null.",
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
              "port": {
                "type": "integer",
                "minimum": 1,
                "maximum": 65535,
                "description": "Where the edge listens: `RAILWAY_TCP_PROXY_PORT`. Unique on the server."
              },
              "targetPort": {
                "type": "integer",
                "minimum": 1,
                "maximum": 65535,
                "description": "The port inside the service's replicas it reaches."
              },
              "domain": {
                "type": "string",
                "description": "The host name clients connect to: `RAILWAY_TCP_PROXY_DOMAIN`, the server's base domain."
              },
              "createdAt": {
                "$ref": "#/components/schemas/Timestamp"
              }
            },
            "required": [
              "id",
              "serviceId",
              "environmentId",
              "port",
              "targetPort",
              "createdAt"
            ]
          },
          "TCPProxyList": {
            "type": "object",
            "description": "The service's TCP proxy in one environment: none or one.",
            "properties": {
              "items": {
                "type": "array",
                "maxItems": 1,
                "items": {
                  "$ref": "#/components/schemas/TCPProxy"
                }
              }
            },
            "required": [
              "items"
            ]
          },
          "CreateTCPProxyRequest": {
            "type": "object",
            "properties": {
              "port": {
                "type": "integer",
                "minimum": 1,
                "maximum": 65535,
                "description": "The edge port, inside the server's range (422 otherwise); left out: the lowest free one."
              },
              "targetPort": {
                "type": "integer",
                "minimum": 1,
                "maximum": 65535,
                "description": "The port inside the service; left out for a database (its engine's port), required for any other service."
              }
            }
          }
        }
      }
    }
    """#
}
