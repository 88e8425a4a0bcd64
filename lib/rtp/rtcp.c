/* SPDX-License-Identifier: BSD-3-Clause
 * RTCP compound parse and build: RFC 3550 §6 (SR, RR, SDES, BYE, APP),
 * RFC 4585 §6 (generic NACK, PLI), RFC 5104 §4.3.1 (FIR).
 */
#include <errno.h>
#include <string.h>

#include "rtp_priv.h"

int sg_rtcp_iter_init(struct sg_rtcp_iter *it, const uint8_t *buf, size_t len)
{
	it->buf = buf;
	it->len = len > UINT32_MAX ? UINT32_MAX : (uint32_t)len;
	it->off = 0;
	if (len < 4)
		return -EMSGSIZE;
	if ((buf[0] >> 6) != SG_RTP_VERSION)
		return -EBADMSG;
	return 0;
}

/* RFC 3550 §6.4.1 common header and Appendix A.2 validity checks:
 * version 2, lengths that add up to the compound length, padding only on
 * the last packet. */
int sg_rtcp_iter_next(struct sg_rtcp_iter *it, struct sg_rtcp_pkt *p)
{
	const uint8_t *b = it->buf + it->off;
	uint32_t left = it->len - it->off, plen;

	if (left == 0)
		return 0;
	if (left < 4)
		return -EMSGSIZE;
	if ((b[0] >> 6) != SG_RTP_VERSION)
		return -EBADMSG;
	plen = 4u * ((uint32_t)sg_rtp_rd16(b + 2) + 1);
	if (plen > left)
		return -EMSGSIZE;
	p->pt = b[1];
	p->count = b[0] & 0x1f;
	p->padding = (b[0] >> 5) & 1;
	p->p = b;
	p->len = plen;
	if (p->padding) {
		uint8_t n = b[plen - 1];
		if (plen != left || n == 0 || n > plen - 4)
			return -EPROTO;
		p->len = plen - n;
	}
	it->off += plen;
	return 1;
}

static void rb_read(const uint8_t *b, struct sg_rtcp_rb *rb)
{
	uint32_t lost = (uint32_t)b[5] << 16 | (uint32_t)b[6] << 8 | b[7];

	rb->ssrc = sg_rtp_rd32(b);
	rb->fraction_lost = b[4];
	/* 24-bit two's complement */
	rb->cum_lost = (lost & 0x800000) ? (int32_t)lost - 0x1000000 : (int32_t)lost;
	rb->ext_high_seq = sg_rtp_rd32(b + 8);
	rb->jitter = sg_rtp_rd32(b + 12);
	rb->lsr = sg_rtp_rd32(b + 16);
	rb->dlsr = sg_rtp_rd32(b + 20);
}

static void rb_write(uint8_t *b, const struct sg_rtcp_rb *rb)
{
	int32_t l = rb->cum_lost;

	if (l > 0x7fffff)
		l = 0x7fffff;
	if (l < -0x800000)
		l = -0x800000;
	uint32_t u = (uint32_t)l & 0xffffff;
	sg_rtp_wr32(b, rb->ssrc);
	b[4] = rb->fraction_lost;
	b[5] = (uint8_t)(u >> 16);
	b[6] = (uint8_t)(u >> 8);
	b[7] = (uint8_t)u;
	sg_rtp_wr32(b + 8, rb->ext_high_seq);
	sg_rtp_wr32(b + 12, rb->jitter);
	sg_rtp_wr32(b + 16, rb->lsr);
	sg_rtp_wr32(b + 20, rb->dlsr);
}

/* §6.4.1 SR, §6.4.2 RR */
int sg_rtcp_report_parse(const struct sg_rtcp_pkt *p, struct sg_rtcp_report *r)
{
	uint32_t off;

	if (p->pt != SG_RTCP_SR && p->pt != SG_RTCP_RR)
		return -EINVAL;
	r->is_sr = p->pt == SG_RTCP_SR;
	off = r->is_sr ? 28 : 8;
	if (p->len < off + 24u * p->count)
		return -EMSGSIZE;
	r->ssrc = sg_rtp_rd32(p->p + 4);
	if (r->is_sr) {
		r->ntp = (uint64_t)sg_rtp_rd32(p->p + 8) << 32 | sg_rtp_rd32(p->p + 12);
		r->rtp_ts = sg_rtp_rd32(p->p + 16);
		r->pkt_count = sg_rtp_rd32(p->p + 20);
		r->octet_count = sg_rtp_rd32(p->p + 24);
	} else {
		r->ntp = 0;
		r->rtp_ts = r->pkt_count = r->octet_count = 0;
	}
	r->rb_count = p->count;
	for (unsigned i = 0; i < p->count; i++)
		rb_read(p->p + off + 24 * i, &r->rb[i]);
	return 0;
}

