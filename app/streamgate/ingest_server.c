/* SPDX-License-Identifier: BSD-3-Clause
 * RTSP server on the data IP (kernel TCP through the exception path), one
 * lib/rtsp server engine per connection: publishers (ANNOUNCE, SETUP,
 * RECORD; RFC 2326 §10.3, §10.11) over TCP or UDP, and readers (DESCRIBE,
 * SETUP, PLAY) served interleaved over TCP (§10.12) by copying in the control
 * plane. Readers asking for UDP get 461 and fall back to TCP.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "ingest_priv.h"
#include "sg_common.h"

#define SCONN_MAX 256

struct rmedia {
	int slot;
	uint8_t ch_rtp, ch_rtcp;
};

struct ing_sconn {
	struct sg_loop_io io;   /* first */
	struct sg_ingest *ing;
	struct ing_sconn *next;
	struct sg_rtsp_server *srv;
	struct sockaddr_in peer;
	struct ing_path *path;  /* publishing to / reading from */
	bool publisher, reader, closing;
	struct rmedia rm[SG_RTSP_MAX_MEDIA];
	unsigned n_rm;
	uint32_t ev_mask;
	uint64_t frames_dropped;
};

static unsigned n_conns(const struct sg_ingest *ing)
{
	unsigned n = 0;
	for (const struct ing_sconn *c = ing->conns; c; c = c->next)
		n++;
	return n;
}

static int sc_lookup(void *ctx, const char *path, enum sg_rtsp_action act, bool *auth)
{
	struct ing_sconn *c = ctx;
	struct ing_path *p = ing_path_find(c->ing, path);
	if (!p)
		return -ENOENT;
	*auth = false;
	if (act == SG_RTSP_ACT_PUBLISH) {
		if (!p->publisher)
			return -EACCES; /* 403: the path pulls from a camera */
		if (p->publisher_conn && p->publisher_conn != c)
			return -EBUSY;  /* 455: already published */
		*auth = p->cfg->publish_user[0] != '\0';
	}
	return 0;
}

static int sc_password(void *ctx, const char *path, enum sg_rtsp_action act, const char *user,
		       char *pass, size_t passlen)
{
	struct ing_sconn *c = ctx;
	struct ing_path *p = ing_path_find(c->ing, path);
	(void)act;
	if (!p || !p->cfg->publish_user[0] || strcmp(user, p->cfg->publish_user))
		return -EACCES;
	sg_strlcpy(pass, p->cfg->publish_pass, passlen);
	return 0;
}

static int slot_by_sdp_idx(struct ing_path *p, unsigned idx)
{
	for (int s = 0; s < SG_INGEST_N_MEDIA; s++)
		if (p->m[s].used && p->m[s].sdp_idx == (int)idx)
			return s;
	return -1;
}

static int sc_udp(void *ctx, const char *path, unsigned idx, uint16_t *rtp, uint16_t *rtcp)
{
	struct ing_sconn *c = ctx;
	struct ing_path *p = ing_path_find(c->ing, path);
	int slot, rc;
	/* Readers: RTP/UDP to readers needs a plain-RTP viewer kind in the fast path (not there yet). */
	if (!p || !c->publisher || p->publisher_conn != c)
		return -EPROTONOSUPPORT;
	if ((slot = slot_by_sdp_idx(p, idx)) < 0)
		return -EPROTONOSUPPORT;
	if (!p->m[slot].rtp_port && (rc = ing_media_udp_open(p, slot)) < 0)
		return rc == -EADDRINUSE ? -ENOSPC : rc;
	*rtp = p->m[slot].rtp_port;
	*rtcp = (uint16_t)(p->m[slot].rtp_port + 1);
	return 0;
}

static int sc_sdp(void *ctx, const char *path, char *buf, size_t *len)
{
	struct ing_sconn *c = ctx;
	struct ing_path *p = ing_path_find(c->ing, path);
	if (!p)
		return -ENOENT;
	if (!p->described && !p->publisher && p->cfg->source_on_demand && !p->viewers && !p->n_readers)
		p->idle_since = sg_now_ns(); /* wake an on-demand source; the reader retries */
	return ing_media_sdp(p, buf, len);
}

static int sc_announce(void *ctx, const char *path, const uint8_t *sdp, size_t len)
{
	struct ing_sconn *c = ctx;
	struct ing_path *p = ing_path_find(c->ing, path);
	char err[256];
	int rc;
	if (!p)
		return -ENOENT;
	if (p->publisher_conn && p->publisher_conn != c)
		return -EBUSY;
	rc = ing_media_from_sdp(p, sdp, len, err, sizeof(err));
	if (rc < 0) {
		snprintf(p->last_err, sizeof(p->last_err), "ANNOUNCE from %s: %.200s", inet_ntoa(c->peer.sin_addr), err);
		p->errors++;
		SG_WARN(ING_TAG, "%s: %s", p->name, p->last_err);
		return rc == -EBUSY ? -EBUSY : -EINVAL;
	}
	p->publisher_conn = c;
	c->publisher = true;
	c->path = p;
	return 0;
}

