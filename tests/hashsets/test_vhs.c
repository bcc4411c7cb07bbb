/* test_vhs.c — the .vhs index: build, open, exact look-ups of every type, merged duplicates,
 * provenance, file mode, and refusal of truncated, edited, wrong-version or lying files. */
#include "hset_fixture.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stddef.h>
#include <sys/stat.h>

#include <openssl/evp.h>

#include "../../hashsets/vhs_format.h"

static char dir[64], path[128];

static void setup(void) {
    fx_mkdir(dir, sizeof dir);
    snprintf(path, sizeof path, "%s/lists.vhs", dir);
}
static void teardown(void) {
    fx_rmdir(dir);
}

TestSuite(vhs, .init = setup, .fini = teardown);

/* ---- a small index with every type, two lists, duplicates ---- */

static const size_t lens[4] = {16, 20, 32, 32};
static const vg_hash_type types[4] = {VG_HT_MD5, VG_HT_SHA1, VG_HT_SHA256, VG_HT_PDQ};

/* Hash i of type t: a fixed pattern so tests can rebuild it. */
static void hash_of(int t, unsigned i, uint8_t *out) {
    for (size_t k = 0; k < lens[t]; k++)
        out[k] = (uint8_t)(i * 31u + k * 7u + (unsigned)t * 101u + (k == 0 ? i >> 8 : 0));
}

static void build_small(void) {
    vg_hset_build *b;
    uint8_t h[32];
    char id[32];
    cr_assert_eq(vg_hset_build_new(&b, "test index", "7"), VG_OK);
    vg_hset_list_info li = {.name = "alert list",
                            .version = "v1",
                            .date = "2026-11-01",
                            .format = "test",
                            .source = "/dev/null",
                            .role = VG_ROLE_ALERT,
                            .has_sha256 = true};
    memset(li.sha256, 0xab, 32);
    cr_assert_eq(vg_hset_build_list(b, &li), VG_OK);
    for (int t = 0; t < 4; t++) {
        for (unsigned i = 0; i < 10; i++) {
            hash_of(t, i, h);
            snprintf(id, sizeof id, "A-%d-%u", t, i);
            vg_hset_entry e = fx_entry(types[t], h, lens[t], id);
            e.cat_profile = "vics-us";
            e.cat_code = i == 0 ? "0" : "1";
            e.cat_label = i == 0 ? "non-pertinent" : "CSAM";
            e.non_pertinent = i == 0;
            e.quality = t == 3 ? 90 : -1;
            cr_assert_eq(vg_hset_build_add(b, &e), VG_OK, "%s", vg_hset_build_errmsg(b));
            if (i == 5) /* the very same record again: kept once */
                cr_assert_eq(vg_hset_build_sink(b, &e), VG_OK);
        }
    }
    vg_hset_entry pd = fx_entry(VG_HT_PHOTODNA, h, 0, "P");
    cr_assert_eq(vg_hset_build_add(b, &pd), VG_OK);
    cr_assert_eq(vg_hset_build_list_done(b, NULL, 3, 0), VG_OK);
    fx_list(b, "good list", VG_ROLE_KNOWN_GOOD);
    for (int t = 0; t < 4; t++) { /* hash 1 of each type is also on the known-good list */
        hash_of(t, 1, h);
        vg_hset_entry e = fx_entry(types[t], h, lens[t], NULL);
        cr_assert_eq(vg_hset_build_add(b, &e), VG_OK);
    }
    vg_hset_list_info done = {.name = "good list",
                              .format = "sha256sum",
                              .date = "2026-10-31",
                              .role = VG_ROLE_ALERT /* ignored: entries carry the first role */};
    cr_assert_eq(vg_hset_build_list_done(b, &done, 0, 2), VG_OK);
    cr_assert_eq(vg_hset_build_write(b, path), VG_OK, "%s", vg_hset_build_errmsg(b));
    cr_assert_eq(vg_hset_build_list_done(b, NULL, 0, 0), VG_E_INVAL);
    vg_hset_build_stats s;
    vg_hset_build_stats_get(b, &s);
    cr_assert_eq(s.n_records, 48);
    cr_assert_eq(s.n_unmatchable, 3);
    cr_assert_eq(s.n_entries, 44);
    for (int t = 0; t < 4; t++)
        cr_assert_eq(s.n_keys[t], 10);
    vg_hset_build_free(b);
}

