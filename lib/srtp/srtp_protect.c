/* SPDX-License-Identifier: BSD-3-Clause
 * SRTP protect: burst fan-out (one source, N viewers) and single packet.
 * RFC 3711 §3.3 (AES-CM + HMAC-SHA1), RFC 7714 §8 (AES-GCM).
 */
#include <immintrin.h>

#include "srtp_priv.h"

/* RFC 7714 §8.1 IV (srtp_gcm_iv) as one 16-byte store; bytes 12..15 zero. */
static inline void srtp_gcm_iv16(uint8_t iv[16], const uint8_t salt[12], uint32_t ssrc, uint64_t idx)
{
	uint64_t a;
	uint32_t b;
	memcpy(&a, salt, 8);
	memcpy(&b, salt + 8, 4);
	a ^= __builtin_bswap64((uint64_t)ssrc << 16 | (idx >> 32));
	b ^= __builtin_bswap32((uint32_t)idx);
	_mm_store_si128((__m128i *)iv, _mm_set_epi64x((long long)b, (long long)a));
}

/* RFC 3711 §4.1.1 IV (srtp_cm_iv) from the zero-padded 16-byte salt of the context. */
static inline void srtp_cm_iv16(uint8_t iv[16], const uint8_t salt[16], uint32_t ssrc, uint64_t idx)
{
	uint64_t a, b;
	memcpy(&a, salt, 8);
	memcpy(&b, salt + 8, 8); /* bytes 14, 15 are zero */
	a ^= __builtin_bswap64((uint64_t)ssrc);
	b ^= __builtin_bswap64(idx << 16);
	_mm_store_si128((__m128i *)iv, _mm_set_epi64x((long long)b, (long long)a));
}

/*
 * Run the collected AES-CM jobs: the keystream of every job (RFC 3711
 * §4.1.1; a header-only packet has 0 bytes to encrypt), then the HMAC of
 * every job (§4.2), each a synchronous ipsec-mb burst (the hash burst fills
 * the SHA1 lanes with different viewers' packets). Sets rc / len_out of each
 * job's slot. The AES-CM profiles are AES-128 only (enum sg_srtp_profile).
 */
static void cm_run(struct sg_srtp_engine *e)
{
	IMB_MGR *m = e->mgr[SG_SRTP_CLASS_CM];
	unsigned n = e->cm_n, done;

	if (!n)
		return;
	e->cm_n = 0;
	done = IMB_SUBMIT_CIPHER_BURST_NOCHECK(m, e->cm_job, n, IMB_CIPHER_CNTR, IMB_DIR_ENCRYPT,
					       IMB_KEY_128_BYTES);
	if (SG_LIKELY(done == n))
		done = IMB_SUBMIT_HASH_BURST_NOCHECK(m, e->cm_job, n, IMB_AUTH_HMAC_SHA_1);
	for (unsigned i = 0; i < n; i++) {
		const struct sg_srtp_cm_aux *a = &e->cm_aux[i];
		if (SG_LIKELY(done == n)) {
			if (a->tag_len)
				memcpy(a->tag_dst, a->tag, a->tag_len); /* HMAC-SHA1-80/32: 10/4 of 12 bytes */
			e->rc[a->slot] = 0;
			e->burst_ok++;
		} else {
			e->rc[a->slot] = srtp_count_err(e, SG_SRTP_E_CRYPTO);
			if (e->len_out)
				e->len_out[a->slot] = 0;
		}
	}
}

/*
 * Sender-side index for seq (RFC 3711 §3.3.1): tracked like a receiver
 * (Appendix A) so that reordered or retransmitted source packets keep their
 * ROC. Returns the index or an SG_SRTP_E_* (< 0 as int64).
 */
static inline int64_t tx_index(struct sg_srtp_ctx *c, uint16_t seq)
{
	uint64_t idx;
	if (SG_UNLIKELY(c->rtp_count >= SG_SRTP_MAX_RTP_PKTS))
		return SG_SRTP_E_EXPIRED; /* RFC 3711 §9.2 */
	if (SG_UNLIKELY(!c->rtp_init)) {
		idx = (uint64_t)c->roc0 << 16 | seq;
		c->rtp_init = 1;
		c->rtp_top = idx;
	} else {
		idx = srtp_guess_index(c->rtp_top, seq);
		if (SG_UNLIKELY(idx == UINT64_MAX))
			return (c->rtp_top >> 16) == UINT32_MAX ? SG_SRTP_E_EXPIRED : SG_SRTP_E_REPLAY;
		if (idx > c->rtp_top)
			c->rtp_top = idx;
	}
	c->rtp_count++;
	return (int64_t)idx;
}