static int sc_record(void *ctx, const char *path, const struct sg_rtsp_server_media *md, unsigned n)
{
	struct ing_sconn *c = ctx;
	struct ing_path *p = ing_path_find(c->ing, path);
	uint64_t now = sg_now_ns();
	if (!p || p->publisher_conn != c)
		return -EINVAL;
	for (unsigned i = 0; i < n; i++) {
		int slot = slot_by_sdp_idx(p, md[i].idx);
		if (slot < 0)
			continue;
		struct ing_media *m = &p->m[slot];
		const struct sg_rtsp_transport *t = &md[i].transport;
		m->setup_idx = (int)md[i].idx;
		if (t->lower == SG_RTSP_LOWER_TCP) {
			m->tcp = true;
			m->ch_rtp = t->interleaved[0];
			m->ch_rtcp = t->interleaved[1];
		} else {
			m->peer_rtcp = c->peer;
			m->peer_rtcp.sin_port = htons(t->client_port[1]);
		}
	}
	p->sessions++;
	p->connects++;
	p->media_since = now;
	ing_set_state(p, ING_PUBLISHING, now);
	SG_NOTICE(ING_TAG, "%s: publisher %s recording over %s", p->name, inet_ntoa(c->peer.sin_addr),
		  n && md[0].transport.lower == SG_RTSP_LOWER_TCP ? "TCP" : "UDP");
	return 0;
}

static int sc_play(void *ctx, const char *path, const struct sg_rtsp_server_media *md, unsigned n)
{
	struct ing_sconn *c = ctx;
	struct ing_path *p = ing_path_find(c->ing, path);
	if (!p || !p->described)
		return -ENOENT;
	if (p->n_readers >= ING_MAX_READERS)
		return -EBUSY;
	c->n_rm = 0;
	for (unsigned i = 0; i < n && c->n_rm < SG_RTSP_MAX_MEDIA; i++) {
		const char *tid = strstr(md[i].control, "trackID=");
		int slot = tid ? atoi(tid + 8) : (int)i;
		if (slot < 0 || slot >= SG_INGEST_N_MEDIA || md[i].transport.lower != SG_RTSP_LOWER_TCP)
			continue;
		c->rm[c->n_rm++] = (struct rmedia){slot, md[i].transport.interleaved[0],
						   md[i].transport.interleaved[1]};
	}
	c->reader = true;
	c->path = p;
	p->readers[p->n_readers++] = c;
	p->idle_since = 0;
	if (p->n_readers == 1)
		ing_media_reader_mode(p, true);
	SG_NOTICE(ING_TAG, "%s: RTSP reader %s playing (%u media)", p->name, inet_ntoa(c->peer.sin_addr), c->n_rm);
	return 0;
}

static void reader_remove(struct ing_path *p, struct ing_sconn *c)
{
	for (unsigned i = 0; i < p->n_readers; i++) {
		if (p->readers[i] != c)
			continue;
		p->readers[i] = p->readers[--p->n_readers];
		if (!p->n_readers) {
			ing_media_reader_mode(p, false);
			if (!p->viewers)
				p->idle_since = sg_now_ns();
		}
		return;
	}
}

static void sc_frame(void *ctx, uint8_t ch, const uint8_t *data, uint16_t len)
{
	struct ing_sconn *c = ctx;
	struct ing_path *p = c->path;
	bool rtcp;
	int slot;
	if (!c->publisher || !p || p->publisher_conn != c)
		return; /* a reader's RTCP: its session was refreshed, nothing else to do */
	slot = ing_media_by_channel(p, ch, &rtcp);
	if (slot < 0)
		p->m[0].drops[ING_DROP_UNKNOWN_CHANNEL]++;
	else if (rtcp)
		ing_media_rtcp_in(p, slot, data, len, sg_now_ns());
	else
		ing_media_rtp_in(p, slot, data, len, sg_now_ns());
}

static void sc_teardown(void *ctx, const char *path, const char *why)
{
	struct ing_sconn *c = ctx;
	struct ing_path *p = c->path;
	(void)path;
	if (!p)
		return;
	if (c->publisher && p->publisher_conn == c) {
		SG_NOTICE(ING_TAG, "%s: publisher %s gone (%s)", p->name, inet_ntoa(c->peer.sin_addr), why);
		p->publisher_conn = NULL;
		ing_media_close_all(p);
		ing_set_state(p, ING_WAITING, sg_now_ns());
	}
	if (c->reader)
		reader_remove(p, c);
	c->publisher = c->reader = false;
	c->path = NULL;
}

