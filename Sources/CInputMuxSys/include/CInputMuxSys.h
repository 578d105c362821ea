#ifndef CINPUTMUXSYS_H
#define CINPUTMUXSYS_H
// System calls the daemon needs that glibc declares only under _GNU_SOURCE, which
// Swift's Glibc module does not define: SO_PEERCRED's struct ucred, accept4, ppoll,
// eventfd. Each is one small function; the definitions live in sys.c.
#include <poll.h>
#include <stdint.h>

struct inputmux_peer {
    int32_t pid;
    uint32_t uid;
    uint32_t gid;
};

/// getsockopt(SO_PEERCRED). Returns 0 or -1 with errno set.
int inputmux_peer_credentials(int fd, struct inputmux_peer *out);
/// accept4(SOCK_NONBLOCK | SOCK_CLOEXEC). Returns the fd or -1 with errno set.
int inputmux_accept(int fd);
/// ppoll with a timeout in nanoseconds (negative: wait forever).
int inputmux_ppoll(struct pollfd *fds, unsigned long n, int64_t timeout_ns);
/// eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC).
int inputmux_eventfd(void);
int inputmux_eventfd_signal(int fd);
int inputmux_eventfd_consume(int fd);
#endif
