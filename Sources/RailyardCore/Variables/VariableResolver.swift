/// Resolves the references in variables (`${{SERVICE.VAR}}`, `${{shared.VAR}}`, `${{VAR}}`)
/// over the variables of one project environment: its services' variables, their platform
/// variables, and the shared variables. Pure: the caller loads what it holds; whatever it does
/// not hold (another project's services, another environment) cannot be reached.
///
/// Resolution walks references with an explicit stack (no recursion, so a long chain cannot
/// overflow the stack), remembers every value it resolved (so each is resolved once), and
/// bounds the size of each resolved value and of all of them together (so composition cannot
/// grow a value without limit).
public struct VariableResolver: Sendable {
    /// Whose variables: the environment's shared ones or a service's.
    public enum Owner: Sendable, Hashable, CustomStringConvertible {
        case shared
        case service(String)

        public var description: String {
            switch self {
            case .shared: VariableReference.sharedScope
            case .service(let name): name
            }
        }
    }

    /// One variable, as written in messages: `web.DATABASE_URL`, `shared.TOKEN`.
    public struct Key: Sendable, Hashable, CustomStringConvertible {
        public let owner: Owner
        public let name: String

        public init(_ owner: Owner, _ name: String) {
            self.owner = owner
            self.name = name
        }

        public var description: String { "\(owner).\(name)" }
    }

    /// The variables of a service (or the shared ones).
    public struct Variables: Sendable {
        /// What people set, references and all.
        public var values: [String: String]
        /// Names whose values are sealed: never shown, not even in part in an error.
        public var sealed: Set<String>
        /// Platform variables that win over `values` (`RAILWAY_SERVICE_NAME`, …): plain text.
        public var platform: [String: String]
        /// Platform variables a person may override by setting them (`RAILWAY_PUBLIC_DOMAIN`).
        public var defaults: [String: String]

        public init(
            values: [String: String] = [:], sealed: Set<String> = [], platform: [String: String] = [:],
            defaults: [String: String] = [:]
        ) {
            self.values = values
            self.sealed = sealed
            self.platform = platform
            self.defaults = defaults
        }
    }

    /// A resolved variable. `sealed` when it is sealed itself or took any part of its value
    /// from a sealed one: such a value is shown to nobody.
    public struct Resolved: Sendable, Equatable {
        public let name: String
        public let value: String
        public let sealed: Bool

        public init(name: String, value: String, sealed: Bool) {
            self.name = name
            self.value = value
            self.sealed = sealed
        }
    }

    /// A resolved value may be at most this long: the limit of a value that is set.
    public static let maximumValueBytes = 64 * 1024
    /// All the values one resolution produces, together.
    public static let maximumTotalBytes = 16 * 1024 * 1024

    public var shared: Variables
    /// By service name, in lower case.
    public var services: [String: Variables]

    public init(shared: Variables = Variables(), services: [String: Variables] = [:]) {
        self.shared = shared
        self.services = services
    }

    /// The service's own variables (not its platform ones) with every reference resolved, by
    /// name. Throws the first problem found, in order of names.
    public func resolve(service: String) throws(VariableResolutionError) -> [Resolved] {
        let owner = Owner.service(service.lowercased())
        guard let variables = services[service.lowercased()] else { return [] }
        return try resolveAll(variables.values.keys.sorted().map { Key(owner, $0) })
    }

    /// The shared variables with every reference resolved.
    public func resolveShared() throws(VariableResolutionError) -> [Resolved] {
        try resolveAll(shared.values.keys.sorted().map { Key(.shared, $0) })
    }

    func resolveAll(_ keys: [Key]) throws(VariableResolutionError) -> [Resolved] {
        var run = Run(resolver: self)
        var resolved: [Resolved] = []
        for key in keys {
            let (value, sealed) = try run.value(of: key)
            resolved.append(Resolved(name: key.name, value: value, sealed: sealed))
        }
        return resolved
    }

    /// Checks that each of `keys` resolves: every reference known, no cycle, within the sizes.
    public func check(_ keys: [Key]) throws(VariableResolutionError) {
        var run = Run(resolver: self)
        for key in keys { _ = try run.value(of: key) }
    }

    // MARK: Looking variables up

    enum Found {
        case plain(String, sealed: Bool)
        case template(VariableTemplate, sealed: Bool)
    }

    func owner(_ scope: VariableReference.Scope, from: Owner) -> Owner {
        switch scope {
        case .same: from
        case .shared: .shared
        case .service(let name): .service(name)
        }
    }

    func variables(of owner: Owner) -> Variables? {
        switch owner {
        case .shared: shared
        case .service(let name): services[name]
        }
    }

    /// What `key` holds: nil when there is no such variable (or no such service).
    func find(_ key: Key) throws(VariableResolutionError) -> Found? {
        guard let variables = variables(of: key.owner) else { return nil }
        if let value = variables.platform[key.name] { return .plain(value, sealed: false) }
        if let value = variables.values[key.name] {
            let sealed = variables.sealed.contains(key.name)
            guard value.utf8.contains(UInt8(ascii: "$")) else { return .plain(value, sealed: sealed) }
            do {
                return .template(try VariableTemplate(parsing: value), sealed: sealed)
            } catch {
                throw .malformed(key, error.detail)
            }
        }
        if let value = variables.defaults[key.name] { return .plain(value, sealed: false) }
        return nil
    }

    /// One resolution: what it resolved so far, and the bytes it made.
    struct Run {
        let resolver: VariableResolver
        var done: [Key: (String, Bool)] = [:]
        var totalBytes = 0

