/* SPDX-License-Identifier: BSD-3-Clause
 * Strict schema-driven YAML reader over libyaml events (see config_priv.h).
 */
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#include "sg_common.h"
#include "config_priv.h"

static int syntax_error(struct sg_yp *y);

int sg_yp_open(struct sg_yp *y, const char *file, const char *buf, size_t len, char *err, size_t errlen)
{
	memset(y, 0, sizeof(*y));
	y->file = file;
	y->buf = buf;
	y->len = len;
	y->err = err;
	y->errlen = errlen;
	if (err && errlen)
		err[0] = '\0';
	/* Pass 1: syntax only, so that a syntax error anywhere is reported
	 * before any schema error that precedes it in the file. */
	for (int pass = 0; pass < 2; pass++) {
		if (!yaml_parser_initialize(&y->parser)) {
			if (err && errlen)
				snprintf(err, errlen, "%s: out of memory", file);
			return -ENOMEM;
		}
		y->parser_ok = true;
		yaml_parser_set_input_string(&y->parser, (const unsigned char *)buf, len);
		if (pass == 1)
			break;
		for (;;) {
			yaml_event_t ev;
			if (!yaml_parser_parse(&y->parser, &ev))
				return syntax_error(y);
			bool end = ev.type == YAML_STREAM_END_EVENT;
			yaml_event_delete(&ev);
			if (end)
				break;
		}
		yaml_parser_delete(&y->parser);
		y->parser_ok = false;
	}
	return 0;
}

void sg_yp_close(struct sg_yp *y)
{
	if (y->have_ev)
		yaml_event_delete(&y->ev);
	y->have_ev = false;
	if (y->parser_ok)
		yaml_parser_delete(&y->parser);
	y->parser_ok = false;
	/* The last scalar may have been a secret. */
	sg_secure_zero(y->sval, sizeof(y->sval));
}

/* Keep the message on one printable line whatever the input contained. */
static void sanitize(char *s)
{
	for (; *s; s++)
		if ((unsigned char)*s < 0x20 || (unsigned char)*s > 0x7e)
			*s = '?';
}

static void verrf(struct sg_yp *y, const yaml_mark_t *m, bool with_path, const char *fmt, va_list ap)
{
	size_t off = 0;

	y->failed = true;
	if (!y->err || !y->errlen)
		return;
	y->err[0] = '\0';
	sg_bprintf(y->err, y->errlen, &off, "%s:%zu:%zu: ", y->file, m ? m->line + 1 : 1,
		   m ? m->column + 1 : 1);
	if (with_path && y->plen)
		sg_bprintf(y->err, y->errlen, &off, "%s: ", y->path);
	if (off < y->errlen - 1)
		vsnprintf(y->err + off, y->errlen - off, fmt, ap);
	sanitize(y->err);
}

int sg_yp_errf(struct sg_yp *y, const yaml_mark_t *m, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	verrf(y, m, true, fmt, ap);
	va_end(ap);
	return -EINVAL;
}

