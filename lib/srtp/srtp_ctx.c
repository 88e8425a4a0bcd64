/* SPDX-License-Identifier: BSD-3-Clause
 * SRTP contexts: key derivation (RFC 3711 §4.3, RFC 7714 §11), key setup,
 * parameters. Control path.
 */
#include <errno.h>
#include <stdlib.h>

#include "srtp_priv.h"

unsigned sg_srtp_profile_key_len(enum sg_srtp_profile p)
{
	switch (p) {
	case SG_SRTP_AES128_CM_SHA1_80:
	case SG_SRTP_AES128_CM_SHA1_32:
	case SG_SRTP_AEAD_AES_128_GCM: return 16;
	case SG_SRTP_AEAD_AES_256_GCM: return 32;
	default: return 0;
	}
}

unsigned sg_srtp_profile_salt_len(enum sg_srtp_profile p)
{
	if ((unsigned)p >= SG_SRTP_PROFILE__MAX)
		return 0;
	return p >= SG_SRTP_AEAD_AES_128_GCM ? SG_SRTP_GCM_SALT : SG_SRTP_CM_SALT;
}

unsigned sg_srtp_profile_rtp_overhead(enum sg_srtp_profile p)
{
	switch (p) {
	case SG_SRTP_AES128_CM_SHA1_80: return 10;
	case SG_SRTP_AES128_CM_SHA1_32: return 4;
	case SG_SRTP_AEAD_AES_128_GCM:
	case SG_SRTP_AEAD_AES_256_GCM: return SG_SRTP_GCM_TAG;
	default: return 0;
	}
}

unsigned sg_srtp_profile_rtcp_overhead(enum sg_srtp_profile p)
{
	if ((unsigned)p >= SG_SRTP_PROFILE__MAX)
		return 0;
	/* RFC 5764 §4.1.2: SRTCP uses the 80-bit tag with both AES-CM profiles. */
	return 4 + (p >= SG_SRTP_AEAD_AES_128_GCM ? SG_SRTP_GCM_TAG : SG_SRTP_CM_RTCP_TAG);
}

/* SRTP (RTP) key block: expanded keys, 240 bytes for AES-CM, 1008 for GCM. */
static size_t rtp_keys_size(enum sg_srtp_profile p)
{
	return p >= SG_SRTP_AEAD_AES_128_GCM ? sizeof(struct sg_srtp_gcm_keys)
					     : sizeof(struct sg_srtp_cm_keys);
}

/* 64-byte header + SRTP key block + SRTCP tail (state, replay windows, raw
 * key), rounded to 64: 448 bytes for AES-CM, 1216 for GCM-128, 1280 for
 * GCM-256; each further SSRC sharing the keys adds 64. */
size_t sg_srtp_ctx_size(enum sg_srtp_profile p)
{
	return sg_srtp_ctx_size_n(p, 1);
}

/* n headers, then one key block and one SRTCP tail for all of them. */
size_t sg_srtp_ctx_size_n(enum sg_srtp_profile p, unsigned n_ssrc)
{
	if ((unsigned)p >= SG_SRTP_PROFILE__MAX || !n_ssrc || n_ssrc > SG_SRTP_MAX_SSRCS)
		return 0;
	size_t n = n_ssrc * sizeof(struct sg_srtp_ctx) + rtp_keys_size(p) +
		   sizeof(struct sg_srtp_rtcp_tail) + sg_srtp_profile_key_len(p);
	return (n + 63) & ~(size_t)63;
}

/*
 * AES-CM PRF (RFC 3711 §4.3.1/§4.3.3) with key_derivation_rate 0:
 * x = (label << 48) ^ master_salt (112 bits; a 96-bit GCM salt is
 * left-aligned and zero-padded, RFC 7714 §11), out = AES-CM(master_key,
 * IV = x * 2^16) keystream, out_len bytes.
 */
