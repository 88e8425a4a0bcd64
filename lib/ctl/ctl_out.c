/* SPDX-License-Identifier: BSD-3-Clause
 * lib/ctl: structured output builder and its text / JSON renderers.
 */
#include <errno.h>
#include <inttypes.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sg_common.h"
#include "ctl_priv.h"

/* Builder accounting: every item costs at least this many rendered bytes
 * (plus its strings), which bounds the builder's memory by the reply cap. */
#define CTL_ITEM_COST 2u

void ctl_out_init(struct sg_ctl_out *out, bool json)
{
	memset(out, 0, sizeof(*out));
	out->json = json;
}

void ctl_out_fini(struct sg_ctl_out *out)
{
	free(out->items);
	free(out->str);
	out->items = NULL;
	out->str = NULL;
	out->nitems = out->items_cap = out->slen = out->scap = 0;
}

bool sg_ctl_out_is_json(const struct sg_ctl_out *out)
{
	return out && out->json;
}

static bool out_dead(const struct sg_ctl_out *out)
{
	return out->err != 0 || out->overflow;
}

static void out_verror(struct sg_ctl_out *out, int err, const char *fmt, va_list ap)
{
	if (out->err)
		return;
	if (err < 0)
		err = -err;
	if (err == 0 || err > 255)
		err = EIO;
	out->err = err;
	vsnprintf(out->errmsg, sizeof(out->errmsg), fmt, ap);
}

int sg_ctl_out_error(struct sg_ctl_out *out, int err, const char *fmt, ...)
{
	va_list ap;

	if (!out)
		return err < 0 ? err : -err;
	va_start(ap, fmt);
	out_verror(out, err, fmt, ap);
	va_end(ap);
	return -out->err;
}

static void out_misuse(struct sg_ctl_out *out, const char *what)
{
	sg_ctl_out_error(out, EINVAL, "internal error: output builder misuse (%s)", what);
}

static bool out_charge(struct sg_ctl_out *out, size_t n)
{
	if (n > SG_CTL_REPLY_MAX || out->bytes + n > SG_CTL_REPLY_MAX) {
		out->overflow = true;
		return false;
	}
	out->bytes += n;
	return true;
}

static bool out_str(struct sg_ctl_out *out, const char *s, uint32_t *off, uint32_t *len)
{
	size_t n = strlen(s);

	if (!out_charge(out, n))
		return false;
	if (out->slen + n > out->scap) {
		size_t ncap = out->scap ? out->scap : 1024;
		while (ncap < out->slen + n)
			ncap *= 2;
		char *p = realloc(out->str, ncap);
		if (!p) {
			out->overflow = true;
			return false;
		}
		out->str = p;
		out->scap = ncap;
	}
	if (n) /* an empty string may come before any buffer exists (str NULL) */
		memcpy(out->str + out->slen, s, n);
	*off = (uint32_t)out->slen;
	*len = (uint32_t)n;
	out->slen += n;
	return true;
}

static struct ctl_item *out_item(struct sg_ctl_out *out, enum ctl_ikind kind, const char *key)
{
	struct ctl_item *it;

	if (!out_charge(out, CTL_ITEM_COST))
		return NULL;
	if (out->nitems == out->items_cap) {
		size_t ncap = out->items_cap ? out->items_cap * 2 : 32;
		struct ctl_item *p = realloc(out->items, ncap * sizeof(*p));
		if (!p) {
			out->overflow = true;
			return NULL;
		}
		out->items = p;
		out->items_cap = ncap;
	}
	it = &out->items[out->nitems];
	memset(it, 0, sizeof(*it));
	it->kind = (uint8_t)kind;
	if (key && !out_str(out, key, &it->koff, &it->klen))
		return NULL;
	out->nitems++;
	return it;
}

static void out_table_close(struct sg_ctl_out *out)
{
	while (out->ncells % out->ncols) {
		if (!out_item(out, CTL_I_CELL, NULL))
			return;
		out->ncells++;
	}
	if (out_item(out, CTL_I_TEND, NULL))
		out->in_table = false;
}

