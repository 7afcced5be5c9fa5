import Foundation

/// A value that writes its own JSON, byte for byte what its `Encodable` conformance gives with
/// `JSONCoding`'s settings (keys may come in another order). List responses use it: Foundation's
/// encoder builds a tree of boxed values first and was a quarter of the API's CPU time.
/// A test compares both outputs for every conforming type.
public protocol JSONWritable: Encodable {
    func writeJSON(to output: inout JSONOutput)
}

/// A growing UTF-8 buffer with the few JSON primitives the writers need.
public struct JSONOutput {
    public private(set) var bytes: [UInt8] = []

    public init(capacity: Int = 1024) { bytes.reserveCapacity(capacity) }

    public mutating func raw(_ text: StaticString) {
        text.withUTF8Buffer { bytes.append(contentsOf: $0) }
    }

    /// Bytes that are JSON already.
    public mutating func append(_ json: ArraySlice<UInt8>) {
        bytes.append(contentsOf: json)
    }

    public mutating func string(_ text: String) {
        if text.utf8.withContiguousStorageIfAvailable({ Self.appendString($0, to: &bytes) }) != nil { return }
        Array(text.utf8).withUnsafeBufferPointer { Self.appendString($0, to: &bytes) }
    }

    /// `text` as a JSON string, added to `bytes`: quoted, with `"`, `\`, and control characters
    /// escaped (`\n`, `\r`, `\t`, else `\u00xx`); runs that need no escape are copied whole.
    public static func appendString(_ text: UnsafeBufferPointer<UInt8>, to bytes: inout [UInt8]) {
        bytes.append(0x22)
        var runStart = 0
        for index in 0..<text.count {
            let byte = text[index]
            guard byte < 0x20 || byte == 0x22 || byte == 0x5C else { continue }
            if runStart < index { bytes.append(contentsOf: UnsafeBufferPointer(rebasing: text[runStart..<index])) }
            runStart = index + 1
            switch byte {
            case 0x22: bytes.append(0x5C); bytes.append(0x22)
            case 0x5C: bytes.append(0x5C); bytes.append(0x5C)
            case 0x0A: bytes.append(0x5C); bytes.append(0x6E)
            case 0x0D: bytes.append(0x5C); bytes.append(0x72)
            case 0x09: bytes.append(0x5C); bytes.append(0x74)
            default:
                let hex: StaticString = "0123456789abcdef"
                hex.withUTF8Buffer { digits in
                    bytes.append(contentsOf: [0x5C, 0x75, 0x30, 0x30, digits[Int(byte >> 4)], digits[Int(byte & 15)]])
                }
            }
        }
        if runStart < text.count { bytes.append(contentsOf: UnsafeBufferPointer(rebasing: text[runStart...])) }
        bytes.append(0x22)
    }

    public mutating func date(_ date: Date) { string(JSONCoding.formatTimestamp(date)) }

    /// Writes `"key":` preceded by a comma unless it is the object's first member.
    public mutating func key(_ key: StaticString, first: Bool = false) {
        if !first { bytes.append(44) }
        bytes.append(34)
        key.withUTF8Buffer { bytes.append(contentsOf: $0) }
        bytes.append(34)
        bytes.append(58)
    }

    public mutating func optionalString(_ key: StaticString, _ value: String?, first: Bool = false) {
        guard let value else { return }
        self.key(key, first: first)
        string(value)
    }

    public mutating func integer(_ value: Int) {
        bytes.append(contentsOf: String(value).utf8)
    }

    /// A finite number (JSON has no NaN or infinity: those are written as 0).
    public mutating func decimal(_ value: Double) {
        bytes.append(contentsOf: (value.isFinite ? String(value) : "0").utf8)
    }
}

extension Project: JSONWritable {
    public func writeJSON(to output: inout JSONOutput) {
        output.raw("{")
        output.key("createdAt", first: true); output.date(createdAt)
        output.key("id"); output.string(id.rawValue)
        output.key("name"); output.string(name)
        output.key("workspaceId"); output.string(workspaceID.rawValue)
        output.raw("}")
    }
}

extension JSONOutput {
    /// Environments and services have the same fields: a name in a project.
    mutating func namedInProject(id: String, name: String, projectID: String, createdAt: Date) {
        raw("{")
        key("createdAt", first: true); date(createdAt)
        key("id"); string(id)
        key("name"); string(name)
        key("projectId"); string(projectID)
        raw("}")
    }
}

extension Environment: JSONWritable {
    public func writeJSON(to output: inout JSONOutput) {
        output.namedInProject(id: id.rawValue, name: name, projectID: projectID.rawValue, createdAt: createdAt)
    }
}

