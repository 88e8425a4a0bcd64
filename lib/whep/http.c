/* SPDX-License-Identifier: BSD-3-Clause
 * lib/whep: incremental HTTP/1.1 request parser (RFC 9112) and the
 * per-connection processing loop.
 *
 * Input bytes are appended to c->in. The head (request line + field lines)
 * is scanned incrementally (each byte is looked at once, so byte-by-byte
 * feeding stays linear), parsed in place once the empty line arrives, and
 * consumed; body bytes are moved into req.body as they come, so the input
 * buffer only ever holds one head plus pipelined bytes.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "sg_common.h"
#include "whep_priv.h"

static bool is_tchar(unsigned char ch)
{
	/* RFC 9110 §5.6.2 */
	if ((ch >= '0' && ch <= '9') || (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z'))
		return true;
	return ch && strchr("!#$%&'*+-.^_`|~", ch) != NULL;
}

static unsigned char lc(unsigned char ch)
{
	return (ch >= 'A' && ch <= 'Z') ? (unsigned char)(ch + 32) : ch;
}

bool whep_tok_eq(const char *s, size_t n, const char *lit)
{
	size_t l = strlen(lit);
	if (n != l)
		return false;
	for (size_t i = 0; i < n; i++)
		if (lc((unsigned char)s[i]) != lc((unsigned char)lit[i]))
			return false;
	return true;
}

void whep_req_reset(struct whep_req *r)
{
	free(r->target);
	if (r->body) {
		sg_secure_zero(r->body, r->body_cap);
		free(r->body);
	}
	sg_secure_zero(r->auth, sizeof(r->auth));
	memset(r, 0, sizeof(*r));
}

/* Error while parsing: count, answer, close (framing can't be trusted). */
static void fail(struct sg_whep_conn *c, int status, enum sg_whep_error e, const char *why,
		 uint64_t now)
{
	c->srv->ctr.error[e]++;
	whep_req_reset(&c->req);
	whep_respond_error(c, status, why, NULL, true, now);
}

static void consume_in(struct sg_whep_conn *c, size_t n)
{
	if (n >= c->in_len) {
		c->in_len = 0;
		return;
	}
	memmove(c->in, c->in + n, c->in_len - n);
	c->in_len -= n;
}

static void scanner_reset(struct sg_whep_conn *c)
{
	c->line_start = c->searched = 0;
	c->reqline_start = c->reqline_end = c->fields_start = 0;
	c->n_fields = c->n_empty = 0;
	c->have_reqline = false;
}

/*
 * Find the end of the head. Returns 1 with *head_end (offset just past the
 * empty line), 0 when more bytes are needed, -1 after answering an error.
 * RFC 9112 §2.2: a bare LF ends a line too; empty lines before the request
 * line are skipped (a few).
 */
static int scan_head(struct sg_whep_conn *c, size_t *head_end, uint64_t now)
{
	for (;;) {
		uint8_t *nl = memchr(c->in + c->searched, '\n', c->in_len - c->searched);
		if (!nl) {
			c->searched = c->in_len;
			if (!c->have_reqline) {
				/* +1: the CR of a line whose LF is still to come */
				if (c->in_len - c->line_start > SG_WHEP_MAX_REQUEST_LINE + 1) {
					fail(c, 414, SG_WHEP_E_uri_too_long, "request line too long", now);
					return -1;
				}
			} else if (c->in_len - c->fields_start > SG_WHEP_MAX_HEADER_BLOCK) {
				fail(c, 431, SG_WHEP_E_headers_too_large, "header section too large", now);
				return -1;
			}
			return 0;
		}
		size_t end = (size_t)(nl - c->in), next = end + 1, le = end;
		if (le > c->line_start && c->in[le - 1] == '\r')
			le--;
		size_t ll = le - c->line_start;
		if (!c->have_reqline) {
			if (ll == 0) {
				if (++c->n_empty > WHEP_MAX_EMPTY_LINES) {
					fail(c, 400, SG_WHEP_E_bad_request_line, "empty request", now);
					return -1;
				}
			} else {
				if (ll > SG_WHEP_MAX_REQUEST_LINE) {
					fail(c, 414, SG_WHEP_E_uri_too_long, "request line too long", now);
					return -1;
				}
				c->reqline_start = c->line_start;
				c->reqline_end = le;
				c->have_reqline = true;
				c->fields_start = next;
			}
		} else {
			/* §5: the field section, its terminating empty line included */
			if (next - c->fields_start > SG_WHEP_MAX_HEADER_BLOCK) {
				fail(c, 431, SG_WHEP_E_headers_too_large, "header section too large", now);
				return -1;
			}
			if (ll == 0) {
				*head_end = next;
				return 1;
			}
			if (++c->n_fields > SG_WHEP_MAX_HEADERS) {
				fail(c, 431, SG_WHEP_E_too_many_headers, "too many header fields", now);
				return -1;
			}
		}
		c->line_start = c->searched = next;
	}
}

static enum sg_whep_method method_parse(const char *s, size_t n)
{
	/* RFC 9110 §9.1: method names are case-sensitive */
	static const struct {
		const char *name;
		enum sg_whep_method m;
	} tab[] = {
		{"GET", SG_WHEP_M_GET},         {"HEAD", SG_WHEP_M_HEAD},
		{"POST", SG_WHEP_M_POST},       {"PATCH", SG_WHEP_M_PATCH},
		{"DELETE", SG_WHEP_M_DELETE},   {"OPTIONS", SG_WHEP_M_OPTIONS},
		{"PUT", SG_WHEP_M_PUT},         {"TRACE", SG_WHEP_M_TRACE},
		{"CONNECT", SG_WHEP_M_CONNECT},
	};
	for (size_t i = 0; i < SG_ARRAY_SIZE(tab); i++)
		if (strlen(tab[i].name) == n && !memcmp(tab[i].name, s, n))
			return tab[i].m;
	return SG_WHEP_M_OTHER;
}

/* RFC 9112 §3: method SP request-target SP HTTP-version. Returns 0 or the status. */
static int parse_request_line(struct whep_req *r, const char *s, size_t n, enum sg_whep_error *e)
{
	size_t i = 0;
	*e = SG_WHEP_E_bad_request_line;
	while (i < n && is_tchar((unsigned char)s[i]))
		i++;
	if (i == 0 || i >= n || s[i] != ' ')
		return 400;
	r->method = method_parse(s, i);
	size_t t0 = ++i;
	while (i < n && s[i] != ' ') {
		unsigned char ch = (unsigned char)s[i];
		if (ch <= 0x20 || ch >= 0x7f) /* §3.2: no whitespace or CTLs; ASCII only */
			return 400;
		i++;
	}
	size_t tl = i - t0;
	if (tl == 0 || i >= n)
		return 400;
	i++;
	/* §2.3: HTTP-version = "HTTP/" DIGIT "." DIGIT, case-sensitive */
	if (n - i != 8 || memcmp(s + i, "HTTP/", 5) || s[i + 6] != '.' ||
	    s[i + 5] < '0' || s[i + 5] > '9' || s[i + 7] < '0' || s[i + 7] > '9')
		return 400;
	if (s[i + 5] != '1') {
		*e = SG_WHEP_E_bad_version;
		return 505;
	}
	r->minor = s[i + 7] == '0' ? 0 : 1; /* 1.x with x > 1 is answered as 1.1 */
	r->target = malloc(tl + 1);
	if (!r->target) {
		*e = SG_WHEP_E_oom;
		return 500;
	}
	memcpy(r->target, s + t0, tl);
	r->target[tl] = '\0';
	return 0;
}

/* Iterate a comma-separated list (RFC 9110 §5.6.1), trimming OWS. */
static bool list_next(const char **p, const char *end, const char **item, size_t *len)
{
	const char *s = *p;
	for (;;) {
		while (s < end && (*s == ' ' || *s == '\t' || *s == ','))
			s++;
		if (s >= end)
			return false;
		const char *e = s;
		while (e < end && *e != ',')
			e++;
		const char *t = e;
		while (t > s && (t[-1] == ' ' || t[-1] == '\t'))
			t--;
		*p = e;
		if (t > s) {
			*item = s;
			*len = (size_t)(t - s);
			return true;
		}
		s = e;
	}
}

struct te_state {
	unsigned n_chunked;
	bool other, chunked_last, seen;
};

/* Interpret one field line. Returns 0 or the status to answer. */
static int field(struct whep_req *r, struct te_state *te, const char *name, size_t nl,
		 const char *v, size_t vl, enum sg_whep_error *e)
{
	const char *end = v + vl, *it;
	size_t il;
	*e = SG_WHEP_E_bad_framing;
	if (whep_tok_eq(name, nl, "host")) {
		r->n_host++;
	} else if (whep_tok_eq(name, nl, "content-length")) {
		/* RFC 9112 §6.3 item 5: anything but one decimal value is invalid */
		uint64_t v64 = 0;
		if (vl == 0 || vl > 18)
			return 400;
		for (size_t i = 0; i < vl; i++) {
			if (v[i] < '0' || v[i] > '9')
				return 400;
			v64 = v64 * 10 + (uint64_t)(v[i] - '0');
		}
		if (r->has_cl && r->cl != v64)
			return 400;
		r->has_cl = true;
		r->cl = v64;
	} else if (whep_tok_eq(name, nl, "transfer-encoding")) {
		/* RFC 9112 §6.1 */
		te->seen = true;
		while (list_next(&v, end, &it, &il)) {
			const char *semi = memchr(it, ';', il);
			size_t cl = semi ? (size_t)(semi - it) : il;
			while (cl && (it[cl - 1] == ' ' || it[cl - 1] == '\t'))
				cl--;
			if (whep_tok_eq(it, cl, "chunked") && !semi) {
				te->n_chunked++;
				te->chunked_last = true;
			} else {
				te->other = true;
				te->chunked_last = false;
			}
		}
	} else if (whep_tok_eq(name, nl, "connection")) {
		/* RFC 9112 §9.3, §9.6 */
		while (list_next(&v, end, &it, &il)) {
			if (whep_tok_eq(it, il, "close"))
				r->conn_close = true;
			else if (whep_tok_eq(it, il, "keep-alive"))
				r->conn_keep_alive = true;
		}
	} else if (whep_tok_eq(name, nl, "content-type")) {
		/* RFC 9110 §8.3: type "/" subtype *( OWS ";" OWS parameter ) */
		size_t ml = 0;
		while (ml < vl && v[ml] != ';' && v[ml] != ' ' && v[ml] != '\t')
			ml++;
		r->has_ctype = true;
		r->ctype[0] = '\0';
		if (ml < sizeof(r->ctype)) {
			for (size_t i = 0; i < ml; i++)
				r->ctype[i] = (char)lc((unsigned char)v[i]);
			r->ctype[ml] = '\0';
		}
	} else if (whep_tok_eq(name, nl, "authorization")) {
		if (r->has_auth || vl > WHEP_AUTH_MAX) {
			r->auth_too_long = true; /* never matches */
		} else {
			memcpy(r->auth, v, vl);
			r->auth[vl] = '\0';
		}
		r->has_auth = true;
	} else if (whep_tok_eq(name, nl, "if-match")) {
		/* several If-Match lines form one list (RFC 9110 §5.3) */
		size_t cur = strlen(r->if_match);
		if (r->if_match_too_long || cur + vl + 2 > WHEP_IFMATCH_MAX) {
			r->if_match_too_long = true;
		} else {
			if (cur) {
				memcpy(r->if_match + cur, ", ", 2);
				cur += 2;
			}
			memcpy(r->if_match + cur, v, vl);
			r->if_match[cur + vl] = '\0';
		}
		r->has_if_match = true;
	} else if (whep_tok_eq(name, nl, "expect")) {
		/* RFC 9110 §10.1.1 */
		if (whep_tok_eq(v, vl, "100-continue")) {
			r->expect_continue = true;
		} else {
			*e = SG_WHEP_E_bad_header;
			return 417;
		}
	}
	return 0;
}

/* RFC 9112 §5.1, §5.2: parse the field lines in [s, end). Returns 0 or a status. */
static int parse_fields(struct whep_req *r, const char *s, const char *end, enum sg_whep_error *e)
{
	struct te_state te = {0};
	while (s < end) {
		const char *nl = memchr(s, '\n', (size_t)(end - s));
		const char *le = nl ? nl : end, *next = nl ? nl + 1 : end;
		if (le > s && le[-1] == '\r')
			le--;
		if (le == s)
			break; /* the empty line */
		*e = SG_WHEP_E_bad_header;
		if (*s == ' ' || *s == '\t')
			return 400; /* obs-fold: §5.2 allows rejecting with 400 */
		const char *p = s;
		while (p < le && is_tchar((unsigned char)*p))
			p++;
		if (p == s || p >= le || *p != ':')
			return 400; /* no whitespace before the colon (§5.1), token name */
		size_t nlen = (size_t)(p - s);
		const char *v = p + 1, *ve = le;
		for (const char *q = v; q < ve; q++) {
			unsigned char ch = (unsigned char)*q;
			if ((ch < 0x20 && ch != '\t') || ch == 0x7f)
				return 400; /* CR, NUL and other CTLs (RFC 9110 §5.5) */
		}
		while (v < ve && (*v == ' ' || *v == '\t'))
			v++;
		while (ve > v && (ve[-1] == ' ' || ve[-1] == '\t'))
			ve--;
		int st = field(r, &te, s, nlen, v, (size_t)(ve - v), e);
		if (st)
			return st;
		s = next;
	}
	if (te.seen) {
		r->chunked = true;
		*e = SG_WHEP_E_bad_framing;
		/* §6.1: TE in HTTP/1.0, TE with Content-Length, chunked not final
		 * or applied twice: framing can't be trusted -> 400 and close */
		if (r->minor == 0 || r->has_cl || !te.chunked_last || te.n_chunked != 1)
			return 400;
		if (te.other) {
			*e = SG_WHEP_E_unsupported_coding;
			return 501;
		}
	}
	*e = SG_WHEP_E_no_host;
	/* RFC 9112 §3.2: exactly one Host in HTTP/1.1, at most one in 1.0 */
	if (r->n_host > 1 || (r->minor == 1 && r->n_host != 1))
		return 400;
	return 0;
}

static int body_alloc(struct whep_req *r, size_t cap)
{
	uint8_t *b = realloc(r->body, cap + 1);
	if (!b)
		return -ENOMEM;
	r->body = b;
	r->body_cap = cap + 1;
	return 0;
}

/* The head is complete in c->in[0, head_end). */
static void parse_head(struct sg_whep_conn *c, size_t head_end, uint64_t now)
{
	struct whep_req *r = &c->req;
	enum sg_whep_error e;
	const char *base = (const char *)c->in;
	int st = parse_request_line(r, base + c->reqline_start, c->reqline_end - c->reqline_start, &e);
	if (!st)
		st = parse_fields(r, base + c->fields_start, base + head_end, &e);
	consume_in(c, head_end);
	scanner_reset(c);
	c->head_done = now;
	if (st) {
		fail(c, st, e, st == 417 ? "unsupported expectation" : NULL, now);
		return;
	}
	c->keep_alive = r->minor == 1 ? !r->conn_close : (r->conn_keep_alive && !r->conn_close);
	size_t max = c->srv->conf.max_body;
	if (r->chunked) {
		c->st = CS_CHUNK_SIZE;
	} else if (r->has_cl && r->cl > 0) {
		if (r->cl > max) {
			/* RFC 9110 §15.5.14: refuse before reading it, then close */
			fail(c, 413, SG_WHEP_E_body_too_large, "request body too large", now);
			return;
		}
		if (body_alloc(r, (size_t)r->cl) < 0) {
			fail(c, 500, SG_WHEP_E_oom, NULL, now);
			return;
		}
		c->st = CS_BODY_CL;
	} else {
		c->st = CS_READY; /* §6.3 item 7: no body */
		return;
	}
	/* RFC 9110 §10.1.1: only HTTP/1.1 clients wait for 100 */
	if (r->expect_continue && r->minor == 1)
		whep_respond_continue(c);
}

/* Append up to n bytes to the body. Returns false after answering 413. */
static bool body_put(struct sg_whep_conn *c, const uint8_t *d, size_t n, uint64_t now)
{
	struct whep_req *r = &c->req;
	size_t max = c->srv->conf.max_body;
	if (r->body_len + n > max) {
		fail(c, 413, SG_WHEP_E_body_too_large, "request body too large", now);
		return false;
	}
	if (r->body_len + n + 1 > r->body_cap) {
		size_t cap = r->body_cap ? r->body_cap * 2 : 4096;
		if (cap < r->body_len + n)
			cap = r->body_len + n;
		if (cap > max)
			cap = max;
		if (body_alloc(r, cap) < 0) {
			fail(c, 500, SG_WHEP_E_oom, NULL, now);
			return false;
		}
	}
	memcpy(r->body + r->body_len, d, n);
	r->body_len += n;
	r->body[r->body_len] = '\0';
	return true;
}

/* Find a line in c->in. Returns its length (without CR LF) and *next, or -1. */
static long in_line(struct sg_whep_conn *c, size_t *next)
{
	uint8_t *nl = memchr(c->in, '\n', c->in_len);
	if (!nl)
		return -1;
	size_t le = (size_t)(nl - c->in);
	*next = le + 1;
	if (le && c->in[le - 1] == '\r')
		le--;
	return (long)le;
}

/* RFC 9112 §7.1: chunk-size [ chunk-ext ] CRLF. Returns 1 (progress), 0 (need more), -1. */
static int chunk_size_line(struct sg_whep_conn *c, uint64_t now)
{
	size_t next;
	long ll = in_line(c, &next);
	if (ll < 0) {
		if (c->in_len > WHEP_CHUNK_LINE_MAX) {
			fail(c, 400, SG_WHEP_E_bad_chunk, "chunk line too long", now);
			return -1;
		}
		return 0;
	}
	if ((size_t)ll > WHEP_CHUNK_LINE_MAX) {
		fail(c, 400, SG_WHEP_E_bad_chunk, "chunk line too long", now);
		return -1;
	}
	uint64_t size = 0;
	long i = 0;
	for (; i < ll; i++) {
		unsigned char ch = c->in[i];
		unsigned d;
		if (ch >= '0' && ch <= '9')
			d = ch - '0';
		else if (lc(ch) >= 'a' && lc(ch) <= 'f')
			d = lc(ch) - 'a' + 10;
		else
			break;
		if (size > (UINT64_MAX >> 4)) {
			fail(c, 413, SG_WHEP_E_body_too_large, "request body too large", now);
			return -1;
		}
		size = size << 4 | d;
	}
	if (i == 0) {
		fail(c, 400, SG_WHEP_E_bad_chunk, "malformed chunk size", now);
		return -1;
	}
	/* chunk-ext = *( BWS ";" BWS ext-name [ BWS "=" BWS ext-val ] ): ignored */
	while (i < ll && (c->in[i] == ' ' || c->in[i] == '\t'))
		i++;
	if (i < ll && c->in[i] != ';') {
		fail(c, 400, SG_WHEP_E_bad_chunk, "malformed chunk size", now);
		return -1;
	}
	for (; i < ll; i++)
		if (c->in[i] < 0x20 && c->in[i] != '\t') {
			fail(c, 400, SG_WHEP_E_bad_chunk, "malformed chunk extension", now);
			return -1;
		}
	consume_in(c, next);
	if (size > c->srv->conf.max_body - c->req.body_len) {
		fail(c, 413, SG_WHEP_E_body_too_large, "request body too large", now);
		return -1;
	}
	c->req.chunk_left = size;
	c->st = size ? CS_CHUNK_DATA : CS_TRAILER;
	return 1;
}

/* One step of the state machine. Returns true when it made progress. */
static bool step(struct sg_whep_conn *c, uint64_t now)
{
	struct whep_req *r = &c->req;
	size_t head_end, n, next;
	long ll;
	switch (c->st) {
	case CS_HEAD:
		/* RFC 9112 §9.3.2: responses in request order; we answer one
		 * request at a time: the next waits until the output drained */
		if (c->out.len > c->out_off || c->in_len == 0)
			return false;
		if (!c->req_start)
			c->req_start = now;
		if (scan_head(c, &head_end, now) <= 0)
			return c->closing;
		parse_head(c, head_end, now);
		return true;
	case CS_BODY_CL:
		n = SG_MIN(c->in_len, (size_t)r->cl - r->body_len);
		if (!n)
			return false;
		if (!body_put(c, c->in, n, now))
			return true;
		consume_in(c, n);
		if (r->body_len == r->cl)
			c->st = CS_READY;
		return true;
	case CS_CHUNK_SIZE:
		return chunk_size_line(c, now) != 0;
	case CS_CHUNK_DATA:
		n = (size_t)SG_MIN((uint64_t)c->in_len, r->chunk_left);
		if (!n)
			return false;
		if (!body_put(c, c->in, n, now))
			return true;
		consume_in(c, n);
		r->chunk_left -= n;
		if (!r->chunk_left)
			c->st = CS_CHUNK_CRLF;
		return true;
	case CS_CHUNK_CRLF:
		if (!c->in_len)
			return false;
		if (c->in[0] == '\n') {
			consume_in(c, 1);
		} else if (c->in[0] == '\r') {
			if (c->in_len < 2)
				return false;
			if (c->in[1] != '\n') {
				fail(c, 400, SG_WHEP_E_bad_chunk, "missing CRLF after chunk data", now);
				return true;
			}
			consume_in(c, 2);
		} else {
			fail(c, 400, SG_WHEP_E_bad_chunk, "missing CRLF after chunk data", now);
			return true;
		}
		c->st = CS_CHUNK_SIZE;
		return true;
	case CS_TRAILER:
		/* §7.1.2: trailer fields are read and discarded */
		ll = in_line(c, &next);
		if (ll < 0 || r->trailer_bytes + next > SG_WHEP_MAX_HEADER_BLOCK) {
			if (r->trailer_bytes + c->in_len > SG_WHEP_MAX_HEADER_BLOCK) {
				fail(c, 431, SG_WHEP_E_headers_too_large, "trailer section too large", now);
				return true;
			}
			return false;
		}
		r->trailer_bytes += next;
		consume_in(c, next);
		if (ll == 0)
			c->st = CS_READY;
		return true;
	case CS_READY:
		whep_dispatch(c, now);
		whep_req_reset(r);
		if (c->st != CS_CLOSED) {
			if (!c->in_len && c->in_cap > WHEP_IN_MIN) {
				/* keep idle keep-alive connections small */
				free(c->in);
				c->in = NULL;
				c->in_cap = 0;
			}
			c->st = CS_HEAD;
			c->req_start = c->head_done = 0;
			c->idle_since = now;
		}
		return true;
	case CS_CLOSED:
		return false;
	}
	return false;
}

void whep_process(struct sg_whep_conn *c, uint64_t now)
{
	while (c->st != CS_CLOSED && step(c, now))
		;
}
