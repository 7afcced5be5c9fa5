import Foundation
import RailyardCore

/// The one printer for command output: JSON for scripts, aligned columns for people.
enum Output {
    static func json<T: Encodable>(_ value: T) throws {
        let data = try JSONCoding.makeEncoder(pretty: true).encode(value)
        // Through stdio like every other line, so that nothing buffered there comes after it.
        print(String(decoding: data, as: UTF8.self))
    }

    static func table(_ header: [String], _ rows: [[String]]) {
        let all = [header] + rows
        let widths = header.indices.map { column in all.map { $0[column].count }.max() ?? 0 }
        for row in all {
            let line = row.enumerated().map { index, cell in
                index == row.count - 1 ? cell : cell.padding(toLength: widths[index], withPad: " ", startingAt: 0)
            }.joined(separator: "  ")
            print(line)
        }
    }

    static func line(_ text: String) { print(text) }

    /// A line of output that streams (a followed log): on its way at once. stdout to a pipe or
    /// a file is block-buffered, and `railyard logs --follow | grep` showed nothing for minutes.
    static func streamedLine(_ text: String) {
        print(text)
        fflush(nil)  // every stdio stream: `stdout` itself is shared mutable state to Swift 6
    }

    /// Progress and warnings go to stderr, so that stdout stays the command's result.
    static func note(_ text: String) { FileHandle.standardError.write(Data((text + "\n").utf8)) }

    static func time(_ date: Date?) -> String { date.map(JSONCoding.formatTimestamp) ?? "-" }

    /// A size in binary units with their binary names (`512 MiB`, `1.5 GiB`): sizes given as
    /// `512M` are taken as mebibytes, and "512 MB" would say a different number.
    static func size(_ bytes: Int64) -> String {
        let units = ["bytes", "KiB", "MiB", "GiB", "TiB"]
        var value = Double(bytes)
        var unit = 0
        while value >= 1024 && unit < units.count - 1 {
            value /= 1024
            unit += 1
        }
        if unit == 0 { return "\(bytes) bytes" }
        // Whole numbers stay whole; others keep what matters (1.5 GiB, 1.25 MiB).
        let text = value == value.rounded() ? String(Int(value)) : String(format: "%.2f", value)
            .replacingOccurrences(of: #"\.?0+$"#, with: "", options: .regularExpression)
        return "\(text) \(units[unit])"
    }
}
