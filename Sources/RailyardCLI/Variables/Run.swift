import ArgumentParser
import Foundation
import RailyardClient
import RailyardCore
#if canImport(Glibc)
import Glibc
#endif

/// `railyard run -- CMD ARGS…`: runs a local command with the service's resolved variables
/// (sealed ones included) added to this environment, as Railway's `railway run` does. The
/// command replaces this process, so its exit status and signals are its own.
struct Run: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Run a local command with the service's variables (references resolved, sealed ones included).",
        discussion: "Needs a role that may deploy the service. Example: railyard run -- python manage.py migrate")

    @OptionGroup var client: ClientOptions
    @OptionGroup var target: ServiceTargetOptions
    @Argument(parsing: .captureForPassthrough, help: "The command and its arguments, after --.") var command: [String] = []

    var words: [String] { command.first == "--" ? Array(command.dropFirst()) : command }

    func validate() throws {
        if words.isEmpty { throw ValidationError("give the command to run: railyard run -- COMMAND [ARGUMENTS…]") }
        if words.contains(where: { $0.utf8.contains(0) }) { throw ValidationError("the command contains a NUL byte") }
    }

    func run() async throws {
        var session = try Session(client)
        let resolved = try await session.resolve(target)
        let variables = try await session.call {
            try await $0.runEnvironment(of: resolved.service.id, in: resolved.environment.id)
        }
        for (name, value) in variables where !value.utf8.contains(0) { setenv(name, value, 1) }
        let arguments = words
        var pointers: [UnsafeMutablePointer<CChar>?] = arguments.map { strdup($0) }
        pointers.append(nil)
        execvp(arguments[0], pointers)
        let reason = String(cString: strerror(errno))
        for pointer in pointers { free(pointer) }
        throw CLIError("cannot run \(arguments[0]): \(reason)")
    }
}
