/* SPDX-License-Identifier: BSD-3-Clause
 * streamgate WHEP: the HTTP/1.1 signalling server for WebRTC viewers
 * (draft-ietf-wish-whep-03, "WHEP") and the embedded browser player page.
 *
 * Sans-IO: nothing here touches a socket. Per TCP connection the daemon
 * feeds the bytes it read (sg_whep_conn_input), writes out what the engine
 * produced (sg_whep_conn_output / _output_consume), closes when told to
 * (sg_whep_conn_want_close) and calls sg_whep_conn_tick() from its timer.
 * Times are CLOCK_MONOTONIC nanoseconds supplied by the caller
 * (sg_now_ns()); the only clock read here is the wall clock for the Date
 * header (overridable through sg_whep_cb.wall_clock).
 *
 * Media decisions belong to the daemon: this library never builds or parses
 * SDP. The offer text goes to sg_whep_cb.offer, which returns the answer text
 * (or an error status and a reason shown to the viewer).
 *
 * Resources (RFC 9110 semantics, RFC 9112 message syntax):
 *   GET|HEAD /                      index page listing the paths (cb.paths)
 *   GET|HEAD /favicon.ico           204
 *   GET|HEAD /<path>/               the player page
 *   GET|HEAD /<path>                308 to /<path>/ when the path exists
 *   POST     /<path>/whep           WHEP endpoint: SDP offer -> 201 + answer
 *   PATCH    /<path>/whep/<id>      WHEP session: trickle ICE / ICE restart
 *   DELETE   /<path>/whep/<id>      WHEP session: teardown
 *   OPTIONS  anything               204 + CORS preflight
 * <path> is one or more '/'-separated segments, percent-decoded; "." and
 * ".." segments, empty segments and control characters are rejected (400),
 * and a path whose last segment is "whep" cannot be played (ambiguous).
 *
 * HTTP/1.1 engine choices (documented per RFC 9112):
 *  - Content-Length and chunked request bodies are both supported
 *    (§6.1, §7.1); any other transfer coding -> 501; Transfer-Encoding
 *    together with Content-Length, or in HTTP/1.0 -> 400 and close (§6.1).
 *  - Persistent connections (§9.3): HTTP/1.1 unless "Connection: close";
 *    HTTP/1.0 only with "Connection: keep-alive". Pipelined requests are
 *    answered one at a time, in order: the next buffered request is only
 *    processed once the previous response has been fully consumed.
 *  - Limits: request line > 8 KiB -> 414; header section > 16 KiB or more
 *    than 100 fields -> 431; body over max_body (as soon as Content-Length
 *    announces it, or as soon as the chunks exceed it) -> 413. All framing
 *    errors (400, 413, 414, 431, 501 for a coding, 505) close the connection
 *    once the response is written; the rest of the input is discarded.
 *  - "Expect: 100-continue" gets an interim 100 response when the body is
 *    acceptable (RFC 9110 §10.1.1); any other expectation -> 417.
 *  - Timeouts (checked by sg_whep_conn_tick): header section not complete
 *    header_timeout after the request's first byte -> 408 and close
 *    (slowloris); body not complete body_timeout after the headers -> 408
 *    and close; no request started idle_timeout after the connection opened
 *    or the last response -> silent close; pending output not consumed for
 *    idle_timeout -> silent close.
 *  - Unknown method -> 501 (RFC 9110 §9.1); a known method the resource
 *    does not support -> 405 with Allow (§15.5.6).
 *
 * WHEP choices (section numbers of draft-ietf-wish-whep-03; the draft reuses
 * RFC 9725 WHIP's rules for PATCH and ETags):
 *  - POST needs "Content-Type: application/sdp" (§4.2) else 415; an empty
 *    offer -> 400.
 *  - Bearer tokens (§4.7, RFC 6750 §2.1): the library asks cb.lookup for the
 *    path's token and compares in constant time. Missing or non-Bearer
 *    credentials -> 401 with "WWW-Authenticate: Bearer"; a wrong token ->
 *    403 (RFC 9110 §15.5.4: credentials understood but insufficient). The
 *    same token guards PATCH and DELETE on the session.
 *  - A path with no ready source: the offer callback returns 503 and may set
 *    retry_after_s (default 2) -> "503" + Retry-After (§4.5: temporarily
 *    unable, retry later; RFC 9110 §15.6.4). 409 is not used: nothing
 *    conflicts, the stream is simply not live yet.
 *  - 201 Created carries the answer, "Content-Type: application/sdp",
 *    "Location: /<path>/whep/<id>", "ETag" (§4.3.1: strong entity-tag of
 *    the ICE session) and "Accept-Patch: application/trickle-ice-sdpfrag".
 *    No Link headers: streamgate is ICE-lite with no STUN/TURN servers (§4.6).
 *  - PATCH (§4.3.1): Content-Type must be application/trickle-ice-sdpfrag
 *    (else 415); unknown session -> 404; no If-Match -> 428 (RFC 6585 §3);
 *    an If-Match that matches neither "*" nor the session's current ETag
 *    -> 412 (RFC 9110 §13.1.1). Then cb.patch decides: 204 (candidates
 *    accepted; ICE-lite ignores them, §4.3.2), 200 with an answer fragment
 *    and a new ETag (ICE restart, §4.3.3), or 422 (ICE restart not
 *    supported while trickle is, §4.3.1). The daemon detects a restart by
 *    the new a=ice-ufrag in the fragment (RFC 8840 §4.4).
 *  - DELETE (§4.2): cb.del -> 200, unknown session -> 404. ETags are ignored.
 *  - CORS on every response: Access-Control-Allow-Origin (conf, default
 *    "*"), -Allow-Methods, -Allow-Headers (Authorization, Content-Type,
 *    If-Match), -Expose-Headers (Location, ETag, Link, Accept-Patch),
 *    -Max-Age; OPTIONS -> 204 with Allow.
 *
 * Tokens are never logged by this library.
 */
