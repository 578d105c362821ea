#ifndef CINPUTMUXSHIM_H
#define CINPUTMUXSHIM_H
// ioctl requests and function-like macros of <linux/input.h> and <linux/uinput.h>
// that Swift cannot import directly, exported as prefixed functions/constants.
#include <linux/input.h>
#include <linux/uinput.h>
#endif
