import ArgumentParser
import Foundation
import RailyardBuild

/// `railyard plan [PATH]`: how Railyard would build and run a folder, without deploying it.
/// The toolchains are found as the server finds them (the host's `python3` and `node`, plus
/// `--toolchains` folders), so a version the app asks for resolves as it would there.
struct Plan: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Show how a folder would be built and started, without deploying it.")

    @Argument(help: "The folder (default: the current one).") var path: String = "."
    @Option(name: [.customShort("e"), .long], help: "Environment whose config-file overrides apply.") var environment = "production"
    @Option(
        name: .customLong("toolchains"),
        help: "A folder of Python or Node versions (DIR/3.12.1/bin/python3 or DIR/python/3.12.1/bin/python3), as given to `railyard server`; repeatable.")
    var toolchainFolders: [String] = []
    @Flag(help: "Print machine-readable JSON.") var json = false

    func run() async throws {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory), isDirectory.boolValue else {
            throw CLIError("\(path) is not a folder")
        }
        let toolchains = await ToolchainCatalog.discover(folders: toolchainFolders)
        let plan: BuildPlan
        do {
            plan = try BuildPlanner.plan(
                DirectorySource(root: URL(fileURLWithPath: path)), environment: environment, toolchains: toolchains)
        } catch {
            throw CLIError(error.description)
        }
        if json { return try Output.json(plan) }
        plan.summary.forEach(Output.line)
    }
}
