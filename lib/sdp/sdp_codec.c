/* SPDX-License-Identifier: BSD-3-Clause
 * Codec descriptions from an m= section: rtpmap/fmtp interpretation for
 * H.264 (RFC 6184 §8.1), H.265 (RFC 7798 §7.1), MPEG4-GENERIC (RFC 3640
 * §4.1), rtx (RFC 4588 §8.6) and the static payload types of RFC 3551 §6.
 */
#include <errno.h>
#include <string.h>

#include "sdp_priv.h"
#include "sg_common.h"

static const struct {
	const char *name;
	enum sg_sdp_codec_id id;
	enum sg_sdp_kind kind;
} names[] = {
	{"H264", SG_SDP_CODEC_H264, SG_SDP_KIND_VIDEO},
	{"H265", SG_SDP_CODEC_H265, SG_SDP_KIND_VIDEO},
	{"VP8", SG_SDP_CODEC_VP8, SG_SDP_KIND_VIDEO},
	{"VP9", SG_SDP_CODEC_VP9, SG_SDP_KIND_VIDEO},
	{"AV1", SG_SDP_CODEC_AV1, SG_SDP_KIND_VIDEO},
	{"opus", SG_SDP_CODEC_OPUS, SG_SDP_KIND_AUDIO},
	{"PCMU", SG_SDP_CODEC_PCMU, SG_SDP_KIND_AUDIO},
	{"PCMA", SG_SDP_CODEC_PCMA, SG_SDP_KIND_AUDIO},
	{"G722", SG_SDP_CODEC_G722, SG_SDP_KIND_AUDIO},
	{"MPEG4-GENERIC", SG_SDP_CODEC_AAC, SG_SDP_KIND_AUDIO},
	{"rtx", SG_SDP_CODEC_RTX, SG_SDP_KIND_OTHER},
	{"red", SG_SDP_CODEC_RED, SG_SDP_KIND_OTHER},
	{"ulpfec", SG_SDP_CODEC_ULPFEC, SG_SDP_KIND_OTHER},
	{"telephone-event", SG_SDP_CODEC_TELEPHONE_EVENT, SG_SDP_KIND_AUDIO},
};

/* RFC 3551 §6 table 4/5 static payload types */
static const struct {
	uint8_t pt;
	const char *name;
	enum sg_sdp_kind kind;
	uint32_t clock;
	uint8_t channels;
} statics[] = {
	{0, "PCMU", SG_SDP_KIND_AUDIO, 8000, 1},  {3, "GSM", SG_SDP_KIND_AUDIO, 8000, 1},
	{4, "G723", SG_SDP_KIND_AUDIO, 8000, 1},  {5, "DVI4", SG_SDP_KIND_AUDIO, 8000, 1},
	{6, "DVI4", SG_SDP_KIND_AUDIO, 16000, 1}, {7, "LPC", SG_SDP_KIND_AUDIO, 8000, 1},
	{8, "PCMA", SG_SDP_KIND_AUDIO, 8000, 1},  {9, "G722", SG_SDP_KIND_AUDIO, 8000, 1},
	{10, "L16", SG_SDP_KIND_AUDIO, 44100, 2}, {11, "L16", SG_SDP_KIND_AUDIO, 44100, 1},
	{12, "QCELP", SG_SDP_KIND_AUDIO, 8000, 1}, {13, "CN", SG_SDP_KIND_AUDIO, 8000, 1},
	{14, "MPA", SG_SDP_KIND_AUDIO, 90000, 1}, {15, "G728", SG_SDP_KIND_AUDIO, 8000, 1},
	{18, "G729", SG_SDP_KIND_AUDIO, 8000, 1}, {26, "JPEG", SG_SDP_KIND_VIDEO, 90000, 0},
	{31, "H261", SG_SDP_KIND_VIDEO, 90000, 0}, {32, "MPV", SG_SDP_KIND_VIDEO, 90000, 0},
	{33, "MP2T", SG_SDP_KIND_VIDEO, 90000, 0}, {34, "H263", SG_SDP_KIND_VIDEO, 90000, 0},
};

