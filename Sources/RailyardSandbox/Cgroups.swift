import Foundation

/// Memory, CPU and process-count caps for one sandbox (an app instance or a build). nil means
/// no cap.
public struct ResourceLimits: Sendable, Equatable {
    public var memoryBytes: Int64?
    /// Thousandths of a core: 1000 is one full core, 500 half of one.
    public var cpuMillis: Int?
    /// Processes and threads at once (a fork bomb stops here).
    public var pids: Int?

    public init(memoryBytes: Int64? = nil, cpuMillis: Int? = nil, pids: Int? = nil) {
        self.memoryBytes = memoryBytes
        self.cpuMillis = cpuMillis
        self.pids = pids
    }

    public var isEmpty: Bool { memoryBytes == nil && cpuMillis == nil && pids == nil }
}

/// Puts every sandbox (app instances and builds) in cgroups of its own with its limits, on
/// cgroup v2 (unified) or v1 (memory, cpu and pids hierarchies), whichever the host has.
/// Groups live under `railyard/NODE` at the root of each hierarchy (NODE names one server's
/// data folder, so servers sharing a machine never touch each other's groups), named after
/// the sandbox. A group is how a sandbox is killed whole: every process in it, whatever it
/// forked, detached or renamed, is found there.
public struct Cgroups: Sendable, Equatable {
    public enum Layout: Sendable, Equatable {
        /// The unified hierarchy's mount point.
        case v2(String)
        /// The memory, cpu and pids hierarchies' mount points; any may be missing.
        case v1(memory: String?, cpu: String?, pids: String? = nil)
    }

    public let layout: Layout
    /// `railyard`, or `railyard/NODE`.
    let parentName: String
    /// CFS period: quotas are in microseconds per this many microseconds.
    static let cpuPeriod = 100_000

    public init(layout: Layout, node: String = "") {
        self.layout = layout
        self.parentName = node.isEmpty ? "railyard" : "railyard/" + node
    }

    /// The host's cgroups, ready to use (the `railyard` parent groups exist and, on v2, the
    /// memory and cpu controllers are enabled for them), or why they cannot be used.
    public static func detect(root: String = "/sys/fs/cgroup", node: String = "") -> Result<Cgroups, CgroupError> {
        let fileManager = FileManager.default
        for unified in [root, root + "/unified"] {
            guard let controllers = try? String(contentsOfFile: unified + "/cgroup.controllers", encoding: .utf8) else { continue }
            let available = Set(controllers.split(whereSeparator: \.isWhitespace).map(String.init))
            guard available.contains("memory") || available.contains("cpu") || available.contains("pids") else { continue }
            let cgroups = Cgroups(layout: .v2(unified), node: node)
            do {
                try cgroups.prepareParentsV2(unified, available: available)
                return .success(cgroups)
            } catch {
                return .failure(error)
            }
        }
        let memory = fileManager.fileExists(atPath: root + "/memory/memory.limit_in_bytes") ? root + "/memory" : nil
        let cpu = [root + "/cpu", root + "/cpu,cpuacct"].first { fileManager.fileExists(atPath: $0 + "/cpu.cfs_quota_us") }
        let pids = fileManager.fileExists(atPath: root + "/pids/cgroup.procs") ? root + "/pids" : nil
        guard memory != nil || cpu != nil || pids != nil else {
            return .failure(CgroupError("no cgroup memory, cpu or pids controller is mounted under \(root)"))
        }
        let cgroups = Cgroups(layout: .v1(memory: memory, cpu: cpu, pids: pids), node: node)
        for hierarchy in [memory, cpu, pids].compactMap({ $0 }) {
            do {
                try makeFolders(hierarchy, cgroups.parentName)
            } catch {
                return .failure(error)
            }
        }
        return .success(cgroups)
    }

    /// Makes `relative`'s folders under `root`, one level at a time.
    static func makeFolders(_ root: String, _ relative: String) throws(CgroupError) {
        var path = root
        for part in relative.split(separator: "/") {
            path += "/" + part
            try makeFolder(path)
        }
    }

