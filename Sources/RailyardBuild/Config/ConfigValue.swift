import Foundation

/// A config document's value, from JSON or TOML alike, so that one reader validates both.
enum ConfigValue: Sendable, Equatable, Decodable {
    case string(String)
    case integer(Int)
    case double(Double)
    case bool(Bool)
    case array([ConfigValue])
    case table([String: ConfigValue])

    var kindName: String {
        switch self {
        case .string: "a string"
        case .integer: "an integer"
        case .double: "a number"
        case .bool: "a boolean"
        case .array: "an array"
        case .table: "an object"
        }
    }

    /// JSON through `JSONDecoder`, which keeps booleans and numbers apart.
    init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        if let bool = try? container.decode(Bool.self) {
            self = .bool(bool)
        } else if let integer = try? container.decode(Int.self) {
            self = .integer(integer)
        } else if let double = try? container.decode(Double.self) {
            self = .double(double)
        } else if let text = try? container.decode(String.self) {
            self = .string(text)
        } else if let array = try? container.decode([ConfigValue].self) {
            self = .array(array)
        } else {
            self = .table(try container.decode([String: ConfigValue].self))
        }
    }
}
