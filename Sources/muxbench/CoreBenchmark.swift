import ArgumentParser

struct CoreBenchmark: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "core", abstract: "Pure engine benchmark.")
    @Flag var json = false
    func run() throws {
        print("malloc counter active:", CoreMalloc.active)
        let n = CoreMalloc.count { var a = [Int](); a.append(1); a.append(2); _ = a }
        print("array allocs:", n, "bytes:", CoreMalloc.bytesInUse)
    }
}
