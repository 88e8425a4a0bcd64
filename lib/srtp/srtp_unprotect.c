/* SPDX-License-Identifier: BSD-3-Clause
 * SRTP unprotect and SRTCP protect/unprotect (single packet, in place).
 * RFC 3711 §3.3-§3.4, Appendix A; RFC 7714 §8-§9.
 */
#include "srtp_priv.h"

static inline int ctx_ok(const struct sg_srtp_engine *e, const struct sg_srtp_ctx *c)
{
	return c && c->magic == SG_SRTP_CTX_MAGIC && c->arch == e->arch[c->cls];
}

/* Common job fields for an in-place operation on pkt. */
static IMB_JOB *job_begin(IMB_MGR *m, const struct sg_srtp_ctx *c, uint8_t *pkt,
			  unsigned coff, unsigned clen, int enc)
{
	IMB_JOB *j = IMB_GET_NEXT_JOB(m);
	j->src = pkt;
	j->dst = pkt + coff;
	j->cipher_start_src_offset_in_bytes = coff;
	j->msg_len_to_cipher_in_bytes = clen;
	j->cipher_direction = enc ? IMB_DIR_ENCRYPT : IMB_DIR_DECRYPT;
	/* Encrypt-then-MAC; on receive MAC (of the ciphertext) before decrypt. */
	j->chain_order = enc ? IMB_ORDER_CIPHER_HASH : IMB_ORDER_HASH_CIPHER;
	j->key_len_in_bytes = c->key_len;
	j->user_data = NULL;
	return j;
}

static void job_cm(IMB_JOB *j, const struct sg_srtp_cm_keys *k, const uint8_t *iv,
		   unsigned hlen, uint8_t *tag_out)
{
	j->cipher_mode = j->msg_len_to_cipher_in_bytes ? IMB_CIPHER_CNTR : IMB_CIPHER_NULL;
	j->enc_keys = k->enc;
	j->dec_keys = k->enc;
	j->iv = iv;
	j->iv_len_in_bytes = 16;
	j->hash_alg = IMB_AUTH_HMAC_SHA_1;
	j->hash_start_src_offset_in_bytes = 0;
	j->msg_len_to_hash_in_bytes = hlen;
	j->u.HMAC._hashed_auth_key_xor_ipad = k->ipad;
	j->u.HMAC._hashed_auth_key_xor_opad = k->opad;
	j->auth_tag_output = tag_out;
	j->auth_tag_output_len_in_bytes = 12;
}

static void job_gcm(IMB_JOB *j, const struct sg_srtp_gcm_keys *k, const uint8_t *iv,
		    const void *aad, unsigned aad_len, uint8_t *tag_out)
{
	j->cipher_mode = IMB_CIPHER_GCM;
	j->enc_keys = &k->k;
	j->dec_keys = &k->k;
	j->iv = iv;
	j->iv_len_in_bytes = 12;
	j->hash_alg = IMB_AUTH_AES_GMAC;
	j->hash_start_src_offset_in_bytes = j->cipher_start_src_offset_in_bytes;
	j->msg_len_to_hash_in_bytes = j->msg_len_to_cipher_in_bytes;
	j->u.GCM.aad = aad;
	j->u.GCM.aad_len_in_bytes = aad_len;
	j->auth_tag_output = tag_out;
	j->auth_tag_output_len_in_bytes = SG_SRTP_GCM_TAG;
}

static int run(IMB_MGR *m, IMB_JOB *j)
{
	j = srtp_job_sync(m, j);
	return j && j->status == IMB_STATUS_COMPLETED ? 0 : SG_SRTP_E_CRYPTO;
}

