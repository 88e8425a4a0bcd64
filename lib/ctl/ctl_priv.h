/* SPDX-License-Identifier: BSD-3-Clause
 * lib/ctl internals: frame codec, output builder/renderers, server state.
 * Exposed for the unit tests and the fuzz target; not a public API.
 */
#ifndef CTL_PRIV_H
#define CTL_PRIV_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "sg_ctl.h"

#define CTL_TAG "ctl"
#define CTL_HDR_LEN 4u
#define CTL_ERRMSG_MAX 1024u

/* ---------------------------------------------------------------- buffer */
/** Growable byte buffer bounded by max (bytes of content). */
struct ctl_buf {
	char *p;
	size_t len, cap, max;
	bool overflow; /**< something did not fit in max (or malloc failed) */
	bool nomem;
};

void ctl_buf_init(struct ctl_buf *b, size_t max);
void ctl_buf_free(struct ctl_buf *b);
/** Append; on overflow sets b->overflow and appends nothing. 0 / -ENOSPC. */
int ctl_buf_put(struct ctl_buf *b, const void *data, size_t n);
int ctl_buf_putc(struct ctl_buf *b, char c);
int ctl_buf_printf(struct ctl_buf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* ----------------------------------------------------------------- frames */
static inline uint32_t ctl_be32_get(const uint8_t *p)
{
	return ((uint32_t)p[0] << 24) | ((uint32_t)p[1] << 16) | ((uint32_t)p[2] << 8) | p[3];
}

static inline void ctl_be32_put(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)(v >> 24);
	p[1] = (uint8_t)(v >> 16);
	p[2] = (uint8_t)(v >> 8);
	p[3] = (uint8_t)v;
}

/** A parsed request; argv points into the request body. */
struct ctl_request {
	unsigned flags;
	int argc;
	char *argv[SG_CTL_MAX_ARGS + 1];
};

/**
 * Parse a request body (the bytes after the length). On success fills
 * @req (argv pointing into @body) and returns 0. On failure returns
 * -EPROTO (truncated, bad version/flags/termination), -EINVAL (empty
 * command), -E2BIG (too many args) or -EMSGSIZE (> SG_CTL_REQ_MAX) and
 * writes a message to @err; req->argc is then 0.
 */
int ctl_frame_parse(uint8_t *body, size_t len, struct ctl_request *req, char *err, size_t errlen);

/**
 * Encode a complete request frame (length + body) into a malloc'd buffer.
 * Returns 0 (*out, *outlen set), -EINVAL, -E2BIG, -EMSGSIZE or -ENOMEM.
 */
int ctl_frame_encode(int argc, char *const argv[], unsigned flags, uint8_t **out, size_t *outlen);

/* --------------------------------------------------------- output builder */
enum ctl_vtype { CTL_V_NONE, CTL_V_STR, CTL_V_U64, CTL_V_I64, CTL_V_DBL, CTL_V_BOOL };
enum ctl_ikind { CTL_I_KV, CTL_I_TABLE, CTL_I_COL, CTL_I_CELL, CTL_I_TEND };

union ctl_val {
	uint64_t u;
	int64_t i;
	double d;
	bool b;
	struct {
		uint32_t off, len;
	} s; /* into sg_ctl_out.str */
};

/** KV: key + value. TABLE: key = name, v.u = ncols, followed by ncols COL
 * items (key = column name), then the cells, then TEND. */
struct ctl_item {
	uint8_t kind;  /* enum ctl_ikind */
	uint8_t vtype; /* enum ctl_vtype */
	uint32_t koff, klen;
	union ctl_val v;
};

struct sg_ctl_out {
	bool json;
	struct ctl_item *items;
	size_t nitems, items_cap;
	char *str; /* string arena */
	size_t slen, scap;
	size_t bytes;      /* rough size accounting vs SG_CTL_REPLY_MAX */
	bool in_table;
	unsigned ncols;
	size_t ncells;     /* cells in the open table */
	bool overflow;
	int err;           /* positive errno once an error is set */
	char errmsg[CTL_ERRMSG_MAX];
};

void ctl_out_init(struct sg_ctl_out *out, bool json);
void ctl_out_fini(struct sg_ctl_out *out);
/** Render @out (text or JSON) into @b. Returns 0, or -EMSGSIZE/-ENOMEM. */
int ctl_out_render(struct sg_ctl_out *out, struct ctl_buf *b);

/**
 * Length of the valid UTF-8 sequence at @s (RFC 3629 sect. 4: no overlongs,
 * no surrogates, <= U+10FFFF), or 0 if the bytes there are invalid.
 */
size_t ctl_utf8_seq(const unsigned char *s, size_t n);

/* ----------------------------------------------------------------- server */
enum ctl_cstate { CTL_C_FREE = 0, CTL_C_READ, CTL_C_WRITE };

struct ctl_client {
	int fd;
	enum ctl_cstate st;
	uint8_t hdr[CTL_HDR_LEN];
	uint32_t hdr_got;
	uint8_t *body;
	uint32_t body_len, body_got;
	uint8_t *wbuf; /* complete reply frame */
	size_t wlen, woff;
	bool close_after; /* protocol error: close once the reply is out */
	uint64_t last_ns;
	uint32_t epev; /* events currently registered */
	pid_t pid;
	uid_t uid;
};

struct ctl_cmd {
	char name[SG_CTL_NAME_MAX];
	char *usage;
	char *help;
	sg_ctl_handler_t fn;
	void *arg;
};

struct sg_ctl {
	int lfd;
	int epfd;
	void *tag;
	bool listen_paused;
	char path[108];
	dev_t dev; /* of the bound socket file */
	ino_t ino;
	uint64_t idle_ns;
	struct ctl_cmd cmds[SG_CTL_MAX_CMDS];
	unsigned ncmds;
	struct ctl_client clients[SG_CTL_MAX_CLIENTS];
	unsigned nclients;
	struct sg_ctl_stats st;
};

/** Allocate a server with the built-in commands but no socket (lfd -1). */
struct sg_ctl *ctl_alloc(void);

/**
 * Process one request body (parse, dispatch, render) and build the complete
 * reply frame in @reply (initialised here; caller frees). *close_after is
 * set when the request was malformed. Returns the reply status.
 */
int ctl_process(struct sg_ctl *ctl, uint8_t *body, size_t len, struct ctl_buf *reply,
		bool *close_after);

/** Build an error reply frame (status + message) into @reply. */
void ctl_reply_error(struct ctl_buf *reply, int err, const char *msg);

#endif /* CTL_PRIV_H */
