/* SPDX-License-Identifier: BSD-3-Clause
 * streamgate RTSP: message parser, URL, Basic/Digest auth, and sans-IO client
 * and server protocol engines (RFC 2326 RTSP 1.0; RFC 7826 where it clarifies).
 *
 * "Sans-IO": nothing here touches a socket or a clock. The engines consume
 * bytes the daemon read, produce bytes the daemon must write (output buffer),
 * report events through a callback, and expose their next timer deadline.
 * Times are CLOCK_MONOTONIC nanoseconds supplied by the caller (sg_now_ns()).
 *
 * SDP bodies are opaque bytes here (lib/sdp parses them).
 * Credentials are never logged by this library.
 */
#ifndef SG_RTSP_H
#define SG_RTSP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* ------------------------------------------------------------------------ */
/* Limits                                                                    */
/* ------------------------------------------------------------------------ */
#define SG_RTSP_MAX_HEADER_BLOCK (16u * 1024u) /**< start line + headers */
#define SG_RTSP_MAX_HEADERS      64u
#define SG_RTSP_MAX_BODY         (1024u * 1024u) /**< Content-Length cap */
#define SG_RTSP_MAX_FRAME        65535u          /**< interleaved payload */
#define SG_RTSP_MAX_MEDIA        8u
#define SG_RTSP_URL_MAX          1024u
#define SG_RTSP_DEFAULT_PORT     554u
#define SG_RTSPS_DEFAULT_PORT    322u

/* ------------------------------------------------------------------------ */
/* Messages and the incremental parser (RFC 2326 §6, §7, §10.12)             */
/* ------------------------------------------------------------------------ */
enum sg_rtsp_method {
	SG_RTSP_M_UNKNOWN = 0,
	SG_RTSP_M_OPTIONS,
	SG_RTSP_M_DESCRIBE,
	SG_RTSP_M_ANNOUNCE,
	SG_RTSP_M_SETUP,
	SG_RTSP_M_PLAY,
	SG_RTSP_M_PAUSE,
	SG_RTSP_M_RECORD,
	SG_RTSP_M_TEARDOWN,
	SG_RTSP_M_GET_PARAMETER,
	SG_RTSP_M_SET_PARAMETER,
	SG_RTSP_M_REDIRECT,
	SG_RTSP_M__MAX
};

/** Method name ("OPTIONS", ...), or "UNKNOWN". */
const char *sg_rtsp_method_name(enum sg_rtsp_method m);
/** Method from its name (case-sensitive per RFC 2326 §6.1), or SG_RTSP_M_UNKNOWN. */
enum sg_rtsp_method sg_rtsp_method_parse(const char *name);

struct sg_rtsp_hdr {
	const char *name;
	const char *value; /**< trimmed; folded lines joined with one space */
};

/** A parsed message. All pointers are into the parser and stay valid until
 *  the next sg_rtsp_parser_feed() / _reset() / _free() on that parser. */
struct sg_rtsp_msg {
	bool is_response;
	/* request line */
	const char *method_str;
	enum sg_rtsp_method method;
	const char *uri;
	/* status line */
	int status;
	const char *reason; /**< "" when the server omitted it */
	int ver_major, ver_minor;
	struct sg_rtsp_hdr hdrs[SG_RTSP_MAX_HEADERS];
	unsigned n_hdrs;
	const uint8_t *body; /**< NULL when body_len == 0 */
	size_t body_len;
};

/** Value of the first header with that name (case-insensitive), or NULL. */
const char *sg_rtsp_msg_header(const struct sg_rtsp_msg *m, const char *name);
/** Value of the idx-th (0-based) header with that name, or NULL. */
const char *sg_rtsp_msg_header_n(const struct sg_rtsp_msg *m, const char *name, unsigned idx);
/** CSeq of the message, or -1 when absent or not a non-negative integer. */
long sg_rtsp_msg_cseq(const struct sg_rtsp_msg *m);

enum sg_rtsp_ev_type {
	SG_RTSP_EV_MESSAGE = 1,
	SG_RTSP_EV_FRAME, /**< interleaved binary frame, RFC 2326 §10.12 */
};

