import Foundation
import RailyardSandbox
import NIOCore
import NIOFoundationCompat
import Testing
@testable import RailyardBuild

struct SourceArchiveTests {
    static func folder(_ label: String) throws -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("railyard-\(label)-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }

    static func run(_ arguments: [String], in directory: URL? = nil) throws -> (Int32, String) {
        let run = try ProgramOutput.run(["/usr/bin/env"] + arguments, workingDirectory: directory?.path, within: .seconds(300))
        return (run.status, run.combined)
    }

    @Test func roundTripKeepsFilesModesLinksAndLongNames() throws {
        let source = try Self.folder("pack")
        let longName = String(repeating: "deep/", count: 30) + "file-with-a-long-name.txt"
        for (path, text) in ["app.py": "print('hi')", "bin/start.sh": "#!/bin/sh\necho", longName: "far down", ".gitignore": "*.log\n", "debug.log": "x"] {
            let url = source.appendingPathComponent(path)
            try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
            try Data(text.utf8).write(to: url)
        }
        try FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: source.appendingPathComponent("bin/start.sh").path)
        try FileManager.default.createSymbolicLink(atPath: source.appendingPathComponent("current").path, withDestinationPath: "bin")

        let archive = try SourceArchive.pack(SourceSelection(root: source))
        let again = try SourceArchive.pack(SourceSelection(root: source))
        #expect(archive == again, "packing is reproducible")

        let destination = try Self.folder("unpack")
        try SourceArchive.unpack(archive, into: destination)
        #expect(try String(contentsOf: destination.appendingPathComponent(longName), encoding: .utf8) == "far down")
        #expect(try String(contentsOf: destination.appendingPathComponent("app.py"), encoding: .utf8) == "print('hi')")
        #expect(!FileManager.default.fileExists(atPath: destination.appendingPathComponent("debug.log").path), "ignored files are not sent")
        #expect(FileManager.default.isExecutableFile(atPath: destination.appendingPathComponent("bin/start.sh").path))
        #expect(try FileManager.default.destinationOfSymbolicLink(atPath: destination.appendingPathComponent("current").path) == "bin")

        // The system's tar reads what we write.
        let file = destination.deletingLastPathComponent().appendingPathComponent("\(UUID().uuidString).tar.gz")
        try Data(buffer: archive).write(to: file)
        let (status, listing) = try Self.run(["tar", "-tzf", file.path])
        #expect(status == 0)
        #expect(listing.contains(longName))
        #expect(listing.contains("bin/start.sh"))
    }

    @Test func readsWhatTheSystemTarWrites() throws {
        let source = try Self.folder("systar")
        try FileManager.default.createDirectory(at: source.appendingPathComponent("src"), withIntermediateDirectories: true)
        try Data("hello".utf8).write(to: source.appendingPathComponent("src/main.py"))
        let file = source.deletingLastPathComponent().appendingPathComponent("\(UUID().uuidString).tgz")
        let (status, output) = try Self.run(["tar", "-czf", file.path, "-C", source.path, "."])
        #expect(status == 0, "\(output)")
        let destination = try Self.folder("fromsys")
        try SourceArchive.unpack(ByteBuffer(data: try Data(contentsOf: file)), into: destination)
        #expect(try String(contentsOf: destination.appendingPathComponent("src/main.py"), encoding: .utf8) == "hello")
    }

    /// Archives no honest client makes, built with Python's tarfile module.
    static let hostile: [(String, String)] = [
        ("absolute path", "t.addfile(info('/tmp/railyard-pwned', b'x'), io.BytesIO(b'x'))"),
        ("parent path", "t.addfile(info('../escape.txt', b'x'), io.BytesIO(b'x'))"),
        ("escaping link", "i = tarfile.TarInfo('link'); i.type = tarfile.SYMTYPE; i.linkname = '../../etc'; t.addfile(i)"),
        ("absolute link", "i = tarfile.TarInfo('link'); i.type = tarfile.SYMTYPE; i.linkname = '/etc'; t.addfile(i)"),
        ("hard link", "i = tarfile.TarInfo('hard'); i.type = tarfile.LNKTYPE; i.linkname = 'etc/passwd'; t.addfile(i)"),
        ("device", "i = tarfile.TarInfo('dev'); i.type = tarfile.CHRTYPE; t.addfile(i)"),
    ]

