import CRailyardSystem
import Foundation
import Synchronization

/// How a process ended.
public enum ProcessExit: Sendable, Equatable, CustomStringConvertible {
    case exited(Int32)
    case signaled(Int32)

    /// The shell's convention: the exit code, or 128 plus the signal that ended the process.
    public var code: Int32 {
        switch self {
        case .exited(let code): code
        case .signaled(let signal): 128 + signal
        }
    }

    public var description: String {
        switch self {
        case .exited(let code): "exited with status \(code)"
        case .signaled(let signal): "was killed by signal \(signal) (\(Self.signalName(signal)))"
        }
    }

    static func signalName(_ signal: Int32) -> String {
        switch signal {
        case SIGKILL: "SIGKILL"
        case SIGTERM: "SIGTERM"
        case SIGINT: "SIGINT"
        case SIGSEGV: "SIGSEGV"
        case SIGABRT: "SIGABRT"
        case SIGBUS: "SIGBUS"
        case SIGPIPE: "SIGPIPE"
        case SIGHUP: "SIGHUP"
        default: "signal \(signal)"
        }
    }

    /// Decodes a `waitpid` status (the W* macros are not visible from Swift).
    init(waitStatus: Int32) {
        if waitStatus & 0x7f == 0 {
            self = .exited((waitStatus >> 8) & 0xff)
        } else {
            self = .signaled(waitStatus & 0x7f)
        }
    }
}

public struct SpawnError: Error, Sendable, Equatable, CustomStringConvertible {
    public let description: String
    init(_ description: String) { self.description = description }
}

/// A child process started with `posix_spawn`, its output read line by line on a thread of its
/// own and its exit awaited on another.
///
/// Foundation's `Process` is not used: on Linux it spawns from whatever thread calls it (a
/// concurrency-pool thread, with most signals blocked, which the child inherits, so an app
/// could never get SIGTERM), leaks a descriptor into the child that its exit detection relies
/// on, and delivers exits and output through dispatch and a run-loop thread; under parallel
/// spawning its exit notifications were lost and callers hung. Here the child gets an empty
/// signal mask and default handlers, only descriptors 0–2 (`closefrom`), and the parent's pipe
/// ends are close-on-exec, so no other child can hold them open.
public final class ChildProcess: Sendable {
    public let pid: pid_t
    private let state = Mutex(State())

    private struct State {
        var exit: ProcessExit?
        /// Set, under the lock, just before the child is reaped: after that its pid may belong
        /// to another process, so it must not be signalled.
        var reaping = false
        var outputOpen = true
        var waiters: [Int: CheckedContinuation<ProcessExit?, Never>] = [:]
        var nextTicket = 0

        var finished: ProcessExit? { outputOpen ? nil : exit }

        mutating func takeWaiters() -> [CheckedContinuation<ProcessExit?, Never>] {
            defer { waiters = [:] }
            return Array(waiters.values)
        }
    }

    /// How long output is still read after the process exits, for descendants that keep its
    /// pipes open (a sandbox takes its descendants with it, so this only bites outside one).
    static let outputGrace: Duration = .seconds(2)

    private init(pid: pid_t) { self.pid = pid }

    /// Starts `arguments[0]` (an absolute path) with exactly `environment`. Standard input is
    /// /dev/null; each line the process prints goes to `onLine`, or nowhere when it is nil.
    /// `passing` descriptors become the child's descriptors 3, 4, … in order (the seccomp
    /// program for bubblewrap's `--add-seccomp-fd 3`); the caller still owns and closes them.
    public static func spawn(
        _ arguments: [String], environment: [String: String], workingDirectory: String? = nil,
        passing descriptors: [Int32] = [],
        onLine: (@Sendable (OutputChannel, String) -> Void)? = nil
    ) throws(SpawnError) -> ChildProcess {
        guard let executable = arguments.first, executable.hasPrefix("/") else {
            throw SpawnError("the program to run must be an absolute path")
        }
        let environmentLines = environment.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }
        guard !(arguments + environmentLines).contains(where: { $0.utf8.contains(0) }) else {
            throw SpawnError("arguments and variables cannot contain NUL characters")
        }

