/* SPDX-License-Identifier: BSD-3-Clause
 * streamgate SRTP/SRTCP engine (RFC 3711, RFC 7714) on intel-ipsec-mb.
 *
 * Model
 *  - An engine (struct sg_srtp_engine) owns the ipsec-mb multi-buffer
 *    manager(s). It is NOT thread-safe: create one per worker thread/lcore.
 *  - A context (struct sg_srtp_ctx) holds one peer's derived session keys:
 *    the SRTP keys (labels 0-2 of RFC 3711 §4.3.2) derived from one master
 *    key/salt, and the SRTCP keys (labels 3-5) derived from a (possibly
 *    different) master key/salt, plus the RTP rewrite parameters, the ROC and
 *    the replay windows. For a viewer of the fan-out, the SRTP master is the
 *    local (server) write key and the SRTCP master is the remote (client) write
 *    key, so one context protects outgoing SRTP and verifies incoming SRTCP.
 *    A context is fixed-size and 64-byte aligned (see sg_srtp_ctx_size()).
 *  - Only the SRTP (RTP) session keys are stored expanded in a context (AES
 *    round keys + HMAC-SHA1 inner/outer states, or the AES-GCM key + GHASH
 *    tables), computed once by sg_srtp_ctx_init(). The SRTCP session keys
 *    (RFC 3711 §4.3: k_e, k_a and k_s of labels 3-5; RFC 7714 §11 for GCM)
 *    are stored raw and expanded by every sg_srtcp_protect() /
 *    sg_srtcp_unprotect() call into scratch space of the engine, which is
 *    wiped before the call returns. SRTCP is 1-10 packets/s per viewer
 *    (RR, NACK, PLI), so this trades about 0.3 us per SRTCP packet for
 *    AES-CM (AES key schedule + two SHA1 compressions for the HMAC states)
 *    and 0.15 us for GCM (GHASH tables; measured on the AVX-512 path) for a
 *    context of 448 bytes (AES-CM) / 1216-1280 bytes (GCM) instead of
 *    704 / 2240. SRTP protect/unprotect cost is unchanged.
 *    A context is used by one engine at a time; the RTP index state of a
 *    context serves one direction (protect OR unprotect).
 *  - The hot path (burst protect, unprotect) never allocates, locks, logs or
 *    makes syscalls; failures are returned per packet and counted in the
 *    engine statistics.
 *
 * Errors (negative errno values, also counted per reason):
 *   SG_SRTP_E_SHORT   -EMSGSIZE    packet too short / malformed lengths
 *   SG_SRTP_E_VERSION -EPROTO      RTP/RTCP version field != 2
 *   SG_SRTP_E_AUTH    -EBADMSG     authentication tag mismatch
 *   SG_SRTP_E_REPLAY  -EALREADY    replayed or too old for the replay window
 *   SG_SRTP_E_EXPIRED -EKEYEXPIRED key lifetime reached (2^48 SRTP, 2^31 SRTCP)
 *   SG_SRTP_E_NOSPACE -ENOSPC      output buffer too small
 *   SG_SRTP_E_INVAL   -EINVAL      bad argument (NULL, context of another arch)
 *   SG_SRTP_E_CRYPTO  -EIO         the crypto library rejected the job
 */
#ifndef SG_SRTP_H
#define SG_SRTP_H

#include <errno.h>
#include <stddef.h>
#include <stdint.h>

#define SG_SRTP_E_SHORT   (-EMSGSIZE)
#define SG_SRTP_E_VERSION (-EPROTO)
#define SG_SRTP_E_AUTH    (-EBADMSG)
#define SG_SRTP_E_REPLAY  (-EALREADY)
#define SG_SRTP_E_EXPIRED (-EKEYEXPIRED)
#define SG_SRTP_E_NOSPACE (-ENOSPC)
#define SG_SRTP_E_INVAL   (-EINVAL)
#define SG_SRTP_E_CRYPTO  (-EIO)

