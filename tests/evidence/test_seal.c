/* test_seal.c — chain, RFC 6962 Merkle tree and minisign signatures, against the shared test
 * vectors (tests/data/evidence/vectors, from shared/evidence-test-vectors) and a reference. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/evp.h>

#include "vigil/ev_seal.h"

#define VEC VIGIL_TEST_DATA "/evidence/vectors/"

static char *slurp(const char *path, size_t *n) {
    FILE *f = fopen(path, "rb");
    cr_assert(f != NULL, "%s", path);
    char *buf = malloc(1 << 16);
    *n = fread(buf, 1, (1 << 16) - 1, f);
    buf[*n] = '\0';
    fclose(f);
    return buf;
}

static void hex(const uint8_t *b, size_t n, char *out) {
    for (size_t i = 0; i < n; i++)
        snprintf(out + 2 * i, 3, "%02x", b[i]);
}

static void sha256(const void *p, size_t n, uint8_t out[32]) {
    unsigned len = 0;
    cr_assert(EVP_Digest(p, n, out, &len, EVP_sha256(), NULL) == 1);
}

static const uint8_t report_id[16] = {0x0f, 0x8e, 0x3c, 0x52, 0x7d, 0x1a, 0x4b, 0x6e,
                                      0x9a, 0x3f, 0x2c, 0x5d, 0x8e, 0x1b, 0x4a, 0x70};

Test(seal, vectors_genesis_head_root) {
    uint8_t g[32], leaf[32], root[32];
    char h[65];
    cr_assert_eq(vg_ev_genesis(report_id, g), VG_OK);
    hex(g, 32, h);
    cr_assert_str_eq(h, "6e99541eaf0d4529a0dc0920d775fe74360686f9107c43d949f281baeb210528");
    size_t n;
    char *recs = slurp(VEC "records.jsonl", &n);
    sha256(recs, n, root);
    hex(root, 32, h);
    cr_assert_str_eq(h, "194f33dfbda925300e29cd541dcb205974d40893453c68a297c6d5b32c5f380d");
    vg_ev_merkle m;
    vg_ev_merkle_init(&m);
    char *line = recs;
    int k = 0;
    while (*line) {
        char *nl = strchr(line, '\n');
        cr_assert_eq(vg_ev_leaf(line, (size_t)(nl - line), leaf), VG_OK);
        cr_assert_eq(vg_ev_merkle_add(&m, leaf), VG_OK);
        if (k > 0) { /* record k+1's prev is the leaf of record k */
            char want[65];
            hex(g, 32, want);
            cr_assert(strstr(line, want) != NULL, "prev of record %d", k + 1);
        }
        memcpy(g, leaf, 32);
        line = nl + 1;
        k++;
    }
    cr_assert_eq(k, 4);
    hex(leaf, 32, h);
    cr_assert_str_eq(h, "34e8e0c781190e031aad38664e212b02e356a807c1e70dfeaaa2cb77e989be9f");
    cr_assert_eq(vg_ev_merkle_root(&m, root), VG_OK);
    hex(root, 32, h);
    cr_assert_str_eq(h, "9225b64e03ce8f0d6e8c16c463be391d4f4612d73ec96819093c4dcb34f82288");
    free(recs);
}

/* The rest of the vectors' table: SHA-256 and the minisign prehash of summary.json, and the
 * summary pins exactly the genesis, head, root, count and records digest our code computes. */
Test(seal, vectors_summary_digests_and_pins) {
    size_t sn, rn;
    char *sum = slurp(VEC "summary.json", &sn), *recs = slurp(VEC "records.jsonl", &rn);
    uint8_t h[64], g[32], leaf[32], root[32];
    char hx[129], want[200];
    sha256(sum, sn, h);
    hex(h, 32, hx);
    cr_assert_str_eq(hx, "8a534fd924f36ec354f4edb1aab84d272b28de0b130156e7608401547b4ffb0e");
    unsigned len = 0;
    cr_assert(EVP_Digest(sum, sn, h, &len, EVP_blake2b512(), NULL) == 1 && len == 64);
    hex(h, 64, hx);
    cr_assert_str_eq(hx, "fcb7e22d69d036eaa39aa0d01af9792c854dc59d148567e378f3affb5871071ece991bf8"
                         "2164ea411464f9ed192276f8c49311de90e933418a2a826bd20404ab");
    cr_assert_eq(vg_ev_genesis(report_id, g), VG_OK);
    hex(g, 32, hx);
    snprintf(want, sizeof want, "\"genesis\":\"%s\"", hx);
    cr_assert(strstr(sum, want) != NULL, "summary pins the genesis of its report id");
    vg_ev_merkle m;
    vg_ev_merkle_init(&m);
    int k = 0;
    for (char *line = recs, *nl; (nl = strchr(line, '\n')) != NULL; line = nl + 1, k++) {
        cr_assert_eq(vg_ev_leaf(line, (size_t)(nl - line), leaf), VG_OK);
        cr_assert_eq(vg_ev_merkle_add(&m, leaf), VG_OK);
    }
    cr_assert_eq(vg_ev_merkle_root(&m, root), VG_OK);
    hex(leaf, 32, hx);
    snprintf(want, sizeof want, "\"head\":\"%s\"", hx);
    cr_assert(strstr(sum, want) != NULL, "summary pins the chain head");
    hex(root, 32, hx);
    snprintf(want, sizeof want, "\"merkle_root\":\"%s\",\"records\":%d}", hx, k);
    cr_assert(strstr(sum, want) != NULL, "summary pins the Merkle root and record count");
    sha256(recs, rn, h);
    hex(h, 32, hx);
    snprintf(want, sizeof want, "\"records.jsonl\":\"%s\"", hx);
    cr_assert(strstr(sum, want) != NULL, "summary pins SHA-256(records.jsonl)");
    free(sum);
    free(recs);
}

