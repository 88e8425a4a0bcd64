/* SPDX-License-Identifier: BSD-3-Clause
 * lib/dtls tests against real peers: an OpenSSL DTLS 1.2 client (the oracle,
 * tests/unit/dtls_test_peer.h) and libsrtp2 for the exported keys.
 */
#include <CUnit/Basic.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <openssl/pem.h>
#include <srtp2/srtp.h>

#include "sg_common.h"
#include "sg_dtls.h"
#include "dtls_test_peer.h"

static struct sg_dtls_cert *g_cert;   /* server cert (lib/dtls generated) */
static struct sg_dtls_ctx *g_ctx;     /* server ctx, default settings */
static struct tp_cert g_ccert;        /* client cert (plain OpenSSL) */
static char g_cfp[256];               /* client fingerprint, sha-256 */
static char g_sfp[SG_DTLS_FINGERPRINT_MAX];

#define ALL_PROFILES "SRTP_AEAD_AES_128_GCM:SRTP_AES128_CM_SHA1_80"

/* One test connection: our server conn + the oracle client. */
struct tc {
	struct tp_client cl;
	struct sg_dtls_conn *conn;
	struct tp_pump_stats st;
};

static bool tc_open(struct tc *t, struct sg_dtls_ctx *ctx, const struct tp_cert *ccert,
		    const char *srtp, const char *fp, uint16_t mtu, int max_version)
{
	memset(t, 0, sizeof(*t));
	if (!tp_client_init(&t->cl, ccert, srtp, mtu ? mtu : 1200, max_version))
		return false;
	sg_strlcpy(t->cl.server_fp, g_sfp, sizeof(t->cl.server_fp));
	t->conn = sg_dtls_conn_create(ctx, fp, mtu);
	if (!t->conn)
		return false;
	tp_client_drive(&t->cl); /* ClientHello */
	return true;
}

static void tc_close(struct tc *t)
{
	sg_dtls_conn_free(t->conn);
	tp_client_free(&t->cl);
}

static bool tc_handshake(struct tc *t, struct sg_dtls_ctx *ctx, const char *srtp)
{
	if (!tc_open(t, ctx, &g_ccert, srtp, g_cfp, 0, 0))
		return false;
	tp_pump(&t->cl, t->conn, NULL, NULL, &t->st);
	if (sg_dtls_conn_state(t->conn) == SG_DTLS_CONNECTED && t->cl.done)
		return true;
	fprintf(stderr, "\nhandshake: server %s (%s), client done=%d failed=%d, c2s=%d s2c=%d\n",
		sg_dtls_state_name(sg_dtls_conn_state(t->conn)), sg_dtls_conn_error(t->conn), t->cl.done,
		t->cl.failed, t->st.c2s, t->st.s2c);
	return false;
}

/* The keys must equal the client's exporter output split the other way round. */
static void check_keys_vs_client(struct tc *t, const struct sg_dtls_srtp_keys *k)
{
	uint8_t km[92];
	size_t kl = k->key_len, sl = k->salt_len;
	CU_ASSERT_FATAL(2 * (kl + sl) <= sizeof(km));
	CU_ASSERT_EQUAL_FATAL(SSL_export_keying_material(t->cl.ssl, km, 2 * (kl + sl),
							 "EXTRACTOR-dtls_srtp", 19, NULL, 0, 0), 1);
	CU_ASSERT(memcmp(k->remote_key, km, kl) == 0);           /* client_write key */
	CU_ASSERT(memcmp(k->local_key, km + kl, kl) == 0);       /* server_write key */
	CU_ASSERT(memcmp(k->remote_salt, km + 2 * kl, sl) == 0); /* client_write salt */
	CU_ASSERT(memcmp(k->local_salt, km + 2 * kl + sl, sl) == 0);
	CU_ASSERT(memcmp(k->local_key, k->remote_key, kl) != 0);
}

/* ------------------------------------------------------------ libsrtp2 */

static bool srtp_session(srtp_t *s, int profile, const uint8_t *key, size_t kl, const uint8_t *salt,
			 size_t sl, bool outbound)
{
	srtp_policy_t p;
	uint8_t mk[64];
	memset(&p, 0, sizeof(p));
	if (srtp_crypto_policy_set_from_profile_for_rtp(&p.rtp, (srtp_profile_t)profile) ||
	    srtp_crypto_policy_set_from_profile_for_rtcp(&p.rtcp, (srtp_profile_t)profile))
		return false;
	memcpy(mk, key, kl); /* libsrtp wants master key || master salt */
	memcpy(mk + kl, salt, sl);
	p.key = mk;
	p.ssrc.type = outbound ? ssrc_any_outbound : ssrc_any_inbound;
	p.window_size = 128;
	return srtp_create(s, &p) == srtp_err_status_ok;
}

static int make_rtp(uint8_t *b, uint16_t seq)
{
	b[0] = 0x80, b[1] = 96, b[2] = (uint8_t)(seq >> 8), b[3] = (uint8_t)seq;
	memset(b + 4, 0x11, 4);                    /* timestamp */
	b[8] = 0xca, b[9] = 0xfe, b[10] = 0, b[11] = 1; /* ssrc */
	for (int i = 0; i < 160; i++)
		b[12 + i] = (uint8_t)(i * 7 + seq);
	return 172;
}

/* protect with tx, unprotect with rx, and a tampered packet must fail. */
static void srtp_roundtrip(srtp_t tx, srtp_t rx, uint16_t seq)
{
	uint8_t ref[256], pkt[256 + SRTP_MAX_TRAILER_LEN];
	int len = make_rtp(ref, seq), plen;
	memcpy(pkt, ref, (size_t)len);
	plen = len;
	CU_ASSERT_EQUAL_FATAL(srtp_protect(tx, pkt, &plen), srtp_err_status_ok);
	CU_ASSERT(plen > len);
	CU_ASSERT(memcmp(pkt + 12, ref + 12, (size_t)len - 12) != 0);
	uint8_t bad[sizeof(pkt)];
	memcpy(bad, pkt, (size_t)plen);
	bad[20] ^= 1;
	int blen = plen;
	CU_ASSERT_NOT_EQUAL(srtp_unprotect(rx, bad, &blen), srtp_err_status_ok);
	CU_ASSERT_EQUAL_FATAL(srtp_unprotect(rx, pkt, &plen), srtp_err_status_ok);
	CU_ASSERT_EQUAL(plen, len);
	CU_ASSERT(memcmp(pkt, ref, (size_t)len) == 0);
}