/*
 * Protect one packet: out[0..h) already holds the header; the payload is
 * read from psrc (plen bytes) and written to out + h; tag follows. GCM runs
 * here; an AES-CM job is collected for cm_run() (run here when full).
 */
static inline __attribute__((always_inline)) void submit_rtp(struct sg_srtp_engine *e, struct sg_srtp_ctx *c, uint64_t idx,
			      uint32_t ssrc, const uint8_t *psrc, uint8_t *out, unsigned h,
			      unsigned plen, unsigned slot, bool tag_room)
{
	if (c->cls == SG_SRTP_CLASS_GCM) {
		/* AES-GCM is not multi-buffer in ipsec-mb: a job would run at submit
		 * anyway, so call the cipher directly and skip the job manager. */
		IMB_MGR *m = e->mgr[SG_SRTP_CLASS_GCM];
		struct sg_srtp_gcm_keys *k = srtp_rtp_keys(c);
		alignas(16) uint8_t iv[16];
		srtp_gcm_iv16(iv, k->salt, ssrc, idx);
		/* RFC 7714 §8.2: AAD = RTP header, 16-byte tag appended to ciphertext. */
		if (c->key_len == 16)
			IMB_AES128_GCM_ENC(m, &k->k, &e->gcm_ctx, out + h, psrc, plen, iv, out, h,
					   out + h + plen, SG_SRTP_GCM_TAG);
		else
			IMB_AES256_GCM_ENC(m, &k->k, &e->gcm_ctx, out + h, psrc, plen, iv, out, h,
					   out + h + plen, SG_SRTP_GCM_TAG);
		e->rc[slot] = 0;
		e->burst_ok++;
		return;
	}

	unsigned n = e->cm_n++;
	IMB_JOB *j = &e->cm_job[n];
	struct sg_srtp_cm_aux *a = &e->cm_aux[n];
	struct sg_srtp_cm_keys *k = srtp_rtp_keys(c);

	a->slot = slot;
	srtp_cm_iv16(a->iv, k->salt, ssrc, idx);
	/* RFC 3711 §4.2: tag = HMAC(M), M = header || ciphertext || ROC.
	 * The ROC is staged after the payload in the output and later
	 * overwritten by the tag. ipsec-mb hashes job->src, so src is the
	 * output buffer and the cipher reads the payload through an offset
	 * relative to it (modular pointer arithmetic, out-of-place). */
	be32_put(out + h + plen, (uint32_t)(idx >> 16));
	j->src = out;
	j->dst = out + h;
	j->cipher_start_src_offset_in_bytes = (uint64_t)((uintptr_t)psrc - (uintptr_t)out);
	j->msg_len_to_cipher_in_bytes = plen;
	j->enc_keys = k->enc;
	j->dec_keys = k->enc;
	j->msg_len_to_hash_in_bytes = h + plen + 4;
	j->u.HMAC._hashed_auth_key_xor_ipad = k->ipad;
	j->u.HMAC._hashed_auth_key_xor_opad = k->opad;
	if (SG_LIKELY(tag_room)) {
		/* Room for the full 12-byte HMAC after the payload: written in place
		 * (over the staged ROC, once the hash is done); the SRTP packet
		 * ends after the first 10 / 4 bytes. */
		j->auth_tag_output = out + h + plen;
		a->tag_len = 0;
	} else {
		j->auth_tag_output = a->tag;
		a->tag_len = c->rtp_tag;
		a->tag_dst = out + h + plen;
	}
	/* Every field the job uses was set above or at engine creation from
	 * validated lengths. */
	if (SG_UNLIKELY(e->cm_n == SG_SRTP_CM_BURST))
		cm_run(e);
}