/** Protection profiles (DTLS-SRTP names, RFC 5764 §4.1.2, RFC 7714 §14.2). */
enum sg_srtp_profile {
	SG_SRTP_AES128_CM_SHA1_80 = 0, /**< AES-128-CM, HMAC-SHA1 80-bit tag */
	SG_SRTP_AES128_CM_SHA1_32,     /**< AES-128-CM, HMAC-SHA1 32-bit SRTP tag (SRTCP: 80) */
	SG_SRTP_AEAD_AES_128_GCM,      /**< RFC 7714, 16-byte tag */
	SG_SRTP_AEAD_AES_256_GCM,      /**< RFC 7714, 16-byte tag */
	SG_SRTP_PROFILE__MAX
};

/** ipsec-mb code paths. AUTO picks per profile class from the CPU flags. */
enum sg_srtp_arch {
	SG_SRTP_ARCH_AUTO = 0,
	SG_SRTP_ARCH_SSE,
	SG_SRTP_ARCH_AVX,
	SG_SRTP_ARCH_AVX2,
	SG_SRTP_ARCH_AVX512,
	SG_SRTP_ARCH__MAX
};

/** Engine statistics, one counter per outcome (X-macro). */
#define SG_SRTP_STATS(X)                                                    \
	X(rtp_protected)   X(rtp_unprotected)                                  \
	X(rtcp_protected)  X(rtcp_unprotected)                                 \
	X(err_short)       X(err_version)      X(err_auth)                     \
	X(err_replay)      X(err_expired)      X(err_nospace)                  \
	X(err_inval)       X(err_crypto)

enum sg_srtp_stat {
#define SG_SRTP_X_ENUM(n) SG_SRTP_STAT_##n,
	SG_SRTP_STATS(SG_SRTP_X_ENUM)
#undef SG_SRTP_X_ENUM
	SG_SRTP_STAT__MAX
};

struct sg_srtp_engine;
struct sg_srtp_ctx;

/** Per-context RTP rewrite parameters for protect (RFC 3550 §5.1 fields). */
struct sg_srtp_rtp_params {
	uint32_t ssrc;      /**< SSRC written in every output packet */
	uint16_t seq_delta; /**< out seq = source seq + seq_delta (mod 2^16) */
	uint32_t ts_delta;  /**< out timestamp = source ts + ts_delta (mod 2^32) */
	uint8_t pt;         /**< payload type 0..127, or SG_SRTP_PT_KEEP */
	uint32_t roc;       /**< initial rollover counter (normally 0) */
};
#define SG_SRTP_PT_KEEP 0xff

/* ---- engine ----------------------------------------------------------- */

/**
 * Create an engine. arch AUTO picks, per profile class (AES-CM+HMAC, GCM),
 * the code path expected to be fastest on this CPU; an explicit arch is used
 * for both classes. Never initialises an arch the CPU lacks.
 * Returns NULL with errno ENOTSUP (arch unavailable), ENOMEM or EINVAL.
 */
struct sg_srtp_engine *sg_srtp_engine_create(enum sg_srtp_arch arch);

/** Free an engine (NULL is a no-op). Contexts are independent of it. */
void sg_srtp_engine_free(struct sg_srtp_engine *e);

/** Arch the engine uses for a profile. */
enum sg_srtp_arch sg_srtp_engine_arch(const struct sg_srtp_engine *e,
				      enum sg_srtp_profile p);

/** Whether the CPU (as seen by ipsec-mb) supports an arch. */
int sg_srtp_arch_supported(enum sg_srtp_arch arch);

/** "auto", "sse", "avx", "avx2", "avx512" or "?". */
const char *sg_srtp_arch_name(enum sg_srtp_arch arch);

/** Profile name as in DTLS-SRTP ("SRTP_AES128_CM_HMAC_SHA1_80", ...) or "?". */
const char *sg_srtp_profile_name(enum sg_srtp_profile p);

