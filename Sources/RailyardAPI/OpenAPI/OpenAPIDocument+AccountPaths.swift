extension OpenAPIDocument {
    /// Health, the document itself, first-admin setup, authentication, the caller, invites and API tokens.
    static let accountPaths = #"""
    {
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
        }
      }
    }
    """#
}
