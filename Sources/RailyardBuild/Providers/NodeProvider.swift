/// Node apps, as Railpack builds them: dependencies installed into `node_modules` by npm,
/// pnpm or Yarn (chosen by `packageManager`, else the lock file), then the `build` script,
/// then the `start` script or `main`. pnpm and Yarn 1 come through `npx`, Yarn 2+ through
/// Corepack, so only node and npm need be on the host; what they download stays in the
/// build's home folder.
struct NodeProvider: BuildProvider {
    let name = "node"
    let lookedFor = "package.json (Node)"

    enum PackageManager: Equatable {
        case npm
        case pnpm(version: String)
        case yarn1
        case yarnBerry
    }

    /// Railpack's variables: a production app, with devDependencies still installed for the build.
    static let environment = [
        "NODE_ENV": "production",
        "NPM_CONFIG_PRODUCTION": "false",
        "NPM_CONFIG_UPDATE_NOTIFIER": "false",
        "NPM_CONFIG_FUND": "false",
        "NPM_CONFIG_FETCH_RETRIES": "5",
        "CI": "true",
    ]

    static let lockFiles = ["package-lock.json", "npm-shrinkwrap.json", "pnpm-lock.yaml", "yarn.lock"]
    /// Configuration the package managers read during an install.
    static let configFiles = [".npmrc", ".yarnrc", ".yarnrc.yml", "pnpm-workspace.yaml"]

    func detect(_ source: any SourceTree) -> Bool { source.exists("package.json") }

    func plan(_ source: any SourceTree, variables: ProviderVariables) throws(PlanError) -> BuildPlan {
        guard let text = source.read("package.json") else {
            throw PlanError("package.json is not readable (larger than \(SourceLimits.maximumReadBytes) bytes, or not UTF-8)")
        }
        let manifest = try PackageJSON(text)
        var plan = BuildPlan(provider: name)
        plan.path = ["\(appFolder)/node_modules/.bin"]
        plan.environment = Self.environment
        plan.toolchainRequest = toolchainRequest(source, manifest: manifest, variables: variables, notes: &plan.notes)

        let manager = Self.packageManager(source, manifest: manifest, notes: &plan.notes)
        let locked = Self.lockFiles.contains(where: source.exists)
        let local = try manifest.localPackages()
        var inputs = ["package.json"] + (Self.lockFiles + Self.configFiles).filter(source.exists)
        var inputFolders: [String] = []
        for package in local {
            guard source.exists(package.path) else {
                throw PlanError("package.json: dependency \"\(package.name)\" is in \(package.path), which is not in the app")
            }
            // A package inside the layer's own folder would key the layer by itself.
            if package.path == "node_modules" || package.path.hasPrefix("node_modules/") { continue }
            if [".tgz", ".tar.gz", ".tar"].contains(where: package.path.hasSuffix) {
                inputs.append(package.path)
            } else {
                inputFolders.append(package.path)
            }
        }
        if source.exists("patches") { inputFolders.append("patches") }
        if manifest.hasInstallScripts || manifest.hasWorkspaces {
            inputFolders = ["."]
            plan.notes.append("package.json has install scripts or workspaces: the install reads the whole app, so node_modules is rebuilt whenever the code changes")
        }

        switch manager {
        case .npm:
            if source.exists("package-lock.json") || source.exists("npm-shrinkwrap.json") {
                plan.install = ["npm ci"]
            } else if !manifest.dependencies.isEmpty {
                // No lock file written into the app: only node_modules is kept.
                plan.install = ["npm install --no-package-lock"]
            }
        case .pnpm(let version):
            plan.install = ["npx --yes pnpm@\(version) install " + (locked ? "--frozen-lockfile" : "--no-lockfile")]
        case .yarn1:
            plan.environment["YARN_PRODUCTION"] = "false"
            plan.install = ["npx --yes yarn@1 install " + (locked ? "--frozen-lockfile" : "--no-lockfile")]
        case .yarnBerry:
            plan.environment["COREPACK_ENABLE_DOWNLOAD_PROMPT"] = "0"
            plan.install = ["corepack yarn install" + (locked ? " --immutable" : "")]
        }
        if manager == .yarnBerry {
            // Yarn 2+ also writes .yarn/ and .pnp.* in the app: node_modules alone is not all of it.
            plan.notes.append("Yarn 2+: dependencies are installed afresh on every build (they are written outside node_modules)")
        } else if !plan.install.isEmpty {
            plan.dependencies = DependencyLayer(folder: "node_modules", inputs: inputs, inputFolders: inputFolders)
        }

        if manifest.hasScript("build") { plan.build = ["npm run build"] }
        if manifest.hasScript("start") {
            plan.start = "npm start"
        } else if let main = manifest.main {
            plan.start = "node " + Shell.quoted(main)
        } else if let file = ["index.js", "server.js", "app.js", "main.js"].first(where: source.exists) {
            plan.start = "node \(file)"
        }
        return plan
    }

