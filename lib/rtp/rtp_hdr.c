/* SPDX-License-Identifier: BSD-3-Clause
 * RTP header parse (RFC 3550 §5.1, §5.3.1) and RFC 8285 extension elements.
 */
#include <errno.h>
#include <stddef.h>

#include "rtp_priv.h"

static const char *const drop_names[] = {
#define SG_RTP_DROP_NAME_(n, e, s) [SG_RTP_DROP_##n] = s,
	SG_RTP_ERRORS(SG_RTP_DROP_NAME_)
#undef SG_RTP_DROP_NAME_
};

const char *sg_rtp_drop_name(enum sg_rtp_drop d)
{
	if ((unsigned)d >= SG_RTP_DROP__MAX)
		return "?";
	return drop_names[d];
}

enum sg_rtp_drop sg_rtp_drop_from_err(int err)
{
	switch (-err) {
#define SG_RTP_DROP_CASE_(n, e, s) case e: return SG_RTP_DROP_##n;
	SG_RTP_ERRORS(SG_RTP_DROP_CASE_)
#undef SG_RTP_DROP_CASE_
	default:
		return SG_RTP_DROP__MAX;
	}
}

int sg_rtp_hdr_parse(const uint8_t *pkt, size_t len, struct sg_rtp_hdr *h)
{
	return sg_rtp_fp_hdr_parse(pkt, len, h);
}

/* RFC 8285 §4.2 (one-byte) and §4.3 (two-byte) element walk. */
int sg_rtp_ext_next(const uint8_t *pkt, const struct sg_rtp_hdr *h, uint32_t *pos,
		    struct sg_rtp_ext_elem *e)
{
	bool one;

	if (!h->ext)
		return 0;
	if (h->ext_profile == SG_RTP_EXT_ONE_BYTE)
		one = true;
	else if ((h->ext_profile & 0xfff0) == SG_RTP_EXT_TWO_BYTE)
		one = false;
	else
		return 0;

	const uint8_t *p = pkt + h->ext_off;
	uint32_t len = h->ext_len, i = *pos;

	while (i < len && p[i] == 0)    /* padding */
		i++;
	if (i >= len) {
		*pos = len;
		return 0;
	}
	if (one) {
		uint8_t id = p[i] >> 4, l = (uint8_t)((p[i] & 0x0f) + 1);
		if (id == 15) {         /* §4.2: terminate processing */
			*pos = len;
			return 0;
		}
		if (i + 1u + l > len)
			return -EILSEQ;
		e->id = id;
		e->len = l;
		e->data = p + i + 1;
		*pos = i + 1u + l;
	} else {
		if (i + 2u > len)
			return -EILSEQ;
		uint8_t l = p[i + 1];
		if (i + 2u + l > len)
			return -EILSEQ;
		e->id = p[i];
		e->len = l;
		e->data = p + i + 2;
		*pos = i + 2u + l;
	}
	return 1;
}

int sg_rtp_ext_find(const uint8_t *pkt, const struct sg_rtp_hdr *h, uint8_t id,
		    const uint8_t **data)
{
	struct sg_rtp_ext_elem e;
	uint32_t pos = 0;
	int rc;

	while ((rc = sg_rtp_ext_next(pkt, h, &pos, &e)) > 0) {
		if (e.id == id) {
			*data = e.data;
			return e.len;
		}
	}
	return rc < 0 ? rc : -ENOENT;
}
