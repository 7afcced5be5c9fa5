import ArgumentParser
import Foundation
import RailyardBuild

/// `railyard plan [PATH]`: how Railyard would build and run a folder, without deploying it.
struct Plan: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Show how a folder would be built and started, without deploying it.")

    @Argument(help: "The folder (default: the current one).") var path: String = "."
    @Option(name: [.customShort("e"), .long], help: "Environment whose config-file overrides apply.") var environment = "production"
    @Flag(help: "Print machine-readable JSON.") var json = false

    func run() throws {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory), isDirectory.boolValue else {
            throw CLIError("\(path) is not a folder")
        }
        let plan: BuildPlan
        do {
            plan = try BuildPlanner.plan(DirectorySource(root: URL(fileURLWithPath: path)), environment: environment)
        } catch {
            throw CLIError(error.description)
        }
        if json { return try Output.json(plan) }
        plan.summary.forEach(Output.line)
    }
}
