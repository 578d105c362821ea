// swift-tools-version: 6.0
// InputMux: a Linux input multiplexer that lets agents and a human share one desktop.
import PackageDescription

let package = Package(
    name: "InputMux",
    products: [
        .library(name: "InputMuxCore", targets: ["InputMuxCore"]),
        .library(name: "InputMuxLinux", targets: ["InputMuxLinux"]),
        .library(name: "InputMuxKeymap", targets: ["InputMuxKeymap"]),
        .library(name: "InputMuxX11", targets: ["InputMuxX11"]),
        .library(name: "InputMuxSway", targets: ["InputMuxSway"]),
        // The client library and the protocol module its public API speaks in (`JSON`,
        // `ReasonCode`, `GestureAction`): agents `import InputMuxClient`, and also
        // `import InputMuxWire` when they name those types (docs/CLIENT.md).
        .library(name: "InputMuxClient", targets: ["InputMuxClient", "InputMuxWire"]),
        .library(name: "InputMuxMCP", targets: ["InputMuxMCP"]),
        .executable(name: "inputmuxd", targets: ["inputmuxd"]),
        .executable(name: "muxbench", targets: ["muxbench"]),
        .executable(name: "muxctl", targets: ["muxctl"]),
        .executable(name: "inputmux-mcp", targets: ["inputmux-mcp"]),
        .executable(name: "muxkerneltests", targets: ["KernelSuite"]),
        .executable(name: "muxfuzz", targets: ["muxfuzz"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-system", from: "1.8.1"),
        .package(url: "https://github.com/apple/swift-crypto", from: "3.12.3"),
        .package(url: "https://github.com/LebJe/TOMLKit", from: "0.6.0"),
        .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle", from: "2.13.0"),
        .package(url: "https://github.com/modelcontextprotocol/swift-sdk", from: "0.12.1"),
        .package(url: "https://github.com/swiftlang/swift-subprocess", from: "1.0.2"),
    ],
    targets: [
        // The protocol's vocabulary (docs/PROTOCOL.md), in one place: the JSON document and
        // its codec (also the audit log's canonical form), typed field access, the reason
        // codes, request types, gesture actions, event kinds and key spellings. The core, the
        // daemon, the client library and muxctl's exit statuses all read it. No Foundation.
        .target(name: "InputMuxWire"),

        // Pure core: the lease/gate/gesture engine. No Glibc, no I/O, no clock.
        .target(
            name: "InputMuxCore",
            dependencies: ["InputMuxWire", .product(name: "Crypto", package: "swift-crypto")]
        ),

        // C shim: ioctl request numbers and function-like macros Swift cannot reach.
        .target(name: "CInputMuxShim"),
        // Allocation counter (malloc interposer) linked into muxbench only, to prove the
        // passthrough hot path allocates nothing.
        .target(name: "CMallocCounter"),
        // C libraries, through pkg-config.
        .systemLibrary(
            name: "CLibevdev", pkgConfig: "libevdev",
            providers: [.apt(["libevdev-dev"])]
        ),
        .systemLibrary(
            name: "CLibudev", pkgConfig: "libudev",
            providers: [.apt(["libudev-dev"])]
        ),

        .systemLibrary(
            name: "CXKBCommon", pkgConfig: "xkbcommon",
            providers: [.apt(["libxkbcommon-dev", "xkb-data"])]
        ),

        // The X11 adapter's libraries: Xlib, XTest (injection), RandR (desktop geometry),
        // XInput2 (raw events, to see other XTest clients).
        .systemLibrary(name: "CX11", pkgConfig: "x11", providers: [.apt(["libx11-dev"])]),
        .systemLibrary(name: "CXtst", pkgConfig: "xtst", providers: [.apt(["libxtst-dev"])]),
        .systemLibrary(name: "CXrandr", pkgConfig: "xrandr", providers: [.apt(["libxrandr-dev"])]),
        .systemLibrary(name: "CXi", pkgConfig: "xi", providers: [.apt(["libxi-dev"])]),
        // What agents are shown (DESIGN §5b): MIT-SHM (Xext) for the root window,
        // XComposite for a window's own contents, XDamage for settling, XFixes for the cursor.
        .systemLibrary(name: "CXext", pkgConfig: "xext", providers: [.apt(["libxext-dev"])]),
        .systemLibrary(name: "CXcomposite", pkgConfig: "xcomposite", providers: [.apt(["libxcomposite-dev"])]),
        .systemLibrary(name: "CXdamage", pkgConfig: "xdamage", providers: [.apt(["libxdamage-dev"])]),
        .systemLibrary(name: "CXfixes", pkgConfig: "xfixes", providers: [.apt(["libxfixes-dev"])]),
        // Images an agent is shown: PNG through libpng (docs/DESIGN.md §5b).
        .systemLibrary(name: "CPNG", pkgConfig: "libpng", providers: [.apt(["libpng-dev"])]),
        // Scaling (pixman's filters, SIMD) and JPEG (libturbojpeg).
        .systemLibrary(name: "CPixman", pkgConfig: "pixman-1", providers: [.apt(["libpixman-1-dev"])]),
        .systemLibrary(name: "CTurboJPEG", pkgConfig: "libturbojpeg", providers: [.apt(["libturbojpeg0-dev"])]),
        .target(name: "InputMuxImage", dependencies: ["CPNG", "CPixman", "CTurboJPEG"]),
        // Sight (DESIGN §5b): the capture-source interface and settling; X11 is one source.
        .target(name: "InputMuxSight", dependencies: ["InputMuxCore", "InputMuxWire", "InputMuxImage", .product(name: "Crypto", package: "swift-crypto")]),
        // X11: display connection, RandR geometry, window lookup and tracking, focus,
        // XTest injection, the foreign-injection watch. One owner thread per connection.
        .target(name: "InputMuxX11", dependencies: ["InputMuxCore", "InputMuxImage", "InputMuxSight", "CX11", "CXtst", "CXrandr", "CXi",
                                                 "CXext", "CXcomposite", "CXdamage", "CXfixes", "CInputMuxSys"]),

        // sway's IPC (sway-ipc(7)) over its Unix socket: requests, events, the window tree,
        // outputs, seats and inputs, typed commands, and where the socket is. No daemon code.
        .target(name: "InputMuxSway", dependencies: ["InputMuxCore", "InputMuxWire", "InputMuxSystem"]),

        // Wayland (wlroots compositors such as sway): libwayland-client, and the C glue
        // wayland-scanner generates for wlr-screencopy and xdg-output
        // (scripts/wayland-protocols.sh writes it; committed, checked by a test).
        .systemLibrary(name: "CWayland", pkgConfig: "wayland-client", providers: [.apt(["libwayland-dev"])]),
        .target(name: "CWaylandProtocols", dependencies: ["CWayland"]),
        // What agents are shown on a wlroots compositor: wlr-screencopy behind CaptureSource.
        .target(name: "InputMuxWayland", dependencies: ["InputMuxCore", "InputMuxImage", "InputMuxSight", "CWayland", "CWaylandProtocols", "CInputMuxSys"]),

        // Text through the real keymap: libxkbcommon's reverse map character → key + modifiers.
        .target(name: "InputMuxKeymap", dependencies: ["InputMuxCore", "CXKBCommon"]),

        // Linux I/O: evdev, uinput, udev discovery, grabs, passthrough clones, agent devices.
        .target(
            name: "InputMuxLinux",
            dependencies: [
                "InputMuxCore", "InputMuxSystem", "CInputMuxShim", "CLibevdev", "CLibudev",
                .product(name: "SystemPackage", package: "swift-system"),
            ]
        ),

        // Test doubles shared by tests and benchmarks (a US keymap, a seeded RNG, the
        // random model). Never a dependency of the daemon.
        .target(name: "InputMuxTestSupport", dependencies: ["InputMuxCore"]),

        // The configuration file (`inputmux.toml`): its settings and policy rules, read and
        // validated. No device, X11 or systemd library: muxctl reads it too.
        .target(
            name: "InputMuxConfiguration",
            dependencies: ["InputMuxCore", "InputMuxWire", .product(name: "TOMLKit", package: "TOMLKit")]
        ),
        // The hash-chained audit log on disk: the daemon's writer, and the reader and
        // verifier `muxctl audit` uses. No device, X11 or systemd library either.
        .target(
            name: "InputMuxAudit",
            dependencies: [
                "InputMuxCore", "InputMuxWire", "InputMuxConfiguration", "InputMuxSystem",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "SystemPackage", package: "swift-system"),
            ]
        ),

        // The daemon's logic: policy at run time, wire protocol, sockets, devices, X11, sway.
        .target(
            name: "InputMuxDaemon",
            dependencies: [
                "InputMuxCore", "InputMuxWire", "InputMuxConfiguration", "InputMuxAudit", "InputMuxLinux", "InputMuxKeymap", "InputMuxX11", "InputMuxSway", "InputMuxWayland",
                "InputMuxSight", "InputMuxImage",
                "CInputMuxSys", "InputMuxSystem", "CLibevdev", "CSystemd",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "SystemPackage", package: "swift-system"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ]
        ),
        // GNU system calls the Glibc module hides (SO_PEERCRED, accept4, ppoll, eventfd).
        .target(name: "CInputMuxSys"),
        // The one system-call layer: Unix sockets (connect, listen, accept; a path too long
        // for sockaddr_un is refused, never cut), a bounded line reader, and swift-system's
        // FileDescriptor for every read and write (EINTR retried there, not by hand).
        // Glibc, SystemPackage and CInputMuxSys (accept4) only, no Foundation: the client
        // library and muxctl link it.
        .target(
            name: "InputMuxSystem",
            dependencies: ["CInputMuxSys", .product(name: "SystemPackage", package: "swift-system")]
        ),
        // Child processes for tests and benchmarks (the kernel suite, the X11 tests,
        // muxbench), on swift-subprocess: spawn, capture, wait with a deadline, stop, and
        // start-and-wait-until-ready for inputmuxd and Xvfb. Never a dependency of what ships
        // (swift-subprocess's default trait links Foundation).
        .target(
            name: "InputMuxHarness",
            dependencies: [
                "InputMuxSystem",
                .product(name: "Subprocess", package: "swift-subprocess"),
                .product(name: "SystemPackage", package: "swift-system"),
            ]
        ),
        .systemLibrary(
            name: "CSystemd", pkgConfig: "libsystemd",
            providers: [.apt(["libsystemd-dev"])]
        ),

        // inputmuxd: the root service. Thin: parses arguments, bootstraps logging, runs the daemon.
        .executableTarget(
            name: "inputmuxd",
            dependencies: [
                "InputMuxDaemon",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ]
        ),

        // What a muxctl command needs to hand its command line to a lease holder: exit
        // statuses, the CLI's error, the holder's socket and its line protocol.
        .target(name: "InputMuxRelay", dependencies: ["InputMuxWire", "InputMuxSystem"]),
        // muxctl's logic: gesture script, status tables, doctor checks over injected
        // probes, audit views, the lease holder. The executable only wires commands to it.
        // It links no device, X11 or systemd library: what needs one (key names, the keymap)
        // doctor asks `inputmuxd --check`.
        .target(name: "InputMuxCLI", dependencies: ["InputMuxRelay", "InputMuxSystem", "InputMuxWire", "InputMuxCore", "InputMuxConfiguration", "InputMuxAudit", "InputMuxClient"]),
        // `muxctl`: operator and agent verbs, doctor, audit (one file per subcommand). A
        // gesture of an agent with a lease holder goes to the holder before anything is
        // parsed (docs/MUXCTL.md, "Cost per command").
        .executableTarget(
            name: "muxctl",
            dependencies: [
                "InputMuxCLI", "InputMuxRelay", "InputMuxAudit", "InputMuxClient", "InputMuxWire",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),

        // Benchmarks that print tables (`swift run -c release muxbench core`).
        .executableTarget(
            name: "muxbench",
            dependencies: [
                "InputMuxCore", "InputMuxLinux", "InputMuxDaemon", "InputMuxTestSupport", "CMallocCounter", "CX11",
                "InputMuxSystem", "InputMuxHarness", "InputMuxImage", "InputMuxSight", "InputMuxX11",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "SystemPackage", package: "swift-system"),
            ]
        ),

        // Coverage-guided fuzz targets (scripts/fuzz.sh builds them with libFuzzer); built
        // as usual, the same binary replays a corpus (docs/FUZZING.md).
        .executableTarget(
            name: "muxfuzz",
            dependencies: ["InputMuxWire", "InputMuxCore", "InputMuxDaemon", "InputMuxKeymap", "InputMuxTestSupport", "CFuzzerDriver"]
        ),
        // libFuzzer's driver entry, declared for muxfuzz's fuzz build.
        .target(name: "CFuzzerDriver"),

        // The client library agents link: the wire protocol over the agent and control
        // sockets, leases as objects, coordinate scaling and key names. Depends on no
        // daemon code, so an agent process carries none of it. Crypto checks a capture's
        // SHA-256 against the bytes received.
        .target(name: "InputMuxClient", dependencies: ["InputMuxWire", "InputMuxSystem", .product(name: "Crypto", package: "swift-crypto")]),

        // The MCP server's logic: computer-use tools over InputMuxClient.
        .target(
            name: "InputMuxMCP",
            dependencies: [
                "InputMuxClient", "InputMuxWire",
                .product(name: "MCP", package: "swift-sdk"),
            ]
        ),
        // `inputmux-mcp`: the MCP server over stdio, a program of its own so that muxctl
        // does not link the MCP SDK and Foundation's networking library (which brings
        // libcurl; docs/MCP.md, "Linking note").
        .executableTarget(
            name: "inputmux-mcp",
            dependencies: [
                "InputMuxMCP", "InputMuxClient", "InputMuxCLI", "InputMuxWire",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),

        // Host tests of the pure core (Swift Testing, virtual clock).
        .testTarget(name: "InputMuxCoreTests", dependencies: ["InputMuxCore", "InputMuxWire", "InputMuxTestSupport"]),
        .testTarget(name: "InputMuxKeymapTests", dependencies: ["InputMuxKeymap"]),
        .testTarget(name: "InputMuxImageTests", dependencies: ["InputMuxImage"]),
        .testTarget(name: "InputMuxSightTests", dependencies: ["InputMuxSight", "InputMuxCore", "InputMuxImage"]),
        // Fixtures shared by the audit log's tests and the daemon's audit writer's. Never shipped.
        .target(name: "InputMuxAuditTestSupport", dependencies: ["InputMuxCore", "InputMuxConfiguration"]),
        .testTarget(name: "InputMuxAuditTests", dependencies: ["InputMuxAudit", "InputMuxAuditTestSupport", "InputMuxConfiguration", "InputMuxCore",
                                                                .product(name: "Logging", package: "swift-log")]),
        .testTarget(name: "InputMuxConfigurationTests", dependencies: ["InputMuxConfiguration", "InputMuxCore"]),
        .testTarget(name: "InputMuxLinuxTests", dependencies: ["InputMuxLinux"]),
        .testTarget(name: "InputMuxDaemonTests", dependencies: ["InputMuxDaemon", "InputMuxWire", "InputMuxConfiguration", "InputMuxAudit", "InputMuxAuditTestSupport"]),
        .testTarget(name: "InputMuxCLITests", dependencies: ["InputMuxCLI", "InputMuxClient", "InputMuxWire", "InputMuxConfiguration", "InputMuxAudit",
                                                          "InputMuxDaemon", "InputMuxCore", "InputMuxTestSupport"]),
        .testTarget(name: "MuxctlTests", dependencies: ["muxctl", "InputMuxCLI", "InputMuxRelay", "InputMuxSystem", "InputMuxClient", "InputMuxWire", "InputMuxClientTestSupport",
                                                        .product(name: "ArgumentParser", package: "swift-argument-parser")]),
        // A fake inputmuxd on a real Unix socket, for host tests of clients. Never shipped.
        .target(name: "InputMuxClientTestSupport", dependencies: ["InputMuxClient", "InputMuxWire", "InputMuxSystem", "InputMuxImage"]),
        .testTarget(name: "InputMuxClientTests", dependencies: ["InputMuxClient", "InputMuxWire", "InputMuxClientTestSupport"]),
        // The protocol's two sides held together: every request the client library writes
        // through the daemon's decoder, every reply and event the daemon writes through
        // the client's, enumerated from InputMuxWire's tables.
        .testTarget(name: "ProtocolContractTests", dependencies: ["InputMuxClient", "InputMuxDaemon", "InputMuxConfiguration", "InputMuxCore", "InputMuxKeymap", "InputMuxWire",
                                                                 .product(name: "Crypto", package: "swift-crypto")]),
        .testTarget(
            name: "InputMuxMCPTests",
            dependencies: [
                "InputMuxMCP", "InputMuxClient", "InputMuxWire", "InputMuxClientTestSupport", "inputmux-mcp",
                .product(name: "MCP", package: "swift-sdk"),
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),
        // Under Xvfb with real X clients: the X11 library, and inputmuxd in XTest mode.
        // Also sight through the client library and the MCP server on the real daemon.
        .testTarget(name: "InputMuxX11Tests", dependencies: ["InputMuxX11", "InputMuxCore", "InputMuxSight", "InputMuxImage", "CX11", "CXtst",
                                                       "InputMuxHarness", "InputMuxSystem", .product(name: "Crypto", package: "swift-crypto"),
                                                       "InputMuxClient", "InputMuxWire", "InputMuxMCP", .product(name: "MCP", package: "swift-sdk")],
                    resources: [.copy("Fixtures")]),

        // Under a real headless sway (started as an unprivileged user) with foot windows.
        .testTarget(name: "InputMuxSwayTests", dependencies: ["InputMuxSway", "InputMuxCore", "InputMuxWire", "InputMuxSystem", "InputMuxHarness", "InputMuxDaemon",
                                                        .product(name: "SystemPackage", package: "swift-system")],
                    resources: [.copy("Fixtures")]),

        // Under a real headless sway (pixman renderer) with real Wayland clients (foot)
        // and grim as the reference: the wlr-screencopy capture source, and window leases'
        // captures through it with the daemon's sway window locator.
        .testTarget(name: "InputMuxWaylandTests", dependencies: ["InputMuxWayland", "InputMuxSight", "InputMuxCore", "InputMuxImage",
                                                             "InputMuxHarness", "InputMuxSystem", "InputMuxSway", "InputMuxDaemon"]),

        // The system-call layer and the process harness, on the host.
        .testTarget(name: "InputMuxSystemTests", dependencies: ["InputMuxSystem", .product(name: "SystemPackage", package: "swift-system")]),
        .testTarget(name: "InputMuxHarnessTests", dependencies: ["InputMuxHarness", .product(name: "SystemPackage", package: "swift-system")]),

        // The kernel suite: runs inside the QEMU guest against a real kernel (vm/).
        .executableTarget(
            name: "KernelSuite",
            dependencies: [
                "InputMuxCore", "InputMuxLinux", "InputMuxClient", "InputMuxWire", "InputMuxSystem", "InputMuxHarness",
                .product(name: "SystemPackage", package: "swift-system"),
            ],
            path: "Tests/KernelSuite"
        ),
    ],
    swiftLanguageModes: [.v6]
)
