/* SPDX-License-Identifier: BSD-3-Clause
 * lib/whep: resources, WHEP semantics (draft-ietf-wish-whep-03, which
 * defers to RFC 9725 WHIP for PATCH/ETag details), index and player pages.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <openssl/rand.h>

#include "sg_common.h"
#include "whep_priv.h"

/* build time: player_html.c, generated from player.html by embed.py */
extern const char sg_whep_player_html_data[];
extern const size_t sg_whep_player_html_size;

const char *sg_whep_player_html(size_t *len)
{
	if (len)
		*len = sg_whep_player_html_size;
	return sg_whep_player_html_data;
}

#define CT_SDP "application/sdp"
#define CT_FRAG "application/trickle-ice-sdpfrag"
#define ALLOW_ALL "GET, HEAD, POST, PATCH, DELETE, OPTIONS"
#define ALLOW_GET "GET, HEAD, OPTIONS"
#define ALLOW_ENDPOINT "POST, OPTIONS"
#define ALLOW_SESSION "PATCH, DELETE, OPTIONS"

enum route_kind { R_BAD, R_NOTFOUND, R_STAR, R_INDEX, R_FAVICON, R_PAGE, R_BARE, R_ENDPOINT, R_SESSION };

struct route {
	enum route_kind kind;
	char name[SG_WHEP_PATH_MAX + 1];
	char id[SG_WHEP_ID_MAX + 1];
	const char *query; /**< after '?', or NULL */
};

static int hexval(char ch)
{
	if (ch >= '0' && ch <= '9')
		return ch - '0';
	if (ch >= 'a' && ch <= 'f')
		return ch - 'a' + 10;
	if (ch >= 'A' && ch <= 'F')
		return ch - 'A' + 10;
	return -1;
}

/* Path name rules: '/'-separated non-empty segments, no "." / "..". */
static bool name_valid(const char *n, size_t len)
{
	size_t i = 0;
	if (!len)
		return false;
	while (i <= len) {
		size_t j = i;
		while (j < len && n[j] != '/')
			j++;
		size_t sl = j - i;
		if (!sl || (sl == 1 && n[i] == '.') || (sl == 2 && n[i] == '.' && n[i + 1] == '.'))
			return false;
		i = j + 1;
	}
	return true;
}

static void set_name(struct route *rt, const char *n, size_t len, enum route_kind kind)
{
	if (!name_valid(n, len)) {
		rt->kind = R_BAD;
	} else if (len > SG_WHEP_PATH_MAX) {
		rt->kind = R_NOTFOUND;
	} else {
		memcpy(rt->name, n, len);
		rt->name[len] = '\0';
		rt->kind = kind;
	}
}