static const struct sg_rtsp_server_cbs cbs = {
	.lookup = sc_lookup,
	.get_password = sc_password,
	.alloc_udp_ports = sc_udp,
	.get_sdp = sc_sdp,
	.on_announce = sc_announce,
	.on_record = sc_record,
	.on_play = sc_play,
	.on_frame = sc_frame,
	.on_teardown = sc_teardown,
};

static void dead_io(struct sg_app *app, struct sg_loop_io *io, uint32_t events)
{
	(void)app;
	(void)io;
	(void)events;
}

/*
 * Close a connection. Its memory is freed at the next tick, not here: the
 * loop may still hold an event for it in the batch being processed (a reader
 * dropped while fanning out a publisher's packet, for instance).
 */
static void sconn_free(struct sg_ingest *ing, struct ing_sconn *c)
{
	sg_rtsp_server_free(c->srv); /* on_teardown("closed") while c is still valid */
	c->srv = NULL;
	if (c->path)
		sc_teardown(c, NULL, "closed");
	for (struct ing_sconn **pp = &ing->conns; *pp; pp = &(*pp)->next) {
		if (*pp == c) {
			*pp = c->next;
			break;
		}
	}
	sg_loop_del(ing->app, &c->io);
	close(c->io.fd);
	c->io.fd = -1;
	c->io.cb = dead_io;
	c->next = ing->graveyard;
	ing->graveyard = c;
}

void ing_server_graveyard_empty(struct sg_ingest *ing)
{
	while (ing->graveyard) {
		struct ing_sconn *c = ing->graveyard;
		ing->graveyard = c->next;
		free(c);
	}
}

/* Write pending output; returns false when the connection was closed. */
static bool sconn_pump(struct ing_sconn *c)
{
	size_t n;
	const uint8_t *o;
	if (!c->srv)
		return false; /* already closed */
	while ((o = sg_rtsp_server_output(c->srv, &n)) && n) {
		ssize_t w = send(c->io.fd, o, n, MSG_NOSIGNAL | MSG_DONTWAIT);
		if (w < 0) {
			if (errno == EAGAIN || errno == EINTR)
				break;
			sconn_free(c->ing, c);
			return false;
		}
		sg_rtsp_server_output_consume(c->srv, (size_t)w);
	}
	sg_rtsp_server_output(c->srv, &n);
	if (!n && (c->closing || sg_rtsp_server_must_close(c->srv))) {
		sconn_free(c->ing, c);
		return false;
	}
	uint32_t want = EPOLLIN | (n ? EPOLLOUT : 0);
	if (want != c->ev_mask) {
		c->ev_mask = want;
		sg_loop_mod(c->ing->app, &c->io, want);
	}
	return true;
}

static void sconn_io(struct sg_app *app, struct sg_loop_io *io, uint32_t events)
{
	struct ing_sconn *c = (struct ing_sconn *)io;
	static uint8_t buf[65536];
	(void)app;
	if (events & EPOLLIN) {
		for (int i = 0; i < 16; i++) {
			ssize_t n = recv(io->fd, buf, sizeof(buf), MSG_DONTWAIT);
			if (n == 0 || (n < 0 && errno != EAGAIN && errno != EINTR)) {
				sconn_free(c->ing, c);
				return;
			}
			if (n < 0)
				break;
			if (sg_rtsp_server_feed(c->srv, buf, (size_t)n, sg_now_ns()) < 0) {
				c->closing = true; /* a 400 may be queued: flush it, then close */
				break;
			}
			if ((size_t)n < sizeof(buf))
				break;
		}
	} else if (events & (EPOLLERR | EPOLLHUP)) {
		sconn_free(c->ing, c);
		return;
	}
	sconn_pump(c);
}

static void listen_io(struct sg_app *app, struct sg_loop_io *io, uint32_t events)
{
	struct sg_ingest *ing = app->ingest;
	(void)events;
	for (int i = 0; i < 16; i++) {
		struct sockaddr_in a;
		socklen_t al = sizeof(a);
		int fd = accept4(io->fd, (struct sockaddr *)&a, &al, SOCK_NONBLOCK | SOCK_CLOEXEC);
		if (fd < 0)
			return;
		if (n_conns(ing) >= SCONN_MAX) {
			ing->conns_rejected++;
			close(fd);
			continue;
		}
		struct ing_sconn *c = calloc(1, sizeof(*c));
		struct sg_rtsp_server_cfg sc = {.cbs = &cbs, .ctx = c, .auth = ing->auth,
						.server_name = "streamgate/" SG_VERSION};
		if (!c || !(c->srv = sg_rtsp_server_new(&sc, sg_now_ns()))) {
			free(c);
			close(fd);
			ing->conns_rejected++;
			continue;
		}
		c->ing = ing;
		c->peer = a;
		c->io = (struct sg_loop_io){.fd = fd, .cb = sconn_io};
		c->ev_mask = EPOLLIN;
		c->next = ing->conns;
		ing->conns = c;
		ing->conns_accepted++;
		sg_loop_add(app, &c->io, EPOLLIN);
	}
}

