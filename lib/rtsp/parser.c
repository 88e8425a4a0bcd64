/* SPDX-License-Identifier: BSD-3-Clause
 * Incremental RTSP message parser (RFC 2326 §4, §6, §7; RFC 7826 §8) for a
 * byte stream that may carry interleaved binary frames between messages
 * (RFC 2326 §10.12: '$', 1-byte channel, 2-byte big-endian length, data).
 *
 * A message is accumulated in an internal buffer: the header block (start
 * line + headers, <= 16 KiB) and then Content-Length bytes of body. Bytes
 * past the end of the header block are handed back to the caller (not
 * consumed) so that nothing is copied twice. A frame that is complete in
 * the caller's buffer is returned in place (zero copy).
 */
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "rtsp_priv.h"

enum pstate { ST_IDLE = 0, ST_FRAME, ST_HEAD, ST_BODY };

struct hdr_off {
	size_t name, value;
};

struct sg_rtsp_parser {
	uint8_t *buf;
	size_t len, cap;
	unsigned max_frame;
	enum pstate st;
	size_t scan;      /* header terminator search position */
	size_t head_len;  /* header block length, body starts here */
	size_t body_len;  /* Content-Length */
	bool emitted;     /* buffer content was handed out: drop on next feed */
	int err;
	char errmsg[96];
	/* parsed header block, as offsets into buf (stable across realloc) */
	bool is_response;
	size_t method_off, uri_off, reason_off;
	int status, vmaj, vmin;
	struct hdr_off hdrs[SG_RTSP_MAX_HEADERS];
	unsigned n_hdrs;
};

struct sg_rtsp_parser *sg_rtsp_parser_new(unsigned max_frame)
{
	if (max_frame > SG_RTSP_MAX_FRAME) {
		errno = EINVAL;
		return NULL;
	}
	struct sg_rtsp_parser *p = calloc(1, sizeof(*p));
	if (!p) {
		errno = ENOMEM;
		return NULL;
	}
	p->max_frame = max_frame ? max_frame : SG_RTSP_MAX_FRAME;
	return p;
}

void sg_rtsp_parser_free(struct sg_rtsp_parser *p)
{
	if (!p)
		return;
	free(p->buf);
	free(p);
}

void sg_rtsp_parser_reset(struct sg_rtsp_parser *p)
{
	p->len = 0;
	p->st = ST_IDLE;
	p->scan = 0;
	p->emitted = false;
	p->err = 0;
	p->errmsg[0] = '\0';
}

const char *sg_rtsp_parser_error(const struct sg_rtsp_parser *p)
{
	return p->errmsg;
}

bool sg_rtsp_parser_must_close(const struct sg_rtsp_parser *p)
{
	return p->err != 0;
}

