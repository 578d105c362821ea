import Foundation
import Glibc

/// Output for a command-line tool: stdout through `print`, stderr for sentences about
/// failures, and a flush before exit or between live updates.
public enum Console {
    public static func error(_ line: String) {
        FileHandle.standardError.write(Data((line + "\n").utf8))
    }

    /// Flushes every stdio stream (`fflush(NULL)`), so piped live output arrives now.
    public static func flush() { fflush(nil) }
}
