/* SPDX-License-Identifier: BSD-3-Clause
 * lib/whep unit tests: HTTP/1.1 engine (this file) and WHEP semantics
 * (test_whep_api.inc). The daemon side is a small in-memory fake that keeps
 * sessions, tokens and ETags; every check reads the exact bytes the engine
 * produced.
 */
#include <CUnit/Basic.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "sg_common.h"
#include "sg_whep.h"
#include "whep_priv.h"

#define SEC 1000000000ull
#define T0 (1000 * SEC)

/* ------------------------------------------------------------------------ */
/* Fake daemon                                                               */
/* ------------------------------------------------------------------------ */
#define MAX_SESS 16
struct fake {
	char sess[MAX_SESS][SG_WHEP_ID_MAX + 1];
	char sess_path[MAX_SESS][SG_WHEP_PATH_MAX + 1];
	char etag[MAX_SESS][SG_WHEP_ID_MAX + 1];
	int next_status;   /**< 0: normal behaviour */
	char next_reason[128];
	char next_id[80];
	unsigned retry_after;
	bool restart_ok;
	int n_offers, n_patches, n_dels, n_lookups;
	char last_path[SG_WHEP_PATH_MAX + 1];
	char last_offer[32768];
	size_t last_offer_len;
	bool last_authed;
	bool last_star;
	char last_frag[1024];
	const char *paths;
	bool browser; /**< answer the offer for real (test_whep_browser.inc) */
} F;

static int make_answer(const char *offer, char *out, size_t cap);

static int f_lookup(void *arg, const char *path, char *token, size_t cap)
{
	(void)arg;
	F.n_lookups++;
	if (!strcmp(path, "broken"))
		return -EIO;
	if (!strcmp(path, "secure")) {
		snprintf(token, cap, "s3cret-token");
		return 0;
	}
	if (!strcmp(path, "cam1") || !strcmp(path, "my cam") || !strcmp(path, "empty") ||
	    !strcmp(path, "site/cam2"))
		return 0;
	return -ENOENT;
}

static int f_offer(void *arg, const struct sg_whep_offer *req, struct sg_whep_answer *res)
{
	(void)arg;
	F.n_offers++;
	sg_strlcpy(F.last_path, req->path, sizeof(F.last_path));
	F.last_offer_len = req->sdp_len;
	sg_strlcpy(F.last_offer, req->sdp, sizeof(F.last_offer));
	F.last_authed = req->authenticated;
	if (F.next_status) {
		snprintf(res->reason, sizeof(res->reason), "%s", F.next_reason);
		res->retry_after_s = F.retry_after;
		if (F.next_id[0])
			snprintf(res->session_id, sizeof(res->session_id), "%.64s", F.next_id);
		if (F.next_status == 201)
			snprintf(res->body, res->body_cap, "v=0\r\n");
		return F.next_status;
	}
	if (F.browser) {
		if (make_answer(req->sdp, res->body, res->body_cap) < 0) {
			snprintf(res->reason, sizeof(res->reason), "test answer failed");
			return 400;
		}
		return 201;
	}
	if (!strcmp(req->path, "empty")) {
		snprintf(res->reason, sizeof(res->reason), "no source for path empty");
		res->retry_after_s = F.retry_after;
		return 503;
	}
	if (strstr(req->sdp, "VP8") && !strstr(req->sdp, "H264")) {
		snprintf(res->reason, sizeof(res->reason),
			 "no usable video codec (offered: VP8, VP9; source: H264)");
		return 400;
	}
	for (int i = 0; i < MAX_SESS; i++) {
		if (F.sess[i][0])
			continue;
		sg_strlcpy(F.sess[i], res->session_id, sizeof(F.sess[i]));
		sg_strlcpy(F.sess_path[i], req->path, sizeof(F.sess_path[i]));
		snprintf(F.etag[i], sizeof(F.etag[i]), "ice1-%d", i);
		sg_strlcpy(res->etag, F.etag[i], sizeof(res->etag));
		snprintf(res->body, res->body_cap,
			 "v=0\r\no=- 1 1 IN IP4 192.0.2.1\r\ns=-\r\nt=0 0\r\na=ice-lite\r\n");
		return 201;
	}
	return 503;
}

static int f_find(const char *path, const char *id)
{
	for (int i = 0; i < MAX_SESS; i++)
		if (F.sess[i][0] && !strcmp(F.sess[i], id) && !strcmp(F.sess_path[i], path))
			return i;
	return -1;
}

static int f_session(void *arg, const char *path, const char *id, char *etag, size_t cap)
{
	(void)arg;
	int i = f_find(path, id);
	if (i < 0)
		return -ENOENT;
	snprintf(etag, cap, "%s", F.etag[i]);
	return 0;
}

static int f_patch(void *arg, const struct sg_whep_patch *req, struct sg_whep_answer *res)
{
	(void)arg;
	F.n_patches++;
	F.last_star = req->if_match_star;
	sg_strlcpy(F.last_frag, req->frag, sizeof(F.last_frag));
	int i = f_find(req->path, req->session_id);
	if (i < 0)
		return 404;
	/* the session's remote ufrag is "abcd": anything else is an ICE restart */
	const char *u = strstr(req->frag, "a=ice-ufrag:");
	if (u && strncmp(u + 12, "abcd", 4)) {
		if (!F.restart_ok) {
			snprintf(res->reason, sizeof(res->reason), "ICE restart not supported");
			return 422;
		}
		snprintf(F.etag[i], sizeof(F.etag[i]), "ice2-%d", i);
		sg_strlcpy(res->etag, F.etag[i], sizeof(res->etag));
		snprintf(res->body, res->body_cap, "a=ice-ufrag:srv2\r\na=ice-pwd:0123456789abcdef01234567\r\n");
		return 200;
	}
	return 204;
}

