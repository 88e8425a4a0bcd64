/* SPDX-License-Identifier: BSD-3-Clause
 * RTSP pull: one kernel TCP connection per camera, driven by the sans-IO
 * client engine of lib/rtsp (RFC 2326 §10: OPTIONS, DESCRIBE, SETUP per
 * media, PLAY, keep-alive, TEARDOWN). Transports: interleaved over the RTSP
 * connection (§10.12), UDP port pairs on the data IP (RTP taken by the fast
 * path), automatic (UDP, then TCP when nothing arrives).
 * rtsps:// sources: TLS (ingest_tls.c) on the same socket, handshake driven
 * by epoll (WANT_READ -> EPOLLIN, WANT_WRITE -> EPOLLOUT), then the same
 * engine over SSL_read/SSL_write; media always interleaved (inside TLS).
 */
#include <arpa/inet.h>
#include <errno.h>
#include <netdb.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "ingest_priv.h"
#include "sg_common.h"

#define OUT_MAX (1024u * 1024u)

struct ing_pull {
	struct sg_loop_io io;   /* first: the loop hands us &io */
	struct ing_path *p;
	struct sg_rtsp_client *cli;
	bool tcp_up;            /* TCP connected (TLS: handshake may still run) */
	bool connected;         /* ready for RTSP (TCP up and, with TLS, handshake done) */
	bool tls_target;        /* the current target is rtsps:// */
	struct ssl_st *ssl;     /* TLS session, NULL = plain TCP */
	bool rd_wants_write;    /* SSL_read needs the socket writable */
	uint64_t conn_started;
	struct sockaddr_in peer;
	uint8_t *out;
	size_t out_len, out_cap;
	uint32_t ev_mask;
	struct ing_pull *next_dead;
	/* set by the engine's callback, handled after it returns */
	bool dead, closed, redirect;
	int status;             /* RTSP status of the failure, 0 = none */
	char reason[256];
};

static void pull_io(struct sg_app *app, struct sg_loop_io *io, uint32_t events);

static void dead_io(struct sg_app *app, struct sg_loop_io *io, uint32_t events)
{
	(void)app;
	(void)io;
	(void)events;
}

static int out_append(struct ing_pull *c, const uint8_t *d, size_t n)
{
	if (c->out_len + n > OUT_MAX)
		return -ENOBUFS;
	if (c->out_len + n > c->out_cap) {
		size_t cap = SG_MAX(c->out_cap * 2, c->out_len + n + 4096);
		uint8_t *b = realloc(c->out, cap);
		if (!b)
			return -ENOMEM;
		c->out = b;
		c->out_cap = cap;
	}
	memcpy(c->out + c->out_len, d, n);
	c->out_len += n;
	return 0;
}

static void set_mask(struct ing_pull *c, uint32_t want)
{
	if (want != c->ev_mask) {
		c->ev_mask = want;
		sg_loop_mod(c->p->ing->app, &c->io, want);
	}
}

/* Write to the connection: bytes taken, 0 = would block, -errno (-EPROTO: TLS, c->reason says why). */
static ssize_t conn_send(struct ing_pull *c, const uint8_t *d, size_t n)
{
	ssize_t w;
	if (c->ssl) {
		w = ing_tls_write(c->ssl, d, n, c->reason, sizeof(c->reason));
		return w < 0 ? -EPROTO : w;
	}
	w = send(c->io.fd, d, n, MSG_NOSIGNAL | MSG_DONTWAIT);
	if (w < 0)
		return errno == EAGAIN || errno == EINTR ? 0 : -errno;
	return w;
}

/* Move the engine's output behind ours, write what the socket takes. */
static int pump(struct ing_pull *c)
{
	size_t n;
	const uint8_t *o = sg_rtsp_client_output(c->cli, &n);
	if (n) {
		if (out_append(c, o, n) < 0)
			return -ENOBUFS;
		sg_rtsp_client_output_consume(c->cli, n);
	}
	while (c->connected && c->out_len) {
		ssize_t w = conn_send(c, c->out, c->out_len);
		if (w < 0)
			return (int)w;
		if (w == 0)
			break;
		memmove(c->out, c->out + w, c->out_len - (size_t)w);
		c->out_len -= (size_t)w;
	}
	set_mask(c, EPOLLIN | (c->out_len || !c->connected || c->rd_wants_write ? EPOLLOUT : 0));
	return 0;
}

