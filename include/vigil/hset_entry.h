/* One hash-list entry as importers produce it and the index builder consumes it. */
#ifndef VIGIL_HSET_ENTRY_H
#define VIGIL_HSET_ENTRY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "vigil/status.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Kinds of hash a list entry may carry. Values are stored in .vhs files: append only. */
typedef enum vg_hash_type {
    VG_HT_NONE = 0,
    VG_HT_MD5 = 1,      /* 16 bytes */
    VG_HT_SHA1 = 2,     /* 20 bytes */
    VG_HT_SHA256 = 3,   /* 32 bytes */
    VG_HT_PDQ = 4,      /* 32 bytes, byte i = hex digits 2i..2i+1 of the PDQ hex string */
    VG_HT_PHOTODNA = 5, /* counted, never matched: vigil cannot compute it */
    VG_HT_TMK = 6,      /* counted, never matched */
    VG_HT_PHASH64 = 7,  /* 8 bytes, the 64-bit DCT pHash defined in vigil/phash.h */
    VG_HT_DHASH64 = 8,  /* 8 bytes */
    VG_HT_AHASH64 = 9,  /* 8 bytes */
    VG_HT_OTHER = 10    /* recognised but unusable (counted) */
} vg_hash_type;

/* What a list is for. A known-good list only reduces work; it never raises a match. */
typedef enum vg_list_role { VG_ROLE_ALERT = 0, VG_ROLE_KNOWN_GOOD = 1 } vg_list_role;

#define VG_HASH_MAX 32

/*
 * One record of a hash list. Importers fill it and pass it to a vg_hset_sink; every pointer is
 * borrowed and valid only during that call (copy what you keep). Strings are NUL-terminated
 * UTF-8 or NULL when the list gives none.
 */
typedef struct vg_hset_entry {
    vg_hash_type type;
    uint8_t hash[VG_HASH_MAX]; /* first hash_len bytes used */
    size_t hash_len;
    int quality;             /* PDQ quality 0..100, or -1 when the list gives none */
    const char *id;          /* the list's own identifier of the entry (ImageID, MediaID, ...) */
    const char *cat_profile; /* category scheme: "vics-us", "vics-uk", "iwf", "caid", ... */
    const char *cat_code;    /* raw category code as written in the list */
    const char *cat_label;   /* human label from the profile's data table, if known */
    bool non_pertinent;      /* e.g. VICS US category 0 or NSRL: never an illegal match */
    const char *name;        /* optional file name the list associates with the hash */
    uint64_t size;           /* file size the list gives, or UINT64_MAX */
    uint64_t line;           /* 1-based line (or record number) in the source, for messages */
} vg_hset_entry;

/*
 * Receives each valid entry. Return VG_OK to continue; any other status stops the import and
 * is returned by the importer.
 */
typedef vg_status (*vg_hset_sink)(void *ctx, const vg_hset_entry *e);

#ifdef __cplusplus
}
#endif
#endif /* VIGIL_HSET_ENTRY_H */
