/// Validation of the names people give to things. Each check returns the reason a name is
/// refused, phrased for the person who typed it, or nil when the name is fine.
public enum NameRules {
    /// Service names become DNS labels (`web-myapp.localhost`): lowercase letters, digits and
    /// hyphens, 1–32 characters, starting with a letter and not ending with a hyphen.
    public static func serviceNameProblem(_ name: String) -> String? {
        dnsLabelProblem(name, maxLength: 32, what: "service name")
    }

    /// Environment names appear in generated domains too, so they follow the same rule.
    public static func environmentNameProblem(_ name: String) -> String? {
        dnsLabelProblem(name, maxLength: 32, what: "environment name")
    }

    /// Project and workspace names are for people: 1–64 printable characters, no leading or
    /// trailing space, no control characters. Characters are counted as the API's schema
    /// counts them (Unicode code points): an emoji modifier or a combining accent is one more,
    /// though it joins the letter before it on screen.
    public static func displayNameProblem(_ name: String, what: String) -> String? {
        if name.isEmpty { return "\(what) must not be empty" }
        if name.unicodeScalars.count > 64 || name.utf8.count > 256 { return "\(what) must be at most 64 characters" }
        if name.unicodeScalars.first?.properties.isWhitespace == true || name.unicodeScalars.last?.properties.isWhitespace == true {
            return "\(what) must not start or end with a space"
        }
        if name.unicodeScalars.contains(where: { $0.properties.generalCategory == .control }) {
            return "\(what) must not contain control characters"
        }
        return nil
    }

    /// Variable names follow the shell's rule, so they can be exported as they are.
    public static func variableNameProblem(_ name: String) -> String? {
        guard let first = name.utf8.first else { return "variable name must not be empty" }
        if name.utf8.count > 128 { return "variable name must be at most 128 characters" }
        let isLetter: (UInt8) -> Bool = { (65...90).contains($0) || (97...122).contains($0) || $0 == 95 }
        let isDigit: (UInt8) -> Bool = { (48...57).contains($0) }
        if !isLetter(first) { return "variable name '\(name)' must start with a letter or underscore" }
        if !name.utf8.allSatisfy({ isLetter($0) || isDigit($0) }) {
            return "variable name '\(name)' may contain only letters, digits and underscores"
        }
        return nil
    }

    /// A deliberately plain check: one @, something on each side, a dot in the domain, no spaces.
    public static func emailProblem(_ email: String) -> String? {
        let parts = email.split(separator: "@", omittingEmptySubsequences: false)
        guard email.utf8.count <= 254, parts.count == 2, !parts[0].isEmpty, parts[1].contains("."),
              !parts[1].hasPrefix("."), !parts[1].hasSuffix("."),
              !email.contains(where: { $0.isWhitespace || $0.isNewline })
        else { return "'\(email.prefix(80))' is not a valid email address" }
        return nil
    }

    /// Passwords: at least 8 characters; bcrypt reads at most 72 bytes, so longer ones are refused
    /// rather than silently truncated.
    public static func passwordProblem(_ password: String) -> String? {
        if password.count < 8 { return "password must be at least 8 characters" }
        if password.utf8.count > 72 { return "password must be at most 72 bytes" }
        return nil
    }

    static func dnsLabelProblem(_ name: String, maxLength: Int, what: String) -> String? {
        if name.isEmpty { return "\(what) must not be empty" }
        if name.utf8.count > maxLength { return "\(what) must be at most \(maxLength) characters" }
        let bytes = Array(name.utf8)
        let allowed = bytes.allSatisfy { (97...122).contains($0) || (48...57).contains($0) || $0 == 45 }
        if !allowed {
            return "\(what) '\(name.prefix(40))' may contain only lowercase letters, digits and hyphens"
        }
        if !(97...122).contains(bytes[0]) { return "\(what) must start with a lowercase letter" }
        if bytes.last == 45 { return "\(what) must not end with a hyphen" }
        return nil
    }
}
