/* SPDX-License-Identifier: BSD-3-Clause
 * streamgate control socket: the operator control plane.
 *
 * The daemon creates one server (sg_ctl_server_create), registers commands
 * (sg_ctl_register) and drives it from its single-threaded epoll loop
 * (sg_ctl_server_attach / sg_ctl_server_event / sg_ctl_server_tick).
 * `streamgatectl` (and the tests) use sg_ctl_client_call() to send one
 * request and receive the reply. Plain POSIX: no DPDK dependency.
 *
 * One handler serves both human and machine output: the handler fills a
 * struct sg_ctl_out (key/value pairs and tables); the server renders it as
 * aligned text or as one JSON object, as the client asked.
 *
 * Thread safety: a server is not thread-safe; all sg_ctl_server_* /
 * sg_ctl_register calls must come from the thread running the epoll loop.
 * The client is reentrant (no global state).
 *
 * ---------------------------------------------------------------------------
 * Wire protocol (AF_UNIX, SOCK_STREAM), version 1
 * ---------------------------------------------------------------------------
 * Request frame:
 *   u32   length     big-endian, length of the body that follows,
 *                    1 < length <= SG_CTL_REQ_MAX (64 KiB)
 *   body:
 *   u8    version    SG_CTL_PROTO_VERSION (1)
 *   u8    flags      bit 0 = SG_CTL_F_JSON (render as JSON); other bits 0
 *   argv             argc >= 1 strings, each terminated by one NUL byte;
 *                    the body ends with a NUL; argc <= SG_CTL_MAX_ARGS;
 *                    argv[0] (the command name) is not empty.
 * Reply frame:
 *   u32   length     big-endian, length of the body, 1 <= length <=
 *                    SG_CTL_REPLY_MAX + 1
 *   u8    status     0 = success, else a positive errno value
 *   text             length-1 bytes, no NUL: on success the rendered
 *                    output (text or JSON), on error a one-line message
 *                    (plain text, also in JSON mode).
 * A connection may carry several request/reply exchanges in sequence.
 * Protocol errors (oversized length, malformed body) get an error reply,
 * after which the server closes the connection. A connection beyond
 * SG_CTL_MAX_CLIENTS gets an EBUSY error reply and is closed at once.
 * A connection with no progress for the idle timeout is closed.
 */
#ifndef SG_CTL_H
#define SG_CTL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define SG_CTL_PROTO_VERSION 1
#define SG_CTL_F_JSON 0x01u
#define SG_CTL_REQ_MAX (64u * 1024u)         /**< max request body bytes */
#define SG_CTL_REPLY_MAX (4u * 1024u * 1024u) /**< max rendered reply text */
#define SG_CTL_MAX_ARGS 256u                 /**< max argc of a request */
#define SG_CTL_MAX_CLIENTS 64u               /**< concurrent connections */
#define SG_CTL_MAX_CMDS 128u                 /**< registered commands incl. help */
#define SG_CTL_NAME_MAX 32u                  /**< command name incl. NUL */
#define SG_CTL_MAX_COLS 64u                  /**< columns of one table */
#define SG_CTL_IDLE_MS_DEFAULT 10000u        /**< idle client timeout */
#define SG_CTL_TIMEOUT_MS_DEFAULT 5000       /**< client call timeout */
#define SG_CTL_DEFAULT_PATH "/run/streamgate/ctl.sock"

struct sg_ctl;     /**< server */
struct sg_ctl_out; /**< output builder handed to handlers */

/**
 * Command handler. argv[0] is the command name; argv[argc] is NULL. The
 * strings live in the request buffer and are valid until the handler
 * returns. Return 0 after filling @out, or a negative errno after setting
 * a message with sg_ctl_out_error() (a negative return without a message
 * is reported with strerror()). Any output already added is discarded on
 * error.
 */
typedef int (*sg_ctl_handler_t)(void *arg, int argc, char **argv, struct sg_ctl_out *out);

/* ------------------------------------------------------------------------ */
/* Server                                                                    */
/* ------------------------------------------------------------------------ */

/** Server counters (X-macro: name, description). */
#define SG_CTL_STATS(X) \
	X(accepted, "connections accepted") \
	X(rejected_busy, "connections refused: too many clients") \
	X(requests, "requests dispatched to a command") \
	X(cmd_errors, "requests answered with an error status") \
	X(unknown_cmd, "requests for an unknown command") \
	X(too_large, "requests over SG_CTL_REQ_MAX") \
	X(malformed, "malformed request frames") \
	X(out_overflow, "replies over SG_CTL_REPLY_MAX") \
	X(disconnects, "clients gone mid-request or mid-reply") \
	X(idle_timeouts, "clients closed for idleness") \
	X(accept_errors, "accept() failures")