static struct ctl_item *out_kv(struct sg_ctl_out *out, const char *key, enum ctl_vtype t)
{
	struct ctl_item *it;

	if (!out || out_dead(out))
		return NULL;
	if (!key) {
		out_misuse(out, "NULL key");
		return NULL;
	}
	if (out->in_table)
		out_table_close(out);
	if (out_dead(out))
		return NULL;
	it = out_item(out, CTL_I_KV, key);
	if (it)
		it->vtype = (uint8_t)t;
	return it;
}

void sg_ctl_out_kv_str(struct sg_ctl_out *out, const char *key, const char *val)
{
	struct ctl_item *it = out_kv(out, key, val ? CTL_V_STR : CTL_V_NONE);
	if (it && val)
		out_str(out, val, &it->v.s.off, &it->v.s.len);
}

void sg_ctl_out_kv_u64(struct sg_ctl_out *out, const char *key, uint64_t v)
{
	struct ctl_item *it = out_kv(out, key, CTL_V_U64);
	if (it)
		it->v.u = v;
}

void sg_ctl_out_kv_i64(struct sg_ctl_out *out, const char *key, int64_t v)
{
	struct ctl_item *it = out_kv(out, key, CTL_V_I64);
	if (it)
		it->v.i = v;
}

void sg_ctl_out_kv_double(struct sg_ctl_out *out, const char *key, double v)
{
	struct ctl_item *it = out_kv(out, key, CTL_V_DBL);
	if (it)
		it->v.d = v;
}

void sg_ctl_out_kv_bool(struct sg_ctl_out *out, const char *key, bool v)
{
	struct ctl_item *it = out_kv(out, key, CTL_V_BOOL);
	if (it)
		it->v.b = v;
}

void sg_ctl_out_kv_fmt(struct sg_ctl_out *out, const char *key, const char *fmt, ...)
{
	char tmp[512], *s = tmp;
	va_list ap;
	int n;

	if (!out || out_dead(out))
		return;
	va_start(ap, fmt);
	n = vsnprintf(tmp, sizeof(tmp), fmt, ap);
	va_end(ap);
	if (n < 0) {
		out_misuse(out, "bad format");
		return;
	}
	if ((size_t)n >= sizeof(tmp)) {
		if ((size_t)n > SG_CTL_REPLY_MAX || !(s = malloc((size_t)n + 1))) {
			out->overflow = true;
			return;
		}
		va_start(ap, fmt);
		vsnprintf(s, (size_t)n + 1, fmt, ap);
		va_end(ap);
	}
	sg_ctl_out_kv_str(out, key, s);
	if (s != tmp)
		free(s);
}

void sg_ctl_out_table_begin(struct sg_ctl_out *out, const char *name, unsigned ncols,
			    const char *const cols[])
{
	struct ctl_item *it;
	unsigned i;

	if (!out || out_dead(out))
		return;
	if (out->in_table)
		out_table_close(out);
	if (!name || !cols || ncols == 0 || ncols > SG_CTL_MAX_COLS) {
		out_misuse(out, "bad table definition");
		return;
	}
	for (i = 0; i < ncols; i++) {
		if (!cols[i]) {
			out_misuse(out, "NULL column name");
			return;
		}
	}
	it = out_item(out, CTL_I_TABLE, name);
	if (!it)
		return;
	it->v.u = ncols;
	for (i = 0; i < ncols; i++)
		if (!out_item(out, CTL_I_COL, cols[i]))
			return;
	out->in_table = true;
	out->ncols = ncols;
	out->ncells = 0;
}

static struct ctl_item *out_cell(struct sg_ctl_out *out, enum ctl_vtype t)
{
	struct ctl_item *it;

	if (!out || out_dead(out))
		return NULL;
	if (!out->in_table) {
		out_misuse(out, "cell outside a table");
		return NULL;
	}
	it = out_item(out, CTL_I_CELL, NULL);
	if (it) {
		it->vtype = (uint8_t)t;
		out->ncells++;
	}
	return it;
}

