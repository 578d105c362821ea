// Most of the shim lives in the header as static inline functions; what needs
// _GNU_SOURCE (the CPU_* macros) lives here, away from the header's includes.
#define _GNU_SOURCE
#include <sched.h>
#include <unistd.h>
#include "CInputMuxShim.h"

int inputmux_pin_to_cpu(int cpu) {
    cpu_set_t set;
    CPU_ZERO(&set);
    CPU_SET(cpu, &set);
    return sched_setaffinity(0, sizeof set, &set);
}

int inputmux_set_thread_cpu(int tid, int cpu) {
    cpu_set_t set;
    CPU_ZERO(&set);
    if (cpu >= 0) {
        CPU_SET(cpu, &set);
    } else {
        long online = sysconf(_SC_NPROCESSORS_ONLN);
        for (long i = 0; i < online && i < CPU_SETSIZE; i++) CPU_SET(i, &set);
    }
    return sched_setaffinity(tid, sizeof set, &set);
}
