import Testing
@testable import RailyardCore

/// How `--tcp-proxy-ports` is read and which ports a proxy may ask for.
struct TCPProxyRulesTests {
    @Test(arguments: [
        ("20000-20999", 20000...20999), ("20000", 20000...20000), (" 1-65535 ", 1...65535), ("5-5", 5...5),
    ])
    func rangesAreRead(text: String, expected: ClosedRange<Int>) {
        #expect(TCPProxyRules.parseRange(text) == expected)
    }

    @Test(arguments: ["", "-", "20999-20000", "0-10", "1-65536", "a-b", "20000-", "-20000", "1-2-3", "+1-5", "٢-٣", "100000-100001"])
    func nonsenseIsRefused(text: String) {
        #expect(TCPProxyRules.parseRange(text) == nil, "\(text)")
    }

    @Test func portsOutsideTheRangeAreRefusedInsideAccepted() {
        #expect(TCPProxyRules.portProblem(20000, range: 20000...20999) == nil)
        #expect(TCPProxyRules.portProblem(20999, range: 20000...20999) == nil)
        #expect(TCPProxyRules.portProblem(21000, range: 20000...20999)?.contains("outside") == true)
        #expect(TCPProxyRules.portProblem(22, range: 20000...20999) != nil)
    }

    @Test func aDatabasesPublicURLRefersToTheProxy() {
        #expect(DatabaseEngine.postgres.publicURLVariable.name == "DATABASE_PUBLIC_URL")
        #expect(DatabaseEngine.postgres.publicURLVariable.value
            == "postgresql://${{PGUSER}}:${{PGPASSWORD}}@${{RAILWAY_TCP_PROXY_DOMAIN}}:${{RAILWAY_TCP_PROXY_PORT}}/${{PGDATABASE}}")
        #expect(DatabaseEngine.redis.publicURLVariable.name == "REDIS_PUBLIC_URL")
        #expect(DatabaseEngine.mysql.publicURLVariable.name == "MYSQL_PUBLIC_URL")
        #expect(PlatformVariables.tcpProxy(domain: "h", port: 20001) == [
            "RAILWAY_TCP_PROXY_DOMAIN": "h", "RAILWAY_TCP_PROXY_PORT": "20001",
            "RAILYARD_TCP_PROXY_DOMAIN": "h", "RAILYARD_TCP_PROXY_PORT": "20001",
        ])
    }
}
