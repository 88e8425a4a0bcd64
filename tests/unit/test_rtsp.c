/* SPDX-License-Identifier: BSD-3-Clause
 * lib/rtsp unit tests: parser, URL, auth (RFC vectors), client and server engines.
 * Camera answers below are written the way GStreamer's rtsp-server, Hikvision
 * firmware and live555 answer (CSeq echo, Session with timeout, Transport
 * with ssrc, RTP-Info with url/seq/rtptime); the pushed requests are the way
 * ffmpeg (libavformat rtspenc) sends them.
 */
#include <CUnit/Basic.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/evp.h>

#include "sg_common.h"
#include "sg_rtsp.h"

#define S(x) ((const uint8_t *)(x))
#define SEC 1000000000ull

/* ======================================================================== */
/* Parser                                                                    */
/* ======================================================================== */

/* Serialise every event of feeding `in` in chunks of `chunk` (0 = one shot). */
static int parse_dump(const uint8_t *in, size_t n, size_t chunk, char *out, size_t outlen, int *nev)
{
	struct sg_rtsp_parser *p = sg_rtsp_parser_new(0);
	struct sg_rtsp_event ev;
	size_t off = 0, o = 0;
	int r = 0;
	*nev = 0;
	out[0] = '\0';
	while (off < n) {
		size_t len = chunk ? SG_MIN(chunk, n - off) : n - off;
		const uint8_t *b = in + off;
		while (len) {
			size_t used;
			r = sg_rtsp_parser_feed(p, b, len, &used, &ev);
			if (r < 0)
				goto out;
			b += used;
			len -= used;
			off += used;
			if (!r)
				break;
			(*nev)++;
			if (ev.type == SG_RTSP_EV_FRAME) {
				sg_bprintf(out, outlen, &o, "[F ch=%u len=%u %.*s]", ev.frame.channel, ev.frame.len,
					   (int)ev.frame.len, (const char *)ev.frame.data);
				continue;
			}
			const struct sg_rtsp_msg *m = &ev.msg;
			if (m->is_response)
				sg_bprintf(out, outlen, &o, "[R %d.%d %d '%s'", m->ver_major, m->ver_minor,
					   m->status, m->reason);
			else
				sg_bprintf(out, outlen, &o, "[Q %s %s %d.%d", m->method_str, m->uri,
					   m->ver_major, m->ver_minor);
			for (unsigned i = 0; i < m->n_hdrs; i++)
				sg_bprintf(out, outlen, &o, " {%s=%s}", m->hdrs[i].name, m->hdrs[i].value);
			sg_bprintf(out, outlen, &o, " body=%zu:%.*s]", m->body_len, (int)m->body_len,
				   m->body ? (const char *)m->body : "");
		}
	}
	r = 0;
out:
	sg_rtsp_parser_free(p);
	return r;
}

static const char stream1[] =
	"\r\n"
	"OPTIONS rtsp://cam/live RTSP/1.0\r\nCSeq: 1\r\nUser-Agent: x\r\n\r\n"
	"$\x00\x00\x05RTP01"
	"RTSP/1.0 200 OK\r\nCSeq: 2\r\nContent-Type: application/sdp\r\nContent-Length: 10\r\n\r\nv=0\r\ns=x\r\n"
	"$\x01\x00\x03" "abc"
	"rtsp/1.0 401\nCSeq:3\nWWW-Authenticate: Digest realm=\"r\",\n\t nonce=\"n\"\n  \n\n"
	"$\x02\x00\x01Z"
	"SET_PARAMETER rtsp://cam/live  RTSP/1.0 \r\nCSeq :  4  \r\nContent-length: 3\r\n\r\nabc";

