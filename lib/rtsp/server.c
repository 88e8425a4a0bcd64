/* SPDX-License-Identifier: BSD-3-Clause
 * Sans-IO RTSP server engine, one per TCP connection (RFC 2326 §10, §11):
 * publishers (ANNOUNCE/SETUP/RECORD) and readers (DESCRIBE/SETUP/PLAY).
 * The daemon answers questions through struct sg_rtsp_server_cbs.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "rtsp_priv.h"

#define PUBLIC_METHODS "OPTIONS, DESCRIBE, ANNOUNCE, SETUP, PLAY, PAUSE, RECORD, TEARDOWN, GET_PARAMETER, SET_PARAMETER"
#define SDP_MAX (64 * 1024)

enum sstate { SS_INIT = 0, SS_READY, SS_PLAYING, SS_RECORDING };

struct sg_rtsp_server {
	const struct sg_rtsp_server_cbs *cbs;
	void *ctx;
	struct sg_rtsp_auth_server *auth;
	uint64_t timeout_ns;
	unsigned timeout_s;
	char name[64];
	struct sg_rtsp_parser *parser;
	struct rtsp_obuf out;
	enum sstate st;
	char session[24];   /* "" when none */
	char path[256];     /* stream path of the session (ANNOUNCE/DESCRIBE/SETUP) */
	bool announced;     /* publish mode */
	struct sg_rtsp_server_media media[SG_RTSP_MAX_MEDIA];
	unsigned n_media;
	uint64_t last_seen, now;
	bool must_close;
};

/* A response being built. */
struct resp {
	int status;
	char hdrs[1536];
	size_t off;
	const uint8_t *body;
	size_t body_len;
	const char *ctype;
};