/* §6.5 SDES: chunks of SSRC + items, each chunk ended by a null item and
 * padded with nulls to a 32-bit boundary. */
int sg_rtcp_sdes_next(const struct sg_rtcp_pkt *p, struct sg_rtcp_sdes_iter *it,
		      struct sg_rtcp_sdes_item *item)
{
	const uint8_t *b = p->p;
	uint32_t len = p->len;

	if (p->pt != SG_RTCP_SDES)
		return -EINVAL;
	if (it->off == 0)
		it->off = 4;
	for (;;) {
		if (!it->in_chunk) {
			if (it->chunk >= p->count)
				return 0;
			if (it->off >= len)
				return -EPROTO;
			if (it->off + 4 > len)
				return -EMSGSIZE;
			it->ssrc = sg_rtp_rd32(b + it->off);
			it->off += 4;
			it->chunk++;
			it->in_chunk = true;
		}
		if (it->off >= len)
			return -EMSGSIZE;
		if (b[it->off] == SG_RTCP_SDES_END) {
			it->off = (it->off + 4) & ~3u;
			if (it->off > len)
				return -EMSGSIZE;
			it->in_chunk = false;
			continue;
		}
		if (it->off + 2 > len || it->off + 2u + b[it->off + 1] > len)
			return -EMSGSIZE;
		item->ssrc = it->ssrc;
		item->type = b[it->off];
		item->len = b[it->off + 1];
		item->data = b + it->off + 2;
		it->off += 2u + item->len;
		return 1;
	}
}

/* §6.6 BYE */
int sg_rtcp_bye_parse(const struct sg_rtcp_pkt *p, struct sg_rtcp_bye *bye)
{
	uint32_t off = 4 + 4u * p->count;

	if (p->pt != SG_RTCP_BYE)
		return -EINVAL;
	if (off > p->len)
		return -EMSGSIZE;
	bye->count = p->count;
	for (unsigned i = 0; i < p->count; i++)
		bye->ssrc[i] = sg_rtp_rd32(p->p + 4 + 4 * i);
	bye->reason = NULL;
	bye->reason_len = 0;
	if (off < p->len) {
		uint8_t l = p->p[off];
		if (off + 1u + l > p->len)
			return -EMSGSIZE;
		bye->reason_len = l;
		bye->reason = p->p + off + 1;
	}
	return 0;
}

/* §6.7 APP */
int sg_rtcp_app_parse(const struct sg_rtcp_pkt *p, struct sg_rtcp_app *a)
{
	if (p->pt != SG_RTCP_APP)
		return -EINVAL;
	if (p->len < 12)
		return -EMSGSIZE;
	a->subtype = p->count;
	a->ssrc = sg_rtp_rd32(p->p + 4);
	memcpy(a->name, p->p + 8, 4);
	a->name[4] = '\0';
	a->data = p->p + 12;
	a->len = p->len - 12;
	return 0;
}