/* Handshake offering `offer`, expect `want`, check keys and libsrtp2 interop. */
static void handshake_profile(const char *offer, int want)
{
	struct tc t;
	struct sg_dtls_srtp_keys k;
	uint8_t ck[32], cs[14];
	srtp_t cl_tx, cl_rx, sv_tx, sv_rx;
	char desc[128];

	CU_ASSERT_FATAL(tc_handshake(&t, g_ctx, offer));
	CU_ASSERT(t.cl.server_fp_ok); /* client checked our SDP fingerprint string */
	CU_ASSERT_EQUAL(sg_dtls_conn_timeout_ns(t.conn, 5), UINT64_MAX); /* no timer once done */
	CU_ASSERT_EQUAL(sg_dtls_conn_describe(t.conn, desc, sizeof(desc)), 0);
	CU_ASSERT(strncmp(desc, "DTLSv1.2 ", 9) == 0);
	CU_ASSERT(strstr(desc, sg_dtls_srtp_profile_name(want)) != NULL);
	CU_ASSERT_EQUAL_FATAL(sg_dtls_conn_srtp_keys(t.conn, &k), 0);
	CU_ASSERT_EQUAL(k.profile, want);
	CU_ASSERT_EQUAL((int)SSL_get_selected_srtp_profile(t.cl.ssl)->id, want);
	uint8_t kl, sl;
	CU_ASSERT_EQUAL(sg_dtls_srtp_profile_lengths(want, &kl, &sl), 0);
	CU_ASSERT_EQUAL(k.key_len, kl);
	CU_ASSERT_EQUAL(k.salt_len, sl);
	CU_ASSERT_EQUAL(k.salt_len, want >= SG_DTLS_SRTP_AEAD_AES_128_GCM ? 12 : 14);
	check_keys_vs_client(&t, &k);

	/* Client side derives its keys itself from its own exporter output. */
	uint8_t km[92];
	SSL_export_keying_material(t.cl.ssl, km, 2u * (kl + sl), "EXTRACTOR-dtls_srtp", 19, NULL, 0, 0);
	memcpy(ck, km, kl);
	memcpy(cs, km + 2 * kl, sl);
	uint8_t sk[32], ss[14];
	memcpy(sk, km + kl, kl);
	memcpy(ss, km + 2 * kl + sl, sl);
	CU_ASSERT_FATAL(srtp_session(&cl_tx, want, ck, kl, cs, sl, true));
	CU_ASSERT_FATAL(srtp_session(&cl_rx, want, sk, kl, ss, sl, false));
	CU_ASSERT_FATAL(srtp_session(&sv_tx, want, k.local_key, kl, k.local_salt, sl, true));
	CU_ASSERT_FATAL(srtp_session(&sv_rx, want, k.remote_key, kl, k.remote_salt, sl, false));
	for (uint16_t seq = 1; seq < 4; seq++) {
		srtp_roundtrip(sv_tx, cl_rx, seq); /* us -> viewer */
		srtp_roundtrip(cl_tx, sv_rx, seq); /* viewer -> us */
	}
	srtp_dealloc(cl_tx);
	srtp_dealloc(cl_rx);
	srtp_dealloc(sv_tx);
	srtp_dealloc(sv_rx);
	sg_secure_zero(&k, sizeof(k));
	tc_close(&t);
}

static void t_profile_gcm(void)
{
	handshake_profile("SRTP_AEAD_AES_128_GCM:SRTP_AES128_CM_SHA1_80", SG_DTLS_SRTP_AEAD_AES_128_GCM);
}
static void t_profile_cm80(void)
{
	handshake_profile("SRTP_AES128_CM_SHA1_80", SG_DTLS_SRTP_AES128_CM_SHA1_80);
}
static void t_profile_server_pref(void)
{
	/* RFC 5764 §4.1.2 lets the server choose: our preference wins. */
	handshake_profile("SRTP_AES128_CM_SHA1_80:SRTP_AEAD_AES_128_GCM", SG_DTLS_SRTP_AEAD_AES_128_GCM);
}
static void t_profile_others(void)
{
	handshake_profile("SRTP_AES128_CM_SHA1_32:SRTP_AEAD_AES_256_GCM", SG_DTLS_SRTP_AEAD_AES_256_GCM);
	handshake_profile("SRTP_AES128_CM_SHA1_32", SG_DTLS_SRTP_AES128_CM_SHA1_32);
}

/* --------------------------------------------------------------- failures */

static void expect_fail(struct tc *t, const char *reason)
{
	tp_pump(&t->cl, t->conn, NULL, NULL, &t->st);
	CU_ASSERT_EQUAL(sg_dtls_conn_state(t->conn), SG_DTLS_FAILED);
	CU_ASSERT_FALSE(t->cl.done && !t->cl.failed && t->cl.closed);
	if (!strstr(sg_dtls_conn_error(t->conn), reason)) {
		fprintf(stderr, "\nreason: '%s', want '%s'\n", sg_dtls_conn_error(t->conn), reason);
		CU_FAIL("failure reason");
	}
	CU_ASSERT_EQUAL(t->st.in_err, -EPROTO);
	struct sg_dtls_srtp_keys k;
	CU_ASSERT_EQUAL(sg_dtls_conn_srtp_keys(t->conn, &k), -ENOTCONN);
	uint8_t d[] = {22, 0xfe, 0xfd, 0};
	CU_ASSERT_EQUAL(sg_dtls_conn_input(t->conn, d, sizeof(d), 0), -EPIPE);
	CU_ASSERT_EQUAL(sg_dtls_conn_on_timeout(t->conn, 0), -EPIPE);
	CU_ASSERT_EQUAL(sg_dtls_conn_timeout_ns(t->conn, 5), UINT64_MAX);
	tc_close(t);
}

static void t_wrong_fingerprint(void)
{
	struct tc t;
	struct tp_cert other;
	char fp[256];
	CU_ASSERT_FATAL(tp_cert_make(&other, "other", false));
	tp_fingerprint(other.x, EVP_sha256(), "sha-256", false, fp, sizeof(fp));
	CU_ASSERT_FATAL(tc_open(&t, g_ctx, &g_ccert, ALL_PROFILES, fp, 0, 0));
	tp_pump(&t.cl, t.conn, NULL, NULL, &t.st);
	CU_ASSERT(t.cl.failed); /* the client got our bad_certificate alert */
	CU_ASSERT_FALSE(t.cl.done);
	expect_fail(&t, "peer certificate fingerprint does not match the offer");
	tp_cert_free(&other);
}

static void t_no_client_cert(void)
{
	struct tc t;
	CU_ASSERT_FATAL(tc_open(&t, g_ctx, NULL, ALL_PROFILES, g_cfp, 0, 0));
	expect_fail(&t, "peer did not present a certificate");
}

static void t_no_srtp(void)
{
	struct tc t;
	CU_ASSERT_FATAL(tc_open(&t, g_ctx, &g_ccert, NULL, g_cfp, 0, 0));
	expect_fail(&t, "did not offer DTLS-SRTP");

	/* No profile in common: server restricted to AES-256-GCM. */
	struct sg_dtls_ctx *ctx = sg_dtls_ctx_create(g_cert);
	CU_ASSERT_FATAL(ctx != NULL);
	CU_ASSERT_EQUAL(sg_dtls_ctx_set_srtp_profiles(ctx, "SRTP_AEAD_AES_256_GCM"), 0);
	CU_ASSERT_FATAL(tc_open(&t, ctx, &g_ccert, "SRTP_AES128_CM_SHA1_80", g_cfp, 0, 0));
	expect_fail(&t, "no SRTP protection profile we support");
	sg_dtls_ctx_free(ctx);
}

