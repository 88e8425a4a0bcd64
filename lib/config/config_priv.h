/* SPDX-License-Identifier: BSD-3-Clause
 * lib/config internals: a strict, schema-driven reader on top of libyaml's
 * event API (no document tree: every unexpected event is an error at once,
 * so recursion depth is bounded by the schema, not by the input).
 */
#ifndef SG_CONFIG_PRIV_H
#define SG_CONFIG_PRIV_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <yaml.h>

#include "sg_config.h"

/** Reader state. The current key path is kept in path[] for messages. */
struct sg_yp {
	yaml_parser_t parser;
	yaml_event_t ev;          /* valid when have_ev */
	bool have_ev;
	bool parser_ok;
	bool failed;              /* an error was already formatted into err */
	const char *file;
	const char *buf;          /* input, for reader-error positions */
	size_t len;
	char *err;
	size_t errlen;
	char path[256];
	size_t plen;
	/* last scalar read by sg_yp_scalar(): copy (truncated) + real length */
	char sval[1024];
	size_t slen;
	bool splain;              /* plain (unquoted) style */
	bool snull;               /* plain "", "~", "null" */
};

/* String character classes for SG_YF_STR fields. */
enum sg_ycs {
	SG_YCS_PRINT = 0,  /* printable ASCII and space */
	SG_YCS_NOSPACE,    /* printable ASCII, no space */
	SG_YCS_IDENT,      /* [A-Za-z0-9_-] */
	SG_YCS_TEXT,       /* printable ASCII, space and newline */
};

enum sg_yf_type { SG_YF_UINT, SG_YF_BOOL, SG_YF_STR, SG_YF_FN };

struct sg_yfield;
/** Custom value parser: the value's first event is pending (sg_yp_peek). */
typedef int (*sg_yf_fn)(struct sg_yp *y, void *obj, const struct sg_yfield *f);

struct sg_yfield {
	const char *key;
	enum sg_yf_type type;
	size_t off;               /* offset of the field in obj */
	size_t size;              /* UINT: 1/2/4/8; STR: buffer size; BOOL: sizeof(bool) */
	uint64_t min, max;        /* UINT: range; STR: min is the minimum length */
	enum sg_ycs cs;           /* STR: character class */
	bool required;
	sg_yf_fn fn;              /* FN */
};

#define SG_YF_MAX_FIELDS 64

/** Open a reader on buf (not copied: must outlive the reader). Returns 0 or -ENOMEM. */
int sg_yp_open(struct sg_yp *y, const char *file, const char *buf, size_t len, char *err, size_t errlen);
void sg_yp_close(struct sg_yp *y);

