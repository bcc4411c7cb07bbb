/*
 * seal.c — the hash chain and RFC 6962 Merkle tree over report records, Ed25519 keys, and
 * minisign-format signatures made and checked with OpenSSL 3.0's EVP API only.
 *
 * minisign's format (jedisct1/minisign src/minisign.h, minisign.c; EVIDENCE.md §3.1): a public
 * key is base64("Ed" || key_id[8] || pk[32]); a prehashed signature is
 * base64("ED" || key_id[8] || Ed25519(BLAKE2b-512(file))), followed by a trusted comment and
 * base64(Ed25519(signature || trusted comment)). Ed25519 in OpenSSL is one-shot only
 * (EVP_DigestSign with a NULL digest), which suits signing a 64-byte prehash.
 */
#define _GNU_SOURCE /* O_CLOEXEC */
#include "vigil/ev_seal.h"

#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <openssl/evp.h>
#include <openssl/pem.h>

#include "ev_util.h"

#define SIG_LEN 64
#define B2_LEN 64

struct vg_ev_signer {
    EVP_PKEY *pkey;
    vg_ev_pubkey pub;
};

/* ---- chain and tree ---- */

vg_status vg_ev_genesis(const uint8_t report_id[16], uint8_t out[VG_EV_HASH_LEN]) {
    static const char label[] = "vigil-report/1 chain"; /* followed by its NUL = the 0x00 */
    return vg_ev_sha256(label, sizeof label, report_id, 16, NULL, 0, out);
}

vg_status vg_ev_leaf(const void *line, size_t n, uint8_t out[VG_EV_HASH_LEN]) {
    static const uint8_t zero = 0x00;
    return vg_ev_sha256(&zero, 1, line, n, NULL, 0, out);
}

static vg_status node(const uint8_t l[32], const uint8_t r[32], uint8_t out[32]) {
    static const uint8_t one = 0x01;
    uint8_t lr[64];
    memcpy(lr, l, 32);
    memcpy(lr + 32, r, 32);
    return vg_ev_sha256(&one, 1, lr, 64, NULL, 0, out);
}

void vg_ev_merkle_init(vg_ev_merkle *m) {
    memset(m, 0, sizeof *m);
}

vg_status vg_ev_merkle_add(vg_ev_merkle *m, const uint8_t leaf[VG_EV_HASH_LEN]) {
    if (m->top >= 64)
        return VG_E_LIMIT;
    memcpy(m->stack[m->top], leaf, 32);
    m->height[m->top++] = 0;
    m->n++;
    /* Merge equal-height neighbours: the stack then holds the perfect subtrees of n's bits. */
    while (m->top >= 2 && m->height[m->top - 1] == m->height[m->top - 2]) {
        uint8_t up[32];
        if (node(m->stack[m->top - 2], m->stack[m->top - 1], up) != VG_OK)
            return VG_E_CRYPTO;
        m->top--;
        memcpy(m->stack[m->top - 1], up, 32);
        m->height[m->top - 1]++;
    }
    return VG_OK;
}

vg_status vg_ev_merkle_root(const vg_ev_merkle *m, uint8_t out[VG_EV_HASH_LEN]) {
    if (m->top == 0)
        return vg_ev_sha256(NULL, 0, NULL, 0, NULL, 0, out);
    /* RFC 6962 splits at the largest power of two below n: fold the subtrees right to left. */
    uint8_t acc[32];
    memcpy(acc, m->stack[m->top - 1], 32);
    for (int i = m->top - 2; i >= 0; i--)
        if (node(m->stack[i], acc, acc) != VG_OK)
            return VG_E_CRYPTO;
    memcpy(out, acc, 32);
    return VG_OK;
}

/* ---- keys ---- */

static vg_status pub_from_pkey(EVP_PKEY *pkey, vg_ev_pubkey *pub) {
    size_t len = VG_EV_PK_LEN;
    uint8_t h[32];
    if (EVP_PKEY_get_raw_public_key(pkey, pub->pk, &len) != 1 || len != VG_EV_PK_LEN)
        return VG_E_CRYPTO;
    if (vg_ev_sha256(pub->pk, VG_EV_PK_LEN, NULL, 0, NULL, 0, h) != VG_OK)
        return VG_E_CRYPTO;
    memcpy(pub->key_id, h, VG_EV_KEYID_LEN);
    return VG_OK;
}

static vg_status signer_adopt(EVP_PKEY *pkey, vg_ev_signer **out) {
    vg_ev_signer *s = calloc(1, sizeof *s);
    if (!s) {
        EVP_PKEY_free(pkey);
        return VG_E_NOMEM;
    }
    s->pkey = pkey;
    vg_status st = pub_from_pkey(pkey, &s->pub);
    if (st != VG_OK) {
        vg_ev_signer_free(s);
        return st;
    }
    *out = s;
    return VG_OK;
}

