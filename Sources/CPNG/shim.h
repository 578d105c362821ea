#include <png.h>
#include <pthread.h>
#include <setjmp.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>

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

/* The body of an 8-bit RGB PNG, written once libpng has its IHDR: the rest of the file. It
   may call png_error (the writer longjmps back). */
typedef void (*inputmux_png_body)(png_structp png, png_infop info, const void *context);

/* Writes a width x height 8-bit RGB PNG into out[0..<capacity]: libpng's writer with its
   errors kept on the C side (setjmp here), the IHDR set, then `body`. Returns the bytes
   written, or 0 with `message` filled. */
static inline size_t inputmux_png_write_rgb(png_uint_32 width, png_uint_32 height, inputmux_png_body body,
                                            const void *context, unsigned char *out, size_t capacity, char message[200]) {
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
    body(png, info, context);
    png_destroy_write_struct(&png, &info);
    return sink.written;
}

struct inputmux_png_rows { const unsigned char *pixels; png_uint_32 height; size_t stride; int bgr, level; };

static void inputmux_png_write_rows(png_structp png, png_infop info, const void *context) {
    const struct inputmux_png_rows *r = (const struct inputmux_png_rows *)context;
    png_set_compression_level(png, r->level);
    png_set_filter(png, PNG_FILTER_TYPE_BASE, PNG_FILTER_NONE);
    png_write_info(png, info);
    png_set_filler(png, 0, PNG_FILLER_AFTER);
    if (r->bgr) png_set_bgr(png);
    for (png_uint_32 y = 0; y < r->height; y++) png_write_row(png, r->pixels + (size_t)y * r->stride);
    png_write_end(png, info);
}

/* Returns the bytes written into out[0..<capacity], or 0 with `message` filled. */
static inline size_t inputmux_png_write_opaque(const unsigned char *pixels, png_uint_32 width, png_uint_32 height,
                                               size_t stride, int bgr, int level,
                                               unsigned char *out, size_t capacity, char message[200]) {
    struct inputmux_png_rows rows = { pixels, height, stride, bgr, level };
    return inputmux_png_write_rgb(width, height, inputmux_png_write_rows, &rows, out, capacity, message);
}

/* An opaque PNG's image data compressed in parts, side by side (the way pigz splits a zlib
   stream): each part is rows [y0, y1) as PNG scanlines (filter byte 0, then R,G,B)
   deflated on their own at `level`, ending on a byte boundary with a sync flush, the last
   part finishing the stream. The parts laid end to end are one deflate stream.
   inputmux_png_part_bound is the most bytes a part of `rows` rows can take. */
static inline size_t inputmux_png_part_bound(size_t width, size_t rows) {
    return compressBound((uLong)(rows * (1 + width * 3))) + 64;
}

/* Writes part [y0, y1) into out[0..<capacity]; returns its length (0 on failure) and the
   Adler-32 and length of its uncompressed scanlines in *adler and *raw_length. */
static inline size_t inputmux_png_deflate_part(const unsigned char *pixels, size_t stride, png_uint_32 width,
                                               png_uint_32 y0, png_uint_32 y1, int bgr, int level, int last,
                                               unsigned char *out, size_t capacity, uLong *adler, size_t *raw_length) {
    size_t row = 1 + (size_t)width * 3, n = row * (y1 - y0);
    unsigned char *raw = malloc(n ? n : 1);
    if (!raw) return 0;
    for (png_uint_32 y = y0; y < y1; y++) {
        const unsigned char *s = pixels + (size_t)y * stride;
        unsigned char *d = raw + row * (y - y0);
        *d++ = 0;
        for (png_uint_32 x = 0; x < width; x++, s += 4, d += 3) {
            d[0] = bgr ? s[2] : s[0]; d[1] = s[1]; d[2] = bgr ? s[0] : s[2];
        }
    }
    *adler = adler32(adler32(0L, Z_NULL, 0), raw, (uInt)n);
    *raw_length = n;
    z_stream z;
    memset(&z, 0, sizeof z);
    if (deflateInit2(&z, level, Z_DEFLATED, -15, 8, Z_DEFAULT_STRATEGY) != Z_OK) { free(raw); return 0; }
    z.next_in = raw; z.avail_in = (uInt)n;
    z.next_out = out; z.avail_out = (uInt)capacity;
    int rc = deflate(&z, last ? Z_FINISH : Z_SYNC_FLUSH);
    size_t written = capacity - z.avail_out;
    int done = last ? rc == Z_STREAM_END : (rc == Z_OK && z.avail_in == 0 && z.avail_out > 0);
    deflateEnd(&z);
    free(raw);
    return done ? written : 0;
}

/* The PNG file of a width x height 8-bit RGB image whose deflated data is `parts` (from
   inputmux_png_deflate_part, in row order) with the Adler-32 `adler` of all its scanlines:
   the signature and IHDR through libpng, one IDAT holding the zlib stream (header, the
   parts, the checksum), IEND. Returns the bytes written, or 0 with `message` filled. */
