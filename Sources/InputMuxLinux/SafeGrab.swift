import InputMuxCore

extension PhysicalDevice {
    /// Grabs the device only while none of its keys or buttons is down, then drains what
    /// was pending. Grabbing mid-press would hand the release to us alone and leave the
    /// compositor with a key stuck down.
    ///
    /// A key pressed between the check and the grab is caught by checking again after the
    /// grab; then the device is released and the wait goes on. Throws `keysHeld` after
    /// `timeout`.
    ///
    /// The corresponding C functions are `ioctl(EVIOCGKEY)`, `ioctl(EVIOCGRAB)` and `libevdev_next_event`.
    public func grabSafely(timeout: Duration = .seconds(5), pollInterval: Duration = .milliseconds(10)) throws(DeviceError) {
        if isGrabbed { return }
        let start = MonotonicClock.now()
        while true {
            let down = try keysDown()
            if down.isEmpty {
                try grab()
                if try keysDown().isEmpty {
                    drainPending()
                    return
                }
                ungrab()
            }
            if MonotonicClock.now() - start >= timeout {
                throw DeviceError.keysHeld(path: path, keys: (try? keysDown()) ?? down, waited: timeout)
            }
            MonotonicClock.sleep(pollInterval)
        }
    }

    /// Waits, without grabbing, until none of the device's keys or buttons is down or
    /// `timeout` passes; returns whether none is. It sleeps on the device's node between
    /// checks, so a key held for minutes costs a wake-up per event the device sends
    /// (autorepeat included), not a check every few milliseconds. What it reads is
    /// discarded: the device is not grabbed, so every other reader has it too.
    ///
    /// The corresponding C functions are `poll` (`waitReadable`), `libevdev_next_event` and
    /// `ioctl(EVIOCGKEY)`.
    public func waitForKeysReleased(timeout: Duration) throws(DeviceError) -> Bool {
        let deadline = MonotonicClock.now() + timeout
        while true {
            if try keysDown().isEmpty { return true }
            let left = deadline - MonotonicClock.now()
            guard left > .zero else { return false }
            // An unplugged device wakes this too; the next `keysDown` then says it is gone.
            if waitReadable(timeout: left) { drainPending() }
        }
    }

    /// Reads and discards what the kernel queued before the grab: every other reader got
    /// those events already, so forwarding them would deliver them twice.
    func drainPending() {
        let scratch = EventBuffer(capacity: 64)
        _ = try? readFrames(into: scratch) { _ throws(DeviceError) in }
    }
}
