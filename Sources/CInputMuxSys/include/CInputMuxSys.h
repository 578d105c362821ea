#ifndef CINPUTMUXSYS_H
#define CINPUTMUXSYS_H
// System calls the daemon and the system-call layer (InputMuxSystem) need that glibc
// declares only under _GNU_SOURCE, which Swift's Glibc module does not define:
// SO_PEERCRED's struct ucred, accept4, ppoll, eventfd, epoll (whose event struct is
// packed, which Swift cannot lay out). Each is one small function; the definitions
// live in sys.c.
#include <poll.h>
#include <stdint.h>
#include <sys/epoll.h>

struct inputmux_peer {
    int32_t pid;
    uint32_t uid;
    uint32_t gid;
};

/// getsockopt(SO_PEERCRED). Returns 0 or -1 with errno set.
int inputmux_peer_credentials(int fd, struct inputmux_peer *out);
/// accept4(SOCK_CLOEXEC, and SOCK_NONBLOCK when `nonblocking`). Returns the fd or -1
/// with errno set.
int inputmux_accept(int fd, int nonblocking);
/// ppoll with a timeout in nanoseconds (negative: wait forever).
int inputmux_ppoll(struct pollfd *fds, unsigned long n, int64_t timeout_ns);
/// eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC).
int inputmux_eventfd(void);
int inputmux_eventfd_signal(int fd);
int inputmux_eventfd_consume(int fd);
/// One ready descriptor from `inputmux_epoll_wait`.
struct inputmux_ready {
    int32_t fd;
    uint32_t events;  // EPOLLIN, EPOLLOUT, EPOLLHUP, EPOLLERR bits
};
/// epoll_create1(EPOLL_CLOEXEC).
int inputmux_epoll_create(void);
/// EPOLL_CTL_ADD / MOD / DEL for `fd` with `events` (level-triggered), data = fd.
int inputmux_epoll_add(int epfd, int fd, uint32_t events);
int inputmux_epoll_modify(int epfd, int fd, uint32_t events);
int inputmux_epoll_remove(int epfd, int fd);
/// Waits up to `timeout_ns` (negative: forever) with nanosecond resolution
/// (epoll_pwait2; kernels before 5.11 get epoll_wait with the timeout rounded up to
/// whole milliseconds). Returns how many entries of `out` it filled, or -1 with errno.
int inputmux_epoll_wait(int epfd, struct inputmux_ready *out, int capacity, int64_t timeout_ns);
/// Lowers the calling thread's scheduling priority: its nice value becomes the
/// process's plus `by` (setpriority on its tid; raising a nice value needs no
/// privilege). Returns 0 or -1 with errno set.
int inputmux_lower_this_thread(int by);
/// Gives the calling thread the process's nice value (its main thread's, such as a
/// unit's Nice=). A thread inherits its creator's nice value, and the threads of Swift's
/// concurrency pool run at 0 whatever the process's. Raising a thread to a lower nice
/// value needs RLIMIT_NICE to cover it or CAP_SYS_NICE. Returns 0 or -1 with errno set.
int inputmux_take_process_nice(void);
/// Names the calling thread (at most 15 bytes show, in /proc/PID/task/TID/comm, top -H).
int inputmux_name_this_thread(const char *name);
/// The calling thread's kernel thread id (gettid).
int inputmux_this_thread_id(void);
/// getsockopt(SO_PEERGROUPS) (Linux 4.13+): the peer's supplementary groups as of its
/// connect(). Writes at most `capacity` gids to `out` and returns how many there are;
/// more than `capacity` means call again with room for that many. -1 with errno set
/// (ENOPROTOOPT: the kernel lacks it).
int inputmux_peer_groups(int fd, uint32_t *out, int capacity);
/// getsockopt(SO_PEERPIDFD) (Linux 6.5+): a pidfd (O_CLOEXEC) of the process that
/// connected. -1 with errno set (ENOPROTOOPT: the kernel lacks it).
int inputmux_peer_pidfd(int fd);
/// pidfd_send_signal(pidfd, sig, NULL, 0); with `sig` 0 it only asks whether the process
/// still exists (0) or has exited (-1, ESRCH). -1 with errno set.
int inputmux_pidfd_send_signal(int pidfd, int sig);
/// sendmsg(MSG_NOSIGNAL | MSG_DONTWAIT when `nonblocking`) of `length` bytes, with
/// descriptor `attach` in an SCM_RIGHTS message when it is >= 0. Returns the bytes
/// written (the descriptor goes with the first byte) or -1 with errno set.
long inputmux_send_with_descriptor(int fd, const void *bytes, unsigned long length, int attach, int nonblocking);
/// recvmsg(MSG_CMSG_CLOEXEC) of at most `capacity` bytes; descriptors that came with them
/// are written to `descriptors` (at most `room`; extra ones are closed) and counted in
/// `*received`. Returns the bytes read, 0 at the end of the stream, or -1 with errno set.
long inputmux_receive_with_descriptors(int fd, void *bytes, unsigned long capacity, int *descriptors, int room, int *received);
/// memfd_create(`name`, MFD_CLOEXEC | MFD_ALLOW_SEALING). Returns the fd or -1.
int inputmux_memfd(const char *name);
/// Seals a memfd against every change: F_SEAL_SHRINK | GROW | WRITE | SEAL. 0 or -1.
int inputmux_seal(int fd);
/// The seals on `fd` (F_GET_SEALS), or -1 with errno set.
int inputmux_seals(int fd);
/// Whether `seals` (from inputmux_seals) include shrink, grow, write and seal.
int inputmux_fully_sealed(int seals);

#endif