static vg_hset *open_ok(unsigned flags) {
    vg_hset *h = NULL;
    char err[256];
    cr_assert_eq(vg_hset_open(&h, path, flags, err, sizeof err), VG_OK, "%s", err);
    return h;
}

Test(vhs, builds_and_reports_counts_and_provenance) {
    build_small();
    vg_hset *h = open_ok(0);
    vg_hset_info in;
    vg_hset_info_get(h, &in);
    cr_assert_eq(in.format_version, 2);
    cr_assert_str_eq(in.name, "test index");
    cr_assert_str_eq(in.version, "7");
    cr_assert_eq(in.n_lists, 2);
    cr_assert_eq(in.n_entries, 44);
    for (int t = 0; t < 4; t++)
        cr_assert_eq(in.n_keys[t], 10);
    vg_hset_list l;
    cr_assert_eq(vg_hset_list_get(h, 0, &l), VG_OK);
    cr_assert_str_eq(l.name, "alert list");
    cr_assert_str_eq(l.version, "v1");
    cr_assert_str_eq(l.date, "2026-11-01");
    cr_assert_str_eq(l.format, "test");
    cr_assert(l.has_sha256 && l.sha256[0] == 0xab && l.sha256[31] == 0xab);
    cr_assert_eq(l.role, VG_ROLE_ALERT);
    cr_assert_eq(l.n_records, 45);
    cr_assert_eq(l.n_stored, 44);
    cr_assert_eq(l.n_unmatchable, 1);
    cr_assert_eq(l.n_skipped, 3);
    cr_assert_eq(vg_hset_list_get(h, 1, &l), VG_OK);
    cr_assert_str_eq(l.name, "good list");
    cr_assert_str_eq(l.version, "");
    cr_assert_str_eq(l.format, "sha256sum");
    cr_assert_str_eq(l.date, "2026-10-31");
    cr_assert_eq(l.role, VG_ROLE_KNOWN_GOOD);
    cr_assert_eq(l.n_records, 6);
    cr_assert_eq(l.n_stored, 4);
    cr_assert_eq(l.n_unmatchable, 2);
    cr_assert_eq(vg_hset_list_get(h, 2, &l), VG_E_INVAL);
    vg_hset_close(h);
}

/* An importer learns only while reading that a list is NSRL (known-good) and what it rejected:
 * list_done records both; the role changes only when every entry was non-pertinent. */
Test(vhs, list_done_records_rejections_and_a_late_known_good_role) {
    vg_hset_build *b;
    uint8_t h[32];
    cr_assert_eq(vg_hset_build_new(&b, NULL, NULL), VG_OK);
    vg_list_role late[3] = {VG_ROLE_KNOWN_GOOD, VG_ROLE_KNOWN_GOOD, VG_ROLE_ALERT};
    for (unsigned l = 0; l < 3; l++) {
        fx_list(b,
                l == 0   ? "nsrl"
                : l == 1 ? "mixed"
                         : "good then alert",
                l == 2 ? VG_ROLE_KNOWN_GOOD : VG_ROLE_ALERT);
        for (unsigned i = 0; i < 3; i++) {
            hash_of(0, 100 * l + i, h);
            vg_hset_entry e = fx_entry(VG_HT_MD5, h, 16, NULL);
            e.non_pertinent = l != 1 || i != 2; /* list 1 has one alert entry */
            cr_assert_eq(vg_hset_build_add(b, &e), VG_OK);
        }
        vg_hset_list_info done = {.name = "x",
                                  .role = late[l],
                                  .n_empty_digest = 1 + l,
                                  .n_all_zero = 2 + l,
                                  .n_photodna = 3 + l,
                                  .n_tmk = 4 + l};
        cr_assert_eq(vg_hset_build_list_done(b, &done, 0, 7 + 2 * l), VG_OK);
    }
    cr_assert_eq(vg_hset_build_write(b, path), VG_OK, "%s", vg_hset_build_errmsg(b));
    vg_hset_build_free(b);
    vg_hset *x = open_ok(0);
    vg_list_role want[3] = {VG_ROLE_KNOWN_GOOD, VG_ROLE_ALERT, VG_ROLE_KNOWN_GOOD};
    for (unsigned l = 0; l < 3; l++) {
        vg_hset_list li;
        cr_assert_eq(vg_hset_list_get(x, l, &li), VG_OK);
        cr_assert_eq(li.role, want[l], "list %u", l);
        cr_assert_eq(li.n_empty_digest, 1 + l);
        cr_assert_eq(li.n_all_zero, 2 + l);
        cr_assert_eq(li.n_photodna, 3 + l);
        cr_assert_eq(li.n_tmk, 4 + l);
        cr_assert_eq(li.n_unmatchable, 7 + 2 * l);
        for (unsigned i = 0; i < 3; i++) { /* the entries carry their list's final role */
            uint64_t first, count;
            vg_hset_rec r;
            hash_of(0, 100 * l + i, h);
            cr_assert_eq(vg_hset_lookup(x, VG_HT_MD5, h, 16, &first, &count), VG_OK);
            cr_assert_eq(count, 1);
            cr_assert_eq(vg_hset_rec_get(x, first, &r), VG_OK);
            cr_assert_eq(r.known_good, want[l] == VG_ROLE_KNOWN_GOOD, "list %u entry %u", l, i);
        }
    }
    vg_hset_close(x);
}

