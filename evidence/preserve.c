/*
 * preserve.c — encrypted preservation of matched files: one CMS AuthEnvelopedData (AES-256-GCM)
 * per file, to the investigator's X.509 certificate, with the key management set explicitly
 * (RSA-OAEP with SHA-256/MGF1-SHA-256, or ECDH P-256 with a SHA-256 KDF): OpenSSL's defaults are
 * RSA PKCS#1 v1.5 and an ECDH SHA-1 KDF (EVIDENCE.md §3.5).
 *
 * The file's bytes flow reader → SHA-256 → CMS streaming encoder (i2d_CMS_bio_stream) →
 * SHA-256 → preserved/NNNNNN.cms.tmp, so no plaintext copy ever reaches the disk and memory
 * stays flat. The investigator decrypts with `openssl cms -decrypt` (README). Decryption is not
 * streaming in OpenSSL, hence the per-object size cap. The container's bytes are counted as they
 * are written, against what is left of the report's preserved/ budget (max_preserve_size).
 */
#define _GNU_SOURCE /* O_CLOEXEC with openat */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <openssl/bio.h>
#include <openssl/cms.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/rsa.h>
#include <openssl/x509.h>

#include "ev_cms.h"
#include "report_impl.h"

enum { KT_RSA, KT_EC };

struct vg_ev_recipient {
    X509 *cert;
    int kind;
    uint8_t fp[32]; /* SHA-256 of the certificate's DER */
};

/* ---- recipients ---- */

vg_status vg_ev_recipient_load(const char *pem_path, vg_ev_recipient **out, const char **why) {
    *out = NULL;
    *why = NULL;
    BIO *bio = BIO_new_file(pem_path, "r");
    if (!bio) {
        *why = "cannot read the certificate file";
        return VG_E_IO;
    }
    X509 *cert = PEM_read_bio_X509(bio, NULL, NULL, NULL);
    BIO_free(bio);
    EVP_PKEY *pk = cert ? X509_get0_pubkey(cert) : NULL;
    vg_ev_recipient *rc = NULL;
    char group[64] = "";
    size_t glen = 0;
    int kind = -1;
    if (pk && EVP_PKEY_is_a(pk, "RSA") && EVP_PKEY_get_bits(pk) >= 2048)
        kind = KT_RSA;
    else if (pk && EVP_PKEY_is_a(pk, "EC") &&
             EVP_PKEY_get_utf8_string_param(pk, "group", group, sizeof group, &glen) &&
             !strcmp(group, "prime256v1"))
        kind = KT_EC;
    if (kind < 0) {
        *why = cert ? "certificate key is neither RSA >= 2048 bits nor EC P-256"
                    : "not a PEM X.509 certificate";
        X509_free(cert);
        return VG_E_FORMAT;
    }
    unsigned fplen = 0;
    if (!(rc = calloc(1, sizeof *rc)) || !X509_digest(cert, EVP_sha256(), rc->fp, &fplen)) {
        free(rc);
        X509_free(cert);
        return VG_E_NOMEM;
    }
    rc->cert = cert;
    rc->kind = kind;
    *out = rc;
    return VG_OK;
}

void vg_ev_recipient_free(vg_ev_recipient *rc) {
    if (!rc)
        return;
    X509_free(rc->cert);
    free(rc);
}

const char *vg_ev_recipient_transport(const vg_ev_recipient *rc) {
    return rc->kind == KT_RSA ? "rsa-oaep-sha256" : "ecdh-p256-sha256kdf";
}

const uint8_t *vg_ev_recipient_fingerprint(const vg_ev_recipient *rc) {
    return rc->fp;
}

vg_status vg_ev_recipient_check(const char *pem_path, const char **transport, const char **why) {
    vg_ev_recipient *rc = NULL;
    *transport = NULL;
    vg_status st = vg_ev_recipient_load(pem_path, &rc, why);
    if (st == VG_OK)
        *transport = vg_ev_recipient_transport(rc);
    else if (!*why)
        *why = vg_status_str(st);
    vg_ev_recipient_free(rc);
    return st;
}

/* ---- a BIO that reads through the caller's callback, enforcing the cap ---- */

struct src {
    vg_ev_read_fn fn;
    void *ctx;
    uint64_t cap, n;
    bool over, err;
    const bool *sink_full; /* the container reached its limit: stop reading */
};

static int src_read(BIO *b, char *buf, int len) {
    struct src *s = BIO_get_data(b);
    if (s->over || s->err || *s->sink_full || len <= 0)
        return 0;
    long k = s->fn(s->ctx, buf, (size_t)len);
    if (k < 0 || k > len) {
        s->err = true; /* the encoder sees EOF; the caller discards the container */
        return 0;
    }
    if (s->n + (uint64_t)k > s->cap) {
        s->over = true;
        return 0;
    }
    s->n += (uint64_t)k;
    return (int)k;
}