#ifndef SG_WHEP_H
#define SG_WHEP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>

/* ------------------------------------------------------------------------ */
/* Limits and defaults                                                       */
/* ------------------------------------------------------------------------ */
#define SG_WHEP_MAX_REQUEST_LINE  (8u * 1024u)  /**< -> 414 */
#define SG_WHEP_MAX_HEADER_BLOCK  (16u * 1024u) /**< field lines -> 431 */
#define SG_WHEP_MAX_HEADERS       100u          /**< field lines -> 431 */
#define SG_WHEP_DEFAULT_MAX_BODY  (64u * 1024u) /**< -> 413 */
#define SG_WHEP_DEFAULT_MAX_ANSWER (32u * 1024u)
#define SG_WHEP_ID_MAX            64u  /**< session id / ETag chars */
#define SG_WHEP_TOKEN_MAX         255u /**< bearer token chars */
#define SG_WHEP_PATH_MAX          255u /**< decoded path name chars */
#define SG_WHEP_REASON_MAX        256u /**< error reason chars */

/* ------------------------------------------------------------------------ */
/* Counters (X-macros: id, description)                                      */
/* ------------------------------------------------------------------------ */

/** Requests by method. */
#define SG_WHEP_METHODS(X)                                                  \
	X(GET, "GET")                                                       \
	X(HEAD, "HEAD")                                                     \
	X(POST, "POST")                                                     \
	X(PATCH, "PATCH")                                                   \
	X(DELETE, "DELETE")                                                 \
	X(OPTIONS, "OPTIONS")                                               \
	X(PUT, "PUT")                                                       \
	X(TRACE, "TRACE")                                                   \
	X(CONNECT, "CONNECT")                                               \
	X(OTHER, "unknown method")

