import NIOCore

/// Cuts a Server-Sent Events byte stream into events (`event:` and `data:` fields).
struct ServerSentEventParser {
    struct Event {
        var name: String
        var data: String
    }

    private var buffer: [UInt8] = []
    private var name = "message"
    private var data: [String] = []

    mutating func feed(_ chunk: ByteBuffer) -> [Event] {
        buffer.append(contentsOf: chunk.readableBytesView)
        var events: [Event] = []
        while let newline = buffer.firstIndex(of: 10) {
            var line = String(decoding: buffer[..<newline], as: UTF8.self)
            buffer.removeFirst(newline + 1)
            if line.hasSuffix("\r") { line.removeLast() }
            if line.isEmpty {
                if !data.isEmpty { events.append(Event(name: name, data: data.joined(separator: "\n"))) }
                name = "message"
                data = []
            } else if line.hasPrefix("event:") {
                name = line.dropFirst(6).trimmingCharacters(in: .whitespaces)
            } else if line.hasPrefix("data:") {
                var value = line.dropFirst(5)
                if value.first == " " { value = value.dropFirst() }
                data.append(String(value))
            }
        }
        return events
    }
}
