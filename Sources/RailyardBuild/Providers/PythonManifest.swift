import Foundation

/// What a Python app's dependency files say, read once for the provider: which packages it
/// uses, which files an install reads, whether it installs the app's own code, the version
/// it asks for. Pure; every file read through `SourceTree`, TOML only after `ConfigShapeCheck`.
struct PythonManifest: Sendable {
    /// `requirements.txt` and the files it includes with `-r`/`-c`, inside the app.
    var requirementFiles: [String] = []
    var pyproject: ConfigValue?
    var pipfile: ConfigValue?
    /// Lowercased names, `_` as `-`, without versions or extras.
    var dependencyNames: Set<String> = []
    /// The install reads more than the dependency files: `-e .`, a local path, `file://`, a
    /// uv workspace.
    var readsLocalCode = false
    var notes: [String] = []

    init(_ source: any SourceTree) {
        if source.exists("requirements.txt") { readRequirements("requirements.txt", source, depth: 0) }
        if let text = source.read("pyproject.toml") {
            pyproject = Self.toml(text, file: "pyproject.toml", notes: &notes)
            if text.contains("file://") || text.contains("path = ") || value(pyproject, "tool", "uv", "workspace") != nil {
                readsLocalCode = true
            }
            if let dependencies = projectDependencies {
                dependencies.forEach { addName($0[...]) }
            } else if pyproject == nil {
                // Unreadable: the quoted strings of its arrays still name most dependencies.
                for line in text.split(whereSeparator: \.isNewline) {
                    for part in line.split(separator: "\"").enumerated() where part.offset % 2 == 1 { addName(part.element) }
                }
            }
            if case .table(let poetry)? = value(pyproject, "tool", "poetry", "dependencies") { poetry.keys.forEach { addName($0[...]) } }
        }
        if let text = source.read("Pipfile") {
            pipfile = Self.toml(text, file: "Pipfile", notes: &notes)
            for section in ["packages", "dev-packages"] {
                if case .table(let packages)? = value(pipfile, section) { packages.keys.forEach { addName($0[...]) } }
            }
        }
    }

    /// `[project] dependencies` when they are written out (not `dynamic`).
    var projectDependencies: [String]? {
        guard case .table(let project)? = value(pyproject, "project") else { return nil }
        if case .array(let dynamic)? = project["dynamic"], dynamic.contains(.string("dependencies")) { return nil }
        guard case .array(let items)? = project["dependencies"] else { return project["dependencies"] == nil ? [] : nil }
        var strings: [String] = []
        for item in items {
            guard case .string(let text) = item else { return nil }
            strings.append(text)
        }
        return strings
    }

    /// A `[build-system]`: the project is a package, which `uv sync` installs into the venv.
    var isPackage: Bool { value(pyproject, "build-system") != nil }

    func uses(_ name: String) -> Bool { dependencyNames.contains(name) }

    private mutating func readRequirements(_ path: String, _ source: any SourceTree, depth: Int) {
        guard depth < 4, requirementFiles.count < 20, !requirementFiles.contains(path), let text = source.read(path) else { return }
        requirementFiles.append(path)
        let folder = (path as NSString).deletingLastPathComponent
        for line in text.split(whereSeparator: \.isNewline) {
            let trimmed = (line.split(separator: "#", maxSplits: 1, omittingEmptySubsequences: false).first ?? "")
                .trimmingCharacters(in: .whitespaces)
            if trimmed.isEmpty { continue }
            if trimmed.contains("file:") { readsLocalCode = true }
            if trimmed.hasPrefix("-") {
                let words = trimmed.split { $0 == " " || $0 == "=" }
                guard let option = words.first else { continue }
                if ["-r", "--requirement", "-c", "--constraint"].contains(option), words.count > 1 {
                    let included = folder.isEmpty ? String(words[1]) : folder + "/" + words[1]
                    if let inside = pathInsideApp(included) {
                        readRequirements(inside, source, depth: depth + 1)
                    } else {
                        notes.append("\(path) includes \(words[1]), which is outside the app: pip will not find it")
                    }
                } else if ["-e", "--editable"].contains(option) {
                    readsLocalCode = true
                }
                continue
            }
            if trimmed.hasPrefix(".") || trimmed.hasPrefix("/") { readsLocalCode = true }
            addName(Substring(trimmed))
        }
    }

