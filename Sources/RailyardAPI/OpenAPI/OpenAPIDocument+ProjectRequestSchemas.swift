extension OpenAPIDocument {
    /// The request bodies of projects, environments, services, variables, deployments and domains, and hostnames: what the server accepts.
    static let projectRequestSchemas = #"""
    {
      "components": {
        "schemas": {
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
              },
              "databaseVersion": {
                "type": [
                  "string",
                  "null"
                ],
                "pattern": "^[0-9]+(\\.[0-9]+)?$",
                "maxLength": 12,
                "description": "A database service's engine version (its next deployment runs it): one the server's machine has, and another major version only while the service holds no data (409 otherwise, saying how to move the data; 409 too for a service that runs no database). null leaves it as it is."
              },
              "deploy": {
                "anyOf": [
                  {
                    "$ref": "#/components/schemas/ServiceDeploySettingsChange"
                  },
                  {
                    "type": "null"
                  }
                ],
                "description": "Start command, health check, replicas and restart policy; null is the same as leaving it out."
              }
            }
          },
          "VariablesChange": {
            "type": "object",
            "description": "Variables to set and to remove, applied in one transaction. At least one of them must be non-empty; a name may not be in both; at most 500 names in all. Values may refer to other variables: `${{VAR}}` (the same service), `${{SERVICE.VAR}}` (a service of the same project, in the same environment, including its `RAILWAY_PRIVATE_DOMAIN`, `RAILWAY_PUBLIC_DOMAIN`, `RAILWAY_SERVICE_NAME`, `RAILWAY_SERVICE_ID`), `${{shared.VAR}}`; a `${{` must open a well-formed reference.",
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
              },
              "sealed": {
                "type": [
                  "boolean",
                  "null"
                ],
                "description": "Seal the variables set: their values are never given back by the API. A variable once sealed stays sealed when set again, until it is unset."
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
        }
      }
    }
    """#
}
