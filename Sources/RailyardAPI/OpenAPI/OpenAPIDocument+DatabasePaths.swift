extension OpenAPIDocument {
    /// Databases: adding one, and its backups and restores.
    static let databasePaths = #"""
    {
      "paths": {
        "/api/v1/projects/{projectId}/databases": {
          "parameters": [
            {
              "$ref": "#/components/parameters/ProjectId"
            }
          ],
          "post": {
            "operationId": "addDatabase",
            "summary": "Add a database service (PostgreSQL, Redis, MySQL)",
            "tags": [
              "Databases"
            ],
            "description": "Adds a service running the host's database server (`engine`: `postgres`, `redis` or `mysql`, served by MariaDB; `postgresql`, `pg` and `mariadb` are accepted too) in the environment: a volume of its own (`sizeBytes`, default 1 GiB), credentials generated and kept as its variables with Railway's names (PostgreSQL `DATABASE_URL`, `PGHOST`, `PGPORT`, `PGUSER`, `PGPASSWORD`, `PGDATABASE`; Redis `REDIS_URL`, `REDISHOST`, `REDISPORT`, `REDISUSER`, `REDISPASSWORD`; MySQL `MYSQL_URL`, `MYSQLHOST`, `MYSQLPORT`, `MYSQLUSER`, `MYSQLPASSWORD`, `MYSQLDATABASE`, `MYSQL_ROOT_PASSWORD`), and a first deployment (source `database`). The service is named after the engine, with a suffix when taken, unless `name` is given. `attachTo` names a service of the project that gets references to the database's connection variables (`DATABASE_URL=${{postgres.DATABASE_URL}}`, …), except those it has set itself (`kept`). 409 when the server cannot run the engine (its Debian package is not installed, or it runs without private networks: the message says which), or `name` is taken; 422 for an unknown engine (MongoDB is not in Debian's packages: the message says so), a bad `name`, a `sizeBytes` outside 32 MiB to 1 TiB, or an environment or `attachTo` outside the project. Needs the member role. Environment-scoped API tokens answer 403.",
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
                    "$ref": "#/components/schemas/AddDatabaseRequest"
                  }
                }
              }
            },
            "responses": {
              "201": {
                "description": "The database service, its volume, variables and first deployment.",
                "content": {
                  "application/json": {
                    "schema": {
                      "$ref": "#/components/schemas/DatabaseAdded"
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
              "503": {
                "$ref": "#/components/responses/PipelineUnavailable"
              }
            }
          }
        },
        "/api/v1/services/{serviceId}/backups": {
          "parameters": [
            {
              "$ref": "#/components/parameters/ServiceId"
            }
          ],
          "get": {
            "operationId": "listBackups",
            "summary": "A database service's backups in one environment",
            "tags": [
              "Databases"
            ],
            "description": "The backups taken of services of this name in the environment, newest first (a deleted database's final backups stay listed under its name). Viewers may read them. `environmentId` missing or not an id answers 400; an environment outside the service's project answers 404.",
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
                "description": "The backups.",
                "content": {
                  "application/json": {
                    "schema": {
                      "$ref": "#/components/schemas/BackupList"
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
            "operationId": "createBackup",
            "summary": "Back up a database service now",
            "tags": [
              "Databases"
            ],
            "description": "Starts a backup of the running database (PostgreSQL: pg_dump's custom format; Redis: an RDB snapshot; MySQL: mysqldump of its databases), taken by the engine's own program in a sandbox of the service's user, niced, on the environment's network. Answers at once with the backup RUNNING; `GET /backups/{backupId}` says when it is COMPLETED (with its size and SHA-256) or FAILED (with why). `final` marks the last backup before the service is deleted. 409 when the database is not running or a backup or restore of it is under way; 422 when the service is not a database or the environment is not of its project. Needs the member role.",
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
                    "$ref": "#/components/schemas/CreateBackupRequest"
                  }
                }
              }
            },
            "responses": {
              "202": {
                "description": "The backup, RUNNING.",
                "content": {
                  "application/json": {
                    "schema": {
                      "$ref": "#/components/schemas/Backup"
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
              "503": {
                "$ref": "#/components/responses/PipelineUnavailable"
              }
            }
          }
        },
        "/api/v1/backups/{backupId}": {
          "parameters": [
            {
              "$ref": "#/components/parameters/BackupId"
            }
          ],
          "get": {
            "operationId": "getBackup",
            "summary": "A backup",
            "tags": [
              "Databases"
            ],
            "description": "The backup and its last restore. Viewers may read it.",
            "security": [
              {
                "bearerAuth": []
              }
            ],
            "responses": {
              "200": {
                "description": "The backup.",
                "content": {
                  "application/json": {
                    "schema": {
                      "$ref": "#/components/schemas/Backup"
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
          "delete": {
            "operationId": "deleteBackup",
            "summary": "Delete a backup and its file",
            "tags": [
              "Databases"
            ],
            "description": "Deletes the backup's record and file; it cannot be undone (the CLI asks for `--yes`). 409 while it is being taken or restored. Takes no body. Needs the member role. Environment-scoped API tokens answer 403.",
            "security": [
              {
                "bearerAuth": []
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
              },
              "409": {
                "$ref": "#/components/responses/Conflict"
              }
            }
          }
        },
        "/api/v1/backups/{backupId}/restore": {
          "parameters": [
            {
              "$ref": "#/components/parameters/BackupId"
            }
          ],
          "post": {
            "operationId": "restoreBackup",
            "summary": "Restore a backup into a database",
            "tags": [
              "Databases"
            ],
            "description": "Starts restoring the backup into its own service, or into `serviceId` (a database service of the same engine in the backup's project). Its file's SHA-256 is checked first. PostgreSQL: pg_restore --clean in one transaction (a failed restore changes nothing); MySQL: the dump replayed; Redis: the server stops, its data is replaced by the snapshot, and it starts again. Answers at once with `restoreStatus` RUNNING; `GET /backups/{backupId}` says how it ended. 409 when the backup did not complete, its file is on another server, it or the database is busy with another backup or restore, the database is not running, or its service was deleted and no `serviceId` is given; 422 when `serviceId` is not a database of the backup's engine in its project. With `newServiceName` instead, a database service of that name is added first as `POST /projects/{projectId}/databases` adds one (its volume as large as the backed-up service's was); the restore stays RUNNING until it serves, and FAILED says why if its deployment fails; 409 when the name is taken, 422 for a bad name or `serviceId` given too. Needs the member role. Environment-scoped API tokens answer 403.",
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
                    "$ref": "#/components/schemas/RestoreBackupRequest"
                  }
                }
              }
            },
            "responses": {
              "202": {
                "description": "The backup, its restore RUNNING.",
                "content": {
                  "application/json": {
                    "schema": {
                      "$ref": "#/components/schemas/Backup"
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
              "503": {
                "$ref": "#/components/responses/PipelineUnavailable"
              }
            }
          }
        }
      },
      "components": {
        "parameters": {
          "BackupId": {
            "name": "backupId",
            "in": "path",
            "required": true,
            "schema": {
              "type": "string"
            }
          }
        },
        "schemas": {
          "DatabaseEngine": {
            "type": "string",
            "enum": [
              "postgres",
              "redis",
              "mysql"
            ],
            "description": "The database a service runs: PostgreSQL, Redis, or MySQL served by MariaDB."
          },
          "AddDatabaseRequest": {
            "type": "object",
            "properties": {
              "engine": {
                "type": "string",
                "minLength": 1,
                "maxLength": 40,
                "description": "postgres (postgresql, pg), redis, or mysql (mariadb)."
              },
              "environmentId": {
                "$ref": "#/components/schemas/Id"
              },
              "name": {
                "type": "string",
                "minLength": 1,
                "maxLength": 32,
                "pattern": "^[a-z](?:[a-z0-9-]{0,30}[a-z0-9])?$"
              },
              "attachTo": {
                "$ref": "#/components/schemas/Id"
              },
              "sizeBytes": {
                "type": "integer",
                "format": "int64",
                "minimum": 33554432,
                "maximum": 1099511627776
              },
              "version": {
                "type": "string",
                "pattern": "^[0-9]+(\\.[0-9]+)?$",
                "maxLength": 12,
                "description": "The engine's major version (PostgreSQL's 15, MariaDB's 10.11); the newest the server's machine has when absent. One it lacks is refused with the package to install (409)."
              }
            },
            "required": [
              "engine",
              "environmentId"
            ]
          },
          "DatabaseAdded": {
            "type": "object",
            "properties": {
              "service": {
                "$ref": "#/components/schemas/Service"
              },
              "deployment": {
                "$ref": "#/components/schemas/Deployment"
              },
              "volume": {
                "$ref": "#/components/schemas/Volume"
              },
              "variables": {
                "type": "array",
                "items": {
                  "type": "string"
                }
              },
              "attachedTo": {
                "$ref": "#/components/schemas/Service"
              },
              "references": {
                "type": "array",
                "items": {
                  "type": "string"
                }
              },
              "kept": {
                "type": "array",
                "items": {
                  "type": "string"
                },
                "description": "Names the attached service had set itself: left as they were, not replaced by references."
              }
            },
            "required": [
              "service",
              "deployment",
              "volume",
              "variables",
              "references",
              "kept"
            ]
          },
          "CreateBackupRequest": {
            "type": "object",
            "properties": {
              "environmentId": {
                "$ref": "#/components/schemas/Id"
              },
              "final": {
                "type": "boolean"
              }
            },
            "required": [
              "environmentId"
            ]
          },
          "RestoreBackupRequest": {
            "type": "object",
            "properties": {
              "serviceId": {
                "$ref": "#/components/schemas/Id"
              },
              "newServiceName": {
                "type": "string",
                "description": "Add a database service of this name (of the backup's engine, in its environment) and restore into it once it serves. Not with `serviceId`."
              }
            }
          },
          "Backup": {
            "type": "object",
            "description": "A database backup, kept under the server's data folder with its SHA-256. Absent optional properties are omitted, not null.",
            "properties": {
              "id": {
                "$ref": "#/components/schemas/Id"
              },
              "projectId": {
                "$ref": "#/components/schemas/Id"
              },
              "environmentId": {
                "$ref": "#/components/schemas/Id"
              },
              "serviceId": {
                "$ref": "#/components/schemas/Id"
              },
              "serviceName": {
                "type": "string"
              },
              "engine": {
                "$ref": "#/components/schemas/DatabaseEngine"
              },
              "trigger": {
                "type": "string",
                "enum": [
                  "manual",
                  "scheduled",
                  "final"
                ]
              },
              "status": {
                "type": "string",
                "enum": [
                  "RUNNING",
                  "COMPLETED",
                  "FAILED"
                ]
              },
              "reason": {
                "type": "string"
              },
              "sizeBytes": {
                "type": "integer",
                "format": "int64",
                "minimum": 0
              },
              "sha256": {
                "type": "string",
                "pattern": "^[0-9a-f]{64}$"
              },
              "restoreStatus": {
                "type": "string",
                "enum": [
                  "RUNNING",
                  "COMPLETED",
                  "FAILED"
                ]
              },
              "restoreReason": {
                "type": "string"
              },
              "restoredAt": {
                "$ref": "#/components/schemas/Timestamp"
              },
              "createdAt": {
                "$ref": "#/components/schemas/Timestamp"
              },
              "finishedAt": {
                "$ref": "#/components/schemas/Timestamp"
              }
            },
            "required": [
              "id",
              "projectId",
              "environmentId",
              "serviceId",
              "serviceName",
              "engine",
              "trigger",
              "status",
              "createdAt"
            ]
          },
          "BackupList": {
            "type": "object",
            "properties": {
              "items": {
                "type": "array",
                "items": {
                  "$ref": "#/components/schemas/Backup"
                }
              }
            },
            "required": [
              "items"
            ]
          }
        }
      }
    }
    """#
}
