import Foundation

/// The files of a corpus (a file, or every regular file directly in a directory, sorted),
/// and the one line muxfuzz writes to standard error.
enum InputFiles {
    static func list(_ path: String) -> [String] {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory), isDirectory.boolValue,
              let names = try? FileManager.default.contentsOfDirectory(atPath: path) else { return [path] }
        return names.sorted().map { path + "/" + $0 }.filter { file in
            var sub: ObjCBool = false
            return FileManager.default.fileExists(atPath: file, isDirectory: &sub) && !sub.boolValue
        }
    }

    static func read(_ file: String) -> [UInt8]? {
        FileManager.default.contents(atPath: file).map { [UInt8]($0) }
    }

    static func complain(_ line: String) {
        FileHandle.standardError.write(Data((line.hasSuffix("\n") ? line : line + "\n").utf8))
    }
}
