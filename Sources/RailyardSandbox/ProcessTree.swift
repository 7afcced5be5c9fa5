import Foundation

/// The processes below a given one, read from /proc. Needed because signals sent to
/// bubblewrap are not forwarded to the app it runs: a graceful stop signals the app itself.
public enum ProcessTree {
    /// Parent of each process, from the `stat` lines of /proc.
    public static func parents() -> [Int32: Int32] {
        var result: [Int32: Int32] = [:]
        guard let entries = try? FileManager.default.contentsOfDirectory(atPath: "/proc") else { return result }
        for entry in entries {
            guard let pid = Int32(entry),
                  let stat = try? String(contentsOfFile: "/proc/\(entry)/stat", encoding: .utf8),
                  let parent = parentPID(fromStat: stat)
            else { continue }
            result[pid] = parent
        }
        return result
    }

    /// The fourth field of `/proc/PID/stat`; the command name (field two) may hold spaces and
    /// parentheses, so parsing starts after its last `)`.
    static func parentPID(fromStat stat: String) -> Int32? {
        guard let close = stat.lastIndex(of: ")") else { return nil }
        let fields = stat[stat.index(after: close)...].split(separator: " ")
        guard fields.count >= 2 else { return nil }
        return Int32(fields[1])
    }

    /// Every descendant of `root`, children before grandchildren.
    public static func descendants(of root: Int32, parents: [Int32: Int32]) -> [Int32] {
        var children: [Int32: [Int32]] = [:]
        for (pid, parent) in parents { children[parent, default: []].append(pid) }
        var result: [Int32] = []
        var queue = [root]
        while !queue.isEmpty {
            let next = queue.removeFirst()
            for child in (children[next] ?? []).sorted() {
                result.append(child)
                queue.append(child)
            }
        }
        return result
    }

    public static func commandName(_ pid: Int32) -> String? {
        (try? String(contentsOfFile: "/proc/\(pid)/comm", encoding: .utf8))?.trimmingCharacters(in: .whitespacesAndNewlines)
    }

    /// SIGKILLs a process and everything below it. Sandboxes are not tied to Railyard's life
    /// (so that instances can outlive a restart and be adopted), so stopping one for good means
    /// killing its whole tree; the namespace's init going takes the rest of the sandbox too.
    public static func killTree(_ root: Int32) {
        let all = [root] + descendants(of: root, parents: parents())
        for pid in all { kill(pid, SIGKILL) }
    }
}
