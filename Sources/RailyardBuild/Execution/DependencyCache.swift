import Crypto
import Foundation
import RailyardSandbox

/// What a service's builds keep for its later builds, per service and environment (never
/// shared with another service, so one tenant's build cannot feed another's):
/// - dependency layers (`DependencyLayer`: a virtualenv, node_modules), each under the key of
///   what made it, reused as hard links while the key is unchanged;
/// - package managers' download caches, bound at `/run/railyard/cache` during builds (a tmpfs of the sandbox's: the host's root is read-only there).
public struct BuildCache: Sendable {
    /// `DATA/layers/SERVICE/ENVIRONMENT`.
    public var layers: URL
    /// `DATA/caches/SERVICE/ENVIRONMENT`.
    public var downloads: URL
    /// Layers kept besides the newest (a changed dependency file makes a new one beside the
    /// old, so going back to an older lock file reuses its layer).
    public var layersKept = 3

    public init(layers: URL, downloads: URL) {
        self.layers = layers
        self.downloads = downloads
    }

    /// Where the download caches appear in a build's sandbox.
    public static let inside = "/run/railyard/cache"

    /// Package managers' cache settings, pointing into it. A service's own variables win.
    public static let variables: [String: String] = [
        "PIP_CACHE_DIR": "/run/railyard/cache/pip", "UV_CACHE_DIR": "/run/railyard/cache/uv", "POETRY_CACHE_DIR": "/run/railyard/cache/poetry",
        "PDM_CACHE_DIR": "/run/railyard/cache/pdm", "npm_config_cache": "/run/railyard/cache/npm", "YARN_CACHE_FOLDER": "/run/railyard/cache/yarn",
        "npm_config_store_dir": "/run/railyard/cache/pnpm", "GOCACHE": "/run/railyard/cache/go-build", "GOMODCACHE": "/run/railyard/cache/go-mod",
        "XDG_CACHE_HOME": "/run/railyard/cache/xdg",
    ]
}

/// The key of a dependency layer: a SHA-256 over everything the install step sees that
/// decides what it puts in the layer's folder — the install commands, the toolchain (or the
/// host's interpreters, by path, size and time), the provider's and the service's variables,
/// and the contents of the layer's input files and folders. Anything else in the app (its
/// code) is not read, which is why a code change reuses the layer.
public enum DependencyKey {
    /// Input files and folders past this many bytes in all: not worth keying, the layer is
    /// built every time.
    public static let maximumInputBytes = 256 << 20

    public static func compute(
        _ layer: DependencyLayer, plan: BuildPlan, variables: [String: String], source: ConfinedFolder
    ) throws(ConfinedFolderError) -> String {
        var hasher = SHA256()
        func add(_ text: String) {
            hasher.update(data: Data(text.utf8))
            hasher.update(data: Data([0]))
        }
        add("railyard-dependency-layer-1")
        add(layer.folder)
        for command in plan.install { add("install " + command) }
        if let toolchain = plan.toolchain {
            add("toolchain \(toolchain.language) \(toolchain.version) \(toolchain.bin)")
        } else {
            for program in ["python3", "node", "npm", "go"] { add("host " + hostProgramIdentity(program)) }
        }
        for (name, value) in plan.commandEnvironment(variables: variables).sorted(by: { $0.key < $1.key }) {
            add("variable \(name)=\(value)")
        }
        var total = 0
        for input in layer.inputs.sorted() {
            add("file " + input)
            if let bytes = source.readFile(input, limit: maximumInputBytes) {
                total += bytes.count
                guard total <= maximumInputBytes else { throw ConfinedFolderError("the dependency files are too large to key") }
                hasher.update(data: Data(bytes))
            } else {
                add("(missing)")
            }
        }
        for folder in layer.inputFolders.sorted() {
            add("folder " + folder)
            guard source.kind(folder) == .folder else {
                add("(missing)")
                continue
            }
            try source.walk(folder) { entry throws(ConfinedFolderError) in
                if entry.isFolder {
                    add("d " + entry.path)
                } else if entry.isLink {
                    add("l \(entry.path) \(entry.linkTarget ?? "")")
                } else if entry.isFile {
                    total += Int(entry.info.st_size)
                    guard total <= maximumInputBytes else { throw ConfinedFolderError("the dependency folders are too large to key") }
                    add("f \(entry.path) \(entry.info.st_mode & 0o111 != 0 ? "x" : "-")")
                    ConfinedFolder.readPieces(of: entry) { hasher.update(bufferPointer: $0) }
                }
            }
        }
        return hasher.finalize().map { String(format: "%02x", $0) }.joined()
    }

    /// `program` as found on the system's PATH: its real path, size and change time, so that
    /// an upgraded interpreter makes new layers.
    static func hostProgramIdentity(_ program: String) -> String {
        for folder in BuildPlan.systemPath.split(separator: ":") {
            let path = "\(folder)/\(program)"
            guard let real = try? FileManager.default.destinationOfSymbolicLink(atPath: path) else {
                var info = stat()
                if stat(path, &info) == 0 { return "\(path) \(info.st_size) \(info.st_mtim.tv_sec)" }
                continue
            }
            let resolved = URL(fileURLWithPath: real, relativeTo: URL(fileURLWithPath: String(folder))).standardizedFileURL.path
            var info = stat()
            if stat(resolved, &info) == 0 { return "\(resolved) \(info.st_size) \(info.st_mtim.tv_sec)" }
        }
        return "\(program) (none)"
    }
}