struct sg_ctl_stats {
#define SG_CTL_STATS_FIELD(n, d) uint64_t n;
	SG_CTL_STATS(SG_CTL_STATS_FIELD)
#undef SG_CTL_STATS_FIELD
	uint32_t active_clients; /**< currently open connections */
};

/**
 * Create a listening server on the Unix socket @path: create the missing
 * parent directories (mode 0755), replace a stale socket file (a socket
 * nobody listens on), bind, chmod(@mode), listen; the socket is
 * non-blocking and close-on-exec. The mode is applied before listen(), so
 * no connection is possible with the umask's permissions.
 * Returns the server, or NULL with errno: EINVAL (bad args), ENAMETOOLONG
 * (path longer than sun_path), EADDRINUSE (a live server listens on @path),
 * EEXIST (@path exists and is not a socket), ENOMEM, or a socket/bind/
 * mkdir/chmod errno.
 */
struct sg_ctl *sg_ctl_server_create(const char *path, unsigned mode);

/** The listening fd (for the caller's epoll), or -1 if @ctl is NULL. */
int sg_ctl_server_fd(const struct sg_ctl *ctl);

/**
 * Register a command. @name: 1..31 chars of [a-z0-9_.-] (first char a
 * letter or digit). @usage (e.g. "log-level [LEVEL]") and @help (one line)
 * are copied; NULL means "". @arg is passed to @fn.
 * Returns 0, -EINVAL (bad name, NULL fn), -EEXIST (name taken; "help" is
 * built in), -ENOSPC (SG_CTL_MAX_CMDS reached), -ENOMEM.
 */
int sg_ctl_register(struct sg_ctl *ctl, const char *name, const char *usage, const char *help,
		    sg_ctl_handler_t fn, void *arg);

/**
 * Add the listening fd to @epfd (level-triggered EPOLLIN, data.ptr = @tag).
 * Client fds accepted later are added to the same @epfd with data.ptr
 * pointing inside the server; route every epoll event whose data.ptr is
 * not one of the caller's own to sg_ctl_server_event(). @tag must not be
 * NULL. Returns 0, -EINVAL, -EALREADY (already attached), or -errno of
 * epoll_ctl.
 */
int sg_ctl_server_attach(struct sg_ctl *ctl, int epfd, void *tag);

/**
 * Handle one epoll event. @ptr is the event's data.ptr. Returns 1 if @ptr
 * belongs to this server (the event was handled), 0 otherwise. Never
 * blocks: reads and writes are non-blocking and buffered per client; a
 * complete request is dispatched to its handler immediately.
 */
int sg_ctl_server_event(struct sg_ctl *ctl, void *ptr, uint32_t events);

/**
 * Periodic housekeeping (call every ~100 ms-1 s with sg_now_ns()): closes
 * clients without progress for the idle timeout, and re-arms the listener
 * if it was paused because the process ran out of fds.
 */
void sg_ctl_server_tick(struct sg_ctl *ctl, uint64_t now_ns);

/** Set the idle timeout in ms (0 = SG_CTL_IDLE_MS_DEFAULT). */
void sg_ctl_server_set_idle_timeout(struct sg_ctl *ctl, unsigned ms);

/** Copy the server counters into @st. */
void sg_ctl_server_stats(const struct sg_ctl *ctl, struct sg_ctl_stats *st);

/**
 * Add the server counters to @out as key/value pairs (for a daemon's
 * "ctl-stats" style command).
 */
void sg_ctl_server_stats_out(const struct sg_ctl *ctl, struct sg_ctl_out *out);

/** Close every client and the listener, unlink the socket, free. NULL ok. */
void sg_ctl_server_destroy(struct sg_ctl *ctl);

