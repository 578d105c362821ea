/// How InputMux marks the devices it creates, so that it never grabs or clones its own
/// output (which would feed the daemon's output back into itself).
///
/// Three independent marks, any one of which makes discovery skip a device:
/// - the `phys` prefix `inputmux/` (clones keep the original's ids, so this is their main mark);
/// - the reserved ids below, on agent devices;
/// - the udev property `INPUTMUX_VIRTUAL=1`, set by InputMux's udev rules from the first two.
public enum ReservedIdentity {
    /// `BUS_VIRTUAL`: agent devices are not on any real bus.
    public static let bustype: UInt16 = 0x06
    /// Vendor 0x1209 is the pid.codes vendor id for open-source projects; the products
    /// below sit in a block InputMux uses for its virtual devices only.
    public static let vendor: UInt16 = 0x1209
    /// Product of an agent's absolute pointer.
    public static let agentPointerProduct: UInt16 = 0x1A01
    /// Product of an agent's keyboard.
    public static let agentKeyboardProduct: UInt16 = 0x1A02
    /// The products InputMux reserves under `vendor`.
    public static let products: ClosedRange<UInt16> = 0x1A00...0x1A0F

    /// Every `phys` InputMux sets starts with this.
    public static let physPrefix = "inputmux/"
    /// The udev property InputMux's rules set on its own devices.
    public static let udevProperty = "INPUTMUX_VIRTUAL"

    /// `phys` of the clone of a physical device whose `phys` is `original`.
    public static func clonePhys(of original: String) -> String {
        "inputmux/clone/" + (original.isEmpty ? "unknown" : original)
    }

    /// `phys` of an agent's device, e.g. `inputmux/agent/7/pointer`.
    public static func agentPhys(session: UInt32, role: String) -> String {
        "inputmux/agent/\(session)/\(role)"
    }

    /// Whether the ids are InputMux's reserved pair.
    public static func isReserved(vendor: UInt16, product: UInt16) -> Bool {
        vendor == self.vendor && products.contains(product)
    }
}
