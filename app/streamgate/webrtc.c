/* SPDX-License-Identifier: BSD-3-Clause
 * WebRTC viewers on the control plane: WHEP signalling (lib/whep) on the data
 * IP, SDP offer/answer (lib/session), DTLS-SRTP (lib/dtls) over the fast
 * path's punt/send rings, SRTP keys into the owning worker, ICE consent
 * freshness (RFC 7675 §5.1: 30 s without a valid check ends the session).
 */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <openssl/rand.h>

#include "app_priv.h"
#include "ingest.h"
#include "sg_common.h"
#include "sg_dtls.h"
#include "sg_session.h"
#include "sg_srtp.h"
#include "sg_whep.h"
#include "webrtc.h"

#define TAG "webrtc"
#define MAX_HTTP_CONNS 256
#define CONSENT_NS (30ull * 1000000000ull)   /* RFC 7675 §5.1 */
#define ICE_SETUP_NS (30ull * 1000000000ull)

struct wr_conn {
	struct sg_loop_io io;     /* first: the loop hands us this pointer */
	struct wr *wr;
	struct sg_whep_conn *c;
	uint64_t linger_until;    /* lingering close: our side is shut, input drained and dropped */
};
#define LINGER_NS (2ull * 1000000000ull)

struct wr_session {
	bool in_use;
	char id[SG_WHEP_ID_MAX + 1];
	char path[SG_WHEP_PATH_MAX + 1];
	int viewer;
	struct sg_dtls_conn *dtls;
	uint64_t created_ns, connected_ns;
	bool keyed, selected;
	uint32_t ip;
	uint16_t port;
	int profile;               /* enum sg_srtp_profile once keyed */
	struct sg_session_nego nego;
	char end_reason[96];
};

/* DTLS that arrived before STUN told us whose address it is (kept briefly). */
#define EARLY_MAX 64
#define EARLY_NS (2ull * 1000000000ull)
struct wr_early {
	uint64_t t_ns;
	uint32_t ip;
	uint16_t port;
	uint16_t len;
	uint8_t data[1500];
};

struct wr {
	struct sg_app *app;
	struct wr_early early[EARLY_MAX];
	unsigned early_next;
	struct sg_dtls_cert *cert;
	struct sg_dtls_ctx *dctx;
	char fingerprint[SG_DTLS_FINGERPRINT_MAX];
	struct sg_whep_server *srv;
	struct sg_loop_io listen_io;
	struct wr_conn *conns[MAX_HTTP_CONNS];
	struct wr_session *sess;
	unsigned max_sess;
	int *sess_of_viewer;       /* fp viewer handle -> session index, -1 */
	uint64_t n_created, n_ended, n_dtls_failed, n_consent_expired, n_dtls_unknown, n_dtls_early, n_plis;
	uint8_t dgram[SG_DTLS_DGRAM_MAX];
};

static void conn_close(struct wr *wr, struct wr_conn *c);
static void conn_flush(struct wr *wr, struct wr_conn *c);

static struct wr *wr_of(struct sg_app *app)
{
	return app->webrtc;
}

/* ---- sessions -------------------------------------------------------------- */

static int srtp_profile_of(int dtls_profile)
{
	switch (dtls_profile) {
	case SG_DTLS_SRTP_AES128_CM_SHA1_80: return SG_SRTP_AES128_CM_SHA1_80;
	case SG_DTLS_SRTP_AES128_CM_SHA1_32: return SG_SRTP_AES128_CM_SHA1_32;
	case SG_DTLS_SRTP_AEAD_AES_128_GCM: return SG_SRTP_AEAD_AES_128_GCM;
	case SG_DTLS_SRTP_AEAD_AES_256_GCM: return SG_SRTP_AEAD_AES_256_GCM;
	default: return -1;
	}
}

static void session_end(struct wr *wr, struct wr_session *s, const char *why)
{
	if (!s->in_use)
		return;
	SG_INFO(TAG, "session %s on '%s' ended: %s", s->id, s->path, why);
	if (s->viewer >= 0) {
		sg_fp_viewer_del(wr->app->fp, s->viewer);
		wr->sess_of_viewer[s->viewer] = -1;
	}
	sg_dtls_conn_free(s->dtls);
	sg_ingest_path_release(wr->app, s->path);
	memset(s, 0, sizeof(*s));
	s->viewer = -1;
	wr->n_ended++;
}

