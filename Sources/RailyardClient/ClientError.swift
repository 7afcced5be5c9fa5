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
        let detail = String(describing: error)
        let apiSpeaksHTTP = "Railyard's API speaks plain HTTP on the --api-listen address of `railyard server` (127.0.0.1:7070 unless set)"
        if server.lowercased().hasPrefix("https://") {
            let plain = "http://" + server.dropFirst("https://".count)
            if Self.plainHTTPSigns.contains(where: detail.contains) {
                // BoringSSL read an HTTP answer where a TLS record should be: "WRONG_VERSION_NUMBER".
                return ClientError(status: 0, code: "not_https",
                                   message: "the server at \(server) does not speak HTTPS (it answered the TLS handshake in plain HTTP): use \(plain)",
                                   field: nil)
            }
            if detail.contains("CERTIFICATE_VERIFY_FAILED") {
                return ClientError(status: 0, code: "untrusted_certificate",
                                   message: "the server at \(server) speaks HTTPS with a certificate this machine does not trust; is it the edge's HTTPS port, where apps are served? \(apiSpeaksHTTP)",
                                   field: nil)
            }
            if let error = error as? HTTPClientError, error == .connectTimeout || error == .tlsHandshakeTimeout {
                // The edge's plain-HTTP port waits for a request head and never answers a
                // TLS handshake: the connection times out rather than failing.
                return ClientError(status: 0, code: "unreachable",
                                   message: "no TLS handshake with \(server) within 10 s: it may not speak HTTPS (then use \(plain)), or may not be reachable",
                                   field: nil)
            }
        }
        if let error = error as? HTTPClientError, error == .remoteConnectionClosed {
            // Something listens but hung up without a word: TLS to a plain-HTTP request, say.
            return ClientError(status: 0, code: "closed_without_answer",
                               message: "the server at \(server) closed the connection without answering; if it speaks HTTPS (the edge's HTTPS port?), it is not Railyard's API: \(apiSpeaksHTTP)",
                               field: nil)
        }
        return ClientError(status: 0, code: "unreachable",
                           message: "cannot reach the Railyard server at \(server) (\(error)); is `railyard server` running?",
                           field: nil)
    }

    /// What a TLS error says when the other side spoke plain HTTP.
    static let plainHTTPSigns = ["WRONG_VERSION_NUMBER", "wrong version number", "HTTP_REQUEST", "PACKET_LENGTH_TOO_LONG"]

    /// An answer to an `/api/v1` path without the API's error body: something other than
    /// Railyard's API answered, most likely the edge (which answers unrouted hosts with a 404
    /// page) on its port.
    static func notTheAPI(_ server: String, status: Int, reason: String) -> ClientError {
        ClientError(status: status, code: "not_railyard_api",
                    message: "\(server) is not a Railyard API (it answered \(status) \(reason) to an API path; is it the edge's port, where apps are served? `railyard server` serves the API on its --api-listen address, 127.0.0.1:7070 unless set)",
                    field: nil)
    }
}
