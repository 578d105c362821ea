/// Every kernel test, in the order they run.
let allTests: [KernelTest] = [
    KernelTest(name: "discovery-classifies-human-devices", body: DiscoveryTests.classifiesHumanDevices),
    KernelTest(name: "discovery-skips-own-devices", body: DiscoveryTests.skipsOwnDevices),
    KernelTest(name: "clone-keeps-capabilities-ids-and-axes", body: PassthroughTests.cloneKeepsDescription),
    KernelTest(name: "grab-hides-physical-and-clone-carries-frames", body: PassthroughTests.grabAndForward),
    KernelTest(name: "clone-leds-flow-back-to-physical", body: PassthroughTests.ledFeedback),
    KernelTest(name: "safe-grab-waits-for-key-release", body: SafeGrabTests.waitsForRelease),
    KernelTest(name: "wait-for-release-does-not-grab", body: SafeGrabTests.waitsForReleaseWithoutGrabbing),
    KernelTest(name: "hotplug-add-grab-remove-within-a-second", body: HotplugTests.addAndRemove),
    KernelTest(name: "syn-dropped-resync-restores-key-state", body: ResyncTests.floodAndResync),
    KernelTest(name: "agent-devices-read-back-through-evdev", body: AgentDeviceTests.evdevReadback),
    KernelTest(name: "agent-destroy-releases-held-keys", body: AgentDeviceTests.destroyReleases),
    KernelTest(name: "agent-pointer-gets-no-js-node-with-joydev", body: InputMinorTests.agentPointerGetsNoJoystickNode),
    KernelTest(name: "libinput-sees-agent-pointer-and-keyboard", body: LibinputTests.listDevices),
    KernelTest(name: "libinput-reads-agent-motion-clicks-wheel-keys", body: LibinputTests.debugEvents),
    KernelTest(name: "libinput-treats-clone-like-original-touchpad", body: LibinputTests.cloneTouchpad),
    KernelTest(name: "sigkill-releases-grab-and-agent-keys", body: KillTests.sigkillReleases),
    KernelTest(name: "daemon-three-agents-disjoint-regions-human-passes", body: DaemonLeaseTests.threeAgentsInParallel),
    KernelTest(name: "daemon-second-agent-queued-then-granted", body: DaemonLeaseTests.queueThenGrant),
    KernelTest(name: "daemon-operator-status-and-revoke", body: DaemonLeaseTests.operatorStatusAndRevoke),
    KernelTest(name: "daemon-audit-identifies-every-action", body: DaemonAuditTests.auditIdentifiesEveryAction),
    KernelTest(name: "daemon-sensitive-region-needs-approval", body: DaemonLeaseTests.sensitiveNeedsApproval),
    KernelTest(name: "daemon-human-pauses-and-panic-freezes", body: DaemonHumanTests.humanPausesAndPanicFreezes),
    KernelTest(name: "daemon-human-click-blocks-agent-keys", body: DaemonHumanTests.humanClickBlocksKeys),
    KernelTest(name: "daemon-agent-killed-mid-drag", body: DaemonCrashTests.agentKilledMidDrag),
    KernelTest(name: "daemon-hostile-clients", body: DaemonHostileTests.hostileClients),
    KernelTest(name: "daemon-machine-keys-never-reach-the-machine", body: DaemonMachineKeyTests.machineKeysNeverReachTheMachine),
    KernelTest(name: "daemon-lease-flood-capped-status-fits", body: DaemonFloodTests.leaseFloodIsCappedAndStatusNeverDisconnects),
    KernelTest(name: "daemon-killed-and-restarted", body: DaemonCrashTests.daemonKilledAndRestarted),
    KernelTest(name: "daemon-hello-timeout-closes-a-silent-connection", body: DaemonConnectionTests.helloTimeoutClosesASilentConnection),
    KernelTest(name: "daemon-half-open-connections-do-not-lock-out-agents", body: DaemonConnectionTests.halfOpenConnectionsDoNotLockOutAgents),
    KernelTest(name: "daemon-out-of-descriptors-neither-spins-nor-misses-devices", body: DaemonConnectionTests.outOfDescriptorsNeitherSpinsNorMissesDevices),
    KernelTest(name: "daemon-peer-groups-come-from-the-socket", body: DaemonConnectionTests.peerGroupsComeFromTheSocket),
    KernelTest(name: "daemon-caps-lock-light-reaches-physical-keyboard", body: DaemonFeedbackTests.capsLockLightReachesPhysicalKeyboard),
    KernelTest(name: "daemon-device-creation-does-not-stall-paced-gestures", body: DaemonDeviceCreationTests.creationDoesNotStallPacedGestures),
    KernelTest(name: "daemon-plug-in-does-not-stall-the-human", body: DaemonHotplugTests.plugInDoesNotStallTheHuman),
    KernelTest(name: "daemon-key-held-at-plug-in-is-grabbed-once-released", body: DaemonHotplugTests.keyHeldAtPlugInIsGrabbedOnceReleased),
    KernelTest(name: "daemon-key-held-at-start-is-grabbed-once-released", body: DaemonHotplugTests.keyHeldAtStartIsGrabbedOnceReleased),
    KernelTest(name: "daemon-key-held-then-unplugged-ends-the-wait-quietly", body: DaemonHotplugTests.unpluggedWhileAKeyIsHeldEndsTheWaitQuietly),
    KernelTest(name: "daemon-stop-frees-the-human-before-the-agents-devices", body: DaemonShutdownTests.stopFreesTheHumanBeforeTheAgentsDevices),
    KernelTest(name: "client-library-acquire-click-type-queue-revoke-restart", body: ClientLibraryTests.libraryScenario),
    KernelTest(name: "mcp-server-over-stdio-clicks-types-and-queues", body: MCPServerTests.overStdio),
]

/// A small deterministic generator (SplitMix64), so a failing run can be replayed.
struct SplitMix {
    var state: UInt64
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
    mutating func below(_ n: Int) -> Int { Int(next() % UInt64(n)) }
}
