/* gif_lzw: LZW for GIF image data (see gif_lzw.h).
 *
 * The code stream follows the GIF89a rules as every decoder reads them:
 * codes start min_bits + 1 wide after a clear code and grow by one bit as
 * soon as the next code to be assigned no longer fits, up to 12 bits. When
 * the dictionary is full (codes up to 4094 assigned; 4095 is left unused,
 * which every decoder tolerates) the encoder either clears it or goes on
 * without adding strings, a "deferred clear" that the format allows and
 * decoders handle: they stop adding once their table is full too.
 *
 * The decoder adds one string per code it reads, so the encoder has no say
 * in what is learned, only in where its strings end. Two choices are made
 * beyond plain greedy matching:
 *
 *  - Either-pixels: matching is a depth-first walk of the dictionary trie;
 *    at a pixel with two acceptable symbols both children are followed and
 *    the deepest node wins (ties to the first found, val before alt). Each
 *    trie node is a distinct string, so a walk visits every code at most
 *    once; it is also capped, to bound the time on any content.
 *
 *  - Run alignment: in an animation frame most pixels are transparent, in
 *    runs that end at the changed pixels of each row. Greedy matching
 *    covers such a run with the longest run string and a remainder, and the
 *    remainder, followed by the first changed pixel, teaches a string that
 *    is seldom seen again. When a run ends inside the greedy match, the
 *    encoder looks for a string already learned that starts with part of
 *    the run and goes on into the pixels after it, and ends the first code
 *    where that string can take over, if together they reach further.
 *    Rows that cross the same edge then share their codes. */
#include "encode/gif_lzw.h"

#include <stdlib.h>
#include <string.h>

#define MAX_BITS 12
#define LAST_CODE 4094          /* highest code ever assigned */

/* Adaptive clearing: after the table fills, each window of this many
 * pixels is compared with the best window since it filled; the table is
 * cleared when a window costs this many eighths of it or more. */
#define WINDOW_PX 4096
#define WORSE_EIGHTHS 12

/* The most trie nodes one either-pixel match may visit. */
#define WALK_BUDGET 64

int lzw_min_bits(int max_index)
{
    int bits = 2;
    while (bits < 8 && (1 << bits) <= max_index)
        bits++;
    return bits;
}

/* The dictionary's trie edges, (code, symbol) -> child code, live in an
 * open-addressing hash table of LZW_HASH_SIZE entries, each key << 12 |
 * child (a child code is never 0, so 0 marks a free entry). At most 4096
 * edges keep it at most half full, and at 32 KiB it stays in the cache,
 * where a direct [code][symbol] array (2 MiB) missed on most lookups. The
 * runs table, (k, s) -> the code of s^k for k >= 2, is one more such table
 * (k < 4096, so a key still fits in 20 bits). */
static inline uint32_t edge_slot(uint32_t key)
{
    return (key * 0x9e3779b1u) >> (32 - LZW_HASH_BITS);
}

/* The code stored under (hi, lo) in table, 0 if none. */
static inline int table_get(const uint32_t *table, int hi, int lo)
{
    uint32_t key = (uint32_t)hi << 8 | (uint32_t)lo;
    for (uint32_t h = edge_slot(key);; h = (h + 1) & (LZW_HASH_SIZE - 1)) {
        uint32_t e = table[h];
        if (!e)
            return 0;
        if (e >> 12 == key)
            return (int)(e & 0xfff);
    }
}

/* Stores code under (hi, lo); the key must not be there yet. */
static inline void table_put(uint32_t *table, int hi, int lo, int code)
{
    uint32_t key = (uint32_t)hi << 8 | (uint32_t)lo;
    uint32_t h = edge_slot(key);
    while (table[h])
        h = (h + 1) & (LZW_HASH_SIZE - 1);
    table[h] = key << 12 | (uint32_t)code;
}

static inline int child_of(const struct lzw *z, int code, int sym)
{
    return table_get(z->edges, code, sym);
}

static inline void set_child(struct lzw *z, int code, int sym, int child)
{
    table_put(z->edges, code, sym, child);
}

