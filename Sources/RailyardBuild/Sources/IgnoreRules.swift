/// Ignore rules with gitignore's meaning: `#` comments, `!` to re-include, a trailing `/` for
/// folders only, a `/` elsewhere to anchor at the root, `*` and `?` within one path part,
/// `**` across parts, `[abc]` classes. The last rule that matches decides. Pure: the caller
/// reads the files and walks the folder.
public struct IgnoreRules: Sendable, Equatable {
    struct Rule: Sendable, Equatable {
        let pattern: [UInt8]
        let negated: Bool
        let directoriesOnly: Bool
    }

    private(set) var rules: [Rule] = []

    public init() {}

    /// Rules from an ignore file's text. Later calls add rules that win over earlier ones.
    public mutating func add(_ text: String) {
        for rawLine in text.split(omittingEmptySubsequences: false, whereSeparator: { $0 == "\n" || $0 == "\r" }) {
            var line = Substring(rawLine)
            // Trailing spaces go unless escaped.
            while line.hasSuffix(" ") && !line.hasSuffix("\\ ") { line = line.dropLast() }
            if line.isEmpty || line.hasPrefix("#") { continue }
            var negated = false
            if line.hasPrefix("!") {
                negated = true
                line = line.dropFirst()
            } else if line.hasPrefix("\\!") || line.hasPrefix("\\#") {
                line = line.dropFirst()
            }
            var directoriesOnly = false
            if line.hasSuffix("/") {
                directoriesOnly = true
                line = line.dropLast()
            }
            if line.isEmpty { continue }
            let anchored = line.dropLast().contains("/") || line.hasPrefix("/")
            if line.hasPrefix("/") { line = line.dropFirst() }
            let pattern = anchored ? String(line) : "**/" + line
            rules.append(Rule(pattern: Array(pattern.utf8), negated: negated, directoriesOnly: directoriesOnly))
        }
    }

    /// Whether `path` (relative, `/`-separated, no leading `/`) is ignored. A file inside an
    /// ignored folder is the walker's business: it never descends into one.
    public func ignores(_ path: String, isDirectory: Bool) -> Bool {
        let subject = Array(path.utf8)
        var ignored = false
        for rule in rules where !(rule.directoriesOnly && !isDirectory) {
            if Self.glob(rule.pattern[...], subject[...]) { ignored = !rule.negated }
        }
        return ignored
    }

    /// Glob matching where `*` and `?` stay within one path part and `**` spans parts.
    static func glob(_ pattern: ArraySlice<UInt8>, _ subject: ArraySlice<UInt8>) -> Bool {
        let slash = UInt8(ascii: "/")
        let star = UInt8(ascii: "*")
        guard let first = pattern.first else { return subject.isEmpty }
        if first == star, pattern.dropFirst().first == star {
            var rest = pattern.dropFirst(2)
            if rest.first == slash {
                // `**/x`: x here, or after any number of leading parts.
                rest = rest.dropFirst()
                if glob(rest, subject) { return true }
                var index = subject.startIndex
                while index < subject.endIndex {
                    if subject[index] == slash, glob(rest, subject[(index + 1)...]) { return true }
                    index += 1
                }
                return false
            }
            // `**` at the end, or glued to other text: anything at all.
            if rest.isEmpty { return true }
            var index = subject.startIndex
            while index <= subject.endIndex {
                if glob(rest, subject[index...]) { return true }
                index += 1
            }
            return false
        }
        if first == star {
            let rest = pattern.dropFirst()
            var index = subject.startIndex
            while true {
                if glob(rest, subject[index...]) { return true }
                if index == subject.endIndex || subject[index] == slash { return false }
                index += 1
            }
        }
        guard let next = subject.first else { return false }
        if first == UInt8(ascii: "?") {
            return next != slash && glob(pattern.dropFirst(), subject.dropFirst())
        }
        if first == UInt8(ascii: "["), let close = pattern.dropFirst(2).firstIndex(of: UInt8(ascii: "]")) {
            var members = pattern[(pattern.startIndex + 1)..<close]
            let inverted = members.first == UInt8(ascii: "!") || members.first == UInt8(ascii: "^")
            if inverted { members = members.dropFirst() }
            var matched = false
            var index = members.startIndex
            while index < members.endIndex {
                if index + 2 < members.endIndex, members[index + 1] == UInt8(ascii: "-") {
                    if (members[index]...members[index + 2]).contains(next) { matched = true }
                    index += 3
                } else {
                    if members[index] == next { matched = true }
                    index += 1
                }
            }
            return matched != inverted && next != slash && glob(pattern[(close + 1)...], subject.dropFirst())
        }
        if first == UInt8(ascii: "\\"), let escaped = pattern.dropFirst().first {
            return next == escaped && glob(pattern.dropFirst(2), subject.dropFirst())
        }
        return next == first && glob(pattern.dropFirst(), subject.dropFirst())
    }
}
