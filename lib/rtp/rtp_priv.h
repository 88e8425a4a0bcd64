/* SPDX-License-Identifier: BSD-3-Clause
 * lib/rtp internals shared between its translation units.
 */
#ifndef SG_RTP_PRIV_H
#define SG_RTP_PRIV_H

#include "sg_rtp_fp.h"

/* RTCP common header (RFC 3550 §6.4.1): V=2, P, count, PT, length in words - 1. */
static inline void rtcp_hdr_write(uint8_t *p, uint8_t count, uint8_t pt, uint32_t len_bytes)
{
	p[0] = (uint8_t)(0x80 | (count & 0x1f));
	p[1] = pt;
	sg_rtp_wr16(p + 2, (uint16_t)(len_bytes / 4 - 1));
}

#endif /* SG_RTP_PRIV_H */