struct inputmux_png_idat { int level; const unsigned char *const *parts; const size_t *lengths; size_t count; uLong adler; };

static void inputmux_png_write_idat(png_structp png, png_infop info, const void *context) {
    const struct inputmux_png_idat *d = (const struct inputmux_png_idat *)context;
    png_write_info(png, info);
    /* The zlib header: deflate with a 32K window (0x78), FLEVEL from the level, FCHECK so
       that the 16-bit value is a multiple of 31. */
    unsigned char header[2] = { 0x78, (unsigned char)((d->level <= 1 ? 0 : d->level <= 5 ? 1 : d->level == 6 ? 2 : 3) << 6) };
    header[1] |= (unsigned char)(31 - ((header[0] * 256 + header[1]) % 31));
    unsigned char trailer[4] = { (unsigned char)(d->adler >> 24), (unsigned char)(d->adler >> 16), (unsigned char)(d->adler >> 8),
                                 (unsigned char)d->adler };
    size_t total = sizeof header + sizeof trailer;
    for (size_t i = 0; i < d->count; i++) total += d->lengths[i];
    if (total > 0x7fffffff) png_error(png, "image data too large for one IDAT chunk");
    png_write_chunk_start(png, (png_const_bytep)"IDAT", (png_uint_32)total);
    png_write_chunk_data(png, header, sizeof header);
    for (size_t i = 0; i < d->count; i++) png_write_chunk_data(png, d->parts[i], d->lengths[i]);
    png_write_chunk_data(png, trailer, sizeof trailer);
    png_write_chunk_end(png);
    png_write_chunk(png, (png_const_bytep)"IEND", NULL, 0);
}

static inline size_t inputmux_png_write_parts(png_uint_32 width, png_uint_32 height, int level,
                                              const unsigned char *const *parts, const size_t *lengths, size_t count,
                                              uLong adler, unsigned char *out, size_t capacity, char message[200]) {
    struct inputmux_png_idat idat = { level, parts, lengths, count, adler };
    return inputmux_png_write_rgb(width, height, inputmux_png_write_idat, &idat, out, capacity, message);
}

/* The Adler-32 of two byte runs end to end, from each one's and the second's length. */
static inline uLong inputmux_adler32_combine(uLong first, uLong second, size_t second_length) {
    return adler32_combine(first, second, (z_off_t)second_length);
}

struct inputmux_png_part {
    const unsigned char *pixels; size_t stride; png_uint_32 width, y0, y1; int bgr, level, last;
    unsigned char *out; size_t capacity, length, raw_length; uLong adler;
};

static void *inputmux_png_part_run(void *arg) {
    struct inputmux_png_part *p = (struct inputmux_png_part *)arg;
    p->length = inputmux_png_deflate_part(p->pixels, p->stride, p->width, p->y0, p->y1, p->bgr, p->level, p->last,
                                          p->out, p->capacity, &p->adler, &p->raw_length);
    return NULL;
}

/* Deflates `count` parts of `rows` rows each (the last one the rest) side by side: parts
   1... on threads of their own, part 0 on the calling thread. The threads are made by the
   caller, so they inherit its nice value (agent work stays below the human's input; a
   thread pool's would run at the process's). part i goes to out + i * capacity; lengths,
   adlers and raw lengths come back per part (a length of 0: that part failed). */
static inline void inputmux_png_deflate_parts(const unsigned char *pixels, size_t stride, png_uint_32 width,
                                              png_uint_32 height, png_uint_32 rows, int bgr, int level, size_t count,
                                              unsigned char *out, size_t capacity,
                                              size_t *lengths, uLong *adlers, size_t *raw_lengths) {
    struct inputmux_png_part parts[16];
    pthread_t threads[16];
    int started[16] = {0};
    if (count > 16) count = 16;
    for (size_t i = 0; i < count; i++) {
        png_uint_32 y0 = (png_uint_32)i * rows, y1 = y0 + rows > height ? height : y0 + rows;
        struct inputmux_png_part part = { pixels, stride, width, y0, y1, bgr, level, i == count - 1,
                                          out + i * capacity, capacity, 0, 0, 0 };
        parts[i] = part;
    }
    for (size_t i = 1; i < count; i++) started[i] = pthread_create(&threads[i], NULL, inputmux_png_part_run, &parts[i]) == 0;
    inputmux_png_part_run(&parts[0]);
    for (size_t i = 1; i < count; i++) {
        if (started[i]) pthread_join(threads[i], NULL); else inputmux_png_part_run(&parts[i]);
    }
    for (size_t i = 0; i < count; i++) { lengths[i] = parts[i].length; adlers[i] = parts[i].adler; raw_lengths[i] = parts[i].raw_length; }
}