static int fail(struct sg_rtsp_parser *p, int err, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
static int fail(struct sg_rtsp_parser *p, int err, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(p->errmsg, sizeof(p->errmsg), fmt, ap);
	va_end(ap);
	p->err = err;
	return err;
}

static int reserve(struct sg_rtsp_parser *p, size_t need)
{
	if (need <= p->cap)
		return 0;
	size_t nc = p->cap ? p->cap : 2048;
	while (nc < need)
		nc *= 2;
	uint8_t *nb = realloc(p->buf, nc + 1); /* +1: NUL after a body */
	if (!nb)
		return fail(p, -ENOMEM, "out of memory");
	p->buf = nb;
	p->cap = nc;
	return 0;
}

static int append(struct sg_rtsp_parser *p, const uint8_t *d, size_t n)
{
	int r = reserve(p, p->len + n);
	if (r)
		return r;
	memcpy(p->buf + p->len, d, n);
	p->len += n;
	return 0;
}

static bool is_tchar(int c)
{
	/* RFC 2616 §2.2 token characters */
	return c > 32 && c < 127 && !strchr("()<>@,;:\\\"/[]?={}", c);
}

static bool parse_version(const char *v, int *maj, int *min)
{
	/* "RTSP/1.0"; any case is accepted (some cameras send "Rtsp/1.0") */
	if (strncasecmp(v, "RTSP/", 5))
		return false;
	v += 5;
	if (!isdigit((unsigned char)v[0]))
		return false;
	int a = 0, b = 0;
	while (isdigit((unsigned char)*v) && a < 100)
		a = a * 10 + (*v++ - '0');
	if (*v++ != '.' || !isdigit((unsigned char)*v))
		return false;
	while (isdigit((unsigned char)*v) && b < 100)
		b = b * 10 + (*v++ - '0');
	if (*v)
		return false;
	*maj = a;
	*min = b;
	return true;
}

/* Split the next whitespace-delimited token of s in place. */
static char *next_tok(char **s)
{
	char *p = *s;
	while (*p == ' ' || *p == '\t')
		p++;
	if (!*p)
		return NULL;
	char *t = p;
	while (*p && *p != ' ' && *p != '\t')
		p++;
	if (*p)
		*p++ = '\0';
	*s = p;
	return t;
}

/* RFC 2326 §6.1 Request-Line / §7.1 Status-Line */
static int parse_start_line(struct sg_rtsp_parser *p, char *line)
{
	char *b = (char *)p->buf;
	char *s = line;
	char *t1 = next_tok(&s);
	if (!t1)
		return fail(p, -EBADMSG, "malformed start line");
	if (!strncasecmp(t1, "RTSP/", 5)) {
		char *st = next_tok(&s);
		if (!parse_version(t1, &p->vmaj, &p->vmin) || !st || strlen(st) != 3 ||
		    !isdigit((unsigned char)st[0]) || !isdigit((unsigned char)st[1]) ||
		    !isdigit((unsigned char)st[2]) || st[0] == '0')
			return fail(p, -EBADMSG, "malformed status line");
		p->is_response = true;
		p->status = atoi(st);
		char *reason = rtsp_trim(s);
		p->reason_off = (size_t)(reason - b);
		return 0;
	}
	char *uri = next_tok(&s);
	char *ver = next_tok(&s);
	for (char *c = t1; *c; c++)
		if (!is_tchar((unsigned char)*c))
			return fail(p, -EBADMSG, "malformed request line");
	if (!uri || !ver || next_tok(&s) || !parse_version(ver, &p->vmaj, &p->vmin))
		return fail(p, -EBADMSG, "malformed request line");
	p->is_response = false;
	p->method_off = (size_t)(t1 - b);
	p->uri_off = (size_t)(uri - b);
	return 0;
}

/* Content-Length, RFC 2326 §12.14: digits only; duplicates must agree. */
static int content_length(struct sg_rtsp_parser *p, size_t *out)
{
	bool seen = false;
	size_t cl = 0;
	for (unsigned i = 0; i < p->n_hdrs; i++) {
		if (strcasecmp((char *)p->buf + p->hdrs[i].name, "Content-Length"))
			continue;
		const char *v = (char *)p->buf + p->hdrs[i].value;
		size_t x = 0;
		if (!*v)
			return fail(p, -EBADMSG, "invalid Content-Length");
		for (; *v; v++) {
			if (!isdigit((unsigned char)*v))
				return fail(p, -EBADMSG, "invalid Content-Length");
			x = x * 10 + (size_t)(*v - '0');
			if (x > SG_RTSP_MAX_BODY)
				return fail(p, -E2BIG, "Content-Length exceeds %u bytes", SG_RTSP_MAX_BODY);
		}
		if (seen && x != cl)
			return fail(p, -EBADMSG, "conflicting Content-Length");
		seen = true;
		cl = x;
	}
	*out = cl;
	return 0;
}

/*
 * Parse the header block buf[0..head_len) in place. Lines end in LF with an
 * optional CR. Lines starting with SP/HT continue the previous header
 * (RFC 2616 §4.2 folding) and are joined with one space. Strings are
 * compacted towards the start of the buffer and NUL-terminated.
 */
static int parse_head(struct sg_rtsp_parser *p)
{
	char *b = (char *)p->buf;
	size_t r = 0, w = 0, end = p->head_len;
	bool first = true;
	long last_val = -1; /* offset of the last header value (for folding) */

	if (memchr(b, '\0', end))
		return fail(p, -EBADMSG, "NUL byte in header block");
	p->n_hdrs = 0;
	while (r < end) {
		size_t e = r;
		while (e < end && b[e] != '\n')
			e++;
		size_t l = e - r;
		if (l && b[r + l - 1] == '\r')
			l--;
		size_t next = e + 1;
		if (l == 0) /* the empty line that ends the block */
			break;
		bool fold = !first && (b[r] == ' ' || b[r] == '\t');
		if (fold) {
			if (last_val < 0)
				return fail(p, -EBADMSG, "malformed header line");
			while (l && (b[r] == ' ' || b[r] == '\t'))
				r++, l--;
			if (!l) {
				r = next;
				continue;
			}
			/* w points after the previous value's NUL; w-1 is that NUL */
			if (b[last_val] != '\0')
				b[w - 1] = ' ';
			else
				w--; /* previous value empty: no leading space */
			memmove(b + w, b + r, l);
			w += l;
			b[w++] = '\0';
			/* re-trim the tail of the joined value */
			size_t k = w - 1;
			while (k > (size_t)last_val && (b[k - 1] == ' ' || b[k - 1] == '\t'))
				b[--k] = '\0';
			r = next;
			continue;
		}
		size_t lstart = w;
		memmove(b + w, b + r, l);
		w += l;
		b[w++] = '\0';
		r = next;
		if (first) {
			first = false;
			int rc = parse_start_line(p, b + lstart);
			if (rc)
				return rc;
			continue;
		}
		char *line = b + lstart;
		char *colon = strchr(line, ':');
		if (!colon || colon == line)
			return fail(p, -EBADMSG, "malformed header line");
		*colon = '\0';
		char *name = rtsp_trim(line);
		if (!*name || name != line)
			return fail(p, -EBADMSG, "malformed header line");
		for (char *c = name; *c; c++)
			if (!is_tchar((unsigned char)*c))
				return fail(p, -EBADMSG, "malformed header line");
		char *val = rtsp_trim(colon + 1);
		if (p->n_hdrs >= SG_RTSP_MAX_HEADERS)
			return fail(p, -E2BIG, "too many headers (max %u)", SG_RTSP_MAX_HEADERS);
		p->hdrs[p->n_hdrs].name = (size_t)(name - b);
		p->hdrs[p->n_hdrs].value = (size_t)(val - b);
		p->n_hdrs++;
		last_val = val - b;
		/* the trimmed value ends at its NUL; make w follow it for folding */
		w = (size_t)(val - b) + strlen(val) + 1;
	}
	if (first)
		return fail(p, -EBADMSG, "malformed start line");
	return 0;
}

static void build_msg(struct sg_rtsp_parser *p, struct sg_rtsp_msg *m)
{
	const char *b = (const char *)p->buf;
	memset(m, 0, sizeof(*m));
	m->is_response = p->is_response;
	m->ver_major = p->vmaj;
	m->ver_minor = p->vmin;
	if (p->is_response) {
		m->status = p->status;
		m->reason = b + p->reason_off;
	} else {
		m->method_str = b + p->method_off;
		m->method = sg_rtsp_method_parse(m->method_str);
		m->uri = b + p->uri_off;
	}
	for (unsigned i = 0; i < p->n_hdrs; i++) {
		m->hdrs[i].name = b + p->hdrs[i].name;
		m->hdrs[i].value = b + p->hdrs[i].value;
	}
	m->n_hdrs = p->n_hdrs;
	if (p->body_len) {
		m->body = p->buf + p->head_len;
		m->body_len = p->body_len;
		p->buf[p->head_len + p->body_len] = '\0'; /* convenience, cap has +1 */
	}
}

/*
 * Find the end of the header block: "\n\n" or "\n\r\n". Returns the index
 * after the terminator or 0 when not found yet (p->scan remembers where to
 * resume).
 */
static size_t find_head_end(struct sg_rtsp_parser *p)
{
	const uint8_t *b = p->buf;
	size_t i = p->scan;
	for (; i < p->len; i++) {
		if (b[i] != '\n')
			continue;
		if (i + 1 >= p->len)
			break;
		if (b[i + 1] == '\n')
			return i + 2;
		if (b[i + 1] == '\r') {
			if (i + 2 >= p->len)
				break;
			if (b[i + 2] == '\n')
				return i + 3;
		}
	}
	p->scan = i;
	return 0;
}

static int frame_len_check(struct sg_rtsp_parser *p, unsigned l)
{
	if (l == 0)
		return fail(p, -EBADMSG, "interleaved frame of length 0");
	if (l > p->max_frame)
		return fail(p, -E2BIG, "interleaved frame of %u bytes exceeds %u", l, p->max_frame);
	return 0;
}

int sg_rtsp_parser_feed(struct sg_rtsp_parser *p, const uint8_t *buf, size_t n,
			size_t *consumed, struct sg_rtsp_event *ev)
{
	size_t off = 0;
	int r;

	*consumed = 0;
	if (p->err)
		return p->err;
	if (p->emitted) {
		p->emitted = false;
		p->len = 0;
		p->st = ST_IDLE;
	}
	for (;;) {
		switch (p->st) {
		case ST_IDLE:
			while (off < n && (buf[off] == '\r' || buf[off] == '\n'))
				off++;
			if (off == n) {
				*consumed = off;
				return 0;
			}
			if (buf[off] == '$') {
				if (n - off >= 4) {
					unsigned l = ((unsigned)buf[off + 2] << 8) | buf[off + 3];
					if ((r = frame_len_check(p, l)))
						return r;
					if (n - off >= 4 + (size_t)l) {
						ev->type = SG_RTSP_EV_FRAME;
						ev->frame.channel = buf[off + 1];
						ev->frame.data = buf + off + 4;
						ev->frame.len = (uint16_t)l;
						*consumed = off + 4 + l;
						return 1;
					}
				}
				p->st = ST_FRAME;
				p->len = 0;
				break;
			}
			/* a message must start with a method or "RTSP/" */
			if (!isalpha(buf[off]))
				return fail(p, -EBADMSG, "garbage before message");
			p->st = ST_HEAD;
			p->len = 0;
			p->scan = 0;
			break;
		case ST_FRAME: {
			size_t want = 4;
			if (p->len >= 4)
				want = 4 + (((size_t)p->buf[2] << 8) | p->buf[3]);
			size_t take = SG_MIN(want - p->len, n - off);
			if ((r = append(p, buf + off, take)))
				return r;
			off += take;
			if (p->len == 4 && want == 4) {
				unsigned l = ((unsigned)p->buf[2] << 8) | p->buf[3];
				if ((r = frame_len_check(p, l)))
					return r;
				break; /* loop to read the payload */
			}
			if (p->len < want) {
				*consumed = off;
				return 0;
			}
			ev->type = SG_RTSP_EV_FRAME;
			ev->frame.channel = p->buf[1];
			ev->frame.data = p->buf + 4;
			ev->frame.len = (uint16_t)(want - 4);
			p->emitted = true;
			*consumed = off;
			return 1;
		}
		case ST_HEAD: {
			size_t room = SG_RTSP_MAX_HEADER_BLOCK - p->len;
			size_t take = SG_MIN(room, n - off);
			size_t before = p->len;
			if ((r = append(p, buf + off, take)))
				return r;
			size_t end = find_head_end(p);
			if (!end) {
				off += take;
				if (p->len >= SG_RTSP_MAX_HEADER_BLOCK)
					return fail(p, -E2BIG, "header block exceeds %u bytes",
						    SG_RTSP_MAX_HEADER_BLOCK);
				*consumed = off;
				return 0;
			}
			/* give back what follows the header block */
			off += end - before;
			p->len = end;
			p->head_len = end;
			if ((r = parse_head(p)) || (r = content_length(p, &p->body_len)))
				return r;
			if (p->body_len) {
				if ((r = reserve(p, p->head_len + p->body_len)))
					return r;
				p->st = ST_BODY;
				break;
			}
			ev->type = SG_RTSP_EV_MESSAGE;
			build_msg(p, &ev->msg);
			p->emitted = true;
			*consumed = off;
			return 1;
		}
		case ST_BODY: {
			size_t want = p->head_len + p->body_len;
			size_t take = SG_MIN(want - p->len, n - off);
			memcpy(p->buf + p->len, buf + off, take);
			p->len += take;
			off += take;
			if (p->len < want) {
				*consumed = off;
				return 0;
			}
			ev->type = SG_RTSP_EV_MESSAGE;
			build_msg(p, &ev->msg);
			p->emitted = true;
			*consumed = off;
			return 1;
		}
		}
	}
}
