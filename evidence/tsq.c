/*
 * tsq.c — an RFC 3161 TimeStampReq over summary.json, made offline (EVIDENCE.md §3.3): version 1,
 * SHA-256 message imprint, a random 64-bit nonce, certReq = true. It can be sent to a TSA later
 * (`curl --data-binary @summary.tsq -H 'Content-Type: application/timestamp-query' TSA`), and
 * `openssl ts -query -in summary.tsq -text` reads it. No content leaves the device, only a hash.
 */
#include <stdbool.h>
#include <string.h>

#include <openssl/evp.h>
#include <openssl/objects.h>
#include <openssl/rand.h>
#include <openssl/ts.h>

#include "ev_cms.h"
#include "report_impl.h"

static TS_REQ *build(const void *data, size_t n) {
    uint8_t h[32], nonce[8];
    TS_REQ *req = TS_REQ_new();
    TS_MSG_IMPRINT *imp = TS_MSG_IMPRINT_new();
    X509_ALGOR *alg = X509_ALGOR_new();
    ASN1_INTEGER *nn = NULL;
    BIGNUM *bn = NULL;
    bool ok = req && imp && alg && vg_ev_sha256(data, n, NULL, 0, NULL, 0, h) == VG_OK &&
              RAND_bytes(nonce, sizeof nonce) == 1;
    if (ok)
        nonce[0] &= 0x7f; /* a positive INTEGER */
    ok = ok && X509_ALGOR_set0(alg, OBJ_nid2obj(NID_sha256), V_ASN1_NULL, NULL) &&
         TS_MSG_IMPRINT_set_algo(imp, alg) && TS_MSG_IMPRINT_set_msg(imp, h, sizeof h) &&
         TS_REQ_set_version(req, 1) && TS_REQ_set_msg_imprint(req, imp) &&
         (bn = BN_bin2bn(nonce, sizeof nonce, NULL)) && (nn = BN_to_ASN1_INTEGER(bn, NULL)) &&
         TS_REQ_set_nonce(req, nn) && TS_REQ_set_cert_req(req, 1);
    BN_free(bn);
    ASN1_INTEGER_free(nn);
    X509_ALGOR_free(alg);
    TS_MSG_IMPRINT_free(imp);
    if (!ok) {
        TS_REQ_free(req);
        return NULL;
    }
    return req;
}

vg_status vg_ev_tsq_make(const void *data, size_t n, vg_ev_buf *der) {
    TS_REQ *req = build(data, n);
    if (!req)
        return VG_E_CRYPTO;
    unsigned char *p = NULL;
    int len = i2d_TS_REQ(req, &p);
    vg_status st = len > 0 ? vg_ev_buf_add(der, p, (size_t)len) : VG_E_CRYPTO;
    OPENSSL_free(p);
    TS_REQ_free(req);
    return st;
}

vg_status vg_ev_tsq_check(const void *der, size_t dn, const void *data, size_t n,
                          const char **why) {
    const unsigned char *p = der;
    uint8_t h[32];
    TS_REQ *req = d2i_TS_REQ(NULL, &p, (long)dn);
    vg_status st = VG_OK;
    *why = NULL;
    if (!req || p != (const unsigned char *)der + dn) {
        *why = "not a DER TimeStampReq";
        st = VG_E_FORMAT;
    } else {
        TS_MSG_IMPRINT *imp = TS_REQ_get_msg_imprint(req);
        const ASN1_OBJECT *obj = NULL;
        X509_ALGOR_get0(&obj, NULL, NULL, TS_MSG_IMPRINT_get_algo(imp));
        ASN1_OCTET_STRING *msg = TS_MSG_IMPRINT_get_msg(imp);
        if (OBJ_obj2nid(obj) != NID_sha256 || ASN1_STRING_length(msg) != 32 ||
            vg_ev_sha256(data, n, NULL, 0, NULL, 0, h) != VG_OK ||
            memcmp(ASN1_STRING_get0_data(msg), h, 32) != 0) {
            *why = "time-stamp request is not over this summary.json (SHA-256)";
            st = VG_E_VERIFY;
        }
    }
    TS_REQ_free(req);
    return st;
}

vg_status vg_ev_tsr_check(const void *der, size_t dn, const void *tsq, size_t tn,
                          const char *ca_path, const char **why) {
    const unsigned char *p = der, *q = tsq;
    TS_RESP *resp = d2i_TS_RESP(NULL, &p, (long)dn);
    TS_REQ *req = d2i_TS_REQ(NULL, &q, (long)tn);
    X509_STORE *store = X509_STORE_new();
    TS_VERIFY_CTX *ctx = req ? TS_REQ_to_TS_VERIFY_CTX(req, NULL) : NULL;
    vg_status st = VG_OK;
    *why = NULL;
    if (!resp || p != (const unsigned char *)der + dn || !req) {
        *why = "summary.tsr is not a DER TimeStampResp for summary.tsq";
        st = VG_E_FORMAT;
    } else if (!store || !ctx || X509_STORE_load_file(store, ca_path) != 1) {
        *why = "cannot load the TSA CA certificates";
        st = VG_E_IO;
    } else {
        TS_VERIFY_CTX_set_store(ctx, store); /* the context owns the store from here */
        store = NULL;
        /* TS_REQ_to_TS_VERIFY_CTX() leaves the signature check out: add it */
        TS_VERIFY_CTX_add_flags(ctx, TS_VFY_SIGNATURE);
        if (TS_RESP_verify_response(ctx, resp) != 1) {
            *why = "time-stamp token does not verify (signature, chain, imprint or nonce)";
            st = VG_E_VERIFY;
        }
    }
    X509_STORE_free(store);
    TS_VERIFY_CTX_free(ctx);
    TS_REQ_free(req);
    TS_RESP_free(resp);
    return st;
}
