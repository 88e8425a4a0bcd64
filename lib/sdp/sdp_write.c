/* SPDX-License-Identifier: BSD-3-Clause
 * Bounded SDP writer (RFC 8866 §5 line order: v o s [i u e p c b] t [a] m...).
 */
#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "sdp_priv.h"
#include "sg_common.h"

void sg_sdp_writer_init(struct sg_sdp_writer *w, char *buf, size_t cap)
{
	w->buf = buf;
	w->cap = cap;
	w->off = 0;
	w->err = cap ? 0 : -ENOSPC;
	if (cap)
		buf[0] = '\0';
}

/* A value is safe when it cannot end the line early. */
static bool safe(const char *s)
{
	return s && !strpbrk(s, "\r\n");
}

static int wfail(struct sg_sdp_writer *w, int err)
{
	if (!w->err)
		w->err = err;
	return w->err;
}

/* Append one formatted line + CRLF; all-or-nothing. */
static int wline(struct sg_sdp_writer *w, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static int wline(struct sg_sdp_writer *w, const char *fmt, ...)
{
	va_list ap;
	size_t start = w->off;
	int n;

	if (w->err)
		return w->err;
	va_start(ap, fmt);
	n = vsnprintf(w->buf + w->off, w->cap - w->off, fmt, ap);
	va_end(ap);
	if (n < 0 || (size_t)n + 2 >= w->cap - w->off) {
		w->buf[start] = '\0';
		return wfail(w, -ENOSPC);
	}
	/* a formatted value may still carry CR/LF: reject */
	if (memchr(w->buf + start, '\r', (size_t)n) || memchr(w->buf + start, '\n', (size_t)n)) {
		w->buf[start] = '\0';
		return wfail(w, -EINVAL);
	}
	w->off += (size_t)n;
	memcpy(w->buf + w->off, "\r\n", 3);
	w->off += 2;
	return 0;
}

static const char *addrtype(const char *addr)
{
	return strchr(addr, ':') ? "IP6" : "IP4";
}

int sg_sdp_w_session(struct sg_sdp_writer *w, const char *user, uint64_t sess_id,
		     uint64_t sess_version, const char *addr, const char *name)
{
	if (!user)
		user = "-";
	if (!name || !name[0])
		name = "-";
	if (!safe(addr) || !safe(user) || !safe(name) || strpbrk(user, " \t"))
		return wfail(w, -EINVAL);
	wline(w, "v=0");
	wline(w, "o=%s %" PRIu64 " %" PRIu64 " IN %s %s", user, sess_id, sess_version,
	      addrtype(addr), addr);
	wline(w, "s=%s", name);
	return wline(w, "t=0 0");
}

int sg_sdp_w_conn(struct sg_sdp_writer *w, const char *addr)
{
	if (!safe(addr))
		return wfail(w, -EINVAL);
	return wline(w, "c=IN %s %s", addrtype(addr), addr);
}

int sg_sdp_w_bandwidth(struct sg_sdp_writer *w, const char *type, uint32_t value)
{
	if (!safe(type))
		return wfail(w, -EINVAL);
	return wline(w, "b=%s:%" PRIu32, type, value);
}

int sg_sdp_w_media(struct sg_sdp_writer *w, const char *type, uint16_t port,
		   const char *proto, const uint8_t *pts, unsigned n)
{
	char list[SG_SDP_MAX_FMT * 4 + 1];
	size_t off = 0;

	if (!safe(type) || !safe(proto) || !pts || n == 0 || n > SG_SDP_MAX_FMT)
		return wfail(w, -EINVAL);
	list[0] = '\0';
	for (unsigned i = 0; i < n; i++) {
		if (pts[i] > 127)
			return wfail(w, -EINVAL);
		sg_bprintf(list, sizeof(list), &off, " %u", pts[i]);
	}
	return wline(w, "m=%s %u %s%s", type, port, proto, list);
}

int sg_sdp_w_media_raw(struct sg_sdp_writer *w, const char *type, uint16_t port,
		       const char *proto, const char *fmts)
{
	if (!safe(type) || !safe(proto) || !safe(fmts) || !fmts[0])
		return wfail(w, -EINVAL);
	return wline(w, "m=%s %u %s %s", type, port, proto, fmts);
}

int sg_sdp_w_rtpmap(struct sg_sdp_writer *w, uint8_t pt, const char *enc, uint32_t clock,
		    unsigned channels)
{
	if (!safe(enc) || pt > 127)
		return wfail(w, -EINVAL);
	if (channels)
		return wline(w, "a=rtpmap:%u %s/%" PRIu32 "/%u", pt, enc, clock, channels);
	return wline(w, "a=rtpmap:%u %s/%" PRIu32, pt, enc, clock);
}

int sg_sdp_w_fmtp(struct sg_sdp_writer *w, uint8_t pt, const char *params)
{
	if (!safe(params) || pt > 127)
		return wfail(w, -EINVAL);
	return wline(w, "a=fmtp:%u %s", pt, params);
}

int sg_sdp_w_attr(struct sg_sdp_writer *w, const char *name, const char *fmt, ...)
{
	char val[SG_SDP_MAX_LINE];
	va_list ap;
	int n;

	if (!safe(name))
		return wfail(w, -EINVAL);
	if (!fmt)
		return wline(w, "a=%s", name);
	va_start(ap, fmt);
	n = vsnprintf(val, sizeof(val), fmt, ap);
	va_end(ap);
	if (n < 0 || (size_t)n >= sizeof(val))
		return wfail(w, -ENOSPC);
	return wline(w, "a=%s:%s", name, val);
}

/* Append ",<base64>" (or "<base64>" first) of a parameter set to buf. */
static int b64_item(char *buf, size_t cap, size_t *off, const uint8_t *d, uint16_t n)
{
	if (!n)
		return 0;
	if (*off && sg_bprintf(buf, cap, off, ",") < 0)
		return -ENOSPC;
	int k = sg_sdp_base64_encode(d, n, buf + *off, cap - *off);
	if (k < 0)
		return k;
	*off += (size_t)k;
	return 0;
}

int sg_sdp_w_codec(struct sg_sdp_writer *w, const struct sg_sdp_codec *c)
{
	char fmtp[SG_SDP_FMTP_LEN * 2], tmp[SG_SDP_FMTP_LEN];
	size_t off = 0, t = 0;
	int rc = 0;

	if (w->err)
		return w->err;
	fmtp[0] = '\0';
	unsigned ch = c->kind == SG_SDP_KIND_AUDIO && c->channels > 1 ? c->channels : 0;
	if (c->id == SG_SDP_CODEC_OPUS)
		ch = 2;                 /* RFC 7587 §7: always opus/48000/2 */
	sg_sdp_w_rtpmap(w, c->pt, c->name, c->clock_rate, ch);

	switch (c->id) {
	case SG_SDP_CODEC_H264:         /* RFC 6184 §8.1 */
		rc = sg_bprintf(fmtp, sizeof(fmtp), &off, "packetization-mode=%d",
				c->packetization_mode);
		if (!rc && c->has_profile_level_id)
			rc = sg_bprintf(fmtp, sizeof(fmtp), &off, ";profile-level-id=%06" PRIX32,
					c->profile_level_id & 0xffffff);
		if (!rc && (c->sps_len || c->pps_len)) {
			tmp[0] = '\0';
			if ((rc = b64_item(tmp, sizeof(tmp), &t, c->sps, c->sps_len)) == 0 &&
			    (rc = b64_item(tmp, sizeof(tmp), &t, c->pps, c->pps_len)) == 0)
				rc = sg_bprintf(fmtp, sizeof(fmtp), &off,
						";sprop-parameter-sets=%s", tmp);
		}
		break;
	case SG_SDP_CODEC_H265: {       /* RFC 7798 §7.1 */
		static const char *const k[] = {"sprop-vps", "sprop-sps", "sprop-pps"};
		const uint8_t *d[] = {c->vps, c->sps, c->pps};
		const uint16_t l[] = {c->vps_len, c->sps_len, c->pps_len};
		for (unsigned i = 0; i < 3 && !rc; i++) {
			if (!l[i])
				continue;
			t = 0;
			tmp[0] = '\0';
			if ((rc = b64_item(tmp, sizeof(tmp), &t, d[i], l[i])) == 0)
				rc = sg_bprintf(fmtp, sizeof(fmtp), &off, "%s%s=%s", off ? ";" : "",
						k[i], tmp);
		}
		break;
	}
	case SG_SDP_CODEC_AAC:          /* RFC 3640 §4.1 */
		rc = sg_bprintf(fmtp, sizeof(fmtp), &off,
				"streamtype=5;profile-level-id=1;mode=%s;sizelength=%u;"
				"indexlength=%u;indexdeltalength=%u",
				c->aac_mode[0] ? c->aac_mode : "AAC-hbr",
				c->aac_sizelength ? c->aac_sizelength : 13,
				c->aac_indexlength ? c->aac_indexlength : 3,
				c->aac_indexdeltalength ? c->aac_indexdeltalength : 3);
		if (!rc && c->aac_config_len) {
			rc = sg_bprintf(fmtp, sizeof(fmtp), &off, ";config=");
			for (unsigned i = 0; i < c->aac_config_len && !rc; i++)
				rc = sg_bprintf(fmtp, sizeof(fmtp), &off, "%02X", c->aac_config[i]);
		}
		break;
	case SG_SDP_CODEC_OPUS:         /* RFC 7587 §6.1 */
		rc = sg_bprintf(fmtp, sizeof(fmtp), &off, "minptime=10;useinbandfec=1");
		break;
	case SG_SDP_CODEC_RTX:
		if (c->rtx_apt >= 0)
			rc = sg_bprintf(fmtp, sizeof(fmtp), &off, "apt=%d", c->rtx_apt);
		break;
	default:
		break;
	}
	if (rc < 0)
		return wfail(w, -ENOSPC);
	if (off)
		return sg_sdp_w_fmtp(w, c->pt, fmtp);
	return w->err;
}

int sg_sdp_writer_finish(struct sg_sdp_writer *w)
{
	if (w->err)
		return w->err;
	return (int)w->off;
}