static inline int run_code(const struct lzw *z, int s, int k)
{
    return k == 1 ? s : table_get(z->runs, k, s);
}

static inline void set_run(struct lzw *z, int s, int k, int code)
{
    table_put(z->runs, k, s, code);
    z->nruns++;
}

int lzw_init(struct lzw *z)
{
    memset(z, 0, sizeof *z);
    z->edges = calloc(LZW_HASH_SIZE, sizeof *z->edges);
    z->runs = calloc(LZW_HASH_SIZE, sizeof *z->runs);
    z->stack = malloc(2 * (size_t)LZW_MAX_CODES * sizeof *z->stack);
    if (!z->edges || !z->runs || !z->stack) {
        lzw_free(z);
        return -1;
    }
    return 0;
}

void lzw_free(struct lzw *z)
{
    free(z->edges);
    free(z->runs);
    free(z->stack);
    free(z->out);
    memset(z, 0, sizeof *z);
}

static void put_code(struct lzw *z, int code)
{
    z->ncodes++;
    z->acc |= (uint64_t)code << z->nacc;
    z->nacc += z->width;
    while (z->nacc >= 8) {
        z->out[z->len++] = (uint8_t)z->acc;
        z->acc >>= 8;
        z->nacc -= 8;
    }
    /* The next code may be the one about to be assigned: make it fit. */
    if (z->next >= (1 << z->width) && z->width < MAX_BITS)
        z->width++;
}

/* Forgets every string. */
static void reset_dict(struct lzw *z, int min_bits)
{
    if (z->next > z->first_free)
        memset(z->edges, 0, LZW_HASH_SIZE * sizeof *z->edges);
    z->first_free = (1 << min_bits) + 2;
    z->next = z->first_free;
    z->width = min_bits + 1;
    /* Runs: each symbol itself, of length 1. */
    if (z->nruns)
        memset(z->runs, 0, LZW_HASH_SIZE * sizeof *z->runs);
    z->nruns = 0;
    memset(z->run_len, 0, sizeof z->run_len);
    for (int s = 0; s < 1 << min_bits; s++)
        z->run_len[s] = 1;
    for (int s = 0; s < 256; s++)
        z->run_max[s] = 1;
    memset(z->exit_head, 0, sizeof z->exit_head);
    z->nexits = 0;
}

/* Adds prefix code + symbol as the next code (the decoder does the same).
 * A string already present keeps its first code: the duplicate is
 * assigned (the decoder counts it) but never matched. */
static void add_string(struct lzw *z, int code, int sym)
{
    int c = z->next++;
    z->prefix[c] = (uint16_t)code;
    z->suffix[c] = (uint8_t)sym;
    if (child_of(z, code, sym))
        return;
    set_child(z, code, sym, c);
    int k = z->run_len[code];
    if (!k)
        return;
    int s = code < z->first_free ? code : z->suffix[code];  /* code is s^k */
    if (sym == s) {
        z->run_len[c] = (uint16_t)(k + 1);
        set_run(z, s, k + 1, c);
        if (k + 1 > z->run_max[s])
            z->run_max[s] = (uint16_t)(k + 1);
    } else if (s == z->run_sym) {
        int e = z->nexits++;
        z->exit_k[e] = (uint16_t)k;
        z->exit_next[e] = z->exit_head[sym];
        z->exit_head[sym] = (uint16_t)(e + 1);
    }
}

/* The end of the run of symbol s that contains pos: pixels that are s (in
 * val, and in alt too when it is given) from pos on; val[pos] (and alt[pos])
 * must be s. Found once per run, however many codes and lookups the run
 * takes. */
static size_t span_end(struct lzw *z, const uint8_t *val, const uint8_t *alt, size_t pos,
                       size_t n, int s)
{
    if (pos >= z->span_lo && pos < z->span_end && s == z->span_sym)
        return z->span_end;
    size_t e = pos + 1;
    if (alt)
        while (e < n && val[e] == s && alt[e] == s)
            e++;
    else
        while (e < n && val[e] == s)
            e++;
    z->span_lo = pos;
    z->span_end = e;
    z->span_sym = s;
    return e;
}

