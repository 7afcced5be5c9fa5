import Foundation
import RailyardSandbox

/// The default runtime: each instance is a process in its own bubblewrap sandbox.
public actor SandboxedProcessRuntime: Runtime {
    private let runner: SandboxRunner
    private var instances: [String: ChildProcess] = [:]
    private var stopSignals: [String: StopSignal] = [:]

    /// nil until first needed: found once, on the first instance with limits.
    private var cgroupsFound: Result<Cgroups, CgroupError>?
    private let cgroupRoot: String
    private let node: String

    /// - Parameter node: names this server's cgroups (`Cgroups`), so that servers sharing a
    ///   machine never kill each other's instances.
    public init(runner: SandboxRunner = SandboxRunner(), cgroupRoot: String = "/sys/fs/cgroup", node: String = "") {
        self.runner = runner
        self.cgroupRoot = cgroupRoot
        self.node = node
    }

    private var cgroups: Result<Cgroups, CgroupError> {
        if let cgroupsFound { return cgroupsFound }
        let found = Cgroups.detect(root: cgroupRoot, node: node)
        cgroupsFound = found
        return found
    }

    @discardableResult
    public func start(
        _ spec: InstanceSpec, onOutput: @escaping @Sendable (OutputChannel, String) -> Void,
        onExit: @escaping @Sendable (InstanceExit) -> Void
    ) async throws -> [String] {
        guard instances[spec.id] == nil else { throw RuntimeError("instance \(spec.id) is already running") }
        var environment = spec.environment
        // How a later run of the server recognises this instance's process, sandboxed or not.
        environment[Self.instanceVariable] = spec.id
        var sandbox = SandboxSpec(
            workDirectory: spec.artifact, writableWork: false, hiddenPaths: spec.hiddenPaths, environment: environment,
            user: spec.user, hostname: String(spec.id.prefix(63)))
        sandbox.readOnlyBinds = spec.readOnlyBinds
        sandbox.writableBinds = spec.writableBinds
        sandbox.writableView = spec.writableView
        sandbox.network = spec.network
        var warnings: [String] = []
        // Every instance gets groups of its own, limits or not: they are how it is killed
        // whole, whatever it forked or detached.
        var contained: Cgroups?
        switch cgroups {
        case .success(let cgroups):
            do {
                sandbox.cgroupProcs = try cgroups.prepare(spec.id, limits: spec.limits)
                contained = cgroups
            } catch {
                await cgroups.remove(spec.id)
                if !spec.limits.isEmpty { warnings.append("memory, CPU and process limits are not enforced: \(error)") }
            }
        case .failure(let problem):
            if !spec.limits.isEmpty { warnings.append("memory, CPU and process limits are not enforced: \(problem)") }
        }
        // As written, by a shell: `migrate && collectstatic && gunicorn …`, pipes and `$VAR`
        // all work. The shell stays as the app's parent; `stop` signals the app, not it.
        let invocation = runner.invocation(sandbox, command: ["/bin/sh", "-c", spec.command])
        let descriptors: [Int32]
        do {
            descriptors = try runner.inheritedDescriptors()
        } catch {
            await contained?.remove(spec.id)
            throw RuntimeError(error.description)
        }
        defer { for descriptor in descriptors { close(descriptor) } }
        let child: ChildProcess
        do {
            child = try ChildProcess.spawn(
                invocation.arguments, environment: invocation.environment,
                workingDirectory: invocation.workingDirectory, passing: descriptors, onLine: onOutput)
        } catch {
            await contained?.remove(spec.id)
            throw RuntimeError(error.description)
        }
        instances[spec.id] = child
        stopSignals[spec.id] = spec.stopSignal
        let id = spec.id
        let memoryLimit = spec.limits.memoryBytes
        Task {
            let exit = await child.exitStatus()
            let outOfMemory = (contained?.outOfMemoryKills(id) ?? 0) > 0
            // Nothing it started outlives it.
            await contained?.remove(id)
            onExit(InstanceExit(process: exit, outOfMemory: outOfMemory, memoryLimit: memoryLimit))
            self.forget(id, child)
        }
        return warnings
    }

    public func stop(_ id: String, grace: Duration) async {
        // Taken out at once: a second stop of the same instance finds nothing to do.
        guard let child = instances.removeValue(forKey: id) else { return }
        let stopSignal = stopSignals.removeValue(forKey: id) ?? .everyProcess(SIGTERM)
        // The app and what it started, but not bubblewrap itself: bubblewrap does not pass
        // SIGTERM on, and killing it would SIGKILL the app with no chance to drain.
        let parents = ProcessTree.parents()
        var targets = Self.signalTargets(below: child.pid, parents: parents, name: ProcessTree.commandName)
        let signal: Int32
        switch stopSignal {
        case .everyProcess(let chosen):
            signal = chosen
        case .mainProcess(let chosen):
            signal = chosen
            targets = Self.topmost(targets, parents: parents)
        }
        if child.finishedStatus == nil {
            for pid in targets { kill(pid, signal) }
            if targets.isEmpty { child.signal(signal) }
        }
        if await child.exitStatus(within: grace) == nil {
            child.killTree()
            if case .success(let cgroups) = cgroups { await cgroups.killAll(id) }
            _ = await child.exitStatus()
        }
    }

    /// Kills and removes every group of this server's left by an earlier run (instances and
    /// builds alike): by cgroup, so no process escapes through a stale pid.
    public func removeLeftovers() async -> Int {
        guard case .success(let cgroups) = cgroups else { return 0 }
        let names = cgroups.existingGroups().filter { name in instances[name] == nil }
        await withTaskGroup(of: Void.self) { group in
            for name in names { group.addTask { await cgroups.remove(name) } }
        }
        return names.count
    }

    public func running() async -> [String] { instances.keys.sorted() }

    public func usage(_ id: String) async -> InstanceUsage? {
        guard instances[id] != nil, case .success(let cgroups) = cgroups else { return nil }
        let (memory, cpu) = cgroups.usage(id)
        guard memory != nil || cpu != nil else { return nil }
        return InstanceUsage(memoryBytes: memory, cpuMicroseconds: cpu)
    }

    public func listens(_ id: String, port: Int) async -> Bool {
        guard let child = instances[id], child.finishedStatus == nil else { return false }
        let pids = [child.pid] + ProcessTree.descendants(of: child.pid, parents: ProcessTree.parents())
        // Its sockets are in its own network namespace when it has one: the table of its
        // deepest process, which is inside whatever the sandbox entered.
        let inodes = ListeningSockets.inodes(port: port, seenBy: pids.last)
        guard !inodes.isEmpty else { return false }
        return ListeningSockets.held(inodes, byAnyOf: pids)
    }

    public func listensOnlyOnLoopback(_ id: String, port: Int) async -> Bool {
        guard let child = instances[id], child.finishedStatus == nil,
              let inside = ProcessTree.descendants(of: child.pid, parents: ProcessTree.parents()).last
        else { return false }
        return ListeningSockets.onlyOnLoopback(port: port, seenBy: inside)
    }

    public func handle(of id: String) async -> String? { instances[id].map { String($0.pid) } }

    public func removeOrphan(id: String, handle: String) async {
        // Its groups are named after it, whatever became of the process: everything in them goes.
        if case .success(let cgroups) = cgroups { await cgroups.remove(id) }
        if let pid = Int32(handle), pid > 1, Self.isSandbox(pid: pid, of: id) {
            ProcessTree.killTree(pid)
            for _ in 0..<50 where kill(pid, 0) == 0 { try? await Task.sleep(for: .milliseconds(20)) }
        }
    }

    /// Who gets SIGTERM when an instance stops: everything below the sandbox but bubblewrap
    /// (which does not pass signals on) and the shell that runs the start command, while it
    /// has something to wait for. A shell killed by SIGTERM would end the sandbox, and with it
    /// (as the PID namespace's last process leaves) the app it was waiting for, before the app
    /// had drained; left alone, it waits for the app and exits with it, or goes on to what the
    /// command says comes next, within the grace period.
    static func signalTargets(below root: Int32, parents: [Int32: Int32], name: (Int32) -> String?) -> [Int32] {
        let tree = ProcessTree.descendants(of: root, parents: parents)
        let names = Dictionary(uniqueKeysWithValues: tree.map { ($0, name($0) ?? "") })
        let candidates = tree.filter { names[$0] != "bwrap" }
        // The start command's shell: directly below bubblewrap (or, without a sandbox, the
        // root itself, which is never in the list).
        let shells = Set(candidates.filter { pid in
            names[pid] == "sh" && parents[pid].map { names[$0] == "bwrap" } == true
        })
        let others = candidates.filter { !shells.contains($0) }
        return others.isEmpty ? candidates : others
    }

    /// Those of `targets` whose parent is not among them: the app's main process (a server
    /// that stops its own workers), not the workers.
    static func topmost(_ targets: [Int32], parents: [Int32: Int32]) -> [Int32] {
        let set = Set(targets)
        return targets.filter { pid in parents[pid].map { !set.contains($0) } ?? true }
    }

    static let instanceVariable = "RAILYARD_INSTANCE"

    /// Whether `pid` is still the process of instance `id`: its environment names it (or, for
    /// sandboxes started before that variable existed, its command line names it as the
    /// sandbox's host name). Guards against a pid reused since.
    static func isSandbox(pid: Int32, of id: String) -> Bool {
        if let environ = ProcFile.read("/proc/\(pid)/environ"),
           environ.utf8.split(separator: 0).contains(where: { $0.elementsEqual("\(instanceVariable)=\(id)".utf8) })
        {
            return true
        }
        guard let data = FileManager.default.contents(atPath: "/proc/\(pid)/cmdline") else { return false }
        let arguments = data.split(separator: 0).map { String(decoding: $0, as: UTF8.self) }
        guard let index = arguments.firstIndex(of: "--hostname"), index + 1 < arguments.count else { return false }
        return arguments[index + 1] == String(id.prefix(63))
    }

    private func forget(_ id: String, _ child: ChildProcess) {
        if instances[id] === child {
            instances[id] = nil
            stopSignals[id] = nil
        }
    }
}

public struct RuntimeError: Error, Sendable, Equatable, CustomStringConvertible {
    public let description: String
    public init(_ description: String) { self.description = description }
}