int srtp_kdf(IMB_MGR *m, const uint8_t *mkey, unsigned key_len, const uint8_t *msalt,
	     unsigned salt_len, uint8_t label, uint8_t *out, unsigned out_len)
{
	alignas(16) uint8_t ek[16 * 15], dk[16 * 15];
	alignas(16) uint8_t iv[16] = {0};
	uint8_t zero[64] = {0};
	int rc = 0;

	if (out_len > sizeof(zero) || salt_len > 14)
		return -EINVAL;
	if (key_len == 16)
		IMB_AES_KEYEXP_128(m, mkey, ek, dk);
	else if (key_len == 32)
		IMB_AES_KEYEXP_256(m, mkey, ek, dk);
	else
		return -EINVAL;
	memcpy(iv, msalt, salt_len);
	iv[7] ^= label; /* key_id = label << 48 within the 112-bit x */

	IMB_JOB *j = IMB_GET_NEXT_JOB(m);
	j->cipher_mode = IMB_CIPHER_CNTR;
	j->cipher_direction = IMB_DIR_ENCRYPT;
	j->chain_order = IMB_ORDER_CIPHER_HASH;
	j->hash_alg = IMB_AUTH_NULL;
	j->enc_keys = ek;
	j->dec_keys = ek;
	j->key_len_in_bytes = key_len;
	j->src = zero;
	j->dst = out;
	j->cipher_start_src_offset_in_bytes = 0;
	j->msg_len_to_cipher_in_bytes = out_len;
	j->iv = iv;
	j->iv_len_in_bytes = 16;
	j->user_data = NULL;
	j = srtp_job_sync(m, j);
	if (!j || j->status != IMB_STATUS_COMPLETED)
		rc = -EIO;
	sg_secure_zero(ek, sizeof(ek));
	sg_secure_zero(dk, sizeof(dk));
	return rc;
}

/* HMAC-SHA1 inner/outer precomputed states (RFC 2104) for a 20-byte key. */
void srtp_hmac_sha1_pre(IMB_MGR *m, const uint8_t key[20], uint8_t ipad[32], uint8_t opad[32])
{
	alignas(16) uint8_t blk[64];
	memset(blk, 0x36, sizeof(blk));
	for (int i = 0; i < SG_SRTP_HMAC_KEY; i++)
		blk[i] ^= key[i];
	IMB_SHA1_ONE_BLOCK(m, blk, ipad);
	memset(blk, 0x5c, sizeof(blk));
	for (int i = 0; i < SG_SRTP_HMAC_KEY; i++)
		blk[i] ^= key[i];
	IMB_SHA1_ONE_BLOCK(m, blk, opad);
	srtp_wipe(blk, sizeof(blk));
}

/* Derive one stream kind's session keys (RFC 3711 §4.3.1, kdr = 0; RFC 7714
 * §11 for GCM) and install them; labels base+0 (enc), +1 (auth), +2 (salt). */
static int derive(struct sg_srtp_engine *e, struct sg_srtp_ctx *c, const uint8_t *master,
		  uint8_t base)
{
	unsigned kl = c->key_len, sl = sg_srtp_profile_salt_len(c->profile);
	uint8_t enc[32], auth[SG_SRTP_HMAC_KEY], salt[SG_SRTP_CM_SALT];
	int rc;

	IMB_MGR *m = e->mgr[c->cls];
	rc = srtp_kdf(m, master, kl, master + kl, sl, base, enc, kl);
	if (!rc)
		rc = srtp_kdf(m, master, kl, master + kl, sl, base + 2, salt, sl);
	if (!rc && c->cls == SG_SRTP_CLASS_CM)
		rc = srtp_kdf(m, master, kl, master + kl, sl, base + 1, auth, sizeof(auth));
	if (!rc)
		rc = srtp_ctx_set_session_keys(e, c, base != 0x00, enc,
					       c->cls == SG_SRTP_CLASS_CM ? auth : NULL, salt);
	srtp_wipe(enc, sizeof(enc));
	srtp_wipe(auth, sizeof(auth));
	srtp_wipe(salt, sizeof(salt));
	return rc;
}

static void set_rtp(struct sg_srtp_ctx *c, const struct sg_srtp_rtp_params *p)
{
	c->ssrc = p ? p->ssrc : 0;
	c->seq_delta = p ? p->seq_delta : 0;
	c->ts_delta = p ? p->ts_delta : 0;
	c->pt = p ? (p->pt <= 127 ? p->pt : SG_SRTP_PT_KEEP) : SG_SRTP_PT_KEEP;
	c->roc0 = p ? p->roc : 0;
	c->rtp_init = 0;
	c->rtp_top = 0;
	c->rtp_mask = 0;
}

int sg_srtp_ctx_init(struct sg_srtp_engine *e, void *mem, size_t mem_len,
		     enum sg_srtp_profile p, const uint8_t *rtp_master,
		     const uint8_t *rtcp_master, const struct sg_srtp_rtp_params *params)
{
	struct sg_srtp_ctx *one;
	return sg_srtp_ctx_init_n(e, mem, mem_len, p, rtp_master, rtcp_master, params ? params : NULL,
				  1, &one);
}