static void t_parser_chunking(void)
{
	static char one[8192], other[8192];
	int n1, n2;
	size_t len = sizeof(stream1) - 1;
	CU_ASSERT_EQUAL_FATAL(parse_dump(S(stream1), len, 0, one, sizeof(one), &n1), 0);
	CU_ASSERT_EQUAL(n1, 7);
	CU_ASSERT_PTR_NOT_NULL(strstr(one, "[Q OPTIONS rtsp://cam/live 1.0 {CSeq=1} {User-Agent=x} body=0:]"));
	CU_ASSERT_PTR_NOT_NULL(strstr(one, "[F ch=0 len=5 RTP01]"));
	CU_ASSERT_PTR_NOT_NULL(strstr(one, "body=10:v=0\r\ns=x\r\n]"));
	/* odd-case version, LF only, missing reason, folded header joined with one space */
	CU_ASSERT_PTR_NOT_NULL(strstr(one, "[R 1.0 401 '' {CSeq=3} {WWW-Authenticate=Digest realm=\"r\", nonce=\"n\"} body=0:]"));
	CU_ASSERT_PTR_NOT_NULL(strstr(one, "[F ch=2 len=1 Z]"));
	CU_ASSERT_PTR_NOT_NULL(strstr(one, "[Q SET_PARAMETER rtsp://cam/live 1.0 {CSeq=4} {Content-length=3} body=3:abc]"));
	for (size_t chunk = 1; chunk <= 9; chunk++) {
		CU_ASSERT_EQUAL(parse_dump(S(stream1), len, chunk, other, sizeof(other), &n2), 0);
		CU_ASSERT_EQUAL(n2, n1);
		CU_ASSERT_STRING_EQUAL(other, one);
	}
}

static void t_parser_lookup(void)
{
	static const char m[] = "RTSP/1.0 200 OK\r\ncseq: 7\r\nsession: abc;timeout=30\r\n"
				"WWW-Authenticate: Basic realm=\"a\"\r\nWWW-Authenticate: Digest nonce=\"b\"\r\n\r\n";
	struct sg_rtsp_parser *p = sg_rtsp_parser_new(0);
	struct sg_rtsp_event ev;
	size_t used;
	CU_ASSERT_EQUAL_FATAL(sg_rtsp_parser_feed(p, S(m), sizeof(m) - 1, &used, &ev), 1);
	CU_ASSERT_EQUAL(used, sizeof(m) - 1);
	CU_ASSERT_EQUAL(sg_rtsp_msg_cseq(&ev.msg), 7);
	CU_ASSERT_STRING_EQUAL(sg_rtsp_msg_header(&ev.msg, "SESSION"), "abc;timeout=30");
	CU_ASSERT_STRING_EQUAL(sg_rtsp_msg_header_n(&ev.msg, "www-authenticate", 1), "Digest nonce=\"b\"");
	CU_ASSERT_PTR_NULL(sg_rtsp_msg_header_n(&ev.msg, "www-authenticate", 2));
	CU_ASSERT_PTR_NULL(sg_rtsp_msg_header(&ev.msg, "Transport"));
	sg_rtsp_parser_free(p);
}

struct err_case {
	const char *in;
	size_t len; /* 0: strlen */
	int err;
	const char *msg;
};