static void hdr(struct resp *r, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void hdr(struct resp *r, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	if (r->off < sizeof(r->hdrs) - 1) {
		int n = vsnprintf(r->hdrs + r->off, sizeof(r->hdrs) - r->off, fmt, ap);
		if (n > 0)
			r->off = SG_MIN(r->off + (size_t)n, sizeof(r->hdrs) - 1);
	}
	va_end(ap);
}

struct sg_rtsp_server *sg_rtsp_server_new(const struct sg_rtsp_server_cfg *cfg, uint64_t now_ns)
{
	if (!cfg || !cfg->cbs || !cfg->cbs->lookup) {
		errno = EINVAL;
		return NULL;
	}
	struct sg_rtsp_server *s = calloc(1, sizeof(*s));
	if (!s) {
		errno = ENOMEM;
		return NULL;
	}
	s->cbs = cfg->cbs;
	s->ctx = cfg->ctx;
	s->auth = cfg->auth;
	s->timeout_s = cfg->session_timeout_s ? cfg->session_timeout_s : 60;
	s->timeout_ns = (uint64_t)s->timeout_s * 1000000000ull;
	sg_strlcpy(s->name, cfg->server_name ? cfg->server_name : "streamgate", sizeof(s->name));
	s->out.max = 4u * 1024 * 1024;
	s->now = s->last_seen = now_ns;
	s->parser = sg_rtsp_parser_new(0);
	if (!s->parser) {
		free(s);
		errno = ENOMEM;
		return NULL;
	}
	return s;
}

static void end_session(struct sg_rtsp_server *s, const char *why)
{
	if (s->session[0] && s->cbs->on_teardown)
		s->cbs->on_teardown(s->ctx, s->path, why);
	s->session[0] = '\0';
	s->st = SS_INIT;
	s->n_media = 0;
	s->announced = false;
}

void sg_rtsp_server_free(struct sg_rtsp_server *s)
{
	if (!s)
		return;
	end_session(s, "closed");
	sg_rtsp_parser_free(s->parser);
	rtsp_obuf_free(&s->out);
	free(s);
}

const uint8_t *sg_rtsp_server_output(const struct sg_rtsp_server *s, size_t *len)
{
	*len = s->out.len;
	return s->out.p;
}

void sg_rtsp_server_output_consume(struct sg_rtsp_server *s, size_t n)
{
	rtsp_obuf_consume(&s->out, n);
}

bool sg_rtsp_server_must_close(const struct sg_rtsp_server *s)
{
	return s->must_close;
}

const char *sg_rtsp_server_session(const struct sg_rtsp_server *s)
{
	return s->session;
}

void sg_rtsp_server_touch(struct sg_rtsp_server *s, uint64_t now_ns)
{
	s->now = s->last_seen = now_ns;
}

uint64_t sg_rtsp_server_next_deadline(const struct sg_rtsp_server *s)
{
	return s->session[0] ? s->last_seen + s->timeout_ns : UINT64_MAX;
}

int sg_rtsp_server_tick(struct sg_rtsp_server *s, uint64_t now_ns)
{
	s->now = now_ns;
	if (!s->session[0] || now_ns < s->last_seen + s->timeout_ns)
		return 0;
	SG_INFO(RTSP_TAG, "session on '%s' timed out", s->path);
	end_session(s, "timeout");
	s->must_close = true;
	return -ETIMEDOUT;
}

int sg_rtsp_server_send_frame(struct sg_rtsp_server *s, uint8_t channel, const uint8_t *data, uint16_t len)
{
	uint8_t h[4];
	if (!len || s->out.len + 4u + len > s->out.max)
		return -ENOBUFS;
	sg_rtsp_interleaved_hdr(h, channel, len);
	if (rtsp_obuf_append(&s->out, h, 4) || rtsp_obuf_append(&s->out, data, len))
		return -ENOBUFS;
	return 0;
}

static int send_resp(struct sg_rtsp_server *s, const struct sg_rtsp_msg *m, struct resp *r)
{
	long cseq = m ? sg_rtsp_msg_cseq(m) : -1;
	int e = rtsp_obuf_printf(&s->out, "RTSP/1.0 %d %s\r\n", r->status, sg_rtsp_status_reason(r->status));
	if (!e && cseq >= 0)
		e = rtsp_obuf_printf(&s->out, "CSeq: %ld\r\n", cseq);
	if (!e)
		e = rtsp_obuf_printf(&s->out, "Server: %s\r\n%.*s", s->name, (int)r->off, r->hdrs);
	if (!e && r->body_len)
		e = rtsp_obuf_printf(&s->out, "Content-Type: %s\r\nContent-Length: %zu\r\n",
				     r->ctype, r->body_len);
	if (!e)
		e = rtsp_obuf_printf(&s->out, "\r\n");
	if (!e && r->body_len)
		e = rtsp_obuf_append(&s->out, r->body, r->body_len);
	if (e)
		s->must_close = true;
	return e;
}

/* Stream path of a request URI: no scheme/authority, no leading or trailing '/', no query. */
static int uri_path(const char *uri, char *out, size_t n)
{
	struct sg_rtsp_url u;
	if (sg_rtsp_url_parse(uri, &u))
		return -EINVAL;
	sg_secure_zero(u.pass, sizeof(u.pass));
	char *p = u.path;
	while (*p == '/')
		p++;
	p[strcspn(p, "?")] = '\0';
	size_t l = strlen(p);
	while (l && p[l - 1] == '/')
		p[--l] = '\0';
	if (l >= n)
		return -ENAMETOOLONG;
	memcpy(out, p, l + 1);
	return 0;
}

static bool path_under(const char *full, const char *base)
{
	size_t bl = strlen(base);
	return bl && !strncmp(full, base, bl) && (full[bl] == '\0' || full[bl] == '/');
}

static int lookup_status(int r)
{
	switch (r) {
	case -ENOENT: return 404;
	case -EACCES: return 403;
	case -EPERM: return 405;
	case -EBUSY: return 455;
	default: return 500;
	}
}

/*
 * Access control for path/act: lookup, then credentials when required.
 * Returns 0 or the status to answer (the 401 carries a challenge).
 */
static int check_access(struct sg_rtsp_server *s, const struct sg_rtsp_msg *m, const char *path,
			enum sg_rtsp_action act, struct resp *rs)
{
	bool need = false;
	int r = s->cbs->lookup(s->ctx, path, act, &need);
	if (r)
		return lookup_status(r);
	if (!need)
		return 0;
	const char *az = sg_rtsp_msg_header(m, "Authorization");
	bool stale = false;
	if (az && s->auth && s->cbs->get_password) {
		struct sg_rtsp_authz a;
		char pass[128];
		if (!sg_rtsp_authz_parse(az, &a)) {
			if (!s->cbs->get_password(s->ctx, path, act, a.username, pass, sizeof(pass))) {
				r = sg_rtsp_auth_server_verify(s->auth, az, m->method_str, a.username,
							       pass, s->now);
				if (r == 0) {
					sg_secure_zero(pass, sizeof(pass));
					sg_rtsp_authz_wipe(&a);
					return 0;
				}
				stale = r == -ESTALE;
			}
			SG_NOTICE(RTSP_TAG, "authentication %s for '%s'", stale ? "stale" : "failed", path);
			sg_secure_zero(pass, sizeof(pass));
			sg_rtsp_authz_wipe(&a);
		}
	}
	if (s->auth) {
		char ch[512];
		if (!sg_rtsp_auth_server_challenge(s->auth, s->now, stale, ch, sizeof(ch)))
			hdr(rs, "WWW-Authenticate: %s\r\n", ch);
	}
	return 401;
}

/* Session header check (RFC 2326 §12.37). 0 or 454. */
static int check_session(struct sg_rtsp_server *s, const struct sg_rtsp_msg *m, bool required)
{
	const char *v = sg_rtsp_msg_header(m, "Session");
	char id[128];
	if (!v)
		return required ? 454 : 0;
	if (sg_rtsp_session_parse(v, id, sizeof(id), NULL) || !s->session[0] || strcmp(id, s->session))
		return 454;
	return 0;
}

static void session_hdr(struct sg_rtsp_server *s, struct resp *rs)
{
	if (s->session[0])
		hdr(rs, "Session: %s;timeout=%u\r\n", s->session, s->timeout_s);
}

static int do_describe(struct sg_rtsp_server *s, const struct sg_rtsp_msg *m, const char *path,
		       struct resp *rs, char *sdp)
{
	int st = check_access(s, m, path, SG_RTSP_ACT_READ, rs);
	if (st)
		return st;
	size_t len = SDP_MAX;
	if (!s->cbs->get_sdp || s->cbs->get_sdp(s->ctx, path, sdp, &len) || len > SDP_MAX)
		return 404;
	if (!s->session[0])
		sg_strlcpy(s->path, path, sizeof(s->path));
	/* RFC 2326 §C.1.1: control URLs are relative to Content-Base */
	hdr(rs, "Content-Base: %s/\r\n", m->uri);
	rs->body = (const uint8_t *)sdp;
	rs->body_len = len;
	rs->ctype = "application/sdp";
	return 200;
}

static int do_announce(struct sg_rtsp_server *s, const struct sg_rtsp_msg *m, const char *path,
		       struct resp *rs)
{
	const char *ct = sg_rtsp_msg_header(m, "Content-Type");
	if (s->st == SS_PLAYING || s->st == SS_RECORDING || s->n_media)
		return 455;
	if (!m->body_len)
		return 400;
	if (ct && strncasecmp(ct, "application/sdp", 15))
		return 415;
	int st = check_access(s, m, path, SG_RTSP_ACT_PUBLISH, rs);
	if (st)
		return st;
	if (s->cbs->on_announce) {
		int r = s->cbs->on_announce(s->ctx, path, m->body, m->body_len);
		if (r)
			return r == -EBUSY ? 455 : 400;
	}
	sg_strlcpy(s->path, path, sizeof(s->path));
	s->announced = true;
	return 200;
}

static int do_setup(struct sg_rtsp_server *s, const struct sg_rtsp_msg *m, const char *full,
		    struct resp *rs)
{
	const char *tv = sg_rtsp_msg_header(m, "Transport");
	struct sg_rtsp_transport t;
	char stream[256];
	int st;

	if ((st = check_session(s, m, false)))
		return st;
	if (s->st == SS_PLAYING || s->st == SS_RECORDING)
		return 455; /* no SETUP while streaming (RFC 2326 §10.4 allows; we don't) */
	if (!tv)
		return 400;
	int r = sg_rtsp_transport_parse(tv, &t);
	if (r == -EINVAL)
		return 400;
	if (r || t.multicast || t.savp)
		return 461;
	if (s->n_media >= SG_RTSP_MAX_MEDIA)
		return 453;
	enum sg_rtsp_action act = s->announced ? SG_RTSP_ACT_PUBLISH : SG_RTSP_ACT_READ;
	if (s->path[0] && path_under(full, s->path)) {
		sg_strlcpy(stream, s->path, sizeof(stream));
	} else if (s->session[0] || s->announced) {
		return 455; /* a second stream in one session */
	} else {
		/* no DESCRIBE first: the URI is the stream or stream/control */
		bool need;
		sg_strlcpy(stream, full, sizeof(stream));
		if (s->cbs->lookup(s->ctx, stream, act, &need) == -ENOENT) {
			char *sl = strrchr(stream, '/');
			if (sl)
				*sl = '\0';
		}
	}
	if (!s->session[0] && (st = check_access(s, m, stream, act, rs)))
		return st;
	unsigned idx = s->n_media;
	struct sg_rtsp_transport a = {.lower = t.lower, .record = s->announced};
	if (t.lower == SG_RTSP_LOWER_TCP) {
		uint8_t c0 = t.has_interleaved ? t.interleaved[0] : (uint8_t)(2 * idx);
		uint8_t c1 = t.has_interleaved ? t.interleaved[1] : (uint8_t)(2 * idx + 1);
		for (unsigned i = 0; i < s->n_media; i++) {
			const struct sg_rtsp_transport *o = &s->media[i].transport;
			if (o->lower == SG_RTSP_LOWER_TCP &&
			    (o->interleaved[0] == c0 || o->interleaved[1] == c0 ||
			     o->interleaved[0] == c1 || o->interleaved[1] == c1))
				return 461;
		}
		a.has_interleaved = true;
		a.interleaved[0] = c0;
		a.interleaved[1] = c1;
	} else {
		if (!t.has_client_port || !s->cbs->alloc_udp_ports)
			return 461;
		uint16_t rp, rcp;
		r = s->cbs->alloc_udp_ports(s->ctx, stream, idx, &rp, &rcp);
		if (r)
			return r == -ENOSPC || r == -EPROTONOSUPPORT ? 461 : 500;
		a.has_client_port = a.has_server_port = true;
		memcpy(a.client_port, t.client_port, sizeof(a.client_port));
		a.server_port[0] = rp;
		a.server_port[1] = rcp;
	}
	if (!s->session[0]) {
		uint8_t rnd[8];
		if (rtsp_random(rnd, sizeof(rnd)))
			return 500;
		rtsp_hex(rnd, sizeof(rnd), s->session); /* RFC 2326 §3.4: >= 8 octets */
		sg_strlcpy(s->path, stream, sizeof(s->path));
		s->st = SS_READY;
	}
	struct sg_rtsp_server_media *md = &s->media[s->n_media++];
	md->idx = idx;
	sg_strlcpy(md->control, full, sizeof(md->control));
	md->transport = a;
	char tb[256];
	sg_rtsp_transport_format(&a, tb, sizeof(tb));
	hdr(rs, "Transport: %s\r\n", tb);
	session_hdr(s, rs);
	return 200;
}

/* PLAY / RECORD on a media URL of a multi-media session: RFC 2326 §10.5 / 459 */
static bool non_aggregate(struct sg_rtsp_server *s, const char *full)
{
	if (s->n_media < 2 || !strcmp(full, s->path))
		return false;
	for (unsigned i = 0; i < s->n_media; i++)
		if (!strcmp(full, s->media[i].control))
			return true;
	return false;
}

static int do_play_record(struct sg_rtsp_server *s, const struct sg_rtsp_msg *m, const char *full,
			  struct resp *rs, bool record)
{
	int st = check_session(s, m, true);
	if (st)
		return st;
	if (record != s->announced || !s->n_media)
		return 455;
	if (non_aggregate(s, full))
		return 459;
	if (s->st != (record ? SS_RECORDING : SS_PLAYING)) {
		int (*cb)(void *, const char *, const struct sg_rtsp_server_media *, unsigned) =
			record ? s->cbs->on_record : s->cbs->on_play;
		int r = cb ? cb(s->ctx, s->path, s->media, s->n_media) : 0;
		if (r)
			return r == -EBUSY || r == -ENOENT ? 455 : 500;
		s->st = record ? SS_RECORDING : SS_PLAYING;
	}
	session_hdr(s, rs);
	if (!record)
		hdr(rs, "Range: npt=0.000-\r\n");
	return 200;
}

static int handle(struct sg_rtsp_server *s, const struct sg_rtsp_msg *m)
{
	struct resp rs = {0};
	char full[256] = "";
	char *sdp = NULL;
	int st;

	if (sg_rtsp_msg_cseq(m) < 0) {
		st = 400; /* RFC 2326 §12.17: CSeq is mandatory */
		goto reply;
	}
	if (m->ver_major != 1 || m->ver_minor != 0) {
		st = 505;
		goto reply;
	}
	if (m->method == SG_RTSP_M_UNKNOWN || m->method == SG_RTSP_M_REDIRECT) {
		st = 501;
		goto reply;
	}
	if (strcmp(m->uri, "*") && uri_path(m->uri, full, sizeof(full))) {
		st = 400;
		goto reply;
	}
	if (!strcmp(m->uri, "*") && m->method != SG_RTSP_M_OPTIONS) {
		st = 400;
		goto reply;
	}
	if (s->session[0] && !check_session(s, m, true))
		s->last_seen = s->now; /* any request in the session keeps it alive */
	switch (m->method) {
	case SG_RTSP_M_OPTIONS:
		hdr(&rs, "Public: %s\r\n", PUBLIC_METHODS);
		st = 200;
		break;
	case SG_RTSP_M_DESCRIBE:
		sdp = malloc(SDP_MAX + 1);
		st = sdp ? do_describe(s, m, full, &rs, sdp) : 500;
		break;
	case SG_RTSP_M_ANNOUNCE:
		st = do_announce(s, m, full, &rs);
		break;
	case SG_RTSP_M_SETUP:
		st = do_setup(s, m, full, &rs);
		break;
	case SG_RTSP_M_PLAY:
		st = do_play_record(s, m, full, &rs, false);
		break;
	case SG_RTSP_M_RECORD:
		st = do_play_record(s, m, full, &rs, true);
		break;
	case SG_RTSP_M_PAUSE:
		if (!(st = check_session(s, m, true))) {
			if (s->st == SS_RECORDING || s->announced) {
				st = 455;
			} else {
				s->st = SS_READY; /* basic: stop sending; PLAY resumes */
				session_hdr(s, &rs);
				st = 200;
			}
		}
		break;
	case SG_RTSP_M_GET_PARAMETER:
		if (!(st = check_session(s, m, false))) {
			session_hdr(s, &rs);
			st = 200;
		}
		break;
	case SG_RTSP_M_SET_PARAMETER:
		if (!(st = check_session(s, m, false)))
			st = m->body_len ? 451 : 200;
		break;
	case SG_RTSP_M_TEARDOWN:
		if (!(st = check_session(s, m, true))) {
			end_session(s, "teardown");
			s->must_close = true;
			st = 200;
		}
		break;
	default:
		st = 501;
		break;
	}
reply:
	rs.status = st;
	if (st == 405)
		hdr(&rs, "Allow: OPTIONS, DESCRIBE, SETUP, PLAY, PAUSE, TEARDOWN, GET_PARAMETER\r\n");
	if (st >= 400)
		SG_DEBUG(RTSP_TAG, "%s '%s': %d", m->method_str ? m->method_str : "?", full, st);
	int r = send_resp(s, m, &rs);
	free(sdp);
	return r;
}

int sg_rtsp_server_feed(struct sg_rtsp_server *s, const uint8_t *buf, size_t len, uint64_t now_ns)
{
	struct sg_rtsp_event ev;
	size_t used;
	s->now = now_ns;
	while (len && !s->must_close) {
		int r = sg_rtsp_parser_feed(s->parser, buf, len, &used, &ev);
		if (r < 0) {
			struct resp rs = {.status = 400};
			SG_NOTICE(RTSP_TAG, "bad request: %s", sg_rtsp_parser_error(s->parser));
			send_resp(s, NULL, &rs);
			s->must_close = true;
			return r;
		}
		buf += used;
		len -= used;
		if (r == 0)
			break;
		if (ev.type == SG_RTSP_EV_FRAME) {
			if (s->session[0])
				s->last_seen = now_ns; /* RTP/RTCP over TCP keeps the session */
			if (s->st == SS_RECORDING && s->cbs->on_frame)
				s->cbs->on_frame(s->ctx, ev.frame.channel, ev.frame.data, ev.frame.len);
			continue;
		}
		if (ev.msg.is_response)
			continue; /* answers to nothing we asked: ignored */
		if ((r = handle(s, &ev.msg)))
			return r;
	}
	return 0;
}
