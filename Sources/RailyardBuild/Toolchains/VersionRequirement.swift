/// A version a toolchain reports, as three numbers: `3.12.1`, `v20.1.0` (a missing part is 0,
/// a suffix such as `rc1` or `+` is ignored).
struct ToolchainVersion: Sendable, Hashable, Comparable, CustomStringConvertible {
    var parts: [Int]

    init?(_ text: some StringProtocol) {
        var rest = Substring(text)
        if rest.first == "v" || rest.first == "V" { rest = rest.dropFirst() }
        var parts: [Int] = []
        for part in rest.split(separator: ".", maxSplits: 3, omittingEmptySubsequences: false).prefix(3) {
            let digits = part.prefix { $0.isASCII && $0.isNumber }
            guard !digits.isEmpty, digits.count <= 6, let number = Int(digits) else { break }
            parts.append(number)
            if digits.count < part.count { break }
        }
        guard !parts.isEmpty else { return nil }
        self.parts = parts + Array(repeating: 0, count: 3 - parts.count)
    }

    var description: String { parts.map(String.init).joined(separator: ".") }

    static func < (a: Self, b: Self) -> Bool { a.parts.lexicographicallyPrecedes(b.parts) }
}

/// What a version request accepts, parsed from the forms apps write: an exact version or a
/// prefix (`3.12` is any 3.12.x, as are `3.12.*`, `20.x`, `v20`), comparisons (`>=3.11`,
/// `>=18 <21`, `>=3.9,<3.13`), npm's `^20`, `~20.1`, `18 - 20` and `||`, PEP 440's `~=3.11`
/// and `!=3.12.*`, `*`/`latest`, and Node's `lts/*` (the newest even major) or
/// `lts/iron`. Pure.
struct VersionRequirement: Sendable, Equatable {
    enum Operator: Sendable, Equatable {
        /// Every given part equal (`3.12` takes 3.12.7).
        case prefix, notPrefix, greater, greaterOrEqual, less, lessOrEqual
    }

    struct Comparison: Sendable, Equatable {
        var op: Operator
        /// One to three parts, as written (`[3, 12]`).
        var parts: [Int]

        func accepts(_ version: ToolchainVersion) -> Bool {
            let padded = parts + Array(repeating: 0, count: 3 - parts.count)
            switch op {
            case .prefix: return Array(version.parts.prefix(parts.count)) == parts
            case .notPrefix: return Array(version.parts.prefix(parts.count)) != parts
            case .greater: return padded.lexicographicallyPrecedes(version.parts)
            case .greaterOrEqual: return !version.parts.lexicographicallyPrecedes(padded)
            case .less: return version.parts.lexicographicallyPrecedes(padded)
            case .lessOrEqual: return !padded.lexicographicallyPrecedes(version.parts)
            }
        }
    }

    /// Any one of these lists, every comparison of the list holding.
    var alternatives: [[Comparison]]
    /// `lts/*`: of the accepted, only even majors, and the newest of those.
    var longTermSupport = false

    static let longest = 100

    /// Nil when the text is not a request this understands (or longer than `longest`).
    init?(_ text: String) {
        let text = text.trimmingCharacters(in: .whitespacesAndNewlines).lowercased()
        guard !text.isEmpty, text.utf8.count <= Self.longest else { return nil }
        switch text {
        case "*", "x", "latest", "node", "current", "stable":
            alternatives = [[]]
            return
        case "lts", "lts/*", "lts/latest":
            alternatives = [[]]
            longTermSupport = true
            return
        default:
            break
        }
        if text.hasPrefix("lts/") {
            let codenames = ["argon": 4, "boron": 6, "carbon": 8, "dubnium": 10, "erbium": 12, "fermium": 14, "gallium": 16,
                             "hydrogen": 18, "iron": 20, "jod": 22, "krypton": 24]
            guard let major = codenames[String(text.dropFirst(4))] else { return nil }
            alternatives = [[Comparison(op: .prefix, parts: [major])]]
            return
        }
        var alternatives: [[Comparison]] = []
        for alternative in text.components(separatedBy: "||") {
            guard let comparisons = Self.parseAll(alternative) else { return nil }
            alternatives.append(comparisons)
        }
        self.alternatives = alternatives
    }

