/* SPDX-License-Identifier: BSD-3-Clause
 * lib/srtp internals: context and engine layout, byte helpers, sync jobs.
 */
#ifndef SG_SRTP_PRIV_H
#define SG_SRTP_PRIV_H

#include <stdalign.h>
#include <stdbool.h>
#include <stddef.h>
#include <string.h>

#include <intel-ipsec-mb.h>

#include "sg_common.h"
#include "sg_srtp.h"

#define SG_SRTP_CTX_MAGIC 0x5352u /* "SR" */
#define SG_SRTP_MAX_SSRCS 4 /* contexts sharing one key block (sg_srtp_ctx_init_n) */
#define SG_SRTP_RTP_HDR 12
#define SG_SRTP_RTCP_HDR 8
#define SG_SRTP_CM_SALT 14
#define SG_SRTP_GCM_SALT 12
#define SG_SRTP_HMAC_KEY 20
#define SG_SRTP_GCM_TAG 16
#define SG_SRTP_CM_RTCP_TAG 10
#define SG_SRTP_REPLAY_WIN 64
#define SG_SRTP_RTCP_SSRCS 4 /* SRTCP senders per context */
/* RFC 3711 §9.2: key lifetime, in packets. */
#define SG_SRTP_MAX_RTP_PKTS  (1ull << 48)
#define SG_SRTP_MAX_RTCP_PKTS (1ull << 31)

enum sg_srtp_class { SG_SRTP_CLASS_CM = 0, SG_SRTP_CLASS_GCM, SG_SRTP_CLASS__N };

/* AES-CM + HMAC-SHA1 session keys of one stream kind (RTP or RTCP). */
struct sg_srtp_cm_keys {
	alignas(16) uint8_t enc[16 * 11]; /* expanded AES-128 encryption key */
	alignas(16) uint8_t ipad[32];     /* SHA1 state after (k ^ ipad) block */
	alignas(16) uint8_t opad[32];     /* SHA1 state after (k ^ opad) block */
	/* Session salt (14 bytes) zero-padded to 16, so that IVs are built from
	 * two 8-byte loads; in the key block's last line, read with opad. */
	alignas(16) uint8_t salt[16];
};

/* GCM session key tables of one stream kind, for the engine's GCM arch. */
struct sg_srtp_gcm_keys {
	struct gcm_key_data k; /* 1008 bytes; placed at 64-byte boundaries */
	alignas(16) uint8_t salt[16]; /* session salt (12 bytes), zero-padded */
};

/*
 * What the SSRCs of one peer share after the SRTP key block (RFC 3711 §3.2.3:
 * one master key, one context per SSRC): the SRTCP state (cold: 1-10
 * packets/s per peer). The SRTCP session encryption key is kept raw (RFC 3711
 * §4.3: k_e of label 0x03, 16 or 32 bytes) and expanded into the engine
 * scratch per packet.
 */
struct sg_srtp_rtcp_tail {
	alignas(16) uint8_t salt[16];   /* SRTCP session salt, zero-padded */
	uint8_t auth[SG_SRTP_HMAC_KEY]; /* raw SRTCP HMAC-SHA1 key (AES-CM only) */
	uint32_t count;                 /* SRTCP packets received (< 2^31, §9.2) */
	uint32_t tx_index;              /* next SRTCP index sent, shared by the SSRCs (§3.4) */
	uint8_t rx_n;                   /* SRTCP senders tracked in rx[] */
	uint8_t n_ssrc;                 /* headers in front of the key block */
	/* SRTCP replay windows, one per sending SSRC (libsrtp2 and browsers
	 * keep one SRTCP index per SSRC, e.g. audio + video under BUNDLE). */
	struct {
		uint32_t ssrc;
		uint32_t top;
		uint64_t mask;
	} rx[SG_SRTP_RTCP_SSRCS];
	uint8_t enc[];        /* key_len bytes: raw SRTCP encryption key */
};

/*
 * Per-peer context, one object:
 *   [header 0]..[header n-1]  one cache line per SSRC: everything protect and
 *                             unprotect read or write besides the keys
 *   [SRTP key block]          64-byte aligned, keys_off bytes: AES round keys
 *                             + HMAC-SHA1 ipad/opad states + salt, or the GCM
 *                             key tables + salt
 *   [SRTCP tail][pad to 64]   shared SRTCP state and raw SRTCP keys
 * Each header finds the key block at keys_pos. Protect touches its header and
 * the key block only (a fan-out to 100k viewers reads each context from DRAM:
 * every line counts); a video + audio peer costs one more line, not a second
 * key block. Only the SRTP (RTP) keys are stored expanded.
 */
