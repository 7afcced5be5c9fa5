import ArgumentParser
import Foundation
import Logging
import RailyardAPI

/// `railyard serve-static`: the static file server of static-site deployments. Railyard
/// starts it inside the deployment's sandbox; it is not meant to be typed.
struct ServeStatic: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "serve-static", abstract: "Serve a folder over HTTP (used by static-site deployments).",
        shouldDisplay: false)

    @Option(help: "The folder to serve.") var root: String
    @Option(help: "The port (default: PORT).") var port: Int?
    @Option(help: "The address to listen on.") var host = "0.0.0.0"

    func run() async throws {
        guard let port = port ?? ProcessInfo.processInfo.environment["PORT"].flatMap(Int.init), (1...65535).contains(port) else {
            throw CLIError("give --port or set PORT")
        }
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: root, isDirectory: &isDirectory), isDirectory.boolValue else {
            throw CLIError("\(root) is not a folder")
        }
        var logger = Logger(label: "railyard.static")
        logger.logLevel = .warning
        try await StaticSiteServer.run(root: root, host: host, port: port, logger: logger)
    }
}