int ing_pull_send_frame(struct ing_path *p, uint8_t ch, const uint8_t *data, size_t len)
{
	struct ing_pull *c = p->pull;
	uint8_t h[4];
	if (!c || !c->connected || len > UINT16_MAX)
		return -ENOTCONN;
	/* engine output first, so that a frame never splits a request */
	if (pump(c) < 0)
		return -ENOBUFS;
	sg_rtsp_interleaved_hdr(h, ch, (uint16_t)len);
	if (c->out_len + 4 + len > OUT_MAX || out_append(c, h, 4) || out_append(c, data, len))
		return -ENOBUFS;
	return pump(c);
}

static void on_sdp(struct ing_path *p, struct ing_pull *c, const struct sg_rtsp_client_event *ev)
{
	char err[256];
	int rc = ing_media_from_sdp(p, ev->sdp.body, ev->sdp.len, err, sizeof(err));
	if (rc < 0) {
		c->dead = true;
		snprintf(c->reason, sizeof(c->reason), "%s", err);
		return;
	}
	ing_set_state(p, ING_SETTING_UP, sg_now_ns());
	for (int s = 0; s < SG_INGEST_N_MEDIA; s++) {
		struct ing_media *m = &p->m[s];
		uint16_t port = 0;
		if (!m->used)
			continue;
		if (p->cur_lower == SG_RTSP_LOWER_UDP) {
			if ((rc = ing_media_udp_open(p, s)) < 0) {
				c->dead = true;
				snprintf(c->reason, sizeof(c->reason), "no UDP port pair: %s", strerror(-rc));
				return;
			}
			port = m->rtp_port;
		}
		rc = sg_rtsp_client_setup_media(c->cli, m->control, port);
		if (rc < 0) {
			c->dead = true;
			snprintf(c->reason, sizeof(c->reason), "SETUP %s: %s", m->control, strerror(-rc));
			return;
		}
		m->setup_idx = rc;
	}
	if ((rc = sg_rtsp_client_play(c->cli)) < 0 && !c->dead) {
		c->dead = true;
		snprintf(c->reason, sizeof(c->reason), "PLAY: %s", strerror(-rc));
	}
}

static void on_media_setup(struct ing_path *p, struct ing_pull *c, const struct sg_rtsp_client_event *ev)
{
	const struct sg_rtsp_transport *t = &ev->media.transport;
	for (int s = 0; s < SG_INGEST_N_MEDIA; s++) {
		struct ing_media *m = &p->m[s];
		if (!m->used || m->setup_idx != (int)ev->media.idx)
			continue;
		if (t->lower == SG_RTSP_LOWER_TCP) {
			m->tcp = true;
			m->ch_rtp = t->interleaved[0];
			m->ch_rtcp = t->interleaved[1];
		} else {
			/* RTCP RRs go to the camera's RTCP port (RFC 2326 §12.39 server_port) */
			m->peer_rtcp = c->peer;
			if (t->source[0])
				inet_pton(AF_INET, t->source, &m->peer_rtcp.sin_addr);
			m->peer_rtcp.sin_port = htons(t->server_port[1]);
		}
	}
}

static void client_cb(void *ctx, const struct sg_rtsp_client_event *ev)
{
	struct ing_path *p = ctx;
	struct ing_pull *c = p->pull;
	uint64_t now = sg_now_ns();
	bool rtcp;
	int slot;

	switch (ev->type) {
	case SG_RTSP_CEV_SDP:
		on_sdp(p, c, ev);
		break;
	case SG_RTSP_CEV_MEDIA_SETUP:
		on_media_setup(p, c, ev);
		break;
	case SG_RTSP_CEV_PLAYING:
		p->sessions++;
		p->media_since = now;
		ing_set_state(p, ING_PLAYING, now);
		SG_NOTICE(ING_TAG, "%s: playing %s over %s", p->name, p->source_red,
			  p->cur_lower == SG_RTSP_LOWER_TCP ? "TCP" : "UDP");
		break;
	case SG_RTSP_CEV_FRAME:
		slot = ing_media_by_channel(p, ev->frame.channel, &rtcp);
		if (slot < 0)
			p->m[0].drops[ING_DROP_UNKNOWN_CHANNEL]++;
		else if (rtcp)
			ing_media_rtcp_in(p, slot, ev->frame.data, ev->frame.len, now);
		else
			ing_media_rtp_in(p, slot, ev->frame.data, ev->frame.len, now);
		break;
	case SG_RTSP_CEV_RECONNECT:
		c->redirect = true;
		break;
	case SG_RTSP_CEV_ERROR:
		c->dead = true;
		c->status = ev->error.status;
		if (ev->error.status)
			snprintf(c->reason, sizeof(c->reason), "RTSP %d: %s", ev->error.status,
				 ev->error.reason ? ev->error.reason : "");
		else
			snprintf(c->reason, sizeof(c->reason), "%s", ev->error.reason ? ev->error.reason : "error");
		break;
	case SG_RTSP_CEV_CLOSED:
		c->closed = true;
		break;
	}
}

