/* SPDX-License-Identifier: BSD-3-Clause
 * Ingest internals shared by ingest.c, ingest_media.c, ingest_pull.c,
 * ingest_server.c and ingest_cmds.c.
 */
#ifndef SG_APP_INGEST_PRIV_H
#define SG_APP_INGEST_PRIV_H

#include <netinet/in.h>
#include <sys/epoll.h>
#include <sys/types.h>
#include <stdbool.h>
#include <stdint.h>

#include "app_priv.h"
#include "ingest.h"
#include "sg_rtp.h"
#include "sg_rtsp.h"
#include "sg_sdp.h"

#define ING_TAG "ingest"
#define ING_CONNECT_TIMEOUT_NS (5ull * 1000000000ull)
#define ING_AUTO_FALLBACK_NS   (3ull * 1000000000ull) /* automatic: UDP silent this long -> TCP */
#define ING_BACKOFF_MIN_MS     500u
#define ING_BACKOFF_MAX_MS     30000u
#define ING_RR_INTERVAL_NS     (5ull * 1000000000ull) /* RFC 3550 §6.2 minimum interval */
#define ING_MAX_READERS        16

enum ing_state {
	ING_IDLE = 0,      /* pull not wanted (on demand, no viewer) */
	ING_CONNECTING,    /* TCP connect in progress */
	ING_DESCRIBING,    /* OPTIONS/DESCRIBE */
	ING_SETTING_UP,    /* SETUP per media */
	ING_PLAYING,       /* PLAY answered */
	ING_BACKOFF,       /* failed; retry at next_attempt */
	ING_WAITING,       /* publisher path without publisher */
	ING_PUBLISHING,    /* publisher path: RECORD */
};
const char *ing_state_name(enum ing_state s);

/* Drops counted by the control plane for a media, by reason. */
#define ING_DROPS(_)                                                      \
	_(RTP_TOO_SHORT) _(RTP_BAD_VERSION) _(RTP_CSRC_TRUNC) _(RTP_EXT_TRUNC) \
	_(RTP_BAD_EXT) _(RTP_BAD_PADDING) _(RTP_OTHER) _(RTCP_BAD)            \
	_(UNKNOWN_CHANNEL) _(PUSH_FULL) _(READER_FULL)
enum ing_drop {
#define ING_DROP_ENUM_(n) ING_DROP_##n,
	ING_DROPS(ING_DROP_ENUM_)
#undef ING_DROP_ENUM_
	ING_DROP__MAX
};
const char *ing_drop_name(enum ing_drop d);

struct ing_path;

/* A kernel UDP socket on the data IP (RTP or RTCP port of a media). */
struct ing_udp {
	struct sg_loop_io io;   /* first: the loop hands us &io */
	struct ing_path *path;
	int slot;
	bool rtcp;
};

struct ing_media {
	bool used;
	int sid;                /* fast-path stream; kept across reconnects */
	struct sg_ingest_media_info info;
	char control[512];      /* a=control of the source */
	int setup_idx;          /* index in the RTSP session (SETUP order), -1 = not set up */
	int sdp_idx;            /* m= line of the source's SDP */
	/* transport of the current session */
	bool tcp;
	uint8_t ch_rtp, ch_rtcp;
	uint16_t rtp_port;      /* our port pair (UDP), 0 = none */
	bool fp_bound;          /* rtp_port bound in the fast path */
	struct ing_udp rtp_sock, rtcp_sock;
	struct sockaddr_in peer_rtcp; /* where RRs go (UDP); sin_port 0 = unknown */
	uint32_t our_ssrc;
	/* RTCP */
	uint64_t rtcp_rx, sr_rx, rr_tx;
	uint32_t last_sr_mid;   /* middle 32 bits of the last SR's NTP time */
	uint64_t last_sr_ns;
	uint64_t next_rr_ns;
	int64_t rr_prev_lost;
	uint64_t rr_prev_pkts;
	/* control-plane drops */
	uint64_t drops[ING_DROP__MAX];
	uint64_t cp_pkts;       /* packets that went through the control plane */
	/* rates, from the fast-path counters */
	uint64_t rate_t, rate_bytes, rate_pkts;
	double kbps, pps;
	uint64_t kf_seen, kf_last_ns;
	double kf_interval_s;
};

