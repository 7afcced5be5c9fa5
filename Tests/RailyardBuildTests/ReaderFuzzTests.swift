import CompressNIO
import Foundation
import NIOCore
import Testing
@testable import RailyardBuild

/// Property tests over generated input for every reader of a tenant's files the server runs:
/// config files (TOML, JSON), Procfiles, ignore files and tar headers. Each run replays the
/// kept corpus (Tests/Fixtures/fuzz/READER/, attack inputs included), then mutates it with a
/// seeded generator (byte flips, dictionary tokens, deletions, repeated runs that deepen
/// nesting, splices). The property: every input is answered (a value or a one-line error)
/// without crashing the process or stalling, and an archive never creates anything outside
/// its folder. `RAILYARD_FUZZ_ITERATIONS` sets the mutations per reader (default 300);
/// `RAILYARD_FUZZ_SEED` replays one run. An input that ever breaks a reader is added to the
/// corpus as a file, so it is replayed from then on.
struct ReaderFuzzTests {
    static let corpus = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Fixtures/fuzz")

    static var iterations: Int { ProcessInfo.processInfo.environment["RAILYARD_FUZZ_ITERATIONS"].flatMap(Int.init) ?? 300 }

    /// SplitMix64: small, seedable, good enough to pick mutations.
    struct Generator {
        var state: UInt64
        mutating func next() -> UInt64 {
            state &+= 0x9E37_79B9_7F4A_7C15
            var z = state
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return z ^ (z >> 31)
        }
        mutating func below(_ bound: Int) -> Int { bound <= 0 ? 0 : Int(next() % UInt64(bound)) }
    }

    static let dictionary: [String: [String]] = [
        "toml": ["[", "]", "[[", "]]", "{", "}", ".", "=", "\"", "'", "\"\"\"", "'''", "#", "\n", ",", "a.b.c", "1.5", "true", "1979-05-27T07:32:00Z", "\\u0000", "inf", "nan", "0x1F"],
        "json": ["[", "]", "{", "}", ":", ",", "\"", "\\", "\\u", "null", "true", "1e999", "-0", "\"a\":"],
        "procfile": [":", "\n", "web", "release", "#", " ", "\r", "\t"],
        "ignore": ["*", "**", "**/", "?", "[", "]", "!", "\\", "/", "[z-a]", "[!", "-", "\n", "#", " "],
        "tar": [],
    ]

    static func seeds(_ reader: String) throws -> [(name: String, bytes: [UInt8])] {
        let folder = corpus.appendingPathComponent(reader)
        return try FileManager.default.contentsOfDirectory(atPath: folder.path).sorted().map {
            ($0, Array(try Data(contentsOf: folder.appendingPathComponent($0))))
        }
    }

    static func mutate(_ input: [UInt8], _ generator: inout Generator, tokens: [String], others: [[UInt8]]) -> [UInt8] {
        var bytes = input
        for _ in 0...generator.below(4) {
            let position = generator.below(bytes.count + 1)
            switch generator.below(tokens.isEmpty ? 5 : 7) {
            case 0 where !bytes.isEmpty:
                bytes[min(position, bytes.count - 1)] ^= UInt8(1 << generator.below(8))
            case 1 where !bytes.isEmpty:
                bytes[min(position, bytes.count - 1)] = UInt8(truncatingIfNeeded: generator.next())
            case 2 where !bytes.isEmpty:
                let end = min(bytes.count, position + 1 + generator.below(64))
                bytes.removeSubrange(min(position, bytes.count - 1)..<end)
            case 3 where !bytes.isEmpty:
                // A run repeated many times: deep nesting, long keys, long lines.
                let start = min(position, bytes.count - 1)
                let run = Array(bytes[start..<min(bytes.count, start + 1 + generator.below(8))])
                let copies = Array(repeating: run, count: 1 + generator.below(3000)).flatMap { $0 }
                bytes.insert(contentsOf: copies, at: start)
            case 4 where !others.isEmpty:
                // Splice: the head of this input with the tail of another.
                let other = others[generator.below(others.count)]
                bytes = Array(bytes.prefix(position)) + Array(other.suffix(max(0, other.count - generator.below(other.count + 1))))
            case 5, 6:
                let token = Array(tokens[generator.below(tokens.count)].utf8)
                let copies = generator.below(4) == 0 ? 1 + generator.below(2000) : 1
                bytes.insert(contentsOf: Array(repeating: token, count: copies).flatMap { $0 }, at: min(position, bytes.count))
            default:
                bytes.insert(UInt8(truncatingIfNeeded: generator.next()), at: position)
            }
            if bytes.count > 256 << 10 { bytes = Array(bytes.prefix(256 << 10)) }
        }
        return bytes
    }

