import Foundation
import RailyardSandbox

/// A service's dependency layers on disk: `LAYERS/KEY/tree` holds a layer's folder, its files
/// root's and read-only, shared as hard links with every artifact built with it. Reusing one
/// costs a walk of the folder (no install, no download); making one costs a second set of
/// links to what the install wrote.
struct LayerStore {
    let cache: BuildCache
    let dropPrivileges: Bool

    struct Prepared {
        /// nil when the layer cannot be keyed (its inputs are too large, or unreadable).
        var key: String?
        /// The layer's folder is in the artifact: skip the install.
        var reused: Bool
    }

    /// Puts the layer for `layer`'s key into the artifact when one is kept; otherwise leaves
    /// the artifact without the folder for the install to make. A folder of that name that
    /// came with the source (a developer's own virtualenv) is removed either way: the build
    /// makes its own.
    func prepare(
        _ layer: DependencyLayer, plan: BuildPlan, variables: [String: String], artifact: URL, user: SandboxUser,
        onLine: @Sendable (OutputChannel, String) -> Void
    ) -> Prepared {
        let key: String
        do {
            let source = try ConfinedFolder(path: artifact.path)
            if source.kind(layer.folder) != nil {
                onLine(.stdout, "\(layer.folder) came with the source: left out, the build makes its own")
                try ConfinedFolder.removeTree(at: artifact.appendingPathComponent(layer.folder).path)
            }
            key = try DependencyKey.compute(layer, plan: plan, variables: variables, source: source)
        } catch {
            onLine(.stdout, "dependencies: not cached (\(error))")
            return Prepared(key: nil, reused: false)
        }
        let kept = cache.layers.appendingPathComponent(key)
        guard FileManager.default.fileExists(atPath: kept.appendingPathComponent("tree").path) else {
            onLine(.stdout, "dependencies: no layer for \(Self.short(key)) yet; installing")
            return Prepared(key: key, reused: false)
        }
        do {
            let destination = try ConfinedFolder(path: artifact.path)
            let count = try ConfinedFolder(path: kept.path).linkCopy(
                "tree", into: destination, as: layer.folder, folderOwner: dropPrivileges ? user : nil)
            // Its time says when it was last used, for pruning.
            utimes(kept.path, nil)
            onLine(.stdout, "dependencies: unchanged, reusing layer \(Self.short(key)) (\(count) entries in \(layer.folder)); install skipped")
            return Prepared(key: key, reused: true)
        } catch {
            onLine(.stdout, "dependencies: cannot reuse layer \(Self.short(key)) (\(error)); installing")
            try? ConfinedFolder.removeTree(at: artifact.appendingPathComponent(layer.folder).path)
            return Prepared(key: key, reused: false)
        }
    }

    /// After the install: makes the layer's files root's and read-only in the artifact (so no
    /// later step, and no app, can change them under the layer), then keeps a linked copy as
    /// the layer `key`, and prunes the oldest beyond `layersKept`.
    func keep(_ layer: DependencyLayer, key: String, artifact: URL, onLine: @Sendable (OutputChannel, String) -> Void) {
        let partial = cache.layers.appendingPathComponent("\(key).partial-\(UInt64.random(in: 0...UInt64.max))")
        do {
            let built = try ConfinedFolder(path: artifact.path)
            guard built.kind(layer.folder) == .folder else {
                onLine(.stdout, "dependencies: the install made no \(layer.folder); nothing kept")
                return
            }
            try built.freezeFiles(layer.folder, owner: dropPrivileges ? SandboxUser(uid: 0, gid: 0) : nil)
            try FileManager.default.createDirectory(at: partial, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
            let count = try built.linkCopy(layer.folder, into: try ConfinedFolder(path: partial.path), as: "tree", folderOwner: nil)
            let final = cache.layers.appendingPathComponent(key)
            try? ConfinedFolder.removeTree(at: final.path)
            guard rename(partial.path, final.path) == 0 else { throw BuildFailure("cannot name the layer: \(String(cString: strerror(errno)))") }
            onLine(.stdout, "dependencies: kept as layer \(Self.short(key)) (\(count) entries) for the next builds")
        } catch {
            try? ConfinedFolder.removeTree(at: partial.path)
            onLine(.stdout, "dependencies: not kept (\(error))")
        }
        prune()
    }

    /// Keeps the `layersKept` most recently used layers, and removes what an interrupted
    /// build left half made.
    func prune() {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: cache.layers.path)) ?? []
        var layers: [(name: String, time: Int)] = []
        for name in names {
            let path = cache.layers.appendingPathComponent(name).path
            if name.contains(".partial-") {
                // A build of this service runs one at a time: a partial not made just now is a leftover.
                var info = stat()
                if stat(path, &info) == 0, Int(info.st_mtim.tv_sec) < Int(Date().timeIntervalSince1970) - 3600 {
                    try? ConfinedFolder.removeTree(at: path)
                }
                continue
            }
            var info = stat()
            guard stat(path, &info) == 0 else { continue }
            layers.append((name, Int(info.st_mtim.tv_sec) * 1_000_000_000 + Int(info.st_mtim.tv_nsec)))
        }
        for stale in layers.sorted(by: { $0.time > $1.time }).dropFirst(cache.layersKept) {
            try? ConfinedFolder.removeTree(at: cache.layers.appendingPathComponent(stale.name).path)
        }
    }

    static func short(_ key: String) -> String { String(key.prefix(12)) }
}
