/* SPDX-License-Identifier: BSD-3-Clause
 * Sans-IO RTSP client engine (RFC 2326 §10): OPTIONS → DESCRIBE → SETUP per
 * media → PLAY → keep-alive → TEARDOWN, with 401 Digest/Basic retry,
 * 301/302 redirects, CSeq matching and interleaved frames.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "rtsp_priv.h"

enum cstate {
	CS_INIT = 0,   /* not started (waiting for _start) */
	CS_OPTIONS,
	CS_DESCRIBE,
	CS_SETUP,      /* SDP delivered; SETUPs queued / in flight */
	CS_PLAY,       /* PLAY sent */
	CS_PLAYING,
	CS_TEARDOWN,
	CS_CLOSED,
	CS_ERROR,
	CS_RECONNECT,  /* redirected: waiting for _start on a new connection */
};

#define MAX_PEND 4

struct pend {
	uint32_t cseq;
	enum sg_rtsp_method m;
	int media;       /* SETUP: media index */
	uint64_t sent_ns;
	unsigned tries;  /* 401 retries done */
	bool keepalive;
};

struct cmedia {
	char url[SG_RTSP_URL_MAX];
	uint16_t rtp_port;
	bool done;
};

struct sg_rtsp_client {
	sg_rtsp_client_cb cb;
	void *ctx;
	enum sg_rtsp_lower transport;
	char user_agent[64];
	unsigned max_redirects;
	uint64_t req_timeout_ns;

	struct sg_rtsp_url url;       /* holds credentials */
	char req_url[SG_RTSP_URL_MAX]; /* without credentials */
	char base[SG_RTSP_URL_MAX];
	struct sg_rtsp_parser *parser;
	struct rtsp_obuf out;
	enum cstate st;
	uint32_t cseq;
	struct pend pend[MAX_PEND];
	unsigned n_pend;

	bool have_chal;
	struct sg_rtsp_auth_challenge chal;
	uint32_t nc;

	bool has_get_parameter;
	char session[128];
	unsigned timeout_s;
	struct cmedia media[SG_RTSP_MAX_MEDIA];
	unsigned n_media, n_done;
	bool setup_inflight, play_requested;
	uint64_t keepalive_at;
	unsigned redirects;
	uint64_t now;
	struct sg_rtsp_rtpinfo rtpinfo[SG_RTSP_MAX_MEDIA];
};

static void emit(struct sg_rtsp_client *c, const struct sg_rtsp_client_event *ev)
{
	if (c->cb)
		c->cb(c->ctx, ev);
}

static int fail(struct sg_rtsp_client *c, int status, int err, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));
static int fail(struct sg_rtsp_client *c, int status, int err, const char *fmt, ...)
{
	char reason[256], red[SG_RTSP_URL_MAX];
	va_list ap;
	if (c->st == CS_ERROR)
		return err;
	va_start(ap, fmt);
	vsnprintf(reason, sizeof(reason), fmt, ap);
	va_end(ap);
	c->st = CS_ERROR;
	c->n_pend = 0;
	sg_rtsp_url_redact(c->req_url, red, sizeof(red));
	SG_WARN(RTSP_TAG, "%s: %s", red, reason);
	struct sg_rtsp_client_event ev = {.type = SG_RTSP_CEV_ERROR};
	ev.error.status = status;
	ev.error.err = err;
	ev.error.reason = reason;
	emit(c, &ev);
	return err;
}

static int set_url(struct sg_rtsp_client *c, const char *s)
{
	struct sg_rtsp_url u;
	int r = sg_rtsp_url_parse(s, &u);
	if (r)
		return r;
	if (!u.has_user && c->url.has_user && !strcasecmp(u.host, c->url.host)) {
		/* redirected on the same host: keep the credentials */
		memcpy(u.user, c->url.user, sizeof(u.user));
		memcpy(u.pass, c->url.pass, sizeof(u.pass));
		u.has_user = true;
	}
	sg_secure_zero(&c->url, sizeof(c->url));
	c->url = u;
	sg_secure_zero(&u, sizeof(u));
	r = sg_rtsp_url_format(&c->url, c->req_url, sizeof(c->req_url));
	sg_strlcpy(c->base, c->req_url, sizeof(c->base));
	return r;
}