/** Counter value. */
uint64_t sg_srtp_engine_stat(const struct sg_srtp_engine *e, enum sg_srtp_stat s);

/** Counter name ("err_auth", ...) or "?". */
const char *sg_srtp_stat_name(enum sg_srtp_stat s);

/* ---- contexts --------------------------------------------------------- */

/** Master key length in bytes of a profile (16 or 32), 0 if invalid. */
unsigned sg_srtp_profile_key_len(enum sg_srtp_profile p);
/** Master salt length in bytes (14 for AES-CM, 12 for GCM), 0 if invalid. */
unsigned sg_srtp_profile_salt_len(enum sg_srtp_profile p);
/** SRTP overhead added by protect (auth tag length: 10, 4 or 16). */
unsigned sg_srtp_profile_rtp_overhead(enum sg_srtp_profile p);
/** SRTCP overhead added by protect (4-byte E||index + tag: 14 or 20). */
unsigned sg_srtp_profile_rtcp_overhead(enum sg_srtp_profile p);

/**
 * Bytes needed for a context of this profile (multiple of 64), 0 if invalid:
 * 448 for the AES-CM profiles, 1216 for AEAD_AES_128_GCM and 1280 for
 * AEAD_AES_256_GCM (a 64-byte state header, the expanded SRTP keys and salt,
 * then the SRTCP state: salt, index, replay windows and raw SRTCP keys).
 */
size_t sg_srtp_ctx_size(enum sg_srtp_profile p);

/**
 * Initialise a context in caller memory (64-byte aligned, at least
 * sg_srtp_ctx_size(p) bytes; e.g. hugepage memory from a DPDK allocator).
 * rtp_master / rtcp_master are key||salt (profile lengths) from which the
 * SRTP resp. SRTCP session keys are derived (RFC 3711 §4.3, kdr = 0;
 * RFC 7714 §11 for GCM). GCM key tables are computed for the engine's GCM
 * arch, so the context must be used with engines of the same arch.
 * params may be NULL (SSRC 0, deltas 0, PT kept, ROC 0).
 * Returns 0 or -EINVAL. On error the memory holds no key material.
 */
int sg_srtp_ctx_init(struct sg_srtp_engine *e, void *mem, size_t mem_len,
		     enum sg_srtp_profile p, const uint8_t *rtp_master,
		     const uint8_t *rtcp_master,
		     const struct sg_srtp_rtp_params *params);

/**
 * Bytes for n_ssrc (1..4) contexts of one peer that share one SRTP key block
 * and SRTCP tail (RFC 3711 §3.2.3: one master key, a cryptographic context
 * per SSRC): n 64-byte headers + the keys + the tail, rounded to 64. For a
 * viewer with video + audio: 512 bytes for AES-CM (2 x 448 separately),
 * 1280 / 1344 for GCM-128 / GCM-256 (2 x 1216 / 1280). 0 if invalid.
 */
size_t sg_srtp_ctx_size_n(enum sg_srtp_profile p, unsigned n_ssrc);

/**
 * Initialise n_ssrc contexts sharing one key block in caller memory (64-byte
 * aligned, sg_srtp_ctx_size_n() bytes): out[i] is the context of params[i]
 * (params may be NULL: SSRC 0, deltas 0 for all). Each has its own RTP index,
 * counters and rewrite parameters; they share the SRTCP replay windows.
 * out[0] == mem: wipe or free the whole object through it (sg_srtp_ctx_wipe()
 * of out[i > 0] does nothing). Returns 0 or -EINVAL.
 */
int sg_srtp_ctx_init_n(struct sg_srtp_engine *e, void *mem, size_t mem_len, enum sg_srtp_profile p,
		       const uint8_t *rtp_master, const uint8_t *rtcp_master,
		       const struct sg_srtp_rtp_params *params, unsigned n_ssrc, struct sg_srtp_ctx *out[]);

