/* SPDX-License-Identifier: BSD-3-Clause
 * Keyframe detection on RTP payloads (H.264 RFC 6184, H.265 RFC 7798,
 * VP8 RFC 7741, VP9 RFC 9628, AV1 RTP payload format) and the
 * parameter-set cache for late joiners.
 */
#include <errno.h>
#include <string.h>

#include "rtp_priv.h"

/* Visit every NAL unit in a payload. For a fragmentation unit that starts
 * a NAL, fn is called with nal == NULL and frag == true. */
typedef int (*nal_fn)(void *ctx, unsigned type, const uint8_t *nal, size_t len, bool frag);

static unsigned h264_type(const uint8_t *nal)
{
	return nal[0] & 0x1f;
}

static unsigned h265_type(const uint8_t *nal)
{
	return (nal[0] >> 1) & 0x3f;
}

/* Aggregation units: [16-bit size][NAL] repeated (RFC 6184 §5.7.1,
 * RFC 7798 §4.4.2 without DONL). min is the smallest legal NAL size. */
static int walk_agg(const uint8_t *p, size_t len, size_t off, size_t min, bool h265,
		    nal_fn fn, void *ctx)
{
	if (off >= len)
		return -EMSGSIZE;       /* aggregation packet with no unit */
	while (off < len) {
		if (off + 2 > len)
			return -EMSGSIZE;
		size_t n = sg_rtp_rd16(p + off);
		off += 2;
		if (n < min)
			return -EPROTO;
		if (off + n > len)
			return -EMSGSIZE;
		int rc = fn(ctx, h265 ? h265_type(p + off) : h264_type(p + off), p + off, n, false);
		if (rc < 0)
			return rc;
		off += n;
	}
	return 0;
}

/* RFC 6184 §5.2 NAL unit types in the payload header */
static int h264_walk(const uint8_t *p, size_t len, nal_fn fn, void *ctx)
{
	if (len < 1)
		return -EMSGSIZE;
	if (p[0] & 0x80)                /* §5.3 forbidden_zero_bit */
		return -EPROTO;
	unsigned t = h264_type(p);
	if (t >= 1 && t <= 23)          /* single NAL unit packet, §5.6 */
		return fn(ctx, t, p, len, false);
	switch (t) {
	case 24:                        /* STAP-A, §5.7.1 */
		return walk_agg(p, len, 1, 1, false, fn, ctx);
	case 25:                        /* STAP-B: 16-bit DON first */
		return walk_agg(p, len, 3, 1, false, fn, ctx);
	case 28:                        /* FU-A, §5.8 */
	case 29: {                      /* FU-B: DON after the FU header */
		size_t hdr = t == 28 ? 2 : 4;
		if (len < hdr)
			return -EMSGSIZE;
		if (p[1] & 0x80)        /* S bit: first fragment */
			return fn(ctx, p[1] & 0x1f, NULL, 0, true);
		return 0;
	}
	default:                        /* 0, 30, 31 reserved; 26/27 MTAP not inspected */
		return 0;
	}
}

/* RFC 7798 §1.1.4 / §4.4 */
static int h265_walk(const uint8_t *p, size_t len, nal_fn fn, void *ctx)
{
	if (len < 2)
		return -EMSGSIZE;
	if (p[0] & 0x80)                /* F bit must be 0 */
		return -EPROTO;
	unsigned t = h265_type(p);
	if (t <= 47)                    /* single NAL unit packet, §4.4.1 */
		return fn(ctx, t, p, len, false);
	if (t == 48)                    /* AP, §4.4.2 */
		return walk_agg(p, len, 2, 2, true, fn, ctx);
	if (t == 49) {                  /* FU, §4.4.3 */
		if (len < 3)
			return -EMSGSIZE;
		if (p[2] & 0x80)        /* S bit */
			return fn(ctx, p[2] & 0x3f, NULL, 0, true);
		return 0;
	}
	return 0;                       /* 50 PACI, 51..63 unspecified */
}

struct kf_ctx {
	enum sg_rtp_codec codec;
	int flags;
};

static int kf_visit(void *vctx, unsigned type, const uint8_t *nal, size_t len, bool frag)
{
	struct kf_ctx *c = vctx;

	SG_UNUSED(nal);
	SG_UNUSED(len);
	SG_UNUSED(frag);
	if (c->codec == SG_RTP_CODEC_H264) {
		if (type == 5)                          /* IDR slice */
			c->flags |= SG_RTP_KF_KEY;
		else if (type == 7 || type == 8)        /* SPS, PPS */
			c->flags |= SG_RTP_KF_PARAM;
	} else {
		if (type >= 16 && type <= 23)           /* IRAP: BLA, IDR, CRA, RSV_IRAP */
			c->flags |= SG_RTP_KF_KEY;
		else if (type >= 32 && type <= 34)      /* VPS, SPS, PPS */
			c->flags |= SG_RTP_KF_PARAM;
	}
	return 0;
}