/* RFC 9112 §3.2: origin-form, absolute-form, asterisk-form. */
static void route_parse(const char *target, struct route *rt)
{
	memset(rt, 0, sizeof(*rt));
	rt->kind = R_BAD;
	if (!strcmp(target, "*")) {
		rt->kind = R_STAR;
		return;
	}
	const char *p = target;
	if (!strncasecmp(p, "http://", 7) || !strncasecmp(p, "https://", 8)) {
		p = strstr(p, "//") + 2;
		p += strcspn(p, "/?"); /* the authority is not ours to check */
		if (*p != '/') { /* "http://host" or "http://host?q": the root */
			rt->kind = R_INDEX;
			return;
		}
	}
	if (*p != '/' || strchr(p, '#'))
		return;
	size_t plen = strcspn(p, "?");
	if (p[plen] == '?')
		rt->query = p + plen + 1;
	char *dec = malloc(plen + 1);
	if (!dec)
		return; /* -> 400; the oom is rare enough */
	size_t n = 0;
	for (size_t i = 0; i < plen; i++) {
		char ch = p[i];
		if (ch == '%') {
			int hi = i + 2 < plen ? hexval(p[i + 1]) : -1;
			int lo = hi >= 0 ? hexval(p[i + 2]) : -1;
			if (hi < 0 || lo < 0)
				goto out;
			ch = (char)(hi << 4 | lo);
			i += 2;
		}
		if ((unsigned char)ch < 0x20 || ch == 0x7f)
			goto out;
		dec[n++] = ch;
	}
	dec[n] = '\0';

	if (n == 1) {
		rt->kind = R_INDEX;
	} else if (!strcmp(dec, "/favicon.ico")) {
		rt->kind = R_FAVICON;
	} else if (dec[n - 1] == '/') {
		set_name(rt, dec + 1, n - 2, R_PAGE);
	} else {
		char *nm = dec + 1, *last = strrchr(nm, '/');
		size_t nl = n - 1;
		if (last && !strcmp(last + 1, "whep")) {
			set_name(rt, nm, (size_t)(last - nm), R_ENDPOINT);
		} else if (last && last - nm >= 6 && !strncmp(last - 5, "/whep", 5)) {
			set_name(rt, nm, (size_t)(last - 5 - nm), R_SESSION);
			if (rt->kind == R_SESSION) {
				if (whep_id_valid(last + 1))
					sg_strlcpy(rt->id, last + 1, sizeof(rt->id));
				else
					rt->kind = R_NOTFOUND;
			}
		} else {
			set_name(rt, nm, nl, R_BARE);
		}
	}
out:
	free(dec);
}