static inline unsigned out_need(const struct sg_srtp_ctx *c, unsigned len)
{
	return len + (c->cls == SG_SRTP_CLASS_CM ? SG_MAX(4u, c->rtp_tag) : SG_SRTP_GCM_TAG);
}

static inline int ctx_ok(const struct sg_srtp_engine *e, const struct sg_srtp_ctx *c)
{
	return c && c->magic == SG_SRTP_CTX_MAGIC && c->arch == e->arch[c->cls];
}

static inline __attribute__((always_inline)) unsigned
protect_burst(struct sg_srtp_engine *e, const uint8_t *src, uint16_t src_len, struct sg_srtp_ctx *const ctx[],
	      uint8_t *const dst[], uint16_t dst_cap, uint16_t dst_len_out[], int rc[], unsigned n,
	      bool prefetch_keys)
{
	unsigned ok;
	int h;

	if (SG_UNLIKELY(!e || !ctx || !dst || !dst_len_out || !rc))
		return 0;
	h = src ? srtp_rtp_hdr_len(src, src_len) : SG_SRTP_E_INVAL;
	if (SG_UNLIKELY(h < 0)) {
		for (unsigned i = 0; i < n; i++) {
			dst_len_out[i] = 0;
			rc[i] = srtp_count_err(e, h);
		}
		return 0;
	}
	unsigned plen = src_len - (unsigned)h;
	bool tag_room = dst_cap >= src_len + 12u; /* AES-CM: the whole HMAC fits after the payload */
	uint16_t sseq = be16_get(src + 2);
	uint32_t sts = be32_get(src + 4);

	e->rc = rc;
	e->len_out = dst_len_out;
	e->burst_ok = 0;
	/* Prefetch (contexts of a fan-out are usually far apart in memory: at
	 * 100k viewers each one comes from DRAM): the header lines of the first
	 * four contexts and the key blocks of the first two, then in the loop
	 * the header 4 ahead and the SRTP key block (AES round keys + HMAC
	 * states, or the GCM key tables, up to 16 lines) 2 ahead. The key block
	 * is found through the header (keys_pos: shared by a peer's SSRCs),
	 * prefetched two iterations before; its length is taken from the
	 * current context (a burst normally has one profile). */
	for (unsigned i = 0; i < n && i < 4; i++)
		__builtin_prefetch(ctx[i]);
	unsigned kl0 = prefetch_keys && n && ctx[0] ? SG_MIN((unsigned)ctx[0]->keys_off, 1024u) : 0;
	for (unsigned i = 0; i < n && i < 2; i++)
		if (ctx[i]) {
			const uint8_t *k0 = srtp_rtp_keys(ctx[i]);
			for (unsigned l = 0; l < kl0; l += 64)
				__builtin_prefetch(k0 + l);
		}
	for (unsigned i = 0; i < n; i++) {
		struct sg_srtp_ctx *c = ctx[i];
		uint8_t *d = dst[i];
		int err;

		if (i + 4 < n)
			__builtin_prefetch(ctx[i + 4]);
		if (prefetch_keys && i + 2 < n && ctx[i + 2] && c) {
			const uint8_t *nk = srtp_rtp_keys(ctx[i + 2]);
			unsigned kl = SG_MIN((unsigned)c->keys_off, 1024u);
			for (unsigned l = 0; l < kl; l += 64)
				__builtin_prefetch(nk + l);
		}
		if (SG_UNLIKELY(!ctx_ok(e, c) || !d)) {
			err = SG_SRTP_E_INVAL;
			goto fail;
		}
		if (SG_UNLIKELY(dst_cap < out_need(c, src_len))) {
			err = SG_SRTP_E_NOSPACE;
			goto fail;
		}
		uint16_t seq = (uint16_t)(sseq + c->seq_delta);
		int64_t idx = tx_index(c, seq);
		if (SG_UNLIKELY(idx < 0)) {
			err = (int)idx;
			goto fail;
		}
		/* RFC 3550 §5.1 header rewrite; M bit, CSRCs, extension kept. */
		uint8_t b1 = c->pt != SG_SRTP_PT_KEEP ? (uint8_t)((src[1] & 0x80) | c->pt) : src[1];
		uint32_t ts = sts + c->ts_delta;
		if (SG_LIKELY(h == SG_SRTP_RTP_HDR && src_len >= 16)) {
			/* One 16-byte store (x86, little endian): the cipher's loads of
			 * the header (GCM AAD) forward from it instead of stalling on
			 * byte stores. Bytes 12..15 are overwritten by the ciphertext
			 * (plen >= 4). */
			uint64_t lo = (uint64_t)src[0] | (uint64_t)b1 << 8 |
				      (uint64_t)__builtin_bswap16(seq) << 16 |
				      (uint64_t)__builtin_bswap32(ts) << 32;
			uint64_t hi = __builtin_bswap32(c->ssrc);
			_mm_storeu_si128((__m128i *)d, _mm_set_epi64x((long long)hi, (long long)lo));
		} else {
			memcpy(d, src, (unsigned)h);
			d[1] = b1;
			be16_put(d + 2, seq);
			be32_put(d + 4, ts);
			be32_put(d + 8, c->ssrc);
		}
		uint16_t olen = (uint16_t)(src_len + c->rtp_tag);
		dst_len_out[i] = olen;
		c->rtp_bytes += olen;
		rc[i] = 1; /* pending */
		submit_rtp(e, c, (uint64_t)idx, c->ssrc, src + h, d, (unsigned)h, plen, i, tag_room);
		continue;
fail:
		dst_len_out[i] = 0;
		rc[i] = srtp_count_err(e, err);
	}
	cm_run(e);
	ok = e->burst_ok;
	e->stats[SG_SRTP_STAT_rtp_protected] += ok;
	e->rc = NULL;
	e->len_out = NULL;
	return ok;
}