void ing_server_fanout(struct ing_path *p, int slot, bool rtcp, const uint8_t *pkt, size_t len)
{
	for (unsigned i = 0; i < p->n_readers; i++) {
		struct ing_sconn *c = p->readers[i];
		for (unsigned k = 0; k < c->n_rm; k++) {
			if (c->rm[k].slot != slot)
				continue;
			if (sg_rtsp_server_send_frame(c->srv, rtcp ? c->rm[k].ch_rtcp : c->rm[k].ch_rtp, pkt,
						      (uint16_t)len) < 0) {
				c->frames_dropped++;
				p->m[slot].drops[ING_DROP_READER_FULL]++;
			}
		}
	}
	/* flush after the loop: a failed write frees the reader (and edits the list) */
	for (unsigned i = p->n_readers; i-- > 0;)
		if (i < p->n_readers)
			sconn_pump(p->readers[i]);
}

int ing_server_publisher_frame(struct ing_path *p, uint8_t ch, const uint8_t *data, size_t len)
{
	struct ing_sconn *c = p->publisher_conn;
	if (!c || len > UINT16_MAX)
		return -ENOTCONN;
	if (sg_rtsp_server_send_frame(c->srv, ch, data, (uint16_t)len) < 0)
		return -ENOBUFS;
	sconn_pump(c);
	return 0;
}

void ing_server_tick(struct sg_ingest *ing, uint64_t now)
{
	unsigned read_to = ing->app->cfg.rtsp_read_timeout_s;
	struct ing_sconn *c, *next;
	for (c = ing->conns; c; c = next) {
		next = c->next;
		struct ing_path *p = c->path;
		if (c->publisher && p && p->publisher_conn == c && p->st == ING_PUBLISHING) {
			uint64_t last = ing_media_last_rx(p);
			uint64_t ref = SG_MAX(last, p->media_since);
			if (last && (last > now || now - last < 5000000000ull))
				sg_rtsp_server_touch(c->srv, now); /* UDP media keeps the session alive */
			if (now > ref && now - ref > (uint64_t)read_to * 1000000000ull) {
				snprintf(p->last_err, sizeof(p->last_err), "publisher sent no media for %u s", read_to);
				p->errors++;
				SG_WARN(ING_TAG, "%s: %s: closing", p->name, p->last_err);
				sconn_free(ing, c);
				continue;
			}
		}
		if (now >= sg_rtsp_server_next_deadline(c->srv) && sg_rtsp_server_tick(c->srv, now) < 0)
			c->closing = true;
		if (c->closing)
			sconn_pump(c);
	}
}

int ing_server_init(struct sg_ingest *ing)
{
	struct sg_app *app = ing->app;
	struct sockaddr_in a = {.sin_family = AF_INET, .sin_port = htons(app->cfg.rtsp_port),
				.sin_addr.s_addr = htonl(ing->data_ip)};
	int one = 1, fd;

	ing->auth = sg_rtsp_auth_server_new("streamgate", NULL, 0, 0, SG_RTSP_DIGEST_MD5, false);
	if (!ing->auth)
		return -errno;
	fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -errno;
	setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	if (bind(fd, (struct sockaddr *)&a, sizeof(a)) < 0 || listen(fd, 64) < 0) {
		int e = -errno;
		SG_ERR(ING_TAG, "RTSP server on %s:%u: %s", inet_ntoa(a.sin_addr), app->cfg.rtsp_port, strerror(errno));
		close(fd);
		return e;
	}
	ing->listen_io = (struct sg_loop_io){.fd = fd, .cb = listen_io};
	return sg_loop_add(app, &ing->listen_io, EPOLLIN);
}

void ing_server_fini(struct sg_ingest *ing)
{
	while (ing->conns)
		sconn_free(ing, ing->conns);
	ing_server_graveyard_empty(ing);
	if (ing->listen_io.fd >= 0) {
		sg_loop_del(ing->app, &ing->listen_io);
		close(ing->listen_io.fd);
		ing->listen_io.fd = -1;
	}
	sg_rtsp_auth_server_free(ing->auth);
	ing->auth = NULL;
}
