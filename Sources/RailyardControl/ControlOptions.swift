import Foundation
import Logging
import NIOCore
import RailyardBuild
import RailyardCore
import RailyardEdge
import RailyardRuntime
import RailyardSandbox
import RailyardStore

/// Settings of the deployment pipeline.
public struct ControlOptions: Sendable {
    public var dataDirectory: URL
    public var buildTimeLimit: Duration = .seconds(900)
    /// Builds that may run at once; more wait their turn.
    public var concurrentBuilds: Int = max(1, ProcessInfo.processInfo.activeProcessorCount)
    /// Artifacts kept per service for rollbacks (the running ones are always kept).
    public var artifactsKept: Int = 5
    /// How often running instances are probed after their deploy.
    public var healthInterval: Duration = .seconds(10)
    /// How often log files past their retention (14 days) are looked for and deleted.
    public var logSweepInterval: Duration = .seconds(3600)
    /// Consecutive failed probes after which an instance is restarted.
    public var healthFailuresBeforeRestart = 3
    /// How static sites are served: this program's `serve-static` command, run in the sandbox.
    public var staticServer: [String]? = ControlOptions.currentExecutable().map { [$0, "serve-static"] }
    /// What an upload may unpack to; past it the build fails early.
    public var unpackLimits = SourceArchive.Limits()
    /// Limits of every build (and clone, and pre-deploy command).
    public var buildLimits = BuildExecutor.defaultLimits
    /// Limits of each replica where its service sets none (a service's memory and CPU
    /// settings replace these).
    public var instanceLimits = ResourceLimits(memoryBytes: 2 << 30, pids: 2048)
    /// This server replaces one still running on the same data folder (an upgrade): what that
    /// one runs is left to it until it stops, and only then are its leftovers cleared.
    public var replacing = false
    /// The host name the server's TCP proxies are reached at (`RAILWAY_TCP_PROXY_DOMAIN`):
    /// the base of generated domains, which names this server.
    public var tcpProxyDomain = "localhost"
    /// The ports TCP proxies take theirs from (`--tcp-proxy-ports`).
    public var tcpProxyPorts = TCPProxyRules.defaultPorts
    /// What each replica (and pre-deploy command) may write into its own view of the app
    /// folder (`WritableView`: gone at its restart); 0 keeps the app folder read-only.
    public var writableAppFolderBytes = 512 << 20
    /// The interpreters the host has (`ToolchainCatalog.discover`), to match a version an app
    /// asks for.
    public var toolchains: [Toolchain] = []

    /// The private networks sandboxes run on (`PrivateNetwork`); nil runs them on the host's
    /// network, for `privateNetworkUnavailable`'s reason.
    public var privateNetwork: PrivateNetwork?
    public var privateNetworkUnavailable: String?

    static func currentExecutable() -> String? {
        (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe"))
    }

    public init(dataDirectory: URL) { self.dataDirectory = dataDirectory }

    /// A short name for the server that owns `dataDirectory` (its cgroups live under
    /// `railyard/NAME`): a digest of the folder's real path.
    public static func nodeName(dataDirectory: String) -> String {
        let path = URL(fileURLWithPath: dataDirectory).standardizedFileURL.resolvingSymlinksInPath().path
        // FNV-1a: stable across runs (Swift's Hasher is seeded per process).
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in path.utf8 {
            hash ^= UInt64(byte)
            hash = hash &* 0x100_0000_01b3
        }
        return "node-" + String(hash, radix: 36)
    }

    public var sources: URL { dataDirectory.appendingPathComponent("sources") }
    public var artifacts: URL { dataDirectory.appendingPathComponent("artifacts") }
    var builds: URL { dataDirectory.appendingPathComponent("builds") }
    /// The empty folder each sandbox's own mount namespace mounts its writable view over.
    var views: URL { dataDirectory.appendingPathComponent("views") }
    /// Dependency layers (`DependencyLayer`), per service and environment.
    var layers: URL { dataDirectory.appendingPathComponent("layers") }
    /// Package managers' download caches, per service and environment: kept between builds,
    /// never shared with another service.
    var caches: URL { dataDirectory.appendingPathComponent("caches") }
    var logs: URL { dataDirectory.appendingPathComponent("logs") }
    /// Volumes: `ID.img` (the filesystem image) and `ID` (where it is mounted).
    public var volumes: URL { dataDirectory.appendingPathComponent("volumes") }
    /// Database services' backups (`ID.dump`, `ID.rdb`, `ID.sql`), and `work/` for those
    /// being taken.
    public var backups: URL { dataDirectory.appendingPathComponent("backups") }
}