    /// Runs one input through a reader; returns how long it took.
    static func feed(_ reader: String, _ bytes: [UInt8], scratch: URL) throws -> Duration {
        let clock = ContinuousClock()
        let started = clock.now
        let text = String(decoding: bytes, as: UTF8.self)
        // What was being read when the process died, for the corpus.
        try? Data(bytes).write(to: FileManager.default.temporaryDirectory.appendingPathComponent("railyard-fuzz-last-\(reader)"))
        switch reader {
        case "toml", "json":
            _ = try? ConfigFileReader.parse(text, file: reader == "toml" ? "railway.toml" : "railway.json")
        case "procfile":
            _ = Procfile(text)
        case "ignore":
            var rules = IgnoreRules()
            rules.add(text)
            for path in ["a", "src/app.py", "dist/keep.txt", String(repeating: "a/", count: 60) + "b", String(repeating: "a", count: 250) + "b"] {
                _ = rules.ignores(path, isDirectory: false)
            }
        case "tar":
            var tar = ByteBuffer(bytes: bytes)
            let archive = try tar.compress(with: .gzip())
            let jail = scratch.appendingPathComponent(UUID().uuidString)
            try FileManager.default.createDirectory(at: jail, withIntermediateDirectories: true)
            let destination = jail.appendingPathComponent("dest")
            do {
                try SourceArchive.unpack(archive, into: destination, limits: .init(maximumUnpackedBytes: 8 << 20, maximumEntries: 2000))
            } catch is ArchiveError {
            }
            let outside = try FileManager.default.contentsOfDirectory(atPath: jail.path)
            #expect(outside == ["dest"], "an archive created \(outside) beside its folder")
            try FileManager.default.removeItem(at: jail)
        default:
            Issue.record("no reader \(reader)")
        }
        return clock.now - started
    }

    @Test(arguments: ["toml", "json", "procfile", "ignore", "tar"])
    func readersAnswerEveryInput(reader: String) throws {
        let seeds = try Self.seeds(reader)
        #expect(!seeds.isEmpty, "the corpus of \(reader) is missing")
        let scratch = FileManager.default.temporaryDirectory.appendingPathComponent("railyard-fuzz-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: scratch) }
        var slowest: (Duration, String) = (.zero, "")
        for seed in seeds {
            let took = try Self.feed(reader, seed.bytes, scratch: scratch)
            if took > slowest.0 { slowest = (took, "corpus file \(seed.name)") }
        }
        let seed = ProcessInfo.processInfo.environment["RAILYARD_FUZZ_SEED"].flatMap(UInt64.init) ?? UInt64(Date().timeIntervalSince1970)
        var generator = Generator(state: seed)
        let tokens = Self.dictionary[reader] ?? []
        let others = seeds.map(\.bytes)
        for iteration in 0..<Self.iterations {
            let input = Self.mutate(others[generator.below(others.count)], &generator, tokens: tokens, others: others)
            let took = try Self.feed(reader, input, scratch: scratch)
            if took > slowest.0 { slowest = (took, "mutation \(iteration) of seed \(seed)") }
        }
        // Not a performance figure: a reader that stalls on some input is a denial of service.
        #expect(slowest.0 < .seconds(5), "\(reader) took \(slowest.0) on \(slowest.1) (RAILYARD_FUZZ_SEED=\(seed))")
    }

    @Test func configFilesTooDeepOrLargeAreRefusedWithTheFileNamed() throws {
        for (name, reader) in [
            ("dotted-key-10000-parts.toml", "toml"), ("table-header-10000-parts.toml", "toml"),
            ("arrays-5000-deep.toml", "toml"), ("inline-tables-3000-deep.toml", "toml"),
            ("arrays-10000-deep.json", "json"), ("objects-5000-deep.json", "json"),
        ] {
            let text = try String(contentsOf: Self.corpus.appendingPathComponent(reader).appendingPathComponent(name), encoding: .utf8)
            let file = reader == "toml" ? "railway.toml" : "railway.json"
            #expect {
                try ConfigFileReader.parse(text, file: file)
            } throws: { error in
                (error as? ConfigFileError)?.description.hasPrefix("\(file): nests more than") == true
            }
        }
        let large = "# " + String(repeating: "x", count: 300 << 10)
        #expect(throws: ConfigFileError.self) { try ConfigFileReader.parse(large, file: "railway.toml") }
        // Ordinary files with dots in values and strings still read.
        let ordinary = "[deploy]\nstartCommand = \"python -m a.b.c --x=1.5\"\nhealthcheckTimeout = 100\n"
        #expect(try ConfigFileReader.parse(ordinary, file: "railway.toml").config.deploy.startCommand == "python -m a.b.c --x=1.5")
    }

    @Test func ignoreRulesAreLinearInTheirStars() {
        var rules = IgnoreRules()
        rules.add(String(repeating: "**/", count: 40) + "*a*a*a*a*a*a*a*a*a*a*a*a*b\n[z-a]\n")
        #expect(!rules.ignores(String(repeating: "a/", count: 100) + String(repeating: "a", count: 3000), isDirectory: false))
        #expect(rules.ignores("x/" + String(repeating: "a", count: 20) + "b", isDirectory: false))
    }
}
