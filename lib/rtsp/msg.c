/* SPDX-License-Identifier: BSD-3-Clause
 * RTSP header helpers: methods, status reasons, Transport (RFC 2326 §12.39),
 * Session (§12.37), RTP-Info (§12.33), output buffers.
 */
#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <openssl/rand.h>

#include "rtsp_priv.h"

static const char *const method_names[SG_RTSP_M__MAX] = {
	[SG_RTSP_M_UNKNOWN] = "UNKNOWN",
	[SG_RTSP_M_OPTIONS] = "OPTIONS",
	[SG_RTSP_M_DESCRIBE] = "DESCRIBE",
	[SG_RTSP_M_ANNOUNCE] = "ANNOUNCE",
	[SG_RTSP_M_SETUP] = "SETUP",
	[SG_RTSP_M_PLAY] = "PLAY",
	[SG_RTSP_M_PAUSE] = "PAUSE",
	[SG_RTSP_M_RECORD] = "RECORD",
	[SG_RTSP_M_TEARDOWN] = "TEARDOWN",
	[SG_RTSP_M_GET_PARAMETER] = "GET_PARAMETER",
	[SG_RTSP_M_SET_PARAMETER] = "SET_PARAMETER",
	[SG_RTSP_M_REDIRECT] = "REDIRECT",
};

const char *sg_rtsp_method_name(enum sg_rtsp_method m)
{
	if ((unsigned)m >= SG_RTSP_M__MAX)
		return "UNKNOWN";
	return method_names[m];
}

enum sg_rtsp_method sg_rtsp_method_parse(const char *name)
{
	if (!name)
		return SG_RTSP_M_UNKNOWN;
	for (unsigned i = 1; i < SG_RTSP_M__MAX; i++)
		if (!strcmp(name, method_names[i]))
			return (enum sg_rtsp_method)i;
	return SG_RTSP_M_UNKNOWN;
}

/* RFC 2326 §7.1.1 */
const char *sg_rtsp_status_reason(int status)
{
	switch (status) {
	case 100: return "Continue";
	case 200: return "OK";
	case 301: return "Moved Permanently";
	case 302: return "Moved Temporarily";
	case 400: return "Bad Request";
	case 401: return "Unauthorized";
	case 403: return "Forbidden";
	case 404: return "Not Found";
	case 405: return "Method Not Allowed";
	case 406: return "Not Acceptable";
	case 408: return "Request Timeout";
	case 413: return "Request Entity Too Large";
	case 415: return "Unsupported Media Type";
	case 451: return "Parameter Not Understood";
	case 453: return "Not Enough Bandwidth";
	case 454: return "Session Not Found";
	case 455: return "Method Not Valid in This State";
	case 456: return "Header Field Not Valid for Resource";
	case 457: return "Invalid Range";
	case 459: return "Aggregate Operation Not Allowed";
	case 460: return "Only Aggregate Operation Allowed";
	case 461: return "Unsupported Transport";
	case 500: return "Internal Server Error";
	case 501: return "Not Implemented";
	case 503: return "Service Unavailable";
	case 505: return "RTSP Version Not Supported";
	case 551: return "Option not supported";
	default: return "Unknown";
	}
}

const char *sg_rtsp_msg_header_n(const struct sg_rtsp_msg *m, const char *name, unsigned idx)
{
	for (unsigned i = 0; i < m->n_hdrs; i++)
		if (!strcasecmp(m->hdrs[i].name, name) && idx-- == 0)
			return m->hdrs[i].value;
	return NULL;
}

const char *sg_rtsp_msg_header(const struct sg_rtsp_msg *m, const char *name)
{
	return sg_rtsp_msg_header_n(m, name, 0);
}

long sg_rtsp_msg_cseq(const struct sg_rtsp_msg *m)
{
	const char *v = sg_rtsp_msg_header(m, "CSeq");
	long r = 0;
	if (!v || !*v)
		return -1;
	for (; *v; v++) {
		if (!isdigit((unsigned char)*v) || r > (LONG_MAX - 9) / 10)
			return -1;
		r = r * 10 + (*v - '0');
	}
	return r;
}

void sg_rtsp_interleaved_hdr(uint8_t out[4], uint8_t channel, uint16_t len)
{
	out[0] = '$';
	out[1] = channel;
	out[2] = (uint8_t)(len >> 8);
	out[3] = (uint8_t)len;
}

/* ---- small string helpers ---------------------------------------------- */
int rtsp_strncaseprefix(const char *s, const char *prefix)
{
	return !strncasecmp(s, prefix, strlen(prefix));
}

