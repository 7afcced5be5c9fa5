import Foundation
import Logging
import ServiceLifecycle

#if canImport(Glibc)
import Glibc
#endif

/// Gives back the code pages the server mapped while starting and no longer runs.
///
/// The binary is large (all of its packages, statically), and its start runs code from all
/// over it: every fault maps the 64 KiB around the page it needed (the kernel's fault-around),
/// so a started server had 20 MB of its 24 MB of machine code mapped (measured: RSS 48 MB, of
/// which 4.4 MB its own data), most of it never run again. Dropping the mappings of read-only
/// executable file pages (`MADV_DONTNEED`) loses nothing: they are the file's, unchanged, and
/// a page run again is mapped again from the page cache (a minor fault). Writable and
/// relocated mappings are never touched: for those DONTNEED would drop data.
enum ResidentCode {
    /// Drops this process's mappings of executable file pages; returns the bytes advised.
    /// A mapping with any page of its own (`Anonymous` in smaps: a text relocation, a
    /// debugger's breakpoint) is left alone, as its pages are no longer the file's.
    @discardableResult
    static func trim() -> Int {
        guard let smaps = try? String(contentsOfFile: "/proc/self/smaps", encoding: .utf8) else { return 0 }
        var advised = 0
        var candidate: (start: UnsafeMutableRawPointer, length: Int)?
        for line in smaps.split(separator: "\n") {
            let fields = line.split(separator: " ", maxSplits: 5, omittingEmptySubsequences: true)
            guard let first = fields.first else { continue }
            if first.hasSuffix(":") {
                // A field of the mapping above; its own pages (copied on write) show here.
                if first == "Anonymous:", let mapping = candidate {
                    if fields.count >= 2, fields[1] == "0", madvise(mapping.start, mapping.length, MADV_DONTNEED) == 0 {
                        advised += mapping.length
                    }
                    candidate = nil
                }
                continue
            }
            // 55d1c2a00000-55d1c4a8b000 r-xp 00000000 fe:00 5533737   /path/to/file
            candidate = nil
            guard fields.count == 6, fields[1] == "r-xp",
                  let path = fields.last?.trimmingCharacters(in: .whitespaces), path.hasPrefix("/"), !path.hasSuffix("(deleted)")
            else { continue }
            let range = first.split(separator: "-")
            guard range.count == 2, let low = UInt(range[0], radix: 16), let high = UInt(range[1], radix: 16), high > low,
                  let start = UnsafeMutableRawPointer(bitPattern: low)
            else { continue }
            candidate = (start, Int(high - low))
        }
        return advised
    }
}

/// Trims the server's resident code once it has started, and again every `interval` (what a
/// deploy or a burst ran is given back once it is over).
struct ResidentCodeTrimService: ServiceLifecycle.Service {
    var settle: Duration = .seconds(5)
    var interval: Duration = .seconds(600)
    let logger: Logger

    func run() async throws {
        var wait = settle
        while !Task.isShuttingDownGracefully && !Task.isCancelled {
            do {
                try await cancelWhenGracefulShutdown { [wait] in try await Task.sleep(for: wait) }
            } catch {
                return
            }
            let advised = ResidentCode.trim()
            logger.debug("gave back resident code pages", metadata: ["railyard.advised_bytes": "\(advised)"])
            wait = interval
        }
    }
}
