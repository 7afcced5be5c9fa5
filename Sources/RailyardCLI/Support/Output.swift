import Foundation
import RailyardCore

/// The one printer for command output: JSON for scripts, aligned columns for people.
enum Output {
    static func json<T: Encodable>(_ value: T) throws {
        let data = try JSONCoding.makeEncoder(pretty: true).encode(value)
        FileHandle.standardOutput.write(data + Data("\n".utf8))
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

    /// Progress and warnings go to stderr, so that stdout stays the command's result.
    static func note(_ text: String) { FileHandle.standardError.write(Data((text + "\n").utf8)) }

    static func time(_ date: Date?) -> String { date.map(JSONCoding.formatTimestamp) ?? "-" }
}
