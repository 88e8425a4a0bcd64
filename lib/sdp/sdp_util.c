/* SPDX-License-Identifier: BSD-3-Clause
 * SDP lookups, fmtp key=value lists, RTSP control URL resolution
 * (RFC 2326 §C.1.1) and base64 (RFC 4648 §4).
 */
#include <ctype.h>
#include <errno.h>
#include <string.h>
#include <strings.h>

#include "sdp_priv.h"

const struct sg_sdp_fmt *sg_sdp_fmt_find(const struct sg_sdp_media *m, uint8_t pt)
{
	for (unsigned i = 0; i < m->n_fmt; i++)
		if (m->fmt[i].pt == pt)
			return &m->fmt[i];
	return NULL;
}

const struct sg_sdp_media *sg_sdp_media_by_mid(const struct sg_sdp *sdp, const char *mid)
{
	for (unsigned i = 0; i < sdp->n_media; i++)
		if (sdp->media[i].mid[0] && !strcmp(sdp->media[i].mid, mid))
			return &sdp->media[i];
	return NULL;
}

/* RFC 8866 §6.7: media-level direction overrides the session level;
 * sendrecv is the default. */
enum sg_sdp_dir sg_sdp_media_dir(const struct sg_sdp *sdp, const struct sg_sdp_media *m)
{
	if (m->c.dir != SG_SDP_DIR_UNSET)
		return m->c.dir;
	if (sdp->c.dir != SG_SDP_DIR_UNSET)
		return sdp->c.dir;
	return SG_SDP_DIR_SENDRECV;
}

const struct sg_sdp_conn *sg_sdp_media_conn(const struct sg_sdp *sdp,
					    const struct sg_sdp_media *m)
{
	if (m->c.conn.set)
		return &m->c.conn;
	if (sdp->c.conn.set)
		return &sdp->c.conn;
	return NULL;
}

const char *sg_sdp_attr_get(const struct sg_sdp *sdp, const struct sg_sdp_media *m,
			    const char *name)
{
	const struct sg_sdp_attr *a = m ? m->attr : sdp->attr;
	unsigned n = m ? m->n_attr : sdp->n_attr;

	for (unsigned i = 0; i < n; i++)
		if (!strcmp(a[i].name, name))
			return a[i].value;
	return NULL;
}

const char *sg_sdp_dir_name(enum sg_sdp_dir d)
{
	switch (d) {
	case SG_SDP_DIR_SENDRECV: return "sendrecv";
	case SG_SDP_DIR_SENDONLY: return "sendonly";
	case SG_SDP_DIR_RECVONLY: return "recvonly";
	case SG_SDP_DIR_INACTIVE: return "inactive";
	default: return "";
	}
}

static void trim(const char **s, size_t *n)
{
	while (*n && (**s == ' ' || **s == '\t')) {
		(*s)++;
		(*n)--;
	}
	while (*n && ((*s)[*n - 1] == ' ' || (*s)[*n - 1] == '\t'))
		(*n)--;
}

/* Next non-empty "key[=value]" segment of an fmtp string, trimmed. */
static bool seg_next(const char *fmtp, size_t *pos, const char **k, size_t *kn,
		     const char **v, size_t *vn)
{
	for (;;) {
		const char *s = fmtp + *pos;
		if (!*s)
			return false;
		const char *end = strchr(s, ';');
		size_t n = end ? (size_t)(end - s) : strlen(s);
		*pos += n + (end ? 1 : 0);
		const char *eq = memchr(s, '=', n);
		*k = s;
		*kn = eq ? (size_t)(eq - s) : n;
		*v = eq ? eq + 1 : s + n;
		*vn = eq ? n - *kn - 1 : 0;
		trim(k, kn);
		trim(v, vn);
		if (*kn)
			return true;    /* skip empty segments (";;", trailing ';') */
	}
}

static int out_str(const char *s, size_t n, char *out, size_t cap)
{
	if (n >= cap)
		return -E2BIG;
	memcpy(out, s, n);
	out[n] = '\0';
	return 0;
}

int sg_sdp_fmtp_next(const char *fmtp, size_t *pos, char *key, size_t klen, char *val,
		     size_t vlen)
{
	const char *k, *v;
	size_t kn, vn;

	if (!seg_next(fmtp, pos, &k, &kn, &v, &vn))
		return 0;
	if (out_str(k, kn, key, klen) || out_str(v, vn, val, vlen))
		return -E2BIG;
	return 1;
}