static void t_parser_errors(void)
{
	static char big[SG_RTSP_MAX_HEADER_BLOCK + 64], many[4096];
	size_t o = 0;
	memset(big, 0, sizeof(big));
	sg_bprintf(big, sizeof(big), &o, "OPTIONS * RTSP/1.0\r\nX: ");
	memset(big + o, 'a', sizeof(big) - o - 1);
	o = 0;
	sg_bprintf(many, sizeof(many), &o, "OPTIONS * RTSP/1.0\r\n");
	for (int i = 0; i < 65; i++)
		sg_bprintf(many, sizeof(many), &o, "X-%d: v\r\n", i);
	sg_bprintf(many, sizeof(many), &o, "\r\n");
	const struct err_case cases[] = {
		{"\x80\x01garbage", 0, -EBADMSG, "garbage before message"},
		{"12 OPTIONS", 0, -EBADMSG, "garbage before message"},
		{big, 0, -E2BIG, "header block exceeds 16384 bytes"},
		{many, 0, -E2BIG, "too many headers (max 64)"},
		{"RTSP/1.0 2000 OK\r\n\r\n", 0, -EBADMSG, "malformed status line"},
		{"RTSP/x.0 200 OK\r\n\r\n", 0, -EBADMSG, "malformed status line"},
		{"OPTIONS *\r\n\r\n", 0, -EBADMSG, "malformed request line"},
		{"OPTIONS * HTTP/1.1\r\n\r\n", 0, -EBADMSG, "malformed request line"},
		{"OPTIONS * RTSP/1.0\r\nNoColon\r\n\r\n", 0, -EBADMSG, "malformed header line"},
		{"OPTIONS * RTSP/1.0\r\n: empty\r\n\r\n", 0, -EBADMSG, "malformed header line"},
		{"OPTIONS * RTSP/1.0\r\nContent-Length: 12a\r\n\r\n", 0, -EBADMSG, "invalid Content-Length"},
		{"OPTIONS * RTSP/1.0\r\nContent-Length: -1\r\n\r\n", 0, -EBADMSG, "invalid Content-Length"},
		{"OPTIONS * RTSP/1.0\r\nContent-Length: 2\r\nContent-Length: 3\r\n\r\nabc", 0, -EBADMSG,
		 "conflicting Content-Length"},
		{"OPTIONS * RTSP/1.0\r\nContent-Length: 1048577\r\n\r\n", 0, -E2BIG,
		 "Content-Length exceeds 1048576 bytes"},
		{"OPTIONS * RTSP/1.0\r\nContent-Length: 99999999999999999999999\r\n\r\n", 0, -E2BIG,
		 "Content-Length exceeds 1048576 bytes"},
		{"$\x00\x00\x00", 4, -EBADMSG, "interleaved frame of length 0"},
		{"OPTIONS * RTSP/1.0\r\nX: a\0b\r\n\r\n", 30, -EBADMSG, "NUL byte in header block"},
	};
	for (unsigned i = 0; i < SG_ARRAY_SIZE(cases); i++) {
		for (int bytewise = 0; bytewise < 2; bytewise++) {
			struct sg_rtsp_parser *p = sg_rtsp_parser_new(0);
			struct sg_rtsp_event ev;
			size_t len = cases[i].len ? cases[i].len : strlen(cases[i].in), off = 0, used;
			int r = 0;
			while (off < len) {
				r = sg_rtsp_parser_feed(p, S(cases[i].in) + off, bytewise ? 1 : len - off, &used, &ev);
				if (r < 0)
					break;
				off += used;
			}
			CU_ASSERT_EQUAL(r, cases[i].err);
			CU_ASSERT_STRING_EQUAL(sg_rtsp_parser_error(p), cases[i].msg);
			if (r != cases[i].err || strcmp(sg_rtsp_parser_error(p), cases[i].msg))
				fprintf(stderr, "case %u (bytewise %d): %d '%s'\n", i, bytewise, r, sg_rtsp_parser_error(p));
			CU_ASSERT_TRUE(sg_rtsp_parser_must_close(p));
			/* sticky: the connection is to be closed */
			CU_ASSERT_EQUAL(sg_rtsp_parser_feed(p, S("OPTIONS * RTSP/1.0\r\n\r\n"), 22, &used, &ev), r);
			sg_rtsp_parser_free(p);
		}
	}
	/* frame larger than the configured bound */
	struct sg_rtsp_parser *p = sg_rtsp_parser_new(1500);
	struct sg_rtsp_event ev;
	size_t used;
	CU_ASSERT_EQUAL(sg_rtsp_parser_feed(p, S("$\x00\x05\xdd"), 4, &used, &ev), -E2BIG);
	CU_ASSERT_STRING_EQUAL(sg_rtsp_parser_error(p), "interleaved frame of 1501 bytes exceeds 1500");
	sg_rtsp_parser_free(p);
	CU_ASSERT_PTR_NULL(sg_rtsp_parser_new(70000));
	/* max size frame is fine, and a duplicated but equal Content-Length too */
	static uint8_t fr[4 + 65535];
	sg_rtsp_interleaved_hdr(fr, 9, 65535);
	int n;
	static char dump[70000 + 64];
	CU_ASSERT_EQUAL(parse_dump(fr, sizeof(fr), 1000, dump, sizeof(dump), &n), 0);
	CU_ASSERT_EQUAL(n, 1);
	CU_ASSERT_EQUAL(strncmp(dump, "[F ch=9 len=65535", 17), 0);
	static const char dup[] = "OPTIONS * RTSP/1.0\r\nContent-Length: 2\r\nContent-Length:2\r\n\r\nab";
	CU_ASSERT_EQUAL(parse_dump(S(dup), sizeof(dup) - 1, 0, dump, sizeof(dump), &n), 0);
	CU_ASSERT_EQUAL(n, 1);
}