/* The longest dictionary string that starts with symbol first at pixel
 * pos and matches the following pixels; returns its length, *code its code.
 * With alt, each pixel may match either of its two symbols. */
static size_t longest_match(struct lzw *z, const uint8_t *val,
                            const uint8_t *alt, size_t pos, size_t n,
                            int first, int *code)
{
    int c = first;
    size_t i = pos + 1;
    if (!alt) {
        /* Every run string up to run_max exists: jump over the run. */
        size_t r = span_end(z, val, NULL, pos, n, first) - pos;
        size_t k = r < z->run_max[first] ? r : z->run_max[first];
        if (k > 1 && (c = run_code(z, first, (int)k)) != 0) {
            i = pos + k;
            if (k < r) {
                *code = c;
                return k;
            }
        } else {
            c = first;
        }
        while (i < n) {
            int d = child_of(z, c, val[i]);
            if (!d)
                break;
            c = d;
            i++;
        }
        *code = c;
        return i - pos;
    }
    /* Follow the single path while pixels have one symbol; branch only at
     * either-pixels. The stack holds (code, length) pairs. */
    uint16_t *st = z->stack;
    int sp = 0, budget = WALK_BUDGET;
    int best = c;
    size_t best_len = 1;
    st[sp++] = (uint16_t)c;
    st[sp++] = 1;
    while (sp && budget-- > 0) {
        size_t len = st[--sp];
        c = st[--sp];
        for (;;) {
            if (len > best_len) {
                best_len = len;
                best = c;
            }
            if (pos + len >= n)
                break;
            uint8_t a = val[pos + len], b = alt[pos + len];
            /* In a run of one symbol that both choices share the walk is
             * forced: jump to its end, as without alt. */
            if (a == b && z->run_len[c] == len &&
                a == (c < z->first_free ? c : z->suffix[c])) {
                size_t k = span_end(z, val, alt, pos + len, n, a) - pos;
                if (k > z->run_max[a])
                    k = z->run_max[a];
                int d = k > len ? run_code(z, a, (int)k) : 0;
                if (d) {
                    c = d;
                    len = k;
                    continue;
                }
            }
            int da = child_of(z, c, a);
            int db = b != a ? child_of(z, c, b) : 0;
            if (da && db) {             /* explore b later */
                st[sp++] = (uint16_t)db;
                st[sp++] = (uint16_t)(len + 1);
                c = da;
            } else if (da) {
                c = da;
            } else if (db) {
                c = db;
            } else {
                break;
            }
            len++;
        }
    }
    *code = best;
    return best_len;
}

/* Which of pixel pos's symbols to start the next string with: the one
 * that leads to the longer match (val on a tie). */
static int pick_first(struct lzw *z, const uint8_t *val, const uint8_t *alt,
                      size_t pos, size_t n)
{
    if (!alt || alt[pos] == val[pos])
        return val[pos];
    int code;
    size_t la = longest_match(z, val, alt, pos, n, val[pos], &code);
    size_t lb = longest_match(z, val, alt, pos, n, alt[pos], &code);
    return lb > la ? alt[pos] : val[pos];
}

/* Run alignment (see the top of the file): the greedy match at pos is the
 * run string of length len, inside a run of r run symbols. Returns the
 * length of the first code to emit instead (len if nothing is better). */
static size_t align_run(struct lzw *z, const uint8_t *val, size_t pos,
                        size_t n, size_t len)
{
    const int T = z->run_sym;
    size_t r = span_end(z, val, NULL, pos, n, T) - pos;
    if (pos + r >= n || r >= LZW_MAX_CODES)
        return len;
    int code;
    size_t best_total = len + longest_match(z, val, NULL, pos + len, n, T, &code);
    size_t best_first = len;
    int after = val[pos + r];
    for (int e = z->exit_head[after]; e; e = z->exit_next[e - 1]) {
        size_t k = z->exit_k[e - 1];
        if (k >= r || r - k > len)
            continue;
        int c = child_of(z, run_code(z, T, (int)k), after);
        if (!c)
            continue;
        size_t q = pos + r + 1;
        while (q < n) {
            int d = child_of(z, c, val[q]);
            if (!d)
                break;
            c = d;
            q++;
        }
        size_t total = q - pos;
        if (total > best_total || (total == best_total && r - k > best_first)) {
            best_total = total;
            best_first = r - k;
        }
    }
    return best_first;
}