static int f_del(void *arg, const char *path, const char *id)
{
	(void)arg;
	F.n_dels++;
	int i = f_find(path, id);
	if (i < 0)
		return -ENOENT;
	F.sess[i][0] = '\0';
	return 0;
}

static int f_paths(void *arg, char *list, size_t cap)
{
	(void)arg;
	snprintf(list, cap, "%s", F.paths ? F.paths : "");
	return 0;
}

static time_t f_wall(void *arg)
{
	(void)arg;
	return 784111777; /* Sun, 06 Nov 1994 08:49:37 GMT (RFC 9110 §5.6.7) */
}

static const struct sg_whep_cb CB = {
	.lookup = f_lookup, .offer = f_offer, .session = f_session, .patch = f_patch,
	.del = f_del, .paths = f_paths, .wall_clock = f_wall,
};

/* ------------------------------------------------------------------------ */
/* Harness                                                                   */
/* ------------------------------------------------------------------------ */
static struct sg_whep_server *S;
static struct sg_whep_conn *C;
static char OUT[512 * 1024];
static size_t OUT_LEN;

static void setup_conf(const struct sg_whep_conf *conf)
{
	sg_whep_conn_free(C);
	sg_whep_server_free(S);
	memset(&F, 0, sizeof(F));
	S = sg_whep_server_create(conf, &CB, NULL);
	CU_ASSERT_PTR_NOT_NULL_FATAL(S);
	C = sg_whep_conn_create(S, T0);
	CU_ASSERT_PTR_NOT_NULL_FATAL(C);
	OUT_LEN = 0;
}

static void setup(void)
{
	setup_conf(NULL);
}

static void new_conn(void)
{
	sg_whep_conn_free(C);
	C = sg_whep_conn_create(S, T0);
	OUT_LEN = 0;
}

/* Move pending output to OUT in pieces of at most @step bytes. */
static void drain_step(size_t step, uint64_t now)
{
	const uint8_t *d;
	size_t n;
	while ((n = sg_whep_conn_output(C, &d)) > 0) {
		size_t take = n < step ? n : step;
		CU_ASSERT_FATAL(OUT_LEN + take < sizeof(OUT));
		memcpy(OUT + OUT_LEN, d, take);
		OUT_LEN += take;
		sg_whep_conn_output_consume(C, take, now);
	}
	OUT[OUT_LEN] = '\0';
}

/* Send raw bytes at T0, collect every response. */
static const char *xfer_n(const char *req, size_t len)
{
	OUT_LEN = 0;
	CU_ASSERT_EQUAL(sg_whep_conn_input(C, (const uint8_t *)req, len, T0), 0);
	drain_step(SIZE_MAX, T0);
	return OUT;
}

static const char *xfer(const char *req)
{
	return xfer_n(req, strlen(req));
}

struct resp {
	int status;
	char head[16384];
	const char *body;
	size_t body_len;
	size_t total; /**< bytes of this response in the stream */
};

/* Parse one response at @s (no body when @no_body, e.g. HEAD). */
static bool parse_resp(const char *s, struct resp *r, bool no_body)
{
	memset(r, 0, sizeof(*r));
	const char *e = strstr(s, "\r\n\r\n");
	if (!e || strncmp(s, "HTTP/1.1 ", 9) || (size_t)(e - s) >= sizeof(r->head) - 3)
		return false;
	r->status = atoi(s + 9);
	memcpy(r->head, s, (size_t)(e - s) + 2);
	r->head[e - s + 2] = '\0';
	r->body = e + 4;
	const char *cl = strcasestr(r->head, "\r\nContent-Length: ");
	if (cl && !no_body)
		r->body_len = strtoul(cl + 18, NULL, 10);
	r->total = (size_t)(r->body - s) + r->body_len;
	return true;
}

/* Value of header @name in @r ("" when absent). */
static const char *H(const struct resp *r, const char *name)
{
	static char bufs[4][1024];
	static int k;
	char *out = bufs[k++ & 3];
	char pat[128];
	snprintf(pat, sizeof(pat), "\r\n%s:", name);
	const char *p = strcasestr(r->head, pat);
	out[0] = '\0';
	if (!p)
		return out;
	p += strlen(pat);
	while (*p == ' ')
		p++;
	size_t n = strcspn(p, "\r");
	snprintf(out, sizeof(out[0]) * 1024, "%.*s", (int)n, p);
	return out;
}

static bool has_hdr(const struct resp *r, const char *name)
{
	char pat[128];
	snprintf(pat, sizeof(pat), "\r\n%s:", name);
	return strcasestr(r->head, pat) != NULL;
}

/* Send @req on a fresh connection and parse the single response. */
static int req1(const char *req, struct resp *r)
{
	new_conn();
	xfer(req);
	if (!parse_resp(OUT, r, false))
		return -1;
	CU_ASSERT_EQUAL(r->total, OUT_LEN); /* exactly one response */
	return r->status;
}

static bool body_is(const struct resp *r, const char *s)
{
	return r->body_len == strlen(s) && !memcmp(r->body, s, r->body_len);
}

static const char *post_req(const char *path, const char *ctype, const char *auth, const char *body)
{
	static char buf[8192];
	snprintf(buf, sizeof(buf),
		 "POST %s HTTP/1.1\r\nHost: gw\r\n%s%s%s%s%s%sContent-Length: %zu\r\n\r\n%s", path,
		 ctype ? "Content-Type: " : "", ctype ? ctype : "", ctype ? "\r\n" : "",
		 auth ? "Authorization: " : "", auth ? auth : "", auth ? "\r\n" : "",
		 strlen(body), body);
	return buf;
}

