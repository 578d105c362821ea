import CLibudev
import Glibc

/// An input event node as discovery found it.
public struct DiscoveredDevice: Hashable, Sendable, CustomStringConvertible {
    public var devnode: String
    public var syspath: String
    public var name: String
    public var phys: String
    public var identity: DeviceIdentity
    public var classes: DeviceClasses
    /// Why InputMux leaves this device alone, when it is one of InputMux's own.
    public var ownMark: OwnMark?

    /// Whether the daemon should grab and clone it: a human device that is not ours.
    public var isHumanInput: Bool { ownMark == nil && !classes.isEmpty }

    public var description: String {
        "\(devnode) \"\(name)\" phys=\(phys) \(identity) [\(classes)]" + (ownMark.map { " (ours: \($0))" } ?? "")
    }
}

/// The mark by which a device was recognised as InputMux's own.
public enum OwnMark: String, Hashable, Sendable {
    case reservedIdentity = "reserved vendor/product"
    case physPrefix = "phys prefix inputmux/"
    case udevProperty = "udev property INPUTMUX_VIRTUAL=1"
}

/// Finds input event nodes with libudev and says what each one is.
public final class DeviceDiscovery {
    let udev: Udev

    public init() throws(DeviceError) { udev = try Udev() }

    /// Every `/dev/input/eventN` in the `input` subsystem, classified. Nodes that vanish or
    /// cannot be opened while scanning are left out (they are reported by hotplug or by a
    /// later grab with a proper error).
    ///
    /// The corresponding C functions are `udev_enumerate_add_match_subsystem` and `udev_enumerate_scan_devices`.
    public func scan() throws(DeviceError) -> [DiscoveredDevice] {
        guard let enumerate = udev_enumerate_new(udev.handle) else { throw DeviceError.udev("udev_enumerate_new failed") }
        defer { udev_enumerate_unref(enumerate) }
        udev_enumerate_add_match_subsystem(enumerate, "input")
        udev_enumerate_add_match_sysname(enumerate, "event*")
        if udev_enumerate_scan_devices(enumerate) < 0 { throw DeviceError.udev("scanning the input subsystem failed") }
        var syspaths: [String] = []
        var entry = udev_enumerate_get_list_entry(enumerate)
        while let e = entry {
            if let name = udev_list_entry_get_name(e) { syspaths.append(String(cString: name)) }
            entry = udev_list_entry_get_next(e)
        }
        return syspaths.compactMap { try? inspect(syspath: $0) }.sorted { $0.devnode.localizedNumericLess($1.devnode) }
    }

    /// Classifies one event node given its sysfs path.
    public func inspect(syspath: String) throws(DeviceError) -> DiscoveredDevice {
        guard let record = udev.device(syspath: syspath), let devnode = record.devnode else {
            throw DeviceError.notFound(path: syspath)
        }
        let marked = record.property(ReservedIdentity.udevProperty) == "1"
        return try inspect(devnode: devnode, syspath: syspath, udevMarked: marked)
    }

    /// Classifies one event node by opening it and reading its capabilities.
    public func inspect(devnode: String, syspath: String = "", udevMarked: Bool = false) throws(DeviceError) -> DiscoveredDevice {
        let device = try PhysicalDevice(path: devnode)
        defer { device.close() }
        var udevMarked = udevMarked
        if !udevMarked, !syspath.isEmpty, let record = udev.device(syspath: syspath), record.isInitialized {
            // A kernel hotplug event carries no udev properties; udevd may have written them by now.
            udevMarked = record.property(ReservedIdentity.udevProperty) == "1"
        }
        let mark: OwnMark?
        if device.phys.hasPrefix(ReservedIdentity.physPrefix) {
            mark = .physPrefix
        } else if ReservedIdentity.isReserved(vendor: device.identity.vendor, product: device.identity.product) {
            mark = .reservedIdentity
        } else if udevMarked {
            mark = .udevProperty
        } else {
            mark = nil
        }
        return DiscoveredDevice(devnode: devnode, syspath: syspath, name: device.name, phys: device.phys,
                                identity: device.identity, classes: device.classes, ownMark: mark)
    }
}

extension String {
    /// `event2` before `event10`.
    func localizedNumericLess(_ other: String) -> Bool {
        let a = Int(self.filter(\.isNumber)) ?? 0, b = Int(other.filter(\.isNumber)) ?? 0
        return a != b ? a < b : self < other
    }
}