char *rtsp_trim(char *s)
{
	while (*s == ' ' || *s == '\t')
		s++;
	size_t n = strlen(s);
	while (n && (s[n - 1] == ' ' || s[n - 1] == '\t' || s[n - 1] == '\r' || s[n - 1] == '\n'))
		s[--n] = '\0';
	return s;
}

void rtsp_hex(const uint8_t *d, size_t n, char *out)
{
	static const char hx[] = "0123456789abcdef";
	for (size_t i = 0; i < n; i++) {
		out[2 * i] = hx[d[i] >> 4];
		out[2 * i + 1] = hx[d[i] & 15];
	}
	out[2 * n] = '\0';
}

int rtsp_random(uint8_t *buf, size_t n)
{
	return RAND_bytes(buf, (int)n) == 1 ? 0 : -EIO;
}

int rtsp_public_has(const char *pub, const char *method)
{
	size_t ml = strlen(method);
	const char *p = pub;
	while (p && *p) {
		while (*p == ' ' || *p == ',' || *p == '\t')
			p++;
		size_t l = strcspn(p, ", \t");
		if (l == ml && !strncasecmp(p, method, ml))
			return 1;
		p += l;
	}
	return 0;
}

/* ---- output buffer ------------------------------------------------------- */
static int obuf_reserve(struct rtsp_obuf *o, size_t n)
{
	if (o->len + n <= o->cap)
		return 0;
	if (o->len + n > o->max)
		return -ENOBUFS;
	size_t nc = o->cap ? o->cap : 1024;
	while (nc < o->len + n)
		nc *= 2;
	if (nc > o->max)
		nc = o->max;
	uint8_t *np = realloc(o->p, nc);
	if (!np)
		return -ENOMEM;
	o->p = np;
	o->cap = nc;
	return 0;
}

int rtsp_obuf_append(struct rtsp_obuf *o, const void *d, size_t n)
{
	int r = obuf_reserve(o, n);
	if (r)
		return r;
	if (n)
		memcpy(o->p + o->len, d, n);
	o->len += n;
	return 0;
}

int rtsp_obuf_printf(struct rtsp_obuf *o, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	int n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	if (n < 0)
		return -EINVAL;
	int r = obuf_reserve(o, (size_t)n + 1);
	if (r)
		return r;
	va_start(ap, fmt);
	vsnprintf((char *)o->p + o->len, (size_t)n + 1, fmt, ap);
	va_end(ap);
	o->len += (size_t)n;
	return 0;
}

void rtsp_obuf_consume(struct rtsp_obuf *o, size_t n)
{
	if (n >= o->len) {
		o->len = 0;
		return;
	}
	memmove(o->p, o->p + n, o->len - n);
	o->len -= n;
}

void rtsp_obuf_free(struct rtsp_obuf *o)
{
	free(o->p);
	memset(o, 0, sizeof(*o));
}

/* ---- Transport, RFC 2326 §12.39 ------------------------------------------ */
static int parse_u32(const char *s, size_t n, unsigned long max, unsigned long *out, int base)
{
	unsigned long v = 0;
	if (!n)
		return -EINVAL;
	for (size_t i = 0; i < n; i++) {
		int d;
		char ch = s[i];
		if (ch >= '0' && ch <= '9')
			d = ch - '0';
		else if (base == 16 && ch >= 'a' && ch <= 'f')
			d = ch - 'a' + 10;
		else if (base == 16 && ch >= 'A' && ch <= 'F')
			d = ch - 'A' + 10;
		else
			return -EINVAL;
		v = v * (unsigned long)base + (unsigned long)d;
		if (v > max)
			return -EINVAL;
	}
	*out = v;
	return 0;
}

/* "a" or "a-b"; single value b = a + 1 (ports) or a + 1 (channels). */
static int parse_pair(const char *s, size_t n, unsigned long max, unsigned long out[2])
{
	const char *dash = memchr(s, '-', n);
	if (!dash) {
		if (parse_u32(s, n, max, &out[0], 10))
			return -EINVAL;
		out[1] = out[0] + 1 > max ? out[0] : out[0] + 1;
		return 0;
	}
	if (parse_u32(s, (size_t)(dash - s), max, &out[0], 10) ||
	    parse_u32(dash + 1, n - (size_t)(dash - s) - 1, max, &out[1], 10))
		return -EINVAL;
	return 0;
}

