# InputMux: two set-up commands on a fresh Debian machine:
#   make demo   the main job (daemon, or the real-kernel VM demo where there is no /dev/uinput)
#   make test   every test: host tests, the kernel suite in a QEMU guest, then the
#               whole-system test (systemd guest, installed service), then the
#               X11 VM test (Xorg + libinput reads an agent's uinput pointer)
SHELL := /bin/bash
# Swift lives in /opt/swift on the build machines; sudo's secure_path drops it from PATH.
export PATH := $(PATH):/opt/swift/usr/bin
PREFIX ?= /usr/local
DESTDIR ?=

.PHONY: deps test host-test fuzz kernel-test system-test x11-vm-test sway-vm-test demo bench vm-shell install clean

# The VM targets share the machine's cores and must run one after the other.
.NOTPARALLEL:

deps:
	bash scripts/deps.sh

test: deps host-test fuzz kernel-test system-test x11-vm-test sway-vm-test

host-test:
	swift build --build-tests
	swift test --skip-build

# Coverage-guided fuzzing (libFuzzer) of the wire codec, the request decoder and the
# engine, 60 s each (INPUTMUX_FUZZ_SECONDS); fails on a crash (docs/FUZZING.md).
fuzz:
	bash scripts/fuzz.sh

kernel-test:
	bash vm/kernel-suite.sh

system-test:
	bash vm/system-test.sh

# Xorg in the guest adds an agent's uinput pointer and its click reaches an X client
# (vm/guest/x11-uinput.py); reuses the products the kernel suite built.
x11-vm-test:
	INPUTMUX_VM_PYTHON_LIBS=1 bash vm/guest-test.sh x11-vm-test 600 x11-uinput.py

# sway in the guest, headless on the libinput backend (vm/guest/start-sway.sh): sway
# itself (uinput devices, foot, seats, grim; vm/guest/sway-check.py), then inputmuxd's
# sway adapter (window leases by app_id, keys against sway's focus, moves and closes,
# seats of their own; vm/guest/sway-daemon.py, vm/guest/sway_seats.py).
sway-vm-test:
	bash vm/guest-test.sh sway-check 900 sway-check.py
	bash vm/guest-test.sh sway-daemon 900 sway-daemon.py

bench: deps
	swift run -c release muxbench core
	swift build -c release --product inputmuxd
	swift run -c release muxbench x11
	swift run -c release muxbench capture
	swift run -c release muxbench seats
	bash vm/bench.sh

demo: deps
	bash scripts/demo.sh

vm-shell: deps
	bash vm/shell.sh

install:
	PREFIX="$(PREFIX)" DESTDIR="$(DESTDIR)" bash scripts/install.sh

clean:
	rm -rf .build .build-*