    func missingStart(_ source: any SourceTree) -> String {
        "Node app with no start command: add a \"start\" script or \"main\" to package.json, an index.js, or deploy.startCommand"
    }

    /// The version asked for by precedence: the variable, `.nvmrc`, `.node-version`,
    /// `.tool-versions`, `engines.node`.
    func toolchainRequest(
        _ source: any SourceTree, manifest: PackageJSON, variables: ProviderVariables, notes: inout [String]
    ) -> ToolchainRequest? {
        func request(_ version: String, _ from: String) -> ToolchainRequest {
            ToolchainRequest(language: "node", version: String(version.prefix(VersionRequirement.longest + 1)), source: from)
        }
        if let knob = variables.knob("NODE_VERSION") { return request(knob.value, knob.variable) }
        for file in [".nvmrc", ".node-version"] {
            if let text = source.read(file), let line = PythonManifest.firstLine(text) { return request(line, file) }
        }
        if let version = PythonManifest.toolVersion(source, names: ["nodejs", "node"]) { return request(version, ".tool-versions") }
        return manifest.nodeRequest(notes: &notes).map { request($0, "package.json engines.node") }
    }

    /// `packageManager` first (`pnpm@9.1.0`, `yarn@1.22.19`, `yarn@4.1.0`, `npm@10`), then the
    /// lock file (pnpm-lock.yaml, .yarnrc.yml for Yarn 2+, yarn.lock), else npm.
    static func packageManager(_ source: any SourceTree, manifest: PackageJSON, notes: inout [String]) -> PackageManager {
        if let field = manifest.packageManager {
            let parts = field.split(separator: "@", maxSplits: 1).map(String.init)
            let version = parts.count == 2 && isPlainVersion(parts[1]) ? parts[1] : nil
            switch parts.first {
            case "pnpm": return .pnpm(version: version ?? pnpmVersion(source))
            case "yarn": return version?.hasPrefix("1.") == true || version == "1" ? .yarn1 : .yarnBerry
            case "npm": return .npm
            default: notes.append("package.json packageManager \(ToolchainRequest.shown(String(field.prefix(60)))) is not npm, pnpm or yarn: npm is used")
            }
        }
        if source.exists("pnpm-lock.yaml") { return .pnpm(version: pnpmVersion(source)) }
        if source.exists(".yarnrc.yml") || source.exists(".yarnrc.yaml") { return .yarnBerry }
        if source.exists("yarn.lock") { return .yarn1 }
        return .npm
    }

    /// The pnpm major that wrote the lock file, as Railpack maps it; 9 when it does not say.
    static func pnpmVersion(_ source: any SourceTree) -> String {
        guard let lock = source.read("pnpm-lock.yaml") else { return "9" }
        if lock.hasPrefix("lockfileVersion: 5.3") { return "6" }
        if lock.hasPrefix("lockfileVersion: 5.4") { return "7" }
        if lock.hasPrefix("lockfileVersion: '6.0'") { return "8" }
        return "9"
    }

    /// Digits, dots and letters only: it goes into a command line.
    static func isPlainVersion(_ text: String) -> Bool {
        !text.isEmpty && text.count <= 40 && text.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "." || $0 == "-") }
    }
}
