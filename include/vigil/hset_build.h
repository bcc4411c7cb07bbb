/* Compiling hash lists into one .vhs index file (the reader is vigil/hset.h). */
#ifndef VIGIL_HSET_BUILD_H
#define VIGIL_HSET_BUILD_H

#include <stdbool.h>
#include <stdint.h>

#include "vigil/hset_entry.h"
#include "vigil/status.h"

#ifdef __cplusplus
extern "C" {
#endif

/*
 * A builder collects entries from any number of source lists, merges duplicates (a hash named
 * by several lists or categories keeps every one of them; an identical record given twice is
 * kept once) and writes the index. Memory grows with the number of records, about as much as
 * the finished index without its multi-index tables. Single-threaded.
 *
 * Call order: vg_hset_build_new(), then for each source list vg_hset_build_list() followed by
 * its entries (vg_hset_build_add(), or vg_hset_build_sink() handed to an importer), optionally
 * vg_hset_build_list_done(); then vg_hset_build_write() once; then vg_hset_build_free().
 */
typedef struct vg_hset_build vg_hset_build;

/* Provenance of one source list. Strings are copied; NULL means "not given". */
typedef struct vg_hset_list_info {
    const char *name;    /* e.g. "IWF hash list" or the file's base name */
    const char *version; /* the supplier's version */
    const char *date;    /* the supplier's date, as given */
    const char *format;  /* importer that read it: "md5sum", "vics-2.0", ... */
    const char *source;  /* where it came from (a path), for the operator */
    vg_list_role role;
    bool has_sha256;
    uint8_t sha256[32]; /* SHA-256 of the source file as read */
    /* What the importer rejected or could not use, for info (vg_hset_build_list_done() only;
     * zero when not known). n_photodna and n_tmk are part of its n_unmatchable. */
    uint64_t n_empty_digest, n_all_zero, n_photodna, n_tmk;
} vg_hset_list_info;

/*
 * Create an empty builder.
 * @param[out] out      the builder, owned by the caller (vg_hset_build_free()).
 * @param[in]  name     the index's own name, copied; may be NULL.
 * @param[in]  version  the index's own version, copied; may be NULL.
 * @return VG_OK or VG_E_NOMEM (then *out is NULL).
 */
vg_status vg_hset_build_new(vg_hset_build **out, const char *name, const char *version);

/*
 * Start a new source list; the entries added next belong to it.
 * @return VG_OK; VG_E_NOMEM; VG_E_LIMIT past 2^32 - 2 lists; VG_E_INVAL after write.
 */
vg_status vg_hset_build_list(vg_hset_build *b, const vg_hset_list_info *info);

/*
 * Add one entry to the current list. MD5, SHA-1, SHA-256 and PDQ entries are stored (their
 * hash_len must match the type); PhotoDNA, TMK and other types are counted as unmatchable and
 * not stored. The entry's strings are copied.
 * @return VG_OK; VG_E_INVAL (no list started, wrong hash_len, or after write; see errmsg);
 *         VG_E_NOMEM; VG_E_LIMIT past 2^32 - 2 records or 4 GiB of strings.
 */
vg_status vg_hset_build_add(vg_hset_build *b, const vg_hset_entry *e);

/* The same as a vg_hset_sink: pass it to an importer with ctx = the builder. */
vg_status vg_hset_build_sink(void *ctx, const vg_hset_entry *e);

/*
 * Finish the current list once its importer is done: replace its provenance with info (NULL
 * keeps what vg_hset_build_list() gave; an importer learns the format, dates and the file's
 * SHA-256 only while reading), and add the bad records it skipped (--skip-bad) and the values
 * it counted but could not pass on (PhotoDNA, TMK, ...). The role may only become known-good,
 * and only when every entry the list gave was non-pertinent (a list that turned out to be
 * NSRL); its entries are then marked known-good too. A known-good list never becomes alert.
 * @return VG_OK; VG_E_INVAL when no list was started or after write; VG_E_NOMEM.
 */
vg_status vg_hset_build_list_done(vg_hset_build *b, const vg_hset_list_info *info,
                                  uint64_t n_skipped, uint64_t n_unmatchable);

/*
 * Sort, merge and write the index to path: to a temporary file beside it (created 0600),
 * fsynced, then renamed over path, and the directory fsynced. On failure path is untouched and
 * the temporary file removed. Once called (whatever its result), only free() is allowed.
 * @return VG_OK; VG_E_IO (errno in the message); VG_E_NOMEM; VG_E_LIMIT; VG_E_CRYPTO;
 *         VG_E_INVAL if called twice.
 */
vg_status vg_hset_build_write(vg_hset_build *b, const char *path);

/* Counts so far: stored records, unique keys after write (0 before). */
typedef struct vg_hset_build_stats {
    uint64_t n_records; /* stored records added (before merging) */
    uint64_t n_unmatchable;
    uint64_t n_entries; /* after merging, set by write */
    uint64_t n_keys[4]; /* unique MD5, SHA-1, SHA-256, PDQ after write */
    uint64_t file_size; /* after write */
} vg_hset_build_stats;

void vg_hset_build_stats_get(const vg_hset_build *b, vg_hset_build_stats *out);

/* Message for the last failure; valid until the next call on b. Never NULL. */
const char *vg_hset_build_errmsg(const vg_hset_build *b);

/* Release the builder; NULL is accepted. */
void vg_hset_build_free(vg_hset_build *b);

#ifdef __cplusplus
}
#endif
#endif /* VIGIL_HSET_BUILD_H */
