/* ev_cms.h — the investigator's side of preservation, used by verify (internal to evidence/):
 * decrypt a preserved CMS object in memory and hash the plaintext, writing nothing. */
#ifndef VIGIL_EV_CMS_H
#define VIGIL_EV_CMS_H

#include <stddef.h>
#include <stdint.h>

#include "vigil/status.h"

typedef struct vg_ev_decryptor vg_ev_decryptor;

/* Load the investigator's private key (PEM; PKCS#8 or traditional) and optionally the
 * matching certificate (cert_path may be NULL). @return VG_OK; VG_E_IO; VG_E_FORMAT. */
vg_status vg_ev_decryptor_load(const char *key_path, const char *cert_path, vg_ev_decryptor **out);
void vg_ev_decryptor_free(vg_ev_decryptor *d);

/* Decrypt der[0..n) (a CMS AuthEnvelopedData) and give the SHA-256 and size of the plaintext,
 * which only passes through a digest (never stored). @return VG_OK; VG_E_FORMAT (not CMS);
 * VG_E_VERIFY (wrong key, or authentication failed: the object was altered). */
vg_status vg_ev_decrypt_digest(const vg_ev_decryptor *d, const void *der, size_t n,
                               uint8_t sha256[32], uint64_t *size);

/* tsq.c: check that der[0..dn) is a TimeStampReq whose SHA-256 imprint is over data[0..n).
 * @return VG_OK; VG_E_FORMAT (not a request); VG_E_VERIFY (another imprint). */
vg_status vg_ev_tsq_check(const void *der, size_t dn, const void *data, size_t n, const char **why);

/* tsq.c: check an RFC 3161 response der[0..dn) (summary.tsr) against the request it answers
 * (tsq) and a TSA CA file: signature chain, imprint, nonce, version.
 * @return VG_OK; VG_E_FORMAT (not a response); VG_E_VERIFY (does not verify); VG_E_IO. */
vg_status vg_ev_tsr_check(const void *der, size_t dn, const void *tsq, size_t tn,
                          const char *ca_path, const char **why);

#endif