static struct wr_session *session_find(struct wr *wr, const char *id)
{
	for (unsigned i = 0; i < wr->max_sess; i++)
		if (wr->sess[i].in_use && strcmp(wr->sess[i].id, id) == 0)
			return &wr->sess[i];
	return NULL;
}

/* Send whatever DTLS wants to send, through the owning worker. */
static void dtls_pump(struct wr *wr, struct wr_session *s)
{
	int n;
	while ((n = sg_dtls_conn_output(s->dtls, wr->dgram, sizeof(wr->dgram))) > 0) {
		int rc = sg_fp_viewer_send(wr->app->fp, s->viewer, wr->dgram, (uint16_t)n);
		if (rc < 0)
			SG_DEBUG(TAG, "session %s: DTLS datagram not sent: %s", s->id, strerror(-rc));
	}
}

static void dtls_progress(struct wr *wr, struct wr_session *s)
{
	enum sg_dtls_state st = sg_dtls_conn_state(s->dtls);

	dtls_pump(wr, s);
	if (st == SG_DTLS_FAILED) {
		wr->n_dtls_failed++;
		char why[160];
		snprintf(why, sizeof(why), "DTLS failed: %s", sg_dtls_conn_error(s->dtls));
		session_end(wr, s, why);
		return;
	}
	if (st == SG_DTLS_CLOSED) {
		session_end(wr, s, "DTLS closed by the viewer");
		return;
	}
	if (st == SG_DTLS_CONNECTED && !s->keyed) {
		struct sg_dtls_srtp_keys k;
		uint8_t local[48], remote[48];
		int prof;
		if (sg_dtls_conn_srtp_keys(s->dtls, &k) < 0 || (prof = srtp_profile_of(k.profile)) < 0) {
			session_end(wr, s, "no SRTP keys from DTLS");
			return;
		}
		/* RFC 5764 §4.2: master key || master salt per direction. */
		memcpy(local, k.local_key, k.key_len);
		memcpy(local + k.key_len, k.local_salt, k.salt_len);
		memcpy(remote, k.remote_key, k.key_len);
		memcpy(remote + k.key_len, k.remote_salt, k.salt_len);
		int rc = sg_fp_viewer_keys(wr->app->fp, s->viewer, prof, local, remote);
		sg_secure_zero(&k, sizeof(k));
		sg_secure_zero(local, sizeof(local));
		sg_secure_zero(remote, sizeof(remote));
		if (rc < 0) {
			session_end(wr, s, "cannot install SRTP keys");
			return;
		}
		s->keyed = true;
		s->profile = prof;
		s->connected_ns = sg_now_ns();
		SG_INFO(TAG, "session %s on '%s': DTLS connected, %s", s->id, s->path,
			sg_srtp_profile_name((enum sg_srtp_profile)prof));
	}
}