static void set_name(struct sg_sdp_codec *c, const char *enc)
{
	for (unsigned i = 0; i < SG_ARRAY_SIZE(names); i++) {
		if (sdp_ieq(enc, names[i].name)) {
			c->id = names[i].id;
			if (names[i].kind != SG_SDP_KIND_OTHER)
				c->kind = names[i].kind;
			sg_strlcpy(c->name, names[i].name, sizeof(c->name));
			return;
		}
	}
	c->id = SG_SDP_CODEC_UNKNOWN;
	sg_strlcpy(c->name, enc, sizeof(c->name));
}

static int hexval(char ch)
{
	if (ch >= '0' && ch <= '9')
		return ch - '0';
	if (ch >= 'a' && ch <= 'f')
		return ch - 'a' + 10;
	if (ch >= 'A' && ch <= 'F')
		return ch - 'A' + 10;
	return -1;
}

static int hex_decode(const char *s, uint8_t *out, size_t cap)
{
	size_t n = strlen(s);

	if (n % 2 || n / 2 > cap)
		return -EINVAL;
	for (size_t i = 0; i < n; i += 2) {
		int a = hexval(s[i]), b = hexval(s[i + 1]);
		if (a < 0 || b < 0)
			return -EINVAL;
		out[i / 2] = (uint8_t)(a << 4 | b);
	}
	return (int)(n / 2);
}

static int get_uint(const char *fmtp, const char *key, uint64_t max, uint64_t *out)
{
	char v[24];
	int n = sg_sdp_fmtp_get(fmtp, key, v, sizeof(v));

	if (n < 0)
		return n;
	return sdp_parse_u64(v, (size_t)n, max, out);
}

/* Decode a comma-separated list of base64 NAL units (sprop-*). For each
 * unit, pick() says where it goes (NULL: ignored); the first unit of each
 * kind wins. */
typedef uint8_t *(*pick_fn)(struct sg_sdp_codec *c, const uint8_t *nal, size_t n,
			    uint16_t **len);

static int sprop_decode(struct sg_sdp_codec *c, const char *list, pick_fn pick)
{
	uint8_t tmp[SG_SDP_PSET_LEN];

	while (*list) {
		size_t n = strcspn(list, ",");
		int dl = sg_sdp_base64_decode(list, n, tmp, sizeof(tmp));
		if (dl < 0)
			return -EINVAL;
		if (dl > 0) {
			uint16_t *len;
			uint8_t *dst = pick(c, tmp, (size_t)dl, &len);
			if (dst && *len == 0) {
				memcpy(dst, tmp, (size_t)dl);
				*len = (uint16_t)dl;
			}
		}
		list += n;
		if (*list == ',')
			list++;
	}
	return 0;
}

static uint8_t *pick_h264(struct sg_sdp_codec *c, const uint8_t *nal, size_t n, uint16_t **len)
{
	SG_UNUSED(n);
	switch (nal[0] & 0x1f) {
	case 7: *len = &c->sps_len; return c->sps;
	case 8: *len = &c->pps_len; return c->pps;
	default: return NULL;
	}
}

static uint8_t *pick_h265(struct sg_sdp_codec *c, const uint8_t *nal, size_t n, uint16_t **len)
{
	if (n < 2)
		return NULL;
	switch ((nal[0] >> 1) & 0x3f) {
	case 32: *len = &c->vps_len; return c->vps;
	case 33: *len = &c->sps_len; return c->sps;
	case 34: *len = &c->pps_len; return c->pps;
	default: return NULL;
	}
}