static const char OFFER[] =
	"v=0\r\no=- 4611 2 IN IP4 127.0.0.1\r\ns=-\r\nt=0 0\r\na=group:BUNDLE 0 1\r\n"
	"m=video 9 UDP/TLS/RTP/SAVPF 96 102\r\na=rtpmap:96 VP8/90000\r\na=rtpmap:102 H264/90000\r\n"
	"a=mid:0\r\na=recvonly\r\nm=audio 9 UDP/TLS/RTP/SAVPF 111\r\na=rtpmap:111 opus/48000/2\r\n"
	"a=mid:1\r\na=recvonly\r\n";

/* ------------------------------------------------------------------------ */
/* HTTP engine                                                               */
/* ------------------------------------------------------------------------ */
static void t_basic_get(void)
{
	struct resp r;
	size_t plen;
	const char *page = sg_whep_player_html(&plen);
	setup();
	CU_ASSERT_EQUAL(req1("GET /cam1/ HTTP/1.1\r\nHost: gw\r\n\r\n", &r), 200);
	CU_ASSERT_STRING_EQUAL(H(&r, "Content-Type"), "text/html; charset=utf-8");
	CU_ASSERT_STRING_EQUAL(H(&r, "Server"), "streamgate");
	CU_ASSERT_STRING_EQUAL(H(&r, "Date"), "Sun, 06 Nov 1994 08:49:37 GMT");
	CU_ASSERT_STRING_EQUAL(H(&r, "Access-Control-Allow-Origin"), "*");
	CU_ASSERT_STRING_EQUAL(H(&r, "Access-Control-Expose-Headers"),
			       "Location, ETag, Link, Accept-Patch");
	CU_ASSERT_STRING_EQUAL(H(&r, "Referrer-Policy"), "no-referrer");
	CU_ASSERT_FALSE(has_hdr(&r, "Connection"));
	CU_ASSERT_EQUAL(r.body_len, plen);
	CU_ASSERT_EQUAL(memcmp(r.body, page, plen), 0);
	CU_ASSERT_FALSE(sg_whep_conn_want_close(C));
	/* the page is the WHEP client */
	CU_ASSERT_PTR_NOT_NULL(strstr(page, "<video id=\"video\" autoplay muted playsinline controls>"));
	CU_ASSERT_PTR_NOT_NULL(strstr(page, "new URL(\"whep\", window.location.href)"));
	CU_ASSERT_PTR_NOT_NULL(strstr(page, "method: \"POST\""));
	CU_ASSERT_PTR_NOT_NULL(strstr(page, "\"Content-Type\": \"application/sdp\""));
	CU_ASSERT_PTR_NOT_NULL(strstr(page, "resp.headers.get(\"Location\")"));
	CU_ASSERT_PTR_NOT_NULL(strstr(page, "addTransceiver(\"video\", { direction: \"recvonly\" })"));
	CU_ASSERT_PTR_NOT_NULL(strstr(page, "addTransceiver(\"audio\", { direction: \"recvonly\" })"));
	CU_ASSERT_PTR_NOT_NULL(strstr(page, "window.sgStats"));
	CU_ASSERT_PTR_NOT_NULL(strstr(page, "method: \"DELETE\""));
	CU_ASSERT_PTR_NOT_NULL(strstr(page, "\"pagehide\""));

	/* HEAD: same fields, no body (RFC 9110 §9.3.2) */
	new_conn();
	xfer("HEAD /cam1/ HTTP/1.1\r\nHost: gw\r\n\r\n");
	CU_ASSERT_TRUE(parse_resp(OUT, &r, true));
	CU_ASSERT_EQUAL(r.status, 200);
	CU_ASSERT_EQUAL((size_t)atol(H(&r, "Content-Length")), plen);
	CU_ASSERT_EQUAL(OUT_LEN, r.total);

	CU_ASSERT_EQUAL(req1("GET /nope/ HTTP/1.1\r\nHost: gw\r\n\r\n", &r), 404);
	CU_ASSERT_TRUE(body_is(&r, "unknown path\n"));
	CU_ASSERT_STRING_EQUAL(H(&r, "Content-Type"), "text/plain; charset=utf-8");
	CU_ASSERT_EQUAL(req1("GET /broken/ HTTP/1.1\r\nHost: gw\r\n\r\n", &r), 500);
	CU_ASSERT_EQUAL(req1("GET /favicon.ico HTTP/1.1\r\nHost: gw\r\n\r\n", &r), 204);
	CU_ASSERT_FALSE(has_hdr(&r, "Content-Length")); /* RFC 9110 §8.6 */
	CU_ASSERT_EQUAL(r.total, OUT_LEN);
	CU_ASSERT_EQUAL(req1("GET /x/y/z HTTP/1.1\r\nHost: gw\r\n\r\n", &r), 404);
	CU_ASSERT_EQUAL(req1("POST /cam1/ HTTP/1.1\r\nHost: gw\r\n\r\n", &r), 405);
	CU_ASSERT_STRING_EQUAL(H(&r, "Allow"), "GET, HEAD, OPTIONS");
	CU_ASSERT_EQUAL(req1("POST /cam1 HTTP/1.1\r\nHost: gw\r\n\r\n", &r), 404);
}