static void t_old_version(void)
{
	struct tc t;
	CU_ASSERT_FATAL(tc_open(&t, g_ctx, &g_ccert, ALL_PROFILES, g_cfp, 0, DTLS1_VERSION));
	expect_fail(&t, "peer does not support DTLS 1.2");
}

/* A well-formed record carrying a Finished before any ClientHello. */
static void t_wrong_state_record(void)
{
	struct sg_dtls_conn *c = sg_dtls_conn_create(g_ctx, g_cfp, 0);
	uint8_t d[13 + 12 + 12] = {22, 0xfe, 0xfd, 0, 0, 0, 0, 0, 0, 0, 0, 0, 24,
				   20, 0, 0, 12, 0, 0, 0, 0, 0, 0, 0, 12};
	uint8_t out[1500];
	CU_ASSERT_FATAL(c != NULL);
	CU_ASSERT_EQUAL(sg_dtls_conn_input(c, d, sizeof(d), 1), -EPROTO);
	CU_ASSERT_EQUAL(sg_dtls_conn_state(c), SG_DTLS_FAILED);
	CU_ASSERT(strstr(sg_dtls_conn_error(c), "unexpected message") != NULL);
	int n = sg_dtls_conn_output(c, out, sizeof(out)); /* our fatal alert */
	CU_ASSERT(n == 13 + 2 && out[0] == 21 && out[13] == 2 && out[14] == 10);
	sg_dtls_conn_free(c);

	/* A fatal alert from the peer (handshake_failure). */
	c = sg_dtls_conn_create(g_ctx, g_cfp, 0);
	uint8_t a[15] = {21, 0xfe, 0xfd, 0, 0, 0, 0, 0, 0, 0, 0, 0, 2, 2, 40};
	CU_ASSERT_EQUAL(sg_dtls_conn_input(c, a, sizeof(a), 1), -EPROTO);
	CU_ASSERT_EQUAL(sg_dtls_conn_state(c), SG_DTLS_FAILED);
	CU_ASSERT(strstr(sg_dtls_conn_error(c), "peer sent fatal alert: handshake failure") != NULL);
	sg_dtls_conn_free(c);
}

/* ------------------------------------------------------- garbage / robust */

static void t_garbage_fresh(void)
{
	struct tc t;
	uint8_t d[1400];
	srand(7);
	CU_ASSERT_FATAL(tc_open(&t, g_ctx, &g_ccert, ALL_PROFILES, g_cfp, 0, 0));
	CU_ASSERT_EQUAL(sg_dtls_conn_input(t.conn, NULL, 3, 0), -EINVAL);
	CU_ASSERT_EQUAL(sg_dtls_conn_input(t.conn, d, 0, 0), -EINVAL);
	d[0] = 0x80; /* RTP, not DTLS (RFC 7983) */
	CU_ASSERT_EQUAL(sg_dtls_conn_input(t.conn, d, 100, 0), -EINVAL);
	static uint8_t big[SG_DTLS_DGRAM_MAX + 1];
	big[0] = 22;
	CU_ASSERT_EQUAL(sg_dtls_conn_input(t.conn, big, sizeof(big), 0), -EMSGSIZE);
	/* Random datagrams that look like DTLS records: the record layer drops
	 * them silently (RFC 6347 §4.1.2.7); state and handshake survive. */
	for (int i = 0; i < 300; i++) {
		size_t len = 1 + (size_t)rand() % sizeof(d);
		for (size_t j = 0; j < len; j++)
			d[j] = (uint8_t)rand();
		d[0] = (uint8_t)(20 + rand() % 44);
		if (i % 3 == 0 && len > 3)
			d[1] = 0xfe, d[2] = 0xfd; /* plausible version */
		int r = sg_dtls_conn_input(t.conn, d, len, 0);
		CU_ASSERT(r == 0 || r == -EPROTO);
		if (r)
			break;
	}
	struct sg_dtls_conn_stats s;
	CU_ASSERT_EQUAL(sg_dtls_conn_stats(t.conn, &s), 0);
	CU_ASSERT_EQUAL(s.rx_not_dtls, 1);
	CU_ASSERT_EQUAL(s.rx_oversize, 1);
	if (sg_dtls_conn_state(t.conn) == SG_DTLS_HANDSHAKING) {
		while (sg_dtls_conn_output(t.conn, d, sizeof(d)) > 0) /* alerts, if any */
			;
		tp_pump(&t.cl, t.conn, NULL, NULL, &t.st);
		CU_ASSERT_EQUAL(sg_dtls_conn_state(t.conn), SG_DTLS_CONNECTED);
	} else {
		CU_ASSERT(sg_dtls_conn_error(t.conn)[0] != '\0');
	}
	tc_close(&t);
}

/* Truncated ClientHello datagram: dropped, the full one then works. */
static void t_truncated(void)
{
	struct tc t;
	uint8_t ch[2000];
	CU_ASSERT_FATAL(tc_open(&t, g_ctx, &g_ccert, ALL_PROFILES, g_cfp, 0, 0));
	int n = tp_client_pop(&t.cl, ch, sizeof(ch));
	CU_ASSERT_FATAL(n > 40);
	for (int cut = 1; cut < n; cut += 7) {
		CU_ASSERT_EQUAL(sg_dtls_conn_input(t.conn, ch, (size_t)cut, 0), 0);
		CU_ASSERT_EQUAL(sg_dtls_conn_state(t.conn), SG_DTLS_HANDSHAKING);
	}
	uint8_t out[1500];
	CU_ASSERT_EQUAL(sg_dtls_conn_output(t.conn, out, sizeof(out)), 0); /* nothing sent */
	CU_ASSERT_EQUAL(sg_dtls_conn_timeout_ns(t.conn, 0), UINT64_MAX);
	struct sg_dtls_conn_stats s;
	sg_dtls_conn_stats(t.conn, &s);
	CU_ASSERT_EQUAL(s.rx_bad_records, (uint64_t)(n + 6) / 7);
	CU_ASSERT_EQUAL(sg_dtls_conn_input(t.conn, ch, (size_t)n, 0), 0);
	tp_pump(&t.cl, t.conn, NULL, NULL, &t.st);
	CU_ASSERT_EQUAL(sg_dtls_conn_state(t.conn), SG_DTLS_CONNECTED);
	tc_close(&t);
}