static int transport_one(const char *s, size_t n, struct sg_rtsp_transport *t)
{
	memset(t, 0, sizeof(*t));
	size_t pl = 0;
	while (pl < n && s[pl] != ';')
		pl++;
	/* transport-protocol/profile[/lower-transport] */
	char spec[32];
	size_t sl = pl;
	while (sl && (s[sl - 1] == ' ' || s[sl - 1] == '\t'))
		sl--;
	if (sl >= sizeof(spec))
		return -EPROTONOSUPPORT;
	memcpy(spec, s, sl);
	spec[sl] = '\0';
	if (!strcasecmp(spec, "RTP/AVP") || !strcasecmp(spec, "RTP/AVP/UDP"))
		t->lower = SG_RTSP_LOWER_UDP;
	else if (!strcasecmp(spec, "RTP/AVP/TCP"))
		t->lower = SG_RTSP_LOWER_TCP;
	else if (!strcasecmp(spec, "RTP/SAVP") || !strcasecmp(spec, "RTP/SAVP/UDP"))
		t->savp = true;
	else if (!strcasecmp(spec, "RTP/SAVP/TCP")) {
		t->savp = true;
		t->lower = SG_RTSP_LOWER_TCP;
	} else
		return -EPROTONOSUPPORT;

	size_t i = pl;
	while (i < n) {
		i++; /* skip ';' */
		size_t st = i;
		while (i < n && s[i] != ';')
			i++;
		const char *p = s + st;
		size_t l = i - st;
		while (l && (*p == ' ' || *p == '\t'))
			p++, l--;
		while (l && (p[l - 1] == ' ' || p[l - 1] == '\t'))
			l--;
		const char *eq = memchr(p, '=', l);
		size_t kl = eq ? (size_t)(eq - p) : l;
		const char *v = eq ? eq + 1 : p + l;
		size_t vl = eq ? l - kl - 1 : 0;
		unsigned long pr[2], x;
		if (vl >= 2 && v[0] == '"' && v[vl - 1] == '"')
			v++, vl -= 2;
#define KEY(k) (kl == sizeof(k) - 1 && !strncasecmp(p, k, kl))
		if (KEY("unicast"))
			t->multicast = false;
		else if (KEY("multicast"))
			t->multicast = true;
		else if (KEY("interleaved")) {
			if (parse_pair(v, vl, 255, pr))
				return -EINVAL;
			t->interleaved[0] = (uint8_t)pr[0];
			t->interleaved[1] = (uint8_t)pr[1];
			t->has_interleaved = true;
		} else if (KEY("client_port") || KEY("server_port")) {
			if (parse_pair(v, vl, 65535, pr))
				return -EINVAL;
			uint16_t *dst = KEY("client_port") ? t->client_port : t->server_port;
			dst[0] = (uint16_t)pr[0];
			dst[1] = (uint16_t)pr[1];
			if (KEY("client_port"))
				t->has_client_port = true;
			else
				t->has_server_port = true;
		} else if (KEY("ssrc")) {
			/* 8 hex digits per RFC; some servers send fewer */
			if (vl > 8 || parse_u32(v, vl, 0xffffffffUL, &x, 16))
				return -EINVAL;
			t->ssrc = (uint32_t)x;
			t->has_ssrc = true;
		} else if (KEY("mode")) {
			t->record = (vl == 6 && !strncasecmp(v, "record", 6)) ||
				    (vl == 7 && !strncasecmp(v, "receive", 7));
		} else if (KEY("source") || KEY("destination")) {
			char *dst = KEY("source") ? t->source : t->destination;
			if (vl >= sizeof(t->source))
				return -EINVAL;
			memcpy(dst, v, vl);
			dst[vl] = '\0';
		}
		/* other parameters (ttl, layers, port, append...) are ignored */
#undef KEY
	}
	return 0;
}

int sg_rtsp_transport_parse(const char *value, struct sg_rtsp_transport *t)
{
	if (!value || !t)
		return -EINVAL;
	int last = -EPROTONOSUPPORT;
	const char *p = value;
	for (;;) {
		while (*p == ' ' || *p == '\t' || *p == ',')
			p++;
		if (!*p)
			break;
		size_t n = strcspn(p, ",");
		int r = transport_one(p, n, t);
		if (r == 0)
			return 0;
		if (r == -EINVAL)
			last = r;
		p += n;
	}
	memset(t, 0, sizeof(*t));
	return last;
}