void sg_ctl_out_cell_str(struct sg_ctl_out *out, const char *val)
{
	struct ctl_item *it = out_cell(out, val ? CTL_V_STR : CTL_V_NONE);
	if (it && val)
		out_str(out, val, &it->v.s.off, &it->v.s.len);
}

void sg_ctl_out_cell_u64(struct sg_ctl_out *out, uint64_t v)
{
	struct ctl_item *it = out_cell(out, CTL_V_U64);
	if (it)
		it->v.u = v;
}

void sg_ctl_out_cell_i64(struct sg_ctl_out *out, int64_t v)
{
	struct ctl_item *it = out_cell(out, CTL_V_I64);
	if (it)
		it->v.i = v;
}

void sg_ctl_out_cell_double(struct sg_ctl_out *out, double v)
{
	struct ctl_item *it = out_cell(out, CTL_V_DBL);
	if (it)
		it->v.d = v;
}

void sg_ctl_out_cell_bool(struct sg_ctl_out *out, bool v)
{
	struct ctl_item *it = out_cell(out, CTL_V_BOOL);
	if (it)
		it->v.b = v;
}

void sg_ctl_out_cell_null(struct sg_ctl_out *out)
{
	out_cell(out, CTL_V_NONE);
}

void sg_ctl_out_table_end(struct sg_ctl_out *out)
{
	if (!out || out_dead(out) || !out->in_table)
		return;
	out_table_close(out);
}

/* ------------------------------------------------------------- rendering */

/* Shortest "%.*g" that reads back to the same double. */
static int fmt_double(char *tmp, size_t n, double d)
{
	int len = 0;
	for (int prec = 15; prec <= 17; prec++) {
		len = snprintf(tmp, n, "%.*g", prec, d);
		if (strtod(tmp, NULL) == d)
			break;
	}
	return len;
}

/* Format a scalar value (not a string) into tmp; returns its length. */
static size_t fmt_scalar(const struct ctl_item *it, bool json, char *tmp, size_t n)
{
	int len;

	switch (it->vtype) {
	case CTL_V_U64:
		len = snprintf(tmp, n, "%" PRIu64, it->v.u);
		break;
	case CTL_V_I64:
		len = snprintf(tmp, n, "%" PRId64, it->v.i);
		break;
	case CTL_V_DBL:
		if (isfinite(it->v.d))
			len = fmt_double(tmp, n, it->v.d);
		else if (json)
			len = snprintf(tmp, n, "null");
		else
			len = snprintf(tmp, n, "%s", isnan(it->v.d) ? "nan" : it->v.d > 0 ? "inf" : "-inf");
		break;
	case CTL_V_BOOL:
		len = snprintf(tmp, n, "%s", json ? (it->v.b ? "true" : "false") : (it->v.b ? "yes" : "no"));
		break;
	default:
		len = snprintf(tmp, n, "%s", json ? "null" : "");
		break;
	}
	return len < 0 ? 0 : (size_t)len;
}

/* Human text: control characters (C0, DEL, C1) and invalid UTF-8 -> '?'.
 * Returns the display width (code points); emits only if b != NULL. */
static size_t text_str(struct ctl_buf *b, const char *s, size_t n)
{
	const unsigned char *u = (const unsigned char *)s;
	size_t i = 0, w = 0, k;

	while (i < n) {
		if (u[i] < 0x20 || u[i] == 0x7f) {
			k = 0;
		} else if (u[i] < 0x80) {
			k = 1;
		} else {
			k = ctl_utf8_seq(u + i, n - i);
			if (k == 2 && u[i] == 0xc2 && u[i + 1] < 0xa0)
				k = 0; /* C1 control */
		}
		if (b) {
			if (k)
				ctl_buf_put(b, u + i, k);
			else
				ctl_buf_putc(b, '?');
		}
		i += k ? k : 1;
		w++;
	}
	return w;
}

static void pad(struct ctl_buf *b, size_t n)
{
	static const char sp[] = "                                ";
	while (n) {
		size_t k = SG_MIN(n, sizeof(sp) - 1);
		ctl_buf_put(b, sp, k);
		n -= k;
	}
}