int sg_srtp_ctx_init_n(struct sg_srtp_engine *e, void *mem, size_t mem_len, enum sg_srtp_profile p,
		       const uint8_t *rtp_master, const uint8_t *rtcp_master,
		       const struct sg_srtp_rtp_params *params, unsigned n_ssrc, struct sg_srtp_ctx *out[])
{
	struct sg_srtp_ctx *c = mem;
	size_t need = sg_srtp_ctx_size_n(p, n_ssrc);
	size_t hdrs = n_ssrc * sizeof(struct sg_srtp_ctx);
	int rc;

	if (!e || !mem || !rtp_master || !rtcp_master || !need || !out || mem_len < need ||
	    ((uintptr_t)mem & 63))
		return -EINVAL;
	memset(c, 0, need);
	c->profile = (uint8_t)p;
	c->cls = p >= SG_SRTP_AEAD_AES_128_GCM ? SG_SRTP_CLASS_GCM : SG_SRTP_CLASS_CM;
	c->arch = e->arch[c->cls];
	c->rtp_tag = (uint8_t)sg_srtp_profile_rtp_overhead(p);
	c->key_len = (uint8_t)sg_srtp_profile_key_len(p);
	c->keys_off = (uint16_t)rtp_keys_size(p);
	c->keys_pos = (uint16_t)hdrs;
	srtp_rtcp_tail(c)->n_ssrc = (uint8_t)n_ssrc;
	set_rtp(c, params);
	/* RFC 3711 §4.3.2 labels: 0x00-0x02 SRTP, 0x03-0x05 SRTCP. */
	rc = derive(e, c, rtp_master, 0x00);
	if (!rc)
		rc = derive(e, c, rtcp_master, 0x03);
	if (rc) {
		sg_secure_zero(c, need);
		return rc;
	}
	c->magic = SG_SRTP_CTX_MAGIC;
	out[0] = c;
	/* RFC 3711 §3.2.3: the other SSRCs of the peer have their own index
	 * state and the same session keys and salts (header copy, state reset). */
	for (unsigned i = 1; i < n_ssrc; i++) {
		struct sg_srtp_ctx *h = (struct sg_srtp_ctx *)((uint8_t *)c + i * sizeof(*c));
		memcpy(h, c, sizeof(*c));
		h->keys_pos = (uint16_t)(hdrs - i * sizeof(*c));
		h->hdr_idx = (uint8_t)i;
		h->rtp_count = h->rtp_bytes = 0;
		set_rtp(h, params ? &params[i] : NULL);
		out[i] = h;
	}
	return 0;
}

struct sg_srtp_ctx *sg_srtp_ctx_create(struct sg_srtp_engine *e, enum sg_srtp_profile p,
				       const uint8_t *rtp_master, const uint8_t *rtcp_master,
				       const struct sg_srtp_rtp_params *params)
{
	size_t need = sg_srtp_ctx_size(p);
	void *mem;
	int rc;

	if (!need) {
		errno = EINVAL;
		return NULL;
	}
	mem = aligned_alloc(64, need);
	if (!mem) {
		errno = ENOMEM;
		return NULL;
	}
	rc = sg_srtp_ctx_init(e, mem, need, p, rtp_master, rtcp_master, params);
	if (rc) {
		free(mem);
		errno = -rc;
		return NULL;
	}
	return mem;
}

void sg_srtp_ctx_wipe(struct sg_srtp_ctx *c)
{
	/* Only through the first header: it wipes the whole object. */
	if (c && c->magic == SG_SRTP_CTX_MAGIC && c->hdr_idx == 0)
		sg_secure_zero(c, sg_srtp_ctx_size_n((enum sg_srtp_profile)c->profile,
						     srtp_rtcp_tail(c)->n_ssrc));
}

void sg_srtp_ctx_free(struct sg_srtp_ctx *c)
{
	if (!c)
		return;
	sg_srtp_ctx_wipe(c);
	free(c);
}

int sg_srtp_ctx_set_rtp(struct sg_srtp_ctx *c, const struct sg_srtp_rtp_params *params)
{
	if (!c || !params || c->magic != SG_SRTP_CTX_MAGIC)
		return -EINVAL;
	set_rtp(c, params);
	return 0;
}

int sg_srtp_ctx_set_deltas(struct sg_srtp_ctx *c, uint16_t seq_delta, uint32_t ts_delta)
{
	if (!c || c->magic != SG_SRTP_CTX_MAGIC)
		return -EINVAL;
	c->seq_delta = seq_delta;
	c->ts_delta = ts_delta;
	return 0;
}

void sg_srtp_ctx_deltas(const struct sg_srtp_ctx *c, uint16_t *seq_delta, uint32_t *ts_delta)
{
	*seq_delta = c->seq_delta;
	*ts_delta = c->ts_delta;
}

enum sg_srtp_profile sg_srtp_ctx_profile(const struct sg_srtp_ctx *c)
{
	return (enum sg_srtp_profile)c->profile;
}

