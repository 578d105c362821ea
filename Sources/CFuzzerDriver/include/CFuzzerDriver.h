// libFuzzer's driver, for the fuzz build of muxfuzz (scripts/fuzz.sh): SwiftPM names an
// executable's entry point itself, so muxfuzz's entry calls the driver instead of
// linking libFuzzer's main. Declared only; the fuzz build links the runtime
// (-sanitize=fuzzer), and nothing calls it in an ordinary build.
#ifndef CFUZZERDRIVER_H
#define CFUZZERDRIVER_H
#include <stddef.h>
#include <stdint.h>

int LLVMFuzzerRunDriver(int *argc, char ***argv, int (*callback)(const uint8_t *data, size_t size));

#endif
