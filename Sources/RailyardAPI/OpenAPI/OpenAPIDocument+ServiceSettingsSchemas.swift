extension OpenAPIDocument {
    /// A service's deploy settings (`ServiceDeploySettings`): as read, and as changed by PATCH.
    /// A start command is trimmed of Unicode white space when kept; the patterns are those
    /// rules (`ServiceDeploySettings.startCommand`, `.healthcheckPathProblem`).
    static let serviceSettingsSchemas = #"""
    {
      "components": {
        "schemas": {
          "ServiceDeploySettings": {
            "type": "object",
            "description": "Start command, health check, replicas and restart policy as set on the service (Railway's service settings); a source's railway.json or railyard.toml overrides each one it sets. They apply from the next deployment. Absent properties are not set (the detected or default value applies).",
            "properties": {
              "startCommand": {
                "type": "string",
                "minLength": 1,
                "maxLength": 4096
              },
              "healthcheckPath": {
                "type": "string",
                "pattern": "^/[!-~]*$",
                "maxLength": 1024
              },
              "healthcheckTimeout": {
                "type": "integer",
                "minimum": 1,
                "maximum": 3600,
                "description": "Seconds a new deployment has to pass its health check."
              },
              "numReplicas": {
                "type": "integer",
                "minimum": 1,
                "maximum": 64
              },
              "restartPolicyType": {
                "$ref": "#/components/schemas/RestartPolicyType"
              },
              "restartPolicyMaxRetries": {
                "type": "integer",
                "minimum": 0,
                "maximum": 1000
              }
            },
            "additionalProperties": false
          },
          "RestartPolicyType": {
            "type": "string",
            "enum": [
              "ON_FAILURE",
              "ALWAYS",
              "NEVER"
            ]
          },
          "ServiceDeploySettingsChange": {
            "type": "object",
            "description": "Each property left out stays as it is; null removes the setting. A database service takes none (409): Railyard starts, checks and restarts its server.",
            "properties": {
              "startCommand": {
                "type": [
                  "string",
                  "null"
                ],
                "pattern": "^[^\\u0000]*[^\\u0000\\u0009-\\u000d\\u0020\\u0085\\u00a0\\u1680\\u2000-\\u200a\\u2028\\u2029\\u202f\\u205f\\u3000][^\\u0000]*$",
                "maxLength": 4096,
                "description": "Run through `sh -c`; kept trimmed of white space. Not empty, no NUL."
              },
              "healthcheckPath": {
                "type": [
                  "string",
                  "null"
                ],
                "pattern": "^/[!-~]*$",
                "maxLength": 1024,
                "description": "A path starting with /, of visible ASCII (percent-encode others); polled until it answers 200 before traffic switches."
              },
              "healthcheckTimeout": {
                "type": [
                  "integer",
                  "null"
                ],
                "minimum": 1,
                "maximum": 3600
              },
              "numReplicas": {
                "type": [
                  "integer",
                  "null"
                ],
                "minimum": 1,
                "maximum": 64
              },
              "restartPolicyType": {
                "anyOf": [
                  {
                    "$ref": "#/components/schemas/RestartPolicyType"
                  },
                  {
                    "type": "null"
                  }
                ]
              },
              "restartPolicyMaxRetries": {
                "type": [
                  "integer",
                  "null"
                ],
                "minimum": 0,
                "maximum": 1000
              }
            }
          }
        }
      }
    }
    """#
}