vg_status vg_ev_signer_from_seed(const uint8_t seed[32], vg_ev_signer **out) {
    *out = NULL;
    EVP_PKEY *pkey = EVP_PKEY_new_raw_private_key(EVP_PKEY_ED25519, NULL, seed, 32);
    return pkey ? signer_adopt(pkey, out) : VG_E_CRYPTO;
}

vg_status vg_ev_signer_load(const char *path, vg_ev_signer **out) {
    *out = NULL;
    BIO *bio = BIO_new_file(path, "r");
    if (!bio)
        return VG_E_IO;
    EVP_PKEY *pkey = PEM_read_bio_PrivateKey(bio, NULL, NULL, NULL);
    BIO_free(bio);
    if (!pkey || EVP_PKEY_get_id(pkey) != EVP_PKEY_ED25519) {
        EVP_PKEY_free(pkey);
        return VG_E_FORMAT;
    }
    return signer_adopt(pkey, out);
}

void vg_ev_signer_pubkey(const vg_ev_signer *s, vg_ev_pubkey *out) {
    *out = s->pub;
}

void vg_ev_signer_free(vg_ev_signer *s) {
    if (!s)
        return;
    EVP_PKEY_free(s->pkey);
    free(s);
}

void vg_ev_keyid_text(const uint8_t key_id[VG_EV_KEYID_LEN], char out[17]) {
    static const char hexd[] = "0123456789ABCDEF";
    for (int i = 0; i < VG_EV_KEYID_LEN; i++) {
        uint8_t b = key_id[VG_EV_KEYID_LEN - 1 - i];
        out[2 * i] = hexd[b >> 4];
        out[2 * i + 1] = hexd[b & 15];
    }
    out[16] = '\0';
}

vg_status vg_ev_pubkey_format(const vg_ev_pubkey *pub, char **out) {
    uint8_t raw[2 + VG_EV_KEYID_LEN + VG_EV_PK_LEN] = {'E', 'd'};
    char id[17], *b64 = NULL;
    memcpy(raw + 2, pub->key_id, VG_EV_KEYID_LEN);
    memcpy(raw + 2 + VG_EV_KEYID_LEN, pub->pk, VG_EV_PK_LEN);
    vg_ev_keyid_text(pub->key_id, id);
    vg_status st = vg_ev_b64(raw, sizeof raw, &b64);
    vg_ev_buf b = {0};
    if (st == VG_OK)
        st = vg_ev_buf_printf(&b, "untrusted comment: minisign public key %s\n%s\n", id, b64);
    free(b64);
    *out = st == VG_OK ? b.p : NULL;
    if (st != VG_OK)
        vg_ev_buf_free(&b);
    return st;
}

/* Split text into LF-terminated lines; false unless there are exactly want of them. */
static bool split_lines(const char *text, size_t n, const char **line, size_t *len, int want) {
    int k = 0;
    size_t start = 0;
    for (size_t i = 0; i < n; i++) {
        if (text[i] != '\n')
            continue;
        if (k == want)
            return false;
        line[k] = text + start;
        len[k++] = i - start;
        start = i + 1;
    }
    return k == want && start == n;
}

vg_status vg_ev_pubkey_parse(const char *text, size_t n, vg_ev_pubkey *out) {
    const char *line[2];
    size_t len[2], got = 0;
    uint8_t raw[2 + VG_EV_KEYID_LEN + VG_EV_PK_LEN];
    static const char pre[] = "untrusted comment: ";
    if (!split_lines(text, n, line, len, 2) || len[0] < sizeof pre - 1 ||
        memcmp(line[0], pre, sizeof pre - 1) != 0)
        return VG_E_FORMAT;
    if (vg_ev_unb64(line[1], len[1], raw, sizeof raw, &got) != VG_OK || got != sizeof raw ||
        raw[0] != 'E' || raw[1] != 'd')
        return VG_E_FORMAT;
    memcpy(out->key_id, raw + 2, VG_EV_KEYID_LEN);
    memcpy(out->pk, raw + 2 + VG_EV_KEYID_LEN, VG_EV_PK_LEN);
    return VG_OK;
}

vg_status vg_ev_pubkey_load(const char *path, vg_ev_pubkey *out) {
    char *text = NULL;
    size_t n = 0;
    vg_status st = vg_ev_read_all(AT_FDCWD, path, 4096, &text, &n);
    if (st == VG_OK)
        st = vg_ev_pubkey_parse(text, n, out);
    free(text);
    return st;
}

