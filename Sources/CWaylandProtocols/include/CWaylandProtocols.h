// The generated protocol glue (scripts/wayland-protocols.sh), and the addresses of the
// interface descriptions that `wl_registry_bind` takes: Swift reads a C global struct
// as a copy, and libwayland compares interfaces by address.
#pragma once
#include <wayland-client.h>
#include "wlr-screencopy-unstable-v1-client-protocol.h"
#include "xdg-output-unstable-v1-client-protocol.h"

const struct wl_interface *inputmux_wl_output_interface(void);
const struct wl_interface *inputmux_wl_shm_interface(void);
const struct wl_interface *inputmux_screencopy_manager_interface(void);
const struct wl_interface *inputmux_xdg_output_manager_interface(void);
