extension OpenAPIDocument {
    /// Scheduled backups of a database service.
    static let backupSchedulePaths = #"""
    {
      "paths": {
        "/api/v1/services/{serviceId}/backup-schedule": {
          "parameters": [
            {
              "$ref": "#/components/parameters/ServiceId"
            }
          ],
          "get": {
            "operationId": "getBackupSchedule",
            "summary": "A database service's backup schedule in one environment",
            "tags": [
              "Databases"
            ],
            "description": "The schedule (`cron` in UTC, how many scheduled backups it keeps, when the next is due). 404 when the service has none in the environment. Viewers may read it. `environmentId` missing or not an id answers 400; an environment outside the service's project answers 404.",
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
                "description": "The schedule.",
                "content": {
                  "application/json": {
                    "schema": {
                      "$ref": "#/components/schemas/BackupSchedule"
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
          "put": {
            "operationId": "setBackupSchedule",
            "summary": "Back up a database service on a schedule",
            "tags": [
              "Databases"
            ],
            "description": "Sets (or replaces) the service's schedule in the environment. `cron` has five fields in UTC \u2014 minute (0\u201359), hour (0\u201323), day of month (1\u201331), month (1\u201312 or `jan`\u2013`dec`), day of week (0\u20137, 0 and 7 Sunday, or `sun`\u2013`sat`) \u2014 each `*`, a value, a range `A-B`, a step `/N` after either, or a list of those (at most 60 items); or an alias `@hourly`, `@daily`, `@weekly`, `@monthly`, `@yearly`. When both day fields are restricted a day matches either, as in Vixie cron. The server takes a backup (trigger `scheduled`) when it is due and the database is serving (otherwise the service's log says why it was skipped), then deletes the oldest scheduled backups beyond `keep` (1\u20131000), with their files; manual and final backups are never deleted. A server that was stopped when a backup was due takes it once when it starts again, not every one it missed. 422 naming the field (`the hour field: 24 is out of range 0\u201323`) for a malformed expression or one that never fires (`0 0 30 2 *`), for `keep` outside 1\u20131000, or for a service that is not a database. Needs the member role. Environment-scoped API tokens answer 403.",
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
                    "$ref": "#/components/schemas/SetBackupScheduleRequest"
                  }
                }
              }
            },
            "responses": {
              "200": {
                "description": "The schedule, with its next time.",
                "content": {
                  "application/json": {
                    "schema": {
                      "$ref": "#/components/schemas/BackupSchedule"
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
          },
          "delete": {
            "operationId": "deleteBackupSchedule",
            "summary": "Stop a database service's scheduled backups",
            "tags": [
              "Databases"
            ],
            "description": "Removes the schedule; the backups it took stay. 404 when there is none. Takes no body. Needs the member role. Environment-scoped API tokens answer 403.",
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
              "503": {
                "$ref": "#/components/responses/PipelineUnavailable"
              }
            }
          }
        }
      },
      "components": {
        "schemas": {
          "SetBackupScheduleRequest": {
            "type": "object",
            "properties": {
              "cron": {
                "type": "string",
                "minLength": 1,
                "maxLength": 200,
                "description": "Five fields in UTC, or an alias such as `@daily`."
              },
              "keep": {
                "type": "integer",
                "minimum": 1,
                "maximum": 1000,
                "description": "How many scheduled backups stay."
              }
            },
            "required": [
              "cron",
              "keep"
            ]
          },
          "BackupSchedule": {
            "type": "object",
            "properties": {
              "serviceId": {
                "$ref": "#/components/schemas/Id"
              },
              "environmentId": {
                "$ref": "#/components/schemas/Id"
              },
              "projectId": {
                "$ref": "#/components/schemas/Id"
              },
              "cron": {
                "type": "string"
              },
              "keep": {
                "type": "integer",
                "minimum": 1,
                "maximum": 1000
              },
              "nextAt": {
                "$ref": "#/components/schemas/Timestamp"
              },
              "createdAt": {
                "$ref": "#/components/schemas/Timestamp"
              },
              "updatedAt": {
                "$ref": "#/components/schemas/Timestamp"
              }
            },
            "required": [
              "serviceId",
              "environmentId",
              "projectId",
              "cron",
              "keep",
              "nextAt",
              "createdAt",
              "updatedAt"
            ]
          }
        }
      }
    }
    """#
}