struct sg_srtp_ctx {
	alignas(64)
	uint8_t profile;
	uint8_t cls;          /* enum sg_srtp_class */
	uint8_t arch;         /* arch the GCM tables were built for */
	uint8_t rtp_tag;      /* SRTP tag length */
	uint8_t pt;           /* SG_SRTP_PT_KEEP or 0..127 */
	uint8_t rtp_init;     /* rtp_top valid */
	uint8_t hdr_idx;      /* index of this header in its object */
	uint8_t key_len;      /* AES key length (16/32) */
	uint32_t ssrc;
	uint32_t ts_delta;
	uint16_t seq_delta;
	uint16_t keys_off;    /* size of the SRTP key block (offset of the SRTCP tail) */
	uint16_t magic;
	uint16_t keys_pos;    /* offset of the shared SRTP key block from this header */
	uint64_t rtp_top;     /* highest RTP index (ROC << 16 | seq) */
	uint64_t rtp_count;   /* packets processed with the SRTP key */
	uint64_t rtp_bytes;   /* SRTP bytes produced (header + payload + tag) */
	uint64_t rtp_mask;    /* replay bitmap (receive), bit d = index rtp_top - d seen */
	uint32_t roc0;        /* initial ROC (read once, by the first packet) */
	uint32_t rsvd;
};

/* Layout guards: one line per SSRC; the salts fill the 16 bytes left after
 * ipsec-mb's key data (AES-CM 240 + 16 = 256, GCM 1008 + 16 = 1024). */
_Static_assert(sizeof(struct sg_srtp_ctx) == 64, "one cache line per SSRC");
_Static_assert(sizeof(struct sg_srtp_cm_keys) == 256, "AES-CM key block: 4 lines");
_Static_assert(sizeof(struct sg_srtp_gcm_keys) == 1024, "GCM key block: 16 lines");
_Static_assert(offsetof(struct sg_srtp_rtcp_tail, rx) == 48, "SRTCP tail: 48 + 64 + raw key");

static inline void *srtp_rtp_keys(const struct sg_srtp_ctx *c)
{
	return (uint8_t *)(uintptr_t)c + c->keys_pos;
}
static inline const uint8_t *srtp_rtp_salt(const struct sg_srtp_ctx *c)
{
	const uint8_t *k = srtp_rtp_keys(c);
	return c->cls == SG_SRTP_CLASS_CM ? ((const struct sg_srtp_cm_keys *)k)->salt
					  : ((const struct sg_srtp_gcm_keys *)k)->salt;
}
static inline struct sg_srtp_rtcp_tail *srtp_rtcp_tail(const struct sg_srtp_ctx *c)
{
	return (struct sg_srtp_rtcp_tail *)(void *)((uint8_t *)(uintptr_t)c + c->keys_pos + c->keys_off);
}

/* AES-CM jobs of a protect burst, run by ipsec-mb's synchronous cipher and
 * hash burst API (1.3: every job of a call is finished when it returns, no
 * job manager queue). The constant job fields are set once, at engine
 * creation; a packet sets only what differs. */
#define SG_SRTP_CM_BURST 32

struct sg_srtp_cm_aux {
	alignas(16) uint8_t iv[16];
	uint8_t tag[12];       /* HMAC output when it has no room after the payload */
	uint8_t tag_len;       /* bytes to copy to tag_dst (0 = tag written in place) */
	uint8_t pad[3];
	uint8_t *tag_dst;
	unsigned slot;         /* burst slot (rc[], len_out[]) */
	unsigned pad2;
};

struct sg_srtp_engine {
	IMB_MGR *mgr[SG_SRTP_CLASS__N];
	uint8_t arch[SG_SRTP_CLASS__N];
	unsigned cm_n;         /* AES-CM jobs collected in cm_job[] */
	int *rc;               /* rc[] of the current burst */
	uint16_t *len_out;
	unsigned burst_ok;     /* packets of the current burst protected */
	uint64_t stats[SG_SRTP_STAT__MAX];
	alignas(64) struct gcm_context_data gcm_ctx; /* scratch of the direct GCM calls */
	alignas(64) IMB_JOB cm_job[SG_SRTP_CM_BURST];
	struct sg_srtp_cm_aux cm_aux[SG_SRTP_CM_BURST];
	/* SRTCP keys of the context being processed, expanded per packet from
	 * the raw keys and wiped after the packet (srtp_rtcp_keys_expand). */
	alignas(64) union {
		struct {
			struct sg_srtp_cm_keys k;
			alignas(16) uint8_t dk[16 * 11]; /* decryption round keys (unused) */
		} cm;
		struct sg_srtp_gcm_keys gcm;
	} rtcp_keys;
};