static void t_headers(void)
{
	struct sg_rtsp_transport t;
	char b[256];
	CU_ASSERT_EQUAL(sg_rtsp_transport_parse("RTP/AVP/TCP;unicast;interleaved=2-3;ssrc=5B8A1C42;mode=\"PLAY\"", &t), 0);
	CU_ASSERT_EQUAL(t.lower, SG_RTSP_LOWER_TCP);
	CU_ASSERT_TRUE(t.has_interleaved && t.interleaved[0] == 2 && t.interleaved[1] == 3);
	CU_ASSERT_TRUE(t.has_ssrc && t.ssrc == 0x5B8A1C42);
	CU_ASSERT_FALSE(t.record);
	CU_ASSERT_EQUAL(sg_rtsp_transport_parse("RTP/AVP;unicast;client_port=50000-50001;server_port=6970-6971;"
						"ssrc=0f1e2d3c;source=192.168.1.64;mode=record", &t), 0);
	CU_ASSERT_EQUAL(t.lower, SG_RTSP_LOWER_UDP);
	CU_ASSERT_TRUE(t.server_port[0] == 6970 && t.server_port[1] == 6971 && t.client_port[0] == 50000);
	CU_ASSERT_STRING_EQUAL(t.source, "192.168.1.64");
	CU_ASSERT_TRUE(t.record);
	CU_ASSERT_EQUAL(sg_rtsp_transport_format(&t, b, sizeof(b)), 0);
	CU_ASSERT_STRING_EQUAL(b, "RTP/AVP;unicast;client_port=50000-50001;server_port=6970-6971;ssrc=0F1E2D3C;mode=record");
	/* list: first unsupported, second fine */
	CU_ASSERT_EQUAL(sg_rtsp_transport_parse("RAW/RAW/UDP;unicast, RTP/AVP/UDP;unicast;client_port=4000", &t), 0);
	CU_ASSERT_TRUE(t.client_port[0] == 4000 && t.client_port[1] == 4001);
	CU_ASSERT_EQUAL(sg_rtsp_transport_parse("RAW/RAW/UDP;unicast", &t), -EPROTONOSUPPORT);
	CU_ASSERT_EQUAL(sg_rtsp_transport_parse("RTP/AVP/TCP;interleaved=300-301", &t), -EINVAL);
	CU_ASSERT_EQUAL(sg_rtsp_transport_parse("RTP/AVP;client_port=70000-70001", &t), -EINVAL);

	char id[64];
	unsigned to;
	CU_ASSERT_EQUAL(sg_rtsp_session_parse("Zq8sV1fQ2mYw9Rk4;timeout=60", id, sizeof(id), &to), 0);
	CU_ASSERT_STRING_EQUAL(id, "Zq8sV1fQ2mYw9Rk4");
	CU_ASSERT_EQUAL(to, 60);
	CU_ASSERT_EQUAL(sg_rtsp_session_parse("1173594658", id, sizeof(id), &to), 0);
	CU_ASSERT_EQUAL(to, 0);
	CU_ASSERT_EQUAL(sg_rtsp_session_parse("abc;timeout=x", id, sizeof(id), &to), -EINVAL);
	CU_ASSERT_EQUAL(sg_rtsp_session_parse("", id, sizeof(id), &to), -EINVAL);

	struct sg_rtsp_rtpinfo ri[4];
	int n = sg_rtsp_rtpinfo_parse("url=rtsp://10.0.0.5/test/stream=0;seq=27136;rtptime=3613925316, "
				      "url=rtsp://10.0.0.5/cgi?a=1,b=2/stream=1;seq=11470;rtptime=1874621057", ri, 4);
	CU_ASSERT_EQUAL_FATAL(n, 2);
	CU_ASSERT_STRING_EQUAL(ri[0].url, "rtsp://10.0.0.5/test/stream=0");
	CU_ASSERT_TRUE(ri[0].has_seq && ri[0].seq == 27136 && ri[0].rtptime == 3613925316u);
	CU_ASSERT_STRING_EQUAL(ri[1].url, "rtsp://10.0.0.5/cgi?a=1,b=2/stream=1");
	CU_ASSERT_TRUE(ri[1].seq == 11470 && ri[1].rtptime == 1874621057u);
	CU_ASSERT_EQUAL(sg_rtsp_rtpinfo_parse("url=x;seq=70000", ri, 4), -EINVAL);
	CU_ASSERT_STRING_EQUAL(sg_rtsp_status_reason(454), "Session Not Found");
	CU_ASSERT_EQUAL(sg_rtsp_method_parse("GET_PARAMETER"), SG_RTSP_M_GET_PARAMETER);
	CU_ASSERT_EQUAL(sg_rtsp_method_parse("options"), SG_RTSP_M_UNKNOWN);
}

