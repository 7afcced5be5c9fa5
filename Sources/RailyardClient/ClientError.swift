import AsyncHTTPClient
import Foundation
import RailyardCore

/// An error answered by the API (with its status and the error body's code and message), or a
/// failure to reach it.
public struct ClientError: Error, Sendable, CustomStringConvertible {
    public let status: Int
    public let code: String
    public let message: String
    public let field: String?

    public var description: String { message }

    static func unreachable(_ server: String, _ error: any Error) -> ClientError {
        if let error = error as? HTTPClientError, error == .deadlineExceeded || error == .readTimeout {
            // It took the connection: a server that is up but stuck, not a dead one.
            return ClientError(status: 0, code: "no_answer",
                               message: "the Railyard server at \(server) took the request but did not answer in time; it may be overloaded (see its log)",
                               field: nil)
        }
        return ClientError(status: 0, code: "unreachable",
                           message: "cannot reach the Railyard server at \(server) (\(error)); is `railyard server` running?",
                           field: nil)
    }
}
