extension ToolchainRequest {
    /// The newest of `toolchains` (of this request's language) that the request accepts. Pure.
    ///
    /// Throws, naming what was asked, where, and what the host has, when the request is not a
    /// version Railyard understands or nothing matches: an app is never run on another version
    /// than the one it asked for.
    public func choose(from toolchains: [Toolchain]) throws(PlanError) -> Toolchain {
        let languageName = Self.displayName(language)
        guard let requirement = VersionRequirement(version) else {
            throw PlanError(
                "\(source) asks for \(languageName) \(Self.shown(version)), which is not a version Railyard understands "
                    + "(write an exact version such as 3.12.1, a prefix such as 3.12, or a range such as >=3.11)")
        }
        let candidates = toolchains.enumerated()
            .compactMap { entry -> (offset: Int, toolchain: Toolchain, version: ToolchainVersion)? in
                guard entry.element.language == language, let parsed = ToolchainVersion(entry.element.version) else { return nil }
                return (entry.offset, entry.element, parsed)
            }
        // Newest first; among equal versions the one listed first (the host's own).
        let accepted = candidates.filter { requirement.accepts($0.version) }
            .sorted { $0.version != $1.version ? $1.version < $0.version : $0.offset < $1.offset }
        if let best = accepted.first { return best.toolchain }
        let available = Array(Set(candidates.map(\.version))).sorted().map(\.description)
        let has = available.isEmpty
            ? "this server has no \(languageName) toolchain"
            : "this server has \(languageName) \(available.joined(separator: ", "))"
        throw PlanError(
            "\(source) asks for \(languageName) \(Self.shown(version)); \(has) "
                + "(add toolchains with `railyard server --toolchains DIR`, or change \(source))")
    }

    static func displayName(_ language: String) -> String {
        switch language {
        case "python": "Python"
        case "node": "Node"
        case "go": "Go"
        default: language
        }
    }

    /// The request as a message may show it: at most 40 characters, one line.
    static func shown(_ text: String) -> String {
        let line = text.split(whereSeparator: \.isNewline).first.map(String.init) ?? ""
        if line.count <= 40, line == text, !line.contains(" ") { return line }
        let short = line.count > 40 ? line.prefix(40) + "… (\(text.utf8.count) bytes)" : line
        return "\"\(short)\""
    }
}