struct sg_rtsp_event {
	enum sg_rtsp_ev_type type;
	struct sg_rtsp_msg msg; /**< SG_RTSP_EV_MESSAGE */
	struct {
		uint8_t channel;
		const uint8_t *data; /**< valid until the next feed */
		uint16_t len;
	} frame; /**< SG_RTSP_EV_FRAME */
};

struct sg_rtsp_parser;

/**
 * New parser. max_frame bounds the interleaved payload length it accepts
 * (1..65535; 0 means 65535). Returns NULL with errno = ENOMEM or EINVAL.
 */
struct sg_rtsp_parser *sg_rtsp_parser_new(unsigned max_frame);
void sg_rtsp_parser_free(struct sg_rtsp_parser *p);
/** Forget all state (buffered bytes, error). */
void sg_rtsp_parser_reset(struct sg_rtsp_parser *p);

/**
 * Feed bytes. Consumes a prefix of buf (*consumed bytes) and:
 *  - returns 1 and fills *ev when a complete message or frame is ready
 *    (the caller then feeds the rest of buf: buf + *consumed);
 *  - returns 0 when every byte was consumed and more are needed;
 *  - returns -errno on a protocol error; the connection must be closed
 *    (sg_rtsp_parser_error() says why, every later feed returns the same):
 *      -EBADMSG  garbage before a message, malformed start line or header,
 *                invalid or conflicting Content-Length, interleaved length 0
 *      -E2BIG    header block > 16 KiB, > 64 headers, Content-Length > 1 MiB,
 *                interleaved length > max_frame
 *      -ENOMEM   out of memory
 * Between messages, empty lines (CRLF/LF) are skipped. LF-only line endings,
 * extra whitespace, folded headers, any case of "RTSP/" and a missing reason
 * phrase are accepted.
 */
int sg_rtsp_parser_feed(struct sg_rtsp_parser *p, const uint8_t *buf, size_t len,
			size_t *consumed, struct sg_rtsp_event *ev);
/** Error message after a failed feed ("" when none). */
const char *sg_rtsp_parser_error(const struct sg_rtsp_parser *p);
/** True once the parser failed: the connection must be closed. */
bool sg_rtsp_parser_must_close(const struct sg_rtsp_parser *p);

/** Write the 4-byte interleaved header ('$', channel, big-endian length). */
void sg_rtsp_interleaved_hdr(uint8_t out[4], uint8_t channel, uint16_t len);

/* ------------------------------------------------------------------------ */
/* Header helpers (RFC 2326 §12.29 Session, §12.39 Transport, §12.33 RTP-Info)*/
/* ------------------------------------------------------------------------ */
enum sg_rtsp_lower { SG_RTSP_LOWER_UDP = 0, SG_RTSP_LOWER_TCP };

struct sg_rtsp_transport {
	enum sg_rtsp_lower lower;
	bool savp;          /**< RTP/SAVP profile */
	bool multicast;
	bool record;        /**< mode=record / mode="RECORD" / mode=receive */
	bool has_interleaved, has_client_port, has_server_port, has_ssrc;
	uint8_t interleaved[2];
	uint16_t client_port[2];
	uint16_t server_port[2];
	uint32_t ssrc;
	char source[64];      /**< "" if absent */
	char destination[64]; /**< "" if absent */
};

/**
 * Parse the first transport spec of a Transport header value that this
 * library supports (RTP/AVP[/UDP|/TCP], RTP/SAVP...). With a list, entries
 * are tried in order. Returns 0, -EPROTONOSUPPORT when no entry is RTP, or
 * -EINVAL for a malformed supported entry (e.g. interleaved=300).
 */
int sg_rtsp_transport_parse(const char *value, struct sg_rtsp_transport *t);
/** Format a Transport value. Returns 0 or -ENOSPC. */
int sg_rtsp_transport_format(const struct sg_rtsp_transport *t, char *buf, size_t n);

/** Parse "id[;timeout=N]". timeout is 0 when absent. Returns 0 or -EINVAL. */
int sg_rtsp_session_parse(const char *value, char *id, size_t idlen, unsigned *timeout_s);

struct sg_rtsp_rtpinfo {
	char url[SG_RTSP_URL_MAX];
	bool has_seq, has_rtptime;
	uint16_t seq;
	uint32_t rtptime;
};
/** Parse an RTP-Info value into at most max entries. Returns the count or -EINVAL. */
int sg_rtsp_rtpinfo_parse(const char *value, struct sg_rtsp_rtpinfo *out, unsigned max);