static void t_index_redirect(void)
{
	struct resp r;
	setup();
	F.paths = "cam1\nsite/cam2\r\n../evil\n\nlobby <&> \"hall\"\n";
	CU_ASSERT_EQUAL(req1("GET / HTTP/1.1\r\nHost: gw\r\n\r\n", &r), 200);
	CU_ASSERT_STRING_EQUAL(H(&r, "Content-Type"), "text/html; charset=utf-8");
	char body[4096];
	snprintf(body, sizeof(body), "%.*s", (int)r.body_len, r.body);
	CU_ASSERT_PTR_NOT_NULL(strstr(body, "<li><a href=\"/cam1/\">cam1</a></li>"));
	CU_ASSERT_PTR_NOT_NULL(strstr(body, "<li><a href=\"/site/cam2/\">site/cam2</a></li>"));
	CU_ASSERT_PTR_NOT_NULL(strstr(body, "<li><a href=\"/lobby%20%3C%26%3E%20%22hall%22/\">"
					    "lobby &lt;&amp;&gt; &quot;hall&quot;</a></li>"));
	CU_ASSERT_PTR_NULL(strstr(body, "evil"));
	F.paths = "";
	CU_ASSERT_EQUAL(req1("GET / HTTP/1.1\r\nHost: gw\r\n\r\n", &r), 200);
	CU_ASSERT_PTR_NOT_NULL(strstr(r.body, "No paths configured."));

	/* /<path> -> /<path>/ keeps the query (the page reads ?token=) */
	CU_ASSERT_EQUAL(req1("GET /cam1?token=abc HTTP/1.1\r\nHost: gw\r\n\r\n", &r), 308);
	CU_ASSERT_STRING_EQUAL(H(&r, "Location"), "/cam1/?token=abc");
	CU_ASSERT_EQUAL(req1("GET /my%20cam HTTP/1.1\r\nHost: gw\r\n\r\n", &r), 308);
	CU_ASSERT_STRING_EQUAL(H(&r, "Location"), "/my%20cam/");
	CU_ASSERT_EQUAL(req1("GET /nope HTTP/1.1\r\nHost: gw\r\n\r\n", &r), 404);
	/* percent-decoded names, absolute-form, nested paths */
	CU_ASSERT_EQUAL(req1("GET /my%20cam/ HTTP/1.1\r\nHost: gw\r\n\r\n", &r), 200);
	CU_ASSERT_EQUAL(req1("GET http://gw:8080/cam1/?x=1 HTTP/1.1\r\nHost: gw\r\n\r\n", &r), 200);
	CU_ASSERT_EQUAL(req1("GET http://gw HTTP/1.1\r\nHost: gw\r\n\r\n", &r), 200);
	CU_ASSERT_EQUAL(req1("GET HTTP://gw?x=1 HTTP/1.1\r\nHost: gw\r\n\r\n", &r), 200);
	CU_ASSERT_PTR_NOT_NULL(strstr(r.body, "<h1>streamgate</h1>"));
	CU_ASSERT_EQUAL(req1("GET /site/cam2/ HTTP/1.1\r\nHost: gw\r\n\r\n", &r), 200);
	/* bad targets */
	CU_ASSERT_EQUAL(req1("GET /a/../cam1/ HTTP/1.1\r\nHost: gw\r\n\r\n", &r), 400);
	CU_ASSERT_EQUAL(req1("GET //cam1/ HTTP/1.1\r\nHost: gw\r\n\r\n", &r), 400);
	CU_ASSERT_EQUAL(req1("GET /cam%0a1/ HTTP/1.1\r\nHost: gw\r\n\r\n", &r), 400);
	CU_ASSERT_EQUAL(req1("GET /cam%1/ HTTP/1.1\r\nHost: gw\r\n\r\n", &r), 400);
	CU_ASSERT_EQUAL(req1("GET /cam1% HTTP/1.1\r\nHost: gw\r\n\r\n", &r), 400);
	CU_ASSERT_EQUAL(req1("GET cam1/ HTTP/1.1\r\nHost: gw\r\n\r\n", &r), 400);
	CU_ASSERT_EQUAL(req1("GET * HTTP/1.1\r\nHost: gw\r\n\r\n", &r), 400);
	CU_ASSERT_EQUAL(S->ctr.error[SG_WHEP_E_bad_target], 7);
	/* a bad target is a well-framed request: the connection stays */
	CU_ASSERT_FALSE(sg_whep_conn_want_close(C));
}

static void t_methods(void)
{
	struct resp r;
	setup();
	CU_ASSERT_EQUAL(req1("BREW /cam1/ HTTP/1.1\r\nHost: gw\r\n\r\n", &r), 501);
	CU_ASSERT_FALSE(sg_whep_conn_want_close(C));
	CU_ASSERT_EQUAL(req1("get /cam1/ HTTP/1.1\r\nHost: gw\r\n\r\n", &r), 501); /* case-sensitive */
	CU_ASSERT_EQUAL(req1("PUT /cam1/whep HTTP/1.1\r\nHost: gw\r\nContent-Length: 1\r\n\r\nx", &r), 405);
	CU_ASSERT_STRING_EQUAL(H(&r, "Allow"), "POST, OPTIONS");
	CU_ASSERT_EQUAL(req1("GET /cam1/whep HTTP/1.1\r\nHost: gw\r\n\r\n", &r), 405);
	CU_ASSERT_EQUAL(req1("GET /cam1/whep/abc HTTP/1.1\r\nHost: gw\r\n\r\n", &r), 405);
	CU_ASSERT_STRING_EQUAL(H(&r, "Allow"), "PATCH, DELETE, OPTIONS");
	CU_ASSERT_EQUAL(req1("DELETE / HTTP/1.1\r\nHost: gw\r\n\r\n", &r), 405);
	CU_ASSERT_EQUAL(req1("TRACE / HTTP/1.1\r\nHost: gw\r\n\r\n", &r), 405);
	const struct sg_whep_counters *k = sg_whep_server_counters(S);
	CU_ASSERT_EQUAL(k->method[SG_WHEP_M_OTHER], 2);
	CU_ASSERT_EQUAL(k->method[SG_WHEP_M_GET], 2);
	CU_ASSERT_EQUAL(k->status[SG_WHEP_S_405], 5);
	CU_ASSERT_EQUAL(k->status[SG_WHEP_S_501], 2);
	CU_ASSERT_EQUAL(k->requests, 7);
	CU_ASSERT_STRING_EQUAL(sg_whep_method_name(SG_WHEP_M_PATCH), "PATCH");
	CU_ASSERT_PTR_NULL(sg_whep_method_name(SG_WHEP_M__N));
	CU_ASSERT_EQUAL(sg_whep_status_code(SG_WHEP_S_431), 431);
	CU_ASSERT_STRING_EQUAL(sg_whep_status_reason(413), "Content Too Large");
	CU_ASSERT_STRING_EQUAL(sg_whep_status_reason(299), "Unknown");
	CU_ASSERT_STRING_EQUAL(sg_whep_error_name(SG_WHEP_E_auth_bad), "auth_bad");
	CU_ASSERT_PTR_NOT_NULL(sg_whep_error_help(SG_WHEP_E_oom));
	CU_ASSERT_PTR_NULL(sg_whep_error_name(SG_WHEP_E__N));
}