/** Responses by status (code, reason phrase of RFC 9110 §15). */
#define SG_WHEP_STATUSES(X)                                                 \
	X(100, "Continue")                                                  \
	X(200, "OK")                                                        \
	X(201, "Created")                                                   \
	X(204, "No Content")                                                \
	X(308, "Permanent Redirect")                                        \
	X(400, "Bad Request")                                               \
	X(401, "Unauthorized")                                              \
	X(403, "Forbidden")                                                 \
	X(404, "Not Found")                                                 \
	X(405, "Method Not Allowed")                                        \
	X(406, "Not Acceptable")                                            \
	X(408, "Request Timeout")                                           \
	X(409, "Conflict")                                                  \
	X(412, "Precondition Failed")                                       \
	X(413, "Content Too Large")                                         \
	X(414, "URI Too Long")                                              \
	X(415, "Unsupported Media Type")                                    \
	X(417, "Expectation Failed")                                        \
	X(422, "Unprocessable Content")                                     \
	X(428, "Precondition Required")                                     \
	X(429, "Too Many Requests")                                         \
	X(431, "Request Header Fields Too Large")                           \
	X(500, "Internal Server Error")                                     \
	X(501, "Not Implemented")                                           \
	X(503, "Service Unavailable")                                       \
	X(505, "HTTP Version Not Supported")

/** Errors and drops by reason. */
#define SG_WHEP_ERRORS(X)                                                   \
	X(bad_request_line, "malformed request line")                       \
	X(bad_header, "malformed header field line")                        \
	X(bad_framing, "invalid Content-Length / Transfer-Encoding")        \
	X(bad_chunk, "malformed chunked body")                              \
	X(bad_target, "malformed request target or path")                   \
	X(no_host, "HTTP/1.1 request without exactly one Host")             \
	X(uri_too_long, "request line over 8 KiB")                          \
	X(headers_too_large, "header section over 16 KiB")                  \
	X(too_many_headers, "more than 100 header fields")                  \
	X(body_too_large, "body over max_body")                             \
	X(bad_version, "unsupported HTTP version")                          \
	X(unsupported_coding, "transfer coding other than chunked")         \
	X(header_timeout, "header section not complete in time")            \
	X(body_timeout, "body not complete in time")                        \
	X(idle_timeout, "idle connection closed")                           \
	X(write_stall, "output not consumed in time")                       \
	X(auth_missing, "WHEP request without Bearer credentials")          \
	X(auth_bad, "WHEP request with a wrong token")                      \
	X(bad_content_type, "wrong Content-Type for POST/PATCH")            \
	X(etag_missing, "PATCH without If-Match")                           \
	X(etag_mismatch, "PATCH with a stale If-Match")                     \
	X(offer_rejected, "offer refused by the daemon")                    \
	X(callback_error, "callback returned an invalid result")            \
	X(input_overflow, "input fed while want_read() was false")          \
	X(discarded_bytes, "input bytes dropped after close was decided")   \
	X(oom, "allocation failures")

enum sg_whep_method {
#define SG_WHEP_M_ENUM(id, name) SG_WHEP_M_##id,
	SG_WHEP_METHODS(SG_WHEP_M_ENUM)
#undef SG_WHEP_M_ENUM
	SG_WHEP_M__N
};

enum sg_whep_status_idx {
#define SG_WHEP_S_ENUM(code, reason) SG_WHEP_S_##code,
	SG_WHEP_STATUSES(SG_WHEP_S_ENUM)
#undef SG_WHEP_S_ENUM
	SG_WHEP_S__N
};

enum sg_whep_error {
#define SG_WHEP_E_ENUM(id, desc) SG_WHEP_E_##id,
	SG_WHEP_ERRORS(SG_WHEP_E_ENUM)
#undef SG_WHEP_E_ENUM
	SG_WHEP_E__N
};

struct sg_whep_counters {
	uint64_t conns;         /**< connections created */
	uint64_t requests;      /**< complete requests dispatched */
	uint64_t sessions;      /**< 201 Created */
	uint64_t method[SG_WHEP_M__N];
	uint64_t status[SG_WHEP_S__N]; /**< final and interim responses */
	uint64_t status_other;  /**< statuses outside SG_WHEP_STATUSES */
	uint64_t error[SG_WHEP_E__N];
};

/** Method name ("GET", ...; "unknown method" for OTHER), or NULL out of range. */
const char *sg_whep_method_name(unsigned m);
/** Status code of a status index, or 0 out of range. */
int sg_whep_status_code(unsigned idx);
/** Reason phrase of an HTTP status code (RFC 9110 §15), or "Unknown". */
const char *sg_whep_status_reason(int code);
/** Name ("bad_header", ...) and description of an error index, or NULL. */
const char *sg_whep_error_name(unsigned e);
const char *sg_whep_error_help(unsigned e);