/** Reason phrase of a status code ("OK", "Session Not Found"...), or "Unknown". */
const char *sg_rtsp_status_reason(int status);

/* ------------------------------------------------------------------------ */
/* URLs                                                                      */
/* ------------------------------------------------------------------------ */
struct sg_rtsp_url {
	bool tls;           /**< rtsps:// */
	bool has_port;
	bool ipv6;          /**< host was a [literal] (stored without brackets) */
	char user[128];     /**< percent-decoded; "" if absent */
	char pass[128];     /**< percent-decoded; "" if absent */
	bool has_user;
	char host[256];
	uint16_t port;      /**< explicit, or 554 / 322 */
	char path[SG_RTSP_URL_MAX]; /**< path + "?query", at least "/" */
};

/**
 * Parse rtsp://[user[:pass]@]host[:port][/path][?query] or rtsps://...
 * Host may be a name, IPv4 or [IPv6] literal. Returns 0, -EINVAL (bad
 * syntax/scheme/port/percent-escape) or -ENAMETOOLONG (a field too long).
 * On error the structure is wiped (it may have held a password).
 */
int sg_rtsp_url_parse(const char *s, struct sg_rtsp_url *u);
/** Format without credentials (a request URI). Returns 0 or -ENOSPC. */
int sg_rtsp_url_format(const struct sg_rtsp_url *u, char *buf, size_t n);
/**
 * Copy s to buf with any user:pass@ removed, for display/logging. Works on
 * strings that do not parse too (best effort strip up to '@'). Returns 0 or -ENOSPC.
 */
int sg_rtsp_url_redact(const char *s, char *buf, size_t n);
/**
 * Resolve a media control URL against a base (RFC 2326 §C.1.1): absolute
 * rtsp(s):// URLs are taken as they are, "*" or "" means the base, "/x" is
 * taken from the base's authority, anything else is appended to the base
 * with a '/' (what cameras, ffmpeg and live555 expect). Returns 0 or -ENOSPC.
 */
int sg_rtsp_url_resolve(const char *base, const char *control, char *buf, size_t n);

/* ------------------------------------------------------------------------ */
/* Authentication: Basic (RFC 7617) and Digest (RFC 2617, RFC 7616)          */
/* ------------------------------------------------------------------------ */
enum sg_rtsp_auth_scheme { SG_RTSP_AUTH_NONE = 0, SG_RTSP_AUTH_BASIC, SG_RTSP_AUTH_DIGEST };
enum sg_rtsp_digest_alg {
	SG_RTSP_DIGEST_MD5 = 0,
	SG_RTSP_DIGEST_MD5_SESS,
	SG_RTSP_DIGEST_SHA256,
	SG_RTSP_DIGEST_SHA256_SESS,
};

struct sg_rtsp_auth_challenge {
	enum sg_rtsp_auth_scheme scheme;
	enum sg_rtsp_digest_alg alg;
	bool qop_auth; /**< server offered qop=auth (else RFC 2069 compatibility) */
	bool stale;
	char realm[128];
	char nonce[256];
	char opaque[256];
};

/**
 * Parse one WWW-Authenticate value. Returns 0, -EPROTONOSUPPORT for an
 * unknown scheme/algorithm or a qop list without "auth", -EINVAL when malformed.
 */
int sg_rtsp_auth_challenge_parse(const char *value, struct sg_rtsp_auth_challenge *c);
/**
 * Pick the strongest supported challenge among the WWW-Authenticate headers
 * of a 401 (Digest SHA-256 > Digest MD5 > Basic). Returns 0 or -EPROTONOSUPPORT.
 */
int sg_rtsp_auth_challenge_pick(const struct sg_rtsp_msg *m, struct sg_rtsp_auth_challenge *c);

/**
 * Build an Authorization header value answering challenge c for method/uri.
 * nc is the nonce count (1 for the first use of a nonce); cnonce may be NULL
 * (then 16 random bytes from OpenSSL RAND, hex). Returns 0, -ENOSPC, -EINVAL,
 * or -EIO (RAND/digest failure).
 */
