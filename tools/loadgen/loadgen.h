/* SPDX-License-Identifier: BSD-3-Clause
 * sg-loadgen: many WebRTC viewers in one thread (internal header).
 *
 * Each viewer: WHEP POST of a recvonly offer (http.c, offer.c), ICE
 * connectivity checks as the controlling agent with USE-CANDIDATE and
 * consent refresh (RFC 8445 §7.2.4, RFC 7675), a DTLS client with use_srtp
 * (RFC 5764) on memory BIOs, then SRTP decryption (libsrtp2) and per-SSRC
 * counting of every packet (viewer.c). main.c runs the epoll loop, the ramp,
 * the progress line and the summary.
 */
#ifndef SG_LOADGEN_H
#define SG_LOADGEN_H

#include <netinet/in.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <openssl/ssl.h>
#include <srtp2/srtp.h>

#include "sg_stun.h"

#define LG_MAX_SSRC 4
#define LG_HTTP_MAX (64 * 1024)
#define LG_OFFER_MAX 4096
#define LG_UFRAG_LEN 8
#define LG_PWD_LEN 24

/* Event kinds multiplexed on one epoll (data.u64 = kind << 32 | viewer index). */
enum lg_ev { LG_EV_UDP = 1, LG_EV_HTTP = 2 };

enum lg_state {
	LG_IDLE = 0,     /* not started yet */
	LG_HTTP,         /* WHEP POST in flight */
	LG_ICE,          /* connectivity checks until a success response */
	LG_DTLS,         /* DTLS handshake */
	LG_MEDIA,        /* keyed: decrypting */
	LG_DONE,         /* stopped at the end of the run */
	LG_FAILED,       /* gave up (reason in fail) */
};

/** Per-SSRC receive statistics (RFC 3550 §A.1, A.3). */
struct lg_ssrc {
	uint32_t ssrc;
	uint8_t pt;
	bool init;
	uint16_t max_seq;
	uint32_t cycles;      /* extended sequence cycles << 16 */
	uint32_t base_ext;    /* first extended sequence number */
	uint64_t received;    /* unique packets decrypted */
	uint64_t reordered;   /* arrived after a higher sequence number */
};

struct lg_http {
	int fd;
	bool sent;
	size_t woff, wlen, rlen;
	char *wbuf, *rbuf;    /* request / response (LG_HTTP_MAX) */
	uint64_t deadline_ns;
};

struct lg_viewer {
	unsigned idx;
	enum lg_state state;
	char fail[160];
	int fd;                        /* connected UDP socket */
	struct lg_http http;
	char location[256];            /* WHEP session URL path (for DELETE) */
	/* ICE */
	char ufrag[LG_UFRAG_LEN + 1], pwd[LG_PWD_LEN + 1];
	char username[2 * 260];        /* "<server ufrag>:<our ufrag>" */
	struct sg_stun_key key;        /* server password */
	uint8_t tid[SG_STUN_TID_LEN];
	bool tid_pending;
	uint64_t tiebreaker;
	uint64_t next_check_ns, check_sent_ns, last_consent_ok_ns;
	unsigned check_tries;
	uint64_t consent_sent, consent_ok;
	char server_fp[256];           /* "sha-256 XX:..." from the answer */
	struct sockaddr_in server;
	/* DTLS */
	SSL *ssl;
	BIO *rb, *wb;
	uint64_t dtls_timer_ns;
	/* SRTP */
	srtp_t srtp;
	const char *profile;
	/* timing */
	uint64_t t_start_ns, t_answer_ns, t_ice_ns, t_keyed_ns, t_last_rx_ns;
	/* counters */
	uint64_t rx_dgrams, rx_bytes;  /* every datagram on the socket */
	uint64_t rtp_ok, rtp_bytes, rtcp_ok;
	uint64_t auth_fail, replay, other_fail, not_rtp, rx_early;
	unsigned n_ssrc;
	struct lg_ssrc ssrc[LG_MAX_SSRC];
};

struct lg_opts {
	char host[64];
	uint16_t port;
	char path[256];
	char token[256];
	unsigned viewers;
	double seconds;
	double ramp;              /* viewers started per second */
	double max_loss_pct;      /* per viewer */
	uint64_t min_packets;     /* per viewer */
	double connect_timeout;   /* seconds from start to keyed */
	bool json;
	bool quiet;
	bool print_offer;
	char bind_ip[64];
	/* --srtp: use_srtp offers (OpenSSL profile lists) cycled over the
	 * viewers; none = the context's default (GCM, then AES-CM). */
	const char *srtp_offer[4];
	unsigned n_srtp;
	int ep;
	SSL_CTX *ssl_ctx;
	char our_fp[128];         /* "sha-256 XX:..." of our certificate */
	struct in_addr bind_addr;
	struct in_addr host_addr;
};

/* time */
uint64_t lg_now_ns(void);

/* offer.c: our recvonly offer, like Chromium's, and reading the answer. */
int lg_offer_write(const struct lg_opts *o, const struct lg_viewer *v, char *buf, size_t cap);
/** Fill v->username, v->key, v->server_fp, v->server from an answer; -EINVAL + v->fail. */
int lg_answer_read(const struct lg_opts *o, struct lg_viewer *v, const char *sdp, size_t len);

/* http.c: one non-blocking request per viewer. */
int lg_http_start(const struct lg_opts *o, struct lg_viewer *v, const char *method, const char *path,
		  const char *body, size_t blen);
/** Progress on readiness. Returns 1 done (status, body), 0 pending, <0 error. */
int lg_http_step(struct lg_viewer *v, int *status, const char **body, size_t *blen,
		 const char **location);
void lg_http_close(const struct lg_opts *o, struct lg_viewer *v);
/** Blocking DELETE of the viewer's session (teardown). 0 or -errno. */
int lg_http_delete(const struct lg_opts *o, struct lg_viewer *v, int timeout_ms);

/* dtls.c */
int lg_dtls_ctx_init(struct lg_opts *o);
int lg_dtls_start(const struct lg_opts *o, struct lg_viewer *v);
void lg_dtls_input(struct lg_viewer *v, const uint8_t *p, size_t n);
void lg_dtls_timer(struct lg_viewer *v, uint64_t now);
void lg_dtls_free(struct lg_viewer *v);

/* viewer.c */
int lg_viewer_start(struct lg_opts *o, struct lg_viewer *v);
void lg_viewer_http_event(struct lg_opts *o, struct lg_viewer *v);
void lg_viewer_udp_event(struct lg_opts *o, struct lg_viewer *v);
void lg_viewer_tick(struct lg_opts *o, struct lg_viewer *v, uint64_t now);
void lg_viewer_fail(struct lg_opts *o, struct lg_viewer *v, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
void lg_viewer_stop(struct lg_opts *o, struct lg_viewer *v);
/** Packets expected and lost over all SSRCs (RFC 3550 §A.3). */
void lg_viewer_loss(const struct lg_viewer *v, uint64_t *expected, int64_t *lost, uint64_t *reordered);
/** Key SRTP from the finished handshake (RFC 5764 §4.2). 0 or -1 with v->fail. */
int lg_srtp_key(struct lg_viewer *v);

#endif