int sg_sdp_fmtp_get(const char *fmtp, const char *key, char *val, size_t vlen)
{
	const char *k, *v;
	size_t kn, vn, pos = 0, want = strlen(key);

	while (seg_next(fmtp, &pos, &k, &kn, &v, &vn)) {
		if (kn == want && !strncasecmp(k, key, kn)) {
			if (out_str(v, vn, val, vlen))
				return -E2BIG;
			return (int)vn;
		}
	}
	return -ENOENT;
}

/* "scheme://" per RFC 3986 §3.1 scheme syntax; returns the length of
 * "scheme://" or 0. A bare "scheme:" is not taken as absolute: RTSP
 * control values are either full URLs or path fragments like
 * "trackID=1". */
static size_t abs_prefix(const char *u)
{
	size_t i = 0;

	if (!isalpha((unsigned char)u[0]))
		return 0;
	while (isalnum((unsigned char)u[i]) || u[i] == '+' || u[i] == '-' || u[i] == '.')
		i++;
	if (u[i] == ':' && u[i + 1] == '/' && u[i + 2] == '/')
		return i + 3;
	return 0;
}

static int join(char *out, size_t outlen, const char *a, size_t an, const char *sep,
		const char *b)
{
	size_t sn = strlen(sep), bn = strlen(b);

	if (outlen == 0 || an + sn + bn >= outlen)
		return -ENOSPC;
	memmove(out, a, an);    /* a may alias out only when it is out itself */
	memcpy(out + an, sep, sn);
	memcpy(out + an + sn, b, bn);
	out[an + sn + bn] = '\0';
	return (int)(an + sn + bn);
}

/* RFC 2326 §C.1.1 control URL resolution */
int sg_sdp_control_resolve(const char *base, const char *control, char *out, size_t outlen)
{
	size_t bl, p;

	if (control && abs_prefix(control))
		return join(out, outlen, control, strlen(control), "", "");
	if (!base || !(p = abs_prefix(base)))
		return -EINVAL;
	bl = strlen(base);
	if (!control || !control[0] || !strcmp(control, "*"))
		return join(out, outlen, base, bl, "", "");
	if (control[0] == '/') {
		/* keep scheme://authority, replace the path */
		size_t a = p + strcspn(base + p, "/?#");
		return join(out, outlen, base, a, "", control);
	}
	while (control[0] == '.' && control[1] == '/')
		control += 2;
	return join(out, outlen, base, bl, (bl && base[bl - 1] == '/') ? "" : "/", control);
}

/* ---- base64, RFC 4648 §4 ---- */

static const char b64[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

static int b64_val(char c)
{
	if (c >= 'A' && c <= 'Z')
		return c - 'A';
	if (c >= 'a' && c <= 'z')
		return c - 'a' + 26;
	if (c >= '0' && c <= '9')
		return c - '0' + 52;
	if (c == '+')
		return 62;
	if (c == '/')
		return 63;
	return -1;
}

int sg_sdp_base64_decode(const char *in, size_t inlen, uint8_t *out, size_t outcap)
{
	size_t n = inlen, o = 0;
	uint32_t acc = 0;
	unsigned bits = 0;

	/* at most two '=' and only at the end */
	if (n && in[n - 1] == '=')
		n--;
	if (n && in[n - 1] == '=')
		n--;
	if (n != inlen && inlen % 4)
		return -EINVAL;
	if (n % 4 == 1)
		return -EINVAL;
	for (size_t i = 0; i < n; i++) {
		int v = b64_val(in[i]);
		if (v < 0)
			return -EINVAL;
		acc = (acc << 6) | (uint32_t)v;
		bits += 6;
		if (bits >= 8) {
			bits -= 8;
			if (o >= outcap)
				return -ENOSPC;
			out[o++] = (uint8_t)(acc >> bits);
		}
	}
	return (int)o;
}

int sg_sdp_base64_encode(const uint8_t *in, size_t len, char *out, size_t outcap)
{
	size_t need = (len + 2) / 3 * 4, o = 0;

	if (outcap < need + 1)
		return -ENOSPC;
	for (size_t i = 0; i < len; i += 3) {
		uint32_t v = (uint32_t)in[i] << 16;
		if (i + 1 < len)
			v |= (uint32_t)in[i + 1] << 8;
		if (i + 2 < len)
			v |= in[i + 2];
		out[o++] = b64[(v >> 18) & 63];
		out[o++] = b64[(v >> 12) & 63];
		out[o++] = i + 1 < len ? b64[(v >> 6) & 63] : '=';
		out[o++] = i + 2 < len ? b64[v & 63] : '=';
	}
	out[o] = '\0';
	return (int)o;
}