struct sg_rtsp_client *sg_rtsp_client_new(const struct sg_rtsp_client_cfg *cfg)
{
	struct sg_rtsp_client *c;
	if (!cfg || !cfg->url || !cfg->cb ||
	    (cfg->transport != SG_RTSP_LOWER_UDP && cfg->transport != SG_RTSP_LOWER_TCP)) {
		errno = EINVAL;
		return NULL;
	}
	c = calloc(1, sizeof(*c));
	if (!c) {
		errno = ENOMEM;
		return NULL;
	}
	c->cb = cfg->cb;
	c->ctx = cfg->ctx;
	c->transport = cfg->transport;
	sg_strlcpy(c->user_agent, cfg->user_agent ? cfg->user_agent : "streamgate", sizeof(c->user_agent));
	c->max_redirects = cfg->max_redirects ? cfg->max_redirects : 3;
	c->req_timeout_ns = (uint64_t)(cfg->request_timeout_ms ? cfg->request_timeout_ms : 10000) * 1000000ull;
	c->out.max = 256 * 1024;
	if (set_url(c, cfg->url)) {
		errno = EINVAL;
		goto err;
	}
	c->parser = sg_rtsp_parser_new(0);
	if (!c->parser)
		goto err;
	return c;
err:
	sg_rtsp_client_free(c);
	return NULL;
}

void sg_rtsp_client_free(struct sg_rtsp_client *c)
{
	if (!c)
		return;
	sg_rtsp_parser_free(c->parser);
	rtsp_obuf_free(&c->out);
	sg_secure_zero(c, sizeof(*c));
	free(c);
}

void sg_rtsp_client_target(const struct sg_rtsp_client *c, const char **host, uint16_t *port, bool *tls)
{
	if (host)
		*host = c->url.host;
	if (port)
		*port = c->url.port;
	if (tls)
		*tls = c->url.tls;
}

const char *sg_rtsp_client_session(const struct sg_rtsp_client *c, unsigned *timeout_s)
{
	if (timeout_s)
		*timeout_s = c->timeout_s;
	return c->session;
}

const uint8_t *sg_rtsp_client_output(const struct sg_rtsp_client *c, size_t *len)
{
	*len = c->out.len;
	return c->out.p;
}

void sg_rtsp_client_output_consume(struct sg_rtsp_client *c, size_t n)
{
	rtsp_obuf_consume(&c->out, n);
}

/* Build and queue one request (RFC 2326 §6). */
static int send_req(struct sg_rtsp_client *c, enum sg_rtsp_method m, int media, unsigned tries,
		    bool keepalive)
{
	struct rtsp_obuf *o = &c->out;
	const char *uri = media >= 0 ? c->media[media].url : (m == SG_RTSP_M_OPTIONS && keepalive ? c->base : c->req_url);
	size_t mark = o->len;
	int r;

	if (c->n_pend >= MAX_PEND)
		return fail(c, 0, -ENOBUFS, "too many requests in flight");
	if (m == SG_RTSP_M_PLAY || m == SG_RTSP_M_TEARDOWN ||
	    (m == SG_RTSP_M_GET_PARAMETER && keepalive))
		uri = c->base; /* aggregate control URL (RFC 2326 §C.1.1) */
	uint32_t cseq = ++c->cseq;
	r = rtsp_obuf_printf(o, "%s %s RTSP/1.0\r\nCSeq: %u\r\nUser-Agent: %s\r\n",
			     sg_rtsp_method_name(m), uri, cseq, c->user_agent);
	if (!r && c->have_chal) {
		char authz[2048];
		if (c->chal.scheme == SG_RTSP_AUTH_DIGEST && c->chal.qop_auth)
			c->nc++;
		r = sg_rtsp_auth_build(&c->chal, c->url.user, c->url.pass, sg_rtsp_method_name(m), uri,
				       c->nc, NULL, authz, sizeof(authz));
		if (!r)
			r = rtsp_obuf_printf(o, "Authorization: %s\r\n", authz);
		sg_secure_zero(authz, sizeof(authz));
	}
	if (!r && c->session[0] && ((m != SG_RTSP_M_OPTIONS && m != SG_RTSP_M_DESCRIBE) || keepalive))
		r = rtsp_obuf_printf(o, "Session: %s\r\n", c->session);
	if (!r && m == SG_RTSP_M_DESCRIBE)
		r = rtsp_obuf_printf(o, "Accept: application/sdp\r\n");
	if (!r && m == SG_RTSP_M_SETUP) {
		/* RFC 2326 §12.39 */
		if (c->transport == SG_RTSP_LOWER_TCP)
			r = rtsp_obuf_printf(o, "Transport: RTP/AVP/TCP;unicast;interleaved=%d-%d\r\n",
					     2 * media, 2 * media + 1);
		else
			r = rtsp_obuf_printf(o, "Transport: RTP/AVP;unicast;client_port=%u-%u\r\n",
					     c->media[media].rtp_port, c->media[media].rtp_port + 1u);
	}
	if (!r && m == SG_RTSP_M_PLAY)
		r = rtsp_obuf_printf(o, "Range: npt=0.000-\r\n");
	if (!r)
		r = rtsp_obuf_printf(o, "\r\n");
	if (r) {
		o->len = mark;
		return fail(c, 0, r, "cannot build %s request", sg_rtsp_method_name(m));
	}
	struct pend *p = &c->pend[c->n_pend++];
	p->cseq = cseq;
	p->m = m;
	p->media = media;
	p->sent_ns = c->now;
	p->tries = tries;
	p->keepalive = keepalive;
	return 0;
}