unsigned sg_srtp_protect_burst(struct sg_srtp_engine *e, const uint8_t *src, uint16_t src_len,
			       struct sg_srtp_ctx *const ctx[], uint8_t *const dst[],
			       uint16_t dst_cap, uint16_t dst_len_out[], int rc[], unsigned n)
{
	return protect_burst(e, src, src_len, ctx, dst, dst_cap, dst_len_out, rc, n, true);
}

unsigned sg_srtp_protect_burst_ex(struct sg_srtp_engine *e, const uint8_t *src, uint16_t src_len,
				  struct sg_srtp_ctx *const ctx[], uint8_t *const dst[], uint16_t dst_cap,
				  uint16_t dst_len_out[], int rc[], unsigned n, unsigned flags)
{
	if (flags & SG_SRTP_BURST_KEYS_CACHED)
		return protect_burst(e, src, src_len, ctx, dst, dst_cap, dst_len_out, rc, n, false);
	return protect_burst(e, src, src_len, ctx, dst, dst_cap, dst_len_out, rc, n, true);
}

int sg_srtp_protect(struct sg_srtp_engine *e, struct sg_srtp_ctx *c, uint8_t *pkt,
		    uint16_t *len, uint16_t cap)
{
	int rc = 1, h;

	if (!e || !pkt || !len || !ctx_ok(e, c))
		return e ? srtp_count_err(e, SG_SRTP_E_INVAL) : SG_SRTP_E_INVAL;
	h = srtp_rtp_hdr_len(pkt, *len);
	if (h < 0)
		return srtp_count_err(e, h);
	if (cap < out_need(c, *len))
		return srtp_count_err(e, SG_SRTP_E_NOSPACE);
	int64_t idx = tx_index(c, be16_get(pkt + 2));
	if (idx < 0)
		return srtp_count_err(e, (int)idx);
	e->rc = &rc;
	e->len_out = NULL;
	e->burst_ok = 0;
	submit_rtp(e, c, (uint64_t)idx, be32_get(pkt + 8), pkt + h, pkt, (unsigned)h, *len - (unsigned)h, 0,
		   cap >= *len + 12u);
	cm_run(e);
	e->rc = NULL;
	if (rc)
		return rc == 1 ? srtp_count_err(e, SG_SRTP_E_CRYPTO) : rc; /* crypto errors are counted in cm_run() */
	*len = (uint16_t)(*len + c->rtp_tag);
	c->rtp_bytes += *len;
	e->stats[SG_SRTP_STAT_rtp_protected]++;
	return 0;
}
