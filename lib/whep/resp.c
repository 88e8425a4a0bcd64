/* SPDX-License-Identifier: BSD-3-Clause
 * lib/whep: response writer (RFC 9112 §4 status line, RFC 9110 fields),
 * CORS fields on every response, counters and name tables.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sg_common.h"
#include "whep_priv.h"

/* ------------------------------------------------------------------------ */
/* Name tables                                                               */
/* ------------------------------------------------------------------------ */
static const char *const method_names[] = {
#define X(id, name) name,
	SG_WHEP_METHODS(X)
#undef X
};
static const int status_codes[] = {
#define X(code, reason) code,
	SG_WHEP_STATUSES(X)
#undef X
};
static const char *const status_reasons[] = {
#define X(code, reason) reason,
	SG_WHEP_STATUSES(X)
#undef X
};
static const char *const error_names[] = {
#define X(id, desc) #id,
	SG_WHEP_ERRORS(X)
#undef X
};
static const char *const error_helps[] = {
#define X(id, desc) desc,
	SG_WHEP_ERRORS(X)
#undef X
};

const char *sg_whep_method_name(unsigned m)
{
	return m < SG_WHEP_M__N ? method_names[m] : NULL;
}

int sg_whep_status_code(unsigned idx)
{
	return idx < SG_WHEP_S__N ? status_codes[idx] : 0;
}

const char *sg_whep_status_reason(int code)
{
	for (unsigned i = 0; i < SG_WHEP_S__N; i++)
		if (status_codes[i] == code)
			return status_reasons[i];
	return "Unknown";
}

const char *sg_whep_error_name(unsigned e)
{
	return e < SG_WHEP_E__N ? error_names[e] : NULL;
}

const char *sg_whep_error_help(unsigned e)
{
	return e < SG_WHEP_E__N ? error_helps[e] : NULL;
}

void whep_count_status(struct sg_whep_server *s, int code)
{
	for (unsigned i = 0; i < SG_WHEP_S__N; i++)
		if (status_codes[i] == code) {
			s->ctr.status[i]++;
			return;
		}
	s->ctr.status_other++;
}

/* ------------------------------------------------------------------------ */
/* Growable buffer                                                           */
/* ------------------------------------------------------------------------ */
int wbuf_reserve(struct wbuf *b, size_t extra)
{
	if (b->oom)
		return -ENOMEM;
	if (b->len + extra + 1 <= b->cap)
		return 0;
	size_t cap = b->cap ? b->cap : 1024;
	while (cap < b->len + extra + 1)
		cap *= 2;
	char *p = realloc(b->p, cap);
	if (!p) {
		b->oom = true;
		return -ENOMEM;
	}
	b->p = p;
	b->cap = cap;
	return 0;
}

void wbuf_put(struct wbuf *b, const void *data, size_t len)
{
	if (wbuf_reserve(b, len) < 0)
		return;
	if (len)
		memcpy(b->p + b->len, data, len);
	b->len += len;
	b->p[b->len] = '\0';
}

void wbuf_puts(struct wbuf *b, const char *s)
{
	wbuf_put(b, s, strlen(s));
}

void wbuf_printf(struct wbuf *b, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	int n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	if (n < 0 || wbuf_reserve(b, (size_t)n) < 0)
		return;
	va_start(ap, fmt);
	vsnprintf(b->p + b->len, (size_t)n + 1, fmt, ap);
	va_end(ap);
	b->len += (size_t)n;
}

void wbuf_free(struct wbuf *b)
{
	free(b->p);
	memset(b, 0, sizeof(*b));
}

/* ------------------------------------------------------------------------ */
/* Responses                                                                 */
/* ------------------------------------------------------------------------ */
void whep_http_date(time_t t, char *buf, size_t n)
{
	/* RFC 9110 §5.6.7 IMF-fixdate, independent of the locale */
	static const char wd[7][4] = {"Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"};
	static const char mo[12][4] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
				       "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
	struct tm tm;
	if (!gmtime_r(&t, &tm) || tm.tm_wday < 0 || tm.tm_wday > 6 || tm.tm_mon < 0 ||
	    tm.tm_mon > 11) {
		t = 0;
		gmtime_r(&t, &tm);
	}
	snprintf(buf, n, "%s, %02d %s %04d %02d:%02d:%02d GMT", wd[tm.tm_wday], tm.tm_mday,
		 mo[tm.tm_mon], tm.tm_year + 1900, tm.tm_hour, tm.tm_min, tm.tm_sec);
}

