#include <png.h>
#include <setjmp.h>
#include <string.h>

/* PNG_FORMAT_RGBA is a macro built from other macros, which Swift does not import. */
static const png_uint_32 inputmux_png_format_rgba = PNG_FORMAT_RGBA;

/* PNG_IMAGE_PNG_SIZE_MAX is a macro: the most bytes the simplified API writes for `image`. */
static inline png_alloc_size_t inputmux_png_size_max(const png_image *image) {
    return PNG_IMAGE_PNG_SIZE_MAX(*image);
}

/* libpng's regular write API reports errors by longjmp, which Swift cannot catch: these
   functions keep the setjmp on the C side. They write an opaque 8-bit RGB PNG from rows
   of 4-byte pixels (R,G,B,X, or B,G,R,X when `bgr`), dropping the fourth byte, with a
   chosen zlib level and no row filter: the simplified API offers neither. */

/* The most bytes inputmux_png_write_opaque can write for a width x height image. */
static inline size_t inputmux_png_opaque_bound(size_t width, size_t height) {
    size_t data = height * (1 + width * 3);               /* filter byte + RGB a row */
    size_t zlib = PNG_ZLIB_MAX_SIZE(data);                /* deflate's worst case */
    return 8 + 25 + 12 + zlib + 12 * (zlib / 8192 + 1) + 1024; /* signature, IHDR, IEND, IDAT headers, slack */
}

struct inputmux_png_sink { unsigned char *out; size_t capacity, written; char message[200]; jmp_buf jump; };

static void inputmux_png_error(png_structp png, png_const_charp message) {
    struct inputmux_png_sink *sink = (struct inputmux_png_sink *)png_get_error_ptr(png);
    strncpy(sink->message, message ? message : "error", sizeof sink->message - 1);
    longjmp(sink->jump, 1);
}

static void inputmux_png_warning(png_structp png, png_const_charp message) { (void)png; (void)message; }

static void inputmux_png_sink_write(png_structp png, png_bytep data, size_t length) {
    struct inputmux_png_sink *sink = (struct inputmux_png_sink *)png_get_io_ptr(png);
    if (length > sink->capacity - sink->written) png_error(png, "output buffer too small");
    memcpy(sink->out + sink->written, data, length);
    sink->written += length;
}

static void inputmux_png_sink_flush(png_structp png) { (void)png; }

/* Returns the bytes written into out[0..<capacity], or 0 with `message` filled. */
static inline size_t inputmux_png_write_opaque(const unsigned char *pixels, png_uint_32 width, png_uint_32 height,
                                               size_t stride, int bgr, int level,
                                               unsigned char *out, size_t capacity, char message[200]) {
    struct inputmux_png_sink sink;
    memset(&sink, 0, sizeof sink);
    sink.out = out; sink.capacity = capacity;
    png_structp png = png_create_write_struct(PNG_LIBPNG_VER_STRING, &sink, inputmux_png_error, inputmux_png_warning);
    if (!png) { strcpy(message, "could not start a writer"); return 0; }
    png_infop info = png_create_info_struct(png);
    if (!info || setjmp(sink.jump)) {
        if (!info) strcpy(sink.message, "could not start a writer");
        png_destroy_write_struct(&png, info ? &info : NULL);
        memcpy(message, sink.message, sizeof sink.message);
        return 0;
    }
    png_set_write_fn(png, &sink, inputmux_png_sink_write, inputmux_png_sink_flush);
    png_set_IHDR(png, info, width, height, 8, PNG_COLOR_TYPE_RGB, PNG_INTERLACE_NONE,
                 PNG_COMPRESSION_TYPE_DEFAULT, PNG_FILTER_TYPE_DEFAULT);
    png_set_compression_level(png, level);
    png_set_filter(png, PNG_FILTER_TYPE_BASE, PNG_FILTER_NONE);
    png_write_info(png, info);
    png_set_filler(png, 0, PNG_FILLER_AFTER);
    if (bgr) png_set_bgr(png);
    for (png_uint_32 y = 0; y < height; y++) png_write_row(png, pixels + (size_t)y * stride);
    png_write_end(png, info);
    png_destroy_write_struct(&png, &info);
    return sink.written;
}