struct ing_pull;
struct ing_sconn;
struct ing_tls_ctx;
struct ssl_st;

struct ing_path {
	struct sg_ingest *ing;
	const struct sg_config_path *cfg;
	char name[64];
	char source_red[512];   /* source without credentials */
	bool publisher;
	enum ing_state st;
	uint64_t st_since;
	char last_err[256];
	uint64_t errors, connects, sessions;
	unsigned fails;         /* consecutive failures (backoff exponent) */
	uint64_t next_attempt;
	/* pull */
	struct ing_pull *pull;
	bool tls_source;        /* rtsps:// source: media interleaved inside TLS (transport forced to tcp) */
	struct ing_tls_ctx *tls; /* rtsps: per-path TLS settings (NULL until needed) */
	bool tcp_fallback;      /* automatic: this attempt fell back to TCP */
	enum sg_rtsp_lower cur_lower;
	/* viewers (sourceOnDemand) */
	unsigned viewers;
	uint64_t idle_since;    /* 0 = has viewers or never had */
	/* media */
	struct ing_media m[SG_INGEST_N_MEDIA];
	bool described;
	uint64_t media_since;   /* PLAYING/RECORD start: no-media timer */
	/* server side */
	struct ing_sconn *publisher_conn;
	struct ing_sconn *readers[ING_MAX_READERS];
	unsigned n_readers;
};

struct sg_ingest {
	struct sg_app *app;
	uint32_t data_ip;       /* host order */
	struct ing_path *paths;
	unsigned n_paths;
	uint8_t *port_used;     /* per pair index in the UDP range */
	unsigned n_pairs, next_pair;
	struct sg_loop_io listen_io;
	struct sg_rtsp_auth_server *auth;
	struct ing_sconn *conns; /* server connections (list) */
	struct ing_sconn *graveyard; /* closed, freed at the next tick */
	struct ing_pull *pull_graveyard;
	uint64_t last_stats_ns;
	uint64_t conns_accepted, conns_rejected;
};

static inline struct sg_ingest *ing_of(struct sg_app *app) { return app->ingest; }