/* ------------------------------------------------------------------------ */
/* Output builder                                                            */
/* ------------------------------------------------------------------------ */
/*
 * Items are rendered in the order they are added.
 * Text: a key/value pair is "key: value\n"; a table is a header row and one
 * line per row, columns separated by two spaces and aligned (a column whose
 * cells are all numbers is right-aligned, others left-aligned), no trailing
 * spaces; a table is separated from preceding output by an empty line.
 * Control characters and invalid UTF-8 are shown as '?'; booleans as
 * yes/no; a missing cell is empty.
 * JSON: one object followed by "\n"; a pair is a member, a table is
 * "name": [ {"col": value, ...}, ... ]; strings escaped per RFC 8259 sect. 7
 * (invalid UTF-8 becomes \ufffd); integers exact; doubles in the shortest
 * round-trip form, NaN/Inf as null; a missing cell is null.
 * Output is bounded by SG_CTL_REPLY_MAX; beyond it the reply becomes an
 * EMSGSIZE error "output too large". Calls after an error are ignored.
 * Misuse (a cell outside a table, a table with 0 or > SG_CTL_MAX_COLS
 * columns) turns the reply into an EINVAL error. A pair or table_begin
 * while a table is open ends that table first.
 */
void sg_ctl_out_kv_str(struct sg_ctl_out *out, const char *key, const char *val);
void sg_ctl_out_kv_u64(struct sg_ctl_out *out, const char *key, uint64_t v);
void sg_ctl_out_kv_i64(struct sg_ctl_out *out, const char *key, int64_t v);
void sg_ctl_out_kv_double(struct sg_ctl_out *out, const char *key, double v);
void sg_ctl_out_kv_bool(struct sg_ctl_out *out, const char *key, bool v);
/** printf-style string value. */
void sg_ctl_out_kv_fmt(struct sg_ctl_out *out, const char *key, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/** Start table @name with @ncols column names (copied). */
void sg_ctl_out_table_begin(struct sg_ctl_out *out, const char *name, unsigned ncols,
			    const char *const cols[]);
/** Append one cell to the current row; a row ends after ncols cells. */
void sg_ctl_out_cell_str(struct sg_ctl_out *out, const char *val);
void sg_ctl_out_cell_u64(struct sg_ctl_out *out, uint64_t v);
void sg_ctl_out_cell_i64(struct sg_ctl_out *out, int64_t v);
void sg_ctl_out_cell_double(struct sg_ctl_out *out, double v);
void sg_ctl_out_cell_bool(struct sg_ctl_out *out, bool v);
/** Empty cell (text "", JSON null). */
void sg_ctl_out_cell_null(struct sg_ctl_out *out);
/** End the table; an incomplete last row is padded with empty cells. */
void sg_ctl_out_table_end(struct sg_ctl_out *out);

/**
 * Turn the reply into an error: status @err (sign ignored; 0 or > 255
 * becomes EIO) with a printf-style one-line message (truncated to 1 KiB).
 * The first error wins. Returns -err for `return sg_ctl_out_error(...)`.
 */
int sg_ctl_out_error(struct sg_ctl_out *out, int err, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/** True if the client asked for JSON (handlers rarely need this). */
bool sg_ctl_out_is_json(const struct sg_ctl_out *out);

/* ------------------------------------------------------------------------ */
/* Client                                                                    */
/* ------------------------------------------------------------------------ */

/**
 * Connect to @path, send argv[0..argc-1] as one request (JSON output if
 * @json), wait for the reply, close. @timeout_ms bounds the whole call
 * (<= 0: SG_CTL_TIMEOUT_MS_DEFAULT).
 * On return 0, *reply is a malloc'd NUL-terminated copy of the reply text
 * (free() it), *reply_len its length, *status the reply status (0 = ok,
 * else errno; the text is then the error message).
 * Returns -EINVAL (bad args), -E2BIG (argc > SG_CTL_MAX_ARGS),
 * -EMSGSIZE (request > SG_CTL_REQ_MAX), -ENAMETOOLONG, -ENOMEM,
 * -ETIMEDOUT, -EPROTO (malformed reply), -ECONNRESET (closed before a full
 * reply), or the -errno of socket()/connect() (-ENOENT, -ECONNREFUSED,
 * -EACCES...). No signal is raised if the server goes away.
 */
int sg_ctl_client_call(const char *path, int argc, char **argv, bool json, int timeout_ms,
		       char **reply, size_t *reply_len, int *status);

/**
 * Same as sg_ctl_client_call(); on failure (< 0) also writes a one-line
 * human message to @errbuf (if not NULL), e.g. "cannot connect to PATH:
 * No such file or directory (is streamgate running?)".
 */
int sg_ctl_client_call_ex(const char *path, int argc, char **argv, bool json, int timeout_ms,
			  char **reply, size_t *reply_len, int *status, char *errbuf,
			  size_t errlen);

#endif /* SG_CTL_H */