/* After connect: random records, a replayed ClientHello, app data, close. */
static void t_after_connect(void)
{
	struct tc t;
	uint8_t ch[2000], d[1400];
	CU_ASSERT_FATAL(tc_open(&t, g_ctx, &g_ccert, ALL_PROFILES, g_cfp, 0, 0));
	int chn = tp_client_pop(&t.cl, ch, sizeof(ch));
	CU_ASSERT_FATAL(chn > 0);
	CU_ASSERT_EQUAL(sg_dtls_conn_input(t.conn, ch, (size_t)chn, 0), 0);
	tp_pump(&t.cl, t.conn, NULL, NULL, &t.st);
	CU_ASSERT_FATAL(sg_dtls_conn_state(t.conn) == SG_DTLS_CONNECTED);
	struct sg_dtls_srtp_keys k1, k2;
	CU_ASSERT_EQUAL(sg_dtls_conn_srtp_keys(t.conn, &k1), 0);

	srand(11);
	for (int i = 0; i < 300; i++) {
		size_t len = 1 + (size_t)rand() % sizeof(d);
		for (size_t j = 0; j < len; j++)
			d[j] = (uint8_t)rand();
		d[0] = (uint8_t)(20 + rand() % 4);
		if (len > 5)
			d[1] = 0xfe, d[2] = 0xfd, d[3] = 0, d[4] = (uint8_t)(rand() % 2);
		CU_ASSERT_EQUAL(sg_dtls_conn_input(t.conn, d, len, 0), 0);
	}
	CU_ASSERT_EQUAL(sg_dtls_conn_input(t.conn, ch, (size_t)chn, 0), 0); /* stale ClientHello */
	CU_ASSERT_EQUAL(sg_dtls_conn_state(t.conn), SG_DTLS_CONNECTED);
	tp_pump(&t.cl, t.conn, NULL, NULL, &t.st);
	CU_ASSERT_FALSE(t.cl.failed);
	CU_ASSERT_EQUAL(sg_dtls_conn_srtp_keys(t.conn, &k2), 0);
	CU_ASSERT(memcmp(&k1, &k2, sizeof(k1)) == 0);

	/* Application data (a data channel we do not serve) is dropped, counted. */
	CU_ASSERT_EQUAL(SSL_write(t.cl.ssl, "hello", 5), 5);
	tp_pump(&t.cl, t.conn, NULL, NULL, &t.st);
	struct sg_dtls_conn_stats s;
	sg_dtls_conn_stats(t.conn, &s);
	CU_ASSERT_EQUAL(s.rx_app_dropped, 5);

	/* Peer close_notify -> CLOSED, and we answer with ours. */
	SSL_shutdown(t.cl.ssl);
	tp_pump(&t.cl, t.conn, NULL, NULL, &t.st);
	CU_ASSERT_EQUAL(sg_dtls_conn_state(t.conn), SG_DTLS_CLOSED);
	CU_ASSERT(t.cl.closed);
	CU_ASSERT_EQUAL(sg_dtls_conn_srtp_keys(t.conn, &k2), -ENOTCONN);
	CU_ASSERT_EQUAL(sg_dtls_conn_close(t.conn), -EPIPE);
	tc_close(&t);

	/* Local close sends close_notify to the client. */
	CU_ASSERT_FATAL(tc_handshake(&t, g_ctx, ALL_PROFILES));
	CU_ASSERT_EQUAL(sg_dtls_conn_close(t.conn), 0);
	CU_ASSERT_EQUAL(sg_dtls_conn_state(t.conn), SG_DTLS_CLOSED);
	tp_pump(&t.cl, t.conn, NULL, NULL, &t.st);
	CU_ASSERT(t.cl.closed);
	tc_close(&t);
}

/* ---------------------------------------------------------- loss / timers */

static void t_lost_server_flight(void)
{
	struct sg_dtls_ctx *ctx = sg_dtls_ctx_create(g_cert);
	struct tc t;
	uint8_t b[2000];
	CU_ASSERT_FATAL(ctx != NULL);
	CU_ASSERT_EQUAL(sg_dtls_ctx_set_timer(ctx, 0, 10), -EINVAL);
	CU_ASSERT_EQUAL(sg_dtls_ctx_set_timer(ctx, 10, 100), -EINVAL); /* below OpenSSL's 15 ms */
	CU_ASSERT_EQUAL(sg_dtls_ctx_set_timer(ctx, 50, 10), -EINVAL);
	CU_ASSERT_EQUAL(sg_dtls_ctx_set_timer(ctx, 50, 400), 0);
	CU_ASSERT_FATAL(tc_open(&t, ctx, &g_ccert, ALL_PROFILES, g_cfp, 0, 0));
	int n = tp_client_pop(&t.cl, b, sizeof(b));
	CU_ASSERT_EQUAL(sg_dtls_conn_input(t.conn, b, (size_t)n, sg_now_ns()), 0);
	tp_drain(t.conn); /* first server flight lost */
	struct sg_dtls_conn_stats s;
	uint64_t now = sg_now_ns();
	uint64_t dl = sg_dtls_conn_timeout_ns(t.conn, now);
	CU_ASSERT(dl >= now && dl <= now + 50000000ull);
	CU_ASSERT_EQUAL(sg_dtls_conn_on_timeout(t.conn, now), 0); /* normally not due yet */
	sg_dtls_conn_stats(t.conn, &s);
	if (s.timeouts == 0) /* (a loaded machine may already be past the deadline) */
		CU_ASSERT_EQUAL(sg_dtls_conn_output(t.conn, b, sizeof(b)), 0);
	tp_drain(t.conn);
	tp_sleep_until(sg_dtls_conn_timeout_ns(t.conn, sg_now_ns()) + 1000000);
	CU_ASSERT_EQUAL(sg_dtls_conn_on_timeout(t.conn, sg_now_ns()), 0);
	sg_dtls_conn_stats(t.conn, &s);
	CU_ASSERT(s.timeouts >= 1);
	/* The doubled timer runs again. */
	now = sg_now_ns();
	dl = sg_dtls_conn_timeout_ns(t.conn, now);
	CU_ASSERT(dl >= now && dl <= now + 400000000ull);
	tp_pump(&t.cl, t.conn, NULL, NULL, &t.st); /* retransmitted flight */
	CU_ASSERT_EQUAL(sg_dtls_conn_state(t.conn), SG_DTLS_CONNECTED);
	CU_ASSERT(t.cl.done);
	tc_close(&t);
	sg_dtls_ctx_free(ctx);
}