static int errf_nopath(struct sg_yp *y, const yaml_mark_t *m, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
static int errf_nopath(struct sg_yp *y, const yaml_mark_t *m, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	verrf(y, m, false, fmt, ap);
	va_end(ap);
	return -EINVAL;
}

static int syntax_error(struct sg_yp *y)
{
	const yaml_parser_t *p = &y->parser;
	yaml_mark_t m = p->problem_mark;

	if (p->error == YAML_MEMORY_ERROR) {
		errf_nopath(y, &p->mark, "out of memory");
		return -ENOMEM;
	}
	if (p->error == YAML_READER_ERROR) {
		/* Reader errors carry a byte offset, not a mark. */
		memset(&m, 0, sizeof(m));
		for (size_t i = 0; i < p->problem_offset && i < y->len; i++) {
			if (y->buf[i] == '\n') {
				m.line++;
				m.column = 0;
			} else {
				m.column++;
			}
		}
	}
	return errf_nopath(y, &m, "syntax error: %s", p->problem ? p->problem : "unknown");
}

void sg_yp_quote(char *dst, size_t size, const char *s, size_t len)
{
	size_t n = 0, max = size > 4 ? size - 4 : 0;

	for (size_t i = 0; i < len && n < max; i++)
		dst[n++] = (s[i] >= 0x20 && s[i] < 0x7f) ? s[i] : '?';
	if (len > n && size > 4) {
		memcpy(dst + n, "...", 3);
		n += 3;
	}
	if (size)
		dst[SG_MIN(n, size - 1)] = '\0';
}

int sg_yp_peek(struct sg_yp *y)
{
	if (y->have_ev)
		return 0;
	if (y->failed)
		return -EINVAL;
	if (!yaml_parser_parse(&y->parser, &y->ev))
		return syntax_error(y);
	y->have_ev = true;

	const yaml_event_t *e = &y->ev;
	const yaml_char_t *anchor = NULL, *tag = NULL;
	switch (e->type) {
	case YAML_ALIAS_EVENT:
		return sg_yp_errf(y, &e->start_mark, "aliases (*name) are not supported");
	case YAML_SCALAR_EVENT:
		anchor = e->data.scalar.anchor;
		tag = e->data.scalar.tag;
		break;
	case YAML_SEQUENCE_START_EVENT:
		anchor = e->data.sequence_start.anchor;
		tag = e->data.sequence_start.tag;
		break;
	case YAML_MAPPING_START_EVENT:
		anchor = e->data.mapping_start.anchor;
		tag = e->data.mapping_start.tag;
		break;
	default:
		break;
	}
	if (anchor)
		return sg_yp_errf(y, &e->start_mark, "anchors (&name) are not supported");
	if (tag)
		return sg_yp_errf(y, &e->start_mark, "tags (!tag) are not supported");
	return 0;
}

void sg_yp_consume(struct sg_yp *y)
{
	if (y->have_ev)
		yaml_event_delete(&y->ev);
	y->have_ev = false;
}

size_t sg_yp_push_key(struct sg_yp *y, const char *key)
{
	size_t old = y->plen, off = y->plen;
	sg_bprintf(y->path, sizeof(y->path), &off, "%s%s", old ? "." : "", key);
	y->plen = off;
	return old;
}

size_t sg_yp_push_index(struct sg_yp *y, unsigned i)
{
	size_t old = y->plen, off = y->plen;
	sg_bprintf(y->path, sizeof(y->path), &off, "[%u]", i);
	y->plen = off;
	return old;
}

static bool is_null_scalar(const yaml_event_t *e)
{
	if (e->type != YAML_SCALAR_EVENT || e->data.scalar.style != YAML_PLAIN_SCALAR_STYLE)
		return false;
	const char *v = (const char *)e->data.scalar.value;
	size_t n = e->data.scalar.length;
	return n == 0 || (n == 1 && v[0] == '~') ||
	       (n == 4 && (!memcmp(v, "null", 4) || !memcmp(v, "Null", 4) || !memcmp(v, "NULL", 4)));
}

static const char *kind_name(const yaml_event_t *e)
{
	switch (e->type) {
	case YAML_MAPPING_START_EVENT: return "a mapping";
	case YAML_SEQUENCE_START_EVENT: return "a list";
	case YAML_SCALAR_EVENT: return is_null_scalar(e) ? "null" : "a scalar";
	default: return "nothing";
	}
}

int sg_yp_doc_begin(struct sg_yp *y)
{
	int rc = sg_yp_peek(y);
	if (rc)
		return rc;
	if (y->ev.type != YAML_STREAM_START_EVENT)
		return errf_nopath(y, &y->ev.start_mark, "internal error: no stream start");
	sg_yp_consume(y);
	if ((rc = sg_yp_peek(y)))
		return rc;
	if (y->ev.type == YAML_STREAM_END_EVENT)
		return 0;
	if (y->ev.type != YAML_DOCUMENT_START_EVENT)
		return errf_nopath(y, &y->ev.start_mark, "internal error: no document start");
	sg_yp_consume(y);
	if ((rc = sg_yp_peek(y)))
		return rc;
	if (is_null_scalar(&y->ev)) {
		sg_yp_consume(y);
		rc = sg_yp_doc_end(y);
		return rc ? rc : 0;
	}
	return 1;
}

int sg_yp_doc_end(struct sg_yp *y)
{
	int rc = sg_yp_peek(y);
	if (rc)
		return rc;
	if (y->ev.type != YAML_DOCUMENT_END_EVENT)
		return errf_nopath(y, &y->ev.start_mark, "internal error: no document end");
	sg_yp_consume(y);
	if ((rc = sg_yp_peek(y)))
		return rc;
	if (y->ev.type == YAML_DOCUMENT_START_EVENT)
		return errf_nopath(y, &y->ev.start_mark, "only one YAML document is allowed");
	if (y->ev.type != YAML_STREAM_END_EVENT)
		return errf_nopath(y, &y->ev.start_mark, "internal error: no stream end");
	sg_yp_consume(y);
	return 0;
}

static int begin(struct sg_yp *y, yaml_event_type_t t, const char *what, yaml_mark_t *m)
{
	int rc = sg_yp_peek(y);
	if (rc)
		return rc;
	if (m)
		*m = y->ev.start_mark;
	if (y->ev.type != t)
		return sg_yp_errf(y, &y->ev.start_mark, "expected %s, got %s", what, kind_name(&y->ev));
	sg_yp_consume(y);
	return 0;
}

int sg_yp_map_begin(struct sg_yp *y, yaml_mark_t *m)
{
	return begin(y, YAML_MAPPING_START_EVENT, "a mapping", m);
}

int sg_yp_seq_begin(struct sg_yp *y, yaml_mark_t *m)
{
	return begin(y, YAML_SEQUENCE_START_EVENT, "a list", m);
}

int sg_yp_map_key(struct sg_yp *y, char *key, size_t ksz, yaml_mark_t *m)
{
	int rc = sg_yp_peek(y);
	if (rc)
		return rc;
	*m = y->ev.start_mark;
	if (y->ev.type == YAML_MAPPING_END_EVENT) {
		sg_yp_consume(y);
		return 0;
	}
	if (y->ev.type != YAML_SCALAR_EVENT)
		return sg_yp_errf(y, m, "mapping keys must be scalars, got %s", kind_name(&y->ev));
	const char *v = (const char *)y->ev.data.scalar.value;
	size_t n = y->ev.data.scalar.length;
	if (n == 0 || is_null_scalar(&y->ev))
		return sg_yp_errf(y, m, "empty key");
	if (memchr(v, '\0', n))
		return sg_yp_errf(y, m, "key contains a NUL byte");
	if (n >= ksz) {
		char q[48];
		sg_yp_quote(q, sizeof(q), v, n);
		return sg_yp_errf(y, m, "key \"%s\" too long (%zu bytes, max %zu)", q, n, ksz - 1);
	}
	memcpy(key, v, n);
	key[n] = '\0';
	sg_yp_consume(y);
	return 1;
}

int sg_yp_seq_item(struct sg_yp *y)
{
	int rc = sg_yp_peek(y);
	if (rc)
		return rc;
	if (y->ev.type == YAML_SEQUENCE_END_EVENT) {
		sg_yp_consume(y);
		return 0;
	}
	return 1;
}

static int scalar_as(struct sg_yp *y, const char *what, yaml_mark_t *m)
{
	int rc = sg_yp_peek(y);
	if (rc)
		return rc;
	if (m)
		*m = y->ev.start_mark;
	if (y->ev.type != YAML_SCALAR_EVENT)
		return sg_yp_errf(y, &y->ev.start_mark, "expected %s, got %s", what, kind_name(&y->ev));
	y->slen = y->ev.data.scalar.length;
	if (memchr(y->ev.data.scalar.value, '\0', y->slen))
		return sg_yp_errf(y, &y->ev.start_mark, "value contains a NUL byte");
	size_t n = SG_MIN(y->slen, sizeof(y->sval) - 1);
	memcpy(y->sval, y->ev.data.scalar.value, n);
	y->sval[n] = '\0';
	y->splain = y->ev.data.scalar.style == YAML_PLAIN_SCALAR_STYLE;
	y->snull = is_null_scalar(&y->ev);
	sg_yp_consume(y);
	return 0;
}

int sg_yp_scalar(struct sg_yp *y, yaml_mark_t *m)
{
	return scalar_as(y, "a scalar", m);
}

int sg_yp_uint(struct sg_yp *y, uint64_t min, uint64_t max, uint64_t *out, yaml_mark_t *m)
{
	yaml_mark_t mk;
	int rc = scalar_as(y, "an integer", &mk);
	if (rc)
		return rc;
	if (m)
		*m = mk;
	if (y->snull)
		return sg_yp_errf(y, &mk, "missing value");
	if (!y->splain)
		return sg_yp_errf(y, &mk, "expected a decimal integer, got a quoted string");
	char q[40];
	sg_yp_quote(q, sizeof(q), y->sval, y->slen);
	bool digits = y->slen > 0 && y->slen < sizeof(y->sval);
	for (size_t i = 0; digits && i < y->slen; i++)
		digits = y->sval[i] >= '0' && y->sval[i] <= '9';
	if (!digits || (y->slen > 1 && y->sval[0] == '0'))
		return sg_yp_errf(y, &mk, "expected a decimal integer, got \"%s\"", q);
	uint64_t v = 0;
	bool ovf = false;
	for (size_t i = 0; i < y->slen && !ovf; i++) {
		unsigned d = (unsigned)(y->sval[i] - '0');
		if (v > (UINT64_MAX - d) / 10)
			ovf = true;
		else
			v = v * 10 + d;
	}
	if (ovf || v < min || v > max)
		return sg_yp_errf(y, &mk, "value %s out of range %" PRIu64 "..%" PRIu64, q, min, max);
	*out = v;
	return 0;
}

int sg_yp_bool(struct sg_yp *y, bool *out, yaml_mark_t *m)
{
	yaml_mark_t mk;
	int rc = scalar_as(y, "a boolean", &mk);
	if (rc)
		return rc;
	if (m)
		*m = mk;
	if (y->snull)
		return sg_yp_errf(y, &mk, "missing value");
	if (!y->splain)
		return sg_yp_errf(y, &mk, "expected true/false/yes/no, got a quoted string");
	if (!strcasecmp(y->sval, "true") || !strcasecmp(y->sval, "yes"))
		*out = true;
	else if (!strcasecmp(y->sval, "false") || !strcasecmp(y->sval, "no"))
		*out = false;
	else {
		char q[40];
		sg_yp_quote(q, sizeof(q), y->sval, y->slen);
		return sg_yp_errf(y, &mk, "expected true/false/yes/no, got \"%s\"", q);
	}
	return 0;
}

static bool cs_ok(enum sg_ycs cs, unsigned char c)
{
	switch (cs) {
	case SG_YCS_IDENT: return isascii(c) && (isalnum(c) || c == '_' || c == '-');
	case SG_YCS_NOSPACE: return c > 0x20 && c < 0x7f;
	case SG_YCS_TEXT: return (c >= 0x20 && c < 0x7f) || c == '\n';
	case SG_YCS_PRINT:
	default: return c >= 0x20 && c < 0x7f;
	}
}

static const char *cs_desc(enum sg_ycs cs)
{
	switch (cs) {
	case SG_YCS_IDENT: return "only A-Z a-z 0-9 _ - are allowed";
	case SG_YCS_NOSPACE: return "only printable ASCII without spaces is allowed";
	case SG_YCS_TEXT: return "only printable ASCII, spaces and newlines are allowed";
	case SG_YCS_PRINT:
	default: return "only printable ASCII is allowed";
	}
}

int sg_yp_str(struct sg_yp *y, char *dst, size_t size, size_t min, enum sg_ycs cs, yaml_mark_t *m)
{
	yaml_mark_t mk;
	int rc = scalar_as(y, "a string", &mk);
	if (rc)
		return rc;
	if (m)
		*m = mk;
	if (y->snull) {
		if (min == 0) {
			dst[0] = '\0';
			return 0;
		}
		return sg_yp_errf(y, &mk, "missing value");
	}
	if (y->slen >= size)
		return sg_yp_errf(y, &mk, "string too long (%zu bytes, max %zu)", y->slen, size - 1);
	if (y->slen < min)
		return min == 1 ? sg_yp_errf(y, &mk, "must not be empty")
				: sg_yp_errf(y, &mk, "string too short (%zu bytes, min %zu)", y->slen,
					     (size_t)min);
	for (size_t i = 0; i < y->slen; i++)
		if (!cs_ok(cs, (unsigned char)y->sval[i]))
			return sg_yp_errf(y, &mk, "invalid character at offset %zu: %s", i, cs_desc(cs));
	memcpy(dst, y->sval, y->slen + 1);
	return 0;
}

static void store_uint(void *p, size_t size, uint64_t v)
{
	switch (size) {
	case 1: *(uint8_t *)p = (uint8_t)v; break;
	case 2: *(uint16_t *)p = (uint16_t)v; break;
	case 4: *(uint32_t *)p = (uint32_t)v; break;
	default: *(uint64_t *)p = v; break;
	}
}

int sg_yp_map_fields(struct sg_yp *y, const struct sg_yfield *f, size_t n, void *obj,
		     yaml_mark_t *marks, uint64_t *seen, yaml_mark_t *map_mark)
{
	yaml_mark_t mm, km;
	uint64_t got = 0;
	char key[64];
	int rc;

	if (n > SG_YF_MAX_FIELDS)
		return sg_yp_errf(y, NULL, "internal error: field table too large");
	if ((rc = sg_yp_map_begin(y, &mm)))
		return rc;
	if (map_mark)
		*map_mark = mm;
	for (size_t i = 0; marks && i < n; i++)
		marks[i] = mm;
	while ((rc = sg_yp_map_key(y, key, sizeof(key), &km)) == 1) {
		size_t i;
		for (i = 0; i < n && strcmp(f[i].key, key); i++)
			;
		size_t old = sg_yp_push_key(y, key);
		if (i == n)
			return sg_yp_errf(y, &km, "unknown key");
		if (got & (1ull << i))
			return sg_yp_errf(y, &km, "duplicate key");
		got |= 1ull << i;
		if ((rc = sg_yp_peek(y)))
			return rc;
		if (marks)
			marks[i] = y->ev.start_mark;
		char *p = (char *)obj + f[i].off;
		uint64_t v;
		switch (f[i].type) {
		case SG_YF_UINT:
			rc = sg_yp_uint(y, f[i].min, f[i].max, &v, NULL);
			if (!rc)
				store_uint(p, f[i].size, v);
			break;
		case SG_YF_BOOL:
			rc = sg_yp_bool(y, (bool *)p, NULL);
			break;
		case SG_YF_STR:
			rc = sg_yp_str(y, p, f[i].size, (size_t)f[i].min, f[i].cs, NULL);
			break;
		case SG_YF_FN:
			rc = f[i].fn(y, obj, &f[i]);
			break;
		}
		if (rc)
			return rc;
		sg_yp_pop(y, old);
	}
	if (rc < 0)
		return rc;
	for (size_t i = 0; i < n; i++)
		if (f[i].required && !(got & (1ull << i)))
			return sg_yp_errf(y, &mm, "missing key '%s'", f[i].key);
	if (seen)
		*seen = got;
	return 0;
}

int sg_config_read_file(const char *path, char **bufp, size_t *lenp)
{
	struct stat st;
	char *buf = NULL;
	size_t len = 0, cap = 0;
	int fd, rc;

	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	if (fstat(fd, &st) < 0) {
		rc = -errno;
		goto err;
	}
	if (S_ISDIR(st.st_mode)) {
		rc = -EISDIR;
		goto err;
	}
	for (;;) {
		if (len == cap) {
			if (cap > SG_CONFIG_MAX_FILE_SIZE) {
				rc = -EFBIG;
				goto err;
			}
			size_t ncap = cap ? cap * 2 : 4096;
			char *nb = malloc(ncap + 1);
			if (!nb) {
				rc = -ENOMEM;
				goto err;
			}
			if (buf) {
				memcpy(nb, buf, len);
				sg_secure_zero(buf, len);
				free(buf);
			}
			buf = nb;
			cap = ncap;
		}
		ssize_t r = read(fd, buf + len, cap - len);
		if (r < 0) {
			if (errno == EINTR)
				continue;
			rc = -errno;
			goto err;
		}
		if (r == 0)
			break;
		len += (size_t)r;
	}
	if (len > SG_CONFIG_MAX_FILE_SIZE) {
		rc = -EFBIG;
		goto err;
	}
	close(fd);
	buf[len] = '\0';
	*bufp = buf;
	*lenp = len;
	return 0;
err:
	if (buf) {
		sg_secure_zero(buf, len);
		free(buf);
	}
	close(fd);
	return rc;
}

static bool hexn(const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (!isxdigit((unsigned char)s[i]))
			return false;
	return true;
}

bool sg_config_is_pci(const char *s)
{
	/* [DDDD:]BB:DD.F as accepted by DPDK's PCI bus (rte_pci_addr_parse). */
	if (hexn(s, 4) && s[4] == ':')
		s += 5;
	if (!(hexn(s, 2) && s[2] == ':' && hexn(s + 3, 2) && s[5] == '.' && s[6] >= '0' && s[6] <= '7'))
		return false;
	if (strtoul((char[]){s[3], s[4], 0}, NULL, 16) > 0x1f)
		return false;
	return s[7] == '\0' || s[7] == ',';
}
