import Foundation

extension OpenAPIDocument {
    /// The document as served: `json` with its `links` (OpenAPIDocument+Links.swift) and the
    /// answers every `/api/v1` operation can give when
    /// the store fails added to each, rather than written out some fifty times by hand: 503
    /// `store_unavailable` (every operation reads the store, if only to check the caller's
    /// token) and, for operations that write, 507 `disk_full`. An operation that documents a
    /// 503 of its own keeps it (its description names the store too).
    static let served: String = withStoreFaults(json) ?? json

    static var storeUnavailableResponse: [String: Any] { [
        "description": "The server is up but its store is unavailable: PostgreSQL cannot be reached or did not answer within the store's time limit (5 s unless `railyard server --store-timeout` says otherwise). Code `store_unavailable`; try again later.",
        "content": ["application/json": ["schema": ["$ref": "#/components/schemas/Error"]]],
        "headers": [
            "Retry-After": [
                "description": "Seconds to wait before trying again.",
                "schema": ["type": "integer", "minimum": 1],
            ],
        ],
    ] }

    static var diskFullResponse: [String: Any] { [
        "description": "A disk the server writes to is full: the data folder (the SQLite store, uploads) or PostgreSQL's. Code `disk_full`; the message names the folder where the server knows it. Nothing of the refused request is kept.",
        "content": ["application/json": ["schema": ["$ref": "#/components/schemas/Error"]]],
    ] }

    static let writingMethods: Set<String> = ["post", "put", "patch", "delete"]
    static let methods: Set<String> = writingMethods.union(["get"])

    /// `text` with its links and the store's failures added; nil when it is not the JSON expected (the
    /// document's own test catches that).
    static func withStoreFaults(_ text: String) -> String? {
        guard let written = try? JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any],
              var document = withLinks(written),
              var paths = document["paths"] as? [String: Any],
              var components = document["components"] as? [String: Any]
        else { return nil }
        var responses = components["responses"] as? [String: Any] ?? [:]
        responses["StoreUnavailable"] = storeUnavailableResponse
        responses["DiskFull"] = diskFullResponse
        components["responses"] = responses
        document["components"] = components
        for (path, item) in paths where path.hasPrefix("/api/v1/") && path != "/api/v1/openapi.json" {
            guard var operations = item as? [String: Any] else { continue }
            for (method, value) in operations where methods.contains(method) {
                guard var operation = value as? [String: Any], var answers = operation["responses"] as? [String: Any] else { continue }
                if answers["503"] == nil { answers["503"] = ["$ref": "#/components/responses/StoreUnavailable"] }
                if writingMethods.contains(method), answers["507"] == nil {
                    answers["507"] = ["$ref": "#/components/responses/DiskFull"]
                }
                operation["responses"] = answers
                operations[method] = operation
            }
            paths[path] = operations
        }
        document["paths"] = paths
        guard let data = try? JSONSerialization.data(withJSONObject: document, options: [.prettyPrinted, .sortedKeys]) else {
            return nil
        }
        return String(decoding: data, as: UTF8.self)
    }
}
