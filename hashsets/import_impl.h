/*
 * import_impl.h — internals shared by the hash-list importers: the handle, the streaming
 * reader, record helpers (hex, emit, bad records), the format table and category tables.
 */
#ifndef VIGIL_IMPORT_IMPL_H
#define VIGIL_IMPORT_IMPL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <openssl/evp.h>

#include "vigil/hset_import.h"

/* ---- streaming reader (import_reader.c) ---- */

/* Buffer size: four maximal lines, so a line always fits after compaction. */
#define RD_BUF (4u * VG_HSET_LINE_MAX)

/* Flags of a line returned by rd_line(). */
enum { RD_TOOLONG = 1, RD_NUL = 2 };

typedef struct imp_reader {
    int fd;
    bool own_fd;
    bool eof;
    unsigned char *buf; /* RD_BUF + 1 bytes (room for a terminating NUL) */
    size_t pos, end;    /* unread bytes are buf[pos..end) */
    uint64_t nl;        /* line ends consumed so far */
    uint64_t bytes;     /* bytes read from the file */
    EVP_MD_CTX *sha;    /* SHA-256 of every byte read */
} imp_reader;

/* Open path ("-" = stdin) and fill the buffer as far as it goes, for detection. */
vg_status rd_open(imp_reader *r, const char *path);
/* Release the reader; safe on a zeroed or half-opened one. */
void rd_close(imp_reader *r);
/* Skip a UTF-8 byte-order mark at the current position. */
void rd_skip_bom(imp_reader *r);
/*
 * Next line, without its line end (LF, CRLF) and NUL-terminated in place; *p is NULL at the
 * end of input. *lineno gets its 1-based number, *flags RD_TOOLONG (content dropped, *n = 0)
 * and/or RD_NUL. The line is valid until the next rd_* call.
 */
vg_status rd_line(imp_reader *r, char **p, size_t *n, uint64_t *lineno, int *flags);
/*
 * Next piece of input, ending at a line end or at the end of what is buffered; *p is NULL at
 * the end of input. *lineno gets the line number of the piece's first byte.
 */
vg_status rd_chunk(imp_reader *r, const unsigned char **p, size_t *n, uint64_t *lineno);
/*
 * Next n bytes (n <= RD_BUF) for binary formats: *got is n, or fewer at the end of input
 * (0 at the end). Valid until the next rd_* call.
 */
vg_status rd_bytes(imp_reader *r, size_t n, const unsigned char **p, size_t *got);
/* Read the rest of the input (for the digest) and store the SHA-256 of every byte. */
vg_status rd_finish(imp_reader *r, uint8_t sha256[32]);

/* ---- category profiles (categories.c) ---- */

typedef struct cat_def {
    const char *code; /* as written, compared case-insensitively */
    const char *label;
    bool non_pertinent;
} cat_def;

typedef struct cat_profile {
    const char *name;
    const cat_def *defs; /* NULL: codes kept raw, reported unmapped */
    size_t n;
    bool all_non_pertinent; /* every entry is non-pertinent (NSRL) */
} cat_profile;

/* Profile by name (exact, lower case), or NULL. */
const cat_profile *cat_find(const char *name);
/* Definition of code in p, or NULL when unmapped. */
const cat_def *cat_lookup(const cat_profile *p, const char *code);

/* ---- the handle ---- */

enum col_key {
    COL_MD5,
    COL_SHA1,
    COL_SHA256,
    COL_PDQ,
    COL_PHOTODNA,
    COL_HASH,
    COL_QUALITY,
    COL_CATEGORY,
    COL_ID,
    COL_NAME,
    COL_SIZE,
    COL_N
};

/* Canonical key names for --columns ("md5", "sha1", ...), indexed by enum col_key. */
extern const char *const col_key_names[COL_N];

struct imp_format;

struct vg_hset_import {
    /* options (kept across files) */
    const struct imp_format *forced;
    vg_hash_type type64;
    char *colmap[COL_N]; /* explicit header names (owned), or NULL */
    vg_list_role role;
    bool skip_bad;
    const cat_profile *profile_override;
    vg_hset_report_fn report;
    void *report_ctx;
    /* per file */
    const char *path;
    imp_reader rd;
    vg_hset_sink sink;
    void *sink_ctx;
    vg_list_role file_role;     /* role for this file (NSRL forces known-good) */
    const cat_profile *profile; /* the list's own profile, before any override */
    vg_hset_import_stats st;
    vg_hset_provenance prov;
    char errmsg[512];
};

/* ---- record helpers (import.c) ---- */

