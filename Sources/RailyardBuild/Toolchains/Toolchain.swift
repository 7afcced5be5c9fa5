import Foundation

/// An interpreter or compiler the host has: where it lives and which version it is.
public struct Toolchain: Sendable, Equatable, Codable {
    /// `python`, `node`, `go`, …
    public var language: String
    /// The version the program itself reports (`3.12.1`, `20.20.2`).
    public var version: String
    /// Its `bin` folder on the host, put on PATH ahead of the system's.
    public var bin: String
    /// The folder that holds all of it (`/root/.pyenv/versions/3.12.1`), bound read-only at
    /// the same path in the sandbox when the sandbox would otherwise not see it.
    public var root: String

    public init(language: String, version: String, bin: String, root: String) {
        self.language = language
        self.version = version
        self.bin = bin
        self.root = root
    }
}

/// What an app asked for: `3.12` from `.python-version`, `>=18 <21` from `engines.node`.
public struct ToolchainRequest: Sendable, Equatable, Codable {
    public var language: String
    /// The version or range as written.
    public var version: String
    /// Where it was asked (`.python-version`, `runtime.txt`, `package.json engines.node`,
    /// `RAILPACK_PYTHON_VERSION`), for messages.
    public var source: String

    public init(language: String, version: String, source: String) {
        self.language = language
        self.version = version
        self.source = source
    }
}

/// A folder the install step fills from the dependency files alone (a virtualenv,
/// node_modules). It is kept per service and environment, keyed by those files and the
/// toolchain, and reused by later builds while they are unchanged.
public struct DependencyLayer: Sendable, Equatable, Codable {
    /// The folder, relative to the app (`.venv`, `node_modules`).
    public var folder: String
    /// The files (relative to the app) whose contents decide what the install puts there.
    public var inputs: [String]
    /// Folders (relative to the app) whose whole contents the install also reads (local
    /// `file:` packages, a project installed into its own virtualenv).
    public var inputFolders: [String]

    public init(folder: String, inputs: [String], inputFolders: [String] = []) {
        self.folder = folder
        self.inputs = inputs
        self.inputFolders = inputFolders
    }
}