int sg_rtsp_client_start(struct sg_rtsp_client *c, uint64_t now_ns)
{
	if (c->st != CS_INIT && c->st != CS_RECONNECT)
		return -EALREADY;
	c->now = now_ns;
	c->st = CS_OPTIONS;
	return send_req(c, SG_RTSP_M_OPTIONS, -1, 0, false);
}

int sg_rtsp_client_restart(struct sg_rtsp_client *c, enum sg_rtsp_lower transport)
{
	c->transport = transport;
	c->st = CS_INIT;
	c->n_pend = 0;
	c->n_media = c->n_done = 0;
	c->setup_inflight = c->play_requested = false;
	c->session[0] = '\0';
	c->timeout_s = 0;
	c->keepalive_at = 0;
	c->out.len = 0;
	sg_rtsp_parser_reset(c->parser);
	return 0;
}

static int next_setup(struct sg_rtsp_client *c)
{
	if (c->setup_inflight)
		return 0;
	if (c->n_done < c->n_media) {
		c->setup_inflight = true;
		return send_req(c, SG_RTSP_M_SETUP, (int)c->n_done, 0, false);
	}
	if (c->play_requested && c->n_media && c->st == CS_SETUP) {
		c->st = CS_PLAY;
		return send_req(c, SG_RTSP_M_PLAY, -1, 0, false);
	}
	return 0;
}

int sg_rtsp_client_setup_media(struct sg_rtsp_client *c, const char *control, uint16_t rtp_port)
{
	if (c->st != CS_SETUP || c->play_requested)
		return -EPROTO;
	if (!control)
		return -EINVAL;
	if (c->n_media >= SG_RTSP_MAX_MEDIA)
		return -E2BIG;
	if (c->transport == SG_RTSP_LOWER_UDP && (rtp_port == 0 || rtp_port & 1 || rtp_port == 65535))
		return -EINVAL;
	struct cmedia *m = &c->media[c->n_media];
	if (sg_rtsp_url_resolve(c->base, control, m->url, sizeof(m->url)))
		return -EINVAL;
	m->rtp_port = rtp_port;
	m->done = false;
	int idx = (int)c->n_media++;
	int r = next_setup(c);
	return r ? r : idx;
}

int sg_rtsp_client_play(struct sg_rtsp_client *c)
{
	if (c->st != CS_SETUP || !c->n_media || c->play_requested)
		return -EPROTO;
	c->play_requested = true;
	return next_setup(c);
}

int sg_rtsp_client_teardown(struct sg_rtsp_client *c, uint64_t now_ns)
{
	c->now = now_ns;
	if (c->st == CS_CLOSED || c->st == CS_ERROR || c->st == CS_TEARDOWN)
		return -EPROTO;
	if (!c->session[0] || c->st == CS_INIT || c->st == CS_RECONNECT) {
		c->st = CS_CLOSED;
		struct sg_rtsp_client_event ev = {.type = SG_RTSP_CEV_CLOSED};
		emit(c, &ev);
		return 0;
	}
	c->st = CS_TEARDOWN;
	c->n_pend = 0; /* answers to anything else no longer matter */
	return send_req(c, SG_RTSP_M_TEARDOWN, -1, 0, false);
}