Test(vhs, exact_lookup_hits_and_misses_every_type) {
    build_small();
    vg_hset *h = open_ok(0);
    uint8_t key[32];
    uint64_t first, count;
    for (int t = 0; t < 4; t++) {
        for (unsigned i = 0; i < 10; i++) {
            hash_of(t, i, key);
            cr_assert_eq(vg_hset_lookup(h, types[t], key, lens[t], &first, &count), VG_OK);
            cr_assert_eq(count, i == 1 ? 2 : 1, "type %d hash %u: %llu entries", t, i,
                         (unsigned long long)count);
            vg_hset_rec r;
            cr_assert_eq(vg_hset_rec_get(h, first, &r), VG_OK);
            char want[32];
            snprintf(want, sizeof want, "A-%d-%u", t, i);
            cr_assert_str_eq(r.id, want);
            cr_assert_eq(r.list, 0);
            cr_assert_str_eq(r.cat_profile, "vics-us");
            cr_assert_str_eq(r.cat_code, i == 0 ? "0" : "1");
            cr_assert_eq(r.non_pertinent, i == 0);
            cr_assert_eq(r.known_good, false);
            cr_assert_eq(r.quality, t == 3 ? 90 : -1);
            if (i == 1) {
                cr_assert_eq(vg_hset_rec_get(h, first + 1, &r), VG_OK);
                cr_assert_eq(r.list, 1);
                cr_assert_eq(r.known_good, true);
                cr_assert_str_eq(r.id, "");
                cr_assert_str_eq(r.cat_profile, "");
            }
        }
        hash_of(t, 10, key); /* never added */
        cr_assert_eq(vg_hset_lookup(h, types[t], key, lens[t], &first, &count), VG_OK);
        cr_assert_eq(count, 0);
        key[lens[t] - 1] ^= 1;
        cr_assert_eq(vg_hset_lookup(h, types[t], key, lens[t], &first, &count), VG_OK);
        cr_assert_eq(count, 0);
    }
    cr_assert_eq(vg_hset_lookup(h, VG_HT_MD5, key, 20, &first, &count), VG_E_INVAL);
    cr_assert_eq(vg_hset_lookup(h, VG_HT_PHOTODNA, key, 32, &first, &count), VG_E_INVAL);
    vg_hset_close(h);
}

