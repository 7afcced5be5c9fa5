import Foundation
import RailyardSandbox

/// One kind of app Railyard knows how to build. `detect` looks at a few files; `plan` says
/// how to install, build and start it, which folders go on PATH, which variables it sets and
/// which folder the install fills. Neither runs anything.
protocol BuildProvider: Sendable {
    var name: String { get }
    /// What this provider looks for, for the message when nothing matches.
    var lookedFor: String { get }
    func detect(_ source: any SourceTree) -> Bool
    /// The plan, with `start` nil when the files do not say how to start the app; the planner
    /// then takes the user's start command or says what to add (`missingStart`).
    func plan(_ source: any SourceTree, variables: ProviderVariables) throws(PlanError) -> BuildPlan
    /// What to add when neither the app's files nor the user give a start command.
    func missingStart(_ source: any SourceTree) -> String
}

/// Providers in the order they are tried; the first that detects its files wins. Python's
/// dependency files come first; a lone `main.py` only counts when no other language's
/// manifest is there (`PythonProvider.detect`).
let providers: [any BuildProvider] = [
    PythonProvider(), NodeProvider(), GoProvider(), SwiftProvider(), StaticSiteProvider(), ShellProvider(),
]

/// Where the app's folder is inside the sandbox, for PATH entries and variables.
let appFolder = SandboxSpec.mountPoint

/// The service's variables as build knobs: Railpack's `RAILPACK_NAME`, else Nixpacks'
/// `NIXPACKS_NAME`, blank values ignored.
struct ProviderVariables: Sendable {
    var values: [String: String]

    init(_ values: [String: String] = [:]) { self.values = values }

    /// The knob's value and the variable it came from.
    func knob(_ name: String) -> (value: String, variable: String)? {
        for variable in ["RAILPACK_" + name, "NIXPACKS_" + name] {
            if let value = values[variable]?.trimmingCharacters(in: .whitespacesAndNewlines), !value.isEmpty {
                return (value, variable)
            }
        }
        return nil
    }
}

/// A Procfile's processes: `web:` starts instances, `release:` runs once before a deploy.
struct Procfile: Sendable, Equatable {
    var processes: [String: String]

    var web: String? { processes["web"] }
    var release: String? { processes["release"] }

    init?(_ text: String?) {
        guard let text else { return nil }
        var processes: [String: String] = [:]
        for line in text.split(whereSeparator: \.isNewline) {
            let trimmed = line.trimmingCharacters(in: .whitespaces)
            guard !trimmed.hasPrefix("#"), let colon = trimmed.firstIndex(of: ":") else { continue }
            let name = trimmed[..<colon].trimmingCharacters(in: .whitespaces)
            let command = trimmed[trimmed.index(after: colon)...].trimmingCharacters(in: .whitespaces)
            if !name.isEmpty, !command.isEmpty, processes[name] == nil { processes[name] = command }
        }
        self.processes = processes
    }
}

enum Shell {
    /// `text` as one word for `/bin/sh -c`: as it is when it holds only characters the shell
    /// leaves alone, else in single quotes.
    static func quoted(_ text: String) -> String {
        let plain = !text.isEmpty && text.unicodeScalars.allSatisfy {
            $0.isASCII && (CharacterSet.alphanumerics.contains($0) || "._/@%+=:,-".unicodeScalars.contains($0))
        }
        return plain ? text : "'" + text.replacingOccurrences(of: "'", with: #"'\''"#) + "'"
    }
}

/// A relative path inside the app, with `.` parts removed, or nil when it is absolute, leaves
/// the app through `..`, or is empty. Used for paths the app's own manifests name.
func pathInsideApp(_ path: String) -> String? {
    guard !path.hasPrefix("/"), !path.hasPrefix("~"), !path.contains("\0"), path.utf8.count <= 1024 else { return nil }
    var parts: [Substring] = []
    for part in path.split(separator: "/", omittingEmptySubsequences: true) {
        switch part {
        case ".": continue
        case "..":
            guard !parts.isEmpty else { return nil }
            parts.removeLast()
        default: parts.append(part)
        }
    }
    return parts.isEmpty ? "." : parts.joined(separator: "/")
}