/* RFC 4585 §6.1 common feedback format */
int sg_rtcp_fb_parse(const struct sg_rtcp_pkt *p, struct sg_rtcp_fb *fb)
{
	if (p->pt != SG_RTCP_RTPFB && p->pt != SG_RTCP_PSFB)
		return -EINVAL;
	if (p->len < 12)
		return -EMSGSIZE;
	fb->pt = p->pt;
	fb->fmt = p->count;
	fb->sender_ssrc = sg_rtp_rd32(p->p + 4);
	fb->media_ssrc = sg_rtp_rd32(p->p + 8);
	fb->fci = p->p + 12;
	fb->fci_len = p->len - 12;
	fb->kind = SG_RTCP_FB_OTHER;
	if (p->pt == SG_RTCP_RTPFB) {
		if (fb->fmt == 1) {     /* §6.2.1 generic NACK */
			if (fb->fci_len < 4 || fb->fci_len % 4)
				return -EPROTO;
			fb->kind = SG_RTCP_FB_NACK;
		} else if (fb->fmt == 15) {
			fb->kind = SG_RTCP_FB_TWCC;
		}
	} else {
		if (fb->fmt == 1) {     /* §6.3.1 PLI: no FCI */
			fb->kind = SG_RTCP_FB_PLI;
		} else if (fb->fmt == 4) { /* RFC 5104 §4.3.1 FIR */
			if (fb->fci_len < 8 || fb->fci_len % 8)
				return -EPROTO;
			fb->kind = SG_RTCP_FB_FIR;
		} else if (fb->fmt == 15 && fb->fci_len >= 4 && !memcmp(fb->fci, "REMB", 4)) {
			fb->kind = SG_RTCP_FB_REMB; /* draft-alvestrand-rmcat-remb: ignored */
		}
	}
	return 0;
}

/* RFC 4585 §6.2.1: PID is lost; bit i of BLP means PID+i+1 is lost. */
unsigned sg_rtcp_nack_expand(uint16_t pid, uint16_t blp, uint16_t seqs[17])
{
	unsigned n = 0;

	seqs[n++] = pid;
	for (unsigned i = 0; i < 16; i++)
		if (blp & (1u << i))
			seqs[n++] = (uint16_t)(pid + i + 1);
	return n;
}

int sg_rtcp_nack_seqs(const struct sg_rtcp_fb *fb, uint16_t *seqs, size_t max)
{
	uint16_t tmp[17];
	size_t total = 0;

	if (fb->kind != SG_RTCP_FB_NACK)
		return -EINVAL;
	for (uint32_t off = 0; off + 4 <= fb->fci_len; off += 4) {
		unsigned n = sg_rtcp_nack_expand(sg_rtp_rd16(fb->fci + off),
						 sg_rtp_rd16(fb->fci + off + 2), tmp);
		for (unsigned i = 0; i < n; i++, total++)
			if (total < max)
				seqs[total] = tmp[i];
	}
	return (int)total;
}

int sg_rtcp_fir_entry(const struct sg_rtcp_fb *fb, unsigned idx, uint32_t *ssrc,
		      uint8_t *seq_nr)
{
	if (fb->kind != SG_RTCP_FB_FIR)
		return -EINVAL;
	if ((uint64_t)idx * 8 + 8 > fb->fci_len)
		return -ENOENT;
	*ssrc = sg_rtp_rd32(fb->fci + 8 * idx);
	*seq_nr = fb->fci[8 * idx + 4];
	return 0;
}

/* ---- builders ---- */

int sg_rtcp_build_rr(uint8_t *buf, size_t cap, uint32_t ssrc,
		     const struct sg_rtcp_rb *rb, unsigned n)
{
	uint32_t len = 8 + 24 * n;

	if (n > SG_RTCP_MAX_RB || (n && !rb))
		return -EINVAL;
	if (cap < len)
		return -ENOSPC;
	rtcp_hdr_write(buf, (uint8_t)n, SG_RTCP_RR, len);
	sg_rtp_wr32(buf + 4, ssrc);
	for (unsigned i = 0; i < n; i++)
		rb_write(buf + 8 + 24 * i, &rb[i]);
	return (int)len;
}

int sg_rtcp_build_sr(uint8_t *buf, size_t cap, const struct sg_rtcp_report *r)
{
	uint32_t len;

	if (r->rb_count > SG_RTCP_MAX_RB)
		return -EINVAL;
	len = 28 + 24u * r->rb_count;
	if (cap < len)
		return -ENOSPC;
	rtcp_hdr_write(buf, r->rb_count, SG_RTCP_SR, len);
	sg_rtp_wr32(buf + 4, r->ssrc);
	sg_rtp_wr32(buf + 8, (uint32_t)(r->ntp >> 32));
	sg_rtp_wr32(buf + 12, (uint32_t)r->ntp);
	sg_rtp_wr32(buf + 16, r->rtp_ts);
	sg_rtp_wr32(buf + 20, r->pkt_count);
	sg_rtp_wr32(buf + 24, r->octet_count);
	for (unsigned i = 0; i < r->rb_count; i++)
		rb_write(buf + 28 + 24 * i, &r->rb[i]);
	return (int)len;
}