        struct Frame {
            let key: Key
            let parts: [VariableTemplate.Part]
            var next = 0
            var text = ""
            var sealed: Bool
        }

        mutating func value(of root: Key) throws(VariableResolutionError) -> (String, Bool) {
            if let known = done[root] { return known }
            switch try resolver.find(root) {
            case nil:
                throw .unknown(root, by: nil, sealedSource: false)
            case .plain(let value, let sealed)?:
                done[root] = (value, sealed)
                return (value, sealed)
            case .template(let template, let sealed)?:
                var stack = [Frame(key: root, parts: template.parts, sealed: sealed)]
                var onPath: [Key: Int] = [root: 0]
                while var top = stack.popLast() {
                    if top.next == top.parts.count {
                        onPath[top.key] = nil
                        totalBytes += top.text.utf8.count
                        if totalBytes > VariableResolver.maximumTotalBytes { throw .tooLarge(top.key, total: true) }
                        done[top.key] = (top.text, top.sealed)
                        guard var parent = stack.popLast() else { return (top.text, top.sealed) }
                        try Self.append(top.text, sealed: top.sealed, to: &parent)
                        stack.append(parent)
                        continue
                    }
                    let part = top.parts[top.next]
                    top.next += 1
                    switch part {
                    case .text(let text):
                        try Self.append(text, sealed: false, to: &top)
                        stack.append(top)
                    case .reference(let reference):
                        let target = Key(resolver.owner(reference.scope, from: top.key.owner), reference.name)
                        let sourceSealed = resolver.variables(of: top.key.owner)?.sealed.contains(top.key.name) ?? false
                        if let known = done[target] {
                            try Self.append(known.0, sealed: known.1, to: &top)
                            stack.append(top)
                            continue
                        }
                        if let start = onPath[target] {
                            // The frames from the target's own down to the current one, then the target again.
                            throw .cycle(stack[start...].map(\.key) + [top.key, target])
                        }
                        switch try resolver.find(target) {
                        case nil:
                            throw .unknown(target, by: top.key, sealedSource: sourceSealed)
                        case .plain(let value, let sealed)?:
                            done[target] = (value, sealed)
                            try Self.append(value, sealed: sealed, to: &top)
                            stack.append(top)
                        case .template(let template, let sealed)?:
                            stack.append(top)
                            onPath[target] = stack.count
                            stack.append(Frame(key: target, parts: template.parts, sealed: sealed))
                        }
                    }
                }
                throw .unknown(root, by: nil, sealedSource: false)
            }
        }

        static func append(_ text: String, sealed: Bool, to frame: inout Frame) throws(VariableResolutionError) {
            if frame.text.utf8.count + text.utf8.count > VariableResolver.maximumValueBytes {
                throw .tooLarge(frame.key, total: false)
            }
            frame.text += text
            frame.sealed = frame.sealed || sealed
        }
    }
}

/// Why variables cannot be resolved. The message names variables, never their values (nor,
/// for a sealed variable, what it refers to), so it may be shown to whoever set them.
public struct VariableResolutionError: Error, Sendable, Equatable, CustomStringConvertible {
    private enum Code: Sendable, Equatable {
        case malformed, unknown, cycle, tooLarge
    }

    private let code: Code
    /// The variable whose value has the problem.
    public let variable: VariableResolver.Key
    /// For a cycle: the variables in it, the first repeated at the end.
    public let cycle: [VariableResolver.Key]
    public let description: String

    private init(_ code: Code, _ variable: VariableResolver.Key, cycle: [VariableResolver.Key] = [], _ description: String) {
        self.code = code
        self.variable = variable
        self.cycle = cycle
        self.description = description
    }

    public var isCycle: Bool { code == .cycle }
    public var isUnknownReference: Bool { code == .unknown }
    public var isMalformed: Bool { code == .malformed }
    public var isTooLarge: Bool { code == .tooLarge }

    static func malformed(_ key: VariableResolver.Key, _ detail: String) -> Self {
        Self(.malformed, key, "\(key): \(detail)")
    }

    /// `target` does not exist; `source` is the variable that refers to it (nil: `target` was asked for).
    static func unknown(_ target: VariableResolver.Key, by source: VariableResolver.Key?, sealedSource: Bool) -> Self {
        guard let source else { return Self(.unknown, target, "\(target) does not exist") }
        if sealedSource { return Self(.unknown, source, "\(source) (sealed) refers to a variable that does not exist") }
        let what: String
        switch target.owner {
        case .shared: what = "there is no shared variable \(target.name) in this environment"
        case .service(let service): what = "\(target) does not exist (no variable \(target.name) on a service '\(service)' of this project in this environment)"
        }
        return Self(.unknown, source, "\(source) refers to \(target): \(what)")
    }

    static func cycle(_ path: [VariableResolver.Key]) -> Self {
        let first = path.first ?? VariableResolver.Key(.shared, "")
        return Self(.cycle, first, cycle: path,
                    "variables refer to each other in a cycle: \(path.map(\.description).joined(separator: " → "))")
    }

    static func tooLarge(_ key: VariableResolver.Key, total: Bool) -> Self {
        total
            ? Self(.tooLarge, key, "the resolved variables are larger than \(VariableResolver.maximumTotalBytes / 1024 / 1024) MiB together (at \(key))")
            : Self(.tooLarge, key, "\(key) is larger than \(VariableResolver.maximumValueBytes / 1024) KiB once its references are resolved")
    }
}
