/* Ed25519 detached signatures of .vhs index files (a list supplier signs, the scanner checks). */
#ifndef VIGIL_HSET_SIGN_H
#define VIGIL_HSET_SIGN_H

#include <stddef.h>

#include "vigil/hset.h"
#include "vigil/status.h"

#ifdef __cplusplus
extern "C" {
#endif

/*
 * The signature file (by default the index path + ".sig") is five lines of text:
 *
 *   vigil-vhs-signature 1
 *   key-id 1f2e3d4c5b6a7988                    first 8 bytes of SHA-256(raw 32-byte public key)
 *   file-sha256 <64 hex>                       SHA-256 of the whole .vhs file
 *   file-size <decimal bytes>
 *   signature <base64 of the 64-byte Ed25519 signature>
 *
 * The signed message is the first four lines exactly as written (each ending in "\n"), so the
 * signature binds the key id, the file's digest and its size. Keys are PEM files as written by
 * `openssl genpkey -algorithm ed25519` (private, PKCS#8) and `openssl pkey -pubout` (public).
 * All functions are thread-safe.
 */

#define VG_HSET_SIG_SUFFIX ".sig"

/*
 * Sign an index: open it with every check (a damaged index is never signed), hash the file,
 * sign, and write the signature file atomically (temporary file, fsync, rename).
 * @param[in] vhs_path  the index.
 * @param[in] key_path  the Ed25519 private key (PEM).
 * @param[in] sig_path  where to write; NULL means vhs_path + ".sig".
 * @param[out] err      a message on failure (may be NULL).
 * @return VG_OK; VG_E_IO; VG_E_FORMAT/VG_E_VERIFY/VG_E_UNSUPPORTED (the index is refused, as
 *         by vg_hset_open()); VG_E_CRYPTO (not an Ed25519 private key, or OpenSSL failed);
 *         VG_E_NOMEM.
 */
vg_status vg_hset_sign(const char *vhs_path, const char *key_path, const char *sig_path, char *err,
                       size_t errcap);

/*
 * Check the signature of an open index against a trusted public key. The digest is taken from
 * the mapping the caller will search, so the file cannot be swapped between check and use.
 * @param[in] h            the open index.
 * @param[in] sig_path     the signature file.
 * @param[in] pubkey_path  the trusted Ed25519 public key (PEM).
 * @param[out] err         the reason on failure (may be NULL): missing or malformed signature
 *                         file, signed by another key (both key ids named), signature made for
 *                         another file, or a signature that does not verify.
 * @return VG_OK when the signature verifies; VG_E_VERIFY when it does not (any reason above);
 *         VG_E_IO (a file cannot be read); VG_E_CRYPTO (not an Ed25519 public key); VG_E_NOMEM.
 */
vg_status vg_hset_verify(const vg_hset *h, const char *sig_path, const char *pubkey_path, char *err,
                         size_t errcap);

/*
 * Key id of an Ed25519 key file (private or public PEM): 16 lower-case hex digits + NUL.
 * @return VG_OK; VG_E_IO; VG_E_CRYPTO (not an Ed25519 key).
 */
vg_status vg_hset_key_id(const char *key_path, char out[17], char *err, size_t errcap);

#ifdef __cplusplus
}
#endif
#endif /* VIGIL_HSET_SIGN_H */
