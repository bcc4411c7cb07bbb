/* The seal of an evidence report: Ed25519 keys, minisign-format signatures (made and checked
 * with OpenSSL 3.0 EVP only), and the hash chain + RFC 6962 Merkle tree over the records. */
#ifndef VIGIL_EV_SEAL_H
#define VIGIL_EV_SEAL_H

#include <stddef.h>
#include <stdint.h>

#include "vigil/status.h"

#ifdef __cplusplus
extern "C" {
#endif

#define VG_EV_KEYID_LEN 8
#define VG_EV_PK_LEN 32
#define VG_EV_HASH_LEN 32

/* ---- chain and tree (EVIDENCE.md §5.4) ---- */

/* genesis = SHA-256("vigil-report/1 chain" || 0x00 || report_id[16]). @return VG_OK or
 * VG_E_CRYPTO. Thread-safe, as are all functions in this section. */
vg_status vg_ev_genesis(const uint8_t report_id[16], uint8_t out[VG_EV_HASH_LEN]);

/* leaf = SHA-256(0x00 || line), line without its LF (RFC 6962 leaf hash). */
vg_status vg_ev_leaf(const void *line, size_t n, uint8_t out[VG_EV_HASH_LEN]);

/*
 * RFC 6962 Merkle Tree Hash computed as leaves stream in, in O(log n) memory: a stack of the
 * roots of perfect subtrees. A plain value; zero it (or vg_ev_merkle_init()) to start.
 */
typedef struct vg_ev_merkle {
    uint64_t n;
    uint8_t stack[64][VG_EV_HASH_LEN];
    uint8_t height[64];
    int top;
} vg_ev_merkle;

void vg_ev_merkle_init(vg_ev_merkle *m);
vg_status vg_ev_merkle_add(vg_ev_merkle *m, const uint8_t leaf[VG_EV_HASH_LEN]);
/* Root over the leaves so far (m is unchanged); SHA-256 of nothing for an empty tree. */
vg_status vg_ev_merkle_root(const vg_ev_merkle *m, uint8_t out[VG_EV_HASH_LEN]);

/* ---- keys ---- */

/* A pinned public key: minisign key id (8 bytes, as stored in the files) and Ed25519 key. */
typedef struct vg_ev_pubkey {
    uint8_t key_id[VG_EV_KEYID_LEN];
    uint8_t pk[VG_EV_PK_LEN];
} vg_ev_pubkey;

/* A loaded private signing key (opaque; wiped by OpenSSL when freed). */
typedef struct vg_ev_signer vg_ev_signer;

/*
 * Generate an Ed25519 key pair: BASE.key (PKCS#8 PEM, created 0600, never overwritten) and
 * BASE.pub (minisign public key file, 0644). key_id = first 8 bytes of SHA-256(public key).
 * @param[out] pub  the new public key.
 * @return VG_OK; VG_E_IO (a file exists or cannot be written; errno kept); VG_E_CRYPTO.
 */
vg_status vg_ev_keygen(const char *base, vg_ev_pubkey *pub);

/*
 * Load a PKCS#8 PEM Ed25519 private key (as written by vg_ev_keygen() or
 * `openssl genpkey -algorithm ed25519`).
 * @return VG_OK; VG_E_IO unreadable; VG_E_FORMAT not an Ed25519 private key; VG_E_NOMEM.
 */
vg_status vg_ev_signer_load(const char *path, vg_ev_signer **out);
/* A signer from a raw 32-byte Ed25519 seed (test vectors). */
vg_status vg_ev_signer_from_seed(const uint8_t seed[32], vg_ev_signer **out);
/* The signer's public key and key id. */
void vg_ev_signer_pubkey(const vg_ev_signer *s, vg_ev_pubkey *out);
void vg_ev_signer_free(vg_ev_signer *s);

/*
 * Parse a minisign public key file (".pub": an untrusted comment line, then base64 of
 * "Ed" || key_id[8] || pk[32]).
 * @return VG_OK; VG_E_FORMAT.
 */
vg_status vg_ev_pubkey_parse(const char *text, size_t n, vg_ev_pubkey *out);
/* Read and parse a .pub file. @return as vg_ev_pubkey_parse(), or VG_E_IO/VG_E_NOTFOUND. */
vg_status vg_ev_pubkey_load(const char *path, vg_ev_pubkey *out);
/* The minisign .pub file text for pub (NUL-terminated, into a new malloc'd buffer). */
vg_status vg_ev_pubkey_format(const vg_ev_pubkey *pub, char **out);
/* Key id as minisign prints it (the 8 bytes as a little-endian u64, upper-case hex): 17 bytes. */
void vg_ev_keyid_text(const uint8_t key_id[VG_EV_KEYID_LEN], char out[17]);

/* ---- minisign signatures ---- */

/*
 * Sign msg in minisign's prehashed format (sig_alg "ED"):
 *   signature        = Ed25519(BLAKE2b-512(msg))
 *   global signature = Ed25519(signature || trusted_comment)
 * and produce the 4-line .minisig text:
 *   "untrusted comment: " untrusted LF base64(ED || key_id || signature) LF
 *   "trusted comment: " trusted LF base64(global signature) LF
 * Comments must be single-line printable text without LF/CR.
 * @param[out] out, outlen  new malloc'd NUL-terminated text.
 * @return VG_OK; VG_E_INVAL (bad comment); VG_E_CRYPTO; VG_E_NOMEM.
 */
vg_status vg_ev_minisign_sign(const vg_ev_signer *s, const void *msg, size_t n,
                              const char *untrusted, const char *trusted, char **out,
                              size_t *outlen);

/* Why a minisign signature was rejected: stable names used in verify's output. */
typedef enum vg_ev_sigfail {
    VG_EV_SIG_OK = 0,
    VG_EV_SIG_MALFORMED, /* not 4 lines of the expected shape */
    VG_EV_SIG_ALGORITHM, /* not the prehashed "ED" format */
    VG_EV_SIG_KEY_ID,    /* key id differs from the pinned key's */
    VG_EV_SIG_SIGNATURE, /* Ed25519 over BLAKE2b-512(message) fails */
    VG_EV_SIG_GLOBAL     /* Ed25519 over signature || trusted comment fails */
} vg_ev_sigfail;

/*
 * Check sig (a .minisig text) over msg against the pinned key, exactly as `minisign -V` does.
 * @param[out] fail     the reason when VG_E_VERIFY is returned.
 * @param[out] untrusted, trusted  if not NULL and the text parses: new malloc'd copies of the
 *                      two comments (caller frees), set even when a signature check fails.
 * @return VG_OK verified; VG_E_VERIFY (see *fail); VG_E_NOMEM; VG_E_CRYPTO.
 */
vg_status vg_ev_minisign_verify(const vg_ev_pubkey *pub, const void *msg, size_t n, const char *sig,
                                size_t siglen, vg_ev_sigfail *fail, char **untrusted,
                                char **trusted);

#ifdef __cplusplus
}
#endif
#endif /* VIGIL_EV_SEAL_H */
