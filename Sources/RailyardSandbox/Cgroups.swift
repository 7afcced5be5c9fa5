import Foundation

/// Memory and CPU caps for one app instance. nil means no cap.
public struct ResourceLimits: Sendable, Equatable {
    public var memoryBytes: Int64?
    /// Thousandths of a core: 1000 is one full core, 500 half of one.
    public var cpuMillis: Int?

    public init(memoryBytes: Int64? = nil, cpuMillis: Int? = nil) {
        self.memoryBytes = memoryBytes
        self.cpuMillis = cpuMillis
    }

    public var isEmpty: Bool { memoryBytes == nil && cpuMillis == nil }
}

/// Puts instances in cgroups of their own with their limits, on cgroup v2 (unified) or v1
/// (a memory and a cpu hierarchy), whichever the host has. Every group lives under a
/// `railyard` group at the root of each hierarchy, named after the instance.
public struct Cgroups: Sendable, Equatable {
    public enum Layout: Sendable, Equatable {
        /// The unified hierarchy's mount point.
        case v2(String)
        /// The memory and cpu hierarchies' mount points; either may be missing.
        case v1(memory: String?, cpu: String?)
    }

    public let layout: Layout
    static let parentName = "railyard"
    /// CFS period: quotas are in microseconds per this many microseconds.
    static let cpuPeriod = 100_000

    public init(layout: Layout) { self.layout = layout }

    /// The host's cgroups, ready to use (the `railyard` parent groups exist and, on v2, the
    /// memory and cpu controllers are enabled for them), or why they cannot be used.
    public static func detect(root: String = "/sys/fs/cgroup") -> Result<Cgroups, CgroupError> {
        let fileManager = FileManager.default
        for unified in [root, root + "/unified"] {
            guard let controllers = try? String(contentsOfFile: unified + "/cgroup.controllers", encoding: .utf8) else { continue }
            let available = Set(controllers.split(whereSeparator: \.isWhitespace).map(String.init))
            guard available.contains("memory") || available.contains("cpu") else { continue }
            let cgroups = Cgroups(layout: .v2(unified))
            do {
                try cgroups.prepareParentsV2(unified, available: available)
                return .success(cgroups)
            } catch {
                return .failure(error)
            }
        }
        let memory = fileManager.fileExists(atPath: root + "/memory/memory.limit_in_bytes") ? root + "/memory" : nil
        let cpu = [root + "/cpu", root + "/cpu,cpuacct"].first { fileManager.fileExists(atPath: $0 + "/cpu.cfs_quota_us") }
        guard memory != nil || cpu != nil else {
            return .failure(CgroupError("no cgroup memory or cpu controller is mounted under \(root)"))
        }
        for hierarchy in [memory, cpu].compactMap({ $0 }) {
            do {
                try makeFolder(hierarchy + "/" + parentName)
            } catch {
                return .failure(error)
            }
        }
        return .success(Cgroups(layout: .v1(memory: memory, cpu: cpu)))
    }

    private func prepareParentsV2(_ unified: String, available: Set<String>) throws(CgroupError) {
        let wanted = ["memory", "cpu"].filter(available.contains)
        let parent = unified + "/" + Self.parentName
        try Self.makeFolder(parent)
        // A controller reaches a group only when every ancestor enables it for its children.
        for folder in [unified, parent] {
            let enabled = (try? String(contentsOfFile: folder + "/cgroup.subtree_control", encoding: .utf8)) ?? ""
            let missing = wanted.filter { !enabled.split(whereSeparator: \.isWhitespace).contains(Substring($0)) }
            guard !missing.isEmpty else { continue }
            try Self.write(missing.map { "+" + $0 }.joined(separator: " "), to: folder + "/cgroup.subtree_control")
        }
    }

    /// Makes the instance's groups with `limits` and returns the `cgroup.procs` files its
    /// first process must write its pid to (before it starts anything else).
    public func prepare(_ name: String, limits: ResourceLimits) throws(CgroupError) -> [String] {
        guard Self.isSafeName(name) else { throw CgroupError("'\(name)' cannot name a cgroup") }
        switch layout {
        case .v2(let unified):
            let group = "\(unified)/\(Self.parentName)/\(name)"
            try Self.makeFolder(group)
            if let memory = limits.memoryBytes {
                try Self.write(String(memory), to: group + "/memory.max")
                // Swap would let the instance go past its limit, only slower.
                if FileManager.default.fileExists(atPath: group + "/memory.swap.max") {
                    try Self.write("0", to: group + "/memory.swap.max")
                }
            }
            if let cpu = limits.cpuMillis {
                try Self.write("\(Self.quota(cpu)) \(Self.cpuPeriod)", to: group + "/cpu.max")
            }
            return [group + "/cgroup.procs"]
        case .v1(let memoryRoot, let cpuRoot):
            var procs: [String] = []
            if let memoryRoot, let memory = limits.memoryBytes {
                let group = "\(memoryRoot)/\(Self.parentName)/\(name)"
                try Self.makeFolder(group)
                try Self.write(String(memory), to: group + "/memory.limit_in_bytes")
                if FileManager.default.fileExists(atPath: group + "/memory.memsw.limit_in_bytes") {
                    try Self.write(String(memory), to: group + "/memory.memsw.limit_in_bytes")
                }
                procs.append(group + "/cgroup.procs")
            } else if limits.memoryBytes != nil {
                throw CgroupError("the cgroup v1 memory controller is not mounted")
            }
            if let cpuRoot, let cpu = limits.cpuMillis {
                let group = "\(cpuRoot)/\(Self.parentName)/\(name)"
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

    /// How many times the kernel killed a process of the instance for going over its memory
    /// limit.
    public func outOfMemoryKills(_ name: String) -> Int {
        let file: String
        switch layout {
        case .v2(let unified): file = "\(unified)/\(Self.parentName)/\(name)/memory.events"
        case .v1(let memory, _):
            guard let memory else { return 0 }
            file = "\(memory)/\(Self.parentName)/\(name)/memory.oom_control"
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
        case .v2(let unified): file = "\(unified)/\(Self.parentName)/\(name)/memory.peak"
        case .v1(let memory, _):
            guard let memory else { return nil }
            file = "\(memory)/\(Self.parentName)/\(name)/memory.max_usage_in_bytes"
        }
        return (try? String(contentsOfFile: file, encoding: .utf8)).flatMap {
            Int64($0.trimmingCharacters(in: .whitespacesAndNewlines))
        }
    }

    /// Removes the instance's groups once its processes are gone (a group with processes in it
    /// cannot be removed; waits up to about a second for the last ones to leave).
    public func remove(_ name: String) async {
        guard Self.isSafeName(name) else { return }
        let groups: [String] = switch layout {
        case .v2(let unified): ["\(unified)/\(Self.parentName)/\(name)"]
        case .v1(let memory, let cpu): [memory, cpu].compactMap { $0.map { "\($0)/\(Self.parentName)/\(name)" } }
        }
        for group in groups {
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
