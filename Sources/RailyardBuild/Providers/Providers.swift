import Foundation

/// One kind of app Railyard knows how to build. `detect` looks at a few files; `plan` says
/// how to install, build and start it. Neither runs anything.
protocol BuildProvider: Sendable {
    var name: String { get }
    /// What this provider looks for, for the message when nothing matches.
    var lookedFor: String { get }
    func detect(_ source: any SourceTree) -> Bool
    func plan(_ source: any SourceTree, startOverride: String?) throws(PlanError) -> BuildPlan
}

/// Providers in the order they are tried; the first that detects its files wins.
let providers: [any BuildProvider] = [
    PythonProvider(), NodeProvider(), GoProvider(), SwiftProvider(), StaticSiteProvider(), ShellProvider(),
]

/// A Procfile's processes: `web:` starts instances, `release:` runs once before a deploy.
struct Procfile: Sendable, Equatable {
    var processes: [String: String]

    var web: String? { processes["web"] }
    var release: String? { processes["release"] }

    init?(_ text: String?) {
        guard let text else { return nil }
        var processes: [String: String] = [:]
        for line in text.split(whereSeparator: \.isNewline) {
            let trimmed = line.trimmingCharacters(in: .whitespaces)
            guard !trimmed.hasPrefix("#"), let colon = trimmed.firstIndex(of: ":") else { continue }
            let name = trimmed[..<colon].trimmingCharacters(in: .whitespaces)
            let command = trimmed[trimmed.index(after: colon)...].trimmingCharacters(in: .whitespaces)
            if !name.isEmpty, !command.isEmpty, processes[name] == nil { processes[name] = command }
        }
        self.processes = processes
    }
}

struct PythonProvider: BuildProvider {
    let name = "python"
    let lookedFor = "requirements.txt or pyproject.toml (Python)"

    func detect(_ source: any SourceTree) -> Bool {
        source.exists("requirements.txt") || source.exists("pyproject.toml")
    }

    func plan(_ source: any SourceTree, startOverride: String?) throws(PlanError) -> BuildPlan {
        let requirements = source.read("requirements.txt")
        let pyproject = source.read("pyproject.toml")
        if pyproject == nil, Self.dependencyNames(requirements: requirements, pyproject: nil).isEmpty {
            // Nothing to install: no virtualenv, no pip, the system's python3 runs the app. This
            // is what makes a standard-library app redeploy in about a second.
            var plan = BuildPlan(provider: name)
            if let startOverride {
                plan.start = startOverride
            } else if let entry = ["main.py", "app.py"].first(where: { source.exists($0) }) {
                plan.start = "python3 \(entry)"
            } else {
                throw PlanError(
                    "Python app with no start command: add a Procfile (web: …), a main.py or app.py, or deploy.startCommand in railyard.toml")
            }
            return plan
        }
        var install = ["python3 -m venv .venv"]
        if requirements != nil {
            install.append(".venv/bin/pip install --disable-pip-version-check -r requirements.txt")
        } else {
            install.append(".venv/bin/pip install --disable-pip-version-check .")
        }
        let dependencies = Self.dependencyNames(requirements: requirements, pyproject: pyproject)
        var plan = BuildPlan(provider: name, install: install)
        if let web = startOverride {
            plan.start = web
            return plan
        }
        let entry = ["main.py", "app.py", "wsgi.py", "asgi.py"].first { source.exists($0) }
        let module = entry.map { String($0.dropLast(3)) } ?? "main"
        if dependencies.contains("gunicorn") {
            plan.start = ".venv/bin/gunicorn --bind 0.0.0.0:$PORT \(module):app"
        } else if dependencies.contains("uvicorn") {
            plan.start = ".venv/bin/uvicorn \(module):app --host 0.0.0.0 --port $PORT"
        } else if let entry {
            plan.start = ".venv/bin/python \(entry)"
        } else {
            throw PlanError(
                "Python app with no start command: add a Procfile (web: …), a main.py or app.py, or deploy.startCommand in railyard.toml")
        }
        return plan
    }

    /// Package names from requirements.txt lines and pyproject.toml dependency strings,
    /// lowercased, without versions or extras.
    static func dependencyNames(requirements: String?, pyproject: String?) -> Set<String> {
        var names: Set<String> = []
        func add(_ spec: Substring) {
            let name = spec.prefix { $0.isLetter || $0.isNumber || $0 == "-" || $0 == "_" || $0 == "." }
            if !name.isEmpty { names.insert(name.lowercased().replacingOccurrences(of: "_", with: "-")) }
        }
        for line in (requirements ?? "").split(whereSeparator: \.isNewline) {
            let trimmed = line.trimmingCharacters(in: .whitespaces)
            if trimmed.isEmpty || trimmed.hasPrefix("#") || trimmed.hasPrefix("-") { continue }
            add(Substring(trimmed))
        }
        // pyproject: the quoted strings of dependency arrays, e.g. "uvicorn[standard]>=0.30".
        for line in (pyproject ?? "").split(whereSeparator: \.isNewline) {
            for part in line.split(separator: "\"").enumerated() where part.offset % 2 == 1 { add(part.element) }
        }
        return names
    }
}