/* A framing error answers, says Connection: close and closes. */
static void expect_fatal(const char *req, int status, enum sg_whep_error e)
{
	struct resp r;
	uint64_t before = S->ctr.error[e];
	int st = req1(req, &r);
	CU_ASSERT_EQUAL(st, status);
	if (st != status)
		fprintf(stderr, "\n  request %.60s... -> %d, expected %d\n", req, st, status);
	CU_ASSERT_STRING_EQUAL(H(&r, "Connection"), "close");
	CU_ASSERT_TRUE(sg_whep_conn_want_close(C));
	CU_ASSERT_FALSE(sg_whep_conn_want_read(C));
	CU_ASSERT_EQUAL(S->ctr.error[e], before + 1);
	/* later bytes are discarded, nothing else is answered */
	CU_ASSERT_EQUAL(sg_whep_conn_input(C, (const uint8_t *)"GET / HTTP/1.1\r\n\r\n", 18, T0), 0);
	CU_ASSERT_EQUAL(sg_whep_conn_output(C, NULL), 0);
}

static void t_parse_errors(void)
{
	setup();
	expect_fatal("GET /\r\n\r\n", 400, SG_WHEP_E_bad_request_line);
	expect_fatal("GET  / HTTP/1.1\r\nHost: gw\r\n\r\n", 400, SG_WHEP_E_bad_request_line);
	expect_fatal("GET / HTTP/1.1 \r\nHost: gw\r\n\r\n", 400, SG_WHEP_E_bad_request_line);
	expect_fatal("GET / http/1.1\r\nHost: gw\r\n\r\n", 400, SG_WHEP_E_bad_request_line);
	expect_fatal("GET /\x01 HTTP/1.1\r\nHost: gw\r\n\r\n", 400, SG_WHEP_E_bad_request_line);
	expect_fatal("GET / HTTP/2.0\r\nHost: gw\r\n\r\n", 505, SG_WHEP_E_bad_version);
	expect_fatal("GET / HTTP/1.1\r\n\r\n", 400, SG_WHEP_E_no_host);
	expect_fatal("GET / HTTP/1.1\r\nHost: a\r\nHost: b\r\n\r\n", 400, SG_WHEP_E_no_host);
	expect_fatal("GET / HTTP/1.1\r\nHost : gw\r\n\r\n", 400, SG_WHEP_E_bad_header);
	expect_fatal("GET / HTTP/1.1\r\nHost: gw\r\nX: a\r\n b\r\n\r\n", 400, SG_WHEP_E_bad_header);
	expect_fatal("GET / HTTP/1.1\r\nHost: gw\r\nNoColon\r\n\r\n", 400, SG_WHEP_E_bad_header);
	expect_fatal("GET / HTTP/1.1\r\nHost: gw\r\nX: a\rb\r\n\r\n", 400, SG_WHEP_E_bad_header);
	{
		static const char nul[] = "GET / HTTP/1.1\r\nHost: gw\r\nX: a\0b\r\n\r\n";
		struct resp r;
		new_conn();
		xfer_n(nul, sizeof(nul) - 1);
		CU_ASSERT_TRUE(parse_resp(OUT, &r, false));
		CU_ASSERT_EQUAL(r.status, 400);
		CU_ASSERT_TRUE(sg_whep_conn_want_close(C));
	}
	expect_fatal("POST /cam1/whep HTTP/1.1\r\nHost: gw\r\nContent-Length: 1x\r\n\r\n", 400,
		     SG_WHEP_E_bad_framing);
	expect_fatal("POST /cam1/whep HTTP/1.1\r\nHost: gw\r\nContent-Length: -1\r\n\r\n", 400,
		     SG_WHEP_E_bad_framing);
	expect_fatal("POST /cam1/whep HTTP/1.1\r\nHost: gw\r\nContent-Length: 3\r\n"
		     "Content-Length: 4\r\n\r\nabcd", 400, SG_WHEP_E_bad_framing);
	expect_fatal("POST /cam1/whep HTTP/1.1\r\nHost: gw\r\nContent-Length: 3, 3\r\n\r\nabc", 400,
		     SG_WHEP_E_bad_framing);
	expect_fatal("POST /cam1/whep HTTP/1.1\r\nHost: gw\r\nContent-Length: 3\r\n"
		     "Transfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n0\r\n\r\n", 400, SG_WHEP_E_bad_framing);
	expect_fatal("POST /cam1/whep HTTP/1.1\r\nHost: gw\r\nTransfer-Encoding: gzip\r\n\r\n", 400,
		     SG_WHEP_E_bad_framing);
	expect_fatal("POST /cam1/whep HTTP/1.1\r\nHost: gw\r\nTransfer-Encoding: chunked, chunked\r\n\r\n",
		     400, SG_WHEP_E_bad_framing);
	expect_fatal("POST /cam1/whep HTTP/1.0\r\nTransfer-Encoding: chunked\r\n\r\n", 400,
		     SG_WHEP_E_bad_framing);
	expect_fatal("POST /cam1/whep HTTP/1.1\r\nHost: gw\r\nTransfer-Encoding: gzip, chunked\r\n\r\n",
		     501, SG_WHEP_E_unsupported_coding);
	expect_fatal("POST /cam1/whep HTTP/1.1\r\nHost: gw\r\nExpect: 200-ok\r\nContent-Length: 1\r\n\r\nx",
		     417, SG_WHEP_E_bad_header);
	expect_fatal("\r\n\r\n\r\n\r\n\r\n\r\n\r\n\r\n\r\n", 400, SG_WHEP_E_bad_request_line);
	/* a few leading empty lines are fine (RFC 9112 §2.2), and bare LF too */
	struct resp r;
	CU_ASSERT_EQUAL(req1("\r\n\nGET /cam1/ HTTP/1.1\nHost: gw\n\n", &r), 200);
	CU_ASSERT_EQUAL(req1("GET /cam1/ HTTP/1.2\r\nHost: gw\r\n\r\n", &r), 200);
}