    private func prepareParentsV2(_ unified: String, available: Set<String>) throws(CgroupError) {
        let wanted = ["memory", "cpu", "pids"].filter(available.contains)
        try Self.makeFolders(unified, parentName)
        var folders = [unified]
        var path = unified
        for part in parentName.split(separator: "/") {
            path += "/" + part
            folders.append(path)
        }
        // A controller reaches a group only when every ancestor enables it for its children.
        for folder in folders {
            let enabled = (try? String(contentsOfFile: folder + "/cgroup.subtree_control", encoding: .utf8)) ?? ""
            let missing = wanted.filter { !enabled.split(whereSeparator: \.isWhitespace).contains(Substring($0)) }
            guard !missing.isEmpty else { continue }
            try Self.write(missing.map { "+" + $0 }.joined(separator: " "), to: folder + "/cgroup.subtree_control")
        }
    }

    /// Makes the sandbox's groups with `limits` and returns the `cgroup.procs` files its
    /// first process must write its pid to (before it starts anything else). A group is made
    /// even without limits (in the pids hierarchy on v1), so that the sandbox can be killed
    /// whole.
    public func prepare(_ name: String, limits: ResourceLimits) throws(CgroupError) -> [String] {
        guard Self.isSafeName(name) else { throw CgroupError("'\(name)' cannot name a cgroup") }
        switch layout {
        case .v2(let unified):
            let group = "\(unified)/\(parentName)/\(name)"
            try Self.makeFolder(group)
            if let memory = limits.memoryBytes {
                try Self.write(String(memory), to: group + "/memory.max")
                // Swap would let the sandbox go past its limit, only slower.
                if FileManager.default.fileExists(atPath: group + "/memory.swap.max") {
                    try Self.write("0", to: group + "/memory.swap.max")
                }
            }
            if let cpu = limits.cpuMillis {
                try Self.write("\(Self.quota(cpu)) \(Self.cpuPeriod)", to: group + "/cpu.max")
            }
            if let pids = limits.pids { try Self.write(String(pids), to: group + "/pids.max") }
            return [group + "/cgroup.procs"]
        case .v1(let memoryRoot, let cpuRoot, let pidsRoot):
            var procs: [String] = []
            if let pidsRoot {
                let group = "\(pidsRoot)/\(parentName)/\(name)"
                try Self.makeFolder(group)
                if let pids = limits.pids { try Self.write(String(pids), to: group + "/pids.max") }
                procs.append(group + "/cgroup.procs")
            } else if limits.pids != nil {
                throw CgroupError("the cgroup v1 pids controller is not mounted")
            }
            if let memoryRoot, limits.memoryBytes != nil || pidsRoot == nil {
                let group = "\(memoryRoot)/\(parentName)/\(name)"
                try Self.makeFolder(group)
                if let memory = limits.memoryBytes {
                    try Self.write(String(memory), to: group + "/memory.limit_in_bytes")
                    if FileManager.default.fileExists(atPath: group + "/memory.memsw.limit_in_bytes") {
                        try Self.write(String(memory), to: group + "/memory.memsw.limit_in_bytes")
                    }
                }
                procs.append(group + "/cgroup.procs")
            } else if limits.memoryBytes != nil {
                throw CgroupError("the cgroup v1 memory controller is not mounted")
            }
            if let cpuRoot, let cpu = limits.cpuMillis {
                let group = "\(cpuRoot)/\(parentName)/\(name)"
                try Self.makeFolder(group)
                try Self.write(String(Self.cpuPeriod), to: group + "/cpu.cfs_period_us")
                try Self.write(String(Self.quota(cpu)), to: group + "/cpu.cfs_quota_us")
                procs.append(group + "/cgroup.procs")
            } else if limits.cpuMillis != nil {
                throw CgroupError("the cgroup v1 cpu controller is not mounted")
            }
            return procs
        }
    }

    /// The group folders of sandbox `name`, in every hierarchy it may have one.
    func groups(_ name: String) -> [String] {
        switch layout {
        case .v2(let unified): ["\(unified)/\(parentName)/\(name)"]
        case .v1(let memory, let cpu, let pids): [pids, memory, cpu].compactMap { $0.map { "\($0)/\(parentName)/\(name)" } }
        }
    }