/* The peer never answers: OpenSSL gives up after 12 timeouts of a flight. */
static void t_give_up(void)
{
	struct sg_dtls_ctx *ctx = sg_dtls_ctx_create(g_cert);
	struct tc t;
	uint8_t b[2000];
	int r = 0, i;
	CU_ASSERT_FATAL(ctx != NULL);
	CU_ASSERT_EQUAL(sg_dtls_ctx_set_timer(ctx, 50, 50), 0);
	CU_ASSERT_FATAL(tc_open(&t, ctx, &g_ccert, ALL_PROFILES, g_cfp, 0, 0));
	int n = tp_client_pop(&t.cl, b, sizeof(b));
	CU_ASSERT_EQUAL(sg_dtls_conn_input(t.conn, b, (size_t)n, sg_now_ns()), 0);
	for (i = 0; i < 40 && r == 0; i++) {
		tp_drain(t.conn);
		tp_sleep_until(sg_dtls_conn_timeout_ns(t.conn, sg_now_ns()) + 500000);
		r = sg_dtls_conn_on_timeout(t.conn, sg_now_ns());
	}
	CU_ASSERT_EQUAL(r, -ETIMEDOUT);
	CU_ASSERT(i >= 12);
	CU_ASSERT_EQUAL(sg_dtls_conn_state(t.conn), SG_DTLS_FAILED);
	CU_ASSERT(strstr(sg_dtls_conn_error(t.conn), "timed out") != NULL);
	tc_close(&t);
	sg_dtls_ctx_free(ctx);
}

/* Default timer (RFC 6347 §4.2.4.1): 1 s. */
static void t_default_timer(void)
{
	struct tc t;
	uint8_t b[2000];
	CU_ASSERT_FATAL(tc_open(&t, g_ctx, &g_ccert, ALL_PROFILES, g_cfp, 0, 0));
	int n = tp_client_pop(&t.cl, b, sizeof(b));
	CU_ASSERT_EQUAL(sg_dtls_conn_input(t.conn, b, (size_t)n, 0), 0);
	uint64_t now = 1000; /* any clock: the deadline is relative to it */
	uint64_t dl = sg_dtls_conn_timeout_ns(t.conn, now);
	CU_ASSERT(dl > now + 500000000ull && dl <= now + 1000000000ull);
	tp_pump(&t.cl, t.conn, NULL, NULL, &t.st);
	CU_ASSERT_EQUAL(sg_dtls_conn_state(t.conn), SG_DTLS_CONNECTED);
	tc_close(&t);
}

/* Lose the client's second flight (Certificate..Finished), then our final
 * flight (CCS, Finished): the client's retransmissions recover both. */
static bool drop_c2s_1(int dir, int idx, void *arg)
{
	int *dropped = arg;
	if (dir == 0 && idx >= 1 && *dropped == 0) /* everything after the ClientHello, once */
		return true;
	return false;
}

static void client_retransmit(struct tc *t)
{
	struct timeval tv;
	CU_ASSERT_FATAL(DTLSv1_get_timeout(t->cl.ssl, &tv) == 1);
	tp_sleep_until(sg_now_ns() + (uint64_t)tv.tv_sec * 1000000000ull + (uint64_t)tv.tv_usec * 1000 +
		    2000000);
	CU_ASSERT(DTLSv1_handle_timeout(t->cl.ssl) > 0);
}

/* The client's timer fires before our flight arrives: its ClientHello
 * retransmission and its next flight leave in one datagram. All records of
 * the datagram must be processed (regression: OpenSSL stopped after the
 * stale ClientHello and waited for the next retransmission). */
static void t_rtx_packed_with_flight(void)
{
	struct tc t;
	uint8_t b[2000];
	CU_ASSERT_FATAL(tc_open(&t, g_ctx, &g_ccert, ALL_PROFILES, g_cfp, 0, 0));
	int n = tp_client_pop(&t.cl, b, sizeof(b));
	CU_ASSERT_EQUAL(sg_dtls_conn_input(t.conn, b, (size_t)n, 0), 0);
	client_retransmit(&t); /* ClientHello again, left queued */
	while ((n = sg_dtls_conn_output(t.conn, b, sizeof(b))) > 0)
		tp_client_push(&t.cl, b, n);
	n = tp_client_pop(&t.cl, b, sizeof(b));
	CU_ASSERT_FATAL(n > 0);
	CU_ASSERT_EQUAL(b[13], 1); /* starts with the stale ClientHello... */
	CU_ASSERT(n > 13 + b[11] * 256 + b[12] + 13); /* ...and carries more records */
	CU_ASSERT_EQUAL(sg_dtls_conn_input(t.conn, b, (size_t)n, 0), 0);
	CU_ASSERT_EQUAL(sg_dtls_conn_state(t.conn), SG_DTLS_CONNECTED);
	tp_pump(&t.cl, t.conn, NULL, NULL, &t.st);
	CU_ASSERT(t.cl.done);
	tc_close(&t);
}

static void t_lost_client_flight(void)
{
	struct tc t;
	int dropped = 0;
	CU_ASSERT_FATAL(tc_open(&t, g_ctx, &g_ccert, ALL_PROFILES, g_cfp, 0, 0));
	tp_pump(&t.cl, t.conn, drop_c2s_1, &dropped, &t.st);
	CU_ASSERT_EQUAL(sg_dtls_conn_state(t.conn), SG_DTLS_HANDSHAKING);
	CU_ASSERT_FALSE(t.cl.done);
	dropped = 1;
	client_retransmit(&t);
	tp_pump(&t.cl, t.conn, drop_c2s_1, &dropped, &t.st);
	CU_ASSERT_EQUAL(sg_dtls_conn_state(t.conn), SG_DTLS_CONNECTED);
	CU_ASSERT(t.cl.done);
	tc_close(&t);
}

static bool drop_s2c_final(int dir, int idx, void *arg)
{
	struct tc *t = arg;
	return dir == 1 && sg_dtls_conn_state(t->conn) == SG_DTLS_CONNECTED && !t->cl.done && idx >= 0 &&
	       t->st.c2s < 100;
}

static void t_lost_final_flight(void)
{
	struct tc t;
	CU_ASSERT_FATAL(tc_open(&t, g_ctx, &g_ccert, ALL_PROFILES, g_cfp, 0, 0));
	tp_pump(&t.cl, t.conn, drop_s2c_final, &t, &t.st);
	CU_ASSERT_EQUAL(sg_dtls_conn_state(t.conn), SG_DTLS_CONNECTED);
	CU_ASSERT_FALSE(t.cl.done);
	t.st.c2s = 1000; /* stop dropping */
	client_retransmit(&t);
	tp_pump(&t.cl, t.conn, NULL, NULL, &t.st);
	CU_ASSERT(t.cl.done);
	CU_ASSERT_FALSE(t.cl.failed);
	tc_close(&t);
}

/* A DTLS 1.3-capable ClientHello (Chromium: legacy_version DTLS 1.2 plus
 * supported_versions {DTLS 1.3, DTLS 1.2}) is answered with a DTLS 1.2
 * ServerHello. The real client's ClientHello is rewritten, so the handshake
 * cannot finish (transcripts differ); we check the ServerHello only. */
