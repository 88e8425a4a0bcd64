/* SPDX-License-Identifier: BSD-3-Clause
 * streamgate lib/rtp hot-path inlines: header parse, RTP/RTCP demux,
 * sequence arithmetic and in-place header rewrite for fan-out.
 * No allocation, no locks, no logging, no system calls.
 */
#ifndef SG_RTP_FP_H
#define SG_RTP_FP_H

#include <errno.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "sg_common.h"
#include "sg_rtp.h"

static inline uint16_t sg_rtp_rd16(const uint8_t *p)
{
	return (uint16_t)((unsigned)p[0] << 8 | p[1]);
}

static inline uint32_t sg_rtp_rd32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

static inline void sg_rtp_wr16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)(v >> 8);
	p[1] = (uint8_t)v;
}

static inline void sg_rtp_wr32(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)(v >> 24);
	p[1] = (uint8_t)(v >> 16);
	p[2] = (uint8_t)(v >> 8);
	p[3] = (uint8_t)v;
}

/**
 * Walk RFC 8285 elements of [p, p+len) to check that none overruns the
 * block. one_byte selects §4.2 (else §4.3). Returns 0 or -EILSEQ.
 */
static inline int sg_rtp_fp_ext_check(const uint8_t *p, uint32_t len, bool one_byte)
{
	uint32_t i = 0;

	while (i < len) {
		uint8_t b = p[i];
		if (b == 0) {           /* padding byte, both forms */
			i++;
			continue;
		}
		if (one_byte) {
			uint32_t id = b >> 4, l = (uint32_t)(b & 0x0f) + 1;
			if (id == 15)   /* §4.2: stop processing */
				return 0;
			if (i + 1 + l > len)
				return -EILSEQ;
			i += 1 + l;
		} else {
			if (i + 2 > len)
				return -EILSEQ;
			uint32_t l = p[i + 1];
			if (i + 2 + l > len)
				return -EILSEQ;
			i += 2 + l;
		}
	}
	return 0;
}

/**
 * Parse and validate an RTP header; see sg_rtp_hdr_parse() in sg_rtp.h for
 * the contract (identical, this is the inline used per packet).
 */
static inline int sg_rtp_fp_hdr_parse(const uint8_t *pkt, size_t len, struct sg_rtp_hdr *h)
{
	uint32_t off;

	/* RFC 3550 §5.1 fixed header */
	if (SG_UNLIKELY(len < SG_RTP_HDR_LEN))
		return -EMSGSIZE;
	if (SG_UNLIKELY((pkt[0] >> 6) != SG_RTP_VERSION))
		return -EBADMSG;
	if (len > UINT32_MAX)
		len = UINT32_MAX;
	h->version = SG_RTP_VERSION;
	h->padding = (pkt[0] >> 5) & 1;
	h->ext = (pkt[0] >> 4) & 1;
	h->cc = pkt[0] & 0x0f;
	h->marker = pkt[1] >> 7;
	h->pt = pkt[1] & 0x7f;
	h->seq = sg_rtp_rd16(pkt + 2);
	h->ts = sg_rtp_rd32(pkt + 4);
	h->ssrc = sg_rtp_rd32(pkt + 8);
	h->ext_profile = 0;
	h->ext_off = 0;
	h->ext_len = 0;
	h->pad_len = 0;

	off = SG_RTP_HDR_LEN + 4u * h->cc;
	if (SG_UNLIKELY(off > len))
		return -EOVERFLOW;

	/* §5.3.1 header extension: 16-bit profile, 16-bit length in words */
	if (h->ext) {
		if (SG_UNLIKELY(off + 4 > len))
			return -ERANGE;
		h->ext_profile = sg_rtp_rd16(pkt + off);
		h->ext_len = 4u * sg_rtp_rd16(pkt + off + 2);
		h->ext_off = off + 4;
		if (SG_UNLIKELY(h->ext_off + h->ext_len > len))
			return -ERANGE;
		if (h->ext_profile == SG_RTP_EXT_ONE_BYTE ||
		    (h->ext_profile & 0xfff0) == SG_RTP_EXT_TWO_BYTE) {
			int rc = sg_rtp_fp_ext_check(pkt + h->ext_off, h->ext_len,
						     h->ext_profile == SG_RTP_EXT_ONE_BYTE);
			if (SG_UNLIKELY(rc < 0))
				return rc;
		}
		off = h->ext_off + h->ext_len;
	}

	h->payload_off = off;
	h->payload_len = (uint32_t)len - off;

	/* §5.1 padding: last octet counts the padding octets, itself included */
	if (h->padding) {
		uint8_t n = pkt[len - 1];
		if (SG_UNLIKELY(n == 0 || n > h->payload_len))
			return -EPROTO;
		h->pad_len = n;
		h->payload_len -= n;
	}
	return (int)off;
}

