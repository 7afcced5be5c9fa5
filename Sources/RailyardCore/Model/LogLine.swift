import Foundation

/// One line of a deployment's log.
public struct LogLine: Codable, Sendable, Equatable {
    /// Position in the deployment's log, from 1, without gaps: the resume point of a stream.
    public var seq: Int
    public var time: Date
    public var deploymentId: String
    /// `build` or `deploy`.
    public var phase: String
    /// The replica that printed the line; nil for build output and the platform's own lines.
    public var replica: Int?
    /// `stdout`, `stderr` or `system` (Railyard's own lines).
    public var stream: String
    public var message: String
    /// From a line that was a JSON object: its `level` field.
    public var level: String?
    /// From a line that was a JSON object: the whole object, as printed.
    public var fields: String?

    public init(
        seq: Int, time: Date, deploymentId: String, phase: String, replica: Int?, stream: String, message: String,
        level: String?, fields: String?
    ) {
        self.seq = seq
        self.time = time
        self.deploymentId = deploymentId
        self.phase = phase
        self.replica = replica
        self.stream = stream
        self.message = message
        self.level = level
        self.fields = fields
    }

    /// Reads `level` and `message` (or `msg`) from a line that is a JSON object.
    public static func structured(_ text: String) -> (message: String, level: String?, fields: String?) {
        guard text.first == "{", text.last == "}", text.utf8.count <= 64 * 1024,
              let object = try? JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any]
        else { return (text, nil, nil) }
        let message = (object["message"] as? String) ?? (object["msg"] as? String) ?? text
        let level = (object["level"] as? String) ?? (object["severity"] as? String)
        return (message, level?.lowercased(), text)
    }
}