/* Create path exclusively with mode and write data to it, fsynced. */
static vg_status write_new(const char *path, int mode, const void *data, size_t n) {
    int fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, mode);
    if (fd < 0)
        return VG_E_IO;
    vg_status st = vg_ev_write_fd(fd, data, n);
    if (st == VG_OK && fsync(fd) != 0)
        st = VG_E_IO;
    if (close(fd) != 0 && st == VG_OK)
        st = VG_E_IO;
    if (st != VG_OK) {
        int e = errno;
        unlink(path);
        errno = e;
    }
    return st;
}

vg_status vg_ev_keygen(const char *base, vg_ev_pubkey *pub) {
    vg_ev_buf kpath = {0}, ppath = {0};
    char *pubtext = NULL, *pem = NULL;
    BIO *mem = NULL;
    EVP_PKEY *pkey = EVP_PKEY_Q_keygen(NULL, NULL, "ED25519");
    vg_status st = pkey ? pub_from_pkey(pkey, pub) : VG_E_CRYPTO;
    if (st == VG_OK)
        st = vg_ev_buf_printf(&kpath, "%s.key", base);
    if (st == VG_OK)
        st = vg_ev_buf_printf(&ppath, "%s.pub", base);
    if (st == VG_OK && (!(mem = BIO_new(BIO_s_mem())) ||
                        !PEM_write_bio_PrivateKey(mem, pkey, NULL, NULL, 0, NULL, NULL)))
        st = VG_E_CRYPTO;
    if (st == VG_OK)
        st = vg_ev_pubkey_format(pub, &pubtext);
    if (st == VG_OK && (access(kpath.p, F_OK) == 0 || access(ppath.p, F_OK) == 0)) {
        errno = EEXIST;
        st = VG_E_IO;
    }
    if (st == VG_OK) {
        long len = BIO_get_mem_data(mem, &pem);
        st = write_new(kpath.p, 0600, pem, (size_t)len);
    }
    if (st == VG_OK && (st = write_new(ppath.p, 0644, pubtext, strlen(pubtext))) != VG_OK) {
        int e = errno;
        unlink(kpath.p);
        errno = e;
    }
    BIO_free(mem); /* BIO_s_mem frees (and does not wipe) its buffer: acceptable for PEM */
    EVP_PKEY_free(pkey);
    free(pubtext);
    vg_ev_buf_free(&kpath);
    vg_ev_buf_free(&ppath);
    return st;
}

/* ---- minisign ---- */

static vg_status blake2b512(const void *msg, size_t n, uint8_t out[B2_LEN]) {
    unsigned len = 0;
    if (EVP_Digest(msg, n, out, &len, EVP_blake2b512(), NULL) != 1 || len != B2_LEN)
        return VG_E_CRYPTO;
    return VG_OK;
}

static vg_status ed_sign(EVP_PKEY *pkey, const void *tbs, size_t n, uint8_t sig[SIG_LEN]) {
    EVP_MD_CTX *ctx = EVP_MD_CTX_new();
    size_t len = SIG_LEN;
    bool ok = ctx && EVP_DigestSignInit(ctx, NULL, NULL, NULL, pkey) == 1 &&
              EVP_DigestSign(ctx, sig, &len, tbs, n) == 1 && len == SIG_LEN;
    EVP_MD_CTX_free(ctx);
    return ok ? VG_OK : VG_E_CRYPTO;
}

/* VG_OK if sig is a valid Ed25519 signature of tbs by pk, VG_E_VERIFY if not. */
static vg_status ed_verify(const uint8_t pk[32], const void *tbs, size_t n,
                           const uint8_t sig[SIG_LEN]) {
    EVP_PKEY *pkey = EVP_PKEY_new_raw_public_key(EVP_PKEY_ED25519, NULL, pk, 32);
    EVP_MD_CTX *ctx = EVP_MD_CTX_new();
    if (!pkey || !ctx) {
        EVP_PKEY_free(pkey);
        EVP_MD_CTX_free(ctx);
        return pkey ? VG_E_NOMEM : VG_E_VERIFY; /* an invalid point is a bad key: no match */
    }
    int rc = EVP_DigestVerifyInit(ctx, NULL, NULL, NULL, pkey);
    if (rc == 1)
        rc = EVP_DigestVerify(ctx, sig, SIG_LEN, tbs, n);
    EVP_MD_CTX_free(ctx);
    EVP_PKEY_free(pkey);
    return rc == 1 ? VG_OK : VG_E_VERIFY;
}

static bool comment_ok(const char *s) {
    for (const unsigned char *p = (const unsigned char *)s; *p; p++)
        if (*p == '\n' || *p == '\r' || *p == 0x7f || (*p < 0x20 && *p != '\t'))
            return false;
    return true;
}