struct NodeProvider: BuildProvider {
    let name = "node"
    let lookedFor = "package.json (Node)"

    func detect(_ source: any SourceTree) -> Bool { source.exists("package.json") }

    func plan(_ source: any SourceTree, startOverride: String?) throws(PlanError) -> BuildPlan {
        guard let text = source.read("package.json"),
              let manifest = (try? JSONSerialization.jsonObject(with: Data(text.utf8))) as? [String: Any]
        else { throw PlanError("package.json is not valid JSON") }
        let scripts = manifest["scripts"] as? [String: Any] ?? [:]
        let hasDependencies = !((manifest["dependencies"] as? [String: Any] ?? [:]).isEmpty
            && (manifest["devDependencies"] as? [String: Any] ?? [:]).isEmpty)
        var install: [String] = []
        if source.exists("package-lock.json") || source.exists("npm-shrinkwrap.json") {
            install.append("npm ci")
        } else if hasDependencies {
            install.append("npm install")
        }
        var plan = BuildPlan(provider: name, install: install, build: scripts["build"] != nil ? ["npm run build"] : [])
        if let web = startOverride {
            plan.start = web
        } else if scripts["start"] != nil {
            plan.start = "npm start"
        } else if let main = manifest["main"] as? String, !main.isEmpty {
            plan.start = "node \(main)"
        } else if source.exists("index.js") {
            plan.start = "node index.js"
        } else if source.exists("server.js") {
            plan.start = "node server.js"
        } else {
            throw PlanError(
                "Node app with no start command: add a \"start\" script or \"main\" to package.json, an index.js, or deploy.startCommand")
        }
        return plan
    }
}

struct GoProvider: BuildProvider {
    let name = "go"
    let lookedFor = "go.mod (Go)"

    func detect(_ source: any SourceTree) -> Bool { source.exists("go.mod") }

    func plan(_ source: any SourceTree, startOverride: String?) throws(PlanError) -> BuildPlan {
        var plan = BuildPlan(provider: name, build: ["go build -o .railyard/bin/app ."])
        plan.start = startOverride ?? "./.railyard/bin/app"
        return plan
    }
}

struct SwiftProvider: BuildProvider {
    let name = "swift"
    let lookedFor = "Package.swift (Swift)"

    func detect(_ source: any SourceTree) -> Bool { source.exists("Package.swift") }

    func plan(_ source: any SourceTree, startOverride: String?) throws(PlanError) -> BuildPlan {
        var plan = BuildPlan(provider: name, build: ["swift build -c release"])
        if let web = startOverride {
            plan.start = web
            return plan
        }
        let products = Self.executableNames(source.read("Package.swift") ?? "")
        guard products.count == 1, let product = products.first else {
            throw PlanError(products.isEmpty
                ? "Package.swift declares no executable: add one, or set deploy.startCommand"
                : "Package.swift declares several executables (\(products.sorted().joined(separator: ", "))): set deploy.startCommand to the one to run")
        }
        plan.start = ".build/release/\(product)"
        return plan
    }

    /// Names from `.executable(name: "x"` products, else `.executableTarget(name: "x"` targets.
    static func executableNames(_ manifest: String) -> Set<String> {
        func names(after marker: String) -> Set<String> {
            var found: Set<String> = []
            var rest = manifest[...]
            while let range = rest.range(of: marker) {
                rest = rest[range.upperBound...]
                let afterName = rest.drop { $0 == " " || $0 == "\n" || $0 == "\t" }
                guard afterName.hasPrefix("name:") else { continue }
                let value = afterName.dropFirst(5).drop { $0 == " " }
                guard value.hasPrefix("\"") else { continue }
                let name = value.dropFirst().prefix { $0 != "\"" }
                if !name.isEmpty { found.insert(String(name)) }
            }
            return found
        }
        let products = names(after: ".executable(")
        return products.isEmpty ? names(after: ".executableTarget(") : products
    }
}

struct StaticSiteProvider: BuildProvider {
    let name = "static"
    let lookedFor = "index.html at the root or in public/, dist/ or build/ (static site)"

    static let roots = ["", "public", "dist", "build"]

    func detect(_ source: any SourceTree) -> Bool {
        Self.roots.contains { source.exists($0.isEmpty ? "index.html" : "\($0)/index.html") }
    }

    func plan(_ source: any SourceTree, startOverride: String?) throws(PlanError) -> BuildPlan {
        guard let root = Self.roots.first(where: { source.exists($0.isEmpty ? "index.html" : "\($0)/index.html") }) else {
            throw PlanError("no index.html found")
        }
        var plan = BuildPlan(provider: name, staticRoot: root.isEmpty ? "." : root)
        plan.start = startOverride
        return plan
    }
}

struct ShellProvider: BuildProvider {
    let name = "shell"
    let lookedFor = "start.sh (shell)"

    func detect(_ source: any SourceTree) -> Bool { source.exists("start.sh") }

    func plan(_ source: any SourceTree, startOverride: String?) throws(PlanError) -> BuildPlan {
        var plan = BuildPlan(provider: name)
        plan.start = startOverride ?? "sh start.sh"
        return plan
    }
}
