import Foundation
#if canImport(Glibc)
import Glibc
#endif
import RailyardCore

/// What the CLI remembers between runs: the server, the session or API token, and which
/// project/environment/service each folder is linked to. Kept in
/// `$XDG_CONFIG_HOME/railyard/config.json` with mode 0600.
struct CLIConfig: Codable {
    struct Link: Codable, Equatable {
        var workspaceId: WorkspaceID
        var projectId: ProjectID
        var environmentId: EnvironmentID
        var serviceId: ServiceID?
    }

    var server: String?
    var accessToken: String?
    var refreshToken: String?
    var apiToken: String?
    var email: String?
    var links: [String: Link] = [:]

    static var path: String {
        let environment = ProcessInfo.processInfo.environment
        let base = environment["XDG_CONFIG_HOME"].flatMap { $0.isEmpty ? nil : $0 }
            ?? (NSHomeDirectory() as NSString).appendingPathComponent(".config")
        return (base as NSString).appendingPathComponent("railyard/config.json")
    }

    static func load() throws -> CLIConfig {
        guard let data = FileManager.default.contents(atPath: path) else { return CLIConfig() }
        do {
            return try JSONDecoder().decode(CLIConfig.self, from: data)
        } catch {
            throw CLIError("\(path) is not a valid Railyard config (\(error)); fix or delete it")
        }
    }

    func save() throws {
        let directory = (Self.path as NSString).deletingLastPathComponent
        try FileManager.default.createDirectory(
            atPath: directory, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        let data = try encoder.encode(self)
        // Write to a private temporary file and rename, so the file is never readable by others
        // and never half-written.
        let temporary = Self.path + ".tmp"
        guard FileManager.default.createFile(atPath: temporary, contents: data, attributes: [.posixPermissions: 0o600])
        else { throw CLIError("cannot write \(temporary)") }
        guard rename(temporary, Self.path) == 0 else {
            throw CLIError("cannot write \(Self.path): \(String(cString: strerror(errno)))")
        }
    }

    /// An exclusive lock on the config file, for read-modify-write sequences that other
    /// `railyard` processes may run at the same time.
    final class Lock {
        private let descriptor: Int32

        init() throws {
            let directory = (CLIConfig.path as NSString).deletingLastPathComponent
            try FileManager.default.createDirectory(
                atPath: directory, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
            descriptor = open(CLIConfig.path + ".lock", O_CREAT | O_RDWR | O_CLOEXEC, 0o600)
            guard descriptor >= 0 else { throw CLIError("cannot open \(CLIConfig.path).lock") }
            guard flock(descriptor, LOCK_EX) == 0 else {
                close(descriptor)
                throw CLIError("cannot lock \(CLIConfig.path).lock")
            }
        }

        func release() {
            flock(descriptor, LOCK_UN)
            close(descriptor)
        }
    }

    /// The link of the current folder or its nearest linked parent.
    func link(for directory: String = FileManager.default.currentDirectoryPath) -> Link? {
        var current = (directory as NSString).standardizingPath
        while true {
            if let link = links[current] { return link }
            let parent = (current as NSString).deletingLastPathComponent
            if parent == current || parent.isEmpty { return nil }
            current = parent
        }
    }

    static var currentDirectory: String {
        (FileManager.default.currentDirectoryPath as NSString).standardizingPath
    }
}

/// A CLI failure: printed as one line on stderr, exit status 1.
struct CLIError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}