static long src_ctrl(BIO *b, int cmd, long num, void *ptr) {
    (void)b;
    (void)num;
    (void)ptr;
    return cmd == BIO_CTRL_FLUSH ? 1 : 0;
}

/* ---- a BIO that writes the container to its file, enforcing the budget ---- */

/* A write that would take the container past max is refused whole (nothing of it reaches the
 * file) and marks the sink full; the encoder then fails, or (OpenSSL 3.0 ignores some write
 * errors while streaming) reads EOF from src_read at once. */
struct sink {
    int fd;
    uint64_t max, n;
    bool full;
};

static int sink_write(BIO *b, const char *buf, int len) {
    struct sink *k = BIO_get_data(b);
    if (k->full || len < 0)
        return -1;
    if ((uint64_t)len > k->max - k->n) {
        k->full = true;
        return -1;
    }
    for (int done = 0; done < len;) {
        ssize_t w = write(k->fd, buf + done, (size_t)(len - done));
        if (w < 0 && errno == EINTR)
            continue;
        if (w <= 0)
            return -1;
        done += (int)w;
        k->n += (uint64_t)w;
    }
    return len;
}

/* Build the CMS structure with the recipient and explicit key-management parameters. */
static CMS_ContentInfo *make_cms(const vg_ev_recipient *rc) {
    unsigned flags = CMS_BINARY | CMS_PARTIAL | CMS_STREAM;
    CMS_ContentInfo *cms = CMS_encrypt(NULL, NULL, EVP_aes_256_gcm(), flags);
    CMS_RecipientInfo *ri =
        cms ? CMS_add1_recipient_cert(cms, rc->cert, flags | CMS_KEY_PARAM) : NULL;
    EVP_PKEY_CTX *pctx = ri ? CMS_RecipientInfo_get0_pkey_ctx(ri) : NULL;
    bool ok = pctx != NULL;
    if (ok && rc->kind == KT_RSA)
        ok = EVP_PKEY_CTX_set_rsa_padding(pctx, RSA_PKCS1_OAEP_PADDING) > 0 &&
             EVP_PKEY_CTX_set_rsa_oaep_md(pctx, EVP_sha256()) > 0 &&
             EVP_PKEY_CTX_set_rsa_mgf1_md(pctx, EVP_sha256()) > 0;
    else if (ok)
        ok = EVP_PKEY_CTX_set_ecdh_kdf_md(pctx, EVP_sha256()) > 0;
    if (!ok) {
        CMS_ContentInfo_free(cms);
        return NULL;
    }
    return cms;
}

/* A SHA-256 filter BIO in front of next. The digest is fetched (not the const EVP_sha256())
 * because BIO_set_md() takes a non-const pointer; the BIO's context keeps its own reference. */
static BIO *md_bio(BIO *next) {
    BIO *md = BIO_new(BIO_f_md());
    EVP_MD *sha = EVP_MD_fetch(NULL, "SHA256", NULL);
    bool ok = md && sha && BIO_set_md(md, sha) == 1;
    EVP_MD_free(sha);
    if (!ok) {
        BIO_free(md);
        return NULL;
    }
    return BIO_push(md, next);
}

/* Encrypt src into k's file; digests into out. */
static vg_status encode(const vg_ev_recipient *rc, struct src *s, struct sink *k,
                        vg_ev_sealed_obj *o) {
    vg_status st = VG_E_CRYPTO;
    BIO_METHOD *m = BIO_meth_new(BIO_get_new_index() | BIO_TYPE_SOURCE_SINK, "vigil-src");
    BIO_METHOD *mk = BIO_meth_new(BIO_get_new_index() | BIO_TYPE_SOURCE_SINK, "vigil-sink");
    BIO *in_raw = NULL, *in = NULL, *out_raw = NULL, *out = NULL;
    CMS_ContentInfo *cms = NULL;
    if (!m || !BIO_meth_set_read(m, src_read) || !BIO_meth_set_ctrl(m, src_ctrl))
        goto done;
    if (!mk || !BIO_meth_set_write(mk, sink_write) || !BIO_meth_set_ctrl(mk, src_ctrl))
        goto done;
    if (!(in_raw = BIO_new(m)))
        goto done;
    BIO_set_data(in_raw, s);
    BIO_set_init(in_raw, 1);
    if (!(in = md_bio(in_raw)))
        goto done;
    if (!(out_raw = BIO_new(mk)))
        goto done;
    BIO_set_data(out_raw, k);
    BIO_set_init(out_raw, 1);
    if (!(out = md_bio(out_raw)))
        goto done;
    if (!(cms = make_cms(rc)))
        goto done;
    if (i2d_CMS_bio_stream(out, cms, in, CMS_BINARY | CMS_STREAM) != 1 || BIO_flush(out) != 1) {
        st = errno ? VG_E_IO : VG_E_CRYPTO;
        goto done;
    }
    if (BIO_gets(in, (char *)o->plain_sha256, 32) != 32 ||
        BIO_gets(out, (char *)o->cms_sha256, 32) != 32)
        goto done;
    o->plain_size = s->n;
    st = VG_OK;
done:
    CMS_ContentInfo_free(cms);
    if (out)
        BIO_pop(out);
    BIO_free(out);
    BIO_free(out_raw);
    if (in)
        BIO_pop(in);
    BIO_free(in);
    BIO_free(in_raw);
    BIO_meth_free(mk);
    BIO_meth_free(m);
    return st;
}

