import Foundation

extension BuildPlan {
    /// The system's folders, after the app's and the toolchain's.
    public static let systemPath = "/usr/local/bin:/usr/bin:/bin"

    /// The environment every command of this plan runs with (install, build, pre-deploy and
    /// start): the provider's variables (`VIRTUAL_ENV`, `PYTHONUNBUFFERED`, …) under the
    /// service's own, and PATH with the app's folders first (`.venv/bin`,
    /// `node_modules/.bin`), then the chosen toolchain's, then the system's. A PATH the
    /// service sets itself is taken as it is.
    public func commandEnvironment(variables: [String: String]) -> [String: String] {
        var environment = self.environment.merging(variables) { _, service in service }
        if variables["PATH"] == nil {
            environment["PATH"] = (path + (toolchain.map { [$0.bin] } ?? []) + [Self.systemPath]).joined(separator: ":")
        }
        return environment
    }

    /// What the sandbox must see of the chosen toolchain: its folder, read-only at the same
    /// path (a virtualenv's `python` links to it by that path). Folders under /usr are
    /// visible anyway.
    public var toolchainBinds: [String: String] {
        guard let root = toolchain?.root, root.hasPrefix("/"), !Self.visibleInSandbox(root) else { return [:] }
        return [root: root]
    }

    static func visibleInSandbox(_ path: String) -> Bool {
        ["/usr", "/bin", "/opt", "/lib"].contains { path == $0 || path.hasPrefix($0 + "/") }
    }
}
