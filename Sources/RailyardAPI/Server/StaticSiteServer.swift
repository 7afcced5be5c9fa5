import Foundation
import Hummingbird
import Logging

/// The static file server that runs static-site deployments (inside their sandbox, as the
/// app): files under `root`, `index.html` for folders, and `index.html` again for unknown
/// paths without an extension, so single-page apps route on the client.
public enum StaticSiteServer {
    public static func run(root: String, host: String, port: Int, logger: Logger) async throws {
        let router = Router()
        router.add(middleware: FileMiddleware(root, searchForIndexHtml: true, logger: logger))
        let index = (root as NSString).appendingPathComponent("index.html")
        router.get("**") { request, _ -> Response in
            let path = request.uri.path
            guard !(path.split(separator: "/").last ?? "").contains("."),
                  let data = FileManager.default.contents(atPath: index)
            else { return Response(status: .notFound) }
            var headers = HTTPFields()
            headers[.contentType] = "text/html; charset=utf-8"
            return Response(status: .ok, headers: headers, body: .init(byteBuffer: ByteBuffer(data: data)))
        }
        let application = Application(
            router: router, configuration: .init(address: .hostname(host, port: port), serverName: "railyard-static"),
            logger: logger)
        try await application.runService()
    }
}
