import Foundation

/// An IPv4 network, `10.208.0.0/12`: a base address and a prefix length. Pure.
public struct IPv4Subnet: Hashable, Sendable, CustomStringConvertible {
    /// The first address, host bits zero.
    public let base: UInt32
    public let prefixLength: Int

    public init?(_ cidr: String) {
        let parts = cidr.split(separator: "/", omittingEmptySubsequences: false)
        guard parts.count == 2, let length = Int(parts[1]), (0...32).contains(length),
              let address = IPv4Subnet.parse(String(parts[0]))
        else { return nil }
        self.init(containing: address, prefixLength: length)
    }

    public init(containing address: UInt32, prefixLength: Int) {
        self.prefixLength = prefixLength
        self.base = address & IPv4Subnet.mask(prefixLength)
    }

    static func mask(_ length: Int) -> UInt32 {
        length == 0 ? 0 : UInt32.max << UInt32(32 - length)
    }

    /// `a.b.c.d` to a number; nil for anything else (no shorthand forms, no leading zeros).
    public static func parse(_ text: String) -> UInt32? {
        let octets = text.split(separator: ".", omittingEmptySubsequences: false)
        guard octets.count == 4 else { return nil }
        var value: UInt32 = 0
        for octet in octets {
            guard !octet.isEmpty, octet.count <= 3, octet.allSatisfy(\.isASCII), octet.allSatisfy(\.isNumber),
                  octet == "0" || !octet.hasPrefix("0"), let number = UInt32(octet), number <= 255
            else { return nil }
            value = value << 8 | number
        }
        return value
    }

    public static func format(_ address: UInt32) -> String {
        "\(address >> 24).\(address >> 16 & 255).\(address >> 8 & 255).\(address & 255)"
    }

    public var description: String { "\(IPv4Subnet.format(base))/\(prefixLength)" }

    public var size: UInt64 { UInt64(1) << UInt64(32 - prefixLength) }

    public func contains(_ address: UInt32) -> Bool {
        address & IPv4Subnet.mask(prefixLength) == base
    }

    public func overlaps(_ other: IPv4Subnet) -> Bool {
        let shorter = min(prefixLength, other.prefixLength)
        return base & IPv4Subnet.mask(shorter) == other.base & IPv4Subnet.mask(shorter)
    }

    /// The address `number` places after the base (1 is the first host); nil past the end.
    public func address(_ number: UInt32) -> UInt32? {
        UInt64(number) < size ? base + number : nil
    }
}
