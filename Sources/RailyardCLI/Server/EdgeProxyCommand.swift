import ArgumentParser
import Foundation
import NIOCore
import NIOPosix
import RailyardEdge

/// `railyard edge-proxy`: the edge router alone, with fixed routes, for benchmarks/edge.sh
/// (the same proxy `railyard server` runs, without a control plane).
struct EdgeProxyCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "edge-proxy", abstract: "Run the edge router alone with fixed routes (benchmarks).", shouldDisplay: false)

    @Option(help: "HOST:PORT to listen on.") var listen = "127.0.0.1:8080"
    @Option(help: "HOST=ADDRESS:PORT[,ADDRESS:PORT…] (repeatable).") var route: [String] = []
    @Option(help: "Event loop threads (default: one per core).") var threads: Int?
    @Flag(help: "Forward bytes to the first route's first address, with no HTTP (the SwiftNIO floor).")
    var bytesOnly = false

    func run() async throws {
        guard let colon = listen.lastIndex(of: ":"), let port = Int(listen[listen.index(after: colon)...]) else {
            throw CLIError("--listen must be HOST:PORT")
        }
        var entries: [String: RouteEntry] = [:]
        for text in route {
            let parts = text.split(separator: "=", maxSplits: 1)
            guard parts.count == 2 else { throw CLIError("--route must be HOST=ADDRESS:PORT[,…]") }
            var addresses: [(host: String, port: Int)] = []
            for address in parts[1].split(separator: ",") {
                guard let separator = address.lastIndex(of: ":"), let upstreamPort = Int(address[address.index(after: separator)...])
                else { throw CLIError("bad upstream address \(address)") }
                addresses.append((String(address[..<separator]), upstreamPort))
            }
            entries[String(parts[0])] = RouteEntry(service: String(parts[0]), addresses: addresses)
        }
        if let threads, !(1...256).contains(threads) { throw CLIError("--threads must be from 1 to 256") }
        let group = threads.map { MultiThreadedEventLoopGroup(numberOfThreads: $0) } ?? MultiThreadedEventLoopGroup.singleton
        if bytesOnly {
            guard let target = entries.values.first?.addresses.first else { throw CLIError("--bytes-only needs a --route") }
            let channel = try await ByteForwarder.bind(host: String(listen[..<colon]), port: port, to: target.host, target.port, group: group)
            FileHandle.standardError.write(Data("byte forwarder listening on port \(channel.localAddress?.port ?? port)\n".utf8))
            try await channel.closeFuture.get()
            return
        }
        let edge = EdgeServer(group: group)
        edge.routes.replace(with: entries)
        let channel = try await edge.bind(host: String(listen[..<colon]), port: port)
        FileHandle.standardError.write(Data("edge-proxy listening on port \(channel.localAddress?.port ?? port)\n".utf8))
        try await channel.closeFuture.get()
    }
}
