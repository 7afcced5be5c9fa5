import Foundation

/// The methods the OpenAPI document lists for each of its paths, so that a request on a known
/// path with another method can be answered 405 with `Allow` rather than 404. The document is
/// the list because every documented operation is routed (a test checks that).
struct AllowedMethods: Sendable {
    struct Template: Sendable {
        /// Path segments; nil stands for a `{parameter}`.
        let segments: [String?]
        let methods: [String]
    }

    let templates: [Template]

    static let api = AllowedMethods(document: OpenAPIDocument.served)

    static let httpMethods = ["get", "put", "post", "delete", "options", "head", "patch", "trace"]

    init(document: String) {
        let paths = (try? JSONSerialization.jsonObject(with: Data(document.utf8)) as? [String: Any])?["paths"] as? [String: Any] ?? [:]
        templates = paths.compactMap { path, item in
            guard let operations = item as? [String: Any] else { return nil }
            let methods = Self.httpMethods.filter { operations[$0] != nil }.map { $0.uppercased() }
            guard !methods.isEmpty else { return nil }
            let segments = path.split(separator: "/", omittingEmptySubsequences: false).map { segment -> String? in
                segment.hasPrefix("{") && segment.hasSuffix("}") ? nil : String(segment)
            }
            return Template(segments: segments, methods: methods)
        }
    }

    /// The methods listed for the documented path `path` matches; nil when it matches none.
    func methods(forPath path: String) -> [String]? {
        let segments = path.split(separator: "/", omittingEmptySubsequences: false)
        for template in templates where template.segments.count == segments.count {
            let matches = zip(template.segments, segments).allSatisfy { expected, actual in
                expected.map { $0 == actual } ?? !actual.isEmpty
            }
            if matches { return template.methods }
        }
        return nil
    }
}