static void t_limits(void)
{
	struct resp r;
	setup();
	/* request line: 8192 bytes is fine, 8193 is 414 */
	static char big[40000];
	size_t tl = SG_WHEP_MAX_REQUEST_LINE - strlen("GET  HTTP/1.1");
	int n = snprintf(big, sizeof(big), "GET /");
	memset(big + n, 'a', tl - 1);
	n += (int)tl - 1;
	n += snprintf(big + n, sizeof(big) - (size_t)n, " HTTP/1.1\r\nHost: gw\r\n\r\n");
	CU_ASSERT_EQUAL(req1(big, &r), 404);
	n = snprintf(big, sizeof(big), "GET /");
	memset(big + n, 'a', tl);
	n += (int)tl;
	n += snprintf(big + n, sizeof(big) - (size_t)n, " HTTP/1.1\r\nHost: gw\r\n\r\n");
	expect_fatal(big, 414, SG_WHEP_E_uri_too_long);
	/* 414 before the line ends (no LF yet) */
	new_conn();
	memset(big, 'a', 9000);
	memcpy(big, "GET /", 5);
	xfer_n(big, 9000);
	CU_ASSERT_TRUE(parse_resp(OUT, &r, false));
	CU_ASSERT_EQUAL(r.status, 414);

	/* 100 fields are fine, 101 are 431 */
	n = snprintf(big, sizeof(big), "GET /cam1/ HTTP/1.1\r\nHost: gw\r\n");
	for (int i = 0; i < 99; i++)
		n += snprintf(big + n, sizeof(big) - (size_t)n, "X-%d: v\r\n", i);
	snprintf(big + n, sizeof(big) - (size_t)n, "\r\n");
	CU_ASSERT_EQUAL(req1(big, &r), 200);
	snprintf(big + n, sizeof(big) - (size_t)n, "X-last: v\r\n\r\n");
	expect_fatal(big, 431, SG_WHEP_E_too_many_headers);
	/* field section over 16 KiB, complete or not */
	n = snprintf(big, sizeof(big), "GET /cam1/ HTTP/1.1\r\nHost: gw\r\nX-Big: ");
	memset(big + n, 'b', 16400);
	n += 16400;
	snprintf(big + n, sizeof(big) - (size_t)n, "\r\n\r\n");
	expect_fatal(big, 431, SG_WHEP_E_headers_too_large);
	new_conn();
	xfer_n(big, 16000 + 40);
	CU_ASSERT_EQUAL(OUT_LEN, 0);
	xfer_n(big + 16040, 1000);
	CU_ASSERT_TRUE(parse_resp(OUT, &r, false));
	CU_ASSERT_EQUAL(r.status, 431);
}

/* 10 MB announced: 413 from the headers alone; the body is never buffered. */
static void t_huge_body(void)
{
	struct resp r;
	setup();
	const char *h = "POST /cam1/whep HTTP/1.1\r\nHost: gw\r\nContent-Type: application/sdp\r\n"
			"Content-Length: 10000000\r\n\r\n";
	xfer(h);
	CU_ASSERT_TRUE(parse_resp(OUT, &r, false));
	CU_ASSERT_EQUAL(r.status, 413);
	CU_ASSERT_STRING_EQUAL(H(&r, "Connection"), "close");
	CU_ASSERT_TRUE(body_is(&r, "request body too large\n"));
	CU_ASSERT_TRUE(sg_whep_conn_want_close(C));
	CU_ASSERT_EQUAL(F.n_offers, 0);
	static uint8_t chunk[65536];
	memset(chunk, 'v', sizeof(chunk));
	size_t peak = 0;
	for (size_t sent = 0; sent < 10000000; sent += sizeof(chunk)) {
		CU_ASSERT_EQUAL(sg_whep_conn_input(C, chunk, sizeof(chunk), T0), 0);
		size_t m = whep_conn_mem(C);
		peak = m > peak ? m : peak;
	}
	CU_ASSERT(peak < 8192); /* nothing of the body kept */
	CU_ASSERT(S->ctr.error[SG_WHEP_E_discarded_bytes] >= 10000000);
	CU_ASSERT_EQUAL(S->ctr.error[SG_WHEP_E_body_too_large], 1);

	/* with a configured max_body: exactly max is fine, max+1 is not */
	struct sg_whep_conf conf = {.max_body = 100};
	setup_conf(&conf);
	char body[102];
	memset(body, 'v', 101);
	body[100] = '\0';
	CU_ASSERT_EQUAL(req1(post_req("/cam1/whep", "application/sdp", NULL, body), &r), 201);
	body[100] = 'v';
	body[101] = '\0';
	expect_fatal(post_req("/cam1/whep", "application/sdp", NULL, body), 413,
		     SG_WHEP_E_body_too_large);
	/* Expect: 100-continue with a too-large body: 413, no 100 */
	new_conn();
	xfer("POST /cam1/whep HTTP/1.1\r\nHost: gw\r\nExpect: 100-continue\r\nContent-Length: 101\r\n\r\n");
	CU_ASSERT_EQUAL(strncmp(OUT, "HTTP/1.1 413 ", 13), 0);
}