/* RFC 7741 §4.2 payload descriptor, §4.3 payload header */
static int vp8_detect(const uint8_t *p, size_t len)
{
	size_t off = 1;

	if (len < 1)
		return -EMSGSIZE;
	bool s = p[0] & 0x10;
	unsigned pid = p[0] & 0x0f;
	if (p[0] & 0x80) {              /* X: extension octet */
		if (len < 2)
			return -EMSGSIZE;
		uint8_t x = p[1];
		off = 2;
		if (x & 0x80) {         /* I: PictureID, M bit selects 15 bits */
			if (off >= len)
				return -EMSGSIZE;
			off += (p[off] & 0x80) ? 2 : 1;
		}
		if (x & 0x40)           /* L: TL0PICIDX */
			off++;
		if (x & 0x30)           /* T or K: TID/Y/KEYIDX octet */
			off++;
	}
	if (off > len)
		return -EMSGSIZE;
	if (!s || pid != 0)
		return 0;
	if (off >= len)                 /* start of partition 0 needs the payload header */
		return -EMSGSIZE;
	return (p[off] & 0x01) ? 0 : SG_RTP_KF_KEY; /* P = 0: key frame */
}

/* RFC 9628 §4.2 payload descriptor */
static int vp9_detect(const uint8_t *p, size_t len)
{
	size_t off = 1;
	unsigned sid = 0;

	if (len < 1)
		return -EMSGSIZE;
	uint8_t b = p[0];
	bool i = b & 0x80, pbit = b & 0x40, l = b & 0x20, f = b & 0x10;
	bool start = b & 0x08, v = b & 0x02;

	if (i) {                        /* picture ID, M bit: 15 bits */
		if (off >= len)
			return -EMSGSIZE;
		off += (p[off] & 0x80) ? 2 : 1;
	}
	if (l) {                        /* TID U SID D [+ TL0PICIDX when !F] */
		if (off >= len)
			return -EMSGSIZE;
		sid = (p[off] >> 1) & 0x07;
		off += f ? 1 : 2;
	}
	if (f && pbit) {                /* up to 3 reference indices, N bit chains */
		for (int k = 0; k < 3; k++) {
			if (off >= len)
				return -EMSGSIZE;
			bool more = p[off++] & 0x01;
			if (!more)
				break;
		}
	}
	if (v) {                        /* scalability structure, §4.2.1 */
		if (off >= len)
			return -EMSGSIZE;
		uint8_t ss = p[off++];
		unsigned ns = (ss >> 5) + 1u;
		if (ss & 0x10)          /* Y: widths/heights */
			off += 4u * ns;
		if (ss & 0x08) {        /* G: picture group description */
			if (off >= len)
				return -EMSGSIZE;
			unsigned ng = p[off++];
			for (unsigned g = 0; g < ng; g++) {
				if (off >= len)
					return -EMSGSIZE;
				unsigned r = (p[off++] >> 2) & 0x03;
				off += r;
			}
		}
	}
	if (off > len)
		return -EMSGSIZE;
	/* first packet of a frame that is not inter-picture predicted, base
	 * spatial layer */
	if (!start || pbit || sid != 0)
		return 0;
	/* Some packetizers (ffmpeg's rtpenc_vp9) never set P, so confirm with
	 * the VP9 uncompressed header (VP9 bitstream spec §6.2): frame_marker
	 * f(2) = 2, profile_low_bit, profile_high_bit, [reserved_zero when
	 * profile 3], show_existing_frame, frame_type (0 = KEY_FRAME). */
	if (off < len && (p[off] >> 6) == 2) {
		uint8_t h = p[off];
		unsigned profile = ((h >> 5) & 1) | ((h >> 4) & 1) << 1, bit = 3;
		if (profile == 3)
			bit--;
		if ((h >> bit) & 1)     /* show_existing_frame: no new picture */
			return 0;
		bit--;
		if ((h >> bit) & 1)     /* frame_type 1 = NON_KEY_FRAME */
			return 0;
	}
	return SG_RTP_KF_KEY;
}

/* AV1 RTP payload format §4.4 aggregation header: Z Y W(2) N - - - */
static int av1_detect(const uint8_t *p, size_t len)
{
	int flags = 0;
	size_t off = 1;

	if (len < 1)
		return -EMSGSIZE;
	uint8_t ah = p[0];
	unsigned w = (ah >> 4) & 0x03;
	if (ah & 0x08)                  /* N: first packet of a coded video sequence */
		flags |= SG_RTP_KF_KEY;
	if (!(ah & 0x80)) {             /* Z = 0: first element starts an OBU */
		if (w != 1) {           /* element preceded by its leb128 length */
			uint64_t n = 0;
			int k;
			for (k = 0; k < 8; k++) {
				if (off >= len)
					return -EMSGSIZE;
				uint8_t c = p[off++];
				n |= (uint64_t)(c & 0x7f) << (7 * k);
				if (!(c & 0x80))
					break;
			}
			if (k == 8 || n == 0 || n > len - off)
				return -EMSGSIZE;
		}
		if (off >= len)
			return -EMSGSIZE;
		if (((p[off] >> 3) & 0x0f) == 1) /* OBU_SEQUENCE_HEADER */
			flags |= SG_RTP_KF_PARAM;
	}
	return flags;
}

