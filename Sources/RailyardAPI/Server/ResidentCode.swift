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
    /// Drops this process's mappings of read-only file pages (code, constants); returns the
    /// bytes advised.
    /// Pages of a mapping that are its own (copied on write: a text relocation, a debugger's
    /// breakpoint) are left alone, page by page, as they are no longer the file's: the
    /// kernel's page map says which (`/proc/self/pagemap`, bit 61: a file page).
    @discardableResult
    static func trim() -> Int {
        guard let maps = try? String(contentsOfFile: "/proc/self/maps", encoding: .utf8) else { return 0 }
        let pagemap = open("/proc/self/pagemap", O_RDONLY | O_CLOEXEC)
        guard pagemap >= 0 else { return 0 }
        defer { close(pagemap) }
        let pageSize = Int(sysconf(Int32(_SC_PAGESIZE)))
        var advised = 0
        for line in maps.split(separator: "\n") {
            // 55d1c2a00000-55d1c4a8b000 r-xp 00000000 fe:00 5533737   /path/to/file
            let fields = line.split(separator: " ", maxSplits: 5, omittingEmptySubsequences: true)
            // Code and read-only data (text, constants, ICU's tables); never a writable mapping.
            guard fields.count == 6, fields[1] == "r-xp" || fields[1] == "r--p",
                  let path = fields.last?.trimmingCharacters(in: .whitespaces), path.hasPrefix("/"), !path.hasSuffix("(deleted)")
            else { continue }
            let range = fields[0].split(separator: "-")
            guard range.count == 2, let low = Int(range[0], radix: 16), let high = Int(range[1], radix: 16), high > low
            else { continue }
            advised += trim(from: low, to: high, pageSize: pageSize, pagemap: pagemap)
        }
        return advised
    }

    /// Drops the mapping of every page from `low` to `high` that is the file's or not present,
    /// in runs; returns the bytes advised.
    private static func trim(from low: Int, to high: Int, pageSize: Int, pagemap: Int32) -> Int {
        let pages = (high - low) / pageSize
        var entries = [UInt64](repeating: 0, count: pages)
        let wanted = pages * 8
        let read = entries.withUnsafeMutableBytes { pread(pagemap, $0.baseAddress, wanted, off_t(low / pageSize * 8)) }
        guard read == wanted else { return 0 }
        let present: UInt64 = 1 << 63
        let filePage: UInt64 = 1 << 61
        var advised = 0
        var runStart: Int?
        for index in 0...pages {
            let droppable = index < pages && (entries[index] & present == 0 || entries[index] & filePage != 0)
            if droppable {
                if runStart == nil { runStart = index }
            } else if let first = runStart {
                let length = (index - first) * pageSize
                if let start = UnsafeMutableRawPointer(bitPattern: low + first * pageSize), madvise(start, length, MADV_DONTNEED) == 0 {
                    advised += length
                }
                runStart = nil
            }
        }
        return advised
    }
}

/// Trims the server's resident code once it has started, and again every `interval` (what a
/// deploy or a burst ran is given back once it is over). A trim takes milliseconds on a thread
/// of its own; what runs again faults its pages back from the page cache (a few hundred minor
/// faults), so a minute costs a busy server nothing it would notice, and an idle one keeps what
/// its deploys ran for at most a minute.
struct ResidentCodeTrimService: ServiceLifecycle.Service {
    var settle: Duration = .seconds(5)
    var interval: Duration = .seconds(60)
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