static void t_chunked(void)
{
	struct resp r;
	setup();
	/* RFC 9112 §7.1: sizes in hex, extensions, trailer fields */
	char req[4096];
	size_t half = strlen(OFFER) / 2;
	int n = snprintf(req, sizeof(req),
			 "POST /cam1/whep HTTP/1.1\r\nHost: gw\r\nContent-Type: application/sdp\r\n"
			 "Transfer-Encoding: chunked\r\n\r\n%zX;ext=1\r\n%.*s\r\n%zx\r\n%s\r\n"
			 "0\r\nX-Trailer: t\r\n\r\n",
			 half, (int)half, OFFER, strlen(OFFER) - half, OFFER + half);
	CU_ASSERT_EQUAL(req1(req, &r), 201);
	CU_ASSERT_STRING_EQUAL(F.last_offer, OFFER);
	CU_ASSERT_EQUAL(F.last_offer_len, strlen(OFFER));
	/* byte by byte */
	new_conn();
	OUT_LEN = 0;
	for (int i = 0; i < n; i++)
		CU_ASSERT_EQUAL(sg_whep_conn_input(C, (const uint8_t *)req + i, 1, T0), 0);
	drain_step(SIZE_MAX, T0);
	CU_ASSERT_TRUE(parse_resp(OUT, &r, false));
	CU_ASSERT_EQUAL(r.status, 201);
	CU_ASSERT_STRING_EQUAL(F.last_offer, OFFER);
	const char *hd = "POST /cam1/whep HTTP/1.1\r\nHost: gw\r\nContent-Type: application/sdp\r\n"
			 "Transfer-Encoding: chunked\r\n\r\n";
	snprintf(req, sizeof(req), "%sz\r\n", hd);
	expect_fatal(req, 400, SG_WHEP_E_bad_chunk);
	snprintf(req, sizeof(req), "%s3\r\nabcX0\r\n\r\n", hd);
	expect_fatal(req, 400, SG_WHEP_E_bad_chunk);
	snprintf(req, sizeof(req), "%sFFFFFFFFFFFFFFFFFF\r\n", hd);
	expect_fatal(req, 413, SG_WHEP_E_body_too_large);
	snprintf(req, sizeof(req), "%s10001\r\n", hd); /* 64 KiB + 1 */
	expect_fatal(req, 413, SG_WHEP_E_body_too_large);
	/* many small chunks adding up past max_body */
	struct sg_whep_conf conf = {.max_body = 10};
	setup_conf(&conf);
	snprintf(req, sizeof(req), "%s6\r\nabcdef\r\n6\r\nabcdef\r\n0\r\n\r\n", hd);
	expect_fatal(req, 413, SG_WHEP_E_body_too_large);
}

static void t_bytewise(void)
{
	struct resp r;
	setup();
	const char *req = post_req("/cam1/whep", "application/sdp", NULL, OFFER);
	size_t len = strlen(req);
	for (size_t i = 0; i < len; i++) {
		CU_ASSERT_EQUAL(sg_whep_conn_input(C, (const uint8_t *)req + i, 1, T0), 0);
		if (i + 1 < len)
			CU_ASSERT_EQUAL(sg_whep_conn_output(C, NULL), 0);
	}
	drain_step(1, T0); /* and the response written one byte at a time */
	CU_ASSERT_TRUE(parse_resp(OUT, &r, false));
	CU_ASSERT_EQUAL(r.status, 201);
	CU_ASSERT_EQUAL(r.total, OUT_LEN);
	CU_ASSERT_STRING_EQUAL(F.last_offer, OFFER);
	CU_ASSERT_EQUAL(F.n_offers, 1);
	/* the connection is reusable */
	OUT_LEN = 0;
	xfer("GET /cam1/ HTTP/1.1\r\nHost: gw\r\n\r\n");
	CU_ASSERT_TRUE(parse_resp(OUT, &r, false));
	CU_ASSERT_EQUAL(r.status, 200);
}

static void t_pipeline(void)
{
	struct resp r;
	char req[16384];
	const uint8_t *d;
	setup();
	/* three requests in one segment: answered one at a time, in order */
	snprintf(req, sizeof(req), "GET /cam1/ HTTP/1.1\r\nHost: gw\r\n\r\n%s"
		 "DELETE /cam1/whep/nosuch HTTP/1.1\r\nHost: gw\r\n\r\n",
		 post_req("/cam1/whep", "application/sdp", NULL, OFFER));
	CU_ASSERT_EQUAL(sg_whep_conn_input(C, (const uint8_t *)req, strlen(req), T0), 0);
	size_t n = sg_whep_conn_output(C, &d);
	CU_ASSERT_TRUE(parse_resp((const char *)d, &r, false));
	CU_ASSERT_EQUAL(r.status, 200);
	CU_ASSERT_EQUAL(r.total, n); /* only the first response is out */
	CU_ASSERT_EQUAL(F.n_offers, 0);
	sg_whep_conn_output_consume(C, n - 1, T0);
	CU_ASSERT_EQUAL(F.n_offers, 0); /* one byte still pending */
	sg_whep_conn_output_consume(C, 1, T0);
	CU_ASSERT_EQUAL(F.n_offers, 1);
	n = sg_whep_conn_output(C, &d);
	CU_ASSERT_TRUE(parse_resp((const char *)d, &r, false));
	CU_ASSERT_EQUAL(r.status, 201);
	CU_ASSERT_EQUAL(r.total, n);
	sg_whep_conn_output_consume(C, n, T0);
	n = sg_whep_conn_output(C, &d);
	CU_ASSERT_TRUE(parse_resp((const char *)d, &r, false));
	CU_ASSERT_EQUAL(r.status, 404);
	CU_ASSERT_EQUAL(F.n_dels, 1);
	sg_whep_conn_output_consume(C, n, T0);
	CU_ASSERT_EQUAL(sg_whep_conn_output(C, NULL), 0);
	CU_ASSERT_FALSE(sg_whep_conn_want_close(C));

	/* a client that never reads: input is bounded, want_read goes false */
	new_conn();
	const char *g = "GET /cam1/ HTTP/1.1\r\nHost: gw\r\n\r\n";
	size_t gl = strlen(g), fed = 0;
	int rc = 0;
	while (sg_whep_conn_want_read(C) && fed < 1000000) {
		size_t room = sg_whep_conn_read_room(C);
		rc = sg_whep_conn_input(C, (const uint8_t *)g, gl < room ? gl : room, T0);
		CU_ASSERT_EQUAL_FATAL(rc, 0);
		fed += gl < room ? gl : room;
	}
	CU_ASSERT_FALSE(sg_whep_conn_want_read(C));
	CU_ASSERT_EQUAL(sg_whep_conn_read_room(C), 0);
	CU_ASSERT(fed <= WHEP_IN_MAX + gl);
	CU_ASSERT(whep_conn_mem(C) < 128 * 1024);
	CU_ASSERT_EQUAL(sg_whep_conn_input(C, (const uint8_t *)g, gl, T0), -ENOBUFS);
	CU_ASSERT_TRUE(sg_whep_conn_want_close(C));
	CU_ASSERT_EQUAL(S->ctr.error[SG_WHEP_E_input_overflow], 1);
}

