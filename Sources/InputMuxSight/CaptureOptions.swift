import InputMuxWire

/// What a capture request asks for beyond what the engine decides (which lease, which
/// rectangle): the image's size, format, delivery and settling.
public struct CaptureOptions: Hashable, Sendable {
    /// Fit the image into this box, keeping the aspect ratio; nil: one image pixel per
    /// desktop pixel.
    public var box: (width: Int, height: Int)? {
        get { boxWidth.map { ($0, boxHeight ?? $0) } }
        set { boxWidth = newValue?.width; boxHeight = newValue?.height }
    }
    private var boxWidth: Int?
    private var boxHeight: Int?
    public var format: ImageFormat
    /// JPEG quality, 1–100.
    public var quality: Int
    public var delivery: CaptureDelivery
    /// Wait for the area to settle first; nil: capture at once.
    public var settle: SettleRule?

    public init(box: (width: Int, height: Int)? = nil, format: ImageFormat = .png, quality: Int = 80,
                delivery: CaptureDelivery = .inline, settle: SettleRule? = nil) {
        self.format = format; self.quality = quality; self.delivery = delivery; self.settle = settle
        self.box = box
    }

    /// The largest image side a capture may ask for.
    public static let maximumSide = 8192
    public static let qualityRange = 1...100
}