/* ------------------------------------------------------------------------ */
/* Daemon callbacks                                                          */
/* ------------------------------------------------------------------------ */

/** POST /<path>/whep after the token check. */
struct sg_whep_offer {
	const char *path;       /**< decoded path name, e.g. "cam1" */
	const char *sdp;        /**< the offer, NUL-terminated */
	size_t sdp_len;
	bool authenticated;     /**< the path has a token and it matched */
};

/** Result of cb.offer / cb.patch, pre-filled by the library. */
struct sg_whep_answer {
	char *body;             /**< answer SDP / fragment buffer (body_cap bytes) */
	size_t body_cap;
	size_t body_len;        /**< set by the callback (0: NUL-terminated text) */
	/** Session id: pre-filled with 32 random hex chars for cb.offer; the
	 *  callback may replace it with 1..64 chars of [A-Za-z0-9_-]. */
	char session_id[SG_WHEP_ID_MAX + 1];
	/** ETag value without quotes: "" means "use the session id" (cb.offer)
	 *  or "unchanged" (cb.patch 200 must set the new ICE session's tag);
	 *  1..64 chars of [A-Za-z0-9_-]. */
	char etag[SG_WHEP_ID_MAX + 1];
	/** Reason text for an error status (one line, sent as text/plain). */
	char reason[SG_WHEP_REASON_MAX];
	unsigned retry_after_s; /**< 503: Retry-After seconds (0: 2) */
};

/** PATCH /<path>/whep/<id> after the session and If-Match checks. */
struct sg_whep_patch {
	const char *path;
	const char *session_id;
	const char *frag;       /**< application/trickle-ice-sdpfrag, NUL-terminated */
	size_t frag_len;
	bool if_match_star;     /**< If-Match: * (RFC 9725 §4.3.3: ICE restart) */
};

struct sg_whep_cb {
	/**
	 * Does @path exist? Returns 0 and writes its read token into @token
	 * (NUL-terminated, "" = no token required), or -ENOENT. Any other
	 * negative value -> 500. Required.
	 */
	int (*lookup)(void *arg, const char *path, char *token, size_t cap);
	/**
	 * Create a session for the offer. Returns the HTTP status: 201 after
	 * writing the answer (and possibly session_id/etag); or 400 (reason:
	 * why the offer is unusable), 403, 404, 409, 429, 503 (retry_after_s),
	 * 500. Any other value -> 500. Required.
	 */
	int (*offer)(void *arg, const struct sg_whep_offer *req, struct sg_whep_answer *res);
	/**
	 * Session lookup for PATCH: 0 and the session's current ETag (without
	 * quotes) in @etag, or -ENOENT. Required.
	 */
	int (*session)(void *arg, const char *path, const char *id, char *etag, size_t cap);
	/**
	 * Trickle ICE / ICE restart. Returns 204, 200 (res->body = answer
	 * fragment, res->etag = new ETag), 400, 404, 422 or 500. Optional:
	 * NULL -> every PATCH of an existing session gets 204.
	 */
	int (*patch)(void *arg, const struct sg_whep_patch *req, struct sg_whep_answer *res);
	/** End a session: 0, or -ENOENT (-> 404). Required. */
	int (*del)(void *arg, const char *path, const char *id);
	/**
	 * Newline-separated path names for the index page into @list
	 * (NUL-terminated). Returns 0 or -errno (-> 500). Optional (NULL:
	 * an empty list).
	 */
	int (*paths)(void *arg, char *list, size_t cap);
	/** Wall clock for the Date header. Optional (NULL: time(NULL)). */
	time_t (*wall_clock)(void *arg);
};

/* ------------------------------------------------------------------------ */
/* Server (shared configuration and counters)                                */
/* ------------------------------------------------------------------------ */