static void on_fp_event(struct wr *wr, const struct sg_fp_event *e)
{
	struct wr_session *s = NULL;
	int si = e->viewer >= 0 && (unsigned)e->viewer < wr->max_sess ? wr->sess_of_viewer[e->viewer] : -1;

	if (si >= 0)
		s = &wr->sess[si];
	if (!s && e->type == SG_FP_EV_DTLS) {
		/* Not yet in the flow table: match the address STUN selected. */
		for (unsigned i = 0; i < wr->max_sess && !s; i++)
			if (wr->sess[i].in_use && wr->sess[i].selected && wr->sess[i].ip == e->ip &&
			    wr->sess[i].port == e->port)
				s = &wr->sess[i];
	}
	if (!s) {
		if (e->type == SG_FP_EV_DTLS) {
			/* A ClientHello can overtake the SELECTED event of its own STUN check:
			 * keep it for a moment instead of waiting for the peer's retransmission. */
			struct wr_early *x = &wr->early[wr->early_next++ % EARLY_MAX];
			if (e->len <= sizeof(x->data)) {
				x->t_ns = sg_now_ns();
				x->ip = e->ip;
				x->port = e->port;
				x->len = e->len;
				memcpy(x->data, e->data, e->len);
			}
			wr->n_dtls_unknown++;
		}
		return;
	}
	switch (e->type) {
	case SG_FP_EV_SELECTED:
		s->selected = true;
		s->ip = e->ip;
		s->port = e->port;
		for (unsigned i = 0; i < EARLY_MAX && s->in_use; i++) {
			struct wr_early *x = &wr->early[i];
			if (x->len && x->ip == e->ip && x->port == e->port && sg_now_ns() - x->t_ns < EARLY_NS) {
				sg_dtls_conn_input(s->dtls, x->data, x->len, sg_now_ns());
				x->len = 0;
				wr->n_dtls_early++;
				dtls_progress(wr, s);
			}
		}
		if (s->in_use)
			dtls_pump(wr, s); /* anything queued before the address was known */
		break;
	case SG_FP_EV_DTLS:
		if (sg_dtls_conn_input(s->dtls, e->data, e->len, sg_now_ns()) < 0)
			SG_DEBUG(TAG, "session %s: DTLS input rejected", s->id);
		dtls_progress(wr, s);
		break;
	case SG_FP_EV_PLI:
		wr->n_plis++;
		break;
	}
}

void sg_webrtc_tick(struct sg_app *app, uint64_t now)
{
	struct wr *wr = wr_of(app);
	struct sg_fp_event ev[64];
	unsigned n;

	if (!wr)
		return;
	while ((n = sg_fp_events_poll(app->fp, ev, SG_ARRAY_SIZE(ev))) > 0) {
		for (unsigned i = 0; i < n; i++)
			on_fp_event(wr, &ev[i]);
		sg_fp_events_release(app->fp, ev, n);
		if (n < SG_ARRAY_SIZE(ev))
			break;
	}
	for (unsigned i = 0; i < wr->max_sess; i++) {
		struct wr_session *s = &wr->sess[i];
		struct sg_fp_viewer_info vi;
		if (!s->in_use)
			continue;
		if (sg_dtls_conn_timeout_ns(s->dtls, now) <= now) {
			sg_dtls_conn_on_timeout(s->dtls, now);
			dtls_progress(wr, s);
			if (!s->in_use)
				continue;
		}
		if (sg_fp_viewer_info_get(app->fp, s->viewer, &vi) < 0)
			continue;
		/* a check newer than now (arrived during this tick) is fresh, not 2^64 ns old */
		if (!vi.last_check_ns ? now - s->created_ns > ICE_SETUP_NS
				      : vi.last_check_ns < now && now - vi.last_check_ns > CONSENT_NS) {
			wr->n_consent_expired++;
			session_end(wr, s, vi.last_check_ns ? "consent expired (no STUN check for 30 s)"
							    : "no ICE connectivity check within 30 s");
		}
	}
	for (unsigned i = 0; i < MAX_HTTP_CONNS; i++) {
		struct wr_conn *c = wr->conns[i];
		if (!c)
			continue;
		if (c->linger_until) {
			if (now >= c->linger_until)
				conn_close(wr, c);
			continue;
		}
		if (sg_whep_conn_deadline(c->c) <= now) {
			sg_whep_conn_tick(c->c, now);
			conn_flush(wr, c);
		}
	}
}

/* ---- WHEP callbacks ---------------------------------------------------------- */

static int cb_lookup(void *arg, const char *path, char *token, size_t cap)
{
	struct wr *wr = arg;
	const struct sg_config_path *p = sg_config_path_find(&wr->app->cfg, path);
	if (!p)
		return -ENOENT;
	sg_strlcpy(token, p->read_token, cap);
	return 0;
}

static enum sg_sdp_codec_id sdp_codec_of(enum sg_fp_codec c)
{
	switch (c) {
	case SG_FP_CODEC_H264: return SG_SDP_CODEC_H264;
	case SG_FP_CODEC_H265: return SG_SDP_CODEC_H265;
	case SG_FP_CODEC_VP8: return SG_SDP_CODEC_VP8;
	case SG_FP_CODEC_VP9: return SG_SDP_CODEC_VP9;
	case SG_FP_CODEC_AV1: return SG_SDP_CODEC_AV1;
	case SG_FP_CODEC_OPUS: return SG_SDP_CODEC_OPUS;
	case SG_FP_CODEC_PCMU: return SG_SDP_CODEC_PCMU;
	case SG_FP_CODEC_PCMA: return SG_SDP_CODEC_PCMA;
	case SG_FP_CODEC_AAC: return SG_SDP_CODEC_AAC;
	default: return SG_SDP_CODEC_UNKNOWN;
	}
}