/* Percent-encode a path name for a URL: unreserved chars and '/' pass. */
static void url_put(struct wbuf *b, const char *s)
{
	for (; *s; s++) {
		unsigned char ch = (unsigned char)*s;
		if ((ch >= '0' && ch <= '9') || (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') ||
		    strchr("-._~/", ch))
			wbuf_put(b, s, 1);
		else
			wbuf_printf(b, "%%%02X", ch);
	}
}

static void html_put(struct wbuf *b, const char *s)
{
	for (; *s; s++) {
		switch (*s) {
		case '&': wbuf_puts(b, "&amp;"); break;
		case '<': wbuf_puts(b, "&lt;"); break;
		case '>': wbuf_puts(b, "&gt;"); break;
		case '"': wbuf_puts(b, "&quot;"); break;
		case '\'': wbuf_puts(b, "&#39;"); break;
		default: wbuf_put(b, s, 1); break;
		}
	}
}

static void reply_err(struct sg_whep_conn *c, int status, const char *reason, const char *extra,
		  uint64_t now)
{
	whep_respond_error(c, status, reason, extra, false, now);
}

static void not_allowed(struct sg_whep_conn *c, const char *allow, uint64_t now)
{
	char extra[96];
	snprintf(extra, sizeof(extra), "Allow: %s\r\n", allow);
	reply_err(c, 405, "method not allowed", extra, now);
}

/* OPTIONS: CORS preflight (Fetch standard) + Allow (RFC 9110 §9.3.7). */
static void do_options(struct sg_whep_conn *c, const struct route *rt, uint64_t now)
{
	const char *allow = ALLOW_ALL, *more = "";
	switch (rt->kind) {
	case R_INDEX: case R_FAVICON: case R_PAGE: case R_BARE:
		allow = ALLOW_GET;
		break;
	case R_ENDPOINT:
		allow = ALLOW_ENDPOINT;
		more = "Accept-Post: " CT_SDP "\r\n";
		break;
	case R_SESSION:
		allow = ALLOW_SESSION;
		more = "Accept-Patch: " CT_FRAG "\r\n";
		break;
	default:
		break;
	}
	char extra[512];
	snprintf(extra, sizeof(extra),
		 "Allow: %s\r\nAccess-Control-Allow-Methods: %s\r\n"
		 "Access-Control-Allow-Headers: Authorization, Content-Type, If-Match\r\n"
		 "Access-Control-Max-Age: %u\r\n%s",
		 allow, allow, c->srv->conf.cors_max_age_s, more);
	struct whep_resp r = {.status = 204, .extra = extra};
	whep_respond(c, &r, now);
}

/* lookup: 0 (exists; token in tok), or answers 404/500 and returns -1. */
static int lookup(struct sg_whep_conn *c, const char *name, char *tok, size_t cap, uint64_t now)
{
	struct sg_whep_server *s = c->srv;
	tok[0] = '\0';
	int rc = s->cb->lookup(s->arg, name, tok, cap);
	tok[cap - 1] = '\0';
	if (rc == -ENOENT) {
		reply_err(c, 404, "unknown path", NULL, now);
		return -1;
	}
	if (rc < 0) {
		s->ctr.error[SG_WHEP_E_callback_error]++;
		reply_err(c, 500, NULL, NULL, now);
		return -1;
	}
	return 0;
}

/*
 * draft-ietf-wish-whep-03 §4.7 / RFC 6750 §2.1: "Authorization: Bearer
 * <token>", scheme case-insensitive (RFC 9110 §11.1). Returns 0 (allowed;
 * *authed when a token was required), or answers 404/401/403/500 and returns
 * -1. The token is compared in constant time and wiped.
 */
static int authorize(struct sg_whep_conn *c, const char *name, bool *authed, uint64_t now)
{
	struct whep_req *r = &c->req;
	struct sg_whep_counters *ctr = &c->srv->ctr;
	char tok[SG_WHEP_TOKEN_MAX + 1];
	int ret = -1;
	*authed = false;
	if (lookup(c, name, tok, sizeof(tok), now) < 0)
		return -1;
	if (!tok[0])
		return 0;
	const char *a = r->auth, *cred = NULL;
	if (r->has_auth && !strncasecmp(a, "Bearer", 6) && (a[6] == ' ' || a[6] == '\t')) {
		cred = a + 6;
		while (*cred == ' ' || *cred == '\t')
			cred++;
	}
	if (r->auth_too_long) {
		/* over-long or repeated credentials: present, never valid */
		ctr->error[SG_WHEP_E_auth_bad]++;
		reply_err(c, 403, "invalid token", NULL, now);
	} else if (!cred || !*cred) {
		ctr->error[SG_WHEP_E_auth_missing]++;
		reply_err(c, 401, "bearer token required",
		      "WWW-Authenticate: Bearer realm=\"streamgate\"\r\n", now);
	} else if (!whep_secret_eq(cred, tok)) {
		ctr->error[SG_WHEP_E_auth_bad]++;
		reply_err(c, 403, "invalid token", NULL, now);
	} else {
		*authed = true;
		ret = 0;
	}
	sg_secure_zero(tok, sizeof(tok));
	return ret;
}

static bool ctype_is(const struct whep_req *r, const char *ct)
{
	return r->has_ctype && !strcmp(r->ctype, ct);
}

/* Validate a callback's text result. Returns its length or 0 when invalid. */
static size_t answer_len(const struct sg_whep_answer *a)
{
	size_t n = a->body_len ? a->body_len : strnlen(a->body, a->body_cap + 1);
	return n > a->body_cap ? 0 : n;
}

static void answer_terminate(struct sg_whep_answer *a)
{
	a->session_id[SG_WHEP_ID_MAX] = '\0';
	a->etag[SG_WHEP_ID_MAX] = '\0';
	a->reason[SG_WHEP_REASON_MAX - 1] = '\0';
}

static void callback_error(struct sg_whep_conn *c, uint64_t now)
{
	c->srv->ctr.error[SG_WHEP_E_callback_error]++;
	reply_err(c, 500, NULL, NULL, now);
}

/* Error statuses a callback may return, answered with its reason. */
static void cb_status(struct sg_whep_conn *c, int st, const struct sg_whep_answer *a,
		      const int *ok, size_t n_ok, uint64_t now)
{
	for (size_t i = 0; i < n_ok; i++) {
		if (st != ok[i])
			continue;
		char extra[64] = "";
		if (st == 503) /* RFC 9110 §10.2.3 */
			snprintf(extra, sizeof(extra), "Retry-After: %u\r\n",
				 a->retry_after_s ? a->retry_after_s : 2u);
		reply_err(c, st, a->reason, extra, now);
		return;
	}
	callback_error(c, now);
}

static int answer_init(struct sg_whep_conn *c, struct sg_whep_answer *a, bool random_id)
{
	memset(a, 0, sizeof(*a));
	a->body_cap = c->srv->conf.max_answer;
	a->body = calloc(1, a->body_cap + 1);
	if (!a->body)
		return -ENOMEM;
	if (random_id) {
		unsigned char rnd[16];
		if (RAND_bytes(rnd, sizeof(rnd)) != 1)
			return -EIO;
		for (size_t i = 0; i < sizeof(rnd); i++)
			snprintf(a->session_id + 2 * i, 3, "%02x", rnd[i]);
	}
	return 0;
}

static void answer_free(struct sg_whep_answer *a)
{
	if (a->body) {
		sg_secure_zero(a->body, a->body_cap + 1); /* holds ice-pwd */
		free(a->body);
	}
	a->body = NULL;
}

/* draft-ietf-wish-whep-03 §4.2: POST the offer to the WHEP endpoint. */
static void do_post(struct sg_whep_conn *c, const struct route *rt, uint64_t now)
{
	struct sg_whep_server *s = c->srv;
	struct whep_req *r = &c->req;
	struct sg_whep_answer a;
	bool authed;
	if (authorize(c, rt->name, &authed, now) < 0)
		return;
	if (!ctype_is(r, CT_SDP)) {
		s->ctr.error[SG_WHEP_E_bad_content_type]++;
		reply_err(c, 415, "Content-Type must be " CT_SDP, "Accept-Post: " CT_SDP "\r\n", now);
		return;
	}
	if (!r->body_len || memchr(r->body, '\0', r->body_len)) {
		reply_err(c, 400, r->body_len ? "SDP offer contains NUL" : "empty SDP offer", NULL, now);
		return;
	}
	if (answer_init(c, &a, true) < 0) {
		s->ctr.error[SG_WHEP_E_oom]++;
		answer_free(&a);
		reply_err(c, 500, NULL, NULL, now);
		return;
	}
	struct sg_whep_offer req = {.path = rt->name, .sdp = (const char *)r->body,
				    .sdp_len = r->body_len, .authenticated = authed};
	int st = s->cb->offer(s->arg, &req, &a);
	answer_terminate(&a);
	if (st == 201) {
		size_t n = answer_len(&a);
		if (!a.etag[0])
			sg_strlcpy(a.etag, a.session_id, sizeof(a.etag));
		if (!n || !whep_id_valid(a.session_id) || !whep_id_valid(a.etag)) {
			callback_error(c, now);
			goto out;
		}
		/* §4.2: Location of the WHEP session; §4.3.1: ETag of the ICE
		 * session; RFC 5789 §3.1: Accept-Patch advertises PATCH */
		struct wbuf ex = {0};
		wbuf_puts(&ex, "Location: /");
		url_put(&ex, rt->name);
		wbuf_printf(&ex, "/whep/%s\r\nETag: \"%s\"\r\nAccept-Patch: " CT_FRAG "\r\n",
			    a.session_id, a.etag);
		if (ex.oom) {
			s->ctr.error[SG_WHEP_E_oom]++;
			reply_err(c, 500, NULL, NULL, now);
		} else {
			struct whep_resp resp = {.status = 201, .ctype = CT_SDP, .body = a.body,
						 .body_len = n, .extra = ex.p};
			s->ctr.sessions++;
			whep_respond(c, &resp, now);
		}
		wbuf_free(&ex);
	} else {
		static const int ok[] = {400, 403, 404, 406, 409, 422, 429, 500, 503};
		if (st != 500)
			s->ctr.error[SG_WHEP_E_offer_rejected]++;
		cb_status(c, st, &a, ok, SG_ARRAY_SIZE(ok), now);
	}
out:
	answer_free(&a);
}

/*
 * If-Match (RFC 9110 §13.1.1, strong comparison): "*" or a list of quoted
 * entity-tags. Returns 1 on a match, 0 otherwise; *star when "*" was given.
 */
static int if_match(const char *v, const char *etag, bool *star)
{
	const char *p = v;
	*star = false;
	while (*p) {
		while (*p == ' ' || *p == '\t' || *p == ',')
			p++;
		if (!*p)
			break;
		if (*p == '*') {
			*star = true;
			return 1;
		}
		bool weak = !strncmp(p, "W/", 2);
		if (weak)
			p += 2;
		if (*p != '"')
			return 0;
		const char *q = strchr(p + 1, '"');
		if (!q)
			return 0;
		size_t n = (size_t)(q - p - 1);
		if (!weak && n == strlen(etag) && !memcmp(p + 1, etag, n))
			return 1;
		p = q + 1;
	}
	return 0;
}

/* draft-ietf-wish-whep-03 §4.3 (RFC 9725 §4.3.1-§4.3.3): PATCH the session. */
static void do_patch(struct sg_whep_conn *c, const struct route *rt, uint64_t now)
{
	struct sg_whep_server *s = c->srv;
	struct whep_req *r = &c->req;
	struct sg_whep_answer a;
	char etag[SG_WHEP_ID_MAX + 1] = "";
	bool authed, star = false;
	if (authorize(c, rt->name, &authed, now) < 0)
		return;
	if (!ctype_is(r, CT_FRAG)) {
		s->ctr.error[SG_WHEP_E_bad_content_type]++;
		reply_err(c, 415, "Content-Type must be " CT_FRAG, "Accept-Patch: " CT_FRAG "\r\n", now);
		return;
	}
	int rc = s->cb->session(s->arg, rt->name, rt->id, etag, sizeof(etag));
	etag[SG_WHEP_ID_MAX] = '\0';
	if (rc == -ENOENT) {
		reply_err(c, 404, "unknown session", NULL, now);
		return;
	}
	if (rc < 0) {
		callback_error(c, now);
		return;
	}
	if (!r->has_if_match) {
		/* RFC 9725 §4.3.1, RFC 6585 §3 */
		s->ctr.error[SG_WHEP_E_etag_missing]++;
		reply_err(c, 428, "If-Match required", NULL, now);
		return;
	}
	if (r->if_match_too_long || !if_match(r->if_match, etag, &star)) {
		s->ctr.error[SG_WHEP_E_etag_mismatch]++;
		reply_err(c, 412, "ICE session changed (ETag mismatch)", NULL, now);
		return;
	}
	if (memchr(r->body ? (const char *)r->body : "", '\0', r->body_len)) {
		reply_err(c, 400, "fragment contains NUL", NULL, now);
		return;
	}
	if (!s->cb->patch) {
		/* ICE-lite: candidates are accepted and ignored (§4.3.2) */
		struct whep_resp resp = {.status = 204};
		whep_respond(c, &resp, now);
		return;
	}
	if (answer_init(c, &a, false) < 0) {
		s->ctr.error[SG_WHEP_E_oom]++;
		answer_free(&a);
		reply_err(c, 500, NULL, NULL, now);
		return;
	}
	struct sg_whep_patch req = {.path = rt->name, .session_id = rt->id,
				    .frag = r->body ? (const char *)r->body : "",
				    .frag_len = r->body_len, .if_match_star = star};
	int st = s->cb->patch(s->arg, &req, &a);
	answer_terminate(&a);
	if (st == 204) {
		struct whep_resp resp = {.status = 204};
		whep_respond(c, &resp, now);
	} else if (st == 200) {
		/* ICE restart (§4.3.3): the answer fragment and the new ETag */
		size_t n = answer_len(&a);
		if (!n || !whep_id_valid(a.etag)) {
			callback_error(c, now);
		} else {
			char extra[SG_WHEP_ID_MAX + 32];
			snprintf(extra, sizeof(extra), "ETag: \"%s\"\r\n", a.etag);
			struct whep_resp resp = {.status = 200, .ctype = CT_FRAG, .body = a.body,
						 .body_len = n, .extra = extra};
			whep_respond(c, &resp, now);
		}
	} else {
		static const int ok[] = {400, 404, 409, 422, 500, 501};
		cb_status(c, st, &a, ok, SG_ARRAY_SIZE(ok), now);
	}
	answer_free(&a);
}

/* draft-ietf-wish-whep-03 §4.2: DELETE the session; ETags ignored. */
static void do_delete(struct sg_whep_conn *c, const struct route *rt, uint64_t now)
{
	struct sg_whep_server *s = c->srv;
	bool authed;
	if (authorize(c, rt->name, &authed, now) < 0)
		return;
	int rc = s->cb->del(s->arg, rt->name, rt->id);
	if (rc == -ENOENT) {
		reply_err(c, 404, "unknown session", NULL, now);
	} else if (rc < 0) {
		callback_error(c, now);
	} else {
		struct whep_resp resp = {.status = 200};
		whep_respond(c, &resp, now);
	}
}

static void do_index(struct sg_whep_conn *c, uint64_t now)
{
	struct sg_whep_server *s = c->srv;
	struct wbuf b = {0};
	char *list = calloc(1, WHEP_PATHS_MAX);
	if (!list) {
		s->ctr.error[SG_WHEP_E_oom]++;
		reply_err(c, 500, NULL, NULL, now);
		return;
	}
	if (s->cb->paths && s->cb->paths(s->arg, list, WHEP_PATHS_MAX) < 0) {
		free(list);
		callback_error(c, now);
		return;
	}
	list[WHEP_PATHS_MAX - 1] = '\0';
	wbuf_puts(&b, "<!doctype html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
		      "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">"
		      "<title>streamgate</title><style>body{font-family:system-ui,sans-serif;"
		      "margin:2em}li{margin:.3em 0}</style></head>\n<body><h1>streamgate</h1>\n");
	unsigned n = 0;
	for (char *save = NULL, *ln = strtok_r(list, "\n", &save); ln;
	     ln = strtok_r(NULL, "\n", &save)) {
		size_t l = strlen(ln);
		if (l && ln[l - 1] == '\r')
			ln[--l] = '\0';
		bool ok = l <= SG_WHEP_PATH_MAX && name_valid(ln, l);
		for (size_t i = 0; ok && i < l; i++)
			ok = (unsigned char)ln[i] >= 0x20 && ln[i] != 0x7f;
		if (!ok)
			continue;
		wbuf_puts(&b, n++ ? "" : "<ul>\n");
		wbuf_puts(&b, "<li><a href=\"/");
		url_put(&b, ln);
		wbuf_puts(&b, "/\">");
		html_put(&b, ln);
		wbuf_puts(&b, "</a></li>\n");
	}
	wbuf_puts(&b, n ? "</ul>\n" : "<p>No paths configured.</p>\n");
	wbuf_puts(&b, "</body></html>\n");
	free(list);
	if (b.oom) {
		s->ctr.error[SG_WHEP_E_oom]++;
		reply_err(c, 500, NULL, NULL, now);
	} else {
		struct whep_resp r = {.status = 200, .ctype = "text/html; charset=utf-8",
				      .body = b.p, .body_len = b.len, .cache = "no-cache",
				      .head_only = c->req.method == SG_WHEP_M_HEAD};
		whep_respond(c, &r, now);
	}
	wbuf_free(&b);
}

static void do_page(struct sg_whep_conn *c, const struct route *rt, uint64_t now)
{
	char tok[SG_WHEP_TOKEN_MAX + 1];
	if (lookup(c, rt->name, tok, sizeof(tok), now) < 0)
		return;
	sg_secure_zero(tok, sizeof(tok));
	/* the token may be in the page URL (?token=): keep it out of Referer */
	struct whep_resp r = {.status = 200, .ctype = "text/html; charset=utf-8",
			      .body = sg_whep_player_html_data,
			      .body_len = sg_whep_player_html_size, .cache = "no-cache",
			      .extra = "Referrer-Policy: no-referrer\r\n",
			      .head_only = c->req.method == SG_WHEP_M_HEAD};
	whep_respond(c, &r, now);
}

/* /<path> -> /<path>/ so that the page's relative "./whep" resolves. */
static void do_redirect(struct sg_whep_conn *c, const struct route *rt, uint64_t now)
{
	char tok[SG_WHEP_TOKEN_MAX + 1];
	struct wbuf ex = {0};
	if (lookup(c, rt->name, tok, sizeof(tok), now) < 0)
		return;
	sg_secure_zero(tok, sizeof(tok));
	wbuf_puts(&ex, "Location: /");
	url_put(&ex, rt->name);
	wbuf_puts(&ex, "/");
	if (rt->query) {
		wbuf_puts(&ex, "?");
		wbuf_puts(&ex, rt->query); /* already a valid query: visible ASCII */
	}
	wbuf_puts(&ex, "\r\n");
	if (ex.oom)
		reply_err(c, 500, NULL, NULL, now);
	else
		reply_err(c, 308, "moved to the trailing-slash URL", ex.p, now);
	wbuf_free(&ex);
}

void whep_dispatch(struct sg_whep_conn *c, uint64_t now)
{
	struct sg_whep_server *s = c->srv;
	struct whep_req *r = &c->req;
	struct route rt;
	enum sg_whep_method m = r->method;
	bool get = m == SG_WHEP_M_GET || m == SG_WHEP_M_HEAD;
	s->ctr.requests++;
	s->ctr.method[m]++;
	if (m == SG_WHEP_M_OTHER) {
		/* RFC 9110 §9.1, §15.6.2 */
		reply_err(c, 501, "method not implemented", NULL, now);
		return;
	}
	route_parse(r->target, &rt);
	if (rt.kind == R_BAD) {
		s->ctr.error[SG_WHEP_E_bad_target]++;
		reply_err(c, 400, "bad request target", NULL, now);
		return;
	}
	if (rt.kind == R_STAR && m != SG_WHEP_M_OPTIONS) {
		s->ctr.error[SG_WHEP_E_bad_target]++;
		reply_err(c, 400, "bad request target", NULL, now);
		return;
	}
	if (m == SG_WHEP_M_OPTIONS) {
		do_options(c, &rt, now);
		return;
	}
	switch (rt.kind) {
	case R_INDEX:
		if (get)
			do_index(c, now);
		else
			not_allowed(c, ALLOW_GET, now);
		return;
	case R_FAVICON:
		if (get) {
			struct whep_resp resp = {.status = 204, .cache = "max-age=86400"};
			whep_respond(c, &resp, now);
		} else {
			not_allowed(c, ALLOW_GET, now);
		}
		return;
	case R_PAGE:
		if (get)
			do_page(c, &rt, now);
		else
			not_allowed(c, ALLOW_GET, now);
		return;
	case R_BARE:
		if (get)
			do_redirect(c, &rt, now);
		else
			reply_err(c, 404, "unknown resource", NULL, now);
		return;
	case R_ENDPOINT:
		if (m == SG_WHEP_M_POST)
			do_post(c, &rt, now);
		else
			not_allowed(c, ALLOW_ENDPOINT, now);
		return;
	case R_SESSION:
		if (m == SG_WHEP_M_PATCH)
			do_patch(c, &rt, now);
		else if (m == SG_WHEP_M_DELETE)
			do_delete(c, &rt, now);
		else
			not_allowed(c, ALLOW_SESSION, now);
		return;
	default:
		reply_err(c, 404, "unknown resource", NULL, now);
		return;
	}
}
