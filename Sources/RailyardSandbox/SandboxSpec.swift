/// What a sandboxed process may see and do: the host system read-only, its own folder mounted
/// at `/srv/app` (writable for builds, read-only for app instances), a private `/tmp`, new
/// PID, IPC and UTS namespaces, a non-root user, only the environment it is given, and none of
/// the `hiddenPaths` (the data folder, where every other service's files live).
public struct SandboxSpec: Sendable, Equatable {
    public static let mountPoint = "/srv/app"
    /// `nobody`: owns nothing on the host.
    public static let defaultUser = SandboxUser(uid: 65534, gid: 65534)

    public var workDirectory: String
    public var writableWork: Bool
    public var hiddenPaths: [String]
    public var environment: [String: String]
    public var user: SandboxUser
    public var hostname: String
    /// Extra read-only files or folders, by path inside the sandbox (Railyard's own binary for
    /// static sites, which may live under a hidden folder such as /tmp or /root).
    public var readOnlyBinds: [String: String] = [:]

    public init(
        workDirectory: String, writableWork: Bool, hiddenPaths: [String], environment: [String: String],
        user: SandboxUser = SandboxSpec.defaultUser, hostname: String = "railyard"
    ) {
        self.workDirectory = workDirectory
        self.writableWork = writableWork
        self.hiddenPaths = hiddenPaths
        self.environment = environment
        self.user = user
        self.hostname = hostname
    }
}

public struct SandboxUser: Sendable, Equatable {
    public var uid: UInt32
    public var gid: UInt32

    public init(uid: UInt32, gid: UInt32) {
        self.uid = uid
        self.gid = gid
    }
}

/// Builds the command line that runs `command` inside a sandbox. Pure: returns arguments,
/// runs nothing (Kamal's commands/cli split).
public enum SandboxCommand {
    /// - Parameter dropPrivileges: true when Railyard runs as root. bubblewrap run by root with
    ///   `--unshare-user --uid N` maps N to real root outside, so the "non-root" process could
    ///   still read root-only files; `setpriv` becomes the unprivileged user first, and bwrap
    ///   then creates the user namespace as that user.
    public static func arguments(_ spec: SandboxSpec, command: [String], dropPrivileges: Bool) -> [String] {
        var arguments: [String] = []
        if dropPrivileges {
            arguments += [
                "setpriv", "--reuid=\(spec.user.uid)", "--regid=\(spec.user.gid)", "--clear-groups", "--inh-caps=-all",
            ]
        }
        arguments += [
            "bwrap",
            "--unshare-user", "--uid", "1000", "--gid", "1000",
            "--unshare-pid", "--unshare-ipc", "--unshare-uts", "--unshare-cgroup-try",
            "--hostname", spec.hostname,
            "--new-session",
            "--ro-bind", "/", "/",
            "--proc", "/proc",
            "--dev", "/dev",
            "--tmpfs", "/tmp",
            "--tmpfs", "/var/tmp",
            "--tmpfs", "/run",
            "--tmpfs", "/root",
            "--tmpfs", "/home",
            "--tmpfs", "/srv",
        ]
        // Hidden paths become empty folders. Sorted so that a parent is covered before a child
        // (a child mount point inside an earlier tmpfs can then still be made).
        for path in Set(spec.hiddenPaths).sorted() where path.hasPrefix("/") && path != "/" {
            arguments += ["--tmpfs", path]
        }
        arguments += [spec.writableWork ? "--bind" : "--ro-bind", spec.workDirectory, SandboxSpec.mountPoint]
        for (inside, outside) in spec.readOnlyBinds.sorted(by: { $0.key < $1.key }) {
            arguments += ["--ro-bind", outside, inside]
        }
        arguments += ["--chdir", SandboxSpec.mountPoint, "--clearenv"]
        var environment = spec.environment
        environment["HOME"] = environment["HOME"] ?? "/tmp"
        environment["PATH"] = environment["PATH"] ?? "/usr/local/bin:/usr/bin:/bin"
        for (name, value) in environment.sorted(by: { $0.key < $1.key }) {
            arguments += ["--setenv", name, value]
        }
        arguments += ["--"] + command
        return arguments
    }
}