/** Format "<file>:<l>:<c>: <path>: <msg>" (or without path when empty) into err. Returns -EINVAL. */
int sg_yp_errf(struct sg_yp *y, const yaml_mark_t *m, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/** Make the next event current (no-op if one is pending). Returns 0 or -EINVAL (syntax). */
int sg_yp_peek(struct sg_yp *y);
/** Drop the current event. */
void sg_yp_consume(struct sg_yp *y);
/** Start mark of the pending event (call after a successful peek). */
static inline const yaml_mark_t *sg_yp_mark(const struct sg_yp *y) { return &y->ev.start_mark; }

/** Append ".key" (or "key" at the root) / "[i]" to the key path; return the old length. */
size_t sg_yp_push_key(struct sg_yp *y, const char *key);
size_t sg_yp_push_index(struct sg_yp *y, unsigned i);
static inline void sg_yp_pop(struct sg_yp *y, size_t len) { y->plen = len; y->path[len] = '\0'; }

/**
 * Stream/document framing. sg_yp_doc_begin returns 1 when a document with a
 * non-null root follows, 0 for an empty stream (or a null document), <0 on error.
 * sg_yp_doc_end rejects a second document.
 */
int sg_yp_doc_begin(struct sg_yp *y);
int sg_yp_doc_end(struct sg_yp *y);

/** Consume a MAPPING_START / SEQUENCE_START (type error otherwise); m gets its mark. */
int sg_yp_map_begin(struct sg_yp *y, yaml_mark_t *m);
int sg_yp_seq_begin(struct sg_yp *y, yaml_mark_t *m);
/** Next key of the current mapping into key (plain scalar key only): 1, 0 at the end, <0. */
int sg_yp_map_key(struct sg_yp *y, char *key, size_t ksz, yaml_mark_t *m);
/** 1 when another item follows in the current sequence (pending), 0 at the end (consumed), <0. */
int sg_yp_seq_item(struct sg_yp *y);

/** Read a scalar into y->sval/slen (type error for anything else); m gets its mark. */
int sg_yp_scalar(struct sg_yp *y, yaml_mark_t *m);
/** Scalar readers with the usual checks and messages. */
int sg_yp_uint(struct sg_yp *y, uint64_t min, uint64_t max, uint64_t *out, yaml_mark_t *m);
int sg_yp_bool(struct sg_yp *y, bool *out, yaml_mark_t *m);
/** String into dst[size]: non-null, length min..size-1, character class cs, no NUL byte. */
int sg_yp_str(struct sg_yp *y, char *dst, size_t size, size_t min, enum sg_ycs cs, yaml_mark_t *m);

/**
 * Parse a mapping against a field table. Rejects unknown and duplicate keys,
 * reports missing required keys at the mapping's mark. marks (nullable, n
 * entries) receives the mark of each value seen (the map mark for the
 * others); seen (nullable) gets a bit per field present; map_mark (nullable)
 * the mapping's mark.
 */
int sg_yp_map_fields(struct sg_yp *y, const struct sg_yfield *f, size_t n, void *obj,
		     yaml_mark_t *marks, uint64_t *seen, yaml_mark_t *map_mark);

/** Copy a short, printable rendition of s (for messages: never for secrets). */
void sg_yp_quote(char *dst, size_t size, const char *s, size_t len);

/** Read a whole file (<= SG_CONFIG_MAX_FILE_SIZE) into a malloc'ed buffer. Returns 0 or -errno. */
int sg_config_read_file(const char *path, char **buf, size_t *len);

/** Is s a PCI address DDDD:BB:DD.F or BB:DD.F (hex), optionally followed by ",devargs"? */
bool sg_config_is_pci(const char *s);

/* ---- limits shared by the config and profile schemas ---- */
#define SG_CONFIG_MIN_DESC 64
#define SG_CONFIG_MAX_DESC 32768
#define SG_CONFIG_MAX_QUEUES 1024   /* RTE_MAX_QUEUES_PER_PORT */

/** Profile names: [a-z0-9_]{1,31}. */
bool sg_config_profile_name_ok(const char *s);
/** Path names: [A-Za-z0-9._~-]{1,63}, not "." or "..". */
bool sg_config_path_name_ok(const char *s);

/* Field indexes of the port and path schemas (also index the marks). */
enum { SG_PF_NAME, SG_PF_DEVICE, SG_PF_PROFILE, SG_PF_RXQ, SG_PF_TXQ, SG_PF_RXD, SG_PF_TXD,
       SG_PF_IPV4, SG_PF_GW, SG_PF_TAP, SG_PF_MTU, SG_PF__N };
enum { SG_HF_SOURCE, SG_HF_TRANSPORT, SG_HF_ONDEMAND, SG_HF_TOKEN, SG_HF_USER, SG_HF_PASS,
       SG_HF_TLS_VERIFY, SG_HF_TLS_CA, SG_HF_TLS_FP, SG_HF__N };

/** Where things were in the file, so that cross-field errors can name line:col. */
struct sg_config_marks {
	bool workers_set, ports_set;
	yaml_mark_t root, main, workers_list, worker_cpus_list, mbufs, cache, ports_list;
	yaml_mark_t workers[SG_CONFIG_MAX_WORKERS];
	yaml_mark_t port_item[SG_CONFIG_MAX_PORTS];
	yaml_mark_t port[SG_CONFIG_MAX_PORTS][SG_PF__N];   /* map mark when the key is absent */
	uint64_t port_seen[SG_CONFIG_MAX_PORTS];
	yaml_mark_t path_key[SG_CONFIG_MAX_PATHS];
	yaml_mark_t path[SG_CONFIG_MAX_PATHS][SG_HF__N];
};

/** sg_config_validate with marks (NULL: messages without line:col). */
int sg_config_validate_marks(const struct sg_config *c, const struct sg_config_marks *mk,
			     char *err, size_t errlen);

#endif /* SG_CONFIG_PRIV_H */
