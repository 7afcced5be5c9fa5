import Foundation

/// Which version of an engine a database service runs, and when that may change. A version
/// is the engine's major version as its data format knows it: PostgreSQL's `15`, Redis' `7`,
/// MariaDB's series `10.11`. Pure: what the host has installed is given.
public enum DatabaseVersions {
    /// `text` as a version: digits with at most one dot (`15`, `10.11`); nil for anything
    /// else, so that nothing a caller typed reaches a path or a package name unchecked.
    public static func parse(_ text: String) -> String? {
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        let parts = trimmed.split(separator: ".", omittingEmptySubsequences: false)
        guard (1...2).contains(parts.count), trimmed.count <= 12,
              parts.allSatisfy({ !$0.isEmpty && $0.allSatisfy { $0.isASCII && $0.isNumber } })
        else { return nil }
        return trimmed
    }

    /// The version a program's own version string says, in the engine's sense of major: from
    /// `Redis server v=7.0.15 sha=…` the `7`, from `mariadbd  Ver 10.11.6-MariaDB-0+deb12u1
    /// for …` the `10.11`. PostgreSQL's versions are the names of its folders instead.
    public static func major(of engine: DatabaseEngine, versionOutput: String) -> String? {
        let marker: String
        switch engine {
        case .postgres: marker = "(PostgreSQL) "
        case .redis: marker = "v="
        case .mysql: marker = "Ver "
        }
        guard let start = versionOutput.range(of: marker)?.upperBound else { return nil }
        let numbers = versionOutput[start...].prefix { $0.isNumber || $0 == "." }.split(separator: ".")
        guard let first = numbers.first else { return nil }
        switch engine {
        case .postgres, .redis: return String(first)
        case .mysql: return numbers.count > 1 ? "\(first).\(numbers[1])" : String(first)
        }
    }

    /// The Debian package that provides `version` of `engine` (PostgreSQL's are one package
    /// per major version).
    public static func package(of engine: DatabaseEngine, version: String?) -> String {
        switch (engine, version) {
        case (.postgres, .some(let version)): "postgresql-\(version)"
        default: engine.package
        }
    }

    /// Why `requested` cannot be run when the host has `installed` (newest first); nil when it can.
    public static func installProblem(_ engine: DatabaseEngine, requested: String, installed: [String]) -> String? {
        if installed.contains(requested) { return nil }
        let have = installed.isEmpty ? "none" : installed.map { "\(engine.displayName) \($0)" }.joined(separator: ", ")
        let package = package(of: engine, version: requested)
        let advice = engine == .postgres
            ? "install Debian's \(package) package (apt-get install \(package)) on the server's machine, or choose one it has"
            : "Debian provides one \(engine.displayName) version at a time: choose the one installed"
        return "\(engine.displayName) \(requested) is not installed on the server's machine (it has: \(have)): \(advice)"
    }

    /// Why a database service that runs `current` may not switch to `requested` now; nil when
    /// it may. Once it holds data, a major version never changes in place: PostgreSQL cannot
    /// open another major version's files, and MariaDB and Redis would upgrade them with no
    /// way back. A new service of the wanted version, restored from a backup, is the way.
    public static func changeProblem(
        _ engine: DatabaseEngine, service: String, current: String?, requested: String, installed: [String], holdsData: Bool
    ) -> String? {
        if let problem = installProblem(engine, requested: requested, installed: installed) { return problem }
        // Redis and MariaDB run the one version installed whatever is recorded (and open their
        // older data): the record follows. A database added before versions were kept has no
        // record of what made its data; its start script refuses another version's.
        guard engine == .postgres, let from = current, from != requested, holdsData else { return nil }
        let was = "\(engine.displayName) \(from)"
        return "\(service)'s data was made by \(was) and is not converted in place: back it up (`railyard backup create --service \(service)`), "
            + "add a database of version \(requested) (`railyard add --database \(engine.rawValue) --version \(requested)`) "
            + "and restore the backup into it (`railyard backup restore ID --into NEW`)"
    }
}
