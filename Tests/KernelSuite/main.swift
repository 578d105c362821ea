// muxkerneltests: the kernel suite. Runs as root inside the QEMU guest (vm/kernel-suite.sh).
//
//   muxkerneltests [FILTER...]        run the tests whose names contain any FILTER
//   muxkerneltests --list             list the test names
//   muxkerneltests --helper-hold DEV  (internal) the process the SIGKILL test kills
import Glibc

let arguments = Array(CommandLine.arguments.dropFirst())
if arguments.first == "--helper-hold", arguments.count >= 2 {
    HoldingHelper.run(physicalNode: arguments[1])
}
DaemonHelpers.runIfAsked(arguments)
if arguments.first == "--list" {
    for test in allTests { print(test.name) }
    exit(0)
}
let failed = TestRunner.run(allTests, filters: arguments)
exit(failed == 0 ? 0 : 1)
