import Foundation

/// The OpenAPI 3.1 document of `/api/v1`, served at `/api/v1/openapi.json`. Written in pieces
/// by responsibility (this file: what the API is; `+AccountPaths`, `+WorkspacePaths`,
/// `+ServicePaths`, `+VariablePaths`, `+VolumePaths`, `+DatabasePaths`, `+TCPProxyPaths`,
/// `+BackupSchedulePaths`: the operations; `+Schemas`, `+ProjectSchemas`, `+AccountSchemas`:
/// what it answers; `+RequestSchemas`, `+ProjectRequestSchemas`, `+ServiceSettingsSchemas`:
/// what it takes; `+Components`: parameters and responses they share), joined once at start
/// into `json`; `+Links` and `+StoreFaults` add what is derived.
enum OpenAPIDocument {
    static let head = #"""
    {
      "openapi": "3.1.0",
      "info": {
        "title": "Railyard",
        "version": "0.1.0",
        "description": "The Railyard control-plane API. Every error has the shape `{\"error\":{\"code\",\"message\",\"field\"}}`; `field` is omitted when no single field is at fault. A method the document does not list for a known path answers 405 with an `Allow` header naming the methods it does list; unknown paths answer 404. JSON bodies over 1 MiB answer 413; a NUL character anywhere in a JSON body (in a value or a key) answers 400, as the store cannot keep one."
      },
      "servers": [
        {
          "url": "/"
        }
      ],
      "security": [
        {
          "bearerAuth": []
        }
      ],
      "tags": [
        {
          "name": "Health"
        },
        {
          "name": "Auth"
        },
        {
          "name": "Workspaces"
        },
        {
          "name": "Projects"
        },
        {
          "name": "Services"
        },
        {
          "name": "Domains"
        },
        {
          "name": "Variables"
        },
        {
          "name": "Volumes"
        },
        {
          "name": "Databases"
        },
        {
          "name": "TCP proxies"
        }
      ]
    }
    """#

    /// The pieces, in one document; "" when a piece is not JSON (the document's own tests fail
    /// on that).
    static let json: String = joined([head, accountPaths, workspacePaths, servicePaths, variablePaths, volumePaths, databasePaths, tcpProxyPaths, backupSchedulePaths, schemas, projectSchemas, accountSchemas, requestSchemas, projectRequestSchemas, serviceSettingsSchemas, sharedComponents]) ?? ""

    /// The objects of `pieces` merged key by key, two levels deep (`paths`, `components.*`);
    /// a key written twice is a mistake, and gives nil.
    static func joined(_ pieces: [String]) -> String? {
        var document: [String: Any] = [:]
        for piece in pieces {
            guard let object = try? JSONSerialization.jsonObject(with: Data(piece.utf8)) as? [String: Any] else { return nil }
            for (key, value) in object {
                guard let section = value as? [String: Any], key == "paths" || key == "components" else {
                    guard document[key] == nil else { return nil }
                    document[key] = value
                    continue
                }
                var merged = document[key] as? [String: Any] ?? [:]
                for (name, entry) in section {
                    if key == "components", let inner = entry as? [String: Any] {
                        var existing = merged[name] as? [String: Any] ?? [:]
                        for (innerName, innerEntry) in inner {
                            guard existing[innerName] == nil else { return nil }
                            existing[innerName] = innerEntry
                        }
                        merged[name] = existing
                    } else {
                        guard merged[name] == nil else { return nil }
                        merged[name] = entry
                    }
                }
                document[key] = merged
            }
        }
        guard let data = try? JSONSerialization.data(
            withJSONObject: document, options: [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes])
        else { return nil }
        return String(decoding: data, as: UTF8.self)
    }
}