int sg_rtsp_auth_build(const struct sg_rtsp_auth_challenge *c, const char *user,
		       const char *pass, const char *method, const char *uri, uint32_t nc,
		       const char *cnonce, char *out, size_t n);

/** Parsed Authorization header (server side). Pointers into *storage*. */
struct sg_rtsp_authz {
	enum sg_rtsp_auth_scheme scheme;
	enum sg_rtsp_digest_alg alg;
	char username[128];
	char realm[128], nonce[256], uri[SG_RTSP_URL_MAX], response[80];
	char cnonce[256], nc[16], qop[16], opaque[256];
	char basic_pass[128]; /**< Basic only; wiped by sg_rtsp_authz_wipe() */
};
/** Parse an Authorization value. Returns 0, -EINVAL or -EPROTONOSUPPORT. */
int sg_rtsp_authz_parse(const char *value, struct sg_rtsp_authz *a);
/** Wipe secrets in a parsed Authorization. */
void sg_rtsp_authz_wipe(struct sg_rtsp_authz *a);

struct sg_rtsp_auth_server;
/**
 * Server-side Digest state. realm is shown to clients. secret (len bytes)
 * keys the nonce HMAC; NULL draws 32 random bytes. nonce_ttl_s is how long
 * a nonce is fresh (0 = 300 s). alg is MD5 or SHA256 (what cameras and
 * ffmpeg understand: MD5). allow_basic lets Basic credentials through
 * (only sensible over TLS). Returns NULL with errno EINVAL/ENOMEM/EIO.
 */
struct sg_rtsp_auth_server *sg_rtsp_auth_server_new(const char *realm, const uint8_t *secret,
						    size_t len, unsigned nonce_ttl_s,
						    enum sg_rtsp_digest_alg alg, bool allow_basic);
void sg_rtsp_auth_server_free(struct sg_rtsp_auth_server *s);
/**
 * WWW-Authenticate value with a fresh nonce (HMAC-SHA256(secret, time)),
 * stale=true when asked. Returns 0, -ENOSPC or -EIO.
 */
int sg_rtsp_auth_server_challenge(struct sg_rtsp_auth_server *s, uint64_t now_ns, bool stale,
				  char *out, size_t n);
/**
 * Verify an Authorization value for method against user/pass (constant-time
 * compare). Returns 0 when valid, -EACCES when wrong (user, password, realm,
 * forged nonce, malformed), -ESTALE when correct but the nonce expired (the
 * caller re-challenges with stale=true).
 */
int sg_rtsp_auth_server_verify(struct sg_rtsp_auth_server *s, const char *authz,
			       const char *method, const char *user, const char *pass,
			       uint64_t now_ns);

/* ------------------------------------------------------------------------ */
/* Client engine (we pull from a camera)                                     */
/* ------------------------------------------------------------------------ */
enum sg_rtsp_client_ev_type {
	SG_RTSP_CEV_SDP = 1,  /**< DESCRIBE answered: call _setup_media() per media, then _play() */
	SG_RTSP_CEV_MEDIA_SETUP, /**< a SETUP succeeded */
	SG_RTSP_CEV_PLAYING,  /**< PLAY answered 200 */
	SG_RTSP_CEV_FRAME,    /**< interleaved frame */
	SG_RTSP_CEV_RECONNECT,/**< redirected: connect to the new URL, then _start() */
	SG_RTSP_CEV_ERROR,    /**< fatal: close the connection (see status/err/reason) */
	SG_RTSP_CEV_CLOSED,   /**< TEARDOWN done: close the connection */
};

struct sg_rtsp_client_event {
	enum sg_rtsp_client_ev_type type;
	union {
		struct {
			const uint8_t *body;
			size_t len;
			const char *base; /**< base URL for control URLs (no credentials) */
			const char *content_type;
		} sdp;
		struct {
			unsigned idx;
			const char *url;
			struct sg_rtsp_transport transport; /**< from the response */
		} media;
		struct {
			const struct sg_rtsp_rtpinfo *rtpinfo;
			unsigned n_rtpinfo;
		} playing;
		struct {
			uint8_t channel;
			const uint8_t *data;
			uint16_t len;
		} frame;
		struct {
			const char *host; /**< connect here */
			uint16_t port;
			bool tls;
		} reconnect;
		struct {
			int status; /**< RTSP status when the server refused, else 0 */
			int err;    /**< -errno */
			const char *reason;
		} error;
	};
};