vg_status vg_ev_preserve_stream(const vg_ev_recipient *rc, vg_ev_read_fn read_fn, void *ctx,
                                int dirfd, const char *name, vg_ev_caps caps,
                                vg_ev_sealed_obj *out) {
    char tmp[128];
    struct stat sb;
    memset(out, 0, sizeof *out);
    snprintf(tmp, sizeof tmp, "%s.tmp", name);
    int fd = openat(dirfd, tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | O_NOFOLLOW, 0600);
    if (fd < 0)
        return VG_E_IO;
    struct sink k = {fd, caps.cms, 0, false};
    struct src s = {read_fn, ctx, caps.plain, 0, false, false, &k.full};
    errno = 0;
    vg_status st = encode(rc, &s, &k, out);
    if (k.full) { /* the encoder failed because the sink refused: a recorded result */
        st = VG_OK;
        ERR_clear_error(); /* and the scan goes on: leave no stale OpenSSL errors behind */
    }
    if (st == VG_OK && !k.full && (fsync(fd) != 0 || fstat(fd, &sb) != 0))
        st = VG_E_IO;
    close(fd);
    out->over_cap = s.over;
    out->read_error = s.err;
    out->over_budget = k.full;
    if (st != VG_OK || s.over || s.err || k.full) {
        unlinkat(dirfd, tmp, 0);
        return st;
    }
    out->cms_size = (uint64_t)sb.st_size;
    if (renameat(dirfd, tmp, dirfd, name) != 0 || fsync(dirfd) != 0) {
        unlinkat(dirfd, tmp, 0);
        return VG_E_IO;
    }
    return VG_OK;
}

/* ---- the investigator's side ---- */

struct vg_ev_decryptor {
    EVP_PKEY *key;
    X509 *cert;
};

vg_status vg_ev_decryptor_load(const char *key_path, const char *cert_path, vg_ev_decryptor **out) {
    *out = NULL;
    vg_ev_decryptor *d = calloc(1, sizeof *d);
    if (!d)
        return VG_E_NOMEM;
    BIO *b = BIO_new_file(key_path, "r");
    vg_status st = b ? VG_OK : VG_E_IO;
    if (b && !(d->key = PEM_read_bio_PrivateKey(b, NULL, NULL, NULL)))
        st = VG_E_FORMAT;
    BIO_free(b);
    if (st == VG_OK && cert_path) {
        b = BIO_new_file(cert_path, "r");
        st = b ? VG_OK : VG_E_IO;
        if (b && !(d->cert = PEM_read_bio_X509(b, NULL, NULL, NULL)))
            st = VG_E_FORMAT;
        BIO_free(b);
    }
    if (st != VG_OK) {
        vg_ev_decryptor_free(d);
        return st;
    }
    *out = d;
    return VG_OK;
}

void vg_ev_decryptor_free(vg_ev_decryptor *d) {
    if (!d)
        return;
    EVP_PKEY_free(d->key);
    X509_free(d->cert);
    free(d);
}

vg_status vg_ev_decrypt_digest(const vg_ev_decryptor *d, const void *der, size_t n,
                               uint8_t sha256[32], uint64_t *size) {
    if (n > INT_MAX)
        return VG_E_LIMIT;
    BIO *in = BIO_new_mem_buf(der, (int)n);
    CMS_ContentInfo *cms = in ? d2i_CMS_bio(in, NULL) : NULL;
    BIO *sink = BIO_new(BIO_s_null());
    BIO *md = sink ? md_bio(sink) : NULL;
    vg_status st = VG_OK;
    if (!in || !sink || !md)
        st = VG_E_NOMEM;
    else if (!cms || OBJ_obj2nid(CMS_get0_type(cms)) != NID_id_smime_ct_authEnvelopedData)
        st = VG_E_FORMAT;
    else if (CMS_decrypt(cms, d->key, d->cert, NULL, md, CMS_BINARY) != 1)
        st = VG_E_VERIFY;
    else if (BIO_gets(md, (char *)sha256, 32) != 32)
        st = VG_E_CRYPTO;
    else
        *size = BIO_number_written(md);
    CMS_ContentInfo_free(cms);
    if (md)
        BIO_pop(md);
    BIO_free(md);
    BIO_free(sink);
    BIO_free(in);
    return st;
}