static int cb_offer(void *arg, const struct sg_whep_offer *req, struct sg_whep_answer *res)
{
	struct wr *wr = arg;
	struct sg_app *app = wr->app;
	struct sg_ingest_path_info info;
	const struct sg_ingest_media_info *media = info.media;
	int sids[2];
	struct sg_session_src src[2];
	struct sg_session_local local;
	struct wr_session *s = NULL;
	struct sg_fp_viewer_conf vc;
	struct in_addr ia;
	int rc, len;

	for (unsigned i = 0; i < wr->max_sess && !s; i++)
		if (!wr->sess[i].in_use)
			s = &wr->sess[i];
	if (!s) {
		snprintf(res->reason, sizeof(res->reason), "too many viewers (%u)", wr->max_sess);
		res->retry_after_s = 5;
		return 503;
	}
	rc = sg_ingest_path_acquire(app, req->path, sids, res->reason, sizeof(res->reason));
	if (rc == -ENOENT)
		return 404;
	if (rc < 0 || sg_ingest_path_info(app, req->path, &info) < 0 || !info.ready) {
		/* On-demand sources start connecting now; the player retries (WHEP §4.5). */
		if (rc == 0)
			sg_ingest_path_release(app, req->path);
		snprintf(res->reason, sizeof(res->reason), "path '%s' has no active source yet", req->path);
		res->retry_after_s = 2;
		return 503;
	}
	memset(src, 0, sizeof(src));
	for (unsigned k = 0; k < 2; k++) {
		char v[64];
		if (media[k].sid < 0)
			continue;
		src[k].present = true;
		src[k].codec = sdp_codec_of(media[k].codec);
		src[k].clock_rate = media[k].clock_rate;
		src[k].channels = media[k].channels;
		if (sg_sdp_fmtp_get(media[k].fmtp, "packetization-mode", v, sizeof(v)) == 0)
			src[k].packetization_mode = atoi(v);
		if (sg_sdp_fmtp_get(media[k].fmtp, "profile-level-id", v, sizeof(v)) == 0)
			src[k].profile_level_id = (uint32_t)strtoul(v, NULL, 16);
	}
	memset(&local, 0, sizeof(local));
	if (sg_session_ice_creds(local.ufrag, local.pwd) < 0 ||
	    RAND_bytes((unsigned char *)local.ssrc, sizeof(local.ssrc)) != 1 ||
	    RAND_bytes((unsigned char *)&local.sess_id, sizeof(local.sess_id)) != 1) {
		sg_ingest_path_release(app, req->path);
		return 500;
	}
	local.sess_id &= 0x7fffffffffffffffull;
	sg_strlcpy(local.fingerprint, wr->fingerprint, sizeof(local.fingerprint));
	ia.s_addr = htonl(app->cfg.ports[0].ipv4);
	inet_ntop(AF_INET, &ia, local.ip, sizeof(local.ip));
	local.port = app->cfg.media_port;
	sg_strlcpy(local.cname, "streamgate", sizeof(local.cname));
	len = sg_session_answer(req->sdp, req->sdp_len, src, &local, res->body, res->body_cap, &s->nego,
				res->reason, sizeof(res->reason));
	if (len < 0) {
		SG_INFO(TAG, "offer for '%s' rejected: %s", req->path, res->reason);
		sg_ingest_path_release(app, req->path);
		return len == -ENOSPC ? 500 : 400;
	}
	memset(&vc, 0, sizeof(vc));
	RAND_bytes((unsigned char *)&vc.session_id, sizeof(vc.session_id));
	sg_strlcpy(vc.local_ufrag, local.ufrag, sizeof(vc.local_ufrag));
	sg_strlcpy(vc.local_pwd, local.pwd, sizeof(vc.local_pwd));
	sg_strlcpy(vc.remote_ufrag, s->nego.remote_ufrag, sizeof(vc.remote_ufrag));
	for (unsigned k = 0; k < 2; k++) {
		vc.sid[k] = s->nego.media[k] ? media[k].sid : -1;
		vc.ssrc[k] = local.ssrc[k];
		vc.pt[k] = s->nego.pt[k];
	}
	vc.port_idx = 0;
	s->viewer = sg_fp_viewer_add(app->fp, &vc);
	sg_secure_zero(local.pwd, sizeof(local.pwd));
	sg_secure_zero(vc.local_pwd, sizeof(vc.local_pwd));
	if (s->viewer < 0) {
		snprintf(res->reason, sizeof(res->reason), "fast path full: %s", strerror(-s->viewer));
		sg_ingest_path_release(app, req->path);
		s->viewer = -1;
		res->retry_after_s = 5;
		return 503;
	}
	s->dtls = sg_dtls_conn_create(wr->dctx, s->nego.remote_fp, 1200);
	if (!s->dtls) {
		snprintf(res->reason, sizeof(res->reason), "unusable DTLS fingerprint in the offer");
		sg_fp_viewer_del(app->fp, s->viewer);
		sg_ingest_path_release(app, req->path);
		s->viewer = -1;
		return 400;
	}
	s->in_use = true;
	s->created_ns = sg_now_ns();
	sg_strlcpy(s->id, res->session_id, sizeof(s->id));
	sg_strlcpy(s->path, req->path, sizeof(s->path));
	wr->sess_of_viewer[s->viewer] = (int)(s - wr->sess);
	res->body_len = (size_t)len;
	wr->n_created++;
	SG_INFO(TAG, "session %s on '%s': video %s, audio %s", s->id, s->path,
		s->nego.media[0] ? s->nego.video_codec : "-", s->nego.media[1] ? s->nego.audio_codec : "-");
	return 201;
}