/* ======================================================================== */
/* URL                                                                       */
/* ======================================================================== */
static void t_url(void)
{
	struct sg_rtsp_url u;
	char b[512];
	CU_ASSERT_EQUAL(sg_rtsp_url_parse("rtsp://admin:p%40ss%3Aw@192.168.1.64:8554/Streaming/Channels/101?transportmode=unicast", &u), 0);
	CU_ASSERT_STRING_EQUAL(u.user, "admin");
	CU_ASSERT_STRING_EQUAL(u.pass, "p@ss:w");
	CU_ASSERT_STRING_EQUAL(u.host, "192.168.1.64");
	CU_ASSERT_EQUAL(u.port, 8554);
	CU_ASSERT_STRING_EQUAL(u.path, "/Streaming/Channels/101?transportmode=unicast");
	CU_ASSERT_EQUAL(sg_rtsp_url_format(&u, b, sizeof(b)), 0);
	CU_ASSERT_STRING_EQUAL(b, "rtsp://192.168.1.64:8554/Streaming/Channels/101?transportmode=unicast");
	CU_ASSERT_EQUAL(sg_rtsp_url_parse("rtsps://[fe80::1:2]/live", &u), 0);
	CU_ASSERT_TRUE(u.tls && u.ipv6 && !u.has_user);
	CU_ASSERT_STRING_EQUAL(u.host, "fe80::1:2");
	CU_ASSERT_EQUAL(u.port, 322);
	CU_ASSERT_EQUAL(sg_rtsp_url_format(&u, b, sizeof(b)), 0);
	CU_ASSERT_STRING_EQUAL(b, "rtsps://[fe80::1:2]/live");
	CU_ASSERT_EQUAL(sg_rtsp_url_parse("RTSP://[::1]:10554", &u), 0);
	CU_ASSERT_TRUE(u.port == 10554 && !strcmp(u.path, "/"));
	CU_ASSERT_EQUAL(sg_rtsp_url_parse("rtsp://cam.local", &u), 0);
	CU_ASSERT_EQUAL(u.port, 554);
	CU_ASSERT_EQUAL(sg_rtsp_url_parse("rtsp://u@cam/x", &u), 0);
	CU_ASSERT_TRUE(u.has_user && !strcmp(u.user, "u") && !u.pass[0]);
	/* passwords with a raw '@' are split at the last '@' */
	CU_ASSERT_EQUAL(sg_rtsp_url_parse("rtsp://u:a@b@cam/x", &u), 0);
	CU_ASSERT_STRING_EQUAL(u.pass, "a@b");
	CU_ASSERT_STRING_EQUAL(u.host, "cam");
	const char *bad[] = {"http://cam/", "rtsp://", "rtsp://cam:0/", "rtsp://cam:65536/", "rtsp://cam:12a/",
			     "rtsp://[fe80::1/", "rtsp://u:%zz@cam/", "rtsp://u:%4@cam/", "rtsp://ca m/",
			     "rtsp://u:%00@cam/", "rtsp://[]/", "rtsp://@/"};
	for (unsigned i = 0; i < SG_ARRAY_SIZE(bad); i++) {
		CU_ASSERT_EQUAL(sg_rtsp_url_parse(bad[i], &u), -EINVAL);
		CU_ASSERT_EQUAL(u.pass[0], 0);
	}
	char longu[600];
	memset(longu, 'a', sizeof(longu));
	memcpy(longu, "rtsp://", 7);
	longu[sizeof(longu) - 1] = '\0';
	CU_ASSERT_EQUAL(sg_rtsp_url_parse(longu, &u), -ENAMETOOLONG);

	CU_ASSERT_EQUAL(sg_rtsp_url_redact("rtsp://admin:hunter2@10.0.0.1:554/live?x=@", b, sizeof(b)), 0);
	CU_ASSERT_STRING_EQUAL(b, "rtsp://10.0.0.1:554/live?x=@");
	CU_ASSERT_EQUAL(sg_rtsp_url_redact("rtsp://10.0.0.1/live", b, sizeof(b)), 0);
	CU_ASSERT_STRING_EQUAL(b, "rtsp://10.0.0.1/live");
	CU_ASSERT_EQUAL(sg_rtsp_url_redact("rtsp://u:p@cam", b, 8), -ENOSPC);

	CU_ASSERT_EQUAL(sg_rtsp_url_resolve("rtsp://10.0.0.5:8554/test/", "stream=0", b, sizeof(b)), 0);
	CU_ASSERT_STRING_EQUAL(b, "rtsp://10.0.0.5:8554/test/stream=0");
	CU_ASSERT_EQUAL(sg_rtsp_url_resolve("rtsp://cam/cam/realmonitor?channel=1&subtype=0", "trackID=0", b, sizeof(b)), 0);
	CU_ASSERT_STRING_EQUAL(b, "rtsp://cam/cam/realmonitor?channel=1&subtype=0/trackID=0");
	CU_ASSERT_EQUAL(sg_rtsp_url_resolve("rtsp://cam/a", "rtsp://other/b/track1", b, sizeof(b)), 0);
	CU_ASSERT_STRING_EQUAL(b, "rtsp://other/b/track1");
	CU_ASSERT_EQUAL(sg_rtsp_url_resolve("rtsp://cam:1/a/b", "/x/y", b, sizeof(b)), 0);
	CU_ASSERT_STRING_EQUAL(b, "rtsp://cam:1/x/y");
	CU_ASSERT_EQUAL(sg_rtsp_url_resolve("rtsp://cam/a", "*", b, sizeof(b)), 0);
	CU_ASSERT_STRING_EQUAL(b, "rtsp://cam/a");
}