int lzw_encode(struct lzw *z, const uint8_t *val, const uint8_t *alt,
               size_t n, int min_bits, enum lzw_clear clear, int run_sym)
{
    /* Every pixel costs at most one code of at most 12 bits; add the clear
     * codes (one per filled table, which takes > 2000 codes) and the ends. */
    size_t need = ((n + n / 1024 + 8) * MAX_BITS + 7) / 8 + 8;
    if (need > z->cap) {
        uint8_t *grown = realloc(z->out, need);
        if (!grown)
            return -1;
        z->out = grown;
        z->cap = need;
    }
    z->len = 0;
    z->ncodes = 0;
    z->filled = 0;
    z->acc = 0;
    z->nacc = 0;
    z->run_sym = alt || run_sym >= (1 << min_bits) ? -1 : run_sym;
    z->span_lo = z->span_end = 0;
    z->span_sym = -1;

    int clear_code = 1 << min_bits, eoi = clear_code + 1;
    /* Whatever the previous call left (any min_bits) is forgotten. */
    reset_dict(z, min_bits);
    put_code(z, clear_code);

    /* Adaptive clearing state: bits at the start of the window, the best
     * window cost since the table filled (bits per WINDOW_PX pixels). */
    size_t window_start = 0;
    uint64_t window_bits0 = 0, best_window = UINT64_MAX;

    size_t pos = 0;
    int first = pick_first(z, val, alt, 0, n);
    for (;;) {
        int code;
        size_t len = longest_match(z, val, alt, pos, n, first, &code);
        if (z->run_sym >= 0 && first == z->run_sym && z->run_len[code] == len &&
            pos + len < n && val[pos + len] == z->run_sym) {
            size_t k = align_run(z, val, pos, n, len);
            if (k != len) {
                len = k;
                code = run_code(z, z->run_sym, (int)k);
            }
        }
        put_code(z, code);
        if (z->chosen) {
            int c = code;
            for (size_t k = len; k-- > 0;) {
                if (c >= z->first_free) {
                    z->chosen[pos + k] = z->suffix[c];
                    c = z->prefix[c];
                } else {
                    z->chosen[pos + k] = (uint8_t)c;
                }
            }
        }
        pos += len;
        if (pos >= n)
            break;
        first = pick_first(z, val, alt, pos, n);
        if (z->next <= LAST_CODE) {
            add_string(z, code, first);
            if (z->next > LAST_CODE) {      /* just filled */
                z->filled = 1;
                window_start = pos;
                window_bits0 = (uint64_t)z->len * 8 + (uint64_t)z->nacc;
                best_window = UINT64_MAX;
            }
            continue;
        }
        if (clear == LZW_CLEAR_WHEN_FULL) {
            put_code(z, clear_code);
            reset_dict(z, min_bits);
            continue;
        }
        if (pos - window_start >= WINDOW_PX) {
            uint64_t bits = (uint64_t)z->len * 8 + (uint64_t)z->nacc;
            uint64_t cost = (bits - window_bits0) * WINDOW_PX / (pos - window_start);
            window_start = pos;
            window_bits0 = bits;
            if (cost < best_window)
                best_window = cost;
            if (cost * 8 >= best_window * WORSE_EIGHTHS) {
                put_code(z, clear_code);
                reset_dict(z, min_bits);
            }
        }
    }
    put_code(z, eoi);
    if (z->nacc > 0)
        z->out[z->len++] = (uint8_t)z->acc;
    z->acc = 0;
    z->nacc = 0;
    return 0;
}