static int cb_session(void *arg, const char *path, const char *id, char *etag, size_t cap)
{
	struct wr_session *s = session_find(arg, id);
	if (!s || strcmp(s->path, path) != 0)
		return -ENOENT;
	sg_strlcpy(etag, s->id, cap);
	return 0;
}

static int cb_del(void *arg, const char *path, const char *id)
{
	struct wr *wr = arg;
	struct wr_session *s = session_find(wr, id);
	if (!s || strcmp(s->path, path) != 0)
		return -ENOENT;
	session_end(wr, s, "WHEP DELETE");
	return 0;
}

static int cb_paths(void *arg, char *list, size_t cap)
{
	struct wr *wr = arg;
	size_t off = 0;
	list[0] = '\0';
	for (unsigned i = 0; i < wr->app->cfg.n_paths; i++)
		if (sg_bprintf(list, cap, &off, "%s\n", wr->app->cfg.paths[i].name) < 0)
			return -ENOSPC;
	return 0;
}

/* ---- HTTP connections -------------------------------------------------------- */

static void conn_close(struct wr *wr, struct wr_conn *c)
{
	for (unsigned i = 0; i < MAX_HTTP_CONNS; i++)
		if (wr->conns[i] == c)
			wr->conns[i] = NULL;
	sg_loop_del(wr->app, &c->io);
	close(c->io.fd);
	sg_whep_conn_free(c->c);
	free(c);
}

static void conn_flush(struct wr *wr, struct wr_conn *c)
{
	const uint8_t *d;
	size_t n;

	while ((n = sg_whep_conn_output(c->c, &d)) > 0) {
		ssize_t w = send(c->io.fd, d, n, MSG_NOSIGNAL);
		if (w < 0) {
			if (errno == EAGAIN || errno == EWOULDBLOCK) {
				sg_loop_mod(wr->app, &c->io, EPOLLIN | EPOLLOUT);
				return;
			}
			conn_close(wr, c);
			return;
		}
		sg_whep_conn_output_consume(c->c, (size_t)w, sg_now_ns());
	}
	if (sg_whep_conn_want_close(c->c)) {
		/* Lingering close: a client still sending (a refused 10 MB body) must
		 * read our error before the reset a close with unread input causes. */
		shutdown(c->io.fd, SHUT_WR);
		c->linger_until = sg_now_ns() + LINGER_NS;
		sg_loop_mod(wr->app, &c->io, EPOLLIN);
		return;
	}
	sg_loop_mod(wr->app, &c->io, sg_whep_conn_want_read(c->c) ? EPOLLIN : 0);
}

