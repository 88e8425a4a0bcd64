/* SPDX-License-Identifier: BSD-3-Clause
 * lib/whep internals: connection state, request under construction,
 * response writer.
 */
#ifndef WHEP_PRIV_H
#define WHEP_PRIV_H

#include <stdarg.h>

#include "sg_whep.h"

#define WHEP_TAG "whep"

/** Raw input buffer cap: request line + header section + slack. Bodies are
 *  moved out of it as they arrive, so only heads and pipelined bytes wait
 *  here. */
#define WHEP_IN_MAX (SG_WHEP_MAX_REQUEST_LINE + SG_WHEP_MAX_HEADER_BLOCK + 8192u)
#define WHEP_IN_MIN 4096u
#define WHEP_MAX_EMPTY_LINES 8u        /**< CRLFs tolerated before a request (RFC 9112 §2.2) */
#define WHEP_CHUNK_LINE_MAX 1024u      /**< chunk-size line incl. extensions */
#define WHEP_OUT_KEEP (64u * 1024u)    /**< output buffer kept across responses */
#define WHEP_PATHS_MAX (16u * 1024u)   /**< cb.paths list */
#define WHEP_AUTH_MAX (SG_WHEP_TOKEN_MAX + 32u)
#define WHEP_IFMATCH_MAX 512u
#define WHEP_CTYPE_MAX 128u

struct sg_whep_server {
	struct sg_whep_conf conf;
	char origin[256];
	const struct sg_whep_cb *cb;
	void *arg;
	struct sg_whep_counters ctr;
};

/** Growable byte buffer; oom latches on the first failed allocation. */
struct wbuf {
	char *p;
	size_t len, cap;
	bool oom;
};

int wbuf_reserve(struct wbuf *b, size_t extra);
void wbuf_put(struct wbuf *b, const void *data, size_t len);
void wbuf_puts(struct wbuf *b, const char *s);
void wbuf_printf(struct wbuf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void wbuf_free(struct wbuf *b);

enum conn_state {
	CS_HEAD = 0,   /**< reading the request line and header section */
	CS_BODY_CL,    /**< Content-Length body */
	CS_CHUNK_SIZE, /**< chunked: chunk-size line (RFC 9112 §7.1) */
	CS_CHUNK_DATA,
	CS_CHUNK_CRLF,
	CS_TRAILER,    /**< trailer section (RFC 9112 §7.1.2) */
	CS_READY,      /**< complete request, to dispatch */
	CS_CLOSED,     /**< close decided: input discarded */
};

/** What the engine keeps of a request once its head has been parsed. */
struct whep_req {
	enum sg_whep_method method;
	int minor;              /**< HTTP/1.<minor>: 0 or 1 */
	char *target;           /**< request-target (heap) */
	unsigned n_host;
	bool has_cl, chunked;
	uint64_t cl;
	bool conn_close, conn_keep_alive;
	bool expect_continue;
	char ctype[WHEP_CTYPE_MAX]; /**< media type, lower case, no parameters */
	bool has_ctype;
	bool has_auth, auth_too_long;
	char auth[WHEP_AUTH_MAX + 1]; /**< Authorization value (secret: wiped) */
	bool has_if_match, if_match_too_long;
	char if_match[WHEP_IFMATCH_MAX + 1];
	uint8_t *body;          /**< NUL-terminated when set */
	size_t body_len, body_cap;
	uint64_t chunk_left;
	size_t trailer_bytes;
};

struct sg_whep_conn {
	struct sg_whep_server *srv;
	enum conn_state st;
	/* raw input */
	uint8_t *in;
	size_t in_len, in_cap;
	/* head scanner (offsets into in) */
	size_t line_start, searched;
	size_t reqline_start, reqline_end; /**< [start, end) without CR LF */
	size_t fields_start;
	unsigned n_fields, n_empty;
	bool have_reqline;
	struct whep_req req;
	bool keep_alive;        /**< the current request allows reuse */
	/* output */
	struct wbuf out;
	size_t out_off;
	bool closing;
	/* timers (ns; 0 = not running) */
	uint64_t idle_since, req_start, head_done, out_since;
};

/* http.c: the request parser */
/** Run the parser/dispatcher as far as the buffered input allows. */
void whep_process(struct sg_whep_conn *c, uint64_t now_ns);
/** Forget the current request (wipes secrets). */
void whep_req_reset(struct whep_req *r);

/* resp.c: responses */
struct whep_resp {
	int status;
	const char *ctype;      /**< Content-Type, NULL when no body */
	const void *body;
	size_t body_len;
	const char *extra;      /**< extra header lines, each ending in CRLF, or NULL */
	const char *cache;      /**< Cache-Control value; NULL: "no-store" */
	bool head_only;         /**< HEAD: headers of the GET response, no body */
	bool close;             /**< close the connection after this response */
};
/** Append a final response; applies keep-alive and counters. */
void whep_respond(struct sg_whep_conn *c, const struct whep_resp *r, uint64_t now_ns);
/** Append a text/plain error response with @reason as body. */
void whep_respond_error(struct sg_whep_conn *c, int status, const char *reason,
			const char *extra, bool close, uint64_t now_ns);
/** Append the interim "100 Continue". */
void whep_respond_continue(struct sg_whep_conn *c);
/** Mark the connection closing: input discarded from now on. */
void whep_conn_close(struct sg_whep_conn *c);
/** Count a status code. */
void whep_count_status(struct sg_whep_server *s, int code);
/** IMF-fixdate (RFC 9110 §5.6.7) of @t into @buf (>= 30 bytes). */
void whep_http_date(time_t t, char *buf, size_t n);

/* route.c: resources and WHEP semantics */
/** Dispatch the complete request in c->req; appends exactly one final response. */
void whep_dispatch(struct sg_whep_conn *c, uint64_t now_ns);

/* util */
/** Case-insensitive ASCII compare of a length-delimited string with a C string. */
bool whep_tok_eq(const char *s, size_t n, const char *lit);
/** Constant-time comparison of two NUL-terminated secrets of up to SG_WHEP_TOKEN_MAX. */
bool whep_secret_eq(const char *a, const char *b);
/** Valid session id / ETag: 1..64 chars of [A-Za-z0-9_-]. */
bool whep_id_valid(const char *s);

/** Test hook: bytes currently buffered for the connection (input + body + output). */
size_t whep_conn_mem(const struct sg_whep_conn *c);

#endif /* WHEP_PRIV_H */
