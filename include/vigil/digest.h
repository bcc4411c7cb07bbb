/* One-pass MD5 + SHA-1 + SHA-256 of a byte stream (a file descriptor or a memory buffer). */
#ifndef VIGIL_DIGEST_H
#define VIGIL_DIGEST_H

#include <stddef.h>
#include <stdint.h>

#include "vigil/status.h"

#ifdef __cplusplus
extern "C" {
#endif

#define VG_MD5_LEN 16
#define VG_SHA1_LEN 20
#define VG_SHA256_LEN 32

/* Read size used by vg_digest_fd() when the caller passes no buffer; also a good cap for
 * callers that bring their own (it keeps each chunk in L2 while three digests pass over it). */
#define VG_DIGEST_CHUNK (256u * 1024u)

/* The three digests of one byte stream and its length. A plain value: copy freely. */
typedef struct vg_digests {
    uint64_t size;
    uint8_t md5[VG_MD5_LEN];
    uint8_t sha1[VG_SHA1_LEN];
    uint8_t sha256[VG_SHA256_LEN];
} vg_digests;

/*
 * A streaming context that feeds every byte once to MD5, SHA-1 and SHA-256 (OpenSSL EVP).
 * Single-threaded: use one per worker and reuse it across files (vg_digest_reset()), so the
 * algorithm look-ups and allocations happen once.
 */
typedef struct vg_digest vg_digest;

/*
 * Create a context, ready for vg_digest_update().
 * @param[out] out  receives the new context, owned by the caller (vg_digest_free()).
 * @return VG_OK; VG_E_NOMEM; VG_E_CRYPTO if OpenSSL lacks an algorithm (e.g. a FIPS-only
 *         configuration without MD5). On failure *out is NULL and nothing needs freeing.
 */
vg_status vg_digest_open(vg_digest **out);

/*
 * Start a new stream, discarding any state.
 * @return VG_OK or VG_E_CRYPTO.
 */
vg_status vg_digest_reset(vg_digest *d);

/*
 * Feed n bytes (n may be 0, buf may then be NULL). The bytes are read once by each digest in
 * cache-sized chunks; nothing is copied.
 * @return VG_OK or VG_E_CRYPTO (the stream is then unusable until vg_digest_reset()).
 */
vg_status vg_digest_update(vg_digest *d, const void *buf, size_t n);

/*
 * Finish the stream and store its digests and length in *out; the context is reset.
 * @return VG_OK or VG_E_CRYPTO.
 */
vg_status vg_digest_final(vg_digest *d, vg_digests *out);

/*
 * Digest an in-memory buffer (an archive entry, a test vector): reset, update, final.
 * @return as vg_digest_update() and vg_digest_final().
 */
vg_status vg_digest_buffer(vg_digest *d, const void *buf, size_t n, vg_digests *out);

/*
 * Digest everything readable from fd, from its current offset to end of file, through the
 * caller's buffer (buf, cap) — or an internal VG_DIGEST_CHUNK buffer when buf is NULL. Any size
 * works, including 0 bytes and files > 4 GiB; memory use is bounded by the buffer. EINTR is
 * retried. The fd is not closed.
 * @param[out] err  receives errno when VG_E_IO is returned (may be NULL).
 * @return VG_OK; VG_E_IO on a read error (*out is then untouched); VG_E_NOMEM; VG_E_CRYPTO.
 */
vg_status vg_digest_fd(vg_digest *d, int fd, void *buf, size_t cap, vg_digests *out, int *err);

/* Release a context; NULL is accepted. */
void vg_digest_free(vg_digest *d);

/*
 * Lower-case hex of n bytes into out, which must hold 2n+1 bytes; NUL-terminated.
 * @return out.
 */
char *vg_hex(const uint8_t *bytes, size_t n, char *out);

#ifdef __cplusplus
}
#endif
#endif /* VIGIL_DIGEST_H */
