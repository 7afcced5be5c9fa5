import Foundation

/// The parts of a package.json the Node provider uses, read with limits first: a manifest
/// that is huge, deep or not JSON is a one-line `PlanError`, never a crash or a stack overflow.
struct PackageJSON: Sendable {
    /// Past these a package.json is refused: real ones are a few kilobytes and a few levels.
    static let limits: ConfigShapeCheck.Limits = {
        var limits = ConfigShapeCheck.Limits()
        limits.maximumBytes = SourceLimits.maximumReadBytes
        limits.maximumDepth = 32
        limits.maximumItems = 100_000
        return limits
    }()

    var scripts: [String: ConfigValue] = [:]
    var main: String?
    /// Every dependency list's entries (`dependencies`, `devDependencies`,
    /// `optionalDependencies`), name to the spec as written.
    var dependencies: [String: String] = [:]
    /// `pnpm@9.1.0` without a trailing `+sha…`.
    var packageManager: String?
    var enginesNode: ConfigValue?
    var hasWorkspaces = false

    init(_ text: String) throws(PlanError) {
        if let problem = ConfigShapeCheck.problem(json: text, limits: Self.limits) {
            throw PlanError("package.json \(problem)")
        }
        guard case .table(let root)? = try? JSONDecoder().decode(ConfigValue.self, from: Data(text.utf8)) else {
            throw PlanError("package.json is not valid JSON (an object at the top)")
        }
        if case .table(let scripts)? = root["scripts"] { self.scripts = scripts }
        if case .string(let main)? = root["main"], !main.isEmpty { self.main = main }
        for list in ["dependencies", "devDependencies", "optionalDependencies"] {
            guard case .table(let entries)? = root[list] else { continue }
            for case (let name, .string(let spec)) in entries { dependencies[name] = spec }
        }
        if case .string(let manager)? = root["packageManager"] {
            packageManager = manager.split(separator: "+", maxSplits: 1).first.map(String.init)
        }
        if case .table(let engines)? = root["engines"] { enginesNode = engines["node"] }
        hasWorkspaces = root["workspaces"] != nil
    }

    func hasScript(_ name: String) -> Bool { scripts[name] != nil }

    /// Scripts npm runs during an install, which may read any of the app's files.
    var hasInstallScripts: Bool { ["preinstall", "install", "postinstall", "prepare"].contains(where: hasScript) }

    /// Local packages (`file:`, `link:`, `./x`, `../x`) as paths inside the app, sorted.
    /// Throws when one leads outside the app (absolute, `~`, or up through `..`): the build
    /// sees only the app's folder, and the dependency layer may only be keyed by what is in it.
    func localPackages() throws(PlanError) -> [(name: String, path: String)] {
        var found: [(name: String, path: String)] = []
        for (name, spec) in dependencies.sorted(by: { $0.key < $1.key }) {
            let path: Substring
            if spec.hasPrefix("file:") || spec.hasPrefix("link:") {
                path = spec.dropFirst(5)
            } else if spec.hasPrefix("./") || spec.hasPrefix("../") || spec.hasPrefix("/") || spec.hasPrefix("~/") {
                path = spec[...]
            } else {
                continue
            }
            guard let inside = pathInsideApp(String(path)) else {
                throw PlanError(
                    "package.json: dependency \(ToolchainRequest.shown(String(name.prefix(100)))) is \(ToolchainRequest.shown(spec)), "
                        + "outside the app; only the app's folder is built, so move that package inside it")
            }
            found.append((name, inside))
        }
        return found
    }

    /// The version `engines.node` asks for; a value that is not a string is ignored, with a note.
    func nodeRequest(notes: inout [String]) -> String? {
        switch enginesNode {
        case .string(let version)?: return version
        case nil: return nil
        case let other?:
            notes.append("package.json engines.node is \(other.kindName), not a version string: ignored")
            return nil
        }
    }
}
