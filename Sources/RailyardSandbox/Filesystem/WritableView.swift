import Foundation

/// A writable view of a read-only folder, for one sandbox: an overlay whose lower layer is the
/// folder and whose upper layer lives on a size-capped tmpfs. It is mounted in a mount
/// namespace of the sandbox's own, so it exists for that sandbox alone: its writes are its
/// own, the folder never changes, and everything goes when the sandbox ends, however it ends
/// (no mount is left on the host, even after a kill -9 of the server).
///
/// Railway's container filesystem is writable and ephemeral; apps count on it (Django's
/// `collectstatic`, a SQLite file next to the code, caches, uploads). A copy per replica would
/// cost the whole folder each time; the overlay costs what the app writes, plus one empty
/// directory per directory of the folder (below).
public struct WritableView: Sendable, Equatable {
    /// The read-only folder (an artifact).
    public var lower: String
    /// An empty folder of the host's that the namespace mounts its tmpfs over (one folder
    /// serves every sandbox: each sees only its own mount).
    public var mountPoint: String
    /// What the sandbox may write, in bytes: the tmpfs's size (its pages are also charged to
    /// the sandbox's memory group).
    public var sizeBytes: Int
    /// Who owns the view's directories (the service's user), so that it may create files in
    /// any of them; nil when Railyard is not root.
    public var owner: SandboxUser?

    public init(lower: String, mountPoint: String, sizeBytes: Int, owner: SandboxUser?) {
        self.lower = lower
        self.mountPoint = mountPoint
        self.sizeBytes = sizeBytes
        self.owner = owner
    }

    /// Where the view appears inside its namespace.
    public var merged: String { mountPoint + "/app" }

    /// Overlay's directories take their owner and mode from the upper layer when they are
    /// there: the folder's directories are root's and read-only, so the upper layer gets an
    /// empty copy of each, owned by the service's user. Files keep the folder's owner: a file
    /// that came with the code can be replaced, renamed or deleted, not written in place.
    /// Paths are relative to the tmpfs (overlay's options split on commas and colons, which a
    /// data folder's path may hold).
    static let script = """
        set -e
        view=$1; lower=$2; size=$3; owner=$4; shift 4
        mount -t tmpfs -o size="$size",mode=0711,nosuid,nodev railyard-view "$view"
        cd "$view"
        mkdir upper work app lower
        mount --bind -- "$lower" lower
        (cd lower && find . -mindepth 1 -xdev -type d -print0) | (cd upper && xargs -0r mkdir -p --)
        [ -z "$owner" ] || chown -R -- "$owner" upper
        mount -t overlay -o lowerdir=lower,upperdir=upper,workdir=work railyard-app app
        cd "$view/app"
        exec "$@"
        """

    /// `command`, started in a mount namespace of its own once the view is mounted there, in
    /// the view's folder. Needs root (mounting).
    public func wrapping(_ command: [String]) -> [String] {
        let ownerArgument = owner.map { "\($0.uid):\($0.gid)" } ?? ""
        return ["/usr/bin/unshare", "--mount", "--propagation", "private", "--", "/bin/sh", "-c", Self.script, "railyard-view",
                mountPoint, lower, String(max(sizeBytes, 1 << 20)), ownerArgument] + command
    }
}
