/* The fast path's smoke test (vm/smoke.sh --initramfs): a uinput round-trip
 * with nothing but the kernel. Creates a uinput keyboard, opens its event node
 * (devtmpfs makes it; there is no udev in the initramfs), grabs it, writes a
 * key press and reads it back. Ends with "N passed, N failed". */
#include <errno.h>
#include <fcntl.h>
#include <linux/input.h>
#include <linux/uinput.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

static int passed, failed;

static void check(const char *name, int ok)
{
    printf("%s %s\n", ok ? "ok  " : "FAIL", name);
    ok ? passed++ : failed++;
}

static void emit(int fd, int type, int code, int value)
{
    struct input_event ev = {.type = type, .code = code, .value = value};
    if (write(fd, &ev, sizeof ev) != sizeof ev)
        perror("write uinput");
}

int main(void)
{
    int ui = open("/dev/uinput", O_WRONLY | O_NONBLOCK);
    check("open /dev/uinput", ui >= 0);
    if (ui < 0)
        goto out;
    ioctl(ui, UI_SET_EVBIT, EV_KEY);
    ioctl(ui, UI_SET_KEYBIT, KEY_A);
    struct uinput_setup setup = {.id = {.bustype = BUS_VIRTUAL, .vendor = 0x1234, .product = 0x5678}};
    strcpy(setup.name, "inputmux quick keyboard");
    check("UI_DEV_SETUP + UI_DEV_CREATE",
          ioctl(ui, UI_DEV_SETUP, &setup) == 0 && ioctl(ui, UI_DEV_CREATE) == 0);

    char sysname[64] = "", node[128] = "";
    ioctl(ui, UI_GET_SYSNAME(sizeof sysname), sysname);
    /* inputN's eventM: the node devtmpfs created for it. */
    for (int i = 0; i < 64 && !node[0]; i++) {
        char p[192];
        snprintf(p, sizeof p, "/sys/devices/virtual/input/%s/event%d", sysname, i);
        if (access(p, F_OK) == 0)
            snprintf(node, sizeof node, "/dev/input/event%d", i);
    }
    int ev = -1;
    for (int tries = 0; tries < 50 && ev < 0 && node[0]; tries++) {
        ev = open(node, O_RDONLY | O_NONBLOCK);
        if (ev < 0)
            usleep(20000);
    }
    check("event node opens", ev >= 0);
    if (ev < 0)
        goto out;
    check("EVIOCGRAB", ioctl(ev, EVIOCGRAB, 1) == 0);

    emit(ui, EV_KEY, KEY_A, 1);
    emit(ui, EV_SYN, SYN_REPORT, 0);
    emit(ui, EV_KEY, KEY_A, 0);
    emit(ui, EV_SYN, SYN_REPORT, 0);

    int saw_press = 0, saw_release = 0;
    struct pollfd pfd = {.fd = ev, .events = POLLIN};
    while (!(saw_press && saw_release) && poll(&pfd, 1, 2000) > 0) {
        struct input_event e;
        while (read(ev, &e, sizeof e) == sizeof e) {
            if (e.type == EV_KEY && e.code == KEY_A)
                e.value ? saw_press++ : saw_release++;
        }
    }
    check("key press read back", saw_press == 1);
    check("key release read back", saw_release == 1);
    ioctl(ui, UI_DEV_DESTROY);
out:
    printf("%d passed, %d failed\n", passed, failed);
    return failed || !passed;
}