        var outputPipes: [(read: Int32, write: Int32)] = []
        defer { for pipe in outputPipes { close(pipe.write) } }
        if onLine != nil {
            for _ in 0..<2 {
                var ends: [Int32] = [-1, -1]
                guard railyard_pipe_cloexec(&ends) == 0 else {
                    let reason = String(cString: strerror(errno))
                    for pipe in outputPipes { close(pipe.read) }
                    throw SpawnError("cannot create a pipe: \(reason)")
                }
                outputPipes.append((ends[0], ends[1]))
            }
        }

        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        if outputPipes.count == 2 {
            posix_spawn_file_actions_adddup2(&actions, outputPipes[0].write, 1)
            posix_spawn_file_actions_adddup2(&actions, outputPipes[1].write, 2)
        } else {
            posix_spawn_file_actions_addopen(&actions, 1, "/dev/null", O_WRONLY, 0)
            posix_spawn_file_actions_addopen(&actions, 2, "/dev/null", O_WRONLY, 0)
        }
        // Passed descriptors are first copied (close-on-exec) above the range they go to, so
        // that no dup2 into 3, 4, … overwrites one still to be passed.
        var passed: [Int32] = []
        defer { for descriptor in passed { close(descriptor) } }
        for descriptor in descriptors {
            let copy = fcntl(descriptor, F_DUPFD_CLOEXEC, 3 + Int32(descriptors.count))
            guard copy >= 0 else {
                let reason = String(cString: strerror(errno))
                for pipe in outputPipes { close(pipe.read) }
                throw SpawnError("cannot pass descriptor \(descriptor): \(reason)")
            }
            passed.append(copy)
        }
        for (index, descriptor) in passed.enumerated() {
            posix_spawn_file_actions_adddup2(&actions, descriptor, 3 + Int32(index))
        }
        railyard_spawn_file_actions_addclosefrom(&actions, 3 + Int32(passed.count))
        if let workingDirectory { railyard_spawn_file_actions_addchdir(&actions, workingDirectory) }

        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        var noSignals = sigset_t()
        sigemptyset(&noSignals)
        posix_spawnattr_setsigmask(&attributes, &noSignals)
        var everySignal = sigset_t()
        sigfillset(&everySignal)
        sigdelset(&everySignal, SIGKILL)
        sigdelset(&everySignal, SIGSTOP)
        posix_spawnattr_setsigdefault(&attributes, &everySignal)
        posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF))

        let argv: [UnsafeMutablePointer<CChar>?] = arguments.map { strdup($0) } + [nil]
        let envp: [UnsafeMutablePointer<CChar>?] = environmentLines.map { strdup($0) } + [nil]
        defer {
            for pointer in argv { free(pointer) }
            for pointer in envp { free(pointer) }
        }
        var pid: pid_t = 0
        let result = posix_spawn(&pid, executable, &actions, &attributes, argv, envp)
        guard result == 0 else {
            for pipe in outputPipes { close(pipe.read) }
            throw SpawnError("cannot start \(executable): \(String(cString: strerror(result)))")
        }

        let child = ChildProcess(pid: pid)
        if let onLine, outputPipes.count == 2 {
            let readers = [
                (outputPipes[0].read, LineSplitter(.stdout, onLine)), (outputPipes[1].read, LineSplitter(.stderr, onLine)),
            ]
            Thread { child.pumpOutput(readers) }.start()
        } else {
            child.state.withLock { $0.outputOpen = false }
        }
        Thread { child.awaitExit() }.start()
        return child
    }

    /// The exit status, once the process has exited and its output has been delivered.
    public func exitStatus() async -> ProcessExit {
        // Without a limit nothing resumes the wait with nil.
        await wait(limit: nil) ?? .signaled(SIGKILL)
    }

    /// The exit status, or nil when the process is still running (or its output still
    /// flowing) after `limit`.
    public func exitStatus(within limit: Duration) async -> ProcessExit? {
        await wait(limit: limit)
    }

    private func wait(limit: Duration?) async -> ProcessExit? {
        await withCheckedContinuation { (continuation: CheckedContinuation<ProcessExit?, Never>) in
            let (ready, ticket): (ProcessExit?, Int) = state.withLock { state in
                if let finished = state.finished { return (finished, 0) }
                state.nextTicket += 1
                state.waiters[state.nextTicket] = continuation
                return (nil, state.nextTicket)
            }
            if let ready {
                continuation.resume(returning: ready)
                return
            }
            guard let limit else { return }
            Task {
                try? await Task.sleep(for: limit)
                self.state.withLock { $0.waiters.removeValue(forKey: ticket) }?.resume(returning: nil)
            }
        }
    }

    /// The exit status if the process has finished, without waiting.
    public var finishedStatus: ProcessExit? { state.withLock { $0.finished } }

    /// Sends `signal` to the process unless it has already been reaped.
    public func signal(_ signal: Int32) {
        state.withLock { state in
            if !state.reaping { kill(pid, signal) }
        }
    }

    /// SIGKILLs the process and every process below it.
    public func killTree() {
        state.withLock { state in
            if !state.reaping { ProcessTree.killTree(pid) }
        }
    }

    private func awaitExit() {
        // Wait without reaping, so that signals sent meanwhile cannot reach a reused pid.
        var info = siginfo_t()
        while waitid(P_PID, id_t(pid), &info, WEXITED | WNOWAIT) == -1 && errno == EINTR {}
        state.withLock { $0.reaping = true }
        var status: Int32 = 0
        var reaped: pid_t
        repeat { reaped = waitpid(pid, &status, 0) } while reaped == -1 && errno == EINTR
        let exit: ProcessExit = reaped == pid ? ProcessExit(waitStatus: status) : .signaled(SIGKILL)
        let waiters = state.withLock { state -> [CheckedContinuation<ProcessExit?, Never>] in
            state.exit = exit
            return state.finished == nil ? [] : state.takeWaiters()
        }
        for waiter in waiters { waiter.resume(returning: exit) }
    }

    private func pumpOutput(_ readers: [(descriptor: Int32, splitter: LineSplitter)]) {
        var polled = readers.map { pollfd(fd: $0.descriptor, events: Int16(POLLIN), revents: 0) }
        let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: 64 * 1024, alignment: 1)
        defer { buffer.deallocate() }
        var exitedAt: ContinuousClock.Instant?
        while polled.contains(where: { $0.fd >= 0 }) {
            let ready = poll(&polled, nfds_t(polled.count), 250)
            if ready == 0 {
                if exitedAt == nil, state.withLock({ $0.exit != nil }) { exitedAt = .now }
                if let exitedAt, ContinuousClock.now - exitedAt > Self.outputGrace { break }
                continue
            }
            if ready < 0 {
                if errno == EINTR { continue }
                break
            }
            for index in polled.indices where polled[index].fd >= 0 && polled[index].revents != 0 {
                let count = read(polled[index].fd, buffer.baseAddress, buffer.count)
                if count > 0 {
                    readers[index].splitter.append(UnsafeRawBufferPointer(rebasing: buffer[..<count]))
                } else if count == 0 || (errno != EINTR && errno != EAGAIN) {
                    close(polled[index].fd)
                    polled[index].fd = -1
                }
            }
        }
        for index in polled.indices where polled[index].fd >= 0 { close(polled[index].fd) }
        for reader in readers { reader.splitter.finish() }
        let (waiters, exit) = state.withLock { state -> ([CheckedContinuation<ProcessExit?, Never>], ProcessExit?) in
            state.outputOpen = false
            return state.finished == nil ? ([], nil) : (state.takeWaiters(), state.exit)
        }
        if let exit { for waiter in waiters { waiter.resume(returning: exit) } }
    }
}