static void conn_cb(struct sg_app *app, struct sg_loop_io *io, uint32_t events)
{
	struct wr_conn *c = (struct wr_conn *)io;
	struct wr *wr = wr_of(app);
	uint8_t buf[16384];

	if (c->linger_until) {
		ssize_t n;
		while ((n = recv(io->fd, buf, sizeof(buf), 0)) > 0)
			;
		if (n == 0 || (errno != EAGAIN && errno != EINTR))
			conn_close(wr, c);
		return;
	}
	if (events & (EPOLLIN | EPOLLHUP | EPOLLERR)) {
		size_t room = sg_whep_conn_read_room(c->c);
		ssize_t n = recv(io->fd, buf, room < sizeof(buf) ? room : sizeof(buf), 0);
		if (n == 0 || (n < 0 && errno != EAGAIN && errno != EINTR)) {
			conn_close(wr, c);
			return;
		}
		if (n > 0 && sg_whep_conn_input(c->c, buf, (size_t)n, sg_now_ns()) < 0 &&
		    !sg_whep_conn_output(c->c, &(const uint8_t *){NULL})) {
			conn_close(wr, c);
			return;
		}
	}
	conn_flush(wr, c);
}

static void listen_cb(struct sg_app *app, struct sg_loop_io *io, uint32_t events)
{
	struct wr *wr = wr_of(app);
	(void)events;
	for (;;) {
		int fd = accept4(io->fd, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC);
		unsigned slot = MAX_HTTP_CONNS;
		if (fd < 0)
			return;
		for (unsigned i = 0; i < MAX_HTTP_CONNS; i++)
			if (!wr->conns[i]) {
				slot = i;
				break;
			}
		struct wr_conn *c = slot < MAX_HTTP_CONNS ? calloc(1, sizeof(*c)) : NULL;
		if (c)
			c->c = sg_whep_conn_create(wr->srv, sg_now_ns());
		if (!c || !c->c) {
			if (c)
				free(c);
			close(fd);
			continue;
		}
		int one = 1;
		setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
		c->io.fd = fd;
		c->io.cb = conn_cb;
		c->wr = wr;
		if (sg_loop_add(app, &c->io, EPOLLIN) < 0) {
			close(fd);
			sg_whep_conn_free(c->c);
			free(c);
			continue;
		}
		wr->conns[slot] = c;
	}
}

/* ---- life cycle --------------------------------------------------------------- */

