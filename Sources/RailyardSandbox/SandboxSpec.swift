import Foundation

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
    /// Extra writable folders, by path inside the sandbox (a build's download caches, kept
    /// between builds of its service).
    public var writableBinds: [String: String] = [:]
    /// Gives the sandbox a writable view of `workDirectory` of its own (an overlay, see
    /// `WritableView`) instead of the folder read-only. Applied by `SandboxRunner` when it
    /// can mount (as root); otherwise the folder is bound read-only.
    public var writableView: WritableView?
    /// The `cgroup.procs` files the sandbox joins before it starts (`Cgroups.prepare`), so
    /// that everything it ever runs can be found and killed.
    public var cgroupProcs: [String] = []
    /// Its place on its environment's private network (`PrivateNetwork`): the sandbox runs in
    /// that namespace and reads that hosts file as /etc/hosts. nil: the host's network.
    public var network: SandboxNetwork?
    /// The size of each of its scratch folders (`/tmp`, `/var/tmp`): memory-backed, so they
    /// are capped (and charged to its memory group).
    public var scratchBytes: Int = SandboxSpec.defaultScratchBytes

    public static let defaultScratchBytes = 256 << 20

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
    /// bubblewrap by absolute path, so that a service's own PATH cannot change which program
    /// sets up its sandbox.
    public static let bubblewrap = ["/usr/bin/bwrap", "/usr/local/bin/bwrap", "/bin/bwrap"]
        .first { FileManager.default.isExecutableFile(atPath: $0) } ?? "/usr/bin/bwrap"

    /// The whole environment bubblewrap must be started with: the sandboxed command gets it
    /// as it is, with HOME and PATH filled in when the spec has none.
    public static func environment(_ spec: SandboxSpec) -> [String: String] {
        var environment = spec.environment
        environment["HOME"] = environment["HOME"] ?? "/tmp"
        environment["PATH"] = environment["PATH"] ?? "/usr/local/bin:/usr/bin:/bin"
        return environment
    }

    /// The host's top-level folders that the sandbox replaces with its own (`/proc`, `/dev`) or
    /// with an empty tmpfs, and so never binds.
    static let replacedAtTheTop: Set<String> = ["proc", "dev", "tmp", "run", "root", "home", "srv"]

    /// What the sandbox sees of the host's `/`: each top-level folder or file bound read-only, each
    /// top-level link made again as the same link, except `replacedAtTheTop`.
    ///
    /// Not `--ro-bind / /`: bubblewrap binds recursively and then remounts every mount under
    /// the bound folder read-only, one by one, and fails when one goes in between. The host's
    /// `/run/netns` holds a mount per replica's network namespace, removed as that replica
    /// stops, so a replica starting while another stopped failed now and then with "Can't bind
    /// mount /oldroot/ on /newroot/: … remount "/newroot/run/netns/rly-…": No such file or
    /// directory" (a rolling restart in a full run at 5b423e7). Mounts under the folders
    /// replaced at the top (/run, /tmp, /root: the default data folder and its volumes) are
    /// never bound now.
    static func rootEntries(of root: String = "/") -> [(name: String, linkTarget: String?)] {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: root)) ?? []
        return names.sorted().filter { !replacedAtTheTop.contains($0) }.map { name in
            let path = (root as NSString).appendingPathComponent(name)
            return (name: name, linkTarget: try? FileManager.default.destinationOfSymbolicLink(atPath: path))
        }
    }

    /// - Parameter dropPrivileges: true when Railyard runs as root. Then bubblewrap runs as real
    ///   root with no user namespace (so it can bind folders the sandbox user could not even
    ///   enter, such as a data folder under /root), keeps only the capabilities needed to change
    ///   user, and `setpriv` inside the sandbox becomes the unprivileged user, with no
    ///   capabilities left and no way back (no_new_privs), before the command starts. Without
    ///   root, bubblewrap makes a user namespace in which the command runs as uid 1000.
    public static func arguments(_ spec: SandboxSpec, command: [String], dropPrivileges: Bool) -> [String] {
        var arguments = [bubblewrap]
        // The default seccomp filter, which bubblewrap reads from descriptor 3 and loads last,
        // just before the command: the runner passes SeccompFilter.programDescriptor() there.
        arguments += SeccompFilter.bubblewrapArguments()
        if dropPrivileges {
            arguments += ["--cap-add", "CAP_SETUID", "--cap-add", "CAP_SETGID", "--cap-add", "CAP_SETPCAP"]
        } else {
            arguments += ["--unshare-user", "--uid", "1000", "--gid", "1000"]
        }
        arguments += [
            "--unshare-pid", "--unshare-ipc", "--unshare-uts", "--unshare-cgroup-try",
            "--hostname", spec.hostname,
            "--new-session",
        ]
        for entry in rootEntries() {
            if let target = entry.linkTarget {
                arguments += ["--symlink", target, "/" + entry.name]
            } else {
                arguments += ["--ro-bind", "/" + entry.name, "/" + entry.name]
            }
        }
        arguments += [
            "--proc", "/proc",
            "--dev", "/dev",
            // Sticky and world-writable, as on any host: made by real root, a tmpfs is 0755 root's.
            // Sized: a tmpfs is memory, as large as the host's by default.
            "--perms", "1777", "--size", String(spec.scratchBytes), "--tmpfs", "/tmp",
            "--perms", "1777", "--size", String(spec.scratchBytes), "--tmpfs", "/var/tmp",
            "--size", String(1 << 20), "--tmpfs", "/run",
            "--size", String(1 << 20), "--tmpfs", "/root",
            "--size", String(1 << 20), "--tmpfs", "/home",
            "--size", String(1 << 20), "--tmpfs", "/srv",
        ]
        // Hidden paths become empty folders. Sorted so that a parent is covered before a child
        // (a child mount point inside an earlier tmpfs can then still be made).
        for path in Set(spec.hiddenPaths).sorted() where path.hasPrefix("/") && path != "/" {
            arguments += ["--size", String(1 << 20), "--tmpfs", path]
        }
        arguments += [spec.writableWork ? "--bind" : "--ro-bind", spec.workDirectory, SandboxSpec.mountPoint]
        if let network = spec.network { arguments += ["--ro-bind", network.hostsFile, "/etc/hosts"] }
        let binds = spec.readOnlyBinds.map { (inside: $0.key, outside: $0.value, writable: false) }
            + spec.writableBinds.map { (inside: $0.key, outside: $0.value, writable: true) }
        for bind in binds.sorted(by: { $0.inside < $1.inside }) {
            // Folders bubblewrap makes on its own are 0700, closed to the sandbox user when
            // bubblewrap runs as root.
            var parents: [String] = []
            var parent = (bind.inside as NSString).deletingLastPathComponent
            while parent != "/" && !parent.isEmpty {
                parents.insert(parent, at: 0)
                parent = (parent as NSString).deletingLastPathComponent
            }
            for folder in parents { arguments += ["--perms", "0755", "--dir", folder] }
            arguments += [bind.writable ? "--bind" : "--ro-bind", bind.outside, bind.inside]
        }
        // No --setenv: a command line is readable by every user of the host, and variables
        // hold secrets. bubblewrap passes on its own environment, which only its owner can
        // read: start it with `environment(spec)` and nothing else.
        arguments += ["--chdir", SandboxSpec.mountPoint, "--"]
        if dropPrivileges {
            arguments += [
                "/usr/bin/setpriv", "--reuid=\(spec.user.uid)", "--regid=\(spec.user.gid)", "--clear-groups",
                "--inh-caps=-all", "--bounding-set=-all", "--no-new-privs", "--",
            ]
        }
        return arguments + command
    }
}
