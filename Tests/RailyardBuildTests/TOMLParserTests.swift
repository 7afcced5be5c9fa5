import Testing
@testable import RailyardBuild

struct TOMLParserTests {
    static let valid: [(String, String, ConfigValue)] = [
        ("bare and quoted keys", "a = 1\n\"b c\" = 2\n'd' = 3\n-_x9 = 4", .table(["a": .integer(1), "b c": .integer(2), "d": .integer(3), "-_x9": .integer(4)])),
        ("dotted keys make tables", "a.b.c = true\na . d = false", .table(["a": .table(["b": .table(["c": .bool(true)]), "d": .bool(false)])])),
        ("headers and arrays of tables", "[x.y]\nz = 1\n[[t]]\nn = 1\n[[t]]\nn = 2\n[t.sub]\nk = 'v'",
         .table(["x": .table(["y": .table(["z": .integer(1)])]), "t": .array([.table(["n": .integer(1)]), .table(["n": .integer(2), "sub": .table(["k": .string("v")])])])])),
        ("strings", #"a = "tab\there \"q\" \u00e9 \U0001F600"\#nb = 'C:\path'\#nc = """\#nline1\#nline2 \\#n   joined"""\#nd = '''\#nraw \n'''"#,
         .table(["a": .string("tab\there \"q\" é 😀"), "b": .string("C:\\path"), "c": .string("line1\nline2 joined"), "d": .string("raw \\n")])),
        ("quotes at the end of multi-line strings", "a = \"\"\"x\"\"\"\"\"\nb = '''y''''", .table(["a": .string("x\"\""), "b": .string("y'")])),
        ("numbers", "a = +17\nb = -5_000\nc = 0xff\nd = 0o17\ne = 0b101\nf = 3.25\ng = 5e+2\nh = -1.5E-3\ni = inf\nj = 0",
         .table(["a": .integer(17), "b": .integer(-5000), "c": .integer(255), "d": .integer(15), "e": .integer(5), "f": .double(3.25), "g": .double(500), "h": .double(-0.0015), "i": .double(.infinity), "j": .integer(0)])),
        ("arrays over lines with comments", "a = [\n  1, # one\n  [2, 'x'],\n  { k = 1 },\n]\n", .table(["a": .array([.integer(1), .array([.integer(2), .string("x")]), .table(["k": .integer(1)])])])),
        ("inline tables", "a = { b = 1, c.d = 'e', f = {} }", .table(["a": .table(["b": .integer(1), "c": .table(["d": .string("e")]), "f": .table([:])])])),
        ("comments and CRLF", "# top\r\n[deploy] # table\r\nstartCommand = \"run\" # trailing\r\n", .table(["deploy": .table(["startCommand": .string("run")])])),
        ("a parent defined after its child", "[a.b]\nx = 1\n[a]\ny = 2", .table(["a": .table(["b": .table(["x": .integer(1)]), "y": .integer(2)])])),
    ]

    @Test(arguments: valid.map(\.0))
    func parses(_ name: String) throws {
        let (_, text, expected) = try #require(Self.valid.first { $0.0 == name })
        #expect(try TOMLParser.parse(text) == expected)
    }

    static let invalid: [(String, String, String)] = [
        ("duplicate key", "a = 1\na = 2", "defined twice"),
        ("table defined twice", "[a]\n[a]", "defined twice"),
        ("header over a dotted table", "a.b = 1\n[a]", "defined twice"),
        ("extending an inline table", "a = { b = 1 }\n[a.c]", "already a value"),
        ("value then table", "a = 1\n[a.b]", "already a value"),
        ("unclosed string", "a = \"abc\nb = 1", "not closed"),
        ("bad escape", #"a = "\q""#, "unknown escape"),
        ("bad unicode escape", #"a = "\uD800""#, "Unicode scalar"),
        ("date", "a = 1979-05-27T07:32:00Z", "dates and times"),
        ("local date with time", "a = 1979-05-27 07:32:00", "dates and times"),
        ("leading zero", "a = 017", "not a number"),
        ("lone underscore", "a = 1__0", "not a number"),
        ("float without digits", "a = 1.", "not a number"),
        ("two values on a line", "a = 1 b = 2", "end of the line"),
        ("missing equals", "a 1", "expected ="),
        ("header with a newline", "[\na]", "expected a key"),
        ("newline in an inline table", "a = { b = 1,\n c = 2 }", "expected a key"),
        ("trailing comma in an inline table", "a = { b = 1, }", "expected a key"),
        ("control character", "a = \"\u{01}\"", "control character"),
        ("too deep", "a = " + String(repeating: "[", count: 40) + String(repeating: "]", count: 40), "nest more than"),
        ("too many key parts", String(repeating: "a.", count: 40) + "a = 1", "more than 32 parts"),
        ("integer overflow", "a = 99999999999999999999", "too large"),
    ]

    @Test(arguments: invalid.map(\.0))
    func refuses(_ name: String) throws {
        let (_, text, message) = try #require(Self.invalid.first { $0.0 == name })
        #expect {
            try TOMLParser.parse(text)
        } throws: { error in
            (error as? TOMLParser.Failure)?.message.contains(message) == true
        }
    }

    @Test func failuresNameTheirLine() {
        #expect(throws: TOMLParser.Failure(message: "the key 'x' is defined twice", line: 3)) {
            try TOMLParser.parse("# one\nx = 1\nx = 2\n")
        }
    }
}