/* ---- byte helpers ---- */
static inline uint16_t be16_get(const uint8_t *p) { return (uint16_t)(p[0] << 8 | p[1]); }
static inline uint32_t be32_get(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}
static inline void be16_put(uint8_t *p, uint16_t v) { p[0] = v >> 8; p[1] = (uint8_t)v; }
static inline void be32_put(uint8_t *p, uint32_t v)
{
	p[0] = v >> 24; p[1] = (uint8_t)(v >> 16); p[2] = (uint8_t)(v >> 8); p[3] = (uint8_t)v;
}

/* Constant-time compare: 0 when equal. */
static inline int srtp_ct_cmp(const uint8_t *a, const uint8_t *b, unsigned n)
{
	uint8_t d = 0;
	for (unsigned i = 0; i < n; i++)
		d |= a[i] ^ b[i];
	return d;
}

static inline int srtp_count_err(struct sg_srtp_engine *e, int err)
{
	switch (err) {
	case SG_SRTP_E_SHORT: e->stats[SG_SRTP_STAT_err_short]++; break;
	case SG_SRTP_E_VERSION: e->stats[SG_SRTP_STAT_err_version]++; break;
	case SG_SRTP_E_AUTH: e->stats[SG_SRTP_STAT_err_auth]++; break;
	case SG_SRTP_E_REPLAY: e->stats[SG_SRTP_STAT_err_replay]++; break;
	case SG_SRTP_E_EXPIRED: e->stats[SG_SRTP_STAT_err_expired]++; break;
	case SG_SRTP_E_NOSPACE: e->stats[SG_SRTP_STAT_err_nospace]++; break;
	case SG_SRTP_E_CRYPTO: e->stats[SG_SRTP_STAT_err_crypto]++; break;
	default: e->stats[SG_SRTP_STAT_err_inval]++; break;
	}
	return err;
}

/*
 * RTP header length (RFC 3550 §5.1, §5.3.1): 12 + 4*CC + extension.
 * Returns the length, or SG_SRTP_E_VERSION / SG_SRTP_E_SHORT.
 */
static inline int srtp_rtp_hdr_len(const uint8_t *p, unsigned len)
{
	if (len < SG_SRTP_RTP_HDR)
		return SG_SRTP_E_SHORT;
	if ((p[0] >> 6) != 2)
		return SG_SRTP_E_VERSION;
	unsigned h = SG_SRTP_RTP_HDR + 4u * (p[0] & 0x0f);
	if (p[0] & 0x10) {
		if (len < h + 4)
			return SG_SRTP_E_SHORT;
		h += 4 + 4u * be16_get(p + h + 2);
	}
	if (h > len)
		return SG_SRTP_E_SHORT;
	return (int)h;
}

/*
 * RFC 3711 Appendix A: estimate the packet index of seq from the highest
 * index seen (top). Returns the 48-bit index, or UINT64_MAX when the guess
 * falls before index 0 or beyond ROC 2^32-1.
 */
static inline uint64_t srtp_guess_index(uint64_t top, uint16_t seq)
{
	int64_t roc = (int64_t)(top >> 16);
	uint16_t s_l = (uint16_t)top;
	int64_t v = roc;
	if (s_l < 32768) {
		if ((int)seq - (int)s_l > 32768)
			v = roc - 1;
	} else if ((int)s_l - 32768 > (int)seq) {
		v = roc + 1;
	}
	if (v < 0 || v > (int64_t)UINT32_MAX)
		return UINT64_MAX;
	return (uint64_t)v << 16 | seq;
}

/* RFC 3711 §3.3.2 replay check against (top, mask): 0 or SG_SRTP_E_REPLAY. */
static inline int srtp_replay_check(bool init, uint64_t top, uint64_t mask, uint64_t idx)
{
	if (!init || idx > top)
		return 0;
	uint64_t d = top - idx;
	if (d >= SG_SRTP_REPLAY_WIN || ((mask >> d) & 1))
		return SG_SRTP_E_REPLAY;
	return 0;
}