Test(vhs, many_random_digests_all_found_and_strangers_missed) {
    enum { N = 20000 };
    fx_seed("vhs.many_random_digests", 1234);
    uint8_t *keys = malloc((size_t)N * 3 * 32);
    cr_assert_not_null(keys);
    fx_bytes(keys, (size_t)N * 3 * 32);
    vg_hset_build *b;
    cr_assert_eq(vg_hset_build_new(&b, NULL, NULL), VG_OK);
    fx_list(b, "random", VG_ROLE_ALERT);
    for (int t = 0; t < 3; t++)
        for (size_t i = 0; i < N; i++) {
            vg_hset_entry e = fx_entry(types[t], keys + ((size_t)t * N + i) * 32, lens[t], NULL);
            cr_assert_eq(vg_hset_build_add(b, &e), VG_OK);
        }
    cr_assert_eq(vg_hset_build_write(b, path), VG_OK, "%s", vg_hset_build_errmsg(b));
    vg_hset_build_free(b);
    vg_hset *h = open_ok(VG_HSET_OPEN_FAST);
    uint64_t first, count, found = 0, missed = 0;
    uint8_t other[32];
    for (int t = 0; t < 3; t++)
        for (size_t i = 0; i < N; i++) {
            const uint8_t *k = keys + ((size_t)t * N + i) * 32;
            cr_assert_eq(vg_hset_lookup(h, types[t], k, lens[t], &first, &count), VG_OK);
            found += count == 1;
            memcpy(other, k, 32);
            other[i % lens[t]] ^= (uint8_t)(1u << (i % 8));
            cr_assert_eq(vg_hset_lookup(h, types[t], other, lens[t], &first, &count), VG_OK);
            missed += count == 0;
        }
    cr_assert_eq(found, 3 * N);
    cr_assert_eq(missed, 3 * N);
    vg_hset_close(h);
    free(keys);
}

/* The batch answers exactly as one look-up at a time: hits, misses, keys that share their first
 * 8 bytes (compared as one number, then the rest), PDQ codes at distance 0, and a query of the
 * wrong type or length (refused alone, the rest still answered). */
Test(vhs, batch_lookups_answer_as_single_ones) {
    enum { N = 3000, NQ = 4 * N + 3 };
    fx_seed("vhs.batch_lookups", 4321);
    uint8_t *keys = malloc((size_t)N * 4 * 32), *miss = malloc((size_t)N * 4 * 32);
    cr_assert(keys && miss);
    fx_bytes(keys, (size_t)N * 4 * 32);
    for (size_t i = 1; i < (size_t)N * 4; i += 2) /* pairs sharing the first 8 bytes */
        memcpy(keys + i * 32, keys + (i - 1) * 32, 8);
    memcpy(miss, keys, (size_t)N * 4 * 32);
    vg_hset_build *b;
    cr_assert_eq(vg_hset_build_new(&b, NULL, NULL), VG_OK);
    fx_list(b, "random", VG_ROLE_ALERT);
    for (int t = 0; t < 4; t++)
        for (size_t i = 0; i < N; i += 1 + (i % 3 == 0)) { /* every third key left out */
            vg_hset_entry e = fx_entry(types[t], keys + ((size_t)t * N + i) * 32, lens[t], NULL);
            cr_assert_eq(vg_hset_build_add(b, &e), VG_OK);
        }
    cr_assert_eq(vg_hset_build_write(b, path), VG_OK, "%s", vg_hset_build_errmsg(b));
    vg_hset_build_free(b);
    vg_hset *h = open_ok(VG_HSET_OPEN_FAST);
    vg_hset_query *q = calloc(NQ, sizeof *q);
    cr_assert_not_null(q);
    for (size_t j = 0; j < (size_t)4 * N; j++) {
        int t = (int)(j % 4);
        size_t i = j / 4;
        q[j].type = types[t];
        q[j].hash = keys + ((size_t)t * N + i) * 32;
        q[j].len = lens[t];
        if (j % 7 == 0) { /* a near miss: last byte changed */
            uint8_t *m = miss + ((size_t)t * N + i) * 32;
            m[lens[t] - 1] ^= 0x40;
            q[j].hash = m;
        }
    }
    q[4 * N] = (vg_hset_query){.type = VG_HT_PHOTODNA, .hash = keys, .len = 16};
    q[4 * N + 1] = (vg_hset_query){.type = VG_HT_PDQ, .hash = NULL, .len = 32};
    q[4 * N + 2] = (vg_hset_query){.type = VG_HT_MD5, .hash = keys, .len = 16};
    cr_assert_eq(vg_hset_lookup_batch(h, q, NQ), VG_E_INVAL);
    uint64_t hits = 0;
    for (size_t j = 0; j < (size_t)NQ; j++) {
        uint64_t first = 99, count = 99;
        if (!q[j].hash) /* refused by the batch; vg_hset_lookup() takes no NULL */
            continue;
        vg_status st = vg_hset_lookup(h, q[j].type, q[j].hash, q[j].len, &first, &count);
        cr_assert_eq(q[j].count, count, "query %zu", j);
        if (st == VG_OK && count)
            cr_assert_eq(q[j].first, first, "query %zu", j);
        hits += count > 0;
    }
    cr_assert_eq(q[4 * N].count, 0);
    cr_assert_eq(q[4 * N + 1].count, 0);
    cr_assert_eq(q[4 * N + 2].count, 1); /* keys[0] as an MD5 */
    cr_assert_gt(hits, (uint64_t)N * 2);
    cr_assert_lt(hits, (uint64_t)N * 3);
    cr_assert_eq(vg_hset_lookup_batch(h, q, 0), VG_OK);
    free(q);
    vg_hset_close(h);
    free(keys);
    free(miss);
}

