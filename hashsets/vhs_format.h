/*
 * vhs_format.h — the on-disk layout of a compiled hash-set index (.vhs), shared by the writer
 * (vhs_write.c) and the reader (vhs_read.c). Internal to hashsets/.
 *
 * A .vhs file is little-endian and is used in place through a read-only mmap:
 *
 *   [0, 4096)            header (struct vhs_header; the rest of the page is zero)
 *   [4096, file_size)    body: the sections listed in the header's section table, each at a
 *                        64-byte aligned offset, zero padding between them
 *
 * The header carries the SHA-256 of the body and a SHA-256 of itself (computed with that field
 * zeroed), so an edit anywhere is detected; every count and offset is also checked against the
 * file size on open, so a file that lies about itself never leads to an access out of bounds.
 *
 * Sections (fixed slots, every one present even when empty):
 *   STRTAB      NUL-terminated UTF-8 strings; offset 0 is the empty string; ends with NUL
 *   LISTS       struct vhs_list[n_lists]           source lists and their provenance
 *   CATS        struct vhs_cat[n_cats]             (profile, code, label) string triples
 *   ENTRIES     struct vhs_entry[n_entries]        ordered by (type, key): a key's entries are
 *                                                  one contiguous range
 *   KEYS_t      key_len(t) * n_t bytes             sorted unique digests of type t
 *   BUCKETS_t   uint32[2^bits + 1]                 first key index whose top `bits` bits >= b
 *   ERANGE_t    uint32[n_t + 1]                    entry range of key i: [er[i], er[i+1])
 *   PDQ_CODES   32 * n_pdq bytes                   unique PDQ codes (sorted)
 *   PDQ_ERANGE  uint32[n_pdq + 1]
 *   MIH         16 tables, each uint32 off[65537], uint32 ids[n_pdq], uint16 pair[n_pdq] and
 *               2 zero bytes when n_pdq is odd: the code indices whose 16-bit chunk k (bytes
 *               2k, 2k+1, little-endian) equals v are ids[off[v] .. off[v+1]), and pair[i] is
 *               chunk k ^ 1 (the other half of the 32-bit pair) of code ids[i], so a search can
 *               reject most candidates without reading their codes (hset_pdq.c); empty when
 *               there are no PDQ codes
 *
 * Version 2 added pair[] to the MIH tables; version 1 files are refused (rebuild them).
 */
#ifndef VIGIL_VHS_FORMAT_H
#define VIGIL_VHS_FORMAT_H

#include <stdint.h>

#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ != __ORDER_LITTLE_ENDIAN__
#error "the .vhs format is used in place and needs a little-endian host"
#endif

#define VHS_MAGIC "\x89VHS\r\n\x1a\n"
#define VHS_MAGIC_LEN 8
#define VHS_VERSION 2u
#define VHS_HEADER_SIZE 4096u
#define VHS_ALIGN 64u
#define VHS_NONE UINT32_MAX /* "no string" / "no category" */

#define VHS_MIH_CHUNKS 16u
#define VHS_MIH_KEYS 65536u
#define VHS_PDQ_LEN 32u

/* Digest types stored as sorted arrays, in this order in the section table. */
enum { VHS_D_MD5, VHS_D_SHA1, VHS_D_SHA256, VHS_D_N };

/* Section slots, in file order: each digest type's keys, buckets and ranges are together. */
enum vhs_section {
    VHS_S_STRTAB,
    VHS_S_LISTS,
    VHS_S_CATS,
    VHS_S_ENTRIES,
    VHS_S_DIGEST0, /* VHS_S_KEYS(d), VHS_S_BUCKETS(d), VHS_S_ERANGE(d) for d < VHS_D_N */
    VHS_S_PDQ_CODES = VHS_S_DIGEST0 + 3 * VHS_D_N,
    VHS_S_PDQ_ERANGE,
    VHS_S_MIH,
    VHS_S_N
};
#define VHS_S_KEYS(d) (VHS_S_DIGEST0 + 3 * (d))
#define VHS_S_BUCKETS(d) (VHS_S_DIGEST0 + 3 * (d) + 1)
#define VHS_S_ERANGE(d) (VHS_S_DIGEST0 + 3 * (d) + 2)

/* One slot of the section table. count is the number of records; param is per section
 * (BUCKETS: the number of prefix bits). */