/**
 * RFC 5761 §4 demultiplexing of RTP and RTCP on one port: true when the
 * second octet is in 192..223 (RTCP packet types 192..223, i.e. RTP PT
 * 64..95 with the marker bit set, which RTP must therefore not use).
 */
static inline bool sg_rtp_fp_is_rtcp(const uint8_t *pkt, size_t len)
{
	return len >= 2 && pkt[1] >= 192 && pkt[1] <= 223;
}

/** a < b in RTP sequence space (RFC 3550 modulo 2^16 ordering). */
static inline bool sg_rtp_seq_lt(uint16_t a, uint16_t b)
{
	return (int16_t)(uint16_t)(a - b) < 0;
}

/** Signed distance b - a in sequence space (-32768..32767). */
static inline int32_t sg_rtp_seq_diff(uint16_t a, uint16_t b)
{
	return (int16_t)(uint16_t)(b - a);
}

/** a < b in RTP timestamp space (modulo 2^32). */
static inline bool sg_rtp_ts_lt(uint32_t a, uint32_t b)
{
	return (int32_t)(a - b) < 0;
}

/* In-place header rewrite for fan-out. pkt must hold >= 12 bytes (the
 * caller has parsed it). Only the fixed header is touched. */

static inline void sg_rtp_fp_set_ssrc(uint8_t *pkt, uint32_t ssrc)
{
	sg_rtp_wr32(pkt + 8, ssrc);
}

/** Set the payload type, keeping the marker bit. */
static inline void sg_rtp_fp_set_pt(uint8_t *pkt, uint8_t pt)
{
	pkt[1] = (uint8_t)((pkt[1] & 0x80) | (pt & 0x7f));
}

static inline void sg_rtp_fp_set_marker(uint8_t *pkt, bool m)
{
	pkt[1] = (uint8_t)((pkt[1] & 0x7f) | (m ? 0x80 : 0));
}

static inline void sg_rtp_fp_set_seq(uint8_t *pkt, uint16_t seq)
{
	sg_rtp_wr16(pkt + 2, seq);
}

static inline void sg_rtp_fp_set_ts(uint8_t *pkt, uint32_t ts)
{
	sg_rtp_wr32(pkt + 4, ts);
}

static inline uint16_t sg_rtp_fp_seq(const uint8_t *pkt)
{
	return sg_rtp_rd16(pkt + 2);
}

static inline uint32_t sg_rtp_fp_ts(const uint8_t *pkt)
{
	return sg_rtp_rd32(pkt + 4);
}

static inline uint32_t sg_rtp_fp_ssrc(const uint8_t *pkt)
{
	return sg_rtp_rd32(pkt + 8);
}

/**
 * Rewrite SSRC, PT, seq and ts in one go: the usual fan-out step where a
 * viewer gets its own SSRC/PT and offset-corrected seq/ts.
 */
static inline void sg_rtp_fp_rewrite(uint8_t *pkt, uint32_t ssrc, uint8_t pt, uint16_t seq,
				     uint32_t ts)
{
	sg_rtp_fp_set_pt(pkt, pt);
	sg_rtp_wr16(pkt + 2, seq);
	sg_rtp_wr32(pkt + 4, ts);
	sg_rtp_wr32(pkt + 8, ssrc);
}

#endif /* SG_RTP_FP_H */
