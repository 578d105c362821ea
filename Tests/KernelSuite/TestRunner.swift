import Glibc
import SystemPackage
import InputMuxLinux

/// A named kernel test. Throwing fails it; a missing precondition is a failure too.
struct KernelTest: Sendable {
    let name: String
    let body: @Sendable () throws -> Void
}

/// Why a test failed, in words that say what was expected.
struct TestFailure: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}

func expect(_ condition: Bool, _ message: @autoclosure () -> String) throws {
    if !condition { throw TestFailure(message()) }
}

func expectEqual<T: Equatable>(_ a: T, _ b: T, _ what: String) throws {
    if a != b { throw TestFailure("\(what): got \(a), expected \(b)") }
}

/// Prints to stderr: diagnostics that must not be mistaken for results.
func note(_ s: String) {
    writeLine(2, "  note: \(s)")
}

/// Writes a line straight to a file descriptor: results must reach the rig's log even
/// when a later test crashes the process (stdio would still hold them in a buffer).
func writeLine(_ fd: Int32, _ s: String) {
    _ = try? FileDescriptor(rawValue: fd).writeAll((s + "\n").utf8)
}

enum TestRunner {
    /// Runs the tests whose names contain one of `filters` (all when empty), printing
    /// `PASS name` / `FAIL name: reason` and the closing `N passed, N failed`.
    static func run(_ tests: [KernelTest], filters: [String]) -> Int {
        let selected = filters.isEmpty ? tests : tests.filter { t in filters.contains { t.name.contains($0) } }
        var passed = 0, failed = 0
        if selected.isEmpty {
            writeLine(1, "FAIL selection: no test matches \(filters)")
            failed += 1
        }
        for test in selected {
            let start = MonotonicClock.now()
            do {
                try test.body()
                passed += 1
                writeLine(1, "PASS \(test.name) (\(milliseconds(since: start)) ms)")
            } catch {
                failed += 1
                writeLine(1, "FAIL \(test.name): \(error)")
            }
        }
        writeLine(1, "\(passed) passed, \(failed) failed")
        return failed
    }

    static func milliseconds(since start: InputMuxCoreInstant) -> Int64 {
        (MonotonicClock.now().nanoseconds - start.nanoseconds) / 1_000_000
    }
}

import InputMuxCore
typealias InputMuxCoreInstant = InputMuxCore.Instant