typedef void (*sg_rtsp_client_cb)(void *ctx, const struct sg_rtsp_client_event *ev);

struct sg_rtsp_client_cfg {
	const char *url;          /**< may carry user:pass@ */
	enum sg_rtsp_lower transport;
	const char *user_agent;   /**< NULL: "streamgate" */
	unsigned max_redirects;   /**< 0: 3 */
	unsigned request_timeout_ms; /**< 0: 10000 */
	sg_rtsp_client_cb cb;
	void *ctx;
};

struct sg_rtsp_client;
/** New client. Returns NULL with errno EINVAL (bad URL/cfg) or ENOMEM. */
struct sg_rtsp_client *sg_rtsp_client_new(const struct sg_rtsp_client_cfg *cfg);
/** Free (wipes credentials). Never call it from inside the callback. */
void sg_rtsp_client_free(struct sg_rtsp_client *c);
/** Where to connect (after _new or a RECONNECT event). */
void sg_rtsp_client_target(const struct sg_rtsp_client *c, const char **host, uint16_t *port, bool *tls);
/** The connection is up: queue OPTIONS. Returns 0 or -EALREADY/-ENOSPC. */
int sg_rtsp_client_start(struct sg_rtsp_client *c, uint64_t now_ns);
/**
 * Bytes read from the connection. Calls the callback for every event.
 * Returns 0, or -errno after a fatal error (an ERROR event was emitted).
 */
int sg_rtsp_client_feed(struct sg_rtsp_client *c, const uint8_t *buf, size_t len, uint64_t now_ns);
/** Pending output; *len = 0 when none. */
const uint8_t *sg_rtsp_client_output(const struct sg_rtsp_client *c, size_t *len);
/** n bytes of output were written. */
void sg_rtsp_client_output_consume(struct sg_rtsp_client *c, size_t n);
/**
 * After the SDP event: queue a SETUP for a media's control URL (resolved
 * against the base; absolute accepted). For UDP, rtp_port (even) is our
 * RTP port and rtp_port+1 RTCP. Returns the media index, -EINVAL, -E2BIG
 * (more than SG_RTSP_MAX_MEDIA) or -EPROTO (wrong state).
 */
int sg_rtsp_client_setup_media(struct sg_rtsp_client *c, const char *control, uint16_t rtp_port);
/** Queue PLAY once every SETUP succeeded. Returns 0 or -EPROTO. */
int sg_rtsp_client_play(struct sg_rtsp_client *c);
/** Send TEARDOWN (or CLOSED at once when no session). Returns 0 or -EPROTO. */
int sg_rtsp_client_teardown(struct sg_rtsp_client *c, uint64_t now_ns);
/**
 * Reset the engine for a new connection with another transport (automatic
 * fallback); keeps the URL, credentials, redirect count. Call _start() when
 * connected again. Returns 0.
 */
int sg_rtsp_client_restart(struct sg_rtsp_client *c, enum sg_rtsp_lower transport);
/** Next deadline (monotonic ns) or UINT64_MAX. */
uint64_t sg_rtsp_client_next_deadline(const struct sg_rtsp_client *c);
/** Run timers (keep-alive, request timeout). Returns 0 or -ETIMEDOUT (ERROR emitted). */
int sg_rtsp_client_tick(struct sg_rtsp_client *c, uint64_t now_ns);
/** Session id ("" when none) and timeout in seconds. */
const char *sg_rtsp_client_session(const struct sg_rtsp_client *c, unsigned *timeout_s);

/* ------------------------------------------------------------------------ */
/* Server engine (publishers push to us, readers pull from us)              */
/* ------------------------------------------------------------------------ */
enum sg_rtsp_action { SG_RTSP_ACT_READ = 0, SG_RTSP_ACT_PUBLISH };

struct sg_rtsp_server_media {
	unsigned idx;  /**< order of SETUP */
	char control[256]; /**< request URL path of the SETUP */
	struct sg_rtsp_transport transport; /**< as answered */
};