void whep_conn_close(struct sg_whep_conn *c)
{
	c->closing = true;
	c->st = CS_CLOSED;
	whep_req_reset(&c->req);
	free(c->in);
	c->in = NULL;
	c->in_len = c->in_cap = 0;
}

static void out_started(struct sg_whep_conn *c, size_t before, uint64_t now)
{
	if (before == c->out_off && c->out.len > before)
		c->out_since = now;
}

void whep_respond_continue(struct sg_whep_conn *c)
{
	size_t before = c->out.len;
	wbuf_puts(&c->out, "HTTP/1.1 100 Continue\r\n\r\n");
	whep_count_status(c->srv, 100);
	out_started(c, before, c->head_done);
}

void whep_respond(struct sg_whep_conn *c, const struct whep_resp *r, uint64_t now)
{
	struct sg_whep_server *s = c->srv;
	struct wbuf *o = &c->out;
	size_t before = o->len;
	bool close = r->close || !c->keep_alive || c->closing;
	char date[40];
	time_t t = s->cb->wall_clock ? s->cb->wall_clock(s->arg) : time(NULL);
	whep_http_date(t, date, sizeof(date));

	/* RFC 9112 §4: status-line; we always speak HTTP/1.1 (§2.5) */
	wbuf_printf(o, "HTTP/1.1 %d %s\r\nDate: %s\r\nServer: streamgate\r\n", r->status,
		    sg_whep_status_reason(r->status), date);
	/* CORS (Fetch standard): every response may be read cross-origin */
	wbuf_printf(o, "Access-Control-Allow-Origin: %s\r\n", s->origin);
	if (strcmp(s->origin, "*"))
		wbuf_puts(o, "Vary: Origin\r\n");
	wbuf_puts(o, "Access-Control-Expose-Headers: Location, ETag, Link, Accept-Patch\r\n");
	wbuf_printf(o, "Cache-Control: %s\r\n", r->cache ? r->cache : "no-store");
	wbuf_puts(o, "X-Content-Type-Options: nosniff\r\n");
	if (r->extra)
		wbuf_puts(o, r->extra);
	/* RFC 9110 §8.6: no Content-Length in 1xx / 204 */
	if (r->status != 204) {
		if (r->ctype)
			wbuf_printf(o, "Content-Type: %s\r\n", r->ctype);
		wbuf_printf(o, "Content-Length: %zu\r\n", r->body_len);
	}
	if (close)
		wbuf_puts(o, "Connection: close\r\n"); /* RFC 9112 §9.6 */
	else if (c->req.minor == 0)
		wbuf_puts(o, "Connection: keep-alive\r\n");
	wbuf_puts(o, "\r\n");
	if (r->status != 204 && !r->head_only && r->body_len)
		wbuf_put(o, r->body, r->body_len);
	whep_count_status(s, r->status);
	if (o->oom) {
		/* nothing coherent can be sent any more */
		s->ctr.error[SG_WHEP_E_oom]++;
		o->len = c->out_off = 0;
		o->oom = false;
		close = true;
	}
	out_started(c, before, now);
	if (close)
		whep_conn_close(c);
}

void whep_respond_error(struct sg_whep_conn *c, int status, const char *reason,
			const char *extra, bool close, uint64_t now)
{
	char body[SG_WHEP_REASON_MAX + 2];
	size_t n = 0;
	if (!reason || !*reason)
		reason = sg_whep_status_reason(status);
	/* one line of printable text */
	for (const char *p = reason; *p && n < SG_WHEP_REASON_MAX; p++)
		body[n++] = ((unsigned char)*p < 0x20 || *p == 0x7f) ? ' ' : *p;
	body[n++] = '\n';
	struct whep_resp r = {
		.status = status, .ctype = "text/plain; charset=utf-8", .body = body,
		.body_len = n, .extra = extra, .close = close,
		.head_only = c->req.method == SG_WHEP_M_HEAD,
	};
	whep_respond(c, &r, now);
}