int sg_rtp_kf_detect(enum sg_rtp_codec codec, const uint8_t *payload, size_t len)
{
	struct kf_ctx c = {.codec = codec, .flags = 0};
	int rc;

	switch (codec) {
	case SG_RTP_CODEC_H264:
		rc = h264_walk(payload, len, kf_visit, &c);
		return rc < 0 ? rc : c.flags;
	case SG_RTP_CODEC_H265:
		rc = h265_walk(payload, len, kf_visit, &c);
		return rc < 0 ? rc : c.flags;
	case SG_RTP_CODEC_VP8:
		return vp8_detect(payload, len);
	case SG_RTP_CODEC_VP9:
		return vp9_detect(payload, len);
	case SG_RTP_CODEC_AV1:
		return av1_detect(payload, len);
	default:
		return -EINVAL;
	}
}

/* ---- parameter-set cache ---- */

int sg_rtp_pset_init(struct sg_rtp_pset_cache *c, enum sg_rtp_codec codec)
{
	if (codec != SG_RTP_CODEC_H264 && codec != SG_RTP_CODEC_H265)
		return -EINVAL;
	memset(c, 0, sizeof(*c));
	c->codec = codec;
	return 0;
}

static int pset_kind(enum sg_rtp_codec codec, unsigned type)
{
	if (codec == SG_RTP_CODEC_H264) {
		if (type == 7)
			return SG_RTP_PSET_SPS;
		if (type == 8)
			return SG_RTP_PSET_PPS;
	} else {
		if (type >= 32 && type <= 34)
			return SG_RTP_PSET_VPS + (int)(type - 32);
	}
	return -1;
}

int sg_rtp_pset_put_nal(struct sg_rtp_pset_cache *c, const uint8_t *nal, size_t len)
{
	bool h265 = c->codec == SG_RTP_CODEC_H265;
	int k;

	if (len < (h265 ? 2u : 1u))
		return -EMSGSIZE;
	k = pset_kind(c->codec, h265 ? h265_type(nal) : h264_type(nal));
	if (k < 0)
		return 0;
	if (len > SG_RTP_PSET_MAX) {
		c->too_big++;
		return -E2BIG;
	}
	if (c->len[k] == len && !memcmp(c->data[k], nal, len))
		return 0;
	memcpy(c->data[k], nal, len);
	c->len[k] = (uint16_t)len;
	c->generation++;
	return 1 << k;
}

struct pset_ctx {
	struct sg_rtp_pset_cache *c;
	int changed;
};

static int pset_visit(void *vctx, unsigned type, const uint8_t *nal, size_t len, bool frag)
{
	struct pset_ctx *x = vctx;

	if (pset_kind(x->c->codec, type) < 0)
		return 0;
	if (frag) {
		x->c->fragmented++;
		return 0;
	}
	int rc = sg_rtp_pset_put_nal(x->c, nal, len);
	if (rc > 0)
		x->changed |= rc;
	/* an oversized set is counted, not fatal for the rest of the packet */
	return rc == -E2BIG ? 0 : rc;
}

int sg_rtp_pset_update(struct sg_rtp_pset_cache *c, const uint8_t *payload, size_t len)
{
	struct pset_ctx x = {.c = c, .changed = 0};
	int rc;

	if (c->codec == SG_RTP_CODEC_H264)
		rc = h264_walk(payload, len, pset_visit, &x);
	else if (c->codec == SG_RTP_CODEC_H265)
		rc = h265_walk(payload, len, pset_visit, &x);
	else
		return -EINVAL;
	return rc < 0 ? rc : x.changed;
}

int sg_rtp_pset_build_agg(const struct sg_rtp_pset_cache *c, uint8_t *buf, size_t cap)
{
	bool h265 = c->codec == SG_RTP_CODEC_H265;
	unsigned first = h265 ? SG_RTP_PSET_VPS : SG_RTP_PSET_SPS;
	size_t need = h265 ? 2 : 1, off;
	unsigned nri = 0, tid = 7;

	for (unsigned k = first; k < SG_RTP_PSET__MAX; k++) {
		if (c->len[k] == 0)
			return -ENOENT;
		need += 2u + c->len[k];
		if (h265) {
			unsigned t = c->data[k][1] & 0x07;
			if (t && t < tid)
				tid = t;
		} else if ((c->data[k][0] & 0x60) > nri) {
			nri = c->data[k][0] & 0x60;
		}
	}
	if (cap < need)
		return -ENOSPC;
	if (h265) {                     /* §4.4.2: type 48, LayerId 0, lowest TID */
		buf[0] = 48 << 1;
		buf[1] = (uint8_t)tid;
		off = 2;
	} else {                        /* RFC 6184 §5.7.1: NRI = max of units */
		buf[0] = (uint8_t)(nri | 24);
		off = 1;
	}
	for (unsigned k = first; k < SG_RTP_PSET__MAX; k++) {
		sg_rtp_wr16(buf + off, c->len[k]);
		memcpy(buf + off + 2, c->data[k], c->len[k]);
		off += 2u + c->len[k];
	}
	return (int)off;
}
