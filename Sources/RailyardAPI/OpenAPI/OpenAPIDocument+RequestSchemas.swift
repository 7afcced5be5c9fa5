extension OpenAPIDocument {
    /// The request bodies of sign-in, setup, invites, tokens and workspaces, and the values they carry (names, emails, passwords, variables): what the server accepts.
    static let requestSchemas = #"""
    {
      "components": {
        "schemas": {
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
          }
        }
      }
    }
    """#
}