Test(vhs, empty_index_opens_and_finds_nothing) {
    vg_hset_build *b;
    cr_assert_eq(vg_hset_build_new(&b, NULL, NULL), VG_OK);
    cr_assert_eq(vg_hset_build_write(b, path), VG_OK, "%s", vg_hset_build_errmsg(b));
    vg_hset_build_free(b);
    vg_hset *h = open_ok(0);
    uint8_t key[32] = {1};
    uint64_t first, count;
    for (int t = 0; t < 4; t++) {
        cr_assert_eq(vg_hset_lookup(h, types[t], key, lens[t], &first, &count), VG_OK);
        cr_assert_eq(count, 0);
    }
    cr_assert_null(vg_hset_pdq_code(h, 0));
    vg_hset_close(h);
}

Test(vhs, file_is_private_and_no_temporary_is_left) {
    build_small();
    struct stat sb;
    cr_assert_eq(stat(path, &sb), 0);
    cr_assert_eq(sb.st_mode & 0777, 0600);
    DIR *d = opendir(dir);
    cr_assert_not_null(d);
    int names = 0;
    for (struct dirent *de; (de = readdir(d)) != NULL;)
        names += strcmp(de->d_name, ".") != 0 && strcmp(de->d_name, "..") != 0;
    closedir(d);
    cr_assert_eq(names, 1, "a temporary file was left beside the index");
}

Test(vhs, misuse_is_refused_with_a_message) {
    vg_hset_build *b;
    uint8_t h[32] = {1};
    cr_assert_eq(vg_hset_build_new(&b, NULL, NULL), VG_OK);
    vg_hset_entry e = fx_entry(VG_HT_MD5, h, 16, NULL);
    cr_assert_eq(vg_hset_build_add(b, &e), VG_E_INVAL);
    cr_assert(strstr(vg_hset_build_errmsg(b), "no list started"));
    fx_list(b, "l", VG_ROLE_ALERT);
    e.hash_len = 20;
    cr_assert_eq(vg_hset_build_add(b, &e), VG_E_INVAL);
    cr_assert(strstr(vg_hset_build_errmsg(b), "hash length"));
    char bad[160];
    snprintf(bad, sizeof bad, "%s/no/such/dir/x.vhs", dir);
    cr_assert_eq(vg_hset_build_write(b, bad), VG_E_IO);
    cr_assert(strstr(vg_hset_build_errmsg(b), "No such file"));
    cr_assert_eq(vg_hset_build_write(b, path), VG_E_INVAL);
    cr_assert_eq(access(path, F_OK), -1);
    vg_hset_build_free(b);
}

/* ---- refusal of damaged files ---- */

static uint8_t *slurp(size_t *n) {
    FILE *f = fopen(path, "rb");
    cr_assert_not_null(f);
    fseek(f, 0, SEEK_END);
    *n = (size_t)ftell(f);
    rewind(f);
    uint8_t *p = malloc(*n);
    cr_assert_not_null(p);
    cr_assert_eq(fread(p, 1, *n, f), *n);
    fclose(f);
    return p;
}

static void spill(const char *to, const uint8_t *p, size_t n) {
    FILE *f = fopen(to, "wb");
    cr_assert_not_null(f);
    cr_assert_eq(fwrite(p, 1, n, f), n);
    fclose(f);
}

