/* SPDX-License-Identifier: BSD-3-Clause
 * SDP parser: RFC 8866 (RFC 4566 compatible) plus the attributes RTSP
 * (RFC 2326 App. C) and WebRTC (RFC 8829, 8839, 8842, 8843, 8285, 5576,
 * 4585) use. Liberal in what it accepts, bounded in what it stores.
 */
#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "sdp_priv.h"
#include "sg_common.h"

struct pst {
	struct sg_sdp *sdp;
	struct sg_sdp_media *m;         /* NULL at session level */
	unsigned line;
};

static int fail(struct pst *st, int err, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static int fail(struct pst *st, int err, const char *fmt, ...)
{
	va_list ap;
	int n = snprintf(st->sdp->err, sizeof(st->sdp->err), "line %u: ", st->line);

	if (n < 0 || (size_t)n >= sizeof(st->sdp->err))
		return err;
	va_start(ap, fmt);
	vsnprintf(st->sdp->err + n, sizeof(st->sdp->err) - (size_t)n, fmt, ap);
	va_end(ap);
	return err;
}

/* Copy a NUL-terminated value into a fixed field, -E2BIG if it does not fit. */
static int put(struct pst *st, char *dst, size_t cap, const char *src, const char *what)
{
	size_t n = strlen(src);

	if (n >= cap)
		return fail(st, -E2BIG, "%s longer than %zu bytes", what, cap - 1);
	memcpy(dst, src, n + 1);
	return 0;
}

bool sdp_ieq(const char *a, const char *b)
{
	return strcasecmp(a, b) == 0;
}

int sdp_parse_u64(const char *s, size_t n, uint64_t max, uint64_t *out)
{
	uint64_t v = 0;

	if (n == 0 || n > 20)
		return -EINVAL;
	for (size_t i = 0; i < n; i++) {
		if (s[i] < '0' || s[i] > '9')
			return -EINVAL;
		unsigned d = (unsigned)(s[i] - '0');
		if (v > (UINT64_MAX - d) / 10)
			return -EINVAL;
		v = v * 10 + d;
	}
	if (v > max)
		return -EINVAL;
	*out = v;
	return 0;
}

static int num(const char *s, uint64_t max, uint64_t *out)
{
	return sdp_parse_u64(s, strlen(s), max, out);
}

/* Next space/tab separated token, NUL-terminated in place; NULL at end. */
static char *tok(char **p)
{
	char *s = *p, *t;

	while (*s == ' ' || *s == '\t')
		s++;
	if (!*s) {
		*p = s;
		return NULL;
	}
	t = s;
	while (*s && *s != ' ' && *s != '\t')
		s++;
	if (*s)
		*s++ = '\0';
	*p = s;
	return t;
}

/* Rest of the line after leading blanks. */
static char *rest(char *p)
{
	while (*p == ' ' || *p == '\t')
		p++;
	return p;
}

static struct sg_sdp_common *cur_common(struct pst *st)
{
	return st->m ? &st->m->c : &st->sdp->c;
}

static struct sg_sdp_fmt *fmt_by_pt(struct sg_sdp_media *m, uint64_t pt)
{
	for (unsigned i = 0; i < m->n_fmt; i++)
		if (m->fmt[i].pt == pt)
			return &m->fmt[i];
	return NULL;
}

/* c=<nettype> <addrtype> <addr>[/<ttl>][/<count>] (RFC 8866 §5.7) */
static int parse_conn(struct pst *st, char *v, struct sg_sdp_conn *c)
{
	char *nt = tok(&v), *at = tok(&v), *addr = tok(&v), *slash;
	uint64_t ttl;
	int rc;

	if (!addr || tok(&v))
		return fail(st, -EINVAL, "c= needs <nettype> <addrtype> <address>");
	if ((rc = put(st, c->nettype, sizeof(c->nettype), nt, "c= nettype")) ||
	    (rc = put(st, c->addrtype, sizeof(c->addrtype), at, "c= addrtype")))
		return rc;
	c->ttl = 0;
	slash = strchr(addr, '/');
	if (slash) {
		*slash++ = '\0';
		char *cnt = strchr(slash, '/');
		if (cnt)
			*cnt = '\0';
		if (sdp_ieq(at, "IP4") && num(slash, 255, &ttl) == 0)
			c->ttl = (uint16_t)ttl;
	}
	if ((rc = put(st, c->addr, sizeof(c->addr), addr, "c= address")))
		return rc;
	c->set = true;
	return 0;
}

/* m=<media> <port>[/<number of ports>] <proto> <fmt> ... (RFC 8866 §5.14) */
static int parse_m(struct pst *st, char *v)
{
	struct sg_sdp *sdp = st->sdp;
	struct sg_sdp_media *m;
	char *type = tok(&v), *port = tok(&v), *proto = tok(&v), *f, *slash;
	uint64_t n;
	int rc;

	if (sdp->n_media >= SG_SDP_MAX_MEDIA)
		return fail(st, -E2BIG, "more than %d media sections", SG_SDP_MAX_MEDIA);
	if (!proto)
		return fail(st, -EINVAL, "m= needs <media> <port> <proto> <fmt>...");
	m = &sdp->media[sdp->n_media];
	memset(m, 0, sizeof(*m));
	if ((rc = put(st, m->type, sizeof(m->type), type, "m= media type")))
		return rc;
	if (sdp_ieq(type, "audio"))
		m->kind = SG_SDP_KIND_AUDIO;
	else if (sdp_ieq(type, "video"))
		m->kind = SG_SDP_KIND_VIDEO;
	else if (sdp_ieq(type, "application"))
		m->kind = SG_SDP_KIND_APPLICATION;
	m->nports = 1;
	slash = strchr(port, '/');
	if (sdp_parse_u64(port, slash ? (size_t)(slash - port) : strlen(port), 65535, &n))
		return fail(st, -EINVAL, "m= bad port \"%.16s\"", port);
	m->port = (uint16_t)n;
	if (slash) {
		if (num(slash + 1, 65535, &n) || n == 0)
			return fail(st, -EINVAL, "m= bad number of ports \"%.16s\"", slash + 1);
		m->nports = (uint16_t)n;
	}
	if ((rc = put(st, m->proto, sizeof(m->proto), proto, "m= proto")))
		return rc;
	m->rtp = strstr(proto, "RTP/") != NULL;
	if (!m->rtp) {
		f = rest(v);
		if (!*f)
			return fail(st, -EINVAL, "m= without formats");
		if ((rc = put(st, m->fmt_raw, sizeof(m->fmt_raw), f, "m= format list")))
			return rc;
	} else {
		while ((f = tok(&v))) {
			if (num(f, 127, &n))
				return fail(st, -EINVAL, "m= bad RTP payload type \"%.16s\"", f);
			if (fmt_by_pt(m, n))
				continue;       /* duplicate: ignore */
			if (m->n_fmt >= SG_SDP_MAX_FMT) {
				/* Browsers offer ever more formats: keep the first ones (in
				 * preference order, RFC 8866 §5.14), count the rest. */
				sdp->dropped++;
				continue;
			}
			m->fmt[m->n_fmt++].pt = (uint8_t)n;
		}
		if (m->n_fmt == 0)
			return fail(st, -EINVAL, "m= without formats");
	}
	sdp->n_media++;
	st->m = m;
	return 0;
}

/* a=rtpmap:<pt> <encoding name>/<clock rate>[/<encoding parameters>] (§6.6) */
static int parse_rtpmap(struct pst *st, char *v)
{
	char *pt = tok(&v), *enc = tok(&v), *clk, *ch;
	struct sg_sdp_fmt *f;
	uint64_t n, rate, chans = 0;

	if (!enc || tok(&v))
		return fail(st, -EINVAL, "rtpmap needs <pt> <encoding>/<clock rate>");
	if (num(pt, 127, &n))
		return fail(st, -EINVAL, "rtpmap bad payload type \"%.16s\"", pt);
	clk = strchr(enc, '/');
	if (!clk || clk == enc)
		return fail(st, -EINVAL, "rtpmap \"%.32s\" lacks /<clock rate>", enc);
	*clk++ = '\0';
	ch = strchr(clk, '/');
	if (ch) {
		*ch++ = '\0';
		if (num(ch, 255, &chans) || chans == 0)
			return fail(st, -EINVAL, "rtpmap bad channel count \"%.16s\"", ch);
	}
	if (num(clk, UINT32_MAX, &rate) || rate == 0)
		return fail(st, -EINVAL, "rtpmap bad clock rate \"%.16s\"", clk);
	f = fmt_by_pt(st->m, n);
	if (!f)
		return 0;               /* PT not offered in m=: ignore */
	int rc = put(st, f->enc, sizeof(f->enc), enc, "rtpmap encoding name");
	if (rc)
		return rc;
	f->clock_rate = (uint32_t)rate;
	f->channels = (uint8_t)chans;
	f->has_rtpmap = true;
	return 0;
}

/* a=fmtp:<format> <format specific parameters> (§6.15) */
static int parse_fmtp(struct pst *st, char *v)
{
	char *pt = tok(&v);
	struct sg_sdp_fmt *f;
	uint64_t n;

	if (!pt || num(pt, 127, &n))
		return fail(st, -EINVAL, "fmtp bad payload type \"%.16s\"", pt ? pt : "");
	f = fmt_by_pt(st->m, n);
	if (!f)
		return 0;
	return put(st, f->fmtp, sizeof(f->fmtp), rest(v), "fmtp parameters");
}

/* a=rtcp-fb:<pt|*> <val> (RFC 4585 §4.2) */
static int parse_rtcp_fb(struct pst *st, char *v)
{
	char *pt = tok(&v), *val = rest(v);
	uint8_t *cnt;
	char (*list)[SG_SDP_TOKEN_LEN];
	uint64_t n;

	if (!pt || !*val)
		return fail(st, -EINVAL, "rtcp-fb needs <pt> <feedback>");
	if (!strcmp(pt, "*")) {
		cnt = &st->m->n_fb_any;
		list = st->m->fb_any;
	} else {
		if (num(pt, 127, &n))
			return fail(st, -EINVAL, "rtcp-fb bad payload type \"%.16s\"", pt);
		struct sg_sdp_fmt *f = fmt_by_pt(st->m, n);
		if (!f)
			return 0;
		cnt = &f->n_fb;
		list = f->fb;
	}
	if (*cnt >= SG_SDP_MAX_FB) {
		st->sdp->dropped++;
		return 0;
	}
	int rc = put(st, list[*cnt], SG_SDP_TOKEN_LEN, val, "rtcp-fb value");
	if (rc == 0)
		(*cnt)++;
	return rc;
}

static enum sg_sdp_dir dir_parse(const char *s)
{
	if (!strcmp(s, "sendrecv"))
		return SG_SDP_DIR_SENDRECV;
	if (!strcmp(s, "sendonly"))
		return SG_SDP_DIR_SENDONLY;
	if (!strcmp(s, "recvonly"))
		return SG_SDP_DIR_RECVONLY;
	if (!strcmp(s, "inactive"))
		return SG_SDP_DIR_INACTIVE;
	return SG_SDP_DIR_UNSET;
}

/* a=extmap:<id>[/<direction>] <URI> [<extensionattributes>] (RFC 8285 §5) */
static int parse_extmap(struct pst *st, char *v)
{
	char *id = tok(&v), *uri = tok(&v), *slash;
	struct sg_sdp_media *m = st->m;
	uint64_t n;

	if (!uri)
		return fail(st, -EINVAL, "extmap needs <id> <uri>");
	slash = strchr(id, '/');
	enum sg_sdp_dir dir = SG_SDP_DIR_UNSET;
	if (slash) {
		*slash++ = '\0';
		dir = dir_parse(slash);
		if (dir == SG_SDP_DIR_UNSET)
			return fail(st, -EINVAL, "extmap bad direction \"%.16s\"", slash);
	}
	if (num(id, 4095, &n) || n == 0)
		return fail(st, -EINVAL, "extmap bad id \"%.16s\"", id);
	if (m->n_extmap >= SG_SDP_MAX_EXTMAP) {
		st->sdp->dropped++;
		return 0;
	}
	struct sg_sdp_extmap *e = &m->extmap[m->n_extmap];
	int rc = put(st, e->uri, sizeof(e->uri), uri, "extmap URI");
	if (rc)
		return rc;
	e->id = (uint16_t)n;
	e->dir = dir;
	m->n_extmap++;
	return 0;
}

/* a=ssrc:<ssrc-id> <attribute>[:<value>] (RFC 5576 §4.1) */
static int parse_ssrc(struct pst *st, char *v)
{
	char *id = tok(&v), *a = rest(v), *colon;
	struct sg_sdp_media *m = st->m;
	uint64_t n;

	if (!id || num(id, UINT32_MAX, &n) || !*a)
		return fail(st, -EINVAL, "ssrc needs <ssrc-id> <attribute>");
	if (m->n_ssrc >= SG_SDP_MAX_SSRC) {
		st->sdp->dropped++;
		return 0;
	}
	struct sg_sdp_ssrc *s = &m->ssrc[m->n_ssrc];
	colon = strchr(a, ':');
	if (colon)
		*colon++ = '\0';
	int rc = put(st, s->attr, sizeof(s->attr), a, "ssrc attribute");
	if (rc || (rc = put(st, s->value, sizeof(s->value), colon ? colon : "", "ssrc value")))
		return rc;
	s->ssrc = (uint32_t)n;
	m->n_ssrc++;
	return 0;
}

/* a=fingerprint:<hash-func> <fingerprint> (RFC 8122 §5) */
static int parse_fingerprint(struct pst *st, char *v, struct sg_sdp_common *c)
{
	char *h = tok(&v), *fp = tok(&v);
	int rc;

	if (!fp)
		return fail(st, -EINVAL, "fingerprint needs <hash> <fingerprint>");
	if ((rc = put(st, c->fp_hash, sizeof(c->fp_hash), h, "fingerprint hash")))
		return rc;
	return put(st, c->fingerprint, sizeof(c->fingerprint), fp, "fingerprint");
}

static void keep_attr(struct pst *st, const char *name, const char *val)
{
	uint8_t *n = st->m ? &st->m->n_attr : &st->sdp->n_attr;
	struct sg_sdp_attr *a = st->m ? st->m->attr : st->sdp->attr;

	if (*n >= SG_SDP_MAX_ATTR || strlen(name) >= sizeof(a->name) ||
	    strlen(val) >= sizeof(a->value)) {
		st->sdp->dropped++;
		return;
	}
	strcpy(a[*n].name, name);
	strcpy(a[*n].value, val);
	(*n)++;
}

/* a=<attribute>[:<value>] (RFC 8866 §5.13) */
static int parse_a(struct pst *st, char *line)
{
	struct sg_sdp *sdp = st->sdp;
	struct sg_sdp_common *c = cur_common(st);
	struct sg_sdp_media *m = st->m;
	char *name = line, *v = strchr(line, ':');
	enum sg_sdp_dir dir;

	if (v)
		*v++ = '\0';
	else
		v = line + strlen(line);
	v = rest(v);

	if ((dir = dir_parse(name)) != SG_SDP_DIR_UNSET) {
		c->dir = dir;
		return 0;
	}
	if (!strcmp(name, "control"))
		return put(st, c->control, sizeof(c->control), v, "control URL");
	if (!strcmp(name, "ice-ufrag"))
		return put(st, c->ice_ufrag, sizeof(c->ice_ufrag), v, "ice-ufrag");
	if (!strcmp(name, "ice-pwd"))
		return put(st, c->ice_pwd, sizeof(c->ice_pwd), v, "ice-pwd");
	if (!strcmp(name, "fingerprint"))
		return parse_fingerprint(st, v, c);
	if (!strcmp(name, "setup")) {
		c->setup = !strcmp(v, "actpass") ? SG_SDP_SETUP_ACTPASS :
			   !strcmp(v, "active") ? SG_SDP_SETUP_ACTIVE :
			   !strcmp(v, "passive") ? SG_SDP_SETUP_PASSIVE :
			   !strcmp(v, "holdconn") ? SG_SDP_SETUP_HOLDCONN : SG_SDP_SETUP_UNSET;
		return 0;
	}
	if (!m) {
		if (!strcmp(name, "range"))
			return put(st, sdp->range, sizeof(sdp->range), v, "range");
		if (!strcmp(name, "ice-lite")) {
			sdp->ice_lite = true;
			return 0;
		}
		if (!strcmp(name, "group") && !strncmp(v, "BUNDLE", 6) &&
		    (v[6] == ' ' || v[6] == '\t' || v[6] == '\0')) {
			char *p = v + 6, *mid;
			sdp->n_bundle = 0;
			while ((mid = tok(&p))) {
				if (sdp->n_bundle >= SG_SDP_MAX_BUNDLE)
					return fail(st, -E2BIG, "more than %d BUNDLE mids",
						    SG_SDP_MAX_BUNDLE);
				int rc = put(st, sdp->bundle[sdp->n_bundle], SG_SDP_MID_LEN, mid,
					     "BUNDLE mid");
				if (rc)
					return rc;
				sdp->n_bundle++;
			}
			return 0;
		}
		keep_attr(st, name, v);
		return 0;
	}
	if (!strcmp(name, "rtpmap") && m->rtp)
		return parse_rtpmap(st, v);
	if (!strcmp(name, "fmtp") && m->rtp)
		return parse_fmtp(st, v);
	if (!strcmp(name, "rtcp-fb") && m->rtp)
		return parse_rtcp_fb(st, v);
	if (!strcmp(name, "mid"))
		return put(st, m->mid, sizeof(m->mid), v, "mid");
	if (!strcmp(name, "rtcp-mux")) {
		m->rtcp_mux = true;
		return 0;
	}
	if (!strcmp(name, "rtcp-rsize")) {
		m->rtcp_rsize = true;
		return 0;
	}
	if (!strcmp(name, "candidate")) {
		if (m->n_cand >= SG_SDP_MAX_CAND) {
			sdp->dropped++;
			return 0;
		}
		int rc = put(st, m->cand[m->n_cand], SG_SDP_CAND_LEN, v, "candidate");
		if (rc == 0)
			m->n_cand++;
		return rc;
	}
	if (!strcmp(name, "end-of-candidates")) {
		m->end_of_candidates = true;
		return 0;
	}
	if (!strcmp(name, "ssrc"))
		return parse_ssrc(st, v);
	if (!strcmp(name, "ssrc-group")) {
		if (m->n_ssrc_group >= SG_SDP_MAX_SSRC_GROUP) {
			sdp->dropped++;
			return 0;
		}
		int rc = put(st, m->ssrc_group[m->n_ssrc_group], sizeof(m->ssrc_group[0]), v,
			     "ssrc-group");
		if (rc == 0)
			m->n_ssrc_group++;
		return rc;
	}
	if (!strcmp(name, "extmap"))
		return parse_extmap(st, v);
	keep_attr(st, name, v);
	return 0;
}

/* b=<bwtype>:<bandwidth> (§5.8) */
static void parse_b(struct pst *st, char *v)
{
	struct sg_sdp_common *c = cur_common(st);
	char *colon = strchr(v, ':');
	uint64_t n;

	if (!colon)
		return;
	*colon++ = '\0';
	if (num(colon, UINT32_MAX, &n))
		return;
	if (!strcmp(v, "AS"))
		c->bw_as = (uint32_t)n;
	else if (!strcmp(v, "TIAS"))
		c->bw_tias = (uint32_t)n;
}

/* o=<username> <sess-id> <sess-version> <nettype> <addrtype> <unicast-address> */
static int parse_o(struct pst *st, char *v)
{
	struct sg_sdp *s = st->sdp;
	struct {
		char *dst;
		size_t cap;
	} f[] = {
		{s->o_user, sizeof(s->o_user)},       {s->o_sess_id, sizeof(s->o_sess_id)},
		{s->o_sess_version, sizeof(s->o_sess_version)},
		{s->o_nettype, sizeof(s->o_nettype)}, {s->o_addrtype, sizeof(s->o_addrtype)},
		{s->o_addr, sizeof(s->o_addr)},
	};
	char *t;

	for (unsigned i = 0; i < SG_ARRAY_SIZE(f) && (t = tok(&v)); i++) {
		int rc = put(st, f[i].dst, f[i].cap, t, "o= field");
		if (rc)
			return rc;
	}
	return 0;
}

static int parse_line(struct pst *st, char *line)
{
	char type = line[0], *v = line + 2;
	struct sg_sdp *sdp = st->sdp;

	switch (type) {
	case 'v':
		if (strcmp(v, "0"))
			return fail(st, -EINVAL, "unsupported version \"%.16s\"", v);
		sdp->version = 0;
		return 0;
	case 'o':
		return parse_o(st, v);
	case 's':
		if (!st->m)
			return put(st, sdp->name, sizeof(sdp->name), v, "session name");
		return 0;
	case 'c':
		return parse_conn(st, v, &cur_common(st)->conn);
	case 'b':
		parse_b(st, v);
		return 0;
	case 't':
		if (!st->m && !sdp->t_start && !sdp->t_stop) {
			char *a = tok(&v), *b = tok(&v);
			uint64_t x, y;
			if (a && b && !num(a, UINT64_MAX, &x) && !num(b, UINT64_MAX, &y)) {
				sdp->t_start = x;
				sdp->t_stop = y;
			}
		}
		return 0;
	case 'm':
		return parse_m(st, v);
	case 'a':
		return parse_a(st, v);
	default:                        /* i u e p z k r and unknown letters */
		return 0;
	}
}

int sg_sdp_parse(struct sg_sdp *sdp, const char *text, size_t len)
{
	char line[SG_SDP_MAX_LINE + 1];
	struct pst st = {.sdp = sdp, .m = NULL, .line = 0};
	size_t pos = 0;

	memset(sdp, 0, sizeof(*sdp));
	if (len > SG_SDP_MAX_INPUT)
		return fail(&st, -E2BIG, "SDP longer than %d bytes", SG_SDP_MAX_INPUT);
	if (memchr(text, '\0', len)) {
		st.line = 1;
		for (size_t i = 0; text[i]; i++)
			st.line += text[i] == '\n';
		return fail(&st, -EINVAL, "NUL byte");
	}
	while (pos < len) {
		const char *s = text + pos, *nl = memchr(s, '\n', len - pos);
		size_t n = nl ? (size_t)(nl - s) : len - pos;
		int rc;

		pos += n + (nl ? 1 : 0);
		st.line++;
		if (st.line > SG_SDP_MAX_LINES)
			return fail(&st, -E2BIG, "more than %d lines", SG_SDP_MAX_LINES);
		while (n && (s[n - 1] == '\r' || s[n - 1] == ' ' || s[n - 1] == '\t'))
			n--;
		if (n == 0)
			continue;
		if (n > SG_SDP_MAX_LINE)
			return fail(&st, -E2BIG, "line longer than %d bytes", SG_SDP_MAX_LINE);
		if (n < 2 || s[1] != '=' || !isalpha((unsigned char)s[0]))
			return fail(&st, -EINVAL, "expected <type>=<value>");
		memcpy(line, s, n);
		line[n] = '\0';
		rc = parse_line(&st, line);
		if (rc < 0)
			return rc;
	}
	return 0;
}