static void t_dtls13_offer(void)
{
	struct tc t;
	uint8_t ch[2000], out[1500];
	static const uint8_t sv[] = {0x00, 0x2b, 0x00, 0x05, 0x04, 0xfe, 0xfc, 0xfe, 0xfd};
	CU_ASSERT_FATAL(tc_open(&t, g_ctx, &g_ccert, ALL_PROFILES, g_cfp, 0, 0));
	int n = tp_client_pop(&t.cl, ch, sizeof(ch));
	CU_ASSERT_FATAL(n > 13 + 12 && ch[13] == 1); /* one record, ClientHello */
	size_t body = 13 + 12, p = body + 2 + 32;
	p += 1 + ch[p];                          /* session_id */
	p += 1 + ch[p];                          /* cookie */
	p += 2 + ((size_t)ch[p] << 8 | ch[p + 1]); /* cipher_suites */
	p += 1 + ch[p];                          /* compression_methods */
	size_t ext_len = (size_t)ch[p] << 8 | ch[p + 1];
	CU_ASSERT_FATAL(p + 2 + ext_len == (size_t)n);
	memcpy(ch + n, sv, sizeof(sv));
	ext_len += sizeof(sv);
	ch[p] = (uint8_t)(ext_len >> 8), ch[p + 1] = (uint8_t)ext_len;
	size_t hs_len = (size_t)n + sizeof(sv) - body;
	ch[14] = ch[22] = (uint8_t)(hs_len >> 16); /* length and fragment_length */
	ch[15] = ch[23] = (uint8_t)(hs_len >> 8);
	ch[16] = ch[24] = (uint8_t)hs_len;
	ch[11] = (uint8_t)((hs_len + 12) >> 8), ch[12] = (uint8_t)(hs_len + 12);
	CU_ASSERT_EQUAL(sg_dtls_conn_input(t.conn, ch, (size_t)n + sizeof(sv), 0), 0);
	CU_ASSERT_EQUAL(sg_dtls_conn_state(t.conn), SG_DTLS_HANDSHAKING);
	n = sg_dtls_conn_output(t.conn, out, sizeof(out));
	CU_ASSERT_FATAL(n > 13 + 12 + 2);
	CU_ASSERT_EQUAL(out[0], 22);  /* handshake record */
	CU_ASSERT_EQUAL(out[13], 2);  /* ServerHello */
	CU_ASSERT_EQUAL(out[25], 0xfe); /* server_version DTLS 1.2 */
	CU_ASSERT_EQUAL(out[26], 0xfd);
	tc_close(&t);
}

/* Small MTU: every datagram we send fits; the handshake still completes. */
static void t_small_mtu(void)
{
	struct tc t;
	struct tp_cert rsa;
	char fp[256];
	CU_ASSERT_FATAL(tp_cert_make(&rsa, "rsa-viewer", true));
	tp_fingerprint(rsa.x, EVP_sha256(), "sha-256", false, fp, sizeof(fp));
	CU_ASSERT_FATAL(tc_open(&t, g_ctx, &rsa, ALL_PROFILES, fp, 300, 0));
	uint8_t b[2000];
	int n = tp_client_pop(&t.cl, b, sizeof(b));
	CU_ASSERT_EQUAL(sg_dtls_conn_input(t.conn, b, (size_t)n, 0), 0);
	CU_ASSERT_EQUAL(sg_dtls_conn_output(t.conn, b, 10), -ENOBUFS);
	tp_pump(&t.cl, t.conn, NULL, NULL, &t.st);
	CU_ASSERT_EQUAL(sg_dtls_conn_state(t.conn), SG_DTLS_CONNECTED);
	CU_ASSERT(t.st.max_s2c_len <= 300);
	CU_ASSERT(t.st.s2c >= 3); /* the flight was split */
	tc_close(&t);
	tp_cert_free(&rsa);
	errno = 0;
	CU_ASSERT_PTR_NULL(sg_dtls_conn_create(g_ctx, g_cfp, 100));
	CU_ASSERT_EQUAL(errno, EINVAL);
}

/* ------------------------------------------------------ fingerprints/certs */

static void t_fingerprint_forms(void)
{
	static const struct {
		const char *alg;
		const EVP_MD *(*md)(void);
	} algs[] = {{"sha-1", EVP_sha1}, {"SHA-256", EVP_sha256}, {"sha-384", EVP_sha384},
		    {"sha-512", EVP_sha512}};
	char fp[300];
	for (size_t i = 0; i < 4; i++) {
		struct tc t;
		tp_fingerprint(g_ccert.x, algs[i].md(), algs[i].alg, i & 1, fp, sizeof(fp));
		CU_ASSERT_FATAL(tc_open(&t, g_ctx, &g_ccert, ALL_PROFILES, fp, 0, 0));
		tp_pump(&t.cl, t.conn, NULL, NULL, &t.st);
		CU_ASSERT_EQUAL(sg_dtls_conn_state(t.conn), SG_DTLS_CONNECTED);
		tc_close(&t);
	}
	const char *bad[] = {"", "sha-256", "md5 AB:CD", "sha-256 AB:CD",
			     "sha-256 zz:00:00:00:00:00:00:00:00:00:00:00:00:00:00:00:00:00:00:00:00:00:00:00:00:00:00:00:00:00:00:00",
			     "sha-256 00:00:00:00:00:00:00:00:00:00:00:00:00:00:00:00:00:00:00:00:00:00:00:00:00:00:00:00:00:00:00:00:00",
			     "sha-256 00:00:00:00:00:00:00:00:00:00:00:00:00:00:00:00:00:00:00:00:00:00:00:00:00:00:00:00:00:00:00:0",
			     "sha-256 00:00:00:00:00:00:00:00:00:00:00:00:00:00:00:00:00:00:00:00:00:00:00:00:00:00:00:00:00:00:00:00 x"};
	for (size_t i = 0; i < SG_ARRAY_SIZE(bad); i++) {
		errno = 0;
		CU_ASSERT_PTR_NULL(sg_dtls_conn_create(g_ctx, bad[i], 0));
		CU_ASSERT_EQUAL(errno, EINVAL);
	}
	CU_ASSERT_PTR_NULL(sg_dtls_conn_create(g_ctx, NULL, 0));
	CU_ASSERT_PTR_NULL(sg_dtls_conn_create(NULL, g_cfp, 0));
}

static bool fp_format_ok(const char *fp)
{
	if (strlen(fp) != 8 + 32 * 3 - 1 || strncmp(fp, "sha-256 ", 8))
		return false;
	for (int i = 0; i < 32; i++) {
		const char *p = fp + 8 + i * 3;
		if (!strchr("0123456789ABCDEF", p[0]) || !strchr("0123456789ABCDEF", p[1]) || !p[0] ||
		    !p[1] || (i < 31 && p[2] != ':'))
			return false;
	}
	return true;
}

