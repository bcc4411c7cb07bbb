/*
 * import_encase.c — EnCase legacy (v1–v6) binary hash sets (HASHLISTS.md §7.5; sleuthkit
 * tsk/hashdb/encase.cpp, Autopsy EncaseHashSetParser, hashdeep src/files.cpp agree):
 *   0x000  8  signature "HASH\r\n\xff\0"     0x008  4  version (LE)
 *   0x010  4  number of hashes (LE)          0x408  0x50  set name, UTF-16LE
 *   0x458  0x28  set type, UTF-16LE ("Known" / "Notable")
 *   0x480  records of 16 raw MD5 bytes + 2 separator bytes.
 * The set name becomes the list's name; a "Known" set is known-good. Records are numbered from
 * 1 in messages (there are no lines). The EnCase 7+ hash library format is not public.
 */
#include "import_impl.h"

#include <stdio.h>
#include <string.h>
#include <strings.h>

#define HDR 0x480u
#define REC 18u

static const unsigned char sig[8] = {'H', 'A', 'S', 'H', '\r', '\n', 0xff, 0};

int imp_encase_bid(const imp_prefix *pf) {
    return pf->n >= sizeof sig && !memcmp(pf->p, sig, sizeof sig) ? 100 : 0;
}

static uint32_t le32(const unsigned char *p) {
    return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

/* UTF-16LE field to ASCII (other characters become '?'), up to the first NUL. */
static void utf16_ascii(const unsigned char *p, size_t bytes, char *out, size_t cap) {
    size_t k = 0;
    for (size_t i = 0; i + 1 < bytes && k + 1 < cap; i += 2) {
        unsigned c = p[i] | (unsigned)p[i + 1] << 8;
        if (c == 0)
            break;
        out[k++] = (char)(c >= 0x20 && c < 0x7f ? c : '?');
    }
    out[k] = '\0';
}

static vg_status header(vg_hset_import *h, uint32_t *count) {
    const unsigned char *p;
    size_t got;
    vg_status st = rd_bytes(&h->rd, HDR, &p, &got);
    if (st != VG_OK)
        return st;
    if (got < HDR || memcmp(p, sig, sizeof sig) != 0)
        return imp_fail(h, VG_E_FORMAT, 0, "not an EnCase hash set (signature or header short)");
    *count = le32(p + 0x10);
    char type[24], version[16];
    utf16_ascii(p + 0x408, 0x50, h->prov.name, sizeof h->prov.name);
    utf16_ascii(p + 0x458, 0x28, type, sizeof type);
    snprintf(version, sizeof version, "%u", (unsigned)(le32(p + 8) & 0xffffu));
    imp_copy(h->prov.version, sizeof h->prov.version, version, strlen(version));
    if (!strcasecmp(type, "known"))
        h->file_role = VG_ROLE_KNOWN_GOOD;
    return VG_OK;
}

vg_status imp_encase_read(vg_hset_import *h) {
    uint32_t count = 0;
    vg_status st = header(h, &count);
    for (uint64_t n = 1; st == VG_OK; n++) {
        const unsigned char *p;
        size_t got;
        st = rd_bytes(&h->rd, REC, &p, &got);
        if (st != VG_OK || got == 0) {
            if (st == VG_OK && n - 1 != count)
                st = imp_bad(h, 0, "header says %u hashes, the file holds %llu", count,
                             (unsigned long long)(n - 1));
            return st;
        }
        h->st.records++;
        if (got < REC) {
            st = imp_bad(h, n, "record truncated");
            continue;
        }
        vg_hset_entry e;
        imp_entry_init(&e, n);
        e.type = VG_HT_MD5;
        e.hash_len = 16;
        memcpy(e.hash, p, 16);
        st = imp_emit(h, &e);
    }
    return st;
}