/* Set errmsg to "FILE:LINE: <fmt>" (line 0: "FILE: <fmt>") and return st. */
vg_status imp_fail(vg_hset_import *h, vg_status st, uint64_t line, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
/*
 * Record a bad record at line: count it, report "FILE:LINE: reason", and return VG_OK when
 * skip-bad is set (counted as skipped) or VG_E_FORMAT (errmsg set). Never pass a value.
 */
vg_status imp_bad(vg_hset_import *h, uint64_t line, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
/*
 * Next line of the file for a line-based importer: lines too long or holding NUL bytes are
 * bad records (handled by imp_bad) and skipped. *p is NULL at the end of input.
 */
vg_status imp_line(vg_hset_import *h, char **p, size_t *n, uint64_t *lineno);

/* Decode 2*len hex digits (either case) into out. False if any is not hex. */
bool imp_unhex(const char *s, size_t len, uint8_t *out);
/* True when s[0..n) is all hex digits (n may be 0). */
bool imp_is_hex(const char *s, size_t n);
/* Byte length of a vg_hash_type's value, 0 for types vigil does not store. */
size_t imp_hash_len(vg_hash_type t);
/* Hash type of a hex digest by its length: 32 MD5, 40 SHA-1, 64 type64 (the --type choice,
 * VG_HT_NONE when unset), 56/96/128 OTHER (SHA-224/384/512), else VG_HT_NONE. */
vg_hash_type imp_type_of_hexlen(size_t n, vg_hash_type type64);
/* A fresh entry for a record at line: no hash, quality -1, size UINT64_MAX. */
void imp_entry_init(vg_hset_entry *e, uint64_t line);
/*
 * Parse a hex value of type t into e (type, hash, hash_len). False when it has the wrong
 * length or a non-hex digit. Types vigil does not store (PhotoDNA, TMK, OTHER) always parse.
 */
bool imp_set_hash(vg_hset_entry *e, vg_hash_type t, const char *s, size_t n);
/*
 * Pass e to the sink unless it is an empty-file digest or all zero (counted), or a type
 * vigil cannot compute (counted). Applies the role (known-good: non_pertinent).
 */
vg_status imp_emit(vg_hset_import *h, vg_hset_entry *e);
/*
 * Set the category of e from the list's raw code (NULL or "" = none) through the profile in
 * force, and count uncategorised/unmapped records. Call once per record, before imp_emit.
 */
void imp_category(vg_hset_import *h, vg_hset_entry *e, const char *code);
/* Use profile p as the list's own (the override still wins); records its name. */
void imp_set_profile(vg_hset_import *h, const cat_profile *p);
/* Copy src[0..n) into a fixed field of size cap, truncated and NUL-terminated. */
void imp_copy(char *dst, size_t cap, const char *src, size_t n);
/* Case-insensitive equality of s[0..n) with the NUL-terminated word. */
bool imp_eq_nocase(const char *s, size_t n, const char *word);

/* ---- formats (import_detect.c and import_<format>.c) ---- */

/* The first bytes of a file as the bidders see them. */
typedef struct imp_prefix {
    const char *p;
    size_t n;
    bool whole; /* p holds the whole file: its last line is complete even without LF */
} imp_prefix;

/* Iterate complete lines of a prefix: *off starts at 0. Strips CR. False at the end. */
bool pf_line(const imp_prefix *pf, size_t *off, const char **l, size_t *n);
/* First line that is not blank and not a '#' comment, or false. */
bool pf_first_data(const imp_prefix *pf, const char **l, size_t *n);

typedef struct imp_format {
    const char *name;
    /* 0: not this format; otherwise higher bids win (HASHLISTS.md §14 order). */
    int (*bid)(const imp_prefix *pf);
    vg_status (*read)(vg_hset_import *h);
} imp_format;

/* Importer by name, or NULL. */
const imp_format *imp_format_find(const char *name);
/* The best bidder for pf, or NULL. */
const imp_format *imp_detect(const imp_prefix *pf);

/* A fixed CSV layout (HashKeeper, NSRL) for the CSV engine in import_csv.c. */
typedef struct imp_csv_preset {
    char delim;               /* 0: detect */
    const char *names[COL_N]; /* header name of each key's column, or NULL */
    const char *profile;      /* category profile name, or NULL ("list") */
    bool known_good;          /* the list is known-good whatever --role says (NSRL) */
} imp_csv_preset;

/* Read a CSV list: header row, then records; ps NULL = header-driven with --columns. */
vg_status imp_csv_run(vg_hset_import *h, const imp_csv_preset *ps);

/* Per-format entry points. */
int imp_plain_bid(const imp_prefix *pf);
vg_status imp_plain_read(vg_hset_import *h);
int imp_sum_bid(const imp_prefix *pf);
vg_status imp_sum_read(vg_hset_import *h);
/* Undo coreutils' escaping of a sum line's name in place: \\ -> \, \n -> LF, \r -> CR; NUL
 * terminates at the new *n. */
void imp_sum_unescape(char *s, size_t *n);
int imp_hashdeep_bid(const imp_prefix *pf);
vg_status imp_hashdeep_read(vg_hset_import *h);
int imp_pdq_bid(const imp_prefix *pf);
vg_status imp_pdq_read(vg_hset_import *h);
int imp_csv_bid(const imp_prefix *pf);
vg_status imp_csv_read(vg_hset_import *h);
int imp_hashkeeper_bid(const imp_prefix *pf);
vg_status imp_hashkeeper_read(vg_hset_import *h);
int imp_nsrl_bid(const imp_prefix *pf);
vg_status imp_nsrl_read(vg_hset_import *h);
int imp_vics_bid(const imp_prefix *pf);
vg_status imp_vics_read(vg_hset_import *h);
int imp_jsonl_bid(const imp_prefix *pf);
vg_status imp_jsonl_read(vg_hset_import *h);
int imp_encase_bid(const imp_prefix *pf);
vg_status imp_encase_read(vg_hset_import *h);
int imp_clamav_bid(const imp_prefix *pf);
vg_status imp_clamav_read(vg_hset_import *h);

#endif /* VIGIL_IMPORT_IMPL_H */
