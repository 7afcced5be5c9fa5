import Foundation
import Testing
@testable import RailyardSandbox

/// Who opened a loopback connection, as the API asks it of every request from loopback (apps
/// may not use the API): the kernel's socket diagnostics answer, for established connections
/// only, whatever the number of sockets in TIME-WAIT.
struct ConnectionOwnersTests {
    @Test func theKernelNamesTheOwnerOfAnEstablishedLoopbackConnection() throws {
        let listener = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        try #require(listener >= 0)
        defer { close(listener) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        try #require(withUnsafePointer(to: &address) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(listener, $0, length) } } == 0)
        try #require(listen(listener, 4) == 0)
        _ = withUnsafeMutablePointer(to: &address) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(listener, $0, &length) } }
        let serverPort = Int(UInt16(bigEndian: address.sin_port))
        let client = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        try #require(client >= 0)
        defer { close(client) }
        try #require(withUnsafePointer(to: &address) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(client, $0, length) } } == 0)
        var local = sockaddr_in()
        var localLength = socklen_t(MemoryLayout<sockaddr_in>.size)
        _ = withUnsafeMutablePointer(to: &local) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(client, $0, &localLength) } }
        let clientPort = Int(UInt16(bigEndian: local.sin_port))

        let owners = try #require(SocketDiagnostics.establishedOwners(localPort: clientPort, remotePort: serverPort),
                                  "the kernel answers socket diagnostics here")
        #expect(owners == [geteuid()], "\(owners)")
        // The same answer the /proc tables give, and nothing for ports no connection has.
        #expect(ConnectionOwners.uids(clientPort: clientPort, serverPort: serverPort) == [geteuid()])
        #expect(SocketDiagnostics.establishedOwners(localPort: clientPort, remotePort: serverPort == 65535 ? 65534 : serverPort + 1) == [])

        // The API's question: that one socket, looked up by its addresses (no dump).
        let exact = SocketDiagnostics.owners(
            of: .init(address: "127.0.0.1", port: clientPort), connectedTo: .init(address: "127.0.0.1", port: serverPort))
        #expect(exact == [geteuid()], "\(String(describing: exact))")
        // As a dual-stack listener would name the same client.
        #expect(SocketDiagnostics.owners(
            of: .init(address: "::ffff:127.0.0.1", port: clientPort), connectedTo: .init(address: "::ffff:127.0.0.1", port: serverPort))
            == [geteuid()])
        #expect(ConnectionOwners.uids(clientAddress: "127.0.0.1", clientPort: clientPort, serverAddress: "127.0.0.1", serverPort: serverPort)
            == [geteuid()])
        // No such socket: another port, the server's end asked as if it were a client's, another address.
        let otherPort = serverPort == 65535 ? 65534 : serverPort + 1
        #expect(SocketDiagnostics.owners(
            of: .init(address: "127.0.0.1", port: clientPort), connectedTo: .init(address: "127.0.0.1", port: otherPort)) == [])
        #expect(SocketDiagnostics.owners(
            of: .init(address: "127.0.0.2", port: clientPort), connectedTo: .init(address: "127.0.0.1", port: serverPort)) == [])
        // What is not an address is not asked (the caller falls back to the tables).
        #expect(SocketDiagnostics.Endpoint(address: "localhost", port: 80) == nil)
        #expect(SocketDiagnostics.Endpoint(address: "127.0.0.1", port: 70000) == nil)
    }
}