static void t_cert_generate(void)
{
	char fp[SG_DTLS_FINGERPRINT_MAX], want[256];
	struct tc t;
	CU_ASSERT(fp_format_ok(g_sfp));
	CU_ASSERT_EQUAL(sg_dtls_cert_fingerprint(g_cert, fp, 103), -ENOSPC);
	CU_ASSERT_EQUAL(sg_dtls_cert_fingerprint(g_cert, fp, 104), 0);
	CU_ASSERT_STRING_EQUAL(fp, g_sfp);
	CU_ASSERT_EQUAL(sg_dtls_cert_fingerprint(NULL, fp, sizeof(fp)), -EINVAL);
	/* The certificate the client actually received. */
	CU_ASSERT_FATAL(tc_handshake(&t, g_ctx, ALL_PROFILES));
	X509 *x = t.cl.server_cert;
	CU_ASSERT_FATAL(x != NULL);
	tp_fingerprint(x, EVP_sha256(), "sha-256", false, want, sizeof(want));
	CU_ASSERT_STRING_EQUAL(fp, want);
	char cn[64] = "";
	X509_NAME_get_text_by_NID(X509_get_subject_name(x), NID_commonName, cn, sizeof(cn));
	CU_ASSERT_STRING_EQUAL(cn, "streamgate");
	CU_ASSERT_EQUAL(X509_NAME_cmp(X509_get_subject_name(x), X509_get_issuer_name(x)), 0);
	CU_ASSERT_EQUAL(X509_get_version(x), X509_VERSION_3);
	EVP_PKEY *pk = X509_get0_pubkey(x);
	char grp[32] = "";
	EVP_PKEY_get_group_name(pk, grp, sizeof(grp), NULL);
	CU_ASSERT_STRING_EQUAL(grp, "prime256v1");
	CU_ASSERT_EQUAL(X509_verify(x, pk), 1);
	int days = 0, secs = 0;
	ASN1_TIME_diff(&days, &secs, NULL, X509_get0_notAfter(x));
	CU_ASSERT(days == 29 || days == 30);
	CU_ASSERT(X509_cmp_current_time(X509_get0_notBefore(x)) < 0);
	const ASN1_INTEGER *serial = X509_get0_serialNumber(x);
	CU_ASSERT(serial->type == V_ASN1_INTEGER && serial->length >= 1);
	tc_close(&t);
	/* Two generated certs differ (random key and serial). */
	struct sg_dtls_cert *c2 = sg_dtls_cert_generate();
	CU_ASSERT_FATAL(c2 != NULL);
	CU_ASSERT_EQUAL(sg_dtls_cert_fingerprint(c2, fp, sizeof(fp)), 0);
	CU_ASSERT_STRING_NOT_EQUAL(fp, g_sfp);
	sg_dtls_cert_free(c2);
}

static void write_file(const char *path, const char *text)
{
	FILE *f = fopen(path, "w");
	CU_ASSERT_FATAL(f != NULL);
	fputs(text, f);
	fclose(f);
}

static void t_cert_load(void)
{
	char dir[] = "/tmp/sg_dtls_XXXXXX", cp[128], kp[128], ep[128], gp[128], wp[128];
	struct tp_cert lc, other;
	FILE *f;
	CU_ASSERT_FATAL(mkdtemp(dir) != NULL);
	snprintf(cp, sizeof(cp), "%s/cert.pem", dir);
	snprintf(kp, sizeof(kp), "%s/key.pem", dir);
	snprintf(ep, sizeof(ep), "%s/enc.pem", dir);
	snprintf(gp, sizeof(gp), "%s/garbage.pem", dir);
	snprintf(wp, sizeof(wp), "%s/wrongkey.pem", dir);
	CU_ASSERT_FATAL(tp_cert_make(&lc, "loaded", false));
	CU_ASSERT_FATAL(tp_cert_make(&other, "other", false));
	f = fopen(cp, "w");
	PEM_write_X509(f, lc.x);
	PEM_write_X509(f, other.x); /* sent as chain */
	fclose(f);
	f = fopen(kp, "w");
	PEM_write_PrivateKey(f, lc.k, NULL, NULL, 0, NULL, NULL);
	fclose(f);
	f = fopen(ep, "w");
	PEM_write_PrivateKey(f, lc.k, EVP_aes_128_cbc(), NULL, 0, NULL, (void *)"secret");
	fclose(f);
	f = fopen(wp, "w");
	PEM_write_PrivateKey(f, other.k, NULL, NULL, 0, NULL, NULL);
	fclose(f);
	write_file(gp, "-----BEGIN CERTIFICATE-----\nnot base64 !!\n-----END CERTIFICATE-----\n");

	struct sg_dtls_cert *c = sg_dtls_cert_load(cp, kp);
	CU_ASSERT_FATAL(c != NULL);
	char fp[SG_DTLS_FINGERPRINT_MAX], want[256];
	CU_ASSERT_EQUAL(sg_dtls_cert_fingerprint(c, fp, sizeof(fp)), 0);
	tp_fingerprint(lc.x, EVP_sha256(), "sha-256", false, want, sizeof(want));
	CU_ASSERT_STRING_EQUAL(fp, want);
	/* A handshake with the loaded cert; the client sees it. */
	struct sg_dtls_ctx *ctx = sg_dtls_ctx_create(c);
	sg_dtls_cert_free(c); /* ctx keeps its own references */
	CU_ASSERT_FATAL(ctx != NULL);
	struct tc t;
	CU_ASSERT_FATAL(tc_open(&t, ctx, &g_ccert, ALL_PROFILES, g_cfp, 0, 0));
	sg_strlcpy(t.cl.server_fp, want, sizeof(t.cl.server_fp));
	sg_dtls_ctx_free(ctx); /* conn keeps its own reference */
	tp_pump(&t.cl, t.conn, NULL, NULL, &t.st);
	CU_ASSERT_EQUAL(sg_dtls_conn_state(t.conn), SG_DTLS_CONNECTED);
	CU_ASSERT(t.cl.server_fp_ok);
	CU_ASSERT_EQUAL(sk_X509_num(SSL_get_peer_cert_chain(t.cl.ssl)), 2);
	tc_close(&t);

	const struct {
		const char *c, *k;
		int err;
	} bad[] = {{"/nonexistent/cert.pem", kp, ENOENT}, {cp, "/nonexistent/key.pem", ENOENT},
		   {gp, kp, EINVAL}, {cp, gp, EINVAL}, {kp, kp, EINVAL}, {cp, ep, EINVAL},
		   {cp, wp, EINVAL}, {NULL, kp, EINVAL}};
	for (size_t i = 0; i < SG_ARRAY_SIZE(bad); i++) {
		errno = 0;
		CU_ASSERT_PTR_NULL(sg_dtls_cert_load(bad[i].c, bad[i].k));
		CU_ASSERT_EQUAL(errno, bad[i].err);
	}
	unlink(cp), unlink(kp), unlink(ep), unlink(gp), unlink(wp), rmdir(dir);
	tp_cert_free(&lc);
	tp_cert_free(&other);
}