int sg_srtp_unprotect(struct sg_srtp_engine *e, struct sg_srtp_ctx *c, uint8_t *pkt,
		      uint16_t *len)
{
	alignas(16) uint8_t iv[16], tag[20], saved[SG_SRTP_GCM_TAG];
	int rc;

	if (!e)
		return SG_SRTP_E_INVAL;
	if (!pkt || !len || !ctx_ok(e, c))
		return srtp_count_err(e, SG_SRTP_E_INVAL);
	unsigned L = *len, tl = c->rtp_tag;
	if (L < SG_SRTP_RTP_HDR + tl)
		return srtp_count_err(e, SG_SRTP_E_SHORT);
	int h = srtp_rtp_hdr_len(pkt, L - tl);
	if (h < 0)
		return srtp_count_err(e, h);
	unsigned plen = L - tl - (unsigned)h;
	uint16_t seq = be16_get(pkt + 2);
	uint32_t ssrc = be32_get(pkt + 8);
	if (c->rtp_count >= SG_SRTP_MAX_RTP_PKTS) /* RFC 3711 §9.2 */
		return srtp_count_err(e, SG_SRTP_E_EXPIRED);
	/* RFC 3711 §3.3.1 + Appendix A: index estimate from s_l and ROC. */
	uint64_t idx = c->rtp_init ? srtp_guess_index(c->rtp_top, seq) : (uint64_t)c->roc0 << 16 | seq;
	if (idx == UINT64_MAX)
		return srtp_count_err(e, SG_SRTP_E_REPLAY);
	rc = srtp_replay_check(c->rtp_init, c->rtp_top, c->rtp_mask, idx); /* §3.3.2 */
	if (rc)
		return srtp_count_err(e, rc);

	IMB_MGR *m = e->mgr[c->cls];
	uint8_t *tp = pkt + h + plen;
	memcpy(saved, tp, tl);
	IMB_JOB *j = job_begin(m, c, pkt, (unsigned)h, plen, 0);
	if (c->cls == SG_SRTP_CLASS_CM) {
		/* §4.2: authenticate header || ciphertext || ROC: stage the ROC
		 * over the tag (tag >= 4 bytes, saved above). */
		srtp_cm_iv(iv, srtp_rtp_salt(c), ssrc, idx);
		be32_put(tp, (uint32_t)(idx >> 16));
		job_cm(j, srtp_rtp_keys(c), iv, (unsigned)h + plen + 4, tag);
	} else {
		srtp_gcm_iv(iv, srtp_rtp_salt(c), ssrc, idx);
		job_gcm(j, srtp_rtp_keys(c), iv, pkt, (unsigned)h, tag);
	}
	rc = run(m, j);
	memcpy(tp, saved, tl);
	if (rc)
		return srtp_count_err(e, rc);
	if (srtp_ct_cmp(tag, saved, tl))
		return srtp_count_err(e, SG_SRTP_E_AUTH);
	if (!c->rtp_init) {
		c->rtp_init = 1;
		c->rtp_top = idx;
		c->rtp_mask = 1;
	} else {
		srtp_replay_add(&c->rtp_top, &c->rtp_mask, idx); /* also advances s_l/ROC */
	}
	c->rtp_count++;
	*len = (uint16_t)(h + plen);
	e->stats[SG_SRTP_STAT_rtp_unprotected]++;
	return 0;
}

int sg_srtcp_protect(struct sg_srtp_engine *e, struct sg_srtp_ctx *c, uint8_t *pkt,
		     uint16_t *len, uint16_t cap)
{
	alignas(16) uint8_t iv[16], tag[20], aad[12];
	int rc;

	if (!e)
		return SG_SRTP_E_INVAL;
	if (!pkt || !len || !ctx_ok(e, c))
		return srtp_count_err(e, SG_SRTP_E_INVAL);
	unsigned L = *len, over = sg_srtp_profile_rtcp_overhead(c->profile);
	if (L < SG_SRTP_RTCP_HDR)
		return srtp_count_err(e, SG_SRTP_E_SHORT);
	if ((pkt[0] >> 6) != 2)
		return srtp_count_err(e, SG_SRTP_E_VERSION);
	if ((unsigned)cap < L + over)
		return srtp_count_err(e, SG_SRTP_E_NOSPACE);
	struct sg_srtp_rtcp_tail *t = srtp_rtcp_tail(c);
	if (t->tx_index >= SG_SRTP_MAX_RTCP_PKTS) /* §3.4: 31-bit index, §9.2 */
		return srtp_count_err(e, SG_SRTP_E_EXPIRED);
	uint32_t index = t->tx_index;
	uint32_t eidx = 0x80000000u | index; /* E = 1: encrypted */
	uint32_t ssrc = be32_get(pkt + 4);
	unsigned clen = L - SG_SRTP_RTCP_HDR;

	IMB_MGR *m = e->mgr[c->cls];
	const void *keys = srtp_rtcp_keys_expand(e, c); /* wiped below */
	IMB_JOB *j = job_begin(m, c, pkt, SG_SRTP_RTCP_HDR, clen, 1);
	if (c->cls == SG_SRTP_CLASS_CM) {
		/* §3.4: M = header || encrypted part || E||index; tag follows. */
		srtp_cm_iv(iv, t->salt, ssrc, index);
		be32_put(pkt + L, eidx);
		job_cm(j, keys, iv, L + 4, tag);
		rc = run(m, j);
		memcpy(pkt + L + 4, tag, SG_SRTP_CM_RTCP_TAG);
	} else {
		/* RFC 7714 §9.2: AAD = first 8 bytes || E||index; tag then E||index. */
		srtcp_gcm_iv(iv, t->salt, ssrc, index);
		memcpy(aad, pkt, SG_SRTP_RTCP_HDR);
		be32_put(aad + 8, eidx);
		job_gcm(j, keys, iv, aad, sizeof(aad), pkt + L);
		rc = run(m, j);
		be32_put(pkt + L + SG_SRTP_GCM_TAG, eidx);
	}
	srtp_rtcp_keys_wipe(e, c);
	if (rc)
		return srtp_count_err(e, rc);
	t->tx_index++;
	*len = (uint16_t)(L + over);
	e->stats[SG_SRTP_STAT_rtcp_protected]++;
	return 0;
}

