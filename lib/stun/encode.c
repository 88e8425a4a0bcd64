/* SPDX-License-Identifier: BSD-3-Clause
 * lib/stun encoder: header, attributes, XOR-MAPPED-ADDRESS,
 * MESSAGE-INTEGRITY and FINGERPRINT (RFC 8489 §5, §14).
 */
#include <string.h>

#include "stun_priv.h"

void stun_w_header(struct stun_writer *w, uint16_t type, const uint8_t *tid)
{
	w->off = 0;
	w->overflow = w->cap < SG_STUN_HDR_LEN;
	if (w->overflow)
		return;
	memmove(w->buf + 8, tid, SG_STUN_TID_LEN); /* tid may already be there */
	stun_wr16(w->buf, type);
	stun_wr16(w->buf + 2, 0);
	stun_wr32(w->buf + 4, SG_STUN_MAGIC);
	w->off = SG_STUN_HDR_LEN;
}

uint8_t *stun_w_attr(struct stun_writer *w, uint16_t type, const void *val, size_t len)
{
	size_t plen = stun_pad4(len);

	if (w->overflow || len > UINT16_MAX || w->cap - w->off < 4 + plen) {
		w->overflow = 1;
		return NULL;
	}
	uint8_t *p = w->buf + w->off;
	stun_wr16(p, type);
	stun_wr16(p + 2, (uint16_t)len);
	if (val && len)
		memcpy(p + 4, val, len);
	memset(p + 4 + len, 0, plen - len); /* RFC 8489 §14: padding SHOULD be 0 on send */
	w->off += 4 + plen;
	return p + 4;
}

void stun_w_xor_addr(struct stun_writer *w, const struct sg_stun_addr *a)
{
	size_t alen = a->family == 6 ? 16 : 4;
	uint8_t *v = stun_w_attr(w, SG_STUN_ATTR_XOR_MAPPED_ADDRESS, NULL, 4 + alen);

	if (!v)
		return;
	v[0] = 0;
	v[1] = a->family == 6 ? 2 : 1;
	stun_wr16(v + 2, a->port ^ (uint16_t)(SG_STUN_MAGIC >> 16));
	/* XOR with magic cookie (IPv4) or cookie || transaction id (IPv6). */
	for (size_t i = 0; i < alen; i++)
		v[4 + i] = a->addr[i] ^ w->buf[4 + i];
}

void stun_w_finish(struct stun_writer *w, const struct sg_stun_key *k)
{
	if (w->overflow || w->cap - w->off < 4 + SG_STUN_MI_LEN + 8) {
		w->overflow = 1;
		return;
	}
	/* MESSAGE-INTEGRITY: HMAC over everything before it, header length
	 * covering the MI attribute (RFC 8489 §14.5). */
	size_t mi = w->off;
	stun_wr16(w->buf + 2, (uint16_t)(mi + 4 + SG_STUN_MI_LEN - SG_STUN_HDR_LEN));
	uint8_t *v = stun_w_attr(w, SG_STUN_ATTR_MESSAGE_INTEGRITY, NULL, SG_STUN_MI_LEN);
	sg_stun_hmac_sha1(k, w->buf, mi, v);
	/* FINGERPRINT: CRC-32 ^ 0x5354554e over everything before it, header
	 * length covering the FINGERPRINT attribute (RFC 8489 §14.7). */
	size_t fp = w->off;
	stun_wr16(w->buf + 2, (uint16_t)(fp + 8 - SG_STUN_HDR_LEN));
	v = stun_w_attr(w, SG_STUN_ATTR_FINGERPRINT, NULL, 4);
	stun_wr32(v, sg_stun_crc32(0, w->buf, fp) ^ SG_STUN_FP_XOR);
}
