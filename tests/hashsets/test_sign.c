/* test_sign.c — Ed25519 signatures of .vhs files: sign, verify, and every refusal (other key,
 * other file, edited signature, malformed or missing signature file, wrong key types). */
#include "hset_fixture.h"

#include <openssl/evp.h>
#include <openssl/pem.h>

#include "vigil/hset_sign.h"

static char dir[64], path[128], sig[160], key[160], pub[160], key2[160], pub2[160];

static void write_key(EVP_PKEY *k, const char *priv_path, const char *pub_path) {
    FILE *f = fopen(priv_path, "w");
    cr_assert_not_null(f);
    cr_assert(PEM_write_PrivateKey(f, k, NULL, NULL, 0, NULL, NULL));
    fclose(f);
    f = fopen(pub_path, "w");
    cr_assert_not_null(f);
    cr_assert(PEM_write_PUBKEY(f, k));
    fclose(f);
}

static void build(const char *at, uint8_t fill) {
    vg_hset_build *b;
    uint8_t h[32];
    memset(h, fill, sizeof h);
    cr_assert_eq(vg_hset_build_new(&b, "signed", NULL), VG_OK);
    fx_list(b, "l", VG_ROLE_ALERT);
    vg_hset_entry e = fx_entry(VG_HT_SHA256, h, 32, "x");
    cr_assert_eq(vg_hset_build_add(b, &e), VG_OK);
    cr_assert_eq(vg_hset_build_write(b, at), VG_OK, "%s", vg_hset_build_errmsg(b));
    vg_hset_build_free(b);
}

static void setup(void) {
    fx_mkdir(dir, sizeof dir);
    snprintf(path, sizeof path, "%s/lists.vhs", dir);
    snprintf(sig, sizeof sig, "%s/lists.vhs.sig", dir);
    snprintf(key, sizeof key, "%s/key.pem", dir);
    snprintf(pub, sizeof pub, "%s/pub.pem", dir);
    snprintf(key2, sizeof key2, "%s/key2.pem", dir);
    snprintf(pub2, sizeof pub2, "%s/pub2.pem", dir);
    EVP_PKEY *k = EVP_PKEY_Q_keygen(NULL, NULL, "ED25519");
    EVP_PKEY *k2 = EVP_PKEY_Q_keygen(NULL, NULL, "ED25519");
    cr_assert(k && k2);
    write_key(k, key, pub);
    write_key(k2, key2, pub2);
    EVP_PKEY_free(k);
    EVP_PKEY_free(k2);
    build(path, 1);
}
static void teardown(void) {
    fx_rmdir(dir);
}

TestSuite(sign, .init = setup, .fini = teardown);

static vg_status verify(const char *pubkey, char *err, size_t cap) {
    vg_hset *h = NULL;
    cr_assert_eq(vg_hset_open(&h, path, VG_HSET_OPEN_FAST, err, cap), VG_OK, "%s", err);
    vg_status st = vg_hset_verify(h, sig, pubkey, err, cap);
    vg_hset_close(h);
    return st;
}

static void read_text(const char *p, char *buf, size_t cap) {
    FILE *f = fopen(p, "r");
    cr_assert_not_null(f);
    size_t n = fread(buf, 1, cap - 1, f);
    buf[n] = '\0';
    fclose(f);
}

static void write_text(const char *p, const char *text) {
    FILE *f = fopen(p, "w");
    cr_assert_not_null(f);
    fputs(text, f);
    fclose(f);
}

Test(sign, a_signed_index_verifies_with_its_key) {
    char err[256], text[1024], id[17], id_pub[17];
    cr_assert_eq(vg_hset_sign(path, key, NULL, err, sizeof err), VG_OK, "%s", err);
    cr_assert_eq(verify(pub, err, sizeof err), VG_OK, "%s", err);
    cr_assert_eq(verify(key, err, sizeof err), VG_OK, "a private key file gives its public half");
    read_text(sig, text, sizeof text);
    cr_assert_eq(vg_hset_key_id(key, id, err, sizeof err), VG_OK);
    cr_assert_eq(vg_hset_key_id(pub, id_pub, err, sizeof err), VG_OK);
    cr_assert_str_eq(id, id_pub);
    char want[64];
    snprintf(want, sizeof want, "vigil-vhs-signature 1\nkey-id %s\nfile-sha256 ", id);
    cr_assert_eq(strncmp(text, want, strlen(want)), 0, "%s", text);
    int lines = 0;
    for (const char *p = text; *p; p++)
        lines += *p == '\n';
    cr_assert_eq(lines, 5);
    cr_assert(strstr(text, "\nsignature "));
}

Test(sign, another_key_is_refused_naming_both_ids) {
    char err[256], id[17], id2[17];
    cr_assert_eq(vg_hset_sign(path, key, sig, err, sizeof err), VG_OK, "%s", err);
    cr_assert_eq(verify(pub2, err, sizeof err), VG_E_VERIFY);
    cr_assert(strstr(err, "signed by another key"), "%s", err);
    cr_assert_eq(vg_hset_key_id(key, id, err, sizeof err), VG_OK);
    cr_assert_eq(vg_hset_key_id(pub2, id2, err, sizeof err), VG_OK);
    char e2[256];
    verify(pub2, e2, sizeof e2);
    cr_assert(strstr(e2, id) && strstr(e2, id2), "%s", e2);
}