/* ingest.c */
struct ing_path *ing_path_find(struct sg_ingest *ing, const char *name);
void ing_set_state(struct ing_path *p, enum ing_state st, uint64_t now);
/* A pull failed: record err, close, back off (exponential with jitter). */
void ing_path_fail(struct ing_path *p, uint64_t now, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* ingest_media.c: stream objects, ports, RTP/RTCP from the control plane */
/* Describe the path's media from SDP text: fills p->m[] (streams created or reused). 0 or -errno, err. */
int ing_media_from_sdp(struct ing_path *p, const uint8_t *sdp, size_t len, char *err, size_t errlen);
/* Allocate a UDP port pair for slot, open the kernel sockets, bind RTP in the fast path. 0 or -errno. */
int ing_media_udp_open(struct ing_path *p, int slot);
/* Close the session transport of every media (ports, sockets); streams stay. */
void ing_media_close_all(struct ing_path *p);
/* Remove the fast-path streams (shutdown). */
void ing_media_streams_del(struct ing_path *p);
/* Slot of an interleaved channel, -1 = none; *rtcp set. */
int ing_media_by_channel(struct ing_path *p, uint8_t ch, bool *rtcp);
/* One RTP packet from the control plane (TCP interleaved, kernel UDP): validate, count, push, re-serve. */
void ing_media_rtp_in(struct ing_path *p, int slot, const uint8_t *pkt, size_t len, uint64_t now);
/* One RTCP compound from the source. */
void ing_media_rtcp_in(struct ing_path *p, int slot, const uint8_t *pkt, size_t len, uint64_t now);
/* Build our RR (+SDES) for slot into buf. Returns the length or -errno. */
int ing_media_rr_build(struct ing_path *p, int slot, uint8_t *buf, size_t cap, uint64_t now);
/* Rates and RR timers; RRs over UDP are sent from here (TCP ones by the caller through rr_cb). */
void ing_media_tick(struct ing_path *p, uint64_t now);
/* Newest packet time of any media (0 = none); may be a little after the caller's now. */
uint64_t ing_media_last_rx(struct ing_path *p);
/* Readers present: packets must come through the control plane (unbinds UDP from the fast path). */
void ing_media_reader_mode(struct ing_path *p, bool readers);
/* Our SDP for RTSP readers. 0 or -errno. */
int ing_media_sdp(struct ing_path *p, char *buf, size_t *len);
void ing_ports_release(struct sg_ingest *ing, uint16_t rtp_port);

/* ingest_pull.c */
void ing_pull_graveyard_empty(struct sg_ingest *ing);
int ing_pull_start(struct ing_path *p, uint64_t now);
void ing_pull_stop(struct ing_path *p, bool teardown);
void ing_pull_tick(struct ing_path *p, uint64_t now);
/* Send an interleaved frame on the pull connection (RTCP RR over TCP). */
int ing_pull_send_frame(struct ing_path *p, uint8_t ch, const uint8_t *data, size_t len);

/* ingest_tls.c: TLS of rtsps:// pulls (OpenSSL). Messages read "TLS: ...". */
/* TLS client context from the path's tls_* keys. NULL with err set. */
struct ing_tls_ctx *ing_tls_ctx_new(const struct sg_config_path *cfg, char *err, size_t errlen);
void ing_tls_ctx_free(struct ing_tls_ctx *t);
/* "certificate verified" / "pinned certificate fingerprint" / "NOT verified". */
const char *ing_tls_mode(const struct ing_tls_ctx *t);
/* Client session on a connected non-blocking socket; host = SNI and name to verify. NULL with err. */
struct ssl_st *ing_tls_new(struct ing_tls_ctx *t, int fd, const char *host, char *err, size_t errlen);
/* Handshake step: 1 done, 0 in progress (*want_write: wait for EPOLLOUT), -1 failed (err). */
int ing_tls_handshake(struct ing_tls_ctx *t, struct ssl_st *ssl, bool *want_write, char *err, size_t errlen);
/* Protocol, cipher suite and server certificate (subject, SHA-256) for the log. */
void ing_tls_describe(struct ssl_st *ssl, char *buf, size_t len);
/* >0 bytes read, 0 would block (*want_write: needs EPOLLOUT), -1 closed by the server, -2 error (err). */
ssize_t ing_tls_read(struct ssl_st *ssl, void *buf, size_t n, bool *want_write, char *err, size_t errlen);
/* Bytes written (0: would block; retry with the same bytes first) or -1 (err). */
ssize_t ing_tls_write(struct ssl_st *ssl, const void *buf, size_t n, char *err, size_t errlen);
/* Decrypted or buffered bytes that epoll cannot see. */
bool ing_tls_pending(struct ssl_st *ssl);
/* Free a session (before closing its socket); shutdown: send close_notify if the socket takes it. */
void ing_tls_free(struct ssl_st *ssl, bool shutdown);

/* ingest_server.c */
/* Free the connections closed before this loop turn (see sg_ingest_tick). */
void ing_server_graveyard_empty(struct sg_ingest *ing);
int ing_server_init(struct sg_ingest *ing);
void ing_server_fini(struct sg_ingest *ing);
void ing_server_tick(struct sg_ingest *ing, uint64_t now);
/* Copy an RTP/RTCP packet of path slot to the TCP readers. */
void ing_server_fanout(struct ing_path *p, int slot, bool rtcp, const uint8_t *pkt, size_t len);
/* Send an interleaved frame to the publisher (RTCP RR over TCP). */
int ing_server_publisher_frame(struct ing_path *p, uint8_t ch, const uint8_t *data, size_t len);

/* ingest_cmds.c */
int ing_cmds_register(struct sg_app *app);

#endif