static vg_status open_status(const char *p, unsigned flags, char *err, size_t cap) {
    vg_hset *h = NULL;
    vg_status st = vg_hset_open(&h, p, flags, err, cap);
    if (st == VG_OK) {
        cr_assert_not_null(h);
        vg_hset_close(h);
    } else {
        cr_assert_null(h);
    }
    return st;
}

/* Recompute the header's own SHA-256 after an edit, as a forger would. */
static void reseal_header(uint8_t *p) {
    unsigned int len;
    memset(p + offsetof(struct vhs_header, header_sha256), 0, 32);
    uint8_t md[32];
    cr_assert(EVP_Digest(p, VHS_HEADER_SIZE, md, &len, EVP_sha256(), NULL));
    memcpy(p + offsetof(struct vhs_header, header_sha256), md, 32);
}

Test(vhs, truncation_anywhere_is_refused) {
    build_small();
    size_t n;
    uint8_t *p = slurp(&n);
    char cut[160], err[256];
    snprintf(cut, sizeof cut, "%s/cut.vhs", dir);
    size_t points[] = {0, 1, 7, 8, 100, 4095, 4096, 4097, n / 3, n / 2, n - 64, n - 1};
    for (size_t i = 0; i < sizeof points / sizeof points[0]; i++) {
        spill(cut, p, points[i]);
        for (unsigned fast = 0; fast < 2; fast++) {
            vg_status st = open_status(cut, fast ? VG_HSET_OPEN_FAST : 0, err, sizeof err);
            cr_assert_eq(st, VG_E_FORMAT, "cut at %zu: %s", points[i], vg_status_str(st));
            cr_assert(strstr(err, "truncated"), "cut at %zu: '%s'", points[i], err);
        }
    }
    spill(cut, p, 4096);
    open_status(cut, 0, err, sizeof err);
    cr_assert(strstr(err, "header says"), "%s", err);
    free(p);
}

Test(vhs, every_header_byte_flip_is_refused) {
    build_small();
    size_t n;
    uint8_t *p = slurp(&n);
    char ed[160], err[256];
    snprintf(ed, sizeof ed, "%s/edited.vhs", dir);
    for (size_t off = 0; off < VHS_HEADER_SIZE; off += (off < 1024 ? 1 : 61)) {
        p[off] ^= 0x10;
        spill(ed, p, n);
        vg_status st = open_status(ed, VG_HSET_OPEN_FAST, err, sizeof err);
        p[off] ^= 0x10;
        vg_status want = off < 8 ? VG_E_FORMAT : off < 12 ? VG_E_UNSUPPORTED : VG_E_VERIFY;
        cr_assert_eq(st, want, "flip at %zu: %s (%s)", off, vg_status_str(st), err);
    }
    p[0] ^= 1;
    spill(ed, p, n);
    open_status(ed, 0, err, sizeof err);
    cr_assert(strstr(err, "bad magic"), "%s", err);
    p[0] ^= 1;
    p[100] ^= 1;
    spill(ed, p, n);
    open_status(ed, 0, err, sizeof err);
    cr_assert(strstr(err, "header checksum mismatch"), "%s", err);
    free(p);
}

Test(vhs, body_byte_flips_are_refused_and_fast_mode_stays_in_bounds) {
    build_small();
    size_t n;
    uint8_t *p = slurp(&n);
    char ed[160], err[256];
    snprintf(ed, sizeof ed, "%s/edited.vhs", dir);
    fx_seed("vhs.body_byte_flips", 99);
    for (int i = 0; i < 64; i++) {
        size_t off = VHS_HEADER_SIZE + (size_t)(fx_next() % (n - VHS_HEADER_SIZE));
        uint8_t x = (uint8_t)(1u + fx_next() % 255);
        p[off] ^= x;
        spill(ed, p, n);
        vg_status st = open_status(ed, 0, err, sizeof err);
        cr_assert_eq(st, VG_E_VERIFY, "flip at %zu: %s", off, vg_status_str(st));
        cr_assert(strstr(err, "body checksum mismatch"), "%s", err);
        /* Fast mode skips the hash: it may open, but every look-up stays inside the file. */
        vg_hset *h = NULL;
        if (vg_hset_open(&h, ed, VG_HSET_OPEN_FAST, err, sizeof err) == VG_OK) {
            uint8_t key[32];
            uint64_t first, count;
            vg_hset_rec r;
            for (int t = 0; t < 4; t++)
                for (unsigned k = 0; k < 11; k++) {
                    hash_of(t, k, key);
                    cr_assert_eq(vg_hset_lookup(h, types[t], key, lens[t], &first, &count), VG_OK);
                    for (uint64_t j = 0; j < count; j++)
                        cr_assert_eq(vg_hset_rec_get(h, first + j, &r), VG_OK);
                }
            vg_hset_close(h);
        }
        p[off] ^= x;
    }
    free(p);
}

