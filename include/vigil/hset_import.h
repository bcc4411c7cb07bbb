/* Hash-list importers: read a list in any supported format and hand each entry to a sink. */
#ifndef VIGIL_HSET_IMPORT_H
#define VIGIL_HSET_IMPORT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "vigil/hset_entry.h"
#include "vigil/status.h"

#ifdef __cplusplus
extern "C" {
#endif

/*
 * Call order (libarchive style): vg_hset_import_new(); any vg_hset_import_set_*(); then
 * vg_hset_import_file() once per list (options stay set between files); read the statistics
 * and provenance of the last file; vg_hset_import_free(). A handle is single-threaded; use one
 * per thread.
 *
 * Every setter takes the CLI argument as text, so `vigil hashlist build` maps each option onto
 * one call and prints vg_hset_import_errmsg() when a value is refused (VG_E_INVAL).
 *
 * Hash lists are sensitive: no message, statistic or provenance field ever contains a hash
 * value from the list. A bad record is named by file, line and reason only.
 *
 * Memory is bounded whatever the input size: files are streamed through a fixed buffer, lines
 * longer than VG_HSET_LINE_MAX are bad records (consumed without being stored), and JSON is
 * parsed incrementally.
 */

/* Longest line (bytes, without the line end) a line-based importer accepts. */
#define VG_HSET_LINE_MAX (64u * 1024u)

/* Size of vg_hset_import_stats.by_type: one counter per vg_hash_type value. */
#define VG_HSET_NTYPES (VG_HT_OTHER + 1)

typedef struct vg_hset_import vg_hset_import;

/* What one vg_hset_import_file() call read. All counts are of values, never the values. */
typedef struct vg_hset_import_stats {
    uint64_t records; /* data records read (lines or JSON objects; not headers or comments) */
    uint64_t entries; /* entries passed to the sink */
    /* Values seen per vg_hash_type. MD5, SHA1, SHA256 and PDQ are the entries passed to the
     * sink; PHOTODNA, TMK and OTHER are counted only, never passed on (vigil cannot compute
     * them, so a list's share of them is not coverage). */
    uint64_t by_type[VG_HSET_NTYPES];
    uint64_t bad;               /* bad records (each reported with file, line and reason) */
    uint64_t skipped;           /* bad records skipped because skip-bad was set */
    uint64_t empty_digest;      /* empty-file MD5/SHA-1/SHA-256 digests rejected */
    uint64_t all_zero;          /* all-zero hashes rejected */
    uint64_t non_pertinent;     /* entries passed with non_pertinent set (known-good, VICS US 0) */
    uint64_t uncategorised;     /* entries with no category code */
    uint64_t unmapped_category; /* entries whose code the category profile does not map */
} vg_hset_import_stats;

/* What the list says about itself, for the index header. Empty strings when absent. */
typedef struct vg_hset_provenance {
    char format[24];    /* importer that read it: "plain", "sum", "vics", ... */
    char name[128];     /* list or set name, when the format carries one (EnCase, ClamAV, ...) */
    char version[32];   /* format or list version (VICS "2.0", hashdeep "1.0", NSRL "2.0") */
    char date[40];      /* latest date the file gives (VICS DateUpdated), as written */
    char profile[24];   /* category profile used: "vics-us", "uk-abc", ... */
    vg_list_role role;  /* role the entries were read with: --role, or known-good when the
                           list says so itself (NSRL, an EnCase "Known" set) */
    uint64_t bytes;     /* bytes read */
    uint8_t sha256[32]; /* SHA-256 of every byte read, for the report's list digests */
} vg_hset_provenance;

/*
 * Receives one message per bad record, "FILE:LINE: reason" (never a hash value), in file order.
 * The string is valid only during the call.
 */
typedef void (*vg_hset_report_fn)(void *ctx, const char *msg);

/*
 * Create an import handle with the defaults: detect the format, 64-hex plain values refused,
 * header-driven CSV columns, role alert, stop at the first bad record, profile from the list.
 * @return the handle (free with vg_hset_import_free()), or NULL when out of memory.
 */
vg_hset_import *vg_hset_import_new(void);

/*
 * Force a format instead of detecting it. CLI: `--format NAME`.
 * @param[in] name  a name from vg_hset_import_formats(), or "auto" / NULL to detect by content.
 * @return VG_OK; VG_E_INVAL for an unknown name (message lists the valid ones).
 */
vg_status vg_hset_import_set_format(vg_hset_import *h, const char *name);

/*
 * Type of 64-hex values where the format leaves it open (plain lists, a CSV "hash" column).
 * CLI: `--type sha256|pdq`.
 * @return VG_OK; VG_E_INVAL for another name.
 */
vg_status vg_hset_import_set_type(vg_hset_import *h, const char *name);

/*
 * Map CSV columns explicitly; fields not named keep their header-driven defaults.
 * CLI: `--columns md5=MD5,sha1=SHA1,category=Grade,id=ImageID`. Keys: md5, sha1, sha256, pdq,
 * photodna, hash (type by length), quality, category, id, name, size. Values are header names,
 * matched case-insensitively. NULL or "" clears the mapping.
 * @return VG_OK; VG_E_INVAL for a malformed spec or unknown key (message says which).
 */
vg_status vg_hset_import_set_columns(vg_hset_import *h, const char *spec);

/*
 * Role of the lists read next. CLI: `--role alert|known-good`. Every entry of a known-good
 * list is passed with non_pertinent set: it can only reduce work, never raise a match.
 * @return VG_OK; VG_E_INVAL for another name.
 */
vg_status vg_hset_import_set_role(vg_hset_import *h, const char *name);

/* Role as set (VG_ROLE_ALERT by default; NSRL lists are always known-good). */
vg_list_role vg_hset_import_role(const vg_hset_import *h);

/*
 * Skip bad records (counted in stats.skipped, each still reported) instead of failing.
 * CLI: `--skip-bad`. Syntax errors that make the rest unreadable (broken JSON) still fail.
 */
void vg_hset_import_set_skip_bad(vg_hset_import *h, bool skip);

/*
 * Category profile to map codes with, overriding the one the list names.
 * CLI: `--category-profile NAME`. Names: see vg_hset_category_profiles().
 * @return VG_OK; VG_E_INVAL for an unknown name.
 */
vg_status vg_hset_import_set_category_profile(vg_hset_import *h, const char *name);

/*
 * Receive a message for each bad record (the CLI prints them on stderr). NULL to stop.
 */
void vg_hset_import_set_report(vg_hset_import *h, vg_hset_report_fn fn, void *ctx);

/*
 * Read one list and call sink(ctx, entry) for each valid MD5/SHA-1/SHA-256/PDQ entry, in file
 * order. Statistics and provenance are reset at the start of the call.
 * @param[in] path  file to read; "-" reads standard input. Used as the file name in messages.
 * @return VG_OK;
 *         VG_E_FORMAT  a bad record and skip-bad not set, or broken JSON (errmsg: file:line:
 *                      reason). Entries before it were already passed to the sink;
 *         VG_E_UNSUPPORTED  no importer recognises the content (or the forced one refuses it);
 *         VG_E_INVAL  the list needs an option (e.g. 64-hex values without --type);
 *         VG_E_IO  open or read failed; VG_E_NOMEM;
 *         any status the sink returned (the import stops there).
 */
vg_status vg_hset_import_file(vg_hset_import *h, const char *path, vg_hset_sink sink, void *ctx);

/* Statistics of the last vg_hset_import_file(); valid until the next call on h. */
const vg_hset_import_stats *vg_hset_import_stats_get(const vg_hset_import *h);

/* Provenance of the last vg_hset_import_file(); valid until the next call on h. */
const vg_hset_provenance *vg_hset_import_provenance(const vg_hset_import *h);

/* Message for the last failure on h, or "" after success; valid until the next call on h. */
const char *vg_hset_import_errmsg(const vg_hset_import *h);

/* Free the handle; NULL is accepted. */
void vg_hset_import_free(vg_hset_import *h);

/*
 * Name of the format the content of buf (the first bytes of a file) looks like, by the same
 * bidding vg_hset_import_file() uses, or NULL when none recognises it.
 * @return a static string.
 */
const char *vg_hset_import_detect(const void *buf, size_t len);

/* Names of every importer, NULL-terminated, in detection order (static). */
const char *const *vg_hset_import_formats(void);

/* Names of every category profile, NULL-terminated (static). */
const char *const *vg_hset_category_profiles(void);

#ifdef __cplusplus
}
#endif
#endif /* VIGIL_HSET_IMPORT_H */