uint64_t sg_rtsp_client_next_deadline(const struct sg_rtsp_client *c)
{
	uint64_t d = UINT64_MAX;
	if (c->st == CS_ERROR || c->st == CS_CLOSED || c->st == CS_INIT || c->st == CS_RECONNECT)
		return d;
	for (unsigned i = 0; i < c->n_pend; i++)
		d = SG_MIN(d, c->pend[i].sent_ns + c->req_timeout_ns);
	if (c->st == CS_PLAYING && c->keepalive_at)
		d = SG_MIN(d, c->keepalive_at);
	return d;
}

static void arm_keepalive(struct sg_rtsp_client *c)
{
	unsigned t = c->timeout_s ? c->timeout_s : 60;
	/* RFC 2326 §12.37: refresh before the session timeout; half of it */
	c->keepalive_at = c->now + (uint64_t)t * 1000000000ull / 2;
}

int sg_rtsp_client_tick(struct sg_rtsp_client *c, uint64_t now_ns)
{
	c->now = now_ns;
	if (c->st == CS_ERROR || c->st == CS_CLOSED || c->st == CS_INIT || c->st == CS_RECONNECT)
		return 0;
	for (unsigned i = 0; i < c->n_pend; i++) {
		if (now_ns - c->pend[i].sent_ns < c->req_timeout_ns)
			continue;
		if (c->pend[i].m == SG_RTSP_M_TEARDOWN) {
			c->st = CS_CLOSED;
			c->n_pend = 0;
			struct sg_rtsp_client_event ev = {.type = SG_RTSP_CEV_CLOSED};
			emit(c, &ev);
			return 0;
		}
		return fail(c, 0, -ETIMEDOUT, "no answer to %s", sg_rtsp_method_name(c->pend[i].m));
	}
	if (c->st == CS_PLAYING && c->keepalive_at && now_ns >= c->keepalive_at) {
		arm_keepalive(c);
		return send_req(c, c->has_get_parameter ? SG_RTSP_M_GET_PARAMETER : SG_RTSP_M_OPTIONS,
				-1, 0, true);
	}
	return 0;
}

/* ---- responses -------------------------------------------------------------- */
static int on_401(struct sg_rtsp_client *c, const struct sg_rtsp_msg *m, struct pend *p)
{
	struct sg_rtsp_auth_challenge ch;
	if (!c->url.has_user)
		return fail(c, 401, -EACCES, "%s: authentication required but the URL has no credentials",
			    sg_rtsp_method_name(p->m));
	if (sg_rtsp_auth_challenge_pick(m, &ch))
		return fail(c, 401, -EPROTONOSUPPORT, "%s: no supported authentication challenge",
			    sg_rtsp_method_name(p->m));
	/* one retry with credentials; one more only if the server said the
	 * nonce went stale (RFC 7616 §3.3) */
	if (p->tries >= 2 || (p->tries == 1 && !ch.stale))
		return fail(c, 401, -EACCES, "%s: authentication failed (wrong credentials?)",
			    sg_rtsp_method_name(p->m));
	c->chal = ch;
	c->have_chal = true;
	c->nc = 0;
	struct pend again = *p;
	return send_req(c, again.m, again.media, again.tries + 1, again.keepalive);
}

static int on_redirect(struct sg_rtsp_client *c, const struct sg_rtsp_msg *m)
{
	const char *loc = sg_rtsp_msg_header(m, "Location");
	if (!loc)
		return fail(c, m->status, -EBADMSG, "redirect without Location");
	if (++c->redirects > c->max_redirects)
		return fail(c, m->status, -ELOOP, "too many redirects");
	if (set_url(c, loc))
		return fail(c, m->status, -EINVAL, "redirect to an invalid URL");
	sg_rtsp_client_restart(c, c->transport);
	c->have_chal = false;
	c->st = CS_RECONNECT;
	struct sg_rtsp_client_event ev = {.type = SG_RTSP_CEV_RECONNECT};
	ev.reconnect.host = c->url.host;
	ev.reconnect.port = c->url.port;
	ev.reconnect.tls = c->url.tls;
	emit(c, &ev);
	return 0;
}

static int take_session(struct sg_rtsp_client *c, const struct sg_rtsp_msg *m)
{
	const char *s = sg_rtsp_msg_header(m, "Session");
	unsigned to = 0;
	char id[sizeof(c->session)];
	if (!s)
		return c->session[0] ? 0 : -ENOENT;
	if (sg_rtsp_session_parse(s, id, sizeof(id), &to))
		return -EINVAL;
	if (c->session[0] && strcmp(id, c->session))
		return -EPROTO;
	memcpy(c->session, id, sizeof(id));
	if (to)
		c->timeout_s = to;
	return 0;
}