/* ======================================================================== */
/* Auth                                                                      */
/* ======================================================================== */
static void t_auth_vectors(void)
{
	FILE *f = fopen(SG_TEST_VECTORS "/rtsp_digest.txt", "r");
	CU_ASSERT_PTR_NOT_NULL_FATAL(f);
	char line[512], chal[512] = "", user[64] = "", pass[64] = "", method[16] = "", uri[128] = "";
	char cnonce[128] = "", resp[80] = "", name[64] = "";
	unsigned nc = 0, done = 0;
	for (;;) {
		char *l = fgets(line, sizeof(line), f);
		if (l)
			line[strcspn(line, "\r\n")] = '\0';
		if (!l || !line[0]) {
			if (resp[0]) {
				struct sg_rtsp_auth_challenge c;
				char out[1024], want[100];
				CU_ASSERT_EQUAL_FATAL(sg_rtsp_auth_challenge_parse(chal, &c), 0);
				CU_ASSERT_EQUAL(sg_rtsp_auth_build(&c, user, pass, method, uri, nc, cnonce, out, sizeof(out)), 0);
				snprintf(want, sizeof(want), "response=\"%s\"", resp);
				if (!strstr(out, want))
					fprintf(stderr, "%s: %s\n", name, out);
				CU_ASSERT_PTR_NOT_NULL(strstr(out, want));
				CU_ASSERT_PTR_NOT_NULL(strstr(out, "qop=auth, nc=00000001"));
				CU_ASSERT_PTR_NOT_NULL(strstr(out, "opaque=\""));
				/* the server side agrees with the same vector */
				struct sg_rtsp_authz a;
				CU_ASSERT_EQUAL(sg_rtsp_authz_parse(out, &a), 0);
				CU_ASSERT_STRING_EQUAL(a.response, resp);
				CU_ASSERT_STRING_EQUAL(a.cnonce, cnonce);
				done++;
				resp[0] = '\0';
			}
			if (!l)
				break;
			continue;
		}
		if (line[0] == '#')
			continue;
		char *eq = strchr(line, '=');
		CU_ASSERT_PTR_NOT_NULL_FATAL(eq);
		*eq = '\0';
		const char *v = eq + 1;
#define KV(k, dst) else if (!strcmp(line, k)) sg_strlcpy(dst, v, sizeof(dst))
		if (0) {}
		KV("name", name); KV("challenge", chal); KV("username", user); KV("password", pass);
		KV("method", method); KV("uri", uri); KV("cnonce", cnonce); KV("response", resp);
		else if (!strcmp(line, "nc")) nc = (unsigned)atoi(v);
#undef KV
	}
	fclose(f);
	CU_ASSERT_EQUAL(done, 3);
}