static bool is_num(uint8_t t)
{
	return t == CTL_V_U64 || t == CTL_V_I64 || t == CTL_V_DBL;
}

/* Text of one value: for strings a pointer into the arena, else into tmp. */
static const char *val_text(const struct sg_ctl_out *out, const struct ctl_item *it, char *tmp,
			    size_t n, size_t *len, size_t *width)
{
	if (it->vtype == CTL_V_STR) {
		*len = it->v.s.len;
		*width = text_str(NULL, out->str + it->v.s.off, *len);
		return out->str + it->v.s.off;
	}
	*len = fmt_scalar(it, false, tmp, n);
	*width = *len;
	return tmp;
}

/* Render the table starting at items[ti]; returns the index of its TEND. */
static size_t text_table(const struct sg_ctl_out *out, struct ctl_buf *b, size_t ti)
{
	unsigned ncols = (unsigned)out->items[ti].v.u, c;
	size_t widths[SG_CTL_MAX_COLS], first = ti + 1 + ncols, te, i, len, w;
	bool right[SG_CTL_MAX_COLS], textual[SG_CTL_MAX_COLS];
	char tmp[64];
	const char *s;

	for (c = 0; c < ncols; c++) {
		const struct ctl_item *col = &out->items[ti + 1 + c];
		widths[c] = text_str(NULL, out->str + col->koff, col->klen);
		right[c] = false;
		textual[c] = false;
	}
	for (te = first; out->items[te].kind == CTL_I_CELL; te++) {
		const struct ctl_item *it = &out->items[te];
		c = (unsigned)((te - first) % ncols);
		val_text(out, it, tmp, sizeof(tmp), &len, &w);
		widths[c] = SG_MAX(widths[c], w);
		if (is_num(it->vtype))
			right[c] = true;
		else if (it->vtype != CTL_V_NONE)
			textual[c] = true;
	}
	for (c = 0; c < ncols; c++)
		right[c] = right[c] && !textual[c];

	/* header, then rows */
	for (i = ti + 1; i < te; i += ncols) {
		size_t start = b->len;
		for (c = 0; c < ncols; c++) {
			const struct ctl_item *it = &out->items[i + c];
			if (c)
				ctl_buf_put(b, "  ", 2);
			if (it->kind == CTL_I_COL) {
				s = out->str + it->koff;
				len = it->klen;
				w = text_str(NULL, s, len);
			} else {
				s = val_text(out, it, tmp, sizeof(tmp), &len, &w);
			}
			if (right[c])
				pad(b, widths[c] - w);
			if (it->kind == CTL_I_COL || it->vtype == CTL_V_STR)
				text_str(b, s, len);
			else
				ctl_buf_put(b, s, len);
			if (!right[c] && c + 1 < ncols)
				pad(b, widths[c] - w);
		}
		while (!b->overflow && b->len > start && b->p[b->len - 1] == ' ')
			b->len--;
		ctl_buf_putc(b, '\n');
		if (i == ti + 1)
			i = first - ncols; /* header done: continue with the cells */
	}
	return te;
}

static int render_text(const struct sg_ctl_out *out, struct ctl_buf *b)
{
	char tmp[64];
	size_t len, w;
	int prev = -1;

	for (size_t i = 0; i < out->nitems && !b->overflow; i++) {
		const struct ctl_item *it = &out->items[i];
		if (prev >= 0 && (prev == CTL_I_TABLE || it->kind == CTL_I_TABLE))
			ctl_buf_putc(b, '\n');
		if (it->kind == CTL_I_KV) {
			text_str(b, out->str + it->koff, it->klen);
			ctl_buf_put(b, ": ", 2);
			const char *s = val_text(out, it, tmp, sizeof(tmp), &len, &w);
			if (it->vtype == CTL_V_STR)
				text_str(b, s, len);
			else
				ctl_buf_put(b, s, len);
			ctl_buf_putc(b, '\n');
			prev = CTL_I_KV;
		} else if (it->kind == CTL_I_TABLE) {
			i = text_table(out, b, i);
			prev = CTL_I_TABLE;
		}
	}
	return 0;
}