static int fmtp_h264(struct sg_sdp_codec *c, const char *fmtp)
{
	char v[SG_SDP_FMTP_LEN];
	uint64_t u;
	int n;

	if (get_uint(fmtp, "packetization-mode", 2, &u) == 0)
		c->packetization_mode = (int)u;
	n = sg_sdp_fmtp_get(fmtp, "profile-level-id", v, sizeof(v));
	if (n == 6) {
		uint32_t plid = 0;
		bool ok = true;
		for (int i = 0; i < 6; i++) {
			int h = hexval(v[i]);
			ok = ok && h >= 0;
			plid = plid << 4 | (uint32_t)(h & 0xf);
		}
		if (ok) {
			c->profile_level_id = plid;
			c->has_profile_level_id = true;
		}
	}
	if (sg_sdp_fmtp_get(fmtp, "sprop-parameter-sets", v, sizeof(v)) >= 0)
		return sprop_decode(c, v, pick_h264);
	return 0;
}

static int fmtp_h265(struct sg_sdp_codec *c, const char *fmtp)
{
	static const char *const keys[] = {"sprop-vps", "sprop-sps", "sprop-pps"};
	char v[SG_SDP_FMTP_LEN];

	for (unsigned i = 0; i < SG_ARRAY_SIZE(keys); i++) {
		if (sg_sdp_fmtp_get(fmtp, keys[i], v, sizeof(v)) >= 0) {
			int rc = sprop_decode(c, v, pick_h265);
			if (rc < 0)
				return rc;
		}
	}
	return 0;
}

static int fmtp_aac(struct sg_sdp_codec *c, const char *fmtp)
{
	char v[SG_SDP_FMTP_LEN];
	uint64_t u;

	if (sg_sdp_fmtp_get(fmtp, "mode", c->aac_mode, sizeof(c->aac_mode)) < 0)
		c->aac_mode[0] = '\0';
	if (get_uint(fmtp, "sizelength", 32, &u) == 0)
		c->aac_sizelength = (uint8_t)u;
	if (get_uint(fmtp, "indexlength", 32, &u) == 0)
		c->aac_indexlength = (uint8_t)u;
	if (get_uint(fmtp, "indexdeltalength", 32, &u) == 0)
		c->aac_indexdeltalength = (uint8_t)u;
	if (sg_sdp_fmtp_get(fmtp, "config", v, sizeof(v)) >= 0) {
		int n = hex_decode(v, c->aac_config, sizeof(c->aac_config));
		if (n < 0)
			return n;
		c->aac_config_len = (uint16_t)n;
	}
	return 0;
}

int sg_sdp_codec_get(const struct sg_sdp_media *m, unsigned idx, struct sg_sdp_codec *c)
{
	const struct sg_sdp_fmt *f;
	uint64_t u;

	if (idx >= m->n_fmt)
		return -ENOENT;
	f = &m->fmt[idx];
	memset(c, 0, sizeof(*c));
	c->pt = f->pt;
	c->kind = m->kind;
	c->rtx_apt = -1;
	if (f->has_rtpmap) {
		set_name(c, f->enc);
		c->clock_rate = f->clock_rate;
		c->channels = f->channels;
		if (!c->channels && c->kind == SG_SDP_KIND_AUDIO)
			c->channels = 1;        /* RFC 8866 §6.6: default one channel */
	} else {
		unsigned i;
		for (i = 0; i < SG_ARRAY_SIZE(statics); i++)
			if (statics[i].pt == f->pt)
				break;
		if (i == SG_ARRAY_SIZE(statics))
			return -ENOENT;
		set_name(c, statics[i].name);
		c->kind = statics[i].kind;
		c->clock_rate = statics[i].clock;
		c->channels = statics[i].channels;
	}
	switch (c->id) {
	case SG_SDP_CODEC_H264:
		return fmtp_h264(c, f->fmtp);
	case SG_SDP_CODEC_H265:
		return fmtp_h265(c, f->fmtp);
	case SG_SDP_CODEC_AAC:
		return fmtp_aac(c, f->fmtp);
	case SG_SDP_CODEC_RTX:
		if (get_uint(f->fmtp, "apt", 127, &u) == 0)
			c->rtx_apt = (int)u;
		return 0;
	default:
		return 0;
	}
}
