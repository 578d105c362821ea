// Written by hand (not generated): see include/CWaylandProtocols.h.
#include "CWaylandProtocols.h"

const struct wl_interface *inputmux_wl_output_interface(void) { return &wl_output_interface; }
const struct wl_interface *inputmux_wl_shm_interface(void) { return &wl_shm_interface; }
const struct wl_interface *inputmux_screencopy_manager_interface(void) { return &zwlr_screencopy_manager_v1_interface; }
const struct wl_interface *inputmux_xdg_output_manager_interface(void) { return &zxdg_output_manager_v1_interface; }