static void t_keepalive(void)
{
	struct resp r;
	setup();
	/* HTTP/1.0: close unless keep-alive asked (RFC 9112 §9.3) */
	CU_ASSERT_EQUAL(req1("GET /cam1/ HTTP/1.0\r\n\r\n", &r), 200);
	CU_ASSERT_STRING_EQUAL(H(&r, "Connection"), "close");
	CU_ASSERT_TRUE(sg_whep_conn_want_close(C));
	CU_ASSERT_EQUAL(req1("GET /cam1/ HTTP/1.0\r\nConnection: Keep-Alive\r\n\r\n", &r), 200);
	CU_ASSERT_STRING_EQUAL(H(&r, "Connection"), "keep-alive");
	CU_ASSERT_FALSE(sg_whep_conn_want_close(C));
	CU_ASSERT_EQUAL(req1("GET /cam1/ HTTP/1.1\r\nHost: gw\r\nConnection: foo, close\r\n\r\n", &r), 200);
	CU_ASSERT_STRING_EQUAL(H(&r, "Connection"), "close");
	CU_ASSERT_TRUE(sg_whep_conn_want_close(C));
	/* pipelined bytes after Connection: close are not answered */
	new_conn();
	xfer("GET /cam1/ HTTP/1.1\r\nHost: gw\r\nConnection: close\r\n\r\nGET / HTTP/1.1\r\nHost: gw\r\n\r\n");
	CU_ASSERT_TRUE(parse_resp(OUT, &r, false));
	CU_ASSERT_EQUAL(r.total, OUT_LEN);
}

static void t_expect_continue(void)
{
	struct resp r;
	setup();
	char req[4096];
	snprintf(req, sizeof(req),
		 "POST /cam1/whep HTTP/1.1\r\nHost: gw\r\nContent-Type: application/sdp\r\n"
		 "Expect: 100-continue\r\nContent-Length: %zu\r\n\r\n", strlen(OFFER));
	xfer(req);
	CU_ASSERT_STRING_EQUAL(OUT, "HTTP/1.1 100 Continue\r\n\r\n");
	xfer(OFFER);
	CU_ASSERT_TRUE(parse_resp(OUT, &r, false));
	CU_ASSERT_EQUAL(r.status, 201);
	CU_ASSERT_EQUAL(S->ctr.status[SG_WHEP_S_100], 1);
	/* HTTP/1.0 clients never get a 100 (RFC 9110 §10.1.1) */
	new_conn();
	snprintf(req, sizeof(req), "POST /cam1/whep HTTP/1.0\r\nExpect: 100-continue\r\n"
		 "Content-Type: application/sdp\r\nContent-Length: %zu\r\n\r\n", strlen(OFFER));
	xfer(req);
	CU_ASSERT_EQUAL(OUT_LEN, 0);
}

#include "test_whep_timeouts.inc"

#include "test_whep_api.inc"
#include "test_whep_node.inc"
#include "test_whep_browser.inc"

int main(void)
{
	if (CU_initialize_registry() != CUE_SUCCESS)
		return 1;
	sg_log_level_set(SG_LOG_ERR);
	CU_pSuite s = CU_add_suite("whep", NULL, NULL);
	CU_add_test(s, "GET page/HEAD/404/favicon", t_basic_get);
	CU_add_test(s, "index, redirect, targets", t_index_redirect);
	CU_add_test(s, "methods, counters, names", t_methods);
	CU_add_test(s, "parse errors close", t_parse_errors);
	CU_add_test(s, "limits 414/431", t_limits);
	CU_add_test(s, "10 MB POST -> 413, bounded", t_huge_body);
	CU_add_test(s, "chunked bodies", t_chunked);
	CU_add_test(s, "byte-by-byte", t_bytewise);
	CU_add_test(s, "pipelining, backpressure", t_pipeline);
	CU_add_test(s, "keep-alive / HTTP/1.0", t_keepalive);
	CU_add_test(s, "Expect: 100-continue", t_expect_continue);
	CU_add_test(s, "timeouts", t_timeouts);
	CU_add_test(s, "server args, helpers", t_server_args);
	whep_api_tests(s);
	CU_add_test(s, "node fetch over TCP (real client)", t_node_fetch);
	CU_add_test(s, "player page in headless Chromium", t_browser_page);
	CU_basic_set_mode(CU_BRM_VERBOSE);
	CU_basic_run_tests();
	unsigned fails = CU_get_number_of_failures();
	CU_cleanup_registry();
	sg_whep_conn_free(C);
	sg_whep_server_free(S);
	return fails ? 1 : 0;
}