static inline void srtp_replay_add(uint64_t *top, uint64_t *mask, uint64_t idx)
{
	if (idx > *top) {
		uint64_t d = idx - *top;
		*mask = d >= SG_SRTP_REPLAY_WIN ? 1 : (*mask << d) | 1;
		*top = idx;
	} else {
		*mask |= 1ull << (*top - idx);
	}
}

/* RFC 3711 §4.1.1 IV: (k_s * 2^16) ^ (SSRC * 2^64) ^ (i * 2^16). */
static inline void srtp_cm_iv(uint8_t iv[16], const uint8_t salt[14], uint32_t ssrc, uint64_t idx)
{
	uint64_t a, b = 0;
	memcpy(&a, salt, 8);
	memcpy(&b, salt + 8, 6);
	a ^= __builtin_bswap64((uint64_t)ssrc);      /* bytes 4..7 */
	b ^= __builtin_bswap64(idx << 16);           /* bytes 8..13, 14..15 = 0 */
	memcpy(iv, &a, 8);
	memcpy(iv + 8, &b, 8);
}

/* RFC 7714 §8.1: IV = (00 00 || SSRC || ROC || SEQ) ^ salt. */
static inline void srtp_gcm_iv(uint8_t iv[12], const uint8_t salt[12], uint32_t ssrc, uint64_t idx)
{
	uint64_t a;
	uint32_t b;
	memcpy(&a, salt, 8);
	memcpy(&b, salt + 8, 4);
	a ^= __builtin_bswap64((uint64_t)ssrc << 16 | (idx >> 32)); /* 0 0 SSRC ROC_hi16 */
	b ^= __builtin_bswap32((uint32_t)idx);                        /* ROC_lo16 SEQ */
	memcpy(iv, &a, 8);
	memcpy(iv + 8, &b, 4);
}

/* RFC 7714 §9.1: IV = (00 00 || SSRC || 00 00 || 0 || SRTCP index) ^ salt. */
static inline void srtcp_gcm_iv(uint8_t iv[12], const uint8_t salt[12], uint32_t ssrc, uint32_t index)
{
	uint8_t b[12];
	b[0] = b[1] = b[6] = b[7] = 0;
	be32_put(b + 2, ssrc);
	be32_put(b + 8, index & 0x7fffffffu);
	for (int k = 0; k < 12; k++)
		iv[k] = b[k] ^ salt[k];
}

/* Submit one job and wait for it (control path / single-packet calls). */
IMB_JOB *srtp_job_sync(IMB_MGR *m, IMB_JOB *job);

/* KDF + key setup (srtp_ctx.c). */
int srtp_kdf(IMB_MGR *m, const uint8_t *mkey, unsigned key_len, const uint8_t *msalt,
	     unsigned salt_len, uint8_t label, uint8_t *out, unsigned out_len);

/* Zero secrets; explicit_bzero is not elided and runs at memset speed. */
static inline void srtp_wipe(void *p, size_t n) { explicit_bzero(p, n); }

/* HMAC-SHA1 inner/outer precomputed states (RFC 2104) for a 20-byte key. */
void srtp_hmac_sha1_pre(IMB_MGR *m, const uint8_t key[20], uint8_t ipad[32], uint8_t opad[32]);

/* Expand the raw SRTCP session keys of c into e->rtcp_keys for the class's
 * arch; returns the struct sg_srtp_cm_keys / sg_srtp_gcm_keys to use. Pair
 * with srtp_rtcp_keys_wipe() once the job has completed. */
const void *srtp_rtcp_keys_expand(struct sg_srtp_engine *e, struct sg_srtp_ctx *c);
void srtp_rtcp_keys_wipe(struct sg_srtp_engine *e, const struct sg_srtp_ctx *c);

/* Install session keys directly (known-answer tests; also used by
 * sg_srtp_ctx_init after the KDF): rtcp selects the SRTCP set, stored raw;
 * the SRTP set is expanded. auth is the 20-byte HMAC key (AES-CM only), salt
 * the session salt. Returns 0 or -EINVAL. */
int srtp_ctx_set_session_keys(struct sg_srtp_engine *e, struct sg_srtp_ctx *c, int rtcp,
			      const uint8_t *enc, const uint8_t *auth, const uint8_t *salt);
#endif /* SG_SRTP_PRIV_H */
