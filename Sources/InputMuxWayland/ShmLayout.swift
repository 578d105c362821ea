import InputMuxImage

/// The `wl_shm` formats a copy may arrive in, and how each becomes a `PixelImage`
/// (always `.xrgb8888`: B, G, R, X in memory, as the X11 source gives).
enum ShmLayout {
    /// `WL_SHM_FORMAT_ARGB8888` (0) and `XRGB8888` (1): B, G, R, A/X in memory already.
    case bgrx
    /// `WL_SHM_FORMAT_ABGR8888` and `XBGR8888` (fourcc `AB24`, `XB24`): R, G, B, A/X.
    case rgbx

    init?(_ format: UInt32) {
        switch format {
        case 0, 1: self = .bgrx
        case 0x3432_4241, 0x3432_4258: self = .rgbx
        default: return nil
        }
    }

    /// The rows at `memory`, top row first (`bottomUp`: the copy holds them the other way).
    func image(from memory: UnsafeRawPointer, width: Int, height: Int, stride rowStride: Int, bottomUp: Bool) -> PixelImage {
        let rowBytes = width * 4
        let bytes = [UInt8](unsafeUninitializedCapacity: rowBytes * height) { out, count in
            let base = out.baseAddress!
            for row in 0..<height {
                let from = memory + (bottomUp ? height - 1 - row : row) * rowStride
                let to = base + row * rowBytes
                switch self {
                case .bgrx:
                    UnsafeMutableRawPointer(to).copyMemory(from: from, byteCount: rowBytes)
                case .rgbx:
                    let src = from.assumingMemoryBound(to: UInt8.self)
                    for i in stride(from: 0, to: rowBytes, by: 4) {
                        to[i] = src[i + 2]; to[i + 1] = src[i + 1]; to[i + 2] = src[i]; to[i + 3] = 255
                    }
                }
            }
            count = rowBytes * height
        }
        return PixelImage(width: width, height: height, format: .xrgb8888, bytes: bytes)
    }
}
