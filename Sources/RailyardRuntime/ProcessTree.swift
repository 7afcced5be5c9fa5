import Foundation

/// The processes below a given one, read from /proc. Needed because signals sent to
/// bubblewrap are not forwarded to the app it runs: a graceful stop signals the app itself.
enum ProcessTree {
    /// Parent of each process, from the `stat` lines of /proc.
    static func parents() -> [Int32: Int32] {
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
    static func descendants(of root: Int32, parents: [Int32: Int32]) -> [Int32] {
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

    static func commandName(_ pid: Int32) -> String? {
        (try? String(contentsOfFile: "/proc/\(pid)/comm", encoding: .utf8))?.trimmingCharacters(in: .whitespacesAndNewlines)
    }
}