/* Open the TCP connection to the engine's current target (non-blocking). */
static int pull_connect(struct ing_path *p, struct ing_pull *c, uint64_t now)
{
	const char *host;
	uint16_t port;
	bool tls;
	struct sockaddr_in a = {.sin_family = AF_INET};

	sg_rtsp_client_target(c->cli, &host, &port, &tls);
	if (tls && !p->tls) {
		/* a redirect of an rtsp:// source to rtsps://: the path's defaults (verify) */
		if (!(p->tls = ing_tls_ctx_new(p->cfg, c->reason, sizeof(c->reason))))
			return -EPROTO;
	}
	c->tls_target = tls;
	if (inet_pton(AF_INET, host, &a.sin_addr) != 1) {
		/* a name: resolved synchronously (blocks the loop while the resolver works) */
		struct addrinfo hints = {.ai_family = AF_INET, .ai_socktype = SOCK_STREAM}, *res = NULL;
		if (getaddrinfo(host, NULL, &hints, &res) != 0 || !res)
			return -EHOSTUNREACH;
		a.sin_addr = ((struct sockaddr_in *)res->ai_addr)->sin_addr;
		freeaddrinfo(res);
	}
	a.sin_port = htons(port);
	c->peer = a;
	c->io.fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (c->io.fd < 0)
		return -errno;
	c->io.cb = pull_io;
	if (connect(c->io.fd, (struct sockaddr *)&a, sizeof(a)) < 0 && errno != EINPROGRESS) {
		int e = -errno;
		close(c->io.fd);
		c->io.fd = -1;
		return e;
	}
	c->tcp_up = c->connected = false;
	c->conn_started = now;
	c->ev_mask = EPOLLIN | EPOLLOUT;
	sg_loop_add(p->ing->app, &c->io, c->ev_mask);
	ing_set_state(p, ING_CONNECTING, now);
	return 0;
}

/* graceful: a TLS close_notify goes out first if the socket takes it */
static void conn_close(struct ing_path *p, struct ing_pull *c, bool graceful)
{
	ing_tls_free(c->ssl, graceful && c->connected);
	c->ssl = NULL;
	c->rd_wants_write = false;
	if (c->io.fd >= 0) {
		sg_loop_del(p->ing->app, &c->io);
		close(c->io.fd);
	}
	c->io.fd = -1;
	c->tcp_up = c->connected = false;
	c->out_len = 0;
}

int ing_pull_start(struct ing_path *p, uint64_t now)
{
	struct sg_rtsp_client_cfg cc = {0};
	struct ing_pull *c;
	int rc;

	if (p->pull)
		ing_pull_stop(p, false);
	if (p->tls_source && !p->tls) {
		char err[256];
		if (!(p->tls = ing_tls_ctx_new(p->cfg, err, sizeof(err)))) {
			ing_path_fail(p, now, "%s", err); /* e.g. an unreadable tls_ca_file: retried */
			return 0;
		}
		if (p->cfg->tls_verify)
			SG_INFO(ING_TAG, "%s: TLS: %s", p->name, ing_tls_mode(p->tls));
		else
			SG_WARN(ING_TAG, "%s: TLS: server certificate NOT verified (tls_verify: false)", p->name);
	}
	switch (p->tls_source ? SG_CONFIG_TRANSPORT_TCP : p->cfg->transport) {
	case SG_CONFIG_TRANSPORT_TCP: p->cur_lower = SG_RTSP_LOWER_TCP; break;
	case SG_CONFIG_TRANSPORT_UDP: p->cur_lower = SG_RTSP_LOWER_UDP; break;
	default: p->cur_lower = p->tcp_fallback ? SG_RTSP_LOWER_TCP : SG_RTSP_LOWER_UDP; break;
	}
	c = calloc(1, sizeof(*c));
	if (!c)
		return -ENOMEM;
	c->p = p;
	c->io.fd = -1;
	cc.url = p->cfg->source;
	cc.transport = p->cur_lower;
	cc.user_agent = "streamgate/" SG_VERSION;
	cc.cb = client_cb;
	cc.ctx = p;
	c->cli = sg_rtsp_client_new(&cc);
	if (!c->cli) {
		rc = -errno;
		free(c);
		return rc;
	}
	p->pull = c;
	if ((rc = pull_connect(p, c, now)) < 0) {
		ing_pull_stop(p, false);
		return rc;
	}
	return 0;
}