extension Service: JSONWritable {
    public func writeJSON(to output: inout JSONOutput) {
        output.raw("{")
        output.key("createdAt", first: true); output.date(createdAt)
        if let cpuLimitMillis { output.key("cpuLimitMillis"); output.integer(cpuLimitMillis) }
        output.optionalString("database", database?.rawValue)
        output.optionalString("databaseVersion", databaseVersion)
        output.key("deploy"); deploy.writeJSON(to: &output)
        output.key("id"); output.string(id.rawValue)
        if let memoryLimit { output.key("memoryLimit"); output.integer(Int(memoryLimit)) }
        output.key("name"); output.string(name)
        if let processLimit { output.key("processLimit"); output.integer(processLimit) }
        output.key("projectId"); output.string(projectID.rawValue)
        if let repository {
            output.key("repository")
            output.raw("{")
            output.key("url", first: true); output.string(repository.url)
            output.optionalString("branch", repository.branch)
            output.optionalString("rootDirectory", repository.rootDirectory)
            output.raw("}")
        }
        if let requestBodyLimit { output.key("requestBodyLimit"); output.integer(Int(requestBodyLimit)) }
        output.raw("}")
    }
}

extension ServiceDeploySettings: JSONWritable {
    public func writeJSON(to output: inout JSONOutput) {
        output.raw("{")
        var first = true
        func integer(_ key: StaticString, _ value: Int?) {
            guard let value else { return }
            output.key(key, first: first); output.integer(value)
            first = false
        }
        func string(_ key: StaticString, _ value: String?) {
            guard let value else { return }
            output.optionalString(key, value, first: first)
            first = false
        }
        string("healthcheckPath", healthcheckPath)
        integer("healthcheckTimeout", healthcheckTimeout)
        integer("numReplicas", numReplicas)
        integer("restartPolicyMaxRetries", restartPolicyMaxRetries)
        string("restartPolicyType", restartPolicyType?.rawValue)
        string("startCommand", startCommand)
        output.raw("}")
    }
}

extension Deployment: JSONWritable {
    public func writeJSON(to output: inout JSONOutput) {
        output.raw("{")
        output.key("createdAt", first: true); output.date(createdAt)
        output.optionalString("commitMessage", commitMessage)
        output.optionalString("commitSha", commitSHA)
        output.key("environmentId"); output.string(environmentID.rawValue)
        output.key("id"); output.string(id.rawValue)
        output.key("instances"); output.raw("[")
        for (index, instance) in instances.enumerated() {
            if index > 0 { output.raw(",") }
            output.raw("{")
            output.key("address", first: true); output.string(instance.address)
            output.key("replica"); output.integer(instance.replica)
            output.key("restarts"); output.integer(instance.restarts)
            output.key("state"); output.string(instance.state)
            output.raw("}")
        }
        output.raw("]")
        output.optionalString("message", message)
        output.optionalString("provider", provider)
        output.key("serviceId"); output.string(serviceID.rawValue)
        output.key("source"); output.string(source.rawValue)
        output.optionalString("sourceDeploymentId", sourceDeploymentID?.rawValue)
        output.key("status"); output.string(status.rawValue)
        output.optionalString("statusReason", statusReason)
        output.key("updatedAt"); output.date(updatedAt)
        output.key("warnings"); output.raw("[")
        for (index, warning) in warnings.enumerated() {
            if index > 0 { output.raw(",") }
            output.string(warning)
        }
        output.raw("]}")
    }
}

extension AuditEvent: JSONWritable {
    public func writeJSON(to output: inout JSONOutput) {
        output.raw("{")
        output.key("action", first: true); output.string(action)
        output.key("actor"); output.string(actor)
        output.optionalString("clientAddress", clientAddress)
        output.key("createdAt"); output.date(createdAt)
        output.key("id"); output.string(id.rawValue)
        output.key("targetId"); output.string(targetID)
        output.key("targetType"); output.string(targetType)
        output.key("workspaceId"); output.string(workspaceID.rawValue)
        output.raw("}")
    }
}

extension Page: JSONWritable where Item: JSONWritable {
    public func writeJSON(to output: inout JSONOutput) {
        output.raw("{\"items\":[")
        for (index, item) in items.enumerated() {
            if index > 0 { output.raw(",") }
            item.writeJSON(to: &output)
        }
        output.raw("]")
        output.optionalString("nextCursor", nextCursor)
        output.raw("}")
    }
}

extension LogLine: JSONWritable {
    public func writeJSON(to output: inout JSONOutput) {
        output.raw("{")
        output.key("deploymentId", first: true); output.string(deploymentId)
        output.optionalString("fields", fields)
        output.optionalString("level", level)
        output.key("message"); output.string(message)
        output.key("phase"); output.string(phase)
        if let replica { output.key("replica"); output.integer(replica) }
        output.key("seq"); output.integer(seq)
        output.key("stream"); output.string(stream)
        output.key("time"); output.date(time)
        output.raw("}")
    }
}
