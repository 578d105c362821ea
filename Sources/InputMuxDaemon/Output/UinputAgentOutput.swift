import Foundation
import InputMuxCore
import InputMuxLinux
import Logging

/// Each session gets its own uinput pointer and keyboard (`inputmux agent NAME#SID …`).
final class UinputAgentOutput: AgentOutput {
    private let desktop: Region
    private let logger: Logger
    private var devices: [SessionID: AgentDevices] = [:]
    /// Devices of sessions that ended during the current engine input.
    private var retiring: [AgentDevices] = []
    private var stopping = false

    init(desktop: Region, logger: Logger) {
        self.desktop = desktop
        self.logger = logger
    }

    func create(_ identity: AgentIdentity) throws -> [String: String] {
        let d = try AgentDevices(name: identity.name, session: identity.session, desktop: desktop)
        devices[identity.session] = d
        return ["pointer": d.pointer.devnode, "keyboard": d.keyboard.devnode]
    }

    func write(_ frame: Frame, to device: DeviceRef) {
        guard let s = device.session, let d = devices[s] else { return }
        do {
            switch device {
            case .agentPointer: try d.pointer.write(frame)
            case .agentKeyboard: try d.keyboard.write(frame)
            case .passthrough: break
            }
        } catch {
            logger.error("writing to agent device failed", metadata: ["session.id": "\(s)", "error": "\(error)"])
        }
    }

    func destroy(_ session: SessionID) {
        if let d = devices.removeValue(forKey: session) { retiring.append(d) }
    }

    /// UI_DEV_DESTROY waits for the kernel to tear the nodes down (about 200 ms per device
    /// on a loaded machine); on the engine thread the waiter's grant and every other
    /// agent's paced frames would wait behind it. The engine wrote the releases before it
    /// asked for the destroy, so the devices go to a short-lived thread of their own.
    func retire() {
        guard !retiring.isEmpty else { return }
        if stopping { return destroyAll() }
        let devices = UncheckedBox(retiring)
        retiring.removeAll()
        Thread { for d in devices.value { d.destroy() } }.start()
    }

    func beginShutdown() { stopping = true }

    func destroyAll() {
        for d in retiring { d.destroy() }
        retiring.removeAll()
        for d in devices.values { d.destroy() }
        devices.removeAll()
    }
}