void ing_pull_stop(struct ing_path *p, bool teardown)
{
	struct ing_pull *c = p->pull;
	if (!c)
		return;
	if (teardown && c->connected && sg_rtsp_client_teardown(c->cli, sg_now_ns()) == 0)
		pump(c); /* best effort: TEARDOWN goes out if the socket takes it now */
	conn_close(p, c, teardown);
	sg_rtsp_client_free(c->cli);
	c->cli = NULL;
	free(c->out);
	c->out = NULL;
	/* the loop may hold an event for it in this turn: freed at the next tick */
	c->io.cb = dead_io;
	c->p = NULL;
	c->next_dead = p->ing->pull_graveyard;
	p->ing->pull_graveyard = c;
	p->pull = NULL;
	ing_media_close_all(p);
}

void ing_pull_graveyard_empty(struct sg_ingest *ing)
{
	while (ing->pull_graveyard) {
		struct ing_pull *c = ing->pull_graveyard;
		ing->pull_graveyard = c->next_dead;
		free(c);
	}
}

/* Deal with what the engine's callback flagged. Returns false when the pull is gone. */
static bool after_engine(struct ing_path *p, struct ing_pull *c, uint64_t now)
{
	if (c->dead && c->status == 461 && p->cfg->transport == SG_CONFIG_TRANSPORT_AUTO &&
	    p->cur_lower == SG_RTSP_LOWER_UDP) {
		/* automatic: the camera refused UDP (461 Unsupported Transport): TCP now */
		SG_NOTICE(ING_TAG, "%s: UDP refused (%s): switching to TCP", p->name, c->reason);
		ing_pull_stop(p, false);
		p->tcp_fallback = true;
		int rc = ing_pull_start(p, now);
		if (rc < 0)
			ing_path_fail(p, now, "cannot restart over TCP: %s", strerror(-rc));
		return false;
	}
	if (c->dead) {
		ing_path_fail(p, now, "%s", c->reason);
		return false;
	}
	if (c->closed) {
		ing_path_fail(p, now, "session closed");
		return false;
	}
	if (c->redirect) {
		int rc;
		c->redirect = false;
		conn_close(p, c, false);
		ing_media_close_all(p);
		if ((rc = pull_connect(p, c, now)) < 0) {
			ing_path_fail(p, now, "redirect: %s", rc == -EPROTO ? c->reason : strerror(-rc));
			return false;
		}
		return true;
	}
	int rc = pump(c);
	if (rc < 0) {
		ing_path_fail(p, now, "connection lost: %s", rc == -EPROTO ? c->reason
						    : rc == -ENOBUFS ? "output buffer full" : strerror(-rc));
		return false;
	}
	return true;
}

/* Read what the connection has, feed the engine. Returns false when the pull is gone. */
static bool pull_read(struct ing_path *p, struct ing_pull *c, uint64_t now)
{
	static uint8_t buf[65536];

	/* TLS: SSL_read returns at most one record (16 KB): read until it would block */
	for (int i = 0; i < (c->ssl ? 64 : 16); i++) {
		ssize_t n;
		if (c->ssl) {
			n = ing_tls_read(c->ssl, buf, sizeof(buf), &c->rd_wants_write, c->reason, sizeof(c->reason));
			if (n == -1) {
				ing_path_fail(p, now, "connection closed by the server");
				return false;
			}
			if (n < 0) {
				ing_path_fail(p, now, "connection lost: %s", c->reason);
				return false;
			}
			if (n == 0)
				break;
		} else {
			n = recv(c->io.fd, buf, sizeof(buf), MSG_DONTWAIT);
			if (n == 0) {
				ing_path_fail(p, now, "connection closed by the server");
				return false;
			}
			if (n < 0) {
				if (errno == EAGAIN || errno == EINTR)
					break;
				ing_path_fail(p, now, "connection lost: %s", strerror(errno));
				return false;
			}
		}
		sg_rtsp_client_feed(c->cli, buf, (size_t)n, now);
		if (!after_engine(p, c, now) || p->pull != c)
			return false;
		if (!c->ssl && (size_t)n < sizeof(buf))
			break;
	}
	return true;
}