int sg_srtcp_unprotect(struct sg_srtp_engine *e, struct sg_srtp_ctx *c, uint8_t *pkt,
		       uint16_t *len)
{
	alignas(16) uint8_t iv[16], tag[20], aad[12], saved[SG_SRTP_GCM_TAG + 4];
	int rc;

	if (!e)
		return SG_SRTP_E_INVAL;
	if (!pkt || !len || !ctx_ok(e, c))
		return srtp_count_err(e, SG_SRTP_E_INVAL);
	unsigned L = *len;
	unsigned tl = c->cls == SG_SRTP_CLASS_CM ? SG_SRTP_CM_RTCP_TAG : SG_SRTP_GCM_TAG;
	if (L < SG_SRTP_RTCP_HDR + 4 + tl)
		return srtp_count_err(e, SG_SRTP_E_SHORT);
	if ((pkt[0] >> 6) != 2)
		return srtp_count_err(e, SG_SRTP_E_VERSION);
	unsigned rtcp_len = L - 4 - tl;
	/* AES-CM: ... E||index, tag. GCM (RFC 7714 §9.2): ... tag, E||index. */
	uint8_t *ep = c->cls == SG_SRTP_CLASS_CM ? pkt + rtcp_len : pkt + L - 4;
	uint8_t *tp = c->cls == SG_SRTP_CLASS_CM ? pkt + L - tl : pkt + rtcp_len;
	uint32_t eidx = be32_get(ep);
	uint32_t index = eidx & 0x7fffffffu;
	int encrypted = (eidx >> 31) & 1;
	uint32_t ssrc = be32_get(pkt + 4);
	unsigned clen = encrypted ? rtcp_len - SG_SRTP_RTCP_HDR : 0;

	/* §3.3.2 replay window per sending SSRC; a context follows up to
	 * SG_SRTP_RTCP_SSRCS senders, packets of further SSRCs are refused.
	 * Checked before the keys are expanded: replays cost no key setup. */
	struct sg_srtp_rtcp_tail *t = srtp_rtcp_tail(c);
	if (t->count >= SG_SRTP_MAX_RTCP_PKTS)
		return srtp_count_err(e, SG_SRTP_E_EXPIRED);
	unsigned slot = 0;
	while (slot < t->rx_n && t->rx[slot].ssrc != ssrc)
		slot++;
	if (slot == SG_SRTP_RTCP_SSRCS)
		return srtp_count_err(e, SG_SRTP_E_REPLAY);
	if (slot < t->rx_n) {
		rc = srtp_replay_check(true, t->rx[slot].top, t->rx[slot].mask, index);
		if (rc)
			return srtp_count_err(e, rc);
	}

	IMB_MGR *m = e->mgr[c->cls];
	const void *keys = srtp_rtcp_keys_expand(e, c); /* wiped below */
	IMB_JOB *j = job_begin(m, c, pkt, SG_SRTP_RTCP_HDR, clen, 0);
	memcpy(saved, tp, tl);
	if (c->cls == SG_SRTP_CLASS_CM) {
		srtp_cm_iv(iv, t->salt, ssrc, index);
		job_cm(j, keys, iv, rtcp_len + 4, tag);
		rc = run(m, j);
	} else if (encrypted) {
		srtcp_gcm_iv(iv, t->salt, ssrc, index);
		memcpy(aad, pkt, SG_SRTP_RTCP_HDR);
		be32_put(aad + 8, eidx);
		job_gcm(j, keys, iv, aad, sizeof(aad), tag);
		rc = run(m, j);
	} else {
		/* RFC 7714 §9.3: E = 0, AAD = whole RTCP packet || E||index,
		 * nothing encrypted. Move E||index next to the packet. */
		memcpy(saved + tl, ep, 4);
		memmove(tp, ep, 4);
		srtcp_gcm_iv(iv, t->salt, ssrc, index);
		j->dst = pkt + rtcp_len;
		j->cipher_start_src_offset_in_bytes = rtcp_len;
		job_gcm(j, keys, iv, pkt, rtcp_len + 4, tag);
		rc = run(m, j);
		memcpy(tp, saved, tl + 4);
	}
	srtp_rtcp_keys_wipe(e, c);
	if (rc)
		return srtp_count_err(e, rc);
	if (srtp_ct_cmp(tag, saved, tl))
		return srtp_count_err(e, SG_SRTP_E_AUTH);
	if (slot == t->rx_n) {
		t->rx_n++;
		t->rx[slot].ssrc = ssrc;
		t->rx[slot].top = index;
		t->rx[slot].mask = 1;
	} else {
		uint64_t top = t->rx[slot].top;
		srtp_replay_add(&top, &t->rx[slot].mask, index);
		t->rx[slot].top = (uint32_t)top;
	}
	t->count++;
	*len = (uint16_t)rtcp_len;
	e->stats[SG_SRTP_STAT_rtcp_unprotected]++;
	return 0;
}
