import CInputMuxShim
import InputMuxCore

extension input_event {
    /// A kernel event from the core's value type; the timestamp stays zero because the
    /// kernel stamps what uinput receives.
    @inlinable
    public init(_ e: EvdevEvent) {
        self.init()
        type = e.type
        code = e.code
        value = e.value
    }

    /// The core's value type, without the timestamp.
    @inlinable
    public var evdevEvent: EvdevEvent { EvdevEvent(type: type, code: code, value: value) }

    @inlinable
    var isSynReport: Bool { type == UInt16(EV_SYN) && code == UInt16(SYN_REPORT) }

    /// A key event the kernel's autorepeat made (value 2).
    @inlinable
    var isAutorepeat: Bool { type == UInt16(EV_KEY) && value == 2 }
}