vg_status vg_ev_minisign_sign(const vg_ev_signer *s, const void *msg, size_t n,
                              const char *untrusted, const char *trusted, char **out,
                              size_t *outlen) {
    uint8_t h[B2_LEN], sigblob[2 + VG_EV_KEYID_LEN + SIG_LEN] = {'E', 'D'}, global[SIG_LEN];
    char *b64a = NULL, *b64b = NULL;
    vg_ev_buf tbs = {0}, text = {0};
    *out = NULL;
    if (!comment_ok(untrusted) || !comment_ok(trusted))
        return VG_E_INVAL;
    memcpy(sigblob + 2, s->pub.key_id, VG_EV_KEYID_LEN);
    vg_status st = blake2b512(msg, n, h);
    if (st == VG_OK)
        st = ed_sign(s->pkey, h, sizeof h, sigblob + 2 + VG_EV_KEYID_LEN);
    if (st == VG_OK)
        st = vg_ev_buf_add(&tbs, sigblob + 2 + VG_EV_KEYID_LEN, SIG_LEN);
    if (st == VG_OK)
        st = vg_ev_buf_str(&tbs, trusted);
    if (st == VG_OK)
        st = ed_sign(s->pkey, tbs.p, tbs.n, global);
    if (st == VG_OK)
        st = vg_ev_b64(sigblob, sizeof sigblob, &b64a);
    if (st == VG_OK)
        st = vg_ev_b64(global, sizeof global, &b64b);
    if (st == VG_OK)
        st = vg_ev_buf_printf(&text, "untrusted comment: %s\n%s\ntrusted comment: %s\n%s\n",
                              untrusted, b64a, trusted, b64b);
    free(b64a);
    free(b64b);
    vg_ev_buf_free(&tbs);
    if (st != VG_OK) {
        vg_ev_buf_free(&text);
        return st;
    }
    *out = text.p;
    *outlen = text.n;
    return VG_OK;
}

static char *dup_after(const char *line, size_t len, size_t skip) {
    char *c = malloc(len - skip + 1);
    if (c) {
        memcpy(c, line + skip, len - skip);
        c[len - skip] = '\0';
    }
    return c;
}

vg_status vg_ev_minisign_verify(const vg_ev_pubkey *pub, const void *msg, size_t n, const char *sig,
                                size_t siglen, vg_ev_sigfail *fail, char **untrusted,
                                char **trusted) {
    static const char upre[] = "untrusted comment: ", tpre[] = "trusted comment: ";
    const char *line[4];
    size_t len[4], got = 0, got2 = 0;
    uint8_t blob[2 + VG_EV_KEYID_LEN + SIG_LEN], global[SIG_LEN], h[B2_LEN];
    *fail = VG_EV_SIG_MALFORMED;
    if (untrusted)
        *untrusted = NULL;
    if (trusted)
        *trusted = NULL;
    if (!split_lines(sig, siglen, line, len, 4) || len[0] < sizeof upre - 1 ||
        memcmp(line[0], upre, sizeof upre - 1) != 0 || len[2] < sizeof tpre - 1 ||
        memcmp(line[2], tpre, sizeof tpre - 1) != 0 || memchr(sig, '\0', siglen) ||
        vg_ev_unb64(line[1], len[1], blob, sizeof blob, &got) != VG_OK || got != sizeof blob ||
        vg_ev_unb64(line[3], len[3], global, sizeof global, &got2) != VG_OK ||
        got2 != sizeof global)
        return VG_E_VERIFY;
    if ((untrusted && !(*untrusted = dup_after(line[0], len[0], sizeof upre - 1))) ||
        (trusted && !(*trusted = dup_after(line[2], len[2], sizeof tpre - 1))))
        return VG_E_NOMEM;
    if (blob[0] != 'E' || blob[1] != 'D') {
        *fail = VG_EV_SIG_ALGORITHM;
        return VG_E_VERIFY;
    }
    if (memcmp(blob + 2, pub->key_id, VG_EV_KEYID_LEN) != 0) {
        *fail = VG_EV_SIG_KEY_ID;
        return VG_E_VERIFY;
    }
    vg_status st = blake2b512(msg, n, h);
    if (st != VG_OK)
        return st;
    if (ed_verify(pub->pk, h, sizeof h, blob + 2 + VG_EV_KEYID_LEN) != VG_OK) {
        *fail = VG_EV_SIG_SIGNATURE;
        return VG_E_VERIFY;
    }
    vg_ev_buf tbs = {0};
    st = vg_ev_buf_add(&tbs, blob + 2 + VG_EV_KEYID_LEN, SIG_LEN);
    if (st == VG_OK)
        st = vg_ev_buf_add(&tbs, line[2] + sizeof tpre - 1, len[2] - (sizeof tpre - 1));
    if (st == VG_OK && ed_verify(pub->pk, tbs.p, tbs.n, global) != VG_OK) {
        *fail = VG_EV_SIG_GLOBAL;
        st = VG_E_VERIFY;
    }
    vg_ev_buf_free(&tbs);
    if (st == VG_OK)
        *fail = VG_EV_SIG_OK;
    return st;
}
