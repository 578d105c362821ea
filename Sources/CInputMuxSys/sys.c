#define _GNU_SOURCE
#include "CInputMuxSys.h"
#include <sys/socket.h>
#include <sys/eventfd.h>
#include <time.h>
#include <signal.h>

_Static_assert(sizeof(struct ucred) == sizeof(struct inputmux_peer), "struct ucred layout");

int inputmux_peer_credentials(int fd, struct inputmux_peer *out) {
    struct ucred cred;
    socklen_t len = sizeof cred;
    if (getsockopt(fd, SOL_SOCKET, SO_PEERCRED, &cred, &len) != 0) return -1;
    out->pid = cred.pid;
    out->uid = cred.uid;
    out->gid = cred.gid;
    return 0;
}

int inputmux_accept(int fd) {
    return accept4(fd, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC);
}

int inputmux_ppoll(struct pollfd *fds, unsigned long n, int64_t timeout_ns) {
    if (timeout_ns < 0) return ppoll(fds, n, NULL, NULL);
    struct timespec ts = { .tv_sec = timeout_ns / 1000000000, .tv_nsec = timeout_ns % 1000000000 };
    return ppoll(fds, n, &ts, NULL);
}

int inputmux_eventfd(void) { return eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC); }
int inputmux_eventfd_signal(int fd) { return eventfd_write(fd, 1); }
int inputmux_eventfd_consume(int fd) {
    eventfd_t v;
    return eventfd_read(fd, &v);
}