    /// The processes in the sandbox's groups now.
    public func processes(_ name: String) -> [Int32] {
        guard Self.isSafeName(name) else { return [] }
        var result: Set<Int32> = []
        for group in groups(name) {
            guard let text = ProcFile.read(group + "/cgroup.procs") else { continue }
            for line in text.split(separator: "\n") { if let pid = Int32(line), pid > 1 { result.insert(pid) } }
        }
        return result.sorted()
    }

    /// SIGKILLs every process in the sandbox's groups, again and again while any is left (a
    /// process may fork as it is being killed), and returns whether they are all gone.
    @discardableResult
    public func killAll(_ name: String) async -> Bool {
        guard Self.isSafeName(name) else { return true }
        if case .v2 = layout, let group = groups(name).first, FileManager.default.fileExists(atPath: group + "/cgroup.kill") {
            try? Self.write("1", to: group + "/cgroup.kill")
        }
        for _ in 0..<250 {
            let left = processes(name)
            if left.isEmpty { return true }
            for pid in left { kill(pid, SIGKILL) }
            try? await Task.sleep(for: .milliseconds(20))
        }
        return processes(name).isEmpty
    }

    /// The names of this server's sandbox groups that exist now (what a restarted server
    /// finds left over).
    public func existingGroups() -> [String] {
        var names: Set<String> = []
        let roots: [String] = switch layout {
        case .v2(let unified): [unified]
        case .v1(let memory, let cpu, let pids): [pids, memory, cpu].compactMap { $0 }
        }
        for root in roots {
            let parent = "\(root)/\(parentName)"
            guard let entries = try? FileManager.default.contentsOfDirectory(atPath: parent) else { continue }
            for entry in entries where Self.isSafeName(entry) {
                var isFolder: ObjCBool = false
                if FileManager.default.fileExists(atPath: parent + "/" + entry, isDirectory: &isFolder), isFolder.boolValue {
                    names.insert(entry)
                }
            }
        }
        return names.sorted()
    }

    /// How many times the kernel killed a process of the instance for going over its memory
    /// limit.
    public func outOfMemoryKills(_ name: String) -> Int {
        let file: String
        switch layout {
        case .v2(let unified): file = "\(unified)/\(parentName)/\(name)/memory.events"
        case .v1(let memory, _, _):
            guard let memory else { return 0 }
            file = "\(memory)/\(parentName)/\(name)/memory.oom_control"
        }
        guard let text = try? String(contentsOfFile: file, encoding: .utf8) else { return 0 }
        for line in text.split(separator: "\n") {
            let fields = line.split(separator: " ")
            if fields.count == 2, fields[0] == "oom_kill", let count = Int(fields[1]) { return count }
        }
        return 0
    }

    /// The most memory the instance's processes used at once, in bytes, when the host says.
    public func peakMemory(_ name: String) -> Int64? {
        let file: String
        switch layout {
        case .v2(let unified): file = "\(unified)/\(parentName)/\(name)/memory.peak"
        case .v1(let memory, _, _):
            guard let memory else { return nil }
            file = "\(memory)/\(parentName)/\(name)/memory.max_usage_in_bytes"
        }
        return (try? String(contentsOfFile: file, encoding: .utf8)).flatMap {
            Int64($0.trimmingCharacters(in: .whitespacesAndNewlines))
        }
    }