struct sg_whep_conf {
	const char *cors_origin;    /**< Access-Control-Allow-Origin; NULL: "*" */
	unsigned cors_max_age_s;    /**< 0: 600 */
	size_t max_body;            /**< 0: SG_WHEP_DEFAULT_MAX_BODY; max 1 MiB */
	size_t max_answer;          /**< 0: SG_WHEP_DEFAULT_MAX_ANSWER; max 1 MiB */
	unsigned header_timeout_ms; /**< 0: 10000 */
	unsigned body_timeout_ms;   /**< 0: 30000 */
	unsigned idle_timeout_ms;   /**< 0: 60000 */
};

struct sg_whep_server;
struct sg_whep_conn;

/**
 * Create a server. @conf may be NULL (defaults); it is copied. @cb is not
 * copied and must outlive the server; @arg is passed to every callback.
 * Returns NULL with errno EINVAL (NULL cb or missing required callback,
 * cors_origin with CR/LF or > 255 chars, a limit over 1 MiB) or ENOMEM.
 */
struct sg_whep_server *sg_whep_server_create(const struct sg_whep_conf *conf,
					     const struct sg_whep_cb *cb, void *arg);
/** Free a server (NULL is fine). Free its connections first. */
void sg_whep_server_free(struct sg_whep_server *srv);
/** The server's counters (never NULL for a valid server). */
const struct sg_whep_counters *sg_whep_server_counters(const struct sg_whep_server *srv);
/** The embedded player page and its length (static storage). */
const char *sg_whep_player_html(size_t *len);

/* ------------------------------------------------------------------------ */
/* Connections                                                               */
/* ------------------------------------------------------------------------ */

/**
 * New connection state for an accepted TCP connection at @now_ns.
 * Returns NULL with errno EINVAL or ENOMEM.
 */
struct sg_whep_conn *sg_whep_conn_create(struct sg_whep_server *srv, uint64_t now_ns);
/** Free a connection (NULL is fine). */
void sg_whep_conn_free(struct sg_whep_conn *c);

/**
 * Feed @len received bytes. Complete requests are dispatched (callbacks run
 * from inside this call) and their responses appended to the output.
 * Returns 0 (check _want_close and _output afterwards), -EINVAL (NULL
 * args), -ENOMEM, or -ENOBUFS when the bytes do not fit because the caller
 * fed more than sg_whep_conn_read_room() (the connection is then closed).
 * Once close was decided, further input is discarded and 0 returned.
 */
int sg_whep_conn_input(struct sg_whep_conn *c, const uint8_t *buf, size_t len, uint64_t now_ns);

/**
 * How many bytes the next sg_whep_conn_input() is guaranteed to accept:
 * read at most this much from the socket. It shrinks while pipelined
 * requests wait for the previous response to be consumed, and is 0 once
 * close was decided. Bodies do not count against it (they are moved out of
 * the input buffer as they arrive).
 */
size_t sg_whep_conn_read_room(const struct sg_whep_conn *c);

/** read_room() > 0: false means stop reading the socket (EPOLLIN off). */
bool sg_whep_conn_want_read(const struct sg_whep_conn *c);

/** Pending output: sets *data and returns its length (0: nothing). */
size_t sg_whep_conn_output(const struct sg_whep_conn *c, const uint8_t **data);

/**
 * Mark @n bytes of the output as written (n larger than pending is
 * clamped). When the output drains, the next pipelined request already
 * buffered is processed (callbacks may run from this call).
 */
void sg_whep_conn_output_consume(struct sg_whep_conn *c, size_t n, uint64_t now_ns);

/**
 * True once the connection must be closed after the pending output is
 * written (Connection: close, HTTP/1.0, framing error, timeout). A clean
 * close writes the output, shuts down the write side, and drains input
 * for a short while before close() (RFC 9112 §9.6), so the client reads
 * the error response instead of a reset.
 */
bool sg_whep_conn_want_close(const struct sg_whep_conn *c);

/**
 * Timer: apply the timeouts at @now_ns. Returns 0, or -ETIMEDOUT when the
 * connection timed out (want_close is then true; the output may hold a 408).
 */
int sg_whep_conn_tick(struct sg_whep_conn *c, uint64_t now_ns);

/** The next time (ns) sg_whep_conn_tick() has work, or UINT64_MAX. */
uint64_t sg_whep_conn_deadline(const struct sg_whep_conn *c);

#endif /* SG_WHEP_H */
