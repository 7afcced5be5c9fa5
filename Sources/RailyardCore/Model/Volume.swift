import Foundation

/// Storage that outlives deployments: one per service per environment (as on Railway), bound
/// writable into every replica at `mountPath` and owned by the service's user there.
public struct Volume: Codable, Sendable, Equatable {
    public var id: VolumeID
    public var serviceID: ServiceID
    public var environmentID: EnvironmentID
    /// What `RAILWAY_VOLUME_NAME` says: `SERVICE-volume` (Railway's own naming).
    public var name: String
    /// Where replicas see it (`RAILWAY_VOLUME_MOUNT_PATH`).
    public var mountPath: String
    /// Its size limit: a write past it fails with ENOSPC inside the app.
    public var sizeBytes: Int64
    public var createdAt: Date
    /// Filled in by the server in its answers, from the mounted filesystem (statvfs); nil when
    /// it is not mounted on this server.
    public var usedBytes: Int64?
    /// Whether the server has it mounted now.
    public var mounted: Bool?

    public init(
        id: VolumeID, serviceID: ServiceID, environmentID: EnvironmentID, name: String, mountPath: String,
        sizeBytes: Int64, createdAt: Date, usedBytes: Int64? = nil, mounted: Bool? = nil
    ) {
        self.id = id
        self.serviceID = serviceID
        self.environmentID = environmentID
        self.name = name
        self.mountPath = mountPath
        self.sizeBytes = sizeBytes
        self.createdAt = createdAt
        self.usedBytes = usedBytes
        self.mounted = mounted
    }

    enum CodingKeys: String, CodingKey {
        case id, serviceID = "serviceId", environmentID = "environmentId", name, mountPath, sizeBytes, createdAt,
             usedBytes, mounted
    }
}

/// What a volume may be: where it is mounted and how large it is. Pure; the API and the CLI
/// both ask it.
public enum VolumeRules {
    /// Below this an ext4 filesystem has too little room for its own metadata to be useful.
    public static let minimumBytes: Int64 = 32 << 20
    /// 1 TiB: a filesystem image is sparse, but a larger one is a typo more often than a wish.
    public static let maximumBytes: Int64 = 1 << 40
    /// The size a volume gets when none is given.
    public static let defaultBytes: Int64 = 1 << 30
    public static let maximumMountPathLength = 200
    public static let maximumMountPathDepth = 8

    /// Paths a volume may be neither at, under, nor above: the sandbox's own mounts (the app at
    /// /srv/app, /proc, /dev, private /tmp and /run) and the host system it sees read-only.
    public static let reservedPaths = [
        "/bin", "/boot", "/dev", "/etc", "/lib", "/lib32", "/lib64", "/libx32", "/proc", "/run", "/sbin",
        "/srv/app", "/sys", "/tmp", "/usr", "/var/run", "/var/tmp", "/var/lib", "/var/log", "/nix", "/snap",
    ]

    /// Why `path` cannot be a volume's mount path; nil when it can.
    public static func mountPathProblem(_ path: String) -> String? {
        guard !path.isEmpty else { return "the mount path is empty" }
        guard path.utf8.count <= maximumMountPathLength else {
            return "the mount path is longer than \(maximumMountPathLength) characters"
        }
        guard path.hasPrefix("/") else { return "the mount path must be absolute (start with /), e.g. /data" }
        guard path != "/" else { return "a volume cannot be mounted at /" }
        if path.hasSuffix("/") { return "the mount path must not end with /" }
        let parts = path.dropFirst().split(separator: "/", omittingEmptySubsequences: false)
        if parts.count > maximumMountPathDepth { return "the mount path is deeper than \(maximumMountPathDepth) folders" }
        for part in parts {
            if part.isEmpty { return "the mount path has an empty folder name (//)" }
            if part == "." || part == ".." { return "the mount path must not contain . or .. folders" }
            if part.hasPrefix(".") { return "the mount path's folder names must not start with '.'" }
            let allowed = part.utf8.allSatisfy { byte in
                (byte >= 0x61 && byte <= 0x7A) || (byte >= 0x41 && byte <= 0x5A) || (byte >= 0x30 && byte <= 0x39)
                    || byte == 0x2D || byte == 0x5F || byte == 0x2E
            }
            if !allowed { return "the mount path may use only letters, digits, '.', '-', '_' and '/'" }
        }
        for reserved in reservedPaths {
            if path == reserved || path.hasPrefix(reserved + "/") {
                return "\(path) is where the sandbox keeps \(reserved); mount the volume elsewhere, e.g. /data"
            }
            if reserved.hasPrefix(path + "/") {
                return "a volume at \(path) would cover \(reserved); mount it elsewhere, e.g. /data"
            }
        }
        return nil
    }

    /// Why `bytes` cannot be a volume's size; nil when it can.
    public static func sizeProblem(_ bytes: Int64) -> String? {
        guard bytes >= minimumBytes, bytes <= maximumBytes else {
            return "a volume's size must be from \(describe(minimumBytes)) to \(describe(maximumBytes))"
        }
        return nil
    }

    /// A size as people write it: `1G`, `500M`, `500MB`, `2GiB`, `1T`, or a number of bytes.
    /// Units are binary (1G = 1024 MiB). nil for anything else (`1Q`, `-1`, `1e30`, `1.5G`).
    public static func parseSize(_ text: String) -> Int64? {
        var text = text.trimmingCharacters(in: .whitespaces).uppercased()
        guard !text.isEmpty, text.utf8.count <= 24 else { return nil }
        for suffix in ["IB", "B"] where text.hasSuffix(suffix) && text.count > suffix.count {
            text.removeLast(suffix.count)
            break
        }
        let shifts: [Character: Int64] = ["K": 10, "M": 20, "G": 30, "T": 40]
        var shift: Int64 = 0
        if let last = text.last, let found = shifts[last] {
            shift = found
            text.removeLast()
        }
        guard !text.isEmpty, text.utf8.allSatisfy({ $0 >= 0x30 && $0 <= 0x39 }), let number = Int64(text) else { return nil }
        let (bytes, overflow) = number.multipliedReportingOverflow(by: Int64(1) << shift)
        return overflow ? nil : bytes
    }

    /// `1 GiB`, `512 MiB`, or bytes.
    public static func describe(_ bytes: Int64) -> String {
        for (unit, shift) in [("TiB", Int64(40)), ("GiB", 30), ("MiB", 20), ("KiB", 10)] where bytes >= Int64(1) << shift {
            let value = Double(bytes) / Double(Int64(1) << shift)
            return value == value.rounded() ? "\(Int64(value)) \(unit)" : String(format: "%.1f \(unit)", value)
        }
        return "\(bytes) B"
    }

    /// Railway's name for a service's volume.
    public static func name(service: String) -> String { "\(service)-volume" }
}