/* Chain head (last leaf) and RFC 6962 root of the LF-separated lines of buf. */
static void head_and_root(const char *buf, size_t n, uint8_t head[32], uint8_t root[32]) {
    vg_ev_merkle m;
    vg_ev_merkle_init(&m);
    for (const char *line = buf, *end = buf + n; line < end;) {
        const char *nl = memchr(line, '\n', (size_t)(end - line));
        size_t len = nl ? (size_t)(nl - line) : (size_t)(end - line);
        cr_assert_eq(vg_ev_leaf(line, len, head), VG_OK);
        cr_assert_eq(vg_ev_merkle_add(&m, head), VG_OK);
        line += len + 1;
    }
    cr_assert_eq(vg_ev_merkle_root(&m, root), VG_OK);
}

/* Every single-bit flip of the vectors' records.jsonl changes the chain head or the Merkle
 * root (the prototype's mutation result), so the signed summary no longer matches. */
Test(seal, vectors_every_bit_flip_changes_head_or_root) {
    size_t rn;
    char *recs = slurp(VEC "records.jsonl", &rn);
    uint8_t head0[32], root0[32], head[32], root[32];
    char hx[65];
    head_and_root(recs, rn, head0, root0);
    hex(root0, 32, hx);
    cr_assert_str_eq(hx, "9225b64e03ce8f0d6e8c16c463be391d4f4612d73ec96819093c4dcb34f82288");
    for (size_t bit = 0; bit < 8 * rn; bit++) {
        recs[bit / 8] ^= (char)(1u << (bit % 8));
        head_and_root(recs, rn, head, root);
        recs[bit / 8] ^= (char)(1u << (bit % 8));
        cr_assert(memcmp(head, head0, 32) != 0 || memcmp(root, root0, 32) != 0,
                  "flip of bit %zu not detected", bit);
    }
    free(recs);
}

/* RFC 6962 MTH, recursive, as the RFC states it. */
static void mth(const uint8_t (*leaves)[32], size_t n, uint8_t out[32]) {
    if (n == 1) {
        memcpy(out, leaves[0], 32);
        return;
    }
    size_t k = 1;
    while (k * 2 < n)
        k *= 2;
    uint8_t buf[65];
    buf[0] = 0x01;
    mth(leaves, k, buf + 1);
    mth(leaves + k, n - k, buf + 33);
    sha256(buf, 65, out);
}

Test(seal, streaming_merkle_equals_rfc6962_recursion) {
    enum { N = 70 };
    uint8_t leaves[N][32], want[32], got[32];
    vg_ev_merkle m;
    vg_ev_merkle_init(&m);
    cr_assert_eq(vg_ev_merkle_root(&m, got), VG_OK);
    sha256("", 0, want);
    cr_assert_arr_eq(got, want, 32, "empty tree = SHA-256 of nothing");
    for (size_t n = 1; n <= N; n++) {
        char line[16];
        int len = snprintf(line, sizeof line, "r%zu", n);
        cr_assert_eq(vg_ev_leaf(line, (size_t)len, leaves[n - 1]), VG_OK);
        cr_assert_eq(vg_ev_merkle_add(&m, leaves[n - 1]), VG_OK);
        mth((const uint8_t(*)[32])leaves, n, want);
        cr_assert_eq(vg_ev_merkle_root(&m, got), VG_OK);
        cr_assert_arr_eq(got, want, 32, "n = %zu", n);
    }
}

static vg_ev_signer *test_signer(void) {
    static const char phrase[] = "vigil research test key - DO NOT USE";
    uint8_t seed[32];
    vg_ev_signer *s = NULL;
    sha256(phrase, strlen(phrase), seed);
    cr_assert_eq(vg_ev_signer_from_seed(seed, &s), VG_OK);
    return s;
}