/** Allocate (aligned) and initialise a context. NULL with errno on error. */
struct sg_srtp_ctx *sg_srtp_ctx_create(struct sg_srtp_engine *e,
				       enum sg_srtp_profile p,
				       const uint8_t *rtp_master,
				       const uint8_t *rtcp_master,
				       const struct sg_srtp_rtp_params *params);

/** Wipe a context's keys and state (for caller-owned memory; for contexts
 *  from sg_srtp_ctx_init_n(), the first one wipes them all). */
void sg_srtp_ctx_wipe(struct sg_srtp_ctx *c);

/** Wipe and free a context from sg_srtp_ctx_create() (NULL is a no-op). */
void sg_srtp_ctx_free(struct sg_srtp_ctx *c);

/** Replace the RTP rewrite parameters; resets the RTP index state. -EINVAL on NULL. */
int sg_srtp_ctx_set_rtp(struct sg_srtp_ctx *c, const struct sg_srtp_rtp_params *params);

/**
 * Change the sequence/timestamp deltas of protect_burst WITHOUT resetting the
 * RTP index (ROC) state: for a fan-out that keeps each viewer's output
 * continuous while it inserts packets (parameter sets before a keyframe) or
 * re-bases after a source restart. The output sequence must keep moving
 * forward (RFC 3711 §3.3.1 index tracking). Returns 0 or -EINVAL.
 */
int sg_srtp_ctx_set_deltas(struct sg_srtp_ctx *c, uint16_t seq_delta, uint32_t ts_delta);

/** Current deltas of a context. */
void sg_srtp_ctx_deltas(const struct sg_srtp_ctx *c, uint16_t *seq_delta, uint32_t *ts_delta);

/** Profile of a context. */
enum sg_srtp_profile sg_srtp_ctx_profile(const struct sg_srtp_ctx *c);

/**
 * SRTP packets protected with this context's key and their bytes (header +
 * payload + tag), kept in the state line protect writes anyway, so a fan-out
 * needs no other per-viewer counter. A burst counts a packet when its crypto
 * is set up (a later crypto failure, never seen with valid contexts, is
 * counted in the engine's err_crypto). NULL outputs are skipped.
 */
void sg_srtp_ctx_tx_counts(const struct sg_srtp_ctx *c, uint64_t *pkts, uint64_t *bytes);

/** Current ROC of the RTP direction (RFC 3711 §3.3.1). */
uint32_t sg_srtp_ctx_roc(const struct sg_srtp_ctx *c);

/** Next SRTCP index this context will send (RFC 3711 §3.4). Contexts from one
 *  sg_srtp_ctx_init_n() share it (and the SRTCP replay windows): indices stay
 *  unique per SSRC, so no SRTCP IV repeats. */
uint32_t sg_srtp_ctx_srtcp_index(const struct sg_srtp_ctx *c);

/** Set the next SRTCP index to send (< 2^31). Returns 0 or -EINVAL. */
int sg_srtp_ctx_set_srtcp_index(struct sg_srtp_ctx *c, uint32_t index);

/* ---- hot path --------------------------------------------------------- */

/**
 * Protect one source RTP packet for n contexts (fan-out), RFC 3711 §3.3 /
 * RFC 7714 §8. src (read-only, shared) is a plain RTP packet. For each i,
 * dst[i] (capacity dst_cap bytes, not overlapping src) receives the rewritten
 * header (SSRC, seq + delta, ts + delta, PT of ctx[i]; marker, CSRCs and
 * header extension copied), the payload encrypted out of place from src and
 * the tag; dst_len_out[i] gets the SRTP length and rc[i] 0 or an SG_SRTP_E_*
 * (dst_len_out[i] = 0 then). AES-GCM runs per output (ipsec-mb's direct
 * call); the AES-CM outputs run 32 at a time through ipsec-mb's synchronous
 * cipher burst then hash burst, so the HMAC-SHA1 lanes are filled across
 * outputs.
 * dst_cap must be >= src_len + max(4, tag) for AES-CM (the ROC is staged
 * after the payload while the tag is computed) and src_len + 16 for GCM.
 * Returns the number of outputs protected (rc[i] == 0).
 */
