import Glibc

// muxfuzz: the coverage-guided fuzz targets (docs/FUZZING.md).
//
// Built by scripts/fuzz.sh with `-sanitize=fuzzer -D FUZZING`: its entry hands the
// command line to libFuzzer's driver, which runs the target named in MUXFUZZ_TARGET.
// Built as usual (swift build), it replays
// inputs instead, so the corpus is a regression test without the fuzzer runtime:
//
//   muxfuzz TARGET FILE_OR_DIR...     run every input once; exit 0 when none broke
#if FUZZING
import CFuzzerDriver

nonisolated(unsafe) var selectedTarget = FuzzTarget.wire

/// The entry point SwiftPM links as `main` for this executable: it hands the command
/// line to libFuzzer's driver with the target named in MUXFUZZ_TARGET.
@_cdecl("muxfuzz_main")
public func fuzzMain(_ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> CInt {
    let name = getenv("MUXFUZZ_TARGET").map { String(cString: $0) } ?? ""
    guard let target = FuzzTarget(rawValue: name) else {
        let names = FuzzTarget.allCases.map(\.rawValue).joined(separator: ", ")
        InputFiles.complain("muxfuzz: set MUXFUZZ_TARGET to one of: \(names) (got \"\(name)\")")
        return 2
    }
    selectedTarget = target
    var count = argc
    var arguments = argv
    return LLVMFuzzerRunDriver(&count, &arguments) { data, size in
        selectedTarget.run(UnsafeBufferPointer(start: data, count: size))
        return 0
    }
}
#else
@main
enum MuxFuzz {
    static func main() {
        let arguments = Array(CommandLine.arguments.dropFirst())
        guard let name = arguments.first, let target = FuzzTarget(rawValue: name), arguments.count >= 2 else {
            let names = FuzzTarget.allCases.map(\.rawValue).joined(separator: "|")
            InputFiles.complain("usage: muxfuzz \(names) FILE_OR_DIR...  (replays inputs; scripts/fuzz.sh fuzzes)\n")
            exit(2)
        }
        var count = 0
        for path in arguments.dropFirst() {
            for file in InputFiles.list(path) {
                guard let bytes = InputFiles.read(file) else {
                    InputFiles.complain("muxfuzz: cannot read \(file)\n")
                    exit(1)
                }
                bytes.withUnsafeBufferPointer { target.run($0) }
                count += 1
            }
        }
        print("muxfuzz \(name): \(count) inputs replayed, none broke")
    }
}
#endif