static void t_api_misc(void)
{
	CU_ASSERT_STRING_EQUAL(sg_dtls_srtp_profile_name(SG_DTLS_SRTP_AEAD_AES_128_GCM),
			       "SRTP_AEAD_AES_128_GCM");
	CU_ASSERT_STRING_EQUAL(sg_dtls_srtp_profile_name(SG_DTLS_SRTP_AES128_CM_SHA1_80),
			       "SRTP_AES128_CM_SHA1_80");
	CU_ASSERT_STRING_EQUAL(sg_dtls_srtp_profile_name(3), "?");
	CU_ASSERT_EQUAL(sg_dtls_srtp_profile_lengths(3, NULL, NULL), -EINVAL);
	CU_ASSERT_STRING_EQUAL(sg_dtls_state_name(SG_DTLS_CONNECTED), "connected");
	CU_ASSERT_EQUAL(sg_dtls_ctx_set_srtp_profiles(g_ctx, "SRTP_AES128_F8_SHA1_80"), -EINVAL);
	CU_ASSERT_EQUAL(sg_dtls_ctx_set_srtp_profiles(g_ctx, "SRTP_AES128_CM_SHA1_80:"), -EINVAL);
	CU_ASSERT_EQUAL(sg_dtls_ctx_set_srtp_profiles(g_ctx, ""), -EINVAL);
	CU_ASSERT_PTR_NULL(sg_dtls_ctx_create(NULL));
	CU_ASSERT_EQUAL(sg_dtls_conn_state(NULL), SG_DTLS_FAILED);
	CU_ASSERT_EQUAL(sg_dtls_conn_timeout_ns(NULL, 0), UINT64_MAX);
	CU_ASSERT_EQUAL(sg_dtls_conn_output(NULL, NULL, 0), -EINVAL);
	CU_ASSERT_EQUAL(sg_dtls_conn_close(NULL), -EINVAL);
	sg_dtls_conn_free(NULL);
	sg_dtls_ctx_free(NULL);
	sg_dtls_cert_free(NULL);
	struct sg_dtls_conn *c = sg_dtls_conn_create(g_ctx, g_cfp, 0);
	char d[64];
	CU_ASSERT_EQUAL(sg_dtls_conn_describe(c, d, sizeof(d)), -ENOTCONN);
	CU_ASSERT_STRING_EQUAL(sg_dtls_conn_error(c), "");
	CU_ASSERT_EQUAL(sg_dtls_conn_close(c), 0); /* before any handshake */
	CU_ASSERT_EQUAL(sg_dtls_conn_state(c), SG_DTLS_CLOSED);
	sg_dtls_conn_free(c);
}

/* Many sequential handshakes: ASan's leak check runs at exit. */
static void t_many(void)
{
	for (int i = 0; i < 60; i++) {
		struct tc t;
		CU_ASSERT_FATAL(tc_handshake(&t, g_ctx, ALL_PROFILES));
		if (i % 3 == 0)
			sg_dtls_conn_close(t.conn);
		else if (i % 3 == 1)
			tp_pump(&t.cl, t.conn, NULL, NULL, &t.st);
		tc_close(&t);
		/* and a failed one (no client certificate) */
		CU_ASSERT_FATAL(tc_open(&t, g_ctx, NULL, ALL_PROFILES, g_cfp, 0, 0));
		tp_pump(&t.cl, t.conn, NULL, NULL, &t.st);
		CU_ASSERT_EQUAL(sg_dtls_conn_state(t.conn), SG_DTLS_FAILED);
		tc_close(&t);
	}
}

static int suite_init(void)
{
	if (srtp_init() != srtp_err_status_ok)
		return 1;
	g_cert = sg_dtls_cert_generate();
	g_ctx = g_cert ? sg_dtls_ctx_create(g_cert) : NULL;
	if (!g_ctx || !tp_cert_make(&g_ccert, "viewer", false))
		return 1;
	tp_fingerprint(g_ccert.x, EVP_sha256(), "sha-256", false, g_cfp, sizeof(g_cfp));
	return sg_dtls_cert_fingerprint(g_cert, g_sfp, sizeof(g_sfp)) ? 1 : 0;
}

static int suite_clean(void)
{
	sg_dtls_ctx_free(g_ctx);
	sg_dtls_cert_free(g_cert);
	tp_cert_free(&g_ccert);
	srtp_shutdown();
	return 0;
}

int main(void)
{
	if (CU_initialize_registry() != CUE_SUCCESS)
		return 1;
	sg_log_level_set(SG_LOG_WARN);
	CU_pSuite s = CU_add_suite("dtls", suite_init, suite_clean);
	CU_add_test(s, "GCM-128 when offered first, keys == client exporter, libsrtp2", t_profile_gcm);
	CU_add_test(s, "CM-SHA1-80 when only offered, libsrtp2", t_profile_cm80);
	CU_add_test(s, "server SRTP preference wins", t_profile_server_pref);
	CU_add_test(s, "GCM-256 and CM-SHA1-32", t_profile_others);
	CU_add_test(s, "wrong fingerprint -> FAILED", t_wrong_fingerprint);
	CU_add_test(s, "client without certificate -> FAILED", t_no_client_cert);
	CU_add_test(s, "no use_srtp / no common profile -> FAILED", t_no_srtp);
	CU_add_test(s, "DTLS 1.0 client -> FAILED", t_old_version);
	CU_add_test(s, "unexpected message / peer alert -> FAILED", t_wrong_state_record);
	CU_add_test(s, "garbage datagrams into a fresh conn", t_garbage_fresh);
	CU_add_test(s, "truncated ClientHello dropped", t_truncated);
	CU_add_test(s, "after connect: garbage, replay, app data, close", t_after_connect);
	CU_add_test(s, "lost server flight: timer retransmits", t_lost_server_flight);
	CU_add_test(s, "default timer 1 s", t_default_timer);
	CU_add_test(s, "retransmission limit -> FAILED", t_give_up);
	CU_add_test(s, "lost client flight", t_lost_client_flight);
	CU_add_test(s, "ClientHello retransmission packed with next flight", t_rtx_packed_with_flight);
	CU_add_test(s, "lost server final flight", t_lost_final_flight);
	CU_add_test(s, "DTLS 1.3 offer answered with 1.2", t_dtls13_offer);
	CU_add_test(s, "small MTU, RSA client cert", t_small_mtu);
	CU_add_test(s, "fingerprint algorithms and parse errors", t_fingerprint_forms);
	CU_add_test(s, "generated cert", t_cert_generate);
	CU_add_test(s, "PEM load", t_cert_load);
	CU_add_test(s, "misc API", t_api_misc);
	CU_add_test(s, "many sequential conns", t_many);
	CU_basic_set_mode(CU_BRM_VERBOSE);
	CU_basic_run_tests();
	unsigned fails = CU_get_number_of_failures();
	CU_cleanup_registry();
	return fails ? 1 : 0;
}
