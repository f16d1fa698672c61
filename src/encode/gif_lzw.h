/* gif_lzw: the LZW compressor of GIF image data, written for the gif
 * encoder kind (and its tests).
 *
 * Besides plain LZW it knows three things a generic compressor cannot:
 *  - "either" pixels: a pixel may be written as one of two indices (in an
 *    animation frame, an unchanged pixel shows the same whether it is
 *    transparent or repeats the colour already on screen). The encoder picks,
 *    pixel by pixel, whichever lets the dictionary match longer strings.
 *  - run alignment: where runs of one symbol (the transparent index) end at
 *    the changed pixels of each row, it ends its codes so that rows crossing
 *    the same edge share strings (see gif_lzw.c).
 *  - when to clear the dictionary: besides clearing when it is full, as
 *    giflib does, it can keep using the full dictionary while that pays and
 *    clear only when the recent output grows worse than it was; the caller
 *    tries both and keeps the smaller.
 *
 * The output is the LZW code stream packed into bytes (least significant bit
 * first), without the minimum-code-size byte and without the 255-byte
 * sub-block framing; gif.c adds both. Memory is fixed (about 130 KiB for the
 * dictionary) plus the output, at most 1.5 bytes per pixel plus a little.
 * With plain data (no alt, no run symbol) the stream is the one giflib's
 * EGifPutLine writes, byte for byte. */
#ifndef ENCODE_GIF_LZW_H
#define ENCODE_GIF_LZW_H

#include <stddef.h>
#include <stdint.h>

#define LZW_MAX_CODES 4096
#define LZW_HASH_BITS 13
#define LZW_HASH_SIZE (1 << LZW_HASH_BITS)

enum lzw_clear {
    LZW_CLEAR_WHEN_FULL,    /* as giflib and most encoders: clear at once */
    LZW_CLEAR_ADAPTIVE,     /* keep the full table while it pays */
};

struct lzw {
    uint32_t *edges;            /* the trie: (code, symbol) -> code, hashed */
    uint16_t prefix[LZW_MAX_CODES];
    uint8_t suffix[LZW_MAX_CODES];
    uint16_t *stack;            /* DFS work space for either-pixels */
    uint8_t *out;               /* the packed code stream */
    uint8_t *chosen;            /* if set, receives the symbol written for
                                   each pixel (val or alt) */
    size_t len, cap;
    /* bit writer and dictionary state during one lzw_encode */
    uint64_t acc;
    int nacc;
    int width, next, first_free;
    int filled;                 /* the last lzw_encode filled the table */
    size_t ncodes;              /* codes the last lzw_encode wrote */
    /* Runs: strings of one symbol repeated, s^k. They are prefix-closed
     * (s^k exists whenever s^(k+1) does), so a match over a run of r
     * pixels of s is the string s^min(r, run_max[s]), found with one
     * lookup instead of one per pixel. */
    uint16_t run_len[LZW_MAX_CODES];    /* code -> k if it is some s^k, else 0 */
    uint16_t run_max[256];              /* every s^k up to this length exists */
    uint32_t *runs;                     /* (k, s) -> code of s^k, k >= 2, hashed */
    int nruns;                          /* entries in runs */
    size_t span_lo, span_end;           /* a run of span_sym, [span_lo, span_end), */
    int span_sym;                       /* in val (and alt, in an either encoding) */
    /* run alignment, for the run symbol only */
    int run_sym;                /* -1: off */
    /* (run length k, symbol s) pairs with a string "run^k s", listed
     * per s: exit_head[s] -> exit_next -> ... (index + 1, 0 ends) */
    uint16_t exit_head[256];
    uint16_t exit_next[LZW_MAX_CODES];
    uint16_t exit_k[LZW_MAX_CODES];
    int nexits;
};

/* Allocates the dictionary; 0 or -1 (out of memory, not reported). */
int lzw_init(struct lzw *z);
void lzw_free(struct lzw *z);

/* Compresses n > 0 pixels into z->out / z->len. Pixel i is written as
 * val[i], or as alt[i] when alt is not NULL and the encoder prefers it.
 * Every value must be < 1 << min_bits, min_bits in 2..8. run_sym (-1 for
 * none; ignored with alt) is the symbol of the runs worth aligning, the
 * transparent index of an animation frame. Deterministic. Returns 0, or -1
 * when out of memory (not reported). */
int lzw_encode(struct lzw *z, const uint8_t *val, const uint8_t *alt,
               size_t n, int min_bits, enum lzw_clear clear, int run_sym);

/* The smallest minimum code size (2..8) whose symbols cover max_index. */
int lzw_min_bits(int max_index);

#endif