static int on_setup_ok(struct sg_rtsp_client *c, const struct sg_rtsp_msg *m, struct pend *p)
{
	struct sg_rtsp_client_event ev = {.type = SG_RTSP_CEV_MEDIA_SETUP};
	const char *tr = sg_rtsp_msg_header(m, "Transport");
	int r = take_session(c, m);
	if (r == -ENOENT)
		return fail(c, m->status, -EBADMSG, "SETUP answer has no Session");
	if (r == -EPROTO)
		return fail(c, m->status, -EPROTO, "SETUP answer changed the Session id");
	if (r)
		return fail(c, m->status, -EBADMSG, "SETUP answer has a malformed Session");
	if (!tr || sg_rtsp_transport_parse(tr, &ev.media.transport))
		return fail(c, m->status, -EBADMSG, "SETUP answer has no valid Transport");
	struct sg_rtsp_transport *t = &ev.media.transport;
	if (c->transport == SG_RTSP_LOWER_TCP) {
		if (t->lower != SG_RTSP_LOWER_TCP)
			return fail(c, 461, -EPROTONOSUPPORT, "asked for TCP, server answered UDP");
		if (!t->has_interleaved) {
			t->has_interleaved = true;
			t->interleaved[0] = (uint8_t)(2 * p->media);
			t->interleaved[1] = (uint8_t)(2 * p->media + 1);
		}
	} else {
		if (t->lower != SG_RTSP_LOWER_UDP)
			return fail(c, 461, -EPROTONOSUPPORT, "asked for UDP, server answered TCP");
		if (!t->has_server_port)
			return fail(c, m->status, -EBADMSG, "SETUP answer has no server_port");
	}
	c->media[p->media].done = true;
	c->n_done++;
	c->setup_inflight = false;
	ev.media.idx = (unsigned)p->media;
	ev.media.url = c->media[p->media].url;
	emit(c, &ev);
	if (c->st != CS_SETUP)
		return 0; /* the callback tore down or failed */
	return next_setup(c);
}

static int on_response(struct sg_rtsp_client *c, const struct sg_rtsp_msg *m)
{
	long cseq = sg_rtsp_msg_cseq(m);
	int idx = -1;
	for (unsigned i = 0; i < c->n_pend; i++)
		if ((long)c->pend[i].cseq == cseq)
			idx = (int)i;
	if (idx < 0 && cseq < 0 && c->n_pend == 1)
		idx = 0; /* some cameras omit CSeq */
	if (idx < 0) {
		if (cseq >= 0 && cseq <= (long)c->cseq) {
			SG_DEBUG(RTSP_TAG, "ignoring late answer CSeq %ld", cseq);
			return 0;
		}
		return fail(c, 0, -EPROTO, "answer with unexpected CSeq %ld", cseq);
	}
	struct pend p = c->pend[idx];
	c->pend[idx] = c->pend[--c->n_pend];

	if (p.m == SG_RTSP_M_TEARDOWN) {
		c->st = CS_CLOSED;
		struct sg_rtsp_client_event ev = {.type = SG_RTSP_CEV_CLOSED};
		emit(c, &ev);
		return 0;
	}
	if (p.keepalive) {
		if (m->status == 454)
			return fail(c, 454, -ENOENT, "keep-alive: session lost");
		if (m->status == 401)
			return on_401(c, m, &p);
		return 0; /* 405/501 to a keep-alive still refreshed the session */
	}
	if (m->status == 401)
		return on_401(c, m, &p);
	if ((m->status == 301 || m->status == 302) &&
	    (p.m == SG_RTSP_M_OPTIONS || p.m == SG_RTSP_M_DESCRIBE))
		return on_redirect(c, m);

	switch (p.m) {
	case SG_RTSP_M_OPTIONS: {
		/* Any non-auth failure of OPTIONS is tolerated: DESCRIBE decides. */
		const char *pub = sg_rtsp_msg_header(m, "Public");
		c->has_get_parameter = m->status == 200 && pub && rtsp_public_has(pub, "GET_PARAMETER");
		c->st = CS_DESCRIBE;
		return send_req(c, SG_RTSP_M_DESCRIBE, -1, 0, false);
	}
	case SG_RTSP_M_DESCRIBE: {
		if (m->status != 200)
			return fail(c, m->status, -ECONNREFUSED, "DESCRIBE: %d %s", m->status, m->reason);
		if (!m->body_len)
			return fail(c, m->status, -EBADMSG, "DESCRIBE answer has no SDP");
		/* RFC 2326 §C.1.1: Content-Base, then Content-Location, then the request URL */
		const char *b = sg_rtsp_msg_header(m, "Content-Base");
		if (!b)
			b = sg_rtsp_msg_header(m, "Content-Location");
		struct sg_rtsp_url bu;
		if (b && !sg_rtsp_url_parse(b, &bu)) {
			sg_rtsp_url_format(&bu, c->base, sizeof(c->base)); /* drop credentials */
			sg_secure_zero(&bu, sizeof(bu));
		} else {
			sg_strlcpy(c->base, c->req_url, sizeof(c->base));
		}
		c->st = CS_SETUP;
		struct sg_rtsp_client_event ev = {.type = SG_RTSP_CEV_SDP};
		ev.sdp.body = m->body;
		ev.sdp.len = m->body_len;
		ev.sdp.base = c->base;
		ev.sdp.content_type = sg_rtsp_msg_header(m, "Content-Type");
		emit(c, &ev);
		return 0;
	}
	case SG_RTSP_M_SETUP:
		if (m->status != 200)
			return fail(c, m->status, m->status == 461 ? -EPROTONOSUPPORT : -ECONNREFUSED,
				    "SETUP %s: %d %s", c->media[p.media].url, m->status, m->reason);
		return on_setup_ok(c, m, &p);
	case SG_RTSP_M_PLAY: {
		if (m->status != 200)
			return fail(c, m->status, -ECONNREFUSED, "PLAY: %d %s", m->status, m->reason);
		int r = take_session(c, m);
		if (r && r != -ENOENT)
			return fail(c, m->status, -EPROTO, "PLAY answer has a bad Session");
		struct sg_rtsp_client_event ev = {.type = SG_RTSP_CEV_PLAYING};
		const char *ri = sg_rtsp_msg_header(m, "RTP-Info");
		int n = ri ? sg_rtsp_rtpinfo_parse(ri, c->rtpinfo, SG_RTSP_MAX_MEDIA) : 0;
		ev.playing.rtpinfo = c->rtpinfo;
		ev.playing.n_rtpinfo = n > 0 ? (unsigned)n : 0;
		c->st = CS_PLAYING;
		arm_keepalive(c);
		emit(c, &ev);
		return 0;
	}
	default:
		return 0;
	}
}

