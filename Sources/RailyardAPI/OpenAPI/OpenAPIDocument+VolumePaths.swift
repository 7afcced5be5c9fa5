extension OpenAPIDocument {
    /// Volumes: a service's one volume per environment, its size and its removal.
    static let volumePaths = #"""
    {
      "paths": {
        "/api/v1/services/{serviceId}/volumes": {
          "parameters": [
            {
              "$ref": "#/components/parameters/ServiceId"
            }
          ],
          "get": {
            "operationId": "listVolumes",
            "summary": "A service's volume in one environment",
            "tags": [
              "Volumes"
            ],
            "description": "The service's volume in the environment (a list of none or one), with `usedBytes` from its mounted filesystem. Viewers may read it. `environmentId` missing or not an id answers 400; an environment outside the service's project answers 404.",
            "security": [
              {
                "bearerAuth": []
              }
            ],
            "parameters": [
              {
                "$ref": "#/components/parameters/VolumeEnvironmentIdQuery"
              }
            ],
            "responses": {
              "200": {
                "description": "The volumes.",
                "content": {
                  "application/json": {
                    "schema": {
                      "$ref": "#/components/schemas/VolumeList"
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
            "operationId": "createVolume",
            "summary": "Give a service a volume in one environment",
            "tags": [
              "Volumes"
            ],
            "description": "Makes the volume's filesystem (ext4 in an image of `sizeBytes`, default 1 GiB) and mounts it on the server; replicas get it, writable at `mountPath` and owned by the service's user, from the next deploy. 409 when the service already has a volume in the environment, when its running deployment has more than one replica (a service with a volume runs one), or when the server cannot have volumes (it does not run as root, or lacks e2fsprogs); the message says which. 422 when `mountPath` is not an absolute path of plain folder names (letters, digits, `.`, `-`, `_`; none starting with `.`, so no `.` or `..`), is `/`, is longer than 200 characters or 8 folders, or is at, under or above a place the sandbox keeps (`/srv/app`, `/proc`, `/dev`, `/sys`, `/etc`, `/usr`, `/tmp`, `/run`, …, or the server's data folder), or when `sizeBytes` is outside 32 MiB to 1 TiB. Needs the member role. Environment-scoped API tokens answer 403.",
            "security": [
              {
                "bearerAuth": []
              }
            ],
            "parameters": [
              {
                "$ref": "#/components/parameters/VolumeEnvironmentIdQuery"
              }
            ],
            "requestBody": {
              "required": true,
              "content": {
                "application/json": {
                  "schema": {
                    "$ref": "#/components/schemas/CreateVolumeRequest"
                  }
                }
              }
            },
            "responses": {
              "201": {
                "description": "The new volume.",
                "content": {
                  "application/json": {
                    "schema": {
                      "$ref": "#/components/schemas/Volume"
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
        "/api/v1/volumes/{volumeId}": {
          "parameters": [
            {
              "$ref": "#/components/parameters/VolumeId"
            }
          ],
          "patch": {
            "operationId": "resizeVolume",
            "summary": "Grow a volume",
            "tags": [
              "Volumes"
            ],
            "description": "Grows the volume's filesystem to `sizeBytes` while it is in use (ext4 grows online; where the server's kernel refuses that, the replica using it stops while it grows and starts again, the edge holding its requests). A volume only grows: a smaller size answers 409, saying how much it holds; the same size changes nothing. 422 when `sizeBytes` is outside 32 MiB to 1 TiB. Needs the member role in the volume's workspace. Environment-scoped API tokens answer 403.",
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
                    "$ref": "#/components/schemas/ResizeVolumeRequest"
                  }
                }
              }
            },
            "responses": {
              "200": {
                "description": "The volume at its new size.",
                "content": {
                  "application/json": {
                    "schema": {
                      "$ref": "#/components/schemas/Volume"
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
            "operationId": "deleteVolume",
            "summary": "Remove a volume and delete its data",
            "tags": [
              "Volumes"
            ],
            "description": "Deletes the volume and everything on it; it cannot be undone (the CLI asks for `--yes`). A replica running with it keeps the detached filesystem until it stops; the next deployment runs without it. Needs the member role in the volume's workspace. Takes no body. Environment-scoped API tokens answer 403.",
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
        "parameters": {
          "VolumeEnvironmentIdQuery": {
            "name": "environmentId",
            "in": "query",
            "required": true,
            "description": "The environment of the volume: one of the service's project (any other answers 404).",
            "schema": {
              "$ref": "#/components/schemas/Id"
            }
          },
          "VolumeId": {
            "name": "volumeId",
            "in": "path",
            "required": true,
            "schema": {
              "type": "string"
            }
          }
        },
        "schemas": {
          "Volume": {
            "type": "object",
            "description": "Storage kept across deploys, restarts and rollbacks: one per service per environment. Absent optional properties are omitted, not null.",
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
              "name": {
                "type": "string",
                "minLength": 1,
                "description": "`SERVICE-volume`: what `RAILWAY_VOLUME_NAME` says."
              },
              "mountPath": {
                "type": "string",
                "minLength": 2,
                "description": "Where replicas see it: `RAILWAY_VOLUME_MOUNT_PATH`."
              },
              "sizeBytes": {
                "type": "integer",
                "format": "int64",
                "minimum": 33554432,
                "maximum": 1099511627776,
                "description": "Its size limit: a write past it fails with ENOSPC in the app."
              },
              "usedBytes": {
                "type": "integer",
                "format": "int64",
                "minimum": 0,
                "description": "What its filesystem holds (its own metadata included); absent when it is not mounted on the server."
              },
              "mounted": {
                "type": "boolean",
                "description": "Whether the server has it mounted now."
              },
              "createdAt": {
                "$ref": "#/components/schemas/Timestamp"
              }
            },
            "required": [
              "id",
              "serviceId",
              "environmentId",
              "name",
              "mountPath",
              "sizeBytes",
              "createdAt"
            ]
          },
          "VolumeList": {
            "type": "object",
            "description": "The service's volume in one environment: none or one.",
            "properties": {
              "items": {
                "type": "array",
                "maxItems": 1,
                "items": {
                  "$ref": "#/components/schemas/Volume"
                }
              }
            },
            "required": [
              "items"
            ]
          },
          "CreateVolumeRequest": {
            "type": "object",
            "properties": {
              "mountPath": {
                "type": "string",
                "minLength": 2,
                "maxLength": 200,
                "pattern": "^(/[A-Za-z0-9_-][A-Za-z0-9._-]*){1,8}$",
                "description": "Where replicas see the volume, e.g. `/data`: absolute, at most 8 plain folder names (letters, digits, `.`, `-`, `_`; none starting with `.`), not at, under or above a place the sandbox keeps (422 names it)."
              },
              "sizeBytes": {
                "type": "integer",
                "format": "int64",
                "minimum": 33554432,
                "maximum": 1099511627776,
                "description": "Its size limit in bytes, 32 MiB to 1 TiB; left out: 1 GiB."
              }
            },
            "required": [
              "mountPath"
            ]
          },
          "ResizeVolumeRequest": {
            "type": "object",
            "properties": {
              "sizeBytes": {
                "type": "integer",
                "format": "int64",
                "minimum": 33554432,
                "maximum": 1099511627776,
                "description": "The new size in bytes, 32 MiB to 1 TiB, not below the present one."
              }
            },
            "required": [
              "sizeBytes"
            ]
          }
        }
      }
    }
    """#
}
