/* test_digest.c — one-pass MD5/SHA-1/SHA-256: known vectors, every block boundary, fd = buffer. */
#include <criterion/criterion.h>

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "vigil/digest.h"

static vg_digest *dg;

static void setup(void) {
    cr_assert_eq(vg_digest_open(&dg), VG_OK);
}
static void teardown(void) {
    vg_digest_free(dg);
}

TestSuite(digest, .init = setup, .fini = teardown);

static void hexes(const vg_digests *d, char *md5, char *sha1, char *sha256) {
    vg_hex(d->md5, VG_MD5_LEN, md5);
    vg_hex(d->sha1, VG_SHA1_LEN, sha1);
    vg_hex(d->sha256, VG_SHA256_LEN, sha256);
}

Test(digest, empty_input_gives_the_known_empty_digests) {
    vg_digests d;
    char m[33], s1[41], s2[65];
    cr_assert_eq(vg_digest_buffer(dg, NULL, 0, &d), VG_OK);
    hexes(&d, m, s1, s2);
    cr_assert_eq(d.size, 0);
    cr_assert_str_eq(m, "d41d8cd98f00b204e9800998ecf8427e");
    cr_assert_str_eq(s1, "da39a3ee5e6b4b0d3255bfef95601890afd80709");
    cr_assert_str_eq(s2, "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
}

Test(digest, abc_matches_fips_vectors) {
    vg_digests d;
    char m[33], s1[41], s2[65];
    cr_assert_eq(vg_digest_buffer(dg, "abc", 3, &d), VG_OK);
    hexes(&d, m, s1, s2);
    cr_assert_eq(d.size, 3);
    cr_assert_str_eq(m, "900150983cd24fb0d6963f7d28e17f72");
    cr_assert_str_eq(s1, "a9993e364706816aba3e25717850c26c9cd0d89d");
    cr_assert_str_eq(s2, "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
}

Test(digest, a_million_as_across_subchunks_matches_fips_vectors) {
    size_t n = 1000000;
    char *a = malloc(n);
    cr_assert_not_null(a);
    memset(a, 'a', n);
    vg_digests d;
    char m[33], s1[41], s2[65];
    /* Fed in uneven pieces so sub-chunk boundaries fall mid-block. */
    cr_assert_eq(vg_digest_reset(dg), VG_OK);
    for (size_t off = 0; off < n;) {
        size_t k = off % 7 == 0 ? 99991 : 65537;
        if (k > n - off)
            k = n - off;
        cr_assert_eq(vg_digest_update(dg, a + off, k), VG_OK);
        off += k;
    }
    cr_assert_eq(vg_digest_final(dg, &d), VG_OK);
    hexes(&d, m, s1, s2);
    cr_assert_eq(d.size, n);
    cr_assert_str_eq(m, "7707d6ae4e027c70eea2a935c2296f21");
    cr_assert_str_eq(s1, "34aa973cd4c4daa4f61eeb2bdbad27316534016f");
    cr_assert_str_eq(s2, "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0");
    free(a);
}

/* Write n pseudo-random bytes to a temp file and return its fd, rewound. */
static int temp_file(const unsigned char *data, size_t n) {
    char path[] = "/tmp/vigil-test-digest-XXXXXX";
    int fd = mkstemp(path);
    cr_assert(fd >= 0);
    unlink(path);
    cr_assert_eq(write(fd, data, n), (ssize_t)n);
    cr_assert_eq(lseek(fd, 0, SEEK_SET), 0);
    return fd;
}

Test(digest, fd_and_buffer_agree_at_every_block_boundary_size) {
    static const size_t sizes[] = {
        0, 1, 55, 56, 63, 64, 65, 127, 128, 129, (1u << 20) - 1, 1u << 20, (1u << 20) + 1};
    size_t maxn = (1u << 20) + 1;
    unsigned char *data = malloc(maxn);
    cr_assert_not_null(data);
    unsigned seed = 12345;
    for (size_t i = 0; i < maxn; i++) {
        seed = seed * 1103515245u + 12345u;
        data[i] = (unsigned char)(seed >> 16);
    }
    unsigned char small[100];
    for (size_t i = 0; i < sizeof sizes / sizeof sizes[0]; i++) {
        vg_digests a, b, c;
        memset(&a, 0, sizeof a); /* the struct has tail padding: compare whole values */
        memset(&b, 0, sizeof b);
        memset(&c, 0, sizeof c);
        cr_assert_eq(vg_digest_buffer(dg, data, sizes[i], &a), VG_OK);
        int fd = temp_file(data, sizes[i]);
        cr_assert_eq(vg_digest_fd(dg, fd, NULL, 0, &b, NULL), VG_OK);
        cr_assert_eq(lseek(fd, 0, SEEK_SET), 0);
        /* A tiny caller buffer forces many reads. */
        cr_assert_eq(vg_digest_fd(dg, fd, small, sizeof small, &c, NULL), VG_OK);
        close(fd);
        cr_assert_eq(a.size, sizes[i]);
        cr_assert_eq(b.size, sizes[i]);
        cr_assert_arr_eq(&a, &b, sizeof a, "size %zu: fd differs from buffer", sizes[i]);
        cr_assert_arr_eq(&a, &c, sizeof a, "size %zu: small buffer differs", sizes[i]);
    }
    free(data);
}

Test(digest, read_error_is_reported_with_errno_and_context_stays_usable) {
    vg_digests d;
    int err = 0;
    int fd = open("/", O_RDONLY | O_DIRECTORY);
    cr_assert(fd >= 0);
    cr_assert_eq(vg_digest_fd(dg, fd, NULL, 0, &d, &err), VG_E_IO);
    cr_assert_eq(err, EISDIR);
    close(fd);
    cr_assert_eq(vg_digest_buffer(dg, "abc", 3, &d), VG_OK);
    char s2[65];
    cr_assert_str_eq(vg_hex(d.sha256, VG_SHA256_LEN, s2),
                     "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
}

Test(digest, status_names_are_stable) {
    cr_assert_str_eq(vg_status_str(VG_OK), "ok");
    cr_assert_str_eq(vg_status_str(VG_E_IO), "input/output error");
    cr_assert_str_eq(vg_status_str((vg_status)999), "unknown status");
}