    private mutating func addName(_ spec: Substring) {
        let name = spec.prefix { $0.isLetter || $0.isNumber || $0 == "-" || $0 == "_" || $0 == "." }
        guard !name.isEmpty, name.count <= 100 else { return }
        let normalized = name.lowercased().replacingOccurrences(of: "_", with: "-")
        dependencyNames.insert(normalized)
        // FastAPI's `standard` extra brings uvicorn.
        if normalized == "fastapi", spec.dropFirst(name.count).hasPrefix("[standard") { dependencyNames.insert("uvicorn") }
    }

    /// The version the app asks for and where, by precedence: the variable, `runtime.txt`,
    /// `.python-version`, `.tool-versions`, the Pipfile's `[requires]`, pyproject's `requires-python` (or
    /// Poetry's `python` dependency). Nil when it asks for none (or for pyenv's `system`).
    func toolchainRequest(_ source: any SourceTree, variables: ProviderVariables) -> ToolchainRequest? {
        func request(_ version: String, _ from: String) -> ToolchainRequest {
            ToolchainRequest(language: "python", version: String(version.prefix(VersionRequirement.longest + 1)), source: from)
        }
        if let knob = variables.knob("PYTHON_VERSION") { return request(knob.value, knob.variable) }
        if let text = source.read("runtime.txt"), let line = Self.firstLine(text) {
            let version = line.lowercased().hasPrefix("python-") ? String(line.dropFirst(7)) : line
            return request(version, "runtime.txt")
        }
        if let text = source.read(".python-version"), let line = Self.firstLine(text), line != "system" {
            return request(line, ".python-version")
        }
        if let version = Self.toolVersion(source, names: ["python"]) { return request(version, ".tool-versions") }
        for key in ["python_full_version", "python_version"] {
            if case .string(let version)? = value(pipfile, "requires", key) { return request(version, "Pipfile [requires] \(key)") }
        }
        if case .string(let version)? = value(pyproject, "project", "requires-python") {
            return request(version, "pyproject.toml requires-python")
        }
        if case .string(let version)? = value(pyproject, "tool", "poetry", "dependencies", "python") {
            return request(version, "pyproject.toml [tool.poetry.dependencies] python")
        }
        return nil
    }

    /// The first line that is neither blank nor a comment, trimmed.
    static func firstLine(_ text: String) -> String? {
        text.split(whereSeparator: \.isNewline).lazy.map { $0.trimmingCharacters(in: .whitespaces) }
            .first { !$0.isEmpty && !$0.hasPrefix("#") }
    }

    /// The version asdf's and mise's `.tool-versions` gives the first of `names` (`python 3.12.1`).
    static func toolVersion(_ source: any SourceTree, names: [String]) -> String? {
        guard let text = source.read(".tool-versions") else { return nil }
        for line in text.split(whereSeparator: \.isNewline) {
            let words = line.split(separator: "#", maxSplits: 1, omittingEmptySubsequences: false)[0].split(separator: " ")
            if words.count >= 2, names.contains(String(words[0])) { return String(words[1]) }
        }
        return nil
    }

    static func toml(_ text: String, file: String, notes: inout [String]) -> ConfigValue? {
        if let problem = ConfigShapeCheck.problem(toml: text) {
            notes.append("\(file) \(problem): read as plain text")
            return nil
        }
        do {
            return try TOMLParser.parse(text)
        } catch {
            notes.append("\(file) line \(error.line): \(error.message); read as plain text")
            return nil
        }
    }
}

/// The value at `keys` in nested tables, or nil.
func value(_ root: ConfigValue?, _ keys: String...) -> ConfigValue? {
    var current = root
    for key in keys {
        guard case .table(let table)? = current else { return nil }
        current = table[key]
    }
    return current
}
