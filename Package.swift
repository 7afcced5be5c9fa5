// swift-tools-version: 6.1
import PackageDescription

let strict: [SwiftSetting] = [.swiftLanguageMode(.v6)]

let package = Package(
    name: "railyard",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "railyard", targets: ["railyard"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser.git", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-log.git", from: "1.16.2"),
        .package(url: "https://github.com/apple/swift-crypto.git", from: "4.5.2"),
        .package(url: "https://github.com/apple/swift-nio.git", from: "2.101.2"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle.git", from: "2.13.0"),
        .package(url: "https://github.com/swift-server/async-http-client.git", from: "1.37.0"),
        .package(url: "https://github.com/hummingbird-project/hummingbird.git", from: "2.28.1"),
        .package(url: "https://github.com/hummingbird-project/hummingbird-auth.git", from: "2.5.0"),
        .package(url: "https://github.com/groue/GRDB.swift.git", from: "7.10.0"),
        .package(url: "https://github.com/vapor/postgres-nio.git", from: "1.33.2"),
        .package(url: "https://github.com/vapor/jwt-kit.git", from: "5.8.0"),
        .package(url: "https://github.com/apple/swift-http-types.git", from: "1.8.0"),
        .package(url: "https://github.com/adam-fowler/compress-nio.git", from: "1.5.0"),
        .package(url: "https://github.com/apple/swift-atomics.git", from: "1.3.0"),
        .package(url: "https://github.com/apple/swift-nio-ssl.git", from: "2.37.6"),
        .package(url: "https://github.com/apple/swift-certificates.git", from: "1.21.1"),
        .package(url: "https://github.com/apple/swift-asn1.git", from: "1.7.4"),
        .package(url: "https://github.com/hummingbird-project/swift-mustache.git", from: "2.1.1"),
    ],
    targets: [
        // Domain types and rules; no I/O.
        .target(
            name: "RailyardCore",
            dependencies: [],
            swiftSettings: strict
        ),
        // Durable state: one Store over SQLite (GRDB) or PostgreSQL (PostgresNIO).
        .target(
            name: "RailyardStore",
            dependencies: [
                "RailyardCore",
                .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "PostgresNIO", package: "postgres-nio"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "Mustache", package: "swift-mustache"),
            ],
            swiftSettings: strict
        ),
        // Sources, detection and build plans (and, next, sandboxed builds and artifacts).
        .target(
            name: "RailyardBuild",
            dependencies: [
                "RailyardCore",
                "RailyardSandbox",
                .product(name: "CompressNIO", package: "compress-nio"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "NIOCore", package: "swift-nio"),
            ],
            swiftSettings: strict
        ),
        // Sandboxes for builds and app instances: bubblewrap command lines, process spawning
        // and supervision.
        .target(
            name: "RailyardSandbox",
            dependencies: ["CRailyardSystem", "CRailyardSeccomp"],
            swiftSettings: strict
        ),
        // The few Linux calls Swift's Glibc module leaves out (they need _GNU_SOURCE).
        .target(name: "CRailyardSystem"),
        // A thin shim over libseccomp (libseccomp2, loaded at run time) for the sandbox's filter.
        .target(name: "CRailyardSeccomp"),
        // Runs app instances: the Runtime protocol and its sandboxed-process driver.
        .target(
            name: "RailyardRuntime",
            dependencies: ["RailyardSandbox"],
            swiftSettings: strict
        ),
        // The edge router: a SwiftNIO reverse proxy handed route tables by the control plane.
        .target(
            name: "RailyardEdge",
            dependencies: [
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "X509", package: "swift-certificates"),
                .product(name: "SwiftASN1", package: "swift-asn1"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "Atomics", package: "swift-atomics"),
            ],
            // Runtime exclusivity checks were ~8% of the proxy's user time (each class property
            // and ByteBuffer storage access); the compiler's static checks still hold.
            swiftSettings: strict + [.unsafeFlags(["-enforce-exclusivity=unchecked"], .when(configuration: .release))]
        ),
        // The deployment pipeline and reconciler, health checks, restart policies, the log hub.
        .target(
            name: "RailyardControl",
            dependencies: [
                "RailyardCore", "RailyardStore", "RailyardBuild", "RailyardRuntime", "RailyardSandbox", "RailyardEdge",
                "CRailyardSystem",
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: strict
        ),
        // The control plane's HTTP API: auth, roles, REST routes, OpenAPI document.
        .target(
            name: "RailyardAPI",
            dependencies: [
                "RailyardCore",
                "RailyardStore",
                "RailyardBuild",
                "RailyardSandbox",
                "RailyardControl",
                "RailyardEdge",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdBcrypt", package: "hummingbird-auth"),
                .product(name: "JWTKit", package: "jwt-kit"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            swiftSettings: strict
        ),
        // Typed client of the REST API, used by the CLI and tests.
        .target(
            name: "RailyardClient",
            dependencies: [
                "RailyardCore",
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOFoundationCompat", package: "swift-nio"),
            ],
            swiftSettings: strict
        ),
        // Command-line verbs (server and client) of the railyard binary.
        .target(
            name: "RailyardCLI",
            dependencies: [
                "RailyardCore",
                "RailyardStore",
                "RailyardAPI",
                "RailyardClient",
                "RailyardBuild",
                "RailyardSandbox",
                "RailyardEdge",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            swiftSettings: strict
        ),
        .executableTarget(
            name: "railyard",
            dependencies: ["RailyardCLI"],
            swiftSettings: strict
        ),
        .testTarget(
            name: "RailyardCoreTests",
            dependencies: ["RailyardCore"],
            swiftSettings: strict
        ),
        .testTarget(
            name: "RailyardBuildTests",
            dependencies: [
                "RailyardBuild", "RailyardCore", "RailyardSandbox",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "CompressNIO", package: "compress-nio"),
                .product(name: "NIOFoundationCompat", package: "swift-nio"),
            ],
            swiftSettings: strict
        ),
        .testTarget(
            name: "RailyardSandboxTests",
            dependencies: ["RailyardSandbox"],
            swiftSettings: strict
        ),
        .testTarget(
            name: "RailyardRuntimeTests",
            dependencies: [
                "RailyardRuntime", "RailyardSandbox", "RailyardBuild",
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
            ],
            swiftSettings: strict
        ),
        .testTarget(
            name: "RailyardEdgeTests",
            dependencies: [
                "RailyardEdge",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "NIOConcurrencyHelpers", package: "swift-nio"),
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
            ],
            swiftSettings: strict
        ),
        .testTarget(
            name: "RailyardControlTests",
            dependencies: [
                "RailyardControl", "RailyardCore", "RailyardEdge", "RailyardSandbox",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
            ],
            swiftSettings: strict
        ),
        .testTarget(
            name: "RailyardStoreTests",
            dependencies: ["RailyardStore", "RailyardCore"],
            swiftSettings: strict
        ),
        .testTarget(
            name: "RailyardAPITests",
            dependencies: [
                "RailyardAPI", "RailyardStore", "RailyardCore", "RailyardClient", "RailyardSandbox",
                .product(name: "HummingbirdTesting", package: "hummingbird"),
                .product(name: "HummingbirdBcrypt", package: "hummingbird-auth"),
            ],
            swiftSettings: strict
        ),
        .testTarget(
            name: "RailyardCLITests",
            dependencies: [
                "RailyardSandbox", "RailyardCLI", "RailyardClient", "RailyardCore", "RailyardEdge",
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
            ],
            swiftSettings: strict
        ),
    ]
)