struct vhs_section_ent {
    uint64_t offset; /* from the start of the file */
    uint64_t size;   /* bytes */
    uint64_t count;
    uint32_t param;
    uint32_t reserved;
};

struct vhs_header {
    uint8_t magic[VHS_MAGIC_LEN];
    uint32_t version;
    uint32_t header_size; /* VHS_HEADER_SIZE */
    uint64_t file_size;
    uint64_t body_offset; /* VHS_HEADER_SIZE */
    uint64_t body_size;   /* file_size - body_offset */
    uint8_t body_sha256[32];
    uint8_t header_sha256[32]; /* of the header page with this field zeroed */
    int64_t created;           /* seconds since the Unix epoch */
    uint32_t name;             /* STRTAB offset: the index's own name */
    uint32_t build_version;    /* STRTAB offset: the index's own version */
    uint32_t n_sections;       /* VHS_S_N */
    uint32_t flags;            /* none defined: must be 0 */
    struct vhs_section_ent sec[VHS_S_N];
};

/* Role and flags copied into each entry so a match needs no second look-up. */
#define VHS_EF_NON_PERTINENT 0x1u
#define VHS_EF_KNOWN_GOOD 0x2u

struct vhs_entry {
    uint32_t list;   /* index into LISTS */
    uint32_t id;     /* STRTAB offset of the list's own id, or VHS_NONE */
    uint32_t cat;    /* index into CATS, or VHS_NONE */
    uint16_t flags;  /* VHS_EF_* */
    int16_t quality; /* PDQ quality 0..100, or -1 */
};

struct vhs_cat {
    uint32_t profile, code, label; /* STRTAB offsets, VHS_NONE when absent */
};

struct vhs_list {
    uint32_t name, version, date, format, source; /* STRTAB offsets, VHS_NONE when absent */
    uint32_t role;                                /* vg_list_role */
    uint32_t has_sha256;
    uint32_t reserved;
    uint8_t sha256[32];     /* of the source file as read */
    uint64_t n_records;     /* records the importer delivered */
    uint64_t n_stored;      /* records kept (matchable types) */
    uint64_t n_unmatchable; /* PhotoDNA, TMK and other types vigil cannot compute */
    uint64_t n_skipped;     /* bad records skipped by the importer (--skip-bad) */
    /* Rejected or unusable values the importer counted (0 in files written before these
     * counts existed: readers treat them as "not recorded"). */
    uint64_t n_empty_digest; /* empty-file MD5/SHA-1/SHA-256 digests rejected */
    uint64_t n_all_zero;     /* all-zero hashes rejected */
    uint64_t n_photodna;     /* PhotoDNA values (part of n_unmatchable) */
    uint64_t n_tmk;          /* TMK values (part of n_unmatchable) */
};

_Static_assert(sizeof(struct vhs_header) <= VHS_HEADER_SIZE, "header fits its page");
_Static_assert(sizeof(struct vhs_entry) == 16, "entry layout");
_Static_assert(sizeof(struct vhs_cat) == 12, "cat layout");
_Static_assert(sizeof(struct vhs_list) == 128, "list layout");
_Static_assert(sizeof(struct vhs_section_ent) == 32, "section layout");

/* Key length in bytes of digest slot d. */
static inline uint32_t vhs_key_len(unsigned d) {
    return d == VHS_D_MD5 ? 16u : d == VHS_D_SHA1 ? 20u : 32u;
}

/* Bytes of one MIH table for n codes: off[], ids[], pair[], padded to 4 bytes. */
static inline uint64_t vhs_mih_table_size(uint64_t n) {
    return 4u * ((uint64_t)VHS_MIH_KEYS + 1u + n) + 2u * (n + (n & 1u));
}

/* 16-bit MIH chunk k of a PDQ code (bytes 2k and 2k+1, little-endian). */
static inline uint32_t vhs_chunk(const uint8_t *code, unsigned k) {
    return (uint32_t)code[2 * k] | ((uint32_t)code[2 * k + 1] << 8);
}

/* Top `bits` bits of a key, read big-endian (bits <= 24). */
static inline uint32_t vhs_prefix(const uint8_t *key, uint32_t bits) {
    uint32_t v = ((uint32_t)key[0] << 16) | ((uint32_t)key[1] << 8) | key[2];
    return bits ? v >> (24 - bits) : 0;
}

#endif /* VIGIL_VHS_FORMAT_H */
