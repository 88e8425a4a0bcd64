/* SPDX-License-Identifier: BSD-3-Clause
 * RTSP URLs (RFC 2326 §3.2, RFC 7826 §18.33 / RFC 3986 syntax):
 * rtsp[s]://[user[:pass]@]host[:port][/path][?query]
 */
#include <ctype.h>
#include <errno.h>
#include <string.h>
#include <strings.h>

#include "rtsp_priv.h"

static int hexval(int c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/* Percent-decode s[0..n) into out (RFC 3986 §2.1). */
static int pct_decode(const char *s, size_t n, char *out, size_t outlen)
{
	size_t w = 0;
	for (size_t i = 0; i < n; i++) {
		int c = (unsigned char)s[i];
		if (c == '%') {
			if (i + 2 >= n)
				return -EINVAL;
			int h = hexval((unsigned char)s[i + 1]), l = hexval((unsigned char)s[i + 2]);
			if (h < 0 || l < 0 || (h == 0 && l == 0))
				return -EINVAL;
			c = h * 16 + l;
			i += 2;
		}
		if (w + 1 >= outlen)
			return -ENAMETOOLONG;
		out[w++] = (char)c;
	}
	out[w] = '\0';
	return 0;
}

static int copy_field(const char *s, size_t n, char *out, size_t outlen)
{
	if (n >= outlen)
		return -ENAMETOOLONG;
	memcpy(out, s, n);
	out[n] = '\0';
	return 0;
}

int sg_rtsp_url_parse(const char *s, struct sg_rtsp_url *u)
{
	int r = -EINVAL;
	if (!s || !u)
		return -EINVAL;
	memset(u, 0, sizeof(*u));
	const char *p;
	if (!strncasecmp(s, "rtsp://", 7)) {
		p = s + 7;
	} else if (!strncasecmp(s, "rtsps://", 8)) {
		p = s + 8;
		u->tls = true;
	} else {
		goto err;
	}
	for (const char *c = s; *c; c++)
		if ((unsigned char)*c <= ' ' || *c == 127)
			goto err;
	size_t alen = strcspn(p, "/?#");
	const char *auth_end = p + alen;
	/* userinfo: the last '@' before the path (passwords may hold '@' raw) */
	const char *at = NULL;
	for (const char *c = p; c < auth_end; c++)
		if (*c == '@')
			at = c;
	const char *h = p;
	if (at) {
		const char *colon = memchr(p, ':', (size_t)(at - p));
		size_t ul = colon ? (size_t)(colon - p) : (size_t)(at - p);
		if ((r = pct_decode(p, ul, u->user, sizeof(u->user))))
			goto err;
		if (colon && (r = pct_decode(colon + 1, (size_t)(at - colon - 1), u->pass, sizeof(u->pass))))
			goto err;
		u->has_user = true;
		h = at + 1;
	}
	const char *port = NULL;
	r = -EINVAL;
	if (*h == '[') {
		const char *rb = memchr(h, ']', (size_t)(auth_end - h));
		if (!rb || rb == h + 1)
			goto err;
		for (const char *c = h + 1; c < rb; c++)
			if (!isxdigit((unsigned char)*c) && *c != ':' && *c != '.')
				goto err;
		if ((r = copy_field(h + 1, (size_t)(rb - h - 1), u->host, sizeof(u->host))))
			goto err;
		u->ipv6 = true;
		r = -EINVAL;
		if (rb + 1 < auth_end) {
			if (rb[1] != ':')
				goto err;
			port = rb + 2;
		}
	} else {
		const char *colon = memchr(h, ':', (size_t)(auth_end - h));
		const char *he = colon ? colon : auth_end;
		if (he == h)
			goto err;
		for (const char *c = h; c < he; c++)
			if (!isalnum((unsigned char)*c) && *c != '-' && *c != '.' && *c != '_')
				goto err;
		if ((r = copy_field(h, (size_t)(he - h), u->host, sizeof(u->host))))
			goto err;
		r = -EINVAL;
		if (colon)
			port = colon + 1;
	}
	u->port = u->tls ? SG_RTSPS_DEFAULT_PORT : SG_RTSP_DEFAULT_PORT;
	if (port && port < auth_end) {
		unsigned long v = 0;
		for (const char *c = port; c < auth_end; c++) {
			if (!isdigit((unsigned char)*c))
				goto err;
			v = v * 10 + (unsigned long)(*c - '0');
			if (v > 65535)
				goto err;
		}
		if (v == 0)
			goto err;
		u->port = (uint16_t)v;
		u->has_port = true;
	} else if (port) {
		/* "host:" with an empty port: default (RFC 3986 §3.2.3) */
	}
	const char *path = auth_end;
	size_t pl = strcspn(path, "#"); /* a fragment is never sent */
	if (pl == 0) {
		u->path[0] = '/';
		u->path[1] = '\0';
	} else if (*path == '?') {
		u->path[0] = '/';
		if ((r = copy_field(path, pl, u->path + 1, sizeof(u->path) - 1)))
			goto err;
	} else if ((r = copy_field(path, pl, u->path, sizeof(u->path)))) {
		goto err;
	}
	return 0;
err:
	sg_secure_zero(u, sizeof(*u));
	return r;
}

int sg_rtsp_url_format(const struct sg_rtsp_url *u, char *buf, size_t n)
{
	size_t off = 0;
	const char *scheme = u->tls ? "rtsps" : "rtsp";
	int r = sg_bprintf(buf, n, &off, u->ipv6 ? "%s://[%s]" : "%s://%s", scheme, u->host);
	if (!r && u->has_port)
		r = sg_bprintf(buf, n, &off, ":%u", u->port);
	if (!r)
		r = sg_bprintf(buf, n, &off, "%s", u->path);
	return r;
}

int sg_rtsp_url_redact(const char *s, char *buf, size_t n)
{
	if (!s || !buf || !n)
		return -EINVAL;
	const char *p = strstr(s, "://");
	size_t off = 0;
	if (!p)
		return sg_bprintf(buf, n, &off, "%s", s);
	p += 3;
	size_t alen = strcspn(p, "/?#");
	const char *at = NULL;
	for (const char *c = p; c < p + alen; c++)
		if (*c == '@')
			at = c;
	if (!at)
		return sg_bprintf(buf, n, &off, "%s", s);
	return sg_bprintf(buf, n, &off, "%.*s%s", (int)(p - s), s, at + 1);
}

int sg_rtsp_url_resolve(const char *base, const char *control, char *buf, size_t n)
{
	size_t off = 0;
	if (!base || !control || !buf || !n)
		return -EINVAL;
	while (*control == ' ' || *control == '\t')
		control++;
	if (!strncasecmp(control, "rtsp://", 7) || !strncasecmp(control, "rtsps://", 8))
		return sg_bprintf(buf, n, &off, "%s", control);
	if (!*control || !strcmp(control, "*"))
		return sg_bprintf(buf, n, &off, "%s", base);
	if (control[0] == '/') {
		const char *p = strstr(base, "://");
		if (!p)
			return -EINVAL;
		p += 3;
		size_t alen = strcspn(p, "/?#");
		return sg_bprintf(buf, n, &off, "%.*s%s", (int)(p + alen - base), base, control);
	}
	size_t bl = strlen(base);
	return sg_bprintf(buf, n, &off, "%s%s%s", base, bl && base[bl - 1] == '/' ? "" : "/", control);
}