Test(sign, a_rebuilt_index_under_the_old_signature_is_refused) {
    char err[256];
    cr_assert_eq(vg_hset_sign(path, key, sig, err, sizeof err), VG_OK, "%s", err);
    build(path, 2);
    cr_assert_eq(verify(pub, err, sizeof err), VG_E_VERIFY);
    cr_assert(strstr(err, "for another file"), "%s", err);
}

Test(sign, an_edited_signature_is_refused) {
    char err[256], text[1024];
    cr_assert_eq(vg_hset_sign(path, key, sig, err, sizeof err), VG_OK, "%s", err);
    read_text(sig, text, sizeof text);
    char *s = strstr(text, "\nsignature ") + 11;
    s[10] = s[10] == 'A' ? 'B' : 'A';
    write_text(sig, text);
    cr_assert_eq(verify(pub, err, sizeof err), VG_E_VERIFY);
    cr_assert(strstr(err, "bad signature"), "%s", err);
}

Test(sign, a_signature_moved_to_another_file_by_editing_its_digest_is_refused) {
    char err[256], text[1024], hexd[65];
    cr_assert_eq(vg_hset_sign(path, key, sig, err, sizeof err), VG_OK, "%s", err);
    build(path, 3);
    FILE *f = fopen(path, "rb");
    cr_assert_not_null(f);
    fseek(f, 0, SEEK_END);
    size_t n = (size_t)ftell(f);
    rewind(f);
    uint8_t *file = malloc(n);
    cr_assert_not_null(file);
    cr_assert_eq(fread(file, 1, n, f), n);
    fclose(f);
    uint8_t md[32];
    unsigned int len;
    cr_assert(EVP_Digest(file, n, md, &len, EVP_sha256(), NULL));
    free(file);
    for (int i = 0; i < 32; i++)
        snprintf(hexd + 2 * i, 3, "%02x", md[i]);
    read_text(sig, text, sizeof text);
    char *at = strstr(text, "file-sha256 ") + 12;
    memcpy(at, hexd, 64);
    char *sz = strstr(text, "file-size ") + 10, *end = strchr(sz, '\n');
    char rest[512], fixed[2048];
    snprintf(rest, sizeof rest, "%s", end);
    *sz = '\0';
    snprintf(fixed, sizeof fixed, "%s%zu%s", text, n, rest);
    write_text(sig, fixed);
    cr_assert_eq(verify(pub, err, sizeof err), VG_E_VERIFY);
    cr_assert(strstr(err, "bad signature"), "%s", err);
}

Test(sign, malformed_or_missing_signature_files_are_refused) {
    char err[256], text[1024];
    cr_assert_eq(verify(pub, err, sizeof err), VG_E_VERIFY);
    cr_assert(strstr(err, "no signature file"), "%s", err);
    cr_assert_eq(vg_hset_sign(path, key, sig, err, sizeof err), VG_OK, "%s", err);
    read_text(sig, text, sizeof text);
    static const char *const edits[] = {"extra\n", " ", "\n"};
    for (size_t i = 0; i < 3; i++) {
        char bad[1100];
        snprintf(bad, sizeof bad, "%s%s", text, edits[i]);
        write_text(sig, bad);
        cr_assert_eq(verify(pub, err, sizeof err), VG_E_VERIFY, "edit %zu", i);
        cr_assert(strstr(err, "malformed"), "%s", err);
    }
    write_text(sig, "vigil-vhs-signature 1\n");
    cr_assert_eq(verify(pub, err, sizeof err), VG_E_VERIFY);
    cr_assert(strstr(err, "malformed"), "%s", err);
    write_text(sig, text + 1);
    cr_assert_eq(verify(pub, err, sizeof err), VG_E_VERIFY);
}

Test(sign, wrong_keys_and_damaged_indexes_are_not_signed) {
    char err[256];
    cr_assert_eq(vg_hset_sign(path, pub, sig, err, sizeof err), VG_E_CRYPTO);
    cr_assert(strstr(err, "not an Ed25519 private key"), "%s", err);
    EVP_PKEY *ec = EVP_PKEY_Q_keygen(NULL, NULL, "EC", "P-256");
    cr_assert_not_null(ec);
    char ecp[160], ecpub[160];
    snprintf(ecp, sizeof ecp, "%s/ec.pem", dir);
    snprintf(ecpub, sizeof ecpub, "%s/ecpub.pem", dir);
    write_key(ec, ecp, ecpub);
    EVP_PKEY_free(ec);
    cr_assert_eq(vg_hset_sign(path, ecp, sig, err, sizeof err), VG_E_CRYPTO);
    cr_assert(strstr(err, "not an Ed25519"), "%s", err);
    cr_assert_eq(vg_hset_sign(path, key, sig, err, sizeof err), VG_OK, "%s", err);
    cr_assert_eq(verify(ecpub, err, sizeof err), VG_E_CRYPTO);
    char missing[160];
    snprintf(missing, sizeof missing, "%s/none.pem", dir);
    cr_assert_eq(vg_hset_sign(path, missing, sig, err, sizeof err), VG_E_IO);
    FILE *f = fopen(path, "r+b");
    cr_assert_not_null(f);
    fseek(f, 4100, SEEK_SET);
    fputc(0x55, f);
    fclose(f);
    cr_assert_eq(vg_hset_sign(path, key, sig, err, sizeof err), VG_E_VERIFY);
    cr_assert(strstr(err, "checksum"), "%s", err);
}
