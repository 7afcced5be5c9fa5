/// A variable's value read as text with references in it: `${{VAR}}` (the same service),
/// `${{SERVICE.VAR}}` (another service of the project, in the same environment) and
/// `${{shared.VAR}}` (the environment's shared variables). Parsing is pure and linear in the
/// value's length; a value without `${{` is plain text.
public struct VariableTemplate: Sendable, Equatable {
    public enum Part: Sendable, Equatable {
        case text(String)
        case reference(VariableReference)
    }

    public let parts: [Part]

    /// Why a value cannot be read as a template. `detail` never repeats the value's text, so
    /// it may be shown for sealed variables too.
    public struct Problem: Error, Sendable, Equatable {
        public let detail: String
    }

    /// The opening of a reference.
    static let opening: [UInt8] = Array("${{".utf8)
    static let closing: [UInt8] = Array("}}".utf8)

    public init(parsing value: String) throws(Problem) {
        let bytes = Array(value.utf8)
        var parts: [Part] = []
        var textStart = 0
        var index = 0
        while let start = Self.find(Self.opening, in: bytes, from: index) {
            let inner = start + Self.opening.count
            guard let end = Self.find(Self.closing, in: bytes, from: inner) else {
                throw Problem(detail: "a `${{` has no closing `}}`")
            }
            if start > textStart { parts.append(.text(String(decoding: bytes[textStart..<start], as: UTF8.self))) }
            let body = String(decoding: bytes[inner..<end], as: UTF8.self)
            guard let reference = VariableReference(body) else {
                throw Problem(detail: "a reference must read ${{VAR}}, ${{SERVICE.VAR}} or ${{shared.VAR}}")
            }
            parts.append(.reference(reference))
            index = end + Self.closing.count
            textStart = index
        }
        if textStart < bytes.count { parts.append(.text(String(decoding: bytes[textStart...], as: UTF8.self))) }
        self.parts = parts
    }

    /// The references in order of appearance.
    public var references: [VariableReference] {
        parts.compactMap { if case .reference(let reference) = $0 { reference } else { nil } }
    }

    static func find(_ needle: [UInt8], in bytes: [UInt8], from: Int) -> Int? {
        guard needle.count <= bytes.count, from <= bytes.count - needle.count else { return nil }
        var index = from
        while index <= bytes.count - needle.count {
            if bytes[index] == needle[0] {
                var matched = true
                for offset in 1..<needle.count where bytes[index + offset] != needle[offset] {
                    matched = false
                    break
                }
                if matched { return index }
            }
            index += 1
        }
        return nil
    }
}

/// What one `${{…}}` names.
public struct VariableReference: Sendable, Hashable, CustomStringConvertible {
    public enum Scope: Sendable, Hashable {
        /// `${{VAR}}`: the service (or, inside a shared variable, the shared variables) the
        /// value belongs to.
        case same
        /// `${{shared.VAR}}`.
        case shared
        /// `${{SERVICE.VAR}}`, by the service's name (compared in lower case: Railway's
        /// `${{Postgres.X}}` finds the service `postgres`).
        case service(String)
    }

    /// The word that names the shared variables; a service of that name cannot be referenced.
    public static let sharedScope = "shared"

    public let scope: Scope
    public let name: String

    public init(scope: Scope, name: String) {
        self.scope = scope
        self.name = name
    }

    /// Reads what is between `${{` and `}}`, spaces around it allowed. Nil when it is not a
    /// variable name, optionally after one qualifier and a dot.
    init?(_ body: String) {
        let trimmed = body.trimmingSpaces
        let pieces = trimmed.split(separator: ".", omittingEmptySubsequences: false)
        switch pieces.count {
        case 1:
            guard NameRules.variableNameProblem(trimmed) == nil else { return nil }
            self.init(scope: .same, name: trimmed)
        case 2:
            let qualifier = pieces[0].lowercased()
            let name = String(pieces[1])
            guard NameRules.variableNameProblem(name) == nil else { return nil }
            if qualifier == Self.sharedScope {
                self.init(scope: .shared, name: name)
            } else {
                guard NameRules.serviceNameProblem(qualifier) == nil else { return nil }
                self.init(scope: .service(qualifier), name: name)
            }
        default:
            return nil
        }
    }

    public var description: String {
        switch scope {
        case .same: "${{\(name)}}"
        case .shared: "${{shared.\(name)}}"
        case .service(let service): "${{\(service).\(name)}}"
        }
    }
}

extension String {
    var trimmingSpaces: String {
        var scalars = Substring(self)
        while scalars.first == " " { scalars.removeFirst() }
        while scalars.last == " " { scalars.removeLast() }
        return String(scalars)
    }
}