/* RFC 8259 sect. 7: quote, escape '"', '\\' and U+0000..U+001F; we also
 * escape DEL and replace invalid UTF-8 (RFC 8259 sect. 8.1) by U+FFFD. */
static void json_str(struct ctl_buf *b, const char *s, size_t n)
{
	const unsigned char *u = (const unsigned char *)s;
	size_t i = 0, run = 0, k;

	ctl_buf_putc(b, '"');
	while (i < n) {
		unsigned char c = u[i];
		const char *esc = NULL;
		char ebuf[8];

		if (c >= 0x20 && c != '"' && c != '\\' && c != 0x7f) {
			k = c < 0x80 ? 1 : ctl_utf8_seq(u + i, n - i);
			if (k) {
				run += k;
				i += k;
				continue;
			}
			esc = "\\ufffd";
		} else if (c == '"') {
			esc = "\\\"";
		} else if (c == '\\') {
			esc = "\\\\";
		} else if (c == '\n') {
			esc = "\\n";
		} else if (c == '\r') {
			esc = "\\r";
		} else if (c == '\t') {
			esc = "\\t";
		} else if (c == '\b') {
			esc = "\\b";
		} else if (c == '\f') {
			esc = "\\f";
		} else {
			snprintf(ebuf, sizeof(ebuf), "\\u%04x", c);
			esc = ebuf;
		}
		ctl_buf_put(b, u + i - run, run);
		run = 0;
		ctl_buf_put(b, esc, strlen(esc));
		i++;
	}
	ctl_buf_put(b, u + i - run, run);
	ctl_buf_putc(b, '"');
}

static void json_val(const struct sg_ctl_out *out, struct ctl_buf *b, const struct ctl_item *it)
{
	char tmp[64];

	if (it->vtype == CTL_V_STR) {
		json_str(b, out->str + it->v.s.off, it->v.s.len);
		return;
	}
	size_t len = fmt_scalar(it, true, tmp, sizeof(tmp));
	ctl_buf_put(b, tmp, len);
}

static int render_json(const struct sg_ctl_out *out, struct ctl_buf *b)
{
	bool first = true;

	ctl_buf_putc(b, '{');
	for (size_t i = 0; i < out->nitems && !b->overflow; i++) {
		const struct ctl_item *it = &out->items[i];
		if (it->kind != CTL_I_KV && it->kind != CTL_I_TABLE)
			continue;
		if (!first)
			ctl_buf_putc(b, ',');
		first = false;
		json_str(b, out->str + it->koff, it->klen);
		ctl_buf_putc(b, ':');
		if (it->kind == CTL_I_KV) {
			json_val(out, b, it);
			continue;
		}
		unsigned ncols = (unsigned)it->v.u;
		size_t cols = i + 1, j = i + 1 + ncols;
		ctl_buf_putc(b, '[');
		for (; out->items[j].kind == CTL_I_CELL && !b->overflow; j += ncols) {
			if (j != i + 1 + ncols)
				ctl_buf_putc(b, ',');
			ctl_buf_putc(b, '{');
			for (unsigned c = 0; c < ncols; c++) {
				const struct ctl_item *col = &out->items[cols + c];
				if (c)
					ctl_buf_putc(b, ',');
				json_str(b, out->str + col->koff, col->klen);
				ctl_buf_putc(b, ':');
				json_val(out, b, &out->items[j + c]);
			}
			ctl_buf_putc(b, '}');
		}
		ctl_buf_putc(b, ']');
		i = j; /* the TEND item */
	}
	ctl_buf_put(b, "}\n", 2);
	return 0;
}

int ctl_out_render(struct sg_ctl_out *out, struct ctl_buf *b)
{
	if (out->in_table && !out_dead(out))
		out_table_close(out);
	if (out->overflow)
		return -EMSGSIZE;
	if (out->err)
		return -EINVAL;
	if (out->json)
		render_json(out, b);
	else
		render_text(out, b);
	if (b->nomem)
		return -ENOMEM;
	return b->overflow ? -EMSGSIZE : 0;
}