int sg_rtcp_build_sdes_cname(uint8_t *buf, size_t cap, uint32_t ssrc, const char *cname)
{
	size_t cl = cname ? strlen(cname) : 0;
	uint32_t len;

	if (cl == 0 || cl > 255)
		return -EINVAL;
	/* header + SSRC + type + len + text + null terminator, padded to 4 */
	len = (uint32_t)((4 + 4 + 2 + cl + 1 + 3) & ~(size_t)3);
	if (cap < len)
		return -ENOSPC;
	memset(buf, 0, len);
	rtcp_hdr_write(buf, 1, SG_RTCP_SDES, len);
	sg_rtp_wr32(buf + 4, ssrc);
	buf[8] = SG_RTCP_SDES_CNAME;
	buf[9] = (uint8_t)cl;
	memcpy(buf + 10, cname, cl);
	return (int)len;
}

int sg_rtcp_build_bye(uint8_t *buf, size_t cap, uint32_t ssrc)
{
	if (cap < 8)
		return -ENOSPC;
	rtcp_hdr_write(buf, 1, SG_RTCP_BYE, 8);
	sg_rtp_wr32(buf + 4, ssrc);
	return 8;
}

static int fb_header(uint8_t *buf, size_t cap, uint8_t fmt, uint8_t pt, uint32_t len,
		     uint32_t sender, uint32_t media)
{
	if (cap < len)
		return -ENOSPC;
	rtcp_hdr_write(buf, fmt, pt, len);
	sg_rtp_wr32(buf + 4, sender);
	sg_rtp_wr32(buf + 8, media);
	return 0;
}

int sg_rtcp_build_pli(uint8_t *buf, size_t cap, uint32_t sender_ssrc, uint32_t media_ssrc)
{
	int rc = fb_header(buf, cap, 1, SG_RTCP_PSFB, 12, sender_ssrc, media_ssrc);
	return rc < 0 ? rc : 12;
}

int sg_rtcp_build_fir(uint8_t *buf, size_t cap, uint32_t sender_ssrc, uint32_t media_ssrc,
		      uint8_t seq_nr)
{
	/* RFC 5104 §4.3.1.2: media source SSRC field is 0, target in the FCI */
	int rc = fb_header(buf, cap, 4, SG_RTCP_PSFB, 20, sender_ssrc, 0);
	if (rc < 0)
		return rc;
	sg_rtp_wr32(buf + 12, media_ssrc);
	buf[16] = seq_nr;
	buf[17] = buf[18] = buf[19] = 0;
	return 20;
}

/* Walk seqs grouping into PID+BLP; write FCIs if out != NULL. */
static unsigned nack_pack(const uint16_t *seqs, unsigned n, uint8_t *out)
{
	unsigned nfci = 0;
	uint16_t pid = seqs[0], blp = 0;

	for (unsigned i = 1; i <= n; i++) {
		if (i < n) {
			uint16_t d = (uint16_t)(seqs[i] - pid);
			if (d == 0)
				continue;
			if (d <= 16) {
				blp |= (uint16_t)(1u << (d - 1));
				continue;
			}
		}
		if (out) {
			sg_rtp_wr16(out + 4 * nfci, pid);
			sg_rtp_wr16(out + 4 * nfci + 2, blp);
		}
		nfci++;
		if (i < n) {
			pid = seqs[i];
			blp = 0;
		}
	}
	return nfci;
}

int sg_rtcp_build_nack(uint8_t *buf, size_t cap, uint32_t sender_ssrc, uint32_t media_ssrc,
		       const uint16_t *seqs, unsigned n)
{
	unsigned nfci;
	uint32_t len;
	int rc;

	if (!seqs || n == 0 || n > 1024)
		return -EINVAL;
	nfci = nack_pack(seqs, n, NULL);
	len = 12 + 4 * nfci;
	rc = fb_header(buf, cap, 1, SG_RTCP_RTPFB, len, sender_ssrc, media_ssrc);
	if (rc < 0)
		return rc;
	nack_pack(seqs, n, buf + 12);
	return (int)len;
}