    func accepts(_ version: ToolchainVersion) -> Bool {
        if longTermSupport, version.parts[0] % 2 != 0 { return false }
        return alternatives.contains { $0.allSatisfy { $0.accepts(version) } }
    }

    /// One alternative: comparisons separated by spaces or commas, or `A - B`.
    private static func parseAll(_ text: String) -> [Comparison]? {
        let words = text.split { $0 == " " || $0 == "," || $0 == "\t" }.map(String.init)
        if words.isEmpty { return [] }
        if words.count == 3, words[1] == "-" {
            guard let low = parse(">=" + words[0]), let high = parse("<=" + words[2]) else { return nil }
            return low + high
        }
        var comparisons: [Comparison] = []
        var pending = ""
        for word in words {
            // `>= 18`: an operator written apart from its version.
            if word.allSatisfy({ "<>=!~^".contains($0) }) {
                pending += word
                continue
            }
            guard let parsed = parse(pending + word) else { return nil }
            comparisons += parsed
            pending = ""
        }
        return pending.isEmpty ? comparisons : nil
    }

    /// One comparison as written (`^20.1`, `>=3.11`, `3.12.*`), as plain comparisons.
    private static func parse(_ word: String) -> [Comparison]? {
        let operators = ["===", "==", "~=", "!=", ">=", "<=", ">", "<", "=", "^", "~"]
        let op = operators.first { word.hasPrefix($0) } ?? ""
        var version = word.dropFirst(op.count)
        if version.first == "v" { version = version.dropFirst() }
        var parts: [Int] = []
        var wildcard = false
        for part in version.split(separator: ".", omittingEmptySubsequences: false) {
            if part == "*" || part == "x" {
                wildcard = true
                continue
            }
            guard !wildcard, part.count <= 6, !part.isEmpty, part.allSatisfy({ $0.isASCII && $0.isNumber }), let number = Int(part)
            else { return nil }
            parts.append(number)
        }
        guard parts.count <= 3 else { return nil }
        if parts.isEmpty { return wildcard && ["", "=", "=="].contains(op) ? [] : nil }
        let partial = parts.count < 3 || wildcard
        /// The first version past everything that starts with `parts.prefix(count)`.
        func bump(_ count: Int) -> [Int] {
            var next = Array(parts.prefix(count))
            next[count - 1] += 1
            return next
        }
        switch op {
        case "", "=", "==", "===": return [Comparison(op: .prefix, parts: parts)]
        case "!=": return [Comparison(op: .notPrefix, parts: parts)]
        case ">=": return [Comparison(op: .greaterOrEqual, parts: parts)]
        case "<": return [Comparison(op: .less, parts: parts)]
        case ">": return partial ? [Comparison(op: .greaterOrEqual, parts: bump(parts.count))] : [Comparison(op: .greater, parts: parts)]
        case "<=": return partial ? [Comparison(op: .less, parts: bump(parts.count))] : [Comparison(op: .lessOrEqual, parts: parts)]
        case "^":
            // The first part that is not zero may not change (`^0.2.3` is below 0.3).
            let fixed = (parts.firstIndex { $0 != 0 } ?? parts.count - 1) + 1
            return [Comparison(op: .greaterOrEqual, parts: parts), Comparison(op: .less, parts: bump(fixed))]
        case "~":
            return [Comparison(op: .greaterOrEqual, parts: parts), Comparison(op: .less, parts: bump(min(2, parts.count)))]
        case "~=":
            guard parts.count >= 2 else { return nil }
            return [Comparison(op: .greaterOrEqual, parts: parts), Comparison(op: .prefix, parts: Array(parts.dropLast()))]
        default: return nil
        }
    }
}
