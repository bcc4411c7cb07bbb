/*
 * hset_sign.c — Ed25519 detached signatures of .vhs files (format: vigil/hset_sign.h), with
 * OpenSSL 3's EVP API. The signed message is a short text naming the key id and the SHA-256 and
 * size of the whole file, so verifying costs one hash of the mapping and one Ed25519 check.
 */
#include "vigil/hset_sign.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>

#include "hset_impl.h"

#define SIG_MAGIC "vigil-vhs-signature 1"
#define MSG_MAX 256
#define SIG_FILE_MAX 1024

static vg_status say(char *err, size_t cap, vg_status st, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

static vg_status say(char *err, size_t cap, vg_status st, const char *fmt, ...) {
    if (err && cap) {
        va_list ap;
        va_start(ap, fmt);
        vsnprintf(err, cap, fmt, ap); /* NOLINT(clang-analyzer-valist.Uninitialized) */
        va_end(ap);
    }
    return st;
}

static void hex(const uint8_t *p, size_t n, char *out) {
    static const char digits[] = "0123456789abcdef";
    for (size_t i = 0; i < n; i++) {
        out[2 * i] = digits[p[i] >> 4];
        out[2 * i + 1] = digits[p[i] & 15];
    }
    out[2 * n] = '\0';
}

/* ---- keys ---- */

/* Load an Ed25519 key from a PEM file: private when want_private, else public (a private key
 * file also gives its public half). */
static vg_status load_key(const char *path, int want_private, EVP_PKEY **out, char *err,
                          size_t cap) {
    *out = NULL;
    BIO *bio = BIO_new_file(path, "r");
    if (!bio)
        return say(err, cap, VG_E_IO, "%s: cannot read the key file", path);
    EVP_PKEY *k = PEM_read_bio_PrivateKey(bio, NULL, NULL, NULL);
    if (!k && !want_private) {
        (void)BIO_reset(bio);
        k = PEM_read_bio_PUBKEY(bio, NULL, NULL, NULL);
    }
    BIO_free(bio);
    ERR_clear_error(); /* the failed PEM attempt leaves errors behind */
    if (!k || !EVP_PKEY_is_a(k, "ED25519")) {
        EVP_PKEY_free(k);
        return say(err, cap, VG_E_CRYPTO, "%s: not an Ed25519 %s key in PEM form", path,
                   want_private ? "private" : "public or private");
    }
    *out = k;
    return VG_OK;
}

static vg_status key_id_of(EVP_PKEY *k, char out[17], char *err, size_t cap) {
    uint8_t raw[32], md[32];
    size_t len = sizeof raw;
    unsigned int mdlen = 0;
    if (!EVP_PKEY_get_raw_public_key(k, raw, &len) || len != 32 ||
        !EVP_Digest(raw, len, md, &mdlen, EVP_sha256(), NULL))
        return say(err, cap, VG_E_CRYPTO, "cannot read the public key");
    hex(md, 8, out);
    return VG_OK;
}

vg_status vg_hset_key_id(const char *key_path, char out[17], char *err, size_t errcap) {
    EVP_PKEY *k;
    vg_status st = load_key(key_path, 0, &k, err, errcap);
    if (st == VG_OK)
        st = key_id_of(k, out, err, errcap);
    EVP_PKEY_free(k);
    return st;
}

/* ---- the signed message ---- */

static vg_status file_digest(const vg_hset *h, char out[65], char *err, size_t cap) {
    uint8_t md[32];
    unsigned int len = 0;
    if (!EVP_Digest(h->map, h->size, md, &len, EVP_sha256(), NULL))
        return say(err, cap, VG_E_CRYPTO, "SHA-256 failed");
    hex(md, 32, out);
    return VG_OK;
}

static size_t message(char *msg, const char *key_id, const char *sha, size_t size) {
    int n = snprintf(msg, MSG_MAX, SIG_MAGIC "\nkey-id %s\nfile-sha256 %s\nfile-size %zu\n", key_id,
                     sha, size);
    return n > 0 && n < MSG_MAX ? (size_t)n : 0;
}

/* ---- signing ---- */

static vg_status write_sig(const char *path, const char *text, char *err, size_t cap) {
    size_t len = strlen(path) + sizeof ".tmp.XXXXXX";
    char *tmp = malloc(len);
    if (!tmp)
        return say(err, cap, VG_E_NOMEM, "out of memory");
    snprintf(tmp, len, "%s.tmp.XXXXXX", path);
    int fd = mkstemp(tmp);
    vg_status st = VG_OK;
    if (fd < 0) {
        st = say(err, cap, VG_E_IO, "%s: %s", path, strerror(errno));
    } else {
        size_t n = strlen(text);
        if (fchmod(fd, 0644) != 0 || write(fd, text, n) != (ssize_t)n || fsync(fd) != 0)
            st = say(err, cap, VG_E_IO, "%s: %s", path, strerror(errno));
        if (close(fd) != 0 && st == VG_OK)
            st = say(err, cap, VG_E_IO, "%s: %s", path, strerror(errno));
        if (st == VG_OK && rename(tmp, path) != 0)
            st = say(err, cap, VG_E_IO, "%s: %s", path, strerror(errno));
        if (st != VG_OK)
            unlink(tmp);
    }
    free(tmp);
    return st;
}

static vg_status sign_open(const vg_hset *h, EVP_PKEY *k, const char *sig_path, char *err,
                           size_t cap) {
    char id[17], sha[65], msg[MSG_MAX], text[SIG_FILE_MAX];
    uint8_t sig[64];
    unsigned char b64[4 * ((sizeof sig + 2) / 3) + 1];
    size_t siglen = sizeof sig, mlen;
    vg_status st;
    if ((st = key_id_of(k, id, err, cap)) != VG_OK || (st = file_digest(h, sha, err, cap)) != VG_OK)
        return st;
    if (!(mlen = message(msg, id, sha, h->size)))
        return say(err, cap, VG_E_INVAL, "message too long");
    EVP_MD_CTX *ctx = EVP_MD_CTX_new();
    int ok = ctx && EVP_DigestSignInit_ex(ctx, NULL, NULL, NULL, NULL, k, NULL) == 1 &&
             EVP_DigestSign(ctx, sig, &siglen, (const unsigned char *)msg, mlen) == 1 &&
             siglen == sizeof sig;
    EVP_MD_CTX_free(ctx);
    if (!ok)
        return say(err, cap, VG_E_CRYPTO, "Ed25519 signing failed");
    EVP_EncodeBlock(b64, sig, (int)siglen);
    snprintf(text, sizeof text, "%ssignature %s\n", msg, (const char *)b64);
    return write_sig(sig_path, text, err, cap);
}

/* The signature path: sig_path, or vhs_path + ".sig"; allocated (NULL when out of memory). */
static char *sig_path_for(const char *vhs_path, const char *sig_path) {
    if (sig_path)
        return strdup(sig_path);
    size_t len = strlen(vhs_path) + sizeof VG_HSET_SIG_SUFFIX;
    char *p = malloc(len);
    if (p)
        snprintf(p, len, "%s" VG_HSET_SIG_SUFFIX, vhs_path);
    return p;
}

vg_status vg_hset_sign(const char *vhs_path, const char *key_path, const char *sig_path, char *err,
                       size_t errcap) {
    EVP_PKEY *k = NULL;
    vg_hset *h = NULL;
    char *out = NULL;
    vg_status st = load_key(key_path, 1, &k, err, errcap);
    if (st != VG_OK)
        return st;
    if ((st = vg_hset_open(&h, vhs_path, 0, err, errcap)) != VG_OK)
        goto done;
    if (!(out = sig_path_for(vhs_path, sig_path))) {
        st = say(err, errcap, VG_E_NOMEM, "out of memory");
        goto done;
    }
    st = sign_open(h, k, out, err, errcap);
done:
    free(out);
    vg_hset_close(h);
    EVP_PKEY_free(k);
    return st;
}

/* ---- verifying ---- */

struct parsed {
    char id[17], sha[65];
    size_t size;
    uint8_t sig[64];
};

/* Parse the five lines strictly: the text must be exactly what vg_hset_sign() writes. */
static vg_status parse_sig(const char *text, struct parsed *p, char *err, size_t cap) {
    char b64[128], canon[SIG_FILE_MAX], msg[MSG_MAX], num[24];
    unsigned long long size = 0;
    unsigned char raw[66];
    if (sscanf(text,
               SIG_MAGIC "\nkey-id %16[0-9a-f]\nfile-sha256 %64[0-9a-f]\nfile-size %20[0-9]\n"
                         "signature %127[A-Za-z0-9+/=]",
               p->id, p->sha, num, b64) != 4 ||
        (size = strtoull(num, NULL, 10)) == 0 || strlen(b64) != 88 ||
        !message(msg, p->id, p->sha, (size_t)size) ||
        snprintf(canon, sizeof canon, "%ssignature %s\n", msg, b64) >= (int)sizeof canon ||
        strcmp(canon, text) != 0)
        return say(err, cap, VG_E_VERIFY, "malformed signature file");
    if (EVP_DecodeBlock(raw, (const unsigned char *)b64, 88) != 66 || b64[86] != '=' ||
        b64[87] != '=')
        return say(err, cap, VG_E_VERIFY, "malformed signature file (signature encoding)");
    memcpy(p->sig, raw, 64);
    p->size = (size_t)size;
    return VG_OK;
}

static vg_status read_sig(const char *path, char *text, char *err, size_t cap) {
    FILE *f = fopen(path, "rb");
    if (!f)
        return say(err, cap, errno == ENOENT ? VG_E_VERIFY : VG_E_IO, "%s: %s", path,
                   errno == ENOENT ? "no signature file" : strerror(errno));
    size_t n = fread(text, 1, SIG_FILE_MAX - 1, f);
    int bad = ferror(f) || !feof(f) || memchr(text, '\0', n) != NULL;
    fclose(f);
    text[n] = '\0';
    if (bad)
        return say(err, cap, VG_E_VERIFY, "%s: malformed signature file", path);
    return VG_OK;
}

vg_status vg_hset_verify(const vg_hset *h, const char *sig_path, const char *pubkey_path, char *err,
                         size_t errcap) {
    char text[SIG_FILE_MAX], id[17], sha[65], msg[MSG_MAX];
    struct parsed p;
    EVP_PKEY *k = NULL;
    vg_status st;
    if ((st = read_sig(sig_path, text, err, errcap)) != VG_OK ||
        (st = parse_sig(text, &p, err, errcap)) != VG_OK ||
        (st = load_key(pubkey_path, 0, &k, err, errcap)) != VG_OK ||
        (st = key_id_of(k, id, err, errcap)) != VG_OK)
        goto done;
    if (strcmp(id, p.id) != 0) {
        st = say(err, errcap, VG_E_VERIFY, "signed by another key (key id %s; trusted key %s)",
                 p.id, id);
        goto done;
    }
    if ((st = file_digest(h, sha, err, errcap)) != VG_OK)
        goto done;
    if (p.size != h->size || strcmp(sha, p.sha) != 0) {
        st = say(err, errcap, VG_E_VERIFY, "the signature is for another file (digest differs)");
        goto done;
    }
    size_t mlen = message(msg, p.id, p.sha, p.size);
    EVP_MD_CTX *ctx = EVP_MD_CTX_new();
    int ok = ctx && EVP_DigestVerifyInit_ex(ctx, NULL, NULL, NULL, NULL, k, NULL) == 1 &&
             EVP_DigestVerify(ctx, p.sig, sizeof p.sig, (const unsigned char *)msg, mlen) == 1;
    EVP_MD_CTX_free(ctx);
    if (!ok)
        st = say(err, errcap, VG_E_VERIFY, "bad signature: it does not verify with key %s", id);
done:
    EVP_PKEY_free(k);
    return st;
}