int sg_webrtc_init(struct sg_app *app)
{
	static const struct sg_whep_cb cb = {
		.lookup = cb_lookup, .offer = cb_offer, .session = cb_session, .del = cb_del,
		.paths = cb_paths,
	};
	struct sg_whep_conf wc = {0};
	struct sockaddr_in sa = {.sin_family = AF_INET};
	struct wr *wr = calloc(1, sizeof(*wr));
	int one = 1, rc = -ENOMEM;

	if (!wr)
		return -ENOMEM;
	app->webrtc = wr;
	wr->app = app;
	wr->listen_io.fd = -1;
	wr->max_sess = app->fpc.max_viewers ? app->fpc.max_viewers : 4096;
	wr->sess = calloc(wr->max_sess, sizeof(*wr->sess));
	wr->sess_of_viewer = malloc(wr->max_sess * sizeof(int));
	if (!wr->sess || !wr->sess_of_viewer)
		goto err;
	for (unsigned i = 0; i < wr->max_sess; i++) {
		wr->sess_of_viewer[i] = -1;
		wr->sess[i].viewer = -1;
	}
	/* ECDSA P-256, generated at start-up (RFC 8827 §6.5: no CA needed, the fingerprint is signed by SDP). */
	wr->cert = app->cfg.dtls_cert[0] ? sg_dtls_cert_load(app->cfg.dtls_cert, app->cfg.dtls_key)
				       : sg_dtls_cert_generate();
	if (!wr->cert || !(wr->dctx = sg_dtls_ctx_create(wr->cert)) ||
	    sg_dtls_cert_fingerprint(wr->cert, wr->fingerprint, sizeof(wr->fingerprint)) < 0) {
		SG_ERR(TAG, "cannot set up DTLS%s%s: %s", app->cfg.dtls_cert[0] ? " with " : "",
		       app->cfg.dtls_cert, strerror(errno));
		rc = -EIO;
		goto err;
	}
	wr->srv = sg_whep_server_create(&wc, &cb, wr);
	if (!wr->srv)
		goto err;
	wr->listen_io.fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (wr->listen_io.fd < 0)
		goto err_errno;
	setsockopt(wr->listen_io.fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	sa.sin_addr.s_addr = htonl(app->cfg.ports[0].ipv4);
	sa.sin_port = htons(app->cfg.http_port);
	if (bind(wr->listen_io.fd, (struct sockaddr *)&sa, sizeof(sa)) < 0 ||
	    listen(wr->listen_io.fd, 128) < 0)
		goto err_errno;
	wr->listen_io.cb = listen_cb;
	if ((rc = sg_loop_add(app, &wr->listen_io, EPOLLIN)) < 0)
		goto err;
	SG_NOTICE(TAG, "WHEP on http://%s:%u/<path>/ (media UDP %u), DTLS %s", inet_ntoa(sa.sin_addr),
		  app->cfg.http_port, app->cfg.media_port, wr->fingerprint);
	return 0;
err_errno:
	rc = -errno;
	SG_ERR(TAG, "WHEP listener on port %u: %s", app->cfg.http_port, strerror(errno));
err:
	sg_webrtc_fini(app);
	return rc;
}

void sg_webrtc_fini(struct sg_app *app)
{
	struct wr *wr = wr_of(app);
	if (!wr)
		return;
	for (unsigned i = 0; wr->sess && i < wr->max_sess; i++)
		session_end(wr, &wr->sess[i], "shutdown");
	for (unsigned i = 0; i < MAX_HTTP_CONNS; i++)
		if (wr->conns[i])
			conn_close(wr, wr->conns[i]);
	if (wr->listen_io.fd >= 0) {
		sg_loop_del(app, &wr->listen_io);
		close(wr->listen_io.fd);
	}
	sg_whep_server_free(wr->srv);
	sg_dtls_ctx_free(wr->dctx);
	sg_dtls_cert_free(wr->cert);
	free(wr->sess);
	free(wr->sess_of_viewer);
	free(wr);
	app->webrtc = NULL;
}

/* ---- operator commands --------------------------------------------------------- */

static const char *state_of(const struct wr_session *s, const struct sg_fp_viewer_info *vi)
{
	if (s->keyed)
		return "playing";
	if (s->selected || (vi && vi->selected))
		return "dtls";
	return "ice";
}

static int cmd_sessions(void *arg, int argc, char **argv, struct sg_ctl_out *o)
{
	static const char *const cols[] = {"id", "path", "remote", "state", "profile", "video", "audio",
					   "worker", "pkts", "bytes", "loss_pct", "cum_lost", "jitter",
					   "nacks", "plis", "rtt_ms", "age_s", "mem_bytes"};
	struct wr *wr = arg;
	uint64_t now = sg_now_ns();

	(void)argc;
	(void)argv;
	sg_ctl_out_table_begin(o, "sessions", SG_ARRAY_SIZE(cols), cols);
	for (unsigned i = 0; i < wr->max_sess; i++) {
		struct wr_session *s = &wr->sess[i];
		struct sg_fp_viewer_info vi;
		char remote[40] = "-";
		if (!s->in_use)
			continue;
		bool have = sg_fp_viewer_info_get(wr->app->fp, s->viewer, &vi) == 0;
		if (have && vi.selected) {
			struct in_addr a = {.s_addr = htonl(vi.remote_ip)};
			snprintf(remote, sizeof(remote), "%s:%u", inet_ntoa(a), vi.remote_port);
		}
		sg_ctl_out_cell_str(o, s->id);
		sg_ctl_out_cell_str(o, s->path);
		sg_ctl_out_cell_str(o, remote);
		sg_ctl_out_cell_str(o, state_of(s, have ? &vi : NULL));
		sg_ctl_out_cell_str(o, s->keyed ? sg_srtp_profile_name((enum sg_srtp_profile)s->profile) : "-");
		sg_ctl_out_cell_str(o, s->nego.media[0] ? s->nego.video_codec : "-");
		sg_ctl_out_cell_str(o, s->nego.media[1] ? s->nego.audio_codec : "-");
		sg_ctl_out_cell_u64(o, have ? vi.worker : 0);
		sg_ctl_out_cell_u64(o, have ? vi.pkts : 0);
		sg_ctl_out_cell_u64(o, have ? vi.bytes : 0);
		sg_ctl_out_cell_double(o, have ? vi.rr_fraction_lost * 100.0 / 256.0 : 0.0);
		sg_ctl_out_cell_i64(o, have ? vi.rr_cum_lost : 0);
		sg_ctl_out_cell_u64(o, have ? vi.rr_jitter : 0);
		sg_ctl_out_cell_u64(o, have ? vi.nacks : 0);
		sg_ctl_out_cell_u64(o, have ? vi.plis : 0);
		sg_ctl_out_cell_double(o, have ? vi.rtt_us / 1000.0 : 0.0);
		sg_ctl_out_cell_u64(o, (now - s->created_ns) / 1000000000ull);
		sg_ctl_out_cell_u64(o, have ? vi.mem_bytes : 0);
	}
	sg_ctl_out_table_end(o);
	sg_ctl_out_kv_u64(o, "created", wr->n_created);
	sg_ctl_out_kv_u64(o, "ended", wr->n_ended);
	sg_ctl_out_kv_u64(o, "dtls_failed", wr->n_dtls_failed);
	sg_ctl_out_kv_u64(o, "consent_expired", wr->n_consent_expired);
	sg_ctl_out_kv_u64(o, "dtls_unknown_peer", wr->n_dtls_unknown);
	sg_ctl_out_kv_u64(o, "dtls_early_recovered", wr->n_dtls_early);
	return 0;
}

static int cmd_kick(void *arg, int argc, char **argv, struct sg_ctl_out *o)
{
	struct wr *wr = arg;
	struct wr_session *s;

	if (argc != 2)
		return sg_ctl_out_error(o, EINVAL, "usage: kick SESSION-ID");
	s = session_find(wr, argv[1]);
	if (!s)
		return sg_ctl_out_error(o, ENOENT, "no session '%s'", argv[1]);
	session_end(wr, s, "kicked by the operator");
	sg_ctl_out_kv_str(o, "kicked", argv[1]);
	return 0;
}

static int cmd_whep(void *arg, int argc, char **argv, struct sg_ctl_out *o)
{
	struct wr *wr = arg;
	const struct sg_whep_counters *c = sg_whep_server_counters(wr->srv);
	(void)argc;
	(void)argv;
	sg_ctl_out_kv_str(o, "fingerprint", wr->fingerprint);
	for (unsigned i = 0; i < SG_WHEP_S__N; i++)
		if (c->status[i]) {
			char k[32];
			snprintf(k, sizeof(k), "http_%d", sg_whep_status_code(i));
			sg_ctl_out_kv_u64(o, k, c->status[i]);
		}
	for (unsigned i = 0; i < SG_WHEP_E__N; i++)
		if (c->error[i])
			sg_ctl_out_kv_u64(o, sg_whep_error_name(i), c->error[i]);
	return 0;
}

int sg_webrtc_cmds_register(struct sg_app *app)
{
	struct wr *wr = wr_of(app);
	int rc;
	if ((rc = sg_ctl_register(app->ctl, "sessions", "sessions",
				  "WebRTC viewers: path, remote, state, SRTP profile, packets, loss", cmd_sessions, wr)) < 0 ||
	    (rc = sg_ctl_register(app->ctl, "kick", "kick SESSION-ID", "end one viewer session", cmd_kick, wr)) < 0 ||
	    (rc = sg_ctl_register(app->ctl, "whep", "whep", "WHEP server counters and DTLS fingerprint", cmd_whep, wr)) < 0)
		return rc;
	return 0;
}
