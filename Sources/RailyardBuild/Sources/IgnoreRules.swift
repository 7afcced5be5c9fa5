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
    private var totalPatternBytes = 0

    /// Ignore files are the tenant's and are read by the server: rules past these bounds are
    /// dropped (a real ignore file has a few dozen short lines).
    static let maximumRules = 2_000
    static let maximumPatternBytes = 1_024
    /// All patterns together: matching costs their length times a path's, per path.
    static let maximumTotalPatternBytes = 32 << 10

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
            guard rules.count < Self.maximumRules, pattern.utf8.count <= Self.maximumPatternBytes,
                  totalPatternBytes + pattern.utf8.count <= Self.maximumTotalPatternBytes
            else { continue }
            totalPatternBytes += pattern.utf8.count
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
    /// Runs the pattern over the set of subject positions reachable so far, one token at a
    /// time: time is the pattern's length times the subject's, whatever the pattern (a
    /// recursive matcher was exponential in its stars and recursed once per byte).
    static func glob(_ pattern: ArraySlice<UInt8>, _ subject: ArraySlice<UInt8>) -> Bool {
        let slash = UInt8(ascii: "/")
        let star = UInt8(ascii: "*")
        let text = Array(subject)
        let count = text.count
        var reach = [Bool](repeating: false, count: count + 1)
        reach[0] = true
        var next = reach
        var index = pattern.startIndex
        while index < pattern.endIndex {
            for position in 0...count { next[position] = false }
            let first = pattern[index]
            if first == star, index + 1 < pattern.endIndex, pattern[index + 1] == star {
                if index + 2 < pattern.endIndex, pattern[index + 2] == slash {
                    // `**/`: nothing, or any number of whole leading parts.
                    var earlier = false
                    for position in 0...count {
                        if earlier && position > 0 && text[position - 1] == slash { next[position] = true }
                        if reach[position] {
                            next[position] = true
                            earlier = true
                        }
                    }
                    index += 3
                } else {
                    // `**` at the end, or glued to other text: anything at all.
                    var earlier = false
                    for position in 0...count {
                        if reach[position] { earlier = true }
                        next[position] = earlier
                    }
                    index += 2
                }
            } else if first == star {
                // `*`: any run within one part.
                var run = false
                for position in 0...count {
                    if position > 0 && text[position - 1] == slash { run = false }
                    if reach[position] { run = true }
                    next[position] = run
                }
                index += 1
            } else {
                // One byte: `?`, a class, an escaped byte or a literal.
                var length = 1
                var matches: (UInt8) -> Bool
                if first == UInt8(ascii: "?") {
                    matches = { $0 != slash }
                } else if first == UInt8(ascii: "["), let close = pattern[index...].dropFirst(2).firstIndex(of: UInt8(ascii: "]")) {
                    var members = pattern[(index + 1)..<close]
                    let inverted = members.first == UInt8(ascii: "!") || members.first == UInt8(ascii: "^")
                    if inverted { members = members.dropFirst() }
                    let set = Self.classMembers(members)
                    matches = { byte in byte != slash && set[Int(byte)] != inverted }
                    length = close + 1 - index
                } else if first == UInt8(ascii: "\\"), index + 1 < pattern.endIndex {
                    let escaped = pattern[index + 1]
                    matches = { $0 == escaped }
                    length = 2
                } else {
                    matches = { $0 == first }
                }
                for position in 0..<count where reach[position] && matches(text[position]) { next[position + 1] = true }
                index += length
            }
            swap(&reach, &next)
            if !reach.contains(true) { return false }
        }
        return reach[count]
    }

    /// Which bytes a class's members (`abc`, `a-z`) hold.
    private static func classMembers(_ members: ArraySlice<UInt8>) -> [Bool] {
        var set = [Bool](repeating: false, count: 256)
        var index = members.startIndex
        while index < members.endIndex {
            if index + 2 < members.endIndex, members[index + 1] == UInt8(ascii: "-") {
                if members[index] <= members[index + 2] {
                    for byte in members[index]...members[index + 2] { set[Int(byte)] = true }
                }
                index += 3
            } else {
                set[Int(members[index])] = true
                index += 1
            }
        }
        return set
    }
}