Test(vhs, wrong_version_is_refused_as_unsupported) {
    build_small();
    size_t n;
    uint8_t *p = slurp(&n);
    char ed[160], err[256];
    snprintf(ed, sizeof ed, "%s/v3.vhs", dir);
    uint32_t v = 3;
    memcpy(p + offsetof(struct vhs_header, version), &v, 4);
    reseal_header(p);
    spill(ed, p, n);
    cr_assert_eq(open_status(ed, 0, err, sizeof err), VG_E_UNSUPPORTED);
    cr_assert(strstr(err, "format version 3"), "%s", err);
    free(p);
}

Test(vhs, lying_offsets_and_counts_are_refused_even_with_a_valid_header_checksum) {
    build_small();
    size_t n;
    uint8_t *p = slurp(&n);
    char ed[160], err[256];
    snprintf(ed, sizeof ed, "%s/lies.vhs", dir);
    size_t sec = offsetof(struct vhs_header, sec);
    size_t es = sizeof(struct vhs_section_ent);
    struct {
        int s;
        size_t field; /* offset inside vhs_section_ent */
        uint64_t value;
        const char *why;
    } lies[] = {
        {VHS_S_ENTRIES, offsetof(struct vhs_section_ent, offset), (uint64_t)n, "outside"},
        {VHS_S_MIH, offsetof(struct vhs_section_ent, size), (uint64_t)n, "outside"},
        {VHS_S_KEYS(0), offsetof(struct vhs_section_ent, offset), 4096 + 3, "outside"},
        {VHS_S_ENTRIES, offsetof(struct vhs_section_ent, count), 1000, "does not fit"},
        {VHS_S_KEYS(1), offsetof(struct vhs_section_ent, count), 11, "does not fit"},
        {VHS_S_ERANGE(1), offsetof(struct vhs_section_ent, count), 12, "expected 11"},
        {VHS_S_BUCKETS(0), offsetof(struct vhs_section_ent, param), 25, "prefix bits"},
        {VHS_S_PDQ_CODES, offsetof(struct vhs_section_ent, count), 9, "does not fit"},
        {VHS_S_MIH, offsetof(struct vhs_section_ent, count), 11, "multi-index"},
        {VHS_S_LISTS, offsetof(struct vhs_section_ent, offset), 0, "outside"},
    };
    for (size_t i = 0; i < sizeof lies / sizeof lies[0]; i++) {
        uint8_t *q = malloc(n);
        cr_assert_not_null(q);
        memcpy(q, p, n);
        size_t at = sec + (size_t)lies[i].s * es + lies[i].field;
        if (lies[i].field == offsetof(struct vhs_section_ent, param)) {
            uint32_t v = (uint32_t)lies[i].value;
            memcpy(q + at, &v, 4);
        } else {
            memcpy(q + at, &lies[i].value, 8);
        }
        reseal_header(q);
        spill(ed, q, n);
        vg_status st = open_status(ed, VG_HSET_OPEN_FAST, err, sizeof err);
        cr_assert_eq(st, VG_E_FORMAT, "lie %zu: %s (%s)", i, vg_status_str(st), err);
        cr_assert(strstr(err, lies[i].why), "lie %zu: '%s'", i, err);
        free(q);
    }
    free(p);
}

Test(vhs, missing_or_odd_files_are_io_errors) {
    char err[256];
    char missing[160];
    snprintf(missing, sizeof missing, "%s/none.vhs", dir);
    cr_assert_eq(open_status(missing, 0, err, sizeof err), VG_E_IO);
    cr_assert(strstr(err, "No such file"), "%s", err);
    cr_assert_eq(open_status(dir, 0, err, sizeof err), VG_E_IO);
    cr_assert(strstr(err, "not a regular file"), "%s", err);
}