    @Test(arguments: hostile.map(\.0))
    func hostileArchivesAreRefused(name: String) throws {
        let statement = try #require(Self.hostile.first { $0.0 == name }?.1)
        let work = try Self.folder("hostile")
        let file = work.appendingPathComponent("evil.tgz")
        let script = """
            import io, tarfile
            def info(name, data):
                i = tarfile.TarInfo(name); i.size = len(data); return i
            with tarfile.open('\(file.path)', 'w:gz') as t:
                \(statement)
            """
        let (status, output) = try Self.run(["python3", "-c", script])
        #expect(status == 0, "\(output)")
        let destination = try Self.folder("victim")
        #expect(throws: ArchiveError.self) {
            try SourceArchive.unpack(ByteBuffer(data: try Data(contentsOf: file)), into: destination)
        }
        #expect(!FileManager.default.fileExists(atPath: "/tmp/railyard-pwned"))
        #expect(!FileManager.default.fileExists(atPath: destination.deletingLastPathComponent().appendingPathComponent("escape.txt").path))
    }

    /// The attack of issue 13: `x -> .`, then `y -> x/x/…/../..` (harmless by its text, eight
    /// levels out once resolved), then an entry beneath `y`. The unpack folder sits eight
    /// levels below `base`, so `y` names `base` itself.
    static let chainAttacks: [(String, String)] = [
        ("file", "t.addfile(info('y/pwned.txt', b'x'), io.BytesIO(b'x'))"),
        ("link replacing a file", "i = tarfile.TarInfo('y/sentinel'); i.type = tarfile.SYMTYPE; i.linkname = 'elsewhere'; t.addfile(i)"),
        ("folder", "i = tarfile.TarInfo('y/newdir'); i.type = tarfile.DIRTYPE; t.addfile(i)"),
        ("file in a new folder", "t.addfile(info('y/newdir/pwned.txt', b'x'), io.BytesIO(b'x'))"),
        ("links alone", "pass"),
    ]

    @Test(arguments: chainAttacks.map(\.0))
    func linkChainsCannotReachOutside(name: String) throws {
        let statement = try #require(Self.chainAttacks.first { $0.0 == name }?.1)
        let base = try Self.folder("chain")
        let sentinel = base.appendingPathComponent("sentinel")
        try Data("keep".utf8).write(to: sentinel)
        let destination = (1...7).reduce(base) { $0.appendingPathComponent(String($1)) }.appendingPathComponent("dest")
        try FileManager.default.createDirectory(at: destination.deletingLastPathComponent(), withIntermediateDirectories: true)
        let file = base.appendingPathComponent("evil.tgz")
        let script = """
            import io, tarfile
            def info(name, data):
                i = tarfile.TarInfo(name); i.size = len(data); return i
            def link(name, target):
                i = tarfile.TarInfo(name); i.type = tarfile.SYMTYPE; i.linkname = target; return i
            with tarfile.open('\(file.path)', 'w:gz', format=tarfile.GNU_FORMAT) as t:
                t.addfile(link('x', '.'))
                t.addfile(link('y', 'x/x/x/x/x/x/x/x/../../../../../../../..'))
                \(statement)
            """
        let (status, output) = try Self.run(["python3", "-c", script])
        #expect(status == 0, "\(output)")
        #expect(throws: ArchiveError.self) {
            try SourceArchive.unpack(file: file, into: destination)
        }
        #expect(try String(contentsOf: sentinel, encoding: .utf8) == "keep", "the file outside is untouched")
        var info = stat()
        #expect(lstat(sentinel.path, &info) == 0 && (info.st_mode & S_IFMT) == S_IFREG, "and still a regular file")
        #expect(!FileManager.default.fileExists(atPath: base.appendingPathComponent("pwned.txt").path))
        #expect(!FileManager.default.fileExists(atPath: base.appendingPathComponent("newdir").path))
    }

    @Test func linksThatStayInsideAreKept() throws {
        let destination = try Self.folder("inside")
        let file = try Self.folder("inside-src").appendingPathComponent("ok.tgz")
        let script = """
            import io, tarfile
            def link(name, target):
                i = tarfile.TarInfo(name); i.type = tarfile.SYMTYPE; i.linkname = target; return i
            with tarfile.open('\(file.path)', 'w:gz') as t:
                i = tarfile.TarInfo('lib/real.txt'); i.size = 2; t.addfile(i, io.BytesIO(b'ok'))
                t.addfile(link('x', '.'))
                t.addfile(link('lib/up', '../lib/real.txt'))
                t.addfile(link('chain', 'x/x/lib/up'))
                t.addfile(link('dangling', 'not-there/file'))
            """
        let (status, output) = try Self.run(["python3", "-c", script])
        #expect(status == 0, "\(output)")
        try SourceArchive.unpack(file: file, into: destination)
        #expect(try String(contentsOf: destination.appendingPathComponent("chain"), encoding: .utf8) == "ok")
        #expect(try FileManager.default.destinationOfSymbolicLink(atPath: destination.appendingPathComponent("dangling").path) == "not-there/file")
    }

    @Test func linksInALoopAreRefused() throws {
        let file = try Self.folder("loop-src").appendingPathComponent("loop.tgz")
        let script = """
            import tarfile
            def link(name, target):
                i = tarfile.TarInfo(name); i.type = tarfile.SYMTYPE; i.linkname = target; return i
            with tarfile.open('\(file.path)', 'w:gz') as t:
                t.addfile(link('a', 'b'))
                t.addfile(link('b', 'a'))
            """
        #expect(try Self.run(["python3", "-c", script]).0 == 0)
        #expect(throws: ArchiveError.self) { try SourceArchive.unpack(file: file, into: try Self.folder("loop")) }
    }

    @Test func entryAndTimeLimitsStopEarly() throws {
        let file = try Self.folder("many-src").appendingPathComponent("many.tgz")
        let script = """
            import io, tarfile
            with tarfile.open('\(file.path)', 'w:gz') as t:
                for n in range(3000):
                    i = tarfile.TarInfo('d%d/f%d' % (n % 50, n)); i.size = 1; t.addfile(i, io.BytesIO(b'x'))
            """
        #expect(try Self.run(["python3", "-c", script]).0 == 0)
        #expect {
            try SourceArchive.unpack(file: file, into: try Self.folder("many"), limits: .init(maximumEntries: 1000))
        } throws: { ($0 as? ArchiveError)?.description.contains("more than 1000 entries") == true }
        #expect {
            try SourceArchive.unpack(file: file, into: try Self.folder("slow"), limits: .init(maximumDuration: .zero))
        } throws: { ($0 as? ArchiveError)?.description.contains("took longer") == true }
        let complete = try Self.folder("all")
        try SourceArchive.unpack(file: file, into: complete)
        #expect(try FileManager.default.contentsOfDirectory(atPath: complete.appendingPathComponent("d7").path).count == 60)
    }

    @Test func aBombIsStoppedWhileStreaming() throws {
        // 512 MiB of zeros in one file compress to a few MiB; the limit stops it at its header.
        let file = try Self.folder("bomb-src").appendingPathComponent("bomb.tgz")
        let script = """
            import tarfile, io
            class Zeros(io.RawIOBase):
                def __init__(self, n): self.left = n
                def readable(self): return True
                def readinto(self, b):
                    n = min(len(b), self.left); b[:n] = bytes(n); self.left -= n; return n
            with tarfile.open('\(file.path)', 'w:gz', compresslevel=1) as t:
                i = tarfile.TarInfo('zeros'); i.size = 512 << 20; t.addfile(i, io.BufferedReader(Zeros(512 << 20), 1 << 20))
            """
        #expect(try Self.run(["python3", "-c", script]).0 == 0)
        let destination = try Self.folder("bombed-stream")
        #expect {
            try SourceArchive.unpack(file: file, into: destination, limits: .init(maximumUnpackedBytes: 64 << 20))
        } throws: { ($0 as? ArchiveError)?.description.contains("more than") == true }
        #expect(!FileManager.default.fileExists(atPath: destination.appendingPathComponent("zeros").path), "refused before a byte of it is written")
    }

    @Test func bombsAndJunkAreRefused() throws {
        let source = try Self.folder("bomb")
        try Data(count: 4 << 20).write(to: source.appendingPathComponent("zeros.bin"))
        let archive = try SourceArchive.pack(SourceSelection(root: source))
        #expect(archive.readableBytes < 64 << 10, "zeros compress well")
        #expect {
            try SourceArchive.unpack(archive, into: try Self.folder("bombed"), limits: .init(maximumUnpackedBytes: 1 << 20))
        } throws: { error in
            (error as? ArchiveError)?.description.contains("more than 1048576 bytes") == true
        }
        #expect(throws: ArchiveError.self) {
            try SourceArchive.unpack(ByteBuffer(string: "definitely not gzip"), into: try Self.folder("junk"))
        }
    }

    @Test func paxRecordsCountThemselves() {
        #expect(SourceArchive.paxRecord("path", "a") == "9 path=a\n")
        let long = SourceArchive.paxRecord("path", String(repeating: "x", count: 95))
        #expect(long.utf8.count == Int(long.prefix { $0 != " " }))
    }
}