int sg_rtsp_transport_format(const struct sg_rtsp_transport *t, char *buf, size_t n)
{
	size_t off = 0;
	int r = sg_bprintf(buf, n, &off, "RTP/%s%s;%s", t->savp ? "SAVP" : "AVP",
			   t->lower == SG_RTSP_LOWER_TCP ? "/TCP" : "",
			   t->multicast ? "multicast" : "unicast");
	if (!r && t->has_interleaved)
		r = sg_bprintf(buf, n, &off, ";interleaved=%u-%u", t->interleaved[0], t->interleaved[1]);
	if (!r && t->has_client_port)
		r = sg_bprintf(buf, n, &off, ";client_port=%u-%u", t->client_port[0], t->client_port[1]);
	if (!r && t->has_server_port)
		r = sg_bprintf(buf, n, &off, ";server_port=%u-%u", t->server_port[0], t->server_port[1]);
	if (!r && t->has_ssrc)
		r = sg_bprintf(buf, n, &off, ";ssrc=%08X", t->ssrc);
	if (!r && t->record)
		r = sg_bprintf(buf, n, &off, ";mode=record");
	return r;
}

/* ---- Session, RFC 2326 §12.37 ------------------------------------------- */
int sg_rtsp_session_parse(const char *value, char *id, size_t idlen, unsigned *timeout_s)
{
	if (!value || !id || !idlen)
		return -EINVAL;
	while (*value == ' ' || *value == '\t')
		value++;
	size_t n = strcspn(value, "; \t");
	if (n == 0 || n >= idlen)
		return -EINVAL;
	memcpy(id, value, n);
	id[n] = '\0';
	if (timeout_s)
		*timeout_s = 0;
	const char *p = value + n;
	while (*p) {
		while (*p == ';' || *p == ' ' || *p == '\t')
			p++;
		if (rtsp_strncaseprefix(p, "timeout=")) {
			unsigned long v;
			size_t l = strcspn(p + 8, "; \t");
			if (parse_u32(p + 8, l, 86400, &v, 10))
				return -EINVAL;
			if (timeout_s)
				*timeout_s = (unsigned)v;
		}
		p += strcspn(p, ";");
	}
	return 0;
}

/* ---- RTP-Info, RFC 2326 §12.33 ------------------------------------------ */
int sg_rtsp_rtpinfo_parse(const char *value, struct sg_rtsp_rtpinfo *out, unsigned max)
{
	unsigned cnt = 0;
	const char *p = value;
	if (!value)
		return -EINVAL;
	while (*p) {
		while (*p == ' ' || *p == '\t' || *p == ',')
			p++;
		if (!*p)
			break;
		/* an entry runs until a ',' followed by "url=" (URLs may hold ',') */
		const char *e = p;
		for (;;) {
			e = strchr(e, ',');
			if (!e)
				break;
			const char *q = e + 1;
			while (*q == ' ' || *q == '\t')
				q++;
			if (rtsp_strncaseprefix(q, "url="))
				break;
			e++;
		}
		size_t n = e ? (size_t)(e - p) : strlen(p);
		if (cnt < max) {
			struct sg_rtsp_rtpinfo *ri = &out[cnt];
			memset(ri, 0, sizeof(*ri));
			const char *f = p, *end = p + n;
			while (f < end) {
				while (f < end && (*f == ' ' || *f == ';'))
					f++;
				const char *fe = f;
				/* the url field may contain ';' only if quoted; cut at ";seq=" etc. */
				if (end - f >= 4 && !strncasecmp(f, "url=", 4)) {
					fe = f + 4;
					while (fe < end && !(*fe == ';' && (rtsp_strncaseprefix(fe + 1, "seq=") ||
							rtsp_strncaseprefix(fe + 1, "rtptime="))))
						fe++;
					size_t ul = (size_t)(fe - f - 4);
					const char *u = f + 4;
					if (ul >= 2 && u[0] == '"' && u[ul - 1] == '"')
						u++, ul -= 2;
					if (ul >= sizeof(ri->url))
						return -EINVAL;
					memcpy(ri->url, u, ul);
					ri->url[ul] = '\0';
				} else {
					while (fe < end && *fe != ';')
						fe++;
					unsigned long v;
					size_t vl = (size_t)(fe - f);
					if (vl > 4 && !strncasecmp(f, "seq=", 4)) {
						if (parse_u32(f + 4, vl - 4, 65535, &v, 10))
							return -EINVAL;
						ri->seq = (uint16_t)v;
						ri->has_seq = true;
					} else if (vl > 8 && !strncasecmp(f, "rtptime=", 8)) {
						if (parse_u32(f + 8, vl - 8, 0xffffffffUL, &v, 10))
							return -EINVAL;
						ri->rtptime = (uint32_t)v;
						ri->has_rtptime = true;
					}
				}
				f = fe;
			}
			cnt++;
		}
		p += n;
	}
	return (int)cnt;
}