    /// What the instance's processes use now: memory in bytes (page cache included, as the
    /// limit counts it) and CPU time used since it started, in microseconds; nil where the
    /// host does not say.
    public func usage(_ name: String) -> (memoryBytes: Int64?, cpuMicroseconds: Int64?) {
        guard Self.isSafeName(name) else { return (nil, nil) }
        func number(_ file: String) -> Int64? {
            ProcFile.read(file).flatMap { Int64($0.trimmingCharacters(in: .whitespacesAndNewlines)) }
        }
        switch layout {
        case .v2(let unified):
            let group = "\(unified)/\(parentName)/\(name)"
            let cpu = ProcFile.read(group + "/cpu.stat")?.split(separator: "\n").first { $0.hasPrefix("usage_usec ") }
                .flatMap { Int64($0.dropFirst("usage_usec ".count)) }
            return (number(group + "/memory.current"), cpu)
        case .v1(let memory, let cpu, _):
            // cpuacct.usage (nanoseconds) is there when cpu and cpuacct share a hierarchy; else
            // the group's processes' own times (and their waited-for children's).
            let used = cpu.flatMap { number("\($0)/\(parentName)/\(name)/cpuacct.usage") }.map { $0 / 1_000 }
                ?? Self.processorTime(of: processes(name))
            return (memory.flatMap { number("\($0)/\(parentName)/\(name)/memory.usage_in_bytes") }, used)
        }
    }

    /// user + system time of `pids` and of their children they waited for, in microseconds
    /// (/proc/PID/stat fields 14 to 17, in clock ticks); nil when none could be read.
    static func processorTime(of pids: [Int32]) -> Int64? {
        let ticks = Int64(sysconf(Int32(_SC_CLK_TCK)))
        guard ticks > 0 else { return nil }
        var total: Int64 = 0
        var read = false
        for pid in pids {
            // The command name (field 2) may hold spaces and parentheses: fields follow its last ')'.
            guard let stat = ProcFile.read("/proc/\(pid)/stat"), let end = stat.lastIndex(of: ")") else { continue }
            let fields = stat[stat.index(after: end)...].split(separator: " ")
            // After ')': state is field 3, so utime (14) … cstime (17) are at 11…14.
            guard fields.count > 14 else { continue }
            for index in 11...14 { total += Int64(fields[index]) ?? 0 }
            read = true
        }
        return read ? total * 1_000_000 / ticks : nil
    }

    /// Kills whatever is left in the sandbox's groups and removes them.
    public func remove(_ name: String) async {
        guard Self.isSafeName(name) else { return }
        await killAll(name)
        for group in groups(name) {
            for _ in 0..<50 {
                if rmdir(group) == 0 || errno == ENOENT { break }
                try? await Task.sleep(for: .milliseconds(20))
            }
        }
    }

    static func quota(_ cpuMillis: Int) -> Int { max(1_000, cpuMillis * cpuPeriod / 1_000) }

    static func isSafeName(_ name: String) -> Bool {
        !name.isEmpty && name.count <= 200
            && name.unicodeScalars.allSatisfy { CharacterSet.alphanumerics.contains($0) || $0 == "-" || $0 == "_" }
            && name.unicodeScalars.allSatisfy(\.isASCII)
    }

    static func makeFolder(_ path: String) throws(CgroupError) {
        if mkdir(path, 0o755) != 0 && errno != EEXIST {
            throw CgroupError("cannot create the cgroup \(path): \(String(cString: strerror(errno)))")
        }
    }

    static func write(_ value: String, to path: String) throws(CgroupError) {
        // O_CREAT does nothing on a real cgroup (its files exist), but lets a test stand a
        // plain folder in for a cgroup v2 hierarchy this machine may not have.
        let descriptor = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
        guard descriptor >= 0 else { throw CgroupError("cannot open \(path): \(String(cString: strerror(errno)))") }
        defer { close(descriptor) }
        let bytes = Array(value.utf8)
        let written = bytes.withUnsafeBytes { Foundation.write(descriptor, $0.baseAddress, $0.count) }
        if written != bytes.count {
            throw CgroupError("cannot write '\(value)' to \(path): \(String(cString: strerror(errno)))")
        }
    }

    /// The shell words that join the groups behind `procs` and then run `command`: the
    /// process joins before it execs, so everything the instance starts is inside.
    public static func joining(_ procs: [String], command: [String]) -> [String] {
        guard !procs.isEmpty else { return command }
        let joins = procs.map { "echo $$ > '\($0)'" }.joined(separator: " && ")
        return ["/bin/sh", "-c", joins + " && exec \"$@\"", "railyard-cgroup"] + command
    }
}

public struct CgroupError: Error, Sendable, Equatable, CustomStringConvertible {
    public let description: String
    public init(_ description: String) { self.description = description }
}
