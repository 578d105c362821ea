#define _GNU_SOURCE
#include "CInputMuxSys.h"
#include <sys/socket.h>
#include <sys/eventfd.h>
#include <time.h>
#include <signal.h>
#include <errno.h>
#include <sys/epoll.h>
#include <sys/syscall.h>
#include <unistd.h>
#include <sched.h>
#include <sys/resource.h>
#include <pthread.h>

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

int inputmux_accept(int fd, int nonblocking) {
    return accept4(fd, NULL, NULL, SOCK_CLOEXEC | (nonblocking ? SOCK_NONBLOCK : 0));
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

int inputmux_epoll_create(void) { return epoll_create1(EPOLL_CLOEXEC); }

static int epoll_control(int epfd, int op, int fd, uint32_t events) {
    struct epoll_event ev = { .events = events, .data.fd = fd };
    return epoll_ctl(epfd, op, fd, &ev);
}
int inputmux_epoll_add(int epfd, int fd, uint32_t events) { return epoll_control(epfd, EPOLL_CTL_ADD, fd, events); }
int inputmux_epoll_modify(int epfd, int fd, uint32_t events) { return epoll_control(epfd, EPOLL_CTL_MOD, fd, events); }
int inputmux_epoll_remove(int epfd, int fd) { return epoll_control(epfd, EPOLL_CTL_DEL, fd, 0); }

int inputmux_epoll_wait(int epfd, struct inputmux_ready *out, int capacity, int64_t timeout_ns) {
    struct epoll_event ev[64];
    if (capacity > 64) capacity = 64;
    int n = -1;
#ifdef SYS_epoll_pwait2
    static int no_pwait2;
    if (!no_pwait2) {
        struct timespec ts = { .tv_sec = timeout_ns / 1000000000, .tv_nsec = timeout_ns % 1000000000 };
        n = (int)syscall(SYS_epoll_pwait2, epfd, ev, capacity, timeout_ns < 0 ? NULL : &ts, NULL, (size_t)0);
        if (n < 0 && errno == ENOSYS) no_pwait2 = 1;
    }
    if (no_pwait2)
#endif
    {
        int ms = timeout_ns < 0 ? -1 : (int)((timeout_ns + 999999) / 1000000);
        n = epoll_wait(epfd, ev, capacity, ms);
    }
    for (int i = 0; i < n; i++) {
        out[i].fd = ev[i].data.fd;
        out[i].events = ev[i].events;
    }
    return n;
}

/* Gives thread `tid` the process's nice value (its main thread's) plus `by`, at most 19. */
static int set_thread_nice(pid_t tid, int by) {
    errno = 0;
    int base = getpriority(PRIO_PROCESS, (id_t)getpid());
    if (base == -1 && errno != 0) return -1;
    int nice = base + by;
    if (nice > 19) nice = 19;
    return setpriority(PRIO_PROCESS, (id_t)tid, nice);
}

int inputmux_lower_this_thread(int by) {
    return set_thread_nice(gettid(), by);
}

int inputmux_this_thread_id(void) {
    return (int)gettid();
}

int inputmux_take_process_nice(void) {
    return set_thread_nice(gettid(), 0);
}

int inputmux_name_this_thread(const char *name) {
    return pthread_setname_np(pthread_self(), name);
}

#ifndef SO_PEERGROUPS
#define SO_PEERGROUPS 59
#endif
#ifndef SO_PEERPIDFD
#define SO_PEERPIDFD 77
#endif
#ifndef SYS_pidfd_send_signal
#define SYS_pidfd_send_signal 424
#endif

int inputmux_peer_groups(int fd, uint32_t *out, int capacity) {
    socklen_t len = (socklen_t)(capacity > 0 ? capacity : 0) * sizeof(gid_t);
    _Static_assert(sizeof(gid_t) == sizeof(uint32_t), "gid_t is 32 bits");
    if (getsockopt(fd, SOL_SOCKET, SO_PEERGROUPS, out, &len) != 0) {
        // ERANGE: the kernel wrote the size it needs into len.
        if (errno == ERANGE) return (int)(len / sizeof(gid_t));
        return -1;
    }
    return (int)(len / sizeof(gid_t));
}

int inputmux_peer_pidfd(int fd) {
    int pidfd = -1;
    socklen_t len = sizeof pidfd;
    if (getsockopt(fd, SOL_SOCKET, SO_PEERPIDFD, &pidfd, &len) != 0) return -1;
    return pidfd;
}

int inputmux_pidfd_send_signal(int pidfd, int sig) {
    return (int)syscall(SYS_pidfd_send_signal, pidfd, sig, NULL, 0);
}

#include <sys/mman.h>
#include <fcntl.h>
#include <string.h>

long inputmux_send_with_descriptor(int fd, const void *bytes, unsigned long length, int attach, int nonblocking) {
    struct iovec iov = { .iov_base = (void *)bytes, .iov_len = length };
    union { char buf[CMSG_SPACE(sizeof(int))]; struct cmsghdr align; } control;
    struct msghdr msg = { .msg_iov = &iov, .msg_iovlen = 1 };
    if (attach >= 0) {
        memset(&control, 0, sizeof control);
        msg.msg_control = control.buf;
        msg.msg_controllen = sizeof control.buf;
        struct cmsghdr *c = CMSG_FIRSTHDR(&msg);
        c->cmsg_level = SOL_SOCKET;
        c->cmsg_type = SCM_RIGHTS;
        c->cmsg_len = CMSG_LEN(sizeof(int));
        memcpy(CMSG_DATA(c), &attach, sizeof(int));
    }
    return sendmsg(fd, &msg, MSG_NOSIGNAL | (nonblocking ? MSG_DONTWAIT : 0));
}

long inputmux_receive_with_descriptors(int fd, void *bytes, unsigned long capacity, int *descriptors, int room, int *received) {
    struct iovec iov = { .iov_base = bytes, .iov_len = capacity };
    union { char buf[CMSG_SPACE(16 * sizeof(int))]; struct cmsghdr align; } control;
    struct msghdr msg = { .msg_iov = &iov, .msg_iovlen = 1, .msg_control = control.buf, .msg_controllen = sizeof control.buf };
    *received = 0;
    long n = recvmsg(fd, &msg, MSG_CMSG_CLOEXEC);
    if (n < 0) return n;
    for (struct cmsghdr *c = CMSG_FIRSTHDR(&msg); c; c = CMSG_NXTHDR(&msg, c)) {
        if (c->cmsg_level != SOL_SOCKET || c->cmsg_type != SCM_RIGHTS) continue;
        int count = (int)((c->cmsg_len - CMSG_LEN(0)) / sizeof(int));
        for (int i = 0; i < count; i++) {
            int d;
            memcpy(&d, CMSG_DATA(c) + i * sizeof(int), sizeof(int));
            if (*received < room) descriptors[(*received)++] = d; else close(d);
        }
    }
    return n;
}

int inputmux_memfd(const char *name) { return memfd_create(name, MFD_CLOEXEC | MFD_ALLOW_SEALING); }
int inputmux_seal(int fd) { return fcntl(fd, F_ADD_SEALS, F_SEAL_SHRINK | F_SEAL_GROW | F_SEAL_WRITE | F_SEAL_SEAL); }
int inputmux_seals(int fd) { return fcntl(fd, F_GET_SEALS); }
int inputmux_fully_sealed(int seals) {
    int all = F_SEAL_SHRINK | F_SEAL_GROW | F_SEAL_WRITE | F_SEAL_SEAL;
    return seals >= 0 && (seals & all) == all;
}