/* A request from the server (RFC 2326 §10: servers may send GET/SET_PARAMETER, OPTIONS). */
static int on_server_request(struct sg_rtsp_client *c, const struct sg_rtsp_msg *m)
{
	long cseq = sg_rtsp_msg_cseq(m);
	bool ok = m->method == SG_RTSP_M_OPTIONS || m->method == SG_RTSP_M_GET_PARAMETER ||
		  m->method == SG_RTSP_M_SET_PARAMETER;
	int r = rtsp_obuf_printf(&c->out, "RTSP/1.0 %s\r\nCSeq: %ld\r\n\r\n",
				 ok ? "200 OK" : "501 Not Implemented", cseq < 0 ? 0 : cseq);
	return r ? fail(c, 0, r, "output buffer full") : 0;
}

int sg_rtsp_client_feed(struct sg_rtsp_client *c, const uint8_t *buf, size_t len, uint64_t now_ns)
{
	struct sg_rtsp_event ev;
	size_t used;
	c->now = now_ns;
	while (len) {
		if (c->st == CS_ERROR)
			return -EPROTO;
		if (c->st == CS_CLOSED || c->st == CS_RECONNECT || c->st == CS_INIT)
			return 0; /* bytes after the end of this connection's life */
		int r = sg_rtsp_parser_feed(c->parser, buf, len, &used, &ev);
		if (r < 0)
			return fail(c, 0, r, "malformed answer: %s", sg_rtsp_parser_error(c->parser));
		buf += used;
		len -= used;
		if (r == 0)
			break;
		if (ev.type == SG_RTSP_EV_FRAME) {
			struct sg_rtsp_client_event fe = {.type = SG_RTSP_CEV_FRAME};
			fe.frame.channel = ev.frame.channel;
			fe.frame.data = ev.frame.data;
			fe.frame.len = ev.frame.len;
			emit(c, &fe);
			continue;
		}
		r = ev.msg.is_response ? on_response(c, &ev.msg) : on_server_request(c, &ev.msg);
		if (r < 0)
			return r;
	}
	return c->st == CS_ERROR ? -EPROTO : 0;
}