struct sg_rtsp_server_cbs {
	/**
	 * Is path (URL path without leading '/', no query) usable for act?
	 * Return 0 and set *auth to true when credentials are needed;
	 * -ENOENT → 404, -EACCES → 403, -EBUSY → 455 (e.g. already published).
	 */
	int (*lookup)(void *ctx, const char *path, enum sg_rtsp_action act, bool *auth);
	/** Password of user for path/act into pass; 0 or -EACCES (unknown user). */
	int (*get_password)(void *ctx, const char *path, enum sg_rtsp_action act,
			    const char *user, char *pass, size_t passlen);
	/** Our UDP RTP/RTCP ports for a media; 0 or -errno (→ 461 / 500). Optional: NULL = TCP only. */
	int (*alloc_udp_ports)(void *ctx, const char *path, unsigned idx, uint16_t *rtp, uint16_t *rtcp);
	/** SDP to answer DESCRIBE for path into buf (*len in: size, out: length); 0 or -ENOENT (→ 404). */
	int (*get_sdp)(void *ctx, const char *path, char *buf, size_t *len);
	/** ANNOUNCE accepted (credentials checked): SDP of the publisher. 0 or -errno (→ 400/455). */
	int (*on_announce)(void *ctx, const char *path, const uint8_t *sdp, size_t len);
	/** RECORD / PLAY: media set up. 0 or -errno (→ 455/500). */
	int (*on_record)(void *ctx, const char *path, const struct sg_rtsp_server_media *m, unsigned n);
	int (*on_play)(void *ctx, const char *path, const struct sg_rtsp_server_media *m, unsigned n);
	/** Publisher's interleaved frame (RECORD over TCP). Optional. */
	void (*on_frame)(void *ctx, uint8_t channel, const uint8_t *data, uint16_t len);
	/** Session ended: TEARDOWN, timeout, or connection closed. Optional. */
	void (*on_teardown)(void *ctx, const char *path, const char *why);
};

struct sg_rtsp_server_cfg {
	const struct sg_rtsp_server_cbs *cbs;
	void *ctx;
	struct sg_rtsp_auth_server *auth; /**< NULL: every lookup asking for auth fails 401 */
	unsigned session_timeout_s;       /**< 0: 60 */
	const char *server_name;          /**< Server header; NULL: "streamgate" */
};

struct sg_rtsp_server;
/** One per TCP connection. Returns NULL with errno EINVAL/ENOMEM. */
struct sg_rtsp_server *sg_rtsp_server_new(const struct sg_rtsp_server_cfg *cfg, uint64_t now_ns);
/** Free; calls on_teardown("closed") when a session was active. */
void sg_rtsp_server_free(struct sg_rtsp_server *s);
/**
 * Bytes from the client. Answers requests into the output buffer. Returns
 * 0, or -errno when the connection must be closed (parse error: a 400 was
 * queued when possible; TEARDOWN: 0 and sg_rtsp_server_must_close()).
 */
int sg_rtsp_server_feed(struct sg_rtsp_server *s, const uint8_t *buf, size_t len, uint64_t now_ns);
const uint8_t *sg_rtsp_server_output(const struct sg_rtsp_server *s, size_t *len);
void sg_rtsp_server_output_consume(struct sg_rtsp_server *s, size_t n);
/** Queue an interleaved frame to a reader (PLAY over TCP). 0 or -ENOBUFS. */
int sg_rtsp_server_send_frame(struct sg_rtsp_server *s, uint8_t channel, const uint8_t *data, uint16_t len);
/** Traffic seen for the session (e.g. RTCP over UDP): refresh its timeout. */
void sg_rtsp_server_touch(struct sg_rtsp_server *s, uint64_t now_ns);
uint64_t sg_rtsp_server_next_deadline(const struct sg_rtsp_server *s);
/** Expire the session. Returns 0 or -ETIMEDOUT (on_teardown called, close). */
int sg_rtsp_server_tick(struct sg_rtsp_server *s, uint64_t now_ns);
/** True once the connection should be closed after flushing the output. */
bool sg_rtsp_server_must_close(const struct sg_rtsp_server *s);
/** Session id ("" when none). */
const char *sg_rtsp_server_session(const struct sg_rtsp_server *s);

#endif /* SG_RTSP_H */