/* TCP is up on a TLS target: one handshake step. Returns true when done (RTSP can start). */
static bool tls_step(struct ing_path *p, struct ing_pull *c, uint64_t now)
{
	const char *host;
	uint16_t port;
	bool want_write = false;
	char err[256];

	if (!c->ssl) {
		sg_rtsp_client_target(c->cli, &host, &port, NULL);
		if (!(c->ssl = ing_tls_new(p->tls, c->io.fd, host, err, sizeof(err)))) {
			ing_path_fail(p, now, "%s", err);
			return false;
		}
	}
	int rc = ing_tls_handshake(p->tls, c->ssl, &want_write, err, sizeof(err));
	if (rc < 0) {
		ing_path_fail(p, now, "%s", err);
		return false;
	}
	if (rc == 0) {
		set_mask(c, EPOLLIN | (want_write ? EPOLLOUT : 0));
		return false;
	}
	ing_tls_describe(c->ssl, err, sizeof(err));
	SG_INFO(ING_TAG, "%s: TLS up with %s: %s (%s)", p->name, p->source_red, err, ing_tls_mode(p->tls));
	return true;
}

static void pull_io(struct sg_app *app, struct sg_loop_io *io, uint32_t events)
{
	struct ing_pull *c = (struct ing_pull *)io;
	struct ing_path *p = c->p;
	uint64_t now = sg_now_ns();

	(void)app;
	if (!c->connected) {
		if (!c->tcp_up) {
			int err = 0;
			socklen_t l = sizeof(err);
			if (getsockopt(io->fd, SOL_SOCKET, SO_ERROR, &err, &l) < 0)
				err = errno;
			if (err) {
				ing_path_fail(p, now, "connect to %s: %s", p->source_red, strerror(err));
				return;
			}
			if (!(events & (EPOLLOUT | EPOLLIN)))
				return;
			c->tcp_up = true;
		}
		if (c->tls_target && !tls_step(p, c, now))
			return;
		c->connected = true;
		p->connects++;
		ing_set_state(p, ING_DESCRIBING, now);
		if (sg_rtsp_client_start(c->cli, now) < 0) {
			ing_path_fail(p, now, "cannot start the RTSP session");
			return;
		}
		if (!after_engine(p, c, now))
			return;
	}
	if ((events & EPOLLIN) || (c->rd_wants_write && (events & EPOLLOUT))) {
		if (!pull_read(p, c, now))
			return;
	} else if (events & (EPOLLERR | EPOLLHUP)) {
		ing_path_fail(p, now, "connection lost");
		return;
	}
	if (events & EPOLLOUT)
		after_engine(p, c, now);
}

void ing_pull_tick(struct ing_path *p, uint64_t now)
{
	struct ing_pull *c = p->pull;
	unsigned read_to = p->ing->app->cfg.rtsp_read_timeout_s;

	if (!c->connected) {
		if (now - c->conn_started > ING_CONNECT_TIMEOUT_NS) {
			if (c->tcp_up) /* TCP took it, TLS never finished: not a TLS server, or a stuck one */
				ing_path_fail(p, now, "TLS: handshake with %s timed out", p->source_red);
			else
				ing_path_fail(p, now, "connect to %s: timed out", p->source_red);
		}
		return;
	}
	if (c->ssl && ing_tls_pending(c->ssl) && !pull_read(p, c, now))
		return; /* records OpenSSL holds that epoll cannot announce */
	if (now >= sg_rtsp_client_next_deadline(c->cli)) {
		sg_rtsp_client_tick(c->cli, now);
		if (!after_engine(p, c, now))
			return;
	}
	if (p->st != ING_PLAYING)
		return;
	uint64_t last = ing_media_last_rx(p);
	uint64_t ref = SG_MAX(last, p->media_since);
	uint64_t silent = now > ref ? now - ref : 0;
	if (last > p->media_since)
		p->fails = 0; /* media flows: the next failure starts the backoff over */
	if (p->cfg->transport == SG_CONFIG_TRANSPORT_AUTO && p->cur_lower == SG_RTSP_LOWER_UDP &&
	    silent > SG_MIN(ING_AUTO_FALLBACK_NS, (uint64_t)read_to * 1000000000ull)) {
		/* automatic: UDP does not get through (NAT, firewall): interleaved TCP at once */
		SG_NOTICE(ING_TAG, "%s: no RTP over UDP for %.1f s: switching to TCP", p->name, (double)silent / 1e9);
		ing_pull_stop(p, true);
		p->tcp_fallback = true;
		int rc = ing_pull_start(p, now);
		if (rc < 0)
			ing_path_fail(p, now, "cannot restart over TCP: %s", strerror(-rc));
		return;
	}
	if (silent > (uint64_t)read_to * 1000000000ull)
		ing_path_fail(p, now, "no media for %u s", read_to);
}