uint32_t sg_srtp_ctx_roc(const struct sg_srtp_ctx *c)
{
	return c->rtp_init ? (uint32_t)(c->rtp_top >> 16) : c->roc0;
}

void sg_srtp_ctx_tx_counts(const struct sg_srtp_ctx *c, uint64_t *pkts, uint64_t *bytes)
{
	if (pkts)
		*pkts = c ? c->rtp_count : 0;
	if (bytes)
		*bytes = c ? c->rtp_bytes : 0;
}

uint32_t sg_srtp_ctx_srtcp_index(const struct sg_srtp_ctx *c)
{
	return srtp_rtcp_tail(c)->tx_index;
}

int sg_srtp_ctx_set_srtcp_index(struct sg_srtp_ctx *c, uint32_t index)
{
	if (!c || index > 0x7fffffffu)
		return -EINVAL;
	srtp_rtcp_tail(c)->tx_index = index;
	return 0;
}

int srtp_ctx_set_session_keys(struct sg_srtp_engine *e, struct sg_srtp_ctx *c, int rtcp,
			      const uint8_t *enc, const uint8_t *auth, const uint8_t *salt)
{
	alignas(16) uint8_t tmp[16 * 15];
	IMB_MGR *m = e->mgr[c->cls];

	if (c->cls == SG_SRTP_CLASS_CM && !auth)
		return -EINVAL;
	memcpy(rtcp ? srtp_rtcp_tail(c)->salt : (uint8_t *)srtp_rtp_salt(c), salt,
	       sg_srtp_profile_salt_len(c->profile));
	if (rtcp) {
		/* SRTCP set: raw k_e (and k_a), expanded per packet. */
		memcpy(srtp_rtcp_tail(c)->enc, enc, c->key_len);
		if (c->cls == SG_SRTP_CLASS_CM)
			memcpy(srtp_rtcp_tail(c)->auth, auth, SG_SRTP_HMAC_KEY);
		return 0;
	}
	if (c->cls == SG_SRTP_CLASS_CM) {
		struct sg_srtp_cm_keys *k = srtp_rtp_keys(c);
		IMB_AES_KEYEXP_128(m, enc, k->enc, tmp);
		srtp_hmac_sha1_pre(m, auth, k->ipad, k->opad);
		srtp_wipe(tmp, sizeof(tmp));
	} else if (c->key_len == 16) {
		IMB_AES128_GCM_PRE(m, enc, &((struct sg_srtp_gcm_keys *)srtp_rtp_keys(c))->k);
	} else {
		IMB_AES256_GCM_PRE(m, enc, &((struct sg_srtp_gcm_keys *)srtp_rtp_keys(c))->k);
	}
	return 0;
}

/*
 * SRTCP keys on demand: a fan-out context sends SRTP at up to millions of
 * packets/s but receives SRTCP (RR, NACK, PLI) at 1-10 packets/s, so only the
 * SRTP keys are kept expanded. For SRTCP the raw session keys (RFC 3711 §4.3;
 * RFC 7714 §11 for GCM) are expanded into the engine (one per thread) and
 * wiped after the packet: AES-128 round keys + HMAC-SHA1 ipad/opad states
 * (two SHA1 blocks), or the AES-GCM key + GHASH tables for the engine's arch.
 */
const void *srtp_rtcp_keys_expand(struct sg_srtp_engine *e, struct sg_srtp_ctx *c)
{
	IMB_MGR *m = e->mgr[c->cls];
	const uint8_t *enc = srtp_rtcp_tail(c)->enc;

	if (c->cls == SG_SRTP_CLASS_CM) {
		struct sg_srtp_cm_keys *k = &e->rtcp_keys.cm.k;
		IMB_AES_KEYEXP_128(m, enc, k->enc, e->rtcp_keys.cm.dk);
		srtp_hmac_sha1_pre(m, srtp_rtcp_tail(c)->auth, k->ipad, k->opad);
		return k;
	}
	if (c->key_len == 16)
		IMB_AES128_GCM_PRE(m, enc, &e->rtcp_keys.gcm.k);
	else
		IMB_AES256_GCM_PRE(m, enc, &e->rtcp_keys.gcm.k);
	return &e->rtcp_keys.gcm;
}

void srtp_rtcp_keys_wipe(struct sg_srtp_engine *e, const struct sg_srtp_ctx *c)
{
	if (c->cls == SG_SRTP_CLASS_CM)
		srtp_wipe(&e->rtcp_keys.cm, sizeof(e->rtcp_keys.cm));
	else
		srtp_wipe(&e->rtcp_keys.gcm, sizeof(e->rtcp_keys.gcm));
}
