/* SPDX-License-Identifier: BSD-3-Clause
 * lib/ctl: bounded buffer, request frame codec (see the protocol in sg_ctl.h).
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sg_common.h"
#include "ctl_priv.h"

void ctl_buf_init(struct ctl_buf *b, size_t max)
{
	memset(b, 0, sizeof(*b));
	b->max = max;
}

void ctl_buf_free(struct ctl_buf *b)
{
	free(b->p);
	b->p = NULL;
	b->len = b->cap = 0;
}

static int ctl_buf_reserve(struct ctl_buf *b, size_t n)
{
	if (b->overflow)
		return -ENOSPC;
	if (n > b->max - b->len) {
		b->overflow = true;
		return -ENOSPC;
	}
	if (b->len + n + 1 > b->cap) {
		size_t ncap = b->cap ? b->cap : 256;
		while (ncap < b->len + n + 1)
			ncap *= 2;
		if (ncap > b->max + 1)
			ncap = b->max + 1;
		char *np = realloc(b->p, ncap);
		if (!np) {
			b->overflow = true;
			b->nomem = true;
			return -ENOSPC;
		}
		b->p = np;
		b->cap = ncap;
	}
	return 0;
}

int ctl_buf_put(struct ctl_buf *b, const void *data, size_t n)
{
	if (ctl_buf_reserve(b, n) < 0)
		return -ENOSPC;
	if (n)
		memcpy(b->p + b->len, data, n);
	b->len += n;
	b->p[b->len] = '\0';
	return 0;
}

int ctl_buf_putc(struct ctl_buf *b, char c)
{
	return ctl_buf_put(b, &c, 1);
}

int ctl_buf_printf(struct ctl_buf *b, const char *fmt, ...)
{
	char tmp[256];
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(tmp, sizeof(tmp), fmt, ap);
	va_end(ap);
	if (n < 0)
		return -EINVAL;
	if ((size_t)n < sizeof(tmp))
		return ctl_buf_put(b, tmp, (size_t)n);
	if (ctl_buf_reserve(b, (size_t)n) < 0)
		return -ENOSPC;
	va_start(ap, fmt);
	vsnprintf(b->p + b->len, (size_t)n + 1, fmt, ap);
	va_end(ap);
	b->len += (size_t)n;
	return 0;
}

int ctl_frame_parse(uint8_t *body, size_t len, struct ctl_request *req, char *err, size_t errlen)
{
	size_t i, start;

	req->argc = 0;
	req->flags = 0;
	req->argv[0] = NULL;
	if (len < 2) {
		snprintf(err, errlen, "malformed request: truncated header");
		return -EPROTO;
	}
	if (len > SG_CTL_REQ_MAX) {
		snprintf(err, errlen, "request too large (limit %u bytes)", SG_CTL_REQ_MAX);
		return -EMSGSIZE;
	}
	if (body[0] != SG_CTL_PROTO_VERSION) {
		snprintf(err, errlen, "unsupported protocol version %u (expected %u)", body[0],
			 SG_CTL_PROTO_VERSION);
		return -EPROTO;
	}
	if (body[1] & ~SG_CTL_F_JSON) {
		snprintf(err, errlen, "malformed request: unknown flags 0x%02x", body[1]);
		return -EPROTO;
	}
	if (len == 2) {
		snprintf(err, errlen, "malformed request: no command");
		return -EPROTO;
	}
	if (body[len - 1] != '\0') {
		snprintf(err, errlen, "malformed request: argument not NUL-terminated");
		return -EPROTO;
	}
	start = 2;
	for (i = 2; i < len; i++) {
		if (body[i] != '\0')
			continue;
		if ((unsigned)req->argc >= SG_CTL_MAX_ARGS) {
			snprintf(err, errlen, "too many arguments (limit %u)", SG_CTL_MAX_ARGS);
			req->argc = 0;
			req->argv[0] = NULL;
			return -E2BIG;
		}
		req->argv[req->argc++] = (char *)body + start;
		start = i + 1;
	}
	req->argv[req->argc] = NULL;
	if (req->argv[0][0] == '\0') {
		snprintf(err, errlen, "empty command name");
		req->argc = 0;
		req->argv[0] = NULL;
		return -EINVAL;
	}
	req->flags = body[1];
	return 0;
}

int ctl_frame_encode(int argc, char *const argv[], unsigned flags, uint8_t **out, size_t *outlen)
{
	size_t body = 2, off;
	uint8_t *p;
	int i;

	if (argc < 1 || !argv || !out || !outlen || (flags & ~SG_CTL_F_JSON))
		return -EINVAL;
	if ((unsigned)argc > SG_CTL_MAX_ARGS)
		return -E2BIG;
	for (i = 0; i < argc; i++) {
		if (!argv[i])
			return -EINVAL;
		size_t l = strlen(argv[i]);
		if (l > SG_CTL_REQ_MAX)
			return -EMSGSIZE;
		body += l + 1;
		if (body > SG_CTL_REQ_MAX)
			return -EMSGSIZE;
	}
	if (argv[0][0] == '\0')
		return -EINVAL;
	p = malloc(CTL_HDR_LEN + body);
	if (!p)
		return -ENOMEM;
	ctl_be32_put(p, (uint32_t)body);
	p[4] = SG_CTL_PROTO_VERSION;
	p[5] = (uint8_t)flags;
	off = 6;
	for (i = 0; i < argc; i++) {
		size_t l = strlen(argv[i]) + 1;
		memcpy(p + off, argv[i], l);
		off += l;
	}
	*out = p;
	*outlen = off;
	return 0;
}

/* RFC 3629 sect. 4 (UTF-8 syntax), table of well-formed byte sequences. */
size_t ctl_utf8_seq(const unsigned char *s, size_t n)
{
	unsigned char c = s[0];
	if (c < 0x80)
		return 1;
	if (c >= 0xc2 && c <= 0xdf)
		return (n >= 2 && (s[1] & 0xc0) == 0x80) ? 2 : 0;
	if (c >= 0xe0 && c <= 0xef) {
		if (n < 3 || (s[1] & 0xc0) != 0x80 || (s[2] & 0xc0) != 0x80)
			return 0;
		if (c == 0xe0 && s[1] < 0xa0)
			return 0; /* overlong */
		if (c == 0xed && s[1] > 0x9f)
			return 0; /* surrogate */
		return 3;
	}
	if (c >= 0xf0 && c <= 0xf4) {
		if (n < 4 || (s[1] & 0xc0) != 0x80 || (s[2] & 0xc0) != 0x80 ||
		    (s[3] & 0xc0) != 0x80)
			return 0;
		if (c == 0xf0 && s[1] < 0x90)
			return 0; /* overlong */
		if (c == 0xf4 && s[1] > 0x8f)
			return 0; /* > U+10FFFF */
		return 4;
	}
	return 0;
}