static void t_auth_client(void)
{
	struct sg_rtsp_auth_challenge c;
	char out[512];
	CU_ASSERT_EQUAL(sg_rtsp_auth_challenge_parse("Basic realm=\"IP Camera(C3216)\"", &c), 0);
	CU_ASSERT_EQUAL(c.scheme, SG_RTSP_AUTH_BASIC);
	CU_ASSERT_STRING_EQUAL(c.realm, "IP Camera(C3216)");
	/* RFC 7617 §2 example: Aladdin / open sesame */
	CU_ASSERT_EQUAL(sg_rtsp_auth_build(&c, "Aladdin", "open sesame", "DESCRIBE", "rtsp://x/", 1, NULL, out, sizeof(out)), 0);
	CU_ASSERT_STRING_EQUAL(out, "Basic QWxhZGRpbjpvcGVuIHNlc2FtZQ==");
	CU_ASSERT_EQUAL(sg_rtsp_auth_challenge_parse("Digest realm=\"r\", nonce=\"n\", algorithm=SHA-512-256", &c), -EPROTONOSUPPORT);
	CU_ASSERT_EQUAL(sg_rtsp_auth_challenge_parse("Digest realm=\"r\", nonce=\"n\", qop=\"auth-int\"", &c), -EPROTONOSUPPORT);
	CU_ASSERT_EQUAL(sg_rtsp_auth_challenge_parse("Digest realm=\"r\"", &c), -EINVAL);
	CU_ASSERT_EQUAL(sg_rtsp_auth_challenge_parse("Digest realm=\"r, nonce=x", &c), -EINVAL);
	CU_ASSERT_EQUAL(sg_rtsp_auth_challenge_parse("Negotiate abc", &c), -EPROTONOSUPPORT);
	CU_ASSERT_EQUAL(sg_rtsp_auth_challenge_parse("Digest realm=\"r\", nonce=\"n\", stale=TRUE, algorithm=MD5-sess, qop=auth", &c), 0);
	CU_ASSERT_TRUE(c.stale && c.qop_auth && c.alg == SG_RTSP_DIGEST_MD5_SESS);
	/* RFC 2069 style (no qop): H(HA1:nonce:HA2), random cnonce not sent */
	CU_ASSERT_EQUAL(sg_rtsp_auth_challenge_parse("Digest realm=\"LIVE555 Streaming Media\", nonce=\"a1b2\"", &c), 0);
	CU_ASSERT_EQUAL(sg_rtsp_auth_build(&c, "u", "p", "DESCRIBE", "rtsp://h/s", 1, NULL, out, sizeof(out)), 0);
	CU_ASSERT_PTR_NULL(strstr(out, "cnonce"));
	CU_ASSERT_PTR_NULL(strstr(out, "p\""));
	/* a quote in the user name is escaped */
	CU_ASSERT_EQUAL(sg_rtsp_auth_build(&c, "a\"b", "p", "DESCRIBE", "rtsp://h/s", 1, NULL, out, sizeof(out)), 0);
	CU_ASSERT_PTR_NOT_NULL(strstr(out, "username=\"a\\\"b\""));
	struct sg_rtsp_authz a;
	CU_ASSERT_EQUAL(sg_rtsp_authz_parse(out, &a), 0);
	CU_ASSERT_STRING_EQUAL(a.username, "a\"b");
	CU_ASSERT_EQUAL(sg_rtsp_auth_build(&c, "u", "p", "DESCRIBE", "rtsp://h/s", 1, NULL, out, 40), -ENOSPC);
}