Test(seal, vectors_public_key_and_key_id) {
    size_t n;
    char *text = slurp(VEC "test.pub", &n);
    vg_ev_pubkey pub, mine;
    cr_assert_eq(vg_ev_pubkey_parse(text, n, &pub), VG_OK);
    char h[65], id[17];
    hex(pub.pk, 32, h);
    cr_assert_str_eq(h, "19949ba4a47cf5267683d33a3bb15629870bb433bcb3ea6587c7c89a0a4cfdc3");
    vg_ev_keyid_text(pub.key_id, id);
    cr_assert_str_eq(id, "656494943E11F78F");
    vg_ev_signer *s = test_signer();
    vg_ev_signer_pubkey(s, &mine);
    cr_assert_arr_eq(mine.pk, pub.pk, 32);
    cr_assert_arr_eq(mine.key_id, pub.key_id, 8, "key id = first 8 bytes of SHA-256(pk)");
    char *again = NULL;
    cr_assert_eq(vg_ev_pubkey_format(&mine, &again), VG_OK);
    cr_assert_str_eq(again, text, "the .pub file is reproduced byte for byte");
    free(again);
    vg_ev_signer_free(s);
    free(text);
}

Test(seal, vectors_signature_verifies_and_is_reproduced) {
    size_t pn, sn, mn;
    char *pubtext = slurp(VEC "test.pub", &pn), *sig = slurp(VEC "report.sig", &sn),
         *msg = slurp(VEC "summary.json", &mn);
    vg_ev_pubkey pub;
    cr_assert_eq(vg_ev_pubkey_parse(pubtext, pn, &pub), VG_OK);
    vg_ev_sigfail why;
    char *u = NULL, *t = NULL;
    cr_assert_eq(vg_ev_minisign_verify(&pub, msg, mn, sig, sn, &why, &u, &t), VG_OK);
    cr_assert_eq(why, VG_EV_SIG_OK);
    cr_assert_str_eq(u, "signature from vigil experiment");
    /* Ed25519 is deterministic: the same key, message and comments give the same file. */
    vg_ev_signer *s = test_signer();
    char *again = NULL;
    size_t an = 0;
    cr_assert_eq(vg_ev_minisign_sign(s, msg, mn, u, t, &again, &an), VG_OK);
    cr_assert_eq(an, sn);
    cr_assert_str_eq(again, sig);
    free(again);
    free(u);
    free(t);
    vg_ev_signer_free(s);
    free(pubtext);
    free(sig);
    free(msg);
}

Test(seal, minisign_failure_reasons) {
    vg_ev_signer *s = test_signer();
    vg_ev_pubkey pub;
    vg_ev_signer_pubkey(s, &pub);
    char *sig = NULL;
    size_t n = 0;
    const char msg[] = "summary bytes\n";
    cr_assert_eq(vg_ev_minisign_sign(s, msg, sizeof msg - 1, "u", "t c", &sig, &n), VG_OK);
    vg_ev_sigfail why;
    cr_assert_eq(vg_ev_minisign_verify(&pub, msg, sizeof msg - 1, sig, n, &why, NULL, NULL), VG_OK);
    cr_assert_eq(vg_ev_minisign_verify(&pub, "x", 1, sig, n, &why, NULL, NULL), VG_E_VERIFY);
    cr_assert_eq(why, VG_EV_SIG_SIGNATURE);
    vg_ev_pubkey other = pub;
    other.key_id[0] ^= 1;
    cr_assert_eq(vg_ev_minisign_verify(&other, msg, sizeof msg - 1, sig, n, &why, NULL, NULL),
                 VG_E_VERIFY);
    cr_assert_eq(why, VG_EV_SIG_KEY_ID);
    other = pub;
    other.pk[5] ^= 1; /* right key id, wrong key bytes */
    cr_assert_eq(vg_ev_minisign_verify(&other, msg, sizeof msg - 1, sig, n, &why, NULL, NULL),
                 VG_E_VERIFY);
    cr_assert_eq(why, VG_EV_SIG_SIGNATURE);
    char *tc = strstr(sig, "t c");
    tc[0] = 'T'; /* edit the trusted comment */
    cr_assert_eq(vg_ev_minisign_verify(&pub, msg, sizeof msg - 1, sig, n, &why, NULL, NULL),
                 VG_E_VERIFY);
    cr_assert_eq(why, VG_EV_SIG_GLOBAL);
    cr_assert_eq(vg_ev_minisign_verify(&pub, msg, sizeof msg - 1, sig, n - 1, &why, NULL, NULL),
                 VG_E_VERIFY);
    cr_assert_eq(why, VG_EV_SIG_MALFORMED);
    cr_assert_eq(vg_ev_minisign_sign(s, msg, 1, "two\nlines", "t", &tc, &n), VG_E_INVAL);
    free(sig);
    vg_ev_signer_free(s);
}