unsigned sg_srtp_protect_burst(struct sg_srtp_engine *e, const uint8_t *src,
			       uint16_t src_len, struct sg_srtp_ctx *const ctx[],
			       uint8_t *const dst[], uint16_t dst_cap,
			       uint16_t dst_len_out[], int rc[], unsigned n);

/** sg_srtp_protect_burst() flag: the same contexts were protected just before
 *  (a tile of source packets for one batch of viewers), their keys are in
 *  cache: the key blocks are not prefetched again. */
#define SG_SRTP_BURST_KEYS_CACHED 0x1u

/**
 * sg_srtp_protect_burst() with flags (SG_SRTP_BURST_*); same arguments,
 * results and return value.
 */
unsigned sg_srtp_protect_burst_ex(struct sg_srtp_engine *e, const uint8_t *src, uint16_t src_len,
				  struct sg_srtp_ctx *const ctx[], uint8_t *const dst[], uint16_t dst_cap,
				  uint16_t dst_len_out[], int rc[], unsigned n, unsigned flags);

/**
 * Protect one RTP packet in place (no header rewrite): ROC is tracked from its
 * sequence number. pkt has capacity cap; *len is updated. Returns 0 or
 * SG_SRTP_E_{SHORT,VERSION,NOSPACE,EXPIRED,INVAL,CRYPTO}.
 */
int sg_srtp_protect(struct sg_srtp_engine *e, struct sg_srtp_ctx *c,
		    uint8_t *pkt, uint16_t *len, uint16_t cap);

/**
 * Verify and decrypt one SRTP packet in place (RFC 3711 §3.3): ROC estimated
 * per Appendix A, replay window of §3.3.2 (64 packets), tag checked in
 * constant time. On success *len is the RTP length and the context state is
 * updated; on failure the state is unchanged and the payload bytes are
 * unspecified. Returns 0 or SG_SRTP_E_{SHORT,VERSION,AUTH,REPLAY,EXPIRED,
 * INVAL,CRYPTO}.
 */
int sg_srtp_unprotect(struct sg_srtp_engine *e, struct sg_srtp_ctx *c,
		      uint8_t *pkt, uint16_t *len);

/**
 * Protect one compound RTCP packet in place (RFC 3711 §3.4, RFC 7714 §9):
 * encrypts from byte 8, appends E=1||SRTCP index and the tag using the
 * context's next SRTCP index. The SRTCP keys are expanded for the call (AES
 * key schedule + two SHA1 blocks for AES-CM, AES key + GHASH tables for GCM)
 * and wiped afterwards. Returns 0 or SG_SRTP_E_{SHORT,VERSION,NOSPACE,
 * EXPIRED,INVAL,CRYPTO}.
 */
int sg_srtcp_protect(struct sg_srtp_engine *e, struct sg_srtp_ctx *c,
		     uint8_t *pkt, uint16_t *len, uint16_t cap);

/**
 * Verify and decrypt one SRTCP packet in place (E=0 packets are verified
 * only), replay window on the SRTCP index. On success *len is the RTCP length.
 * Like sg_srtcp_protect() it expands the SRTCP keys per call (only for
 * packets that pass the length, version and replay checks) and wipes them.
 * Returns 0 or SG_SRTP_E_{SHORT,VERSION,AUTH,REPLAY,EXPIRED,INVAL,CRYPTO}.
 */
int sg_srtcp_unprotect(struct sg_srtp_engine *e, struct sg_srtp_ctx *c,
		       uint8_t *pkt, uint16_t *len);

#endif /* SG_SRTP_H */
