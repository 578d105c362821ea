#ifndef CINPUTMUXSHIM_H
#define CINPUTMUXSHIM_H
// ioctl requests and function-like macros of <linux/input.h> and <linux/uinput.h>
// that Swift cannot import directly, exported as prefixed functions/constants.
// `ioctl` itself is variadic, which Swift cannot call, so two fixed-arity forms follow.
#include <linux/input.h>
#include <linux/uinput.h>
#include <stddef.h>
#include <sys/ioctl.h>

// Swift reads and writes `struct input_event` arrays in one read()/write(): the kernel
// ABI on 64-bit Linux is a 16-byte timeval then type, code, value.
_Static_assert(sizeof(struct input_event) == 24, "struct input_event is 24 bytes on 64-bit Linux");
_Static_assert(offsetof(struct input_event, type) == 16, "input_event.type offset");
_Static_assert(offsetof(struct input_event, value) == 20, "input_event.value offset");
_Static_assert(sizeof(struct input_id) == 8, "struct input_id layout");
_Static_assert(sizeof(struct input_absinfo) == 24, "struct input_absinfo layout");
_Static_assert(sizeof(struct uinput_setup) == 92, "struct uinput_setup layout");
_Static_assert(offsetof(struct uinput_setup, name) == 8, "uinput_setup.name offset");
_Static_assert(sizeof(struct uinput_abs_setup) == 28, "struct uinput_abs_setup layout");

// MARK: evdev requests
static inline unsigned long inputmux_eviocgid(void) { return EVIOCGID; }
static inline unsigned long inputmux_eviocgname(unsigned int len) { return EVIOCGNAME(len); }
static inline unsigned long inputmux_eviocgphys(unsigned int len) { return EVIOCGPHYS(len); }
static inline unsigned long inputmux_eviocgprop(unsigned int len) { return EVIOCGPROP(len); }
static inline unsigned long inputmux_eviocgkey(unsigned int len) { return EVIOCGKEY(len); }
static inline unsigned long inputmux_eviocgled(unsigned int len) { return EVIOCGLED(len); }
static inline unsigned long inputmux_eviocgbit(unsigned int ev, unsigned int len) { return EVIOCGBIT(ev, len); }
static inline unsigned long inputmux_eviocgabs(unsigned int abs) { return EVIOCGABS(abs); }
static inline unsigned long inputmux_eviocgrab(void) { return EVIOCGRAB; }

// MARK: uinput requests
static inline unsigned long inputmux_ui_set_evbit(void) { return UI_SET_EVBIT; }
static inline unsigned long inputmux_ui_set_keybit(void) { return UI_SET_KEYBIT; }
static inline unsigned long inputmux_ui_set_relbit(void) { return UI_SET_RELBIT; }
static inline unsigned long inputmux_ui_set_absbit(void) { return UI_SET_ABSBIT; }
static inline unsigned long inputmux_ui_set_mscbit(void) { return UI_SET_MSCBIT; }
static inline unsigned long inputmux_ui_set_ledbit(void) { return UI_SET_LEDBIT; }
static inline unsigned long inputmux_ui_set_propbit(void) { return UI_SET_PROPBIT; }
static inline unsigned long inputmux_ui_set_phys(void) { return UI_SET_PHYS; }
static inline unsigned long inputmux_ui_dev_setup(void) { return UI_DEV_SETUP; }
static inline unsigned long inputmux_ui_abs_setup(void) { return UI_ABS_SETUP; }
static inline unsigned long inputmux_ui_dev_create(void) { return UI_DEV_CREATE; }
static inline unsigned long inputmux_ui_dev_destroy(void) { return UI_DEV_DESTROY; }
static inline unsigned long inputmux_ui_get_sysname(unsigned int len) { return UI_GET_SYSNAME(len); }

// MARK: fixed-arity ioctl
/// ioctl with a pointer argument; returns -1 and sets errno on failure.
static inline int inputmux_ioctl_ptr(int fd, unsigned long request, void *arg) { return ioctl(fd, request, arg); }
/// ioctl with an int argument passed by value (UI_SET_*BIT, EVIOCGRAB).
static inline int inputmux_ioctl_int(int fd, unsigned long request, int arg) { return ioctl(fd, request, arg); }
/// ioctl without an argument (UI_DEV_CREATE, UI_DEV_DESTROY).
static inline int inputmux_ioctl_none(int fd, unsigned long request) { return ioctl(fd, request); }

// MARK: scheduling
/// Pins the calling process (and the children it starts later) to one CPU; returns -1
/// and sets errno on failure. The corresponding C function is `sched_setaffinity`.
int inputmux_pin_to_cpu(int cpu);
/// Places one thread (a task id from /proc/PID/task) on one CPU, or on every online CPU
/// when `cpu` is negative; returns -1 and sets errno on failure (`sched_setaffinity`).
int inputmux_set_thread_cpu(int tid, int cpu);

#endif