static void t_auth_server(void)
{
	static const uint8_t key[] = "server secret";
	struct sg_rtsp_auth_server *s = sg_rtsp_auth_server_new("streamgate", key, sizeof(key), 30,
								SG_RTSP_DIGEST_MD5, false);
	struct sg_rtsp_auth_challenge c;
	char ch[256], az[1024];
	uint64_t t0 = 5 * SEC;
	CU_ASSERT_PTR_NOT_NULL_FATAL(s);
	CU_ASSERT_EQUAL(sg_rtsp_auth_server_challenge(s, t0, false, ch, sizeof(ch)), 0);
	CU_ASSERT_EQUAL(sg_rtsp_auth_challenge_parse(ch, &c), 0);
	CU_ASSERT_STRING_EQUAL(c.realm, "streamgate");
	CU_ASSERT_FALSE(c.stale);
	CU_ASSERT_EQUAL(sg_rtsp_auth_build(&c, "cam", "pw", "ANNOUNCE", "rtsp://h/live", 1, NULL, az, sizeof(az)), 0);
	CU_ASSERT_EQUAL(sg_rtsp_auth_server_verify(s, az, "ANNOUNCE", "cam", "pw", t0 + SEC), 0);
	CU_ASSERT_EQUAL(sg_rtsp_auth_server_verify(s, az, "ANNOUNCE", "cam", "pW", t0 + SEC), -EACCES);
	CU_ASSERT_EQUAL(sg_rtsp_auth_server_verify(s, az, "ANNOUNCE", "cab", "pw", t0 + SEC), -EACCES);
	CU_ASSERT_EQUAL(sg_rtsp_auth_server_verify(s, az, "RECORD", "cam", "pw", t0 + SEC), -EACCES);
	/* stale: right password, old nonce */
	CU_ASSERT_EQUAL(sg_rtsp_auth_server_verify(s, az, "ANNOUNCE", "cam", "pw", t0 + 31 * SEC), -ESTALE);
	/* wrong password stays a plain failure even when stale */
	CU_ASSERT_EQUAL(sg_rtsp_auth_server_verify(s, az, "ANNOUNCE", "cam", "x", t0 + 31 * SEC), -EACCES);
	CU_ASSERT_EQUAL(sg_rtsp_auth_server_challenge(s, t0, true, ch, sizeof(ch)), 0);
	CU_ASSERT_PTR_NOT_NULL(strstr(ch, "stale=true"));
	/* forged nonce: another server's secret */
	struct sg_rtsp_auth_server *o = sg_rtsp_auth_server_new("streamgate", S("other"), 5, 30, SG_RTSP_DIGEST_MD5, false);
	CU_ASSERT_EQUAL(sg_rtsp_auth_server_challenge(o, t0, false, ch, sizeof(ch)), 0);
	CU_ASSERT_EQUAL(sg_rtsp_auth_challenge_parse(ch, &c), 0);
	CU_ASSERT_EQUAL(sg_rtsp_auth_build(&c, "cam", "pw", "ANNOUNCE", "rtsp://h/live", 1, NULL, az, sizeof(az)), 0);
	CU_ASSERT_EQUAL(sg_rtsp_auth_server_verify(s, az, "ANNOUNCE", "cam", "pw", t0 + SEC), -EACCES);
	/* Basic refused unless allowed */
	CU_ASSERT_EQUAL(sg_rtsp_auth_server_verify(s, "Basic Y2FtOnB3", "ANNOUNCE", "cam", "pw", t0), -EACCES);
	struct sg_rtsp_auth_server *b = sg_rtsp_auth_server_new("r", NULL, 0, 0, SG_RTSP_DIGEST_SHA256, true);
	CU_ASSERT_EQUAL(sg_rtsp_auth_server_verify(b, "Basic Y2FtOnB3", "ANNOUNCE", "cam", "pw", t0), 0);
	CU_ASSERT_EQUAL(sg_rtsp_auth_server_verify(b, "Basic Y2FtOnB4", "ANNOUNCE", "cam", "pw", t0), -EACCES);
	CU_ASSERT_EQUAL(sg_rtsp_auth_server_verify(b, "Basic !!!!", "ANNOUNCE", "cam", "pw", t0), -EACCES);
	/* SHA-256 server round trip */
	CU_ASSERT_EQUAL(sg_rtsp_auth_server_challenge(b, t0, false, ch, sizeof(ch)), 0);
	CU_ASSERT_PTR_NOT_NULL(strstr(ch, "algorithm=SHA-256"));
	CU_ASSERT_EQUAL(sg_rtsp_auth_challenge_parse(ch, &c), 0);
	CU_ASSERT_EQUAL(sg_rtsp_auth_build(&c, "cam", "pw", "DESCRIBE", "rtsp://h/x", 1, NULL, az, sizeof(az)), 0);
	CU_ASSERT_EQUAL(sg_rtsp_auth_server_verify(b, az, "DESCRIBE", "cam", "pw", t0), 0);
	CU_ASSERT_PTR_NULL(sg_rtsp_auth_server_new("bad\"realm", NULL, 0, 0, SG_RTSP_DIGEST_MD5, false));
	sg_rtsp_auth_server_free(s);
	sg_rtsp_auth_server_free(o);
	sg_rtsp_auth_server_free(b);
}

#include "test_rtsp_engines.inc"

int main(void)
{
	if (CU_initialize_registry() != CUE_SUCCESS)
		return 1;
	CU_pSuite s = CU_add_suite("rtsp", NULL, NULL);
	CU_add_test(s, "parser: byte-by-byte == one-shot, frames", t_parser_chunking);
	CU_add_test(s, "parser: header lookup", t_parser_lookup);
	CU_add_test(s, "parser: errors", t_parser_errors);
	CU_add_test(s, "headers: Transport/Session/RTP-Info", t_headers);
	CU_add_test(s, "url", t_url);
	CU_add_test(s, "auth: RFC 7616/2617 vectors", t_auth_vectors);
	CU_add_test(s, "auth: client", t_auth_client);
	CU_add_test(s, "auth: server", t_auth_server);
	add_engine_tests(s);
	CU_basic_set_mode(CU_BRM_VERBOSE);
	CU_basic_run_tests();
	unsigned fails = CU_get_number_of_failures();
	CU_cleanup_registry();
	return fails ? 1 : 0;
}
