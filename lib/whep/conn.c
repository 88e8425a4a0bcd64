/* SPDX-License-Identifier: BSD-3-Clause
 * lib/whep: server object, connection lifecycle, input/output plumbing and
 * timeouts (RFC 9112 §9.5 idle connections, RFC 9110 §15.5.9 408).
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/crypto.h>

#include "sg_common.h"
#include "whep_priv.h"

#define MS(x) ((uint64_t)(x) * 1000000ull)
#define LIMIT_MAX (1024u * 1024u)

struct sg_whep_server *sg_whep_server_create(const struct sg_whep_conf *conf,
					     const struct sg_whep_cb *cb, void *arg)
{
	struct sg_whep_server *s;
	if (!cb || !cb->lookup || !cb->offer || !cb->session || !cb->del)
		goto einval;
	const char *origin = conf && conf->cors_origin ? conf->cors_origin : "*";
	if (!*origin || strlen(origin) > 255 || strpbrk(origin, "\r\n"))
		goto einval;
	if (conf && (conf->max_body > LIMIT_MAX || conf->max_answer > LIMIT_MAX))
		goto einval;
	s = calloc(1, sizeof(*s));
	if (!s) {
		errno = ENOMEM;
		return NULL;
	}
	if (conf)
		s->conf = *conf;
	s->conf.cors_origin = NULL; /* the copy in s->origin is used */
	sg_strlcpy(s->origin, origin, sizeof(s->origin));
	if (!s->conf.cors_max_age_s)
		s->conf.cors_max_age_s = 600;
	if (!s->conf.max_body)
		s->conf.max_body = SG_WHEP_DEFAULT_MAX_BODY;
	if (!s->conf.max_answer)
		s->conf.max_answer = SG_WHEP_DEFAULT_MAX_ANSWER;
	if (!s->conf.header_timeout_ms)
		s->conf.header_timeout_ms = 10000;
	if (!s->conf.body_timeout_ms)
		s->conf.body_timeout_ms = 30000;
	if (!s->conf.idle_timeout_ms)
		s->conf.idle_timeout_ms = 60000;
	s->cb = cb;
	s->arg = arg;
	return s;
einval:
	errno = EINVAL;
	return NULL;
}

void sg_whep_server_free(struct sg_whep_server *srv)
{
	free(srv);
}

const struct sg_whep_counters *sg_whep_server_counters(const struct sg_whep_server *srv)
{
	return srv ? &srv->ctr : NULL;
}

struct sg_whep_conn *sg_whep_conn_create(struct sg_whep_server *srv, uint64_t now_ns)
{
	if (!srv) {
		errno = EINVAL;
		return NULL;
	}
	struct sg_whep_conn *c = calloc(1, sizeof(*c));
	if (!c) {
		srv->ctr.error[SG_WHEP_E_oom]++;
		errno = ENOMEM;
		return NULL;
	}
	c->srv = srv;
	c->st = CS_HEAD;
	c->idle_since = now_ns;
	srv->ctr.conns++;
	return c;
}

void sg_whep_conn_free(struct sg_whep_conn *c)
{
	if (!c)
		return;
	whep_req_reset(&c->req);
	free(c->in);
	wbuf_free(&c->out);
	free(c);
}

static int in_reserve(struct sg_whep_conn *c, size_t need)
{
	if (need <= c->in_cap)
		return 0;
	size_t cap = c->in_cap ? c->in_cap : WHEP_IN_MIN;
	while (cap < need)
		cap *= 2;
	if (cap > WHEP_IN_MAX)
		cap = WHEP_IN_MAX;
	uint8_t *p = realloc(c->in, cap);
	if (!p)
		return -ENOMEM;
	c->in = p;
	c->in_cap = cap;
	return 0;
}

int sg_whep_conn_input(struct sg_whep_conn *c, const uint8_t *buf, size_t len, uint64_t now_ns)
{
	if (!c || (!buf && len))
		return -EINVAL;
	while (len) {
		if (c->closing) {
			c->srv->ctr.error[SG_WHEP_E_discarded_bytes] += len;
			return 0;
		}
		size_t space = WHEP_IN_MAX - c->in_len;
		if (!space) {
			/* the caller fed more than read_room() */
			c->srv->ctr.error[SG_WHEP_E_input_overflow]++;
			whep_conn_close(c);
			return -ENOBUFS;
		}
		size_t take = SG_MIN(len, space);
		if (in_reserve(c, c->in_len + take) < 0) {
			c->srv->ctr.error[SG_WHEP_E_oom]++;
			whep_conn_close(c);
			return -ENOMEM;
		}
		memcpy(c->in + c->in_len, buf, take);
		c->in_len += take;
		buf += take;
		len -= take;
		whep_process(c, now_ns);
	}
	return 0;
}

size_t sg_whep_conn_read_room(const struct sg_whep_conn *c)
{
	return c && !c->closing ? WHEP_IN_MAX - c->in_len : 0;
}

bool sg_whep_conn_want_read(const struct sg_whep_conn *c)
{
	return sg_whep_conn_read_room(c) > 0;
}

size_t sg_whep_conn_output(const struct sg_whep_conn *c, const uint8_t **data)
{
	if (!c || c->out.len <= c->out_off) {
		if (data)
			*data = NULL;
		return 0;
	}
	if (data)
		*data = (const uint8_t *)c->out.p + c->out_off;
	return c->out.len - c->out_off;
}

void sg_whep_conn_output_consume(struct sg_whep_conn *c, size_t n, uint64_t now_ns)
{
	if (!c)
		return;
	size_t pending = c->out.len - c->out_off;
	if (n > pending)
		n = pending;
	if (!n)
		return;
	c->out_off += n;
	c->out_since = now_ns;
	if (c->out_off < c->out.len)
		return;
	c->out.len = c->out_off = 0;
	if (c->out.cap > WHEP_OUT_KEEP)
		wbuf_free(&c->out);
	if (c->st == CS_HEAD && !c->in_len)
		c->idle_since = now_ns;
	/* the next pipelined request, if any, may go now */
	whep_process(c, now_ns);
}

bool sg_whep_conn_want_close(const struct sg_whep_conn *c)
{
	return !c || c->closing;
}

uint64_t sg_whep_conn_deadline(const struct sg_whep_conn *c)
{
	if (!c)
		return UINT64_MAX;
	const struct sg_whep_conf *k = &c->srv->conf;
	uint64_t d = UINT64_MAX;
	if (c->out.len > c->out_off)
		d = c->out_since + MS(k->idle_timeout_ms); /* peer not reading */
	if (c->closing)
		return d;
	switch (c->st) {
	case CS_HEAD:
		if (c->req_start)
			d = SG_MIN(d, c->req_start + MS(k->header_timeout_ms));
		else if (c->out.len <= c->out_off)
			d = SG_MIN(d, c->idle_since + MS(k->idle_timeout_ms));
		break;
	case CS_BODY_CL:
	case CS_CHUNK_SIZE:
	case CS_CHUNK_DATA:
	case CS_CHUNK_CRLF:
	case CS_TRAILER:
		d = SG_MIN(d, c->head_done + MS(k->body_timeout_ms));
		break;
	default:
		break;
	}
	return d;
}

int sg_whep_conn_tick(struct sg_whep_conn *c, uint64_t now_ns)
{
	if (!c)
		return -EINVAL;
	const struct sg_whep_conf *k = &c->srv->conf;
	struct sg_whep_counters *ctr = &c->srv->ctr;
	if (c->out.len > c->out_off && now_ns >= c->out_since + MS(k->idle_timeout_ms)) {
		ctr->error[SG_WHEP_E_write_stall]++;
		c->out.len = c->out_off = 0; /* nobody will read it */
		whep_conn_close(c);
		return -ETIMEDOUT;
	}
	if (c->closing)
		return 0;
	switch (c->st) {
	case CS_HEAD:
		if (c->req_start && now_ns >= c->req_start + MS(k->header_timeout_ms)) {
			/* slowloris: the head did not arrive in time */
			ctr->error[SG_WHEP_E_header_timeout]++;
			whep_req_reset(&c->req);
			whep_respond_error(c, 408, "request header timeout", NULL, true, now_ns);
			return -ETIMEDOUT;
		}
		if (!c->req_start && c->out.len <= c->out_off &&
		    now_ns >= c->idle_since + MS(k->idle_timeout_ms)) {
			/* RFC 9112 §9.5: idle persistent connection, close quietly */
			ctr->error[SG_WHEP_E_idle_timeout]++;
			whep_conn_close(c);
			return -ETIMEDOUT;
		}
		break;
	case CS_BODY_CL:
	case CS_CHUNK_SIZE:
	case CS_CHUNK_DATA:
	case CS_CHUNK_CRLF:
	case CS_TRAILER:
		if (now_ns >= c->head_done + MS(k->body_timeout_ms)) {
			ctr->error[SG_WHEP_E_body_timeout]++;
			whep_req_reset(&c->req);
			whep_respond_error(c, 408, "request body timeout", NULL, true, now_ns);
			return -ETIMEDOUT;
		}
		break;
	default:
		break;
	}
	return 0;
}

/* ------------------------------------------------------------------------ */
/* Small helpers                                                             */
/* ------------------------------------------------------------------------ */
bool whep_secret_eq(const char *a, const char *b)
{
	/* Fixed-size, zero-padded buffers: the time taken depends on neither
	 * the contents nor the lengths (the lengths are compared in the mix). */
	unsigned char pa[SG_WHEP_TOKEN_MAX + 1] = {0}, pb[SG_WHEP_TOKEN_MAX + 1] = {0};
	size_t la = strnlen(a, sizeof(pa)), lb = strnlen(b, sizeof(pb));
	memcpy(pa, a, SG_MIN(la, sizeof(pa)));
	memcpy(pb, b, SG_MIN(lb, sizeof(pb)));
	int diff = CRYPTO_memcmp(pa, pb, sizeof(pa));
	sg_secure_zero(pa, sizeof(pa));
	sg_secure_zero(pb, sizeof(pb));
	return !diff && la == lb && la <= SG_WHEP_TOKEN_MAX;
}

bool whep_id_valid(const char *s)
{
	size_t n = 0;
	for (; s[n]; n++) {
		char ch = s[n];
		if (!((ch >= '0' && ch <= '9') || (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') ||
		      ch == '-' || ch == '_'))
			return false;
		if (n >= SG_WHEP_ID_MAX)
			return false;
	}
	return n > 0;
}

size_t whep_conn_mem(const struct sg_whep_conn *c)
{
	return c->in_cap + c->req.body_cap + c->out.cap;
}
