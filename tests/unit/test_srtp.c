/* SPDX-License-Identifier: BSD-3-Clause
 * lib/srtp tests. Oracles: RFC 3711 Appendix B and RFC 7714 §16/§17 vectors
 * (tests/vectors/), libsrtp2 (Debian build) in both directions for all four
 * profiles, OpenSSL EVP AES-CTR (KDF) + AES-GCM as a second GCM oracle.
 */
#include <CUnit/Basic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/evp.h>
#include <srtp2/srtp.h>

#include "sg_srtp.h"
#include "srtp_priv.h"

#define MAXPKT 1600

/* ---- helpers ---------------------------------------------------------- */

static uint64_t rng_state = 0x9e3779b97f4a7c15ull;
static uint64_t rnd(void)
{
	uint64_t x = rng_state;
	x ^= x << 13; x ^= x >> 7; x ^= x << 17;
	return rng_state = x;
}
static unsigned rnd_in(unsigned lo, unsigned hi) { return lo + (unsigned)(rnd() % (hi - lo + 1)); }
static void rnd_fill(uint8_t *p, size_t n) { for (size_t i = 0; i < n; i++) p[i] = (uint8_t)rnd(); }

/* Read "name = hex" from tests/vectors/<file>. Returns byte length or -1. */
static int vec(const char *file, const char *name, uint8_t *out, size_t max)
{
	char path[512], line[1024];
	int n = -1;
	snprintf(path, sizeof(path), "%s/%s", SG_TEST_VECTORS, file);
	FILE *f = fopen(path, "r");
	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f)) {
		size_t nl = strlen(name);
		if (line[0] == '#' || strncmp(line, name, nl) || line[nl] != ' ')
			continue;
		char *h = strchr(line, '=');
		if (!h)
			break;
		h++;
		n = 0;
		while (*h) {
			unsigned v;
			if (*h == ' ' || *h == '\n' || *h == '\r') { h++; continue; }
			if ((size_t)n >= max || sscanf(h, "%2x", &v) != 1) { n = -1; break; }
			out[n++] = (uint8_t)v;
			h += 2;
		}
		break;
	}
	fclose(f);
	return n;
}

static const enum sg_srtp_profile profiles[] = {
	SG_SRTP_AES128_CM_SHA1_80, SG_SRTP_AES128_CM_SHA1_32,
	SG_SRTP_AEAD_AES_128_GCM, SG_SRTP_AEAD_AES_256_GCM};

static unsigned master_len(enum sg_srtp_profile p)
{
	return sg_srtp_profile_key_len(p) + sg_srtp_profile_salt_len(p);
}

static void lib_policy(srtp_policy_t *pol, enum sg_srtp_profile p, uint8_t *key, int inbound)
{
	memset(pol, 0, sizeof(*pol));
	switch (p) {
	case SG_SRTP_AES128_CM_SHA1_80:
		srtp_crypto_policy_set_aes_cm_128_hmac_sha1_80(&pol->rtp);
		srtp_crypto_policy_set_aes_cm_128_hmac_sha1_80(&pol->rtcp);
		break;
	case SG_SRTP_AES128_CM_SHA1_32:
		srtp_crypto_policy_set_aes_cm_128_hmac_sha1_32(&pol->rtp);
		srtp_crypto_policy_set_aes_cm_128_hmac_sha1_80(&pol->rtcp);
		break;
	case SG_SRTP_AEAD_AES_128_GCM:
		srtp_crypto_policy_set_aes_gcm_128_16_auth(&pol->rtp);
		srtp_crypto_policy_set_aes_gcm_128_16_auth(&pol->rtcp);
		break;
	default:
		srtp_crypto_policy_set_aes_gcm_256_16_auth(&pol->rtp);
		srtp_crypto_policy_set_aes_gcm_256_16_auth(&pol->rtcp);
		break;
	}
	pol->ssrc.type = inbound ? ssrc_any_inbound : ssrc_any_outbound;
	pol->key = key;
	pol->window_size = 128;
}

static srtp_t lib_session(enum sg_srtp_profile p, uint8_t *key, int inbound)
{
	srtp_policy_t pol;
	srtp_t s = NULL;
	lib_policy(&pol, p, key, inbound);
	CU_ASSERT_EQUAL_FATAL(srtp_create(&s, &pol), srtp_err_status_ok);
	return s;
}

/* Random RTP packet of total length len (>= 12), with random CSRCs and a
 * header extension when it fits. Returns the header length. */
static unsigned make_rtp(uint8_t *p, unsigned len, uint16_t seq, uint32_t ts, uint32_t ssrc)
{
	unsigned cc = 0, ext = 0, h;
	if (len >= 40 && rnd() % 4 == 0)
		cc = rnd_in(1, 3);
	h = 12 + 4 * cc;
	if (len >= h + 12 && rnd() % 3 == 0)
		ext = rnd_in(1, (len - h - 4) / 4 < 3 ? (len - h - 4) / 4 : 3);
	rnd_fill(p, len);
	p[0] = (uint8_t)(0x80 | (ext ? 0x10 : 0) | cc);
	p[1] = (uint8_t)(rnd() & 0xff);
	be16_put(p + 2, seq);
	be32_put(p + 4, ts);
	be32_put(p + 8, ssrc);
	if (ext) {
		p[h] = 0xbe; p[h + 1] = 0xde;
		be16_put(p + h + 2, (uint16_t)ext);
		h += 4 + 4 * ext;
	}
	return h;
}

/* Independent KDF with OpenSSL AES-CTR (RFC 3711 §4.3.1, kdr = 0). */
static void ossl_kdf(const uint8_t *mk, unsigned kl, const uint8_t *ms, unsigned sl,
		     uint8_t label, uint8_t *out, unsigned n)
{
	uint8_t iv[16] = {0}, zero[64] = {0};
	int ol = 0;
	memcpy(iv, ms, sl);
	iv[7] ^= label;
	EVP_CIPHER_CTX *x = EVP_CIPHER_CTX_new();
	EVP_EncryptInit_ex(x, kl == 16 ? EVP_aes_128_ctr() : EVP_aes_256_ctr(), NULL, mk, iv);
	EVP_EncryptUpdate(x, out, &ol, zero, (int)n);
	EVP_CIPHER_CTX_free(x);
}

/* Second oracle: decrypt an SRTP GCM packet with OpenSSL EVP (RFC 7714 §8). */
static int ossl_gcm_open(enum sg_srtp_profile p, const uint8_t *master, const uint8_t *pkt,
			 unsigned len, unsigned h, uint32_t roc, uint8_t *plain)
{
	unsigned kl = sg_srtp_profile_key_len(p);
	uint8_t key[32], salt[12], iv[12], blk[12] = {0};
	int ol = 0, ok;
	ossl_kdf(master, kl, master + kl, 12, 0, key, kl);
	ossl_kdf(master, kl, master + kl, 12, 2, salt, 12);
	memcpy(blk + 2, pkt + 8, 4);
	be32_put(blk + 6, roc);
	memcpy(blk + 10, pkt + 2, 2);
	for (int i = 0; i < 12; i++)
		iv[i] = blk[i] ^ salt[i];
	EVP_CIPHER_CTX *x = EVP_CIPHER_CTX_new();
	EVP_DecryptInit_ex(x, kl == 16 ? EVP_aes_128_gcm() : EVP_aes_256_gcm(), NULL, NULL, NULL);
	EVP_CIPHER_CTX_ctrl(x, EVP_CTRL_GCM_SET_IVLEN, 12, NULL);
	EVP_DecryptInit_ex(x, NULL, NULL, key, iv);
	EVP_DecryptUpdate(x, NULL, &ol, pkt, (int)h);
	EVP_DecryptUpdate(x, plain, &ol, pkt + h, (int)(len - h - 16));
	EVP_CIPHER_CTX_ctrl(x, EVP_CTRL_GCM_SET_TAG, 16, (void *)(pkt + len - 16));
	ok = EVP_DecryptFinal_ex(x, plain + ol, &ol) == 1;
	EVP_CIPHER_CTX_free(x);
	return ok;
}

static struct sg_srtp_engine *eng(enum sg_srtp_arch a)
{
	struct sg_srtp_engine *e = sg_srtp_engine_create(a);
	CU_ASSERT_PTR_NOT_NULL(e);
	return e;
}

/* ---- known-answer tests ----------------------------------------------- */

static void t_rfc3711_kdf(void)
{
	uint8_t mk[16], ms[14], exp[64], out[64];
	struct sg_srtp_engine *e = eng(SG_SRTP_ARCH_AUTO);
	CU_ASSERT_EQUAL_FATAL(vec("srtp_rfc3711.txt", "b3_master_key", mk, 16), 16);
	CU_ASSERT_EQUAL_FATAL(vec("srtp_rfc3711.txt", "b3_master_salt", ms, 14), 14);
	for (int c = 0; c < SG_SRTP_CLASS__N; c++) {
		IMB_MGR *m = e->mgr[c];
		CU_ASSERT_EQUAL(vec("srtp_rfc3711.txt", "b3_cipher_key", exp, 64), 16);
		CU_ASSERT_EQUAL(srtp_kdf(m, mk, 16, ms, 14, 0, out, 16), 0);
		CU_ASSERT_EQUAL(memcmp(out, exp, 16), 0);
		CU_ASSERT_EQUAL(vec("srtp_rfc3711.txt", "b3_cipher_salt", exp, 64), 14);
		CU_ASSERT_EQUAL(srtp_kdf(m, mk, 16, ms, 14, 2, out, 14), 0);
		CU_ASSERT_EQUAL(memcmp(out, exp, 14), 0);
		CU_ASSERT_EQUAL(vec("srtp_rfc3711.txt", "b3_auth_key", exp, 64), 64);
		CU_ASSERT_EQUAL(srtp_kdf(m, mk, 16, ms, 14, 1, out, 64), 0);
		CU_ASSERT_EQUAL(memcmp(out, exp, 64), 0);
	}
	CU_ASSERT_EQUAL(srtp_kdf(e->mgr[0], mk, 24, ms, 14, 0, out, 16), -EINVAL);
	sg_srtp_engine_free(e);
}

/* B.2 keystream through the real protect path: zero payload, SSRC 0, index 0. */
static void t_rfc3711_keystream(void)
{
	uint8_t key[16], salt[14], ks[48], auth[20] = {0}, master[30] = {0};
	uint8_t src[12 + 48] = {0x80}, out[128];
	uint16_t olen;
	int rc;
	CU_ASSERT_EQUAL_FATAL(vec("srtp_rfc3711.txt", "b2_key", key, 16), 16);
	CU_ASSERT_EQUAL_FATAL(vec("srtp_rfc3711.txt", "b2_salt", salt, 14), 14);
	CU_ASSERT_EQUAL_FATAL(vec("srtp_rfc3711.txt", "b2_keystream_0000", ks, 48), 48);
	for (int a = SG_SRTP_ARCH_SSE; a < SG_SRTP_ARCH__MAX; a++) {
		if (!sg_srtp_arch_supported((enum sg_srtp_arch)a))
			continue;
		struct sg_srtp_engine *e = eng((enum sg_srtp_arch)a);
		struct sg_srtp_rtp_params prm = {.ssrc = 0, .pt = SG_SRTP_PT_KEEP};
		struct sg_srtp_ctx *c = sg_srtp_ctx_create(e, SG_SRTP_AES128_CM_SHA1_80, master, master, &prm);
		CU_ASSERT_PTR_NOT_NULL_FATAL(c);
		CU_ASSERT_EQUAL(srtp_ctx_set_session_keys(e, c, 0, key, auth, salt), 0);
		uint8_t *dst[1] = {out};
		CU_ASSERT_EQUAL(sg_srtp_protect_burst(e, src, sizeof(src), &c, dst, sizeof(out), &olen, &rc, 1), 1);
		CU_ASSERT_EQUAL(rc, 0);
		CU_ASSERT_EQUAL(olen, sizeof(src) + 10);
		CU_ASSERT_EQUAL(memcmp(out + 12, ks, 48), 0);
		sg_srtp_ctx_free(c);
		sg_srtp_engine_free(e);
	}
}

/* RFC 7714 §16.1.1 / §17.1 (AES-128) and the AES-256 regression values. */
static void t_rfc7714(void)
{
	static const char *const kn[2] = {"key_128", "key_256"};
	static const char *const rn[2] = {"rtp_srtp_128", "rtp_srtp_256"};
	static const char *const cn[2] = {"rtcp_srtcp_128", "rtcp_srtcp_256"};
	uint8_t key[32], salt[12], plain[256], exp[256], pkt[256], idxb[4], master[44] = {0};
	int pl, el, cl;
	CU_ASSERT_EQUAL_FATAL(vec("srtp_rfc7714.txt", "salt", salt, 12), 12);
	CU_ASSERT_EQUAL_FATAL(vec("srtp_rfc7714.txt", "rtcp_index", idxb, 4), 4);
	for (int a = SG_SRTP_ARCH_SSE; a < SG_SRTP_ARCH__MAX; a++) {
		if (!sg_srtp_arch_supported((enum sg_srtp_arch)a))
			continue;
		struct sg_srtp_engine *e = eng((enum sg_srtp_arch)a);
		for (int v = 0; v < 2; v++) {
			enum sg_srtp_profile p = v ? SG_SRTP_AEAD_AES_256_GCM : SG_SRTP_AEAD_AES_128_GCM;
			CU_ASSERT_EQUAL(vec("srtp_rfc7714.txt", kn[v], key, 32), v ? 32 : 16);
			struct sg_srtp_ctx *tx = sg_srtp_ctx_create(e, p, master, master, NULL);
			struct sg_srtp_ctx *rx = sg_srtp_ctx_create(e, p, master, master, NULL);
			CU_ASSERT_PTR_NOT_NULL_FATAL(tx);
			CU_ASSERT_PTR_NOT_NULL_FATAL(rx);
			for (int r = 0; r < 2; r++) {
				srtp_ctx_set_session_keys(e, tx, r, key, NULL, salt);
				srtp_ctx_set_session_keys(e, rx, r, key, NULL, salt);
			}
			/* SRTP, in-place protect */
			pl = vec("srtp_rfc7714.txt", "rtp_plain", plain, sizeof(plain));
			el = vec("srtp_rfc7714.txt", rn[v], exp, sizeof(exp));
			CU_ASSERT_FATAL(pl > 12 && el == pl + 16);
			memcpy(pkt, plain, (size_t)pl);
			uint16_t len = (uint16_t)pl;
			CU_ASSERT_EQUAL(sg_srtp_protect(e, tx, pkt, &len, sizeof(pkt)), 0);
			CU_ASSERT_EQUAL(len, el);
			CU_ASSERT_EQUAL(memcmp(pkt, exp, (size_t)el), 0);
			CU_ASSERT_EQUAL(sg_srtp_unprotect(e, rx, pkt, &len), 0);
			CU_ASSERT_EQUAL(len, pl);
			CU_ASSERT_EQUAL(memcmp(pkt, plain, (size_t)pl), 0);
			/* SRTCP */
			cl = vec("srtp_rfc7714.txt", "rtcp_plain", plain, sizeof(plain));
			el = vec("srtp_rfc7714.txt", cn[v], exp, sizeof(exp));
			CU_ASSERT_FATAL(cl > 8 && el == cl + 20);
			memcpy(pkt, plain, (size_t)cl);
			len = (uint16_t)cl;
			CU_ASSERT_EQUAL(sg_srtp_ctx_set_srtcp_index(tx, be32_get(idxb)), 0);
			CU_ASSERT_EQUAL(sg_srtcp_protect(e, tx, pkt, &len, sizeof(pkt)), 0);
			CU_ASSERT_EQUAL(len, el);
			CU_ASSERT_EQUAL(memcmp(pkt, exp, (size_t)el), 0);
			CU_ASSERT_EQUAL(sg_srtcp_unprotect(e, rx, pkt, &len), 0);
			CU_ASSERT_EQUAL(len, cl);
			CU_ASSERT_EQUAL(memcmp(pkt, plain, (size_t)cl), 0);
			sg_srtp_ctx_free(tx);
			sg_srtp_ctx_free(rx);
		}
		sg_srtp_engine_free(e);
	}
}

/* ---- interop with libsrtp2 -------------------------------------------- */

/* More viewers than one AES-CM job burst (SG_SRTP_CM_BURST, 32): a burst is
 * run when full and the rest at the end. */
#define NVIEW 40

/* streamgate burst protect -> libsrtp2 unprotect (per viewer), across a ROC
 * wrap; viewers' SRTCP from libsrtp2 -> streamgate unprotect. */
static void fanout_vs_libsrtp(enum sg_srtp_arch a, enum sg_srtp_profile p, unsigned npkts)
{
	uint8_t srv[48], cli[48], src[MAXPKT], out[NVIEW][MAXPKT], buf[MAXPKT], plain[MAXPKT];
	struct sg_srtp_ctx *ctx[NVIEW];
	srtp_t lrx[NVIEW], ltx[NVIEW];
	uint8_t *dst[NVIEW];
	uint16_t olen[NVIEW];
	int rc[NVIEW];
	uint32_t roc0 = 0;
	uint16_t prev0 = 0;
	unsigned ml = master_len(p), tag = sg_srtp_profile_rtp_overhead(p);
	unsigned fails = 0;

	struct sg_srtp_engine *e = sg_srtp_engine_create(a);
	CU_ASSERT_PTR_NOT_NULL_FATAL(e);
	rnd_fill(srv, ml);
	rnd_fill(cli, ml);
	uint16_t s0 = (uint16_t)rnd();
	for (int v = 0; v < NVIEW; v++) {
		/* out seq starts within npkts/2 before the wrap: every viewer wraps */
		uint16_t start = (uint16_t)(65536 - rnd_in(1, npkts / 2));
		struct sg_srtp_rtp_params prm = {
			.ssrc = (uint32_t)rnd(), .seq_delta = (uint16_t)(start - s0),
			.ts_delta = (uint32_t)rnd(), .pt = (uint8_t)(96 + v % 32), .roc = 0};
		ctx[v] = sg_srtp_ctx_create(e, p, srv, cli, &prm);
		CU_ASSERT_PTR_NOT_NULL_FATAL(ctx[v]);
		lrx[v] = lib_session(p, srv, 1);
		ltx[v] = lib_session(p, cli, 0);
		dst[v] = out[v];
	}
	uint32_t ts0 = (uint32_t)rnd(), sssrc = (uint32_t)rnd();
	for (unsigned k = 0; k < npkts; k++) {
		/* first a header-only packet (no payload: 0 bytes of keystream,
		 * only the HMAC) and a 1-byte payload, then random sizes */
		unsigned len = k < 2 ? 12 + k : rnd_in(12, 1400);
		uint16_t sseq = (uint16_t)(s0 + k);
		unsigned h = make_rtp(src, len, sseq, ts0 + 3000 * k, sssrc);
		unsigned n = sg_srtp_protect_burst(e, src, (uint16_t)len, ctx, dst, MAXPKT, olen, rc, NVIEW);
		CU_ASSERT_EQUAL(n, NVIEW);
		for (int v = 0; v < NVIEW; v++) {
			if (rc[v] != 0 || olen[v] != len + tag) {
				fails++;
				continue;
			}
			memcpy(buf, out[v], olen[v]);
			int l = olen[v];
			if (srtp_unprotect(lrx[v], buf, &l) != srtp_err_status_ok || (unsigned)l != len) {
				fails++;
				continue;
			}
			uint16_t oseq = be16_get(buf + 2);
			if (oseq != (uint16_t)(sseq + ctx[v]->seq_delta) ||
			    be32_get(buf + 4) != ts0 + 3000 * k + ctx[v]->ts_delta ||
			    be32_get(buf + 8) != ctx[v]->ssrc || (buf[1] & 0x7f) != 96 + v % 32 ||
			    (buf[1] & 0x80) != (src[1] & 0x80) || buf[0] != src[0] ||
			    memcmp(buf + 12, src + 12, len - 12))
				fails++;
			if (v == 0) {
				if (k > 0 && oseq < prev0)
					roc0++;
				prev0 = oseq;
				if (p >= SG_SRTP_AEAD_AES_128_GCM &&
				    (!ossl_gcm_open(p, srv, out[0], olen[0], h, roc0, plain) ||
				     memcmp(plain, src + h, len - h)))
					fails++;
			}
		}
		/* a tampered copy must be rejected by libsrtp2 */
		if (k % 16 == 0) {
			memcpy(buf, out[1], olen[1]);
			buf[rnd_in(12, olen[1] - 1)] ^= (uint8_t)(1u << rnd_in(0, 7));
			int l = olen[1];
			if (srtp_unprotect(lrx[1], buf, &l) == srtp_err_status_ok)
				fails++;
		}
		/* viewer RTCP (RR/NACK/PLI-like sizes) through libsrtp2 -> us */
		if (k % 8 == 0) {
			int v = (int)rnd_in(0, NVIEW - 1);
			unsigned rl = 4 * rnd_in(2, 40);
			rnd_fill(buf, rl);
			buf[0] = 0x81; buf[1] = 201; be16_put(buf + 2, (uint16_t)(rl / 4 - 1));
			/* each viewer sends RTCP from two SSRCs (audio + video) */
			be32_put(buf + 4, 0x1000u * (unsigned)v + (k % 16 ? 1u : 2u));
			memcpy(plain, buf, rl);
			int l = (int)rl;
			CU_ASSERT_EQUAL_FATAL(srtp_protect_rtcp(ltx[v], buf, &l), srtp_err_status_ok);
			uint8_t copy[MAXPKT];
			memcpy(copy, buf, (size_t)l);
			uint16_t ul = (uint16_t)l;
			if (sg_srtcp_unprotect(e, ctx[v], buf, &ul) != 0 || ul != rl || memcmp(buf, plain, rl))
				fails++;
			ul = (uint16_t)l; /* replay */
			memcpy(buf, copy, (size_t)l);
			if (sg_srtcp_unprotect(e, ctx[v], buf, &ul) != SG_SRTP_E_REPLAY)
				fails++;
			/* tampered and truncated SRTCP must be rejected */
			l = (int)rl;
			CU_ASSERT_EQUAL_FATAL(srtp_protect_rtcp(ltx[v], memcpy(buf, plain, rl), &l), srtp_err_status_ok);
			buf[rnd_in(0, (unsigned)l - 1)] ^= (uint8_t)(1u << rnd_in(0, 7));
			ul = (uint16_t)l;
			if (sg_srtcp_unprotect(e, ctx[v], buf, &ul) == 0)
				fails++;
			l = (int)rl;
			CU_ASSERT_EQUAL_FATAL(srtp_protect_rtcp(ltx[v], memcpy(buf, plain, rl), &l), srtp_err_status_ok);
			ul = (uint16_t)rnd_in(0, (unsigned)l - 1);
			if (sg_srtcp_unprotect(e, ctx[v], buf, &ul) == 0)
				fails++;
		}
	}
	for (int v = 0; v < NVIEW; v++) {
		CU_ASSERT_EQUAL(sg_srtp_ctx_roc(ctx[v]), 1);
		sg_srtp_ctx_free(ctx[v]);
		srtp_dealloc(lrx[v]);
		srtp_dealloc(ltx[v]);
	}
	CU_ASSERT_EQUAL(fails, 0);
	if (fails)
		printf("\n  %s/%s: %u mismatches\n", sg_srtp_arch_name(a), sg_srtp_profile_name(p), fails);
	CU_ASSERT_EQUAL(sg_srtp_engine_stat(e, SG_SRTP_STAT_rtp_protected), (uint64_t)npkts * NVIEW);
	sg_srtp_engine_free(e);
}

/* libsrtp2 protect -> streamgate unprotect (with replay / tamper /
 * truncation rejections); streamgate SRTCP protect -> libsrtp2 unprotect. */
static void libsrtp_vs_unprotect(enum sg_srtp_arch a, enum sg_srtp_profile p, unsigned npkts)
{
	uint8_t mk[48], pkt[MAXPKT], buf[MAXPKT], orig[MAXPKT];
	unsigned ml = master_len(p), fails = 0;
	struct sg_srtp_engine *e = sg_srtp_engine_create(a);
	CU_ASSERT_PTR_NOT_NULL_FATAL(e);
	rnd_fill(mk, ml);
	struct sg_srtp_ctx *rx = sg_srtp_ctx_create(e, p, mk, mk, NULL);
	CU_ASSERT_PTR_NOT_NULL_FATAL(rx);
	srtp_t ltx = lib_session(p, mk, 0), lrx = lib_session(p, mk, 1);
	uint16_t s0 = (uint16_t)(65536 - rnd_in(1, npkts / 2));
	uint32_t ssrc = (uint32_t)rnd();
	uint64_t auth0 = sg_srtp_engine_stat(e, SG_SRTP_STAT_err_auth);
	for (unsigned k = 0; k < npkts; k++) {
		unsigned len = rnd_in(12, 1400);
		make_rtp(orig, len, (uint16_t)(s0 + k), 1000 * k, ssrc);
		memcpy(pkt, orig, len);
		int l = (int)len;
		CU_ASSERT_EQUAL_FATAL(srtp_protect(ltx, pkt, &l), srtp_err_status_ok);
		/* tamper / truncate first: must fail and leave the state usable */
		if (k % 7 == 3) {
			memcpy(buf, pkt, (size_t)l);
			buf[rnd_in(0, (unsigned)l - 1)] ^= (uint8_t)(1u << rnd_in(0, 7));
			uint16_t ul = (uint16_t)l;
			if (sg_srtp_unprotect(e, rx, buf, &ul) == 0)
				fails++;
			memcpy(buf, pkt, (size_t)l);
			ul = (uint16_t)rnd_in(0, (unsigned)l - 1);
			if (sg_srtp_unprotect(e, rx, buf, &ul) == 0)
				fails++;
		}
		memcpy(buf, pkt, (size_t)l);
		uint16_t ul = (uint16_t)l;
		int r = sg_srtp_unprotect(e, rx, buf, &ul);
		if (r != 0 || ul != len || memcmp(buf, orig, len))
			fails++;
		if (k % 5 == 0) { /* replay */
			memcpy(buf, pkt, (size_t)l);
			ul = (uint16_t)l;
			if (sg_srtp_unprotect(e, rx, buf, &ul) != SG_SRTP_E_REPLAY)
				fails++;
		}
		/* our SRTCP -> libsrtp2 */
		if (k % 4 == 0) {
			unsigned rl = 4 * rnd_in(2, 60);
			rnd_fill(orig, rl);
			orig[0] = 0x80; orig[1] = 200;
			memcpy(buf, orig, rl);
			ul = (uint16_t)rl;
			CU_ASSERT_EQUAL(sg_srtcp_protect(e, rx, buf, &ul, MAXPKT), 0);
			CU_ASSERT_EQUAL(ul, rl + sg_srtp_profile_rtcp_overhead(p));
			l = ul;
			if (srtp_unprotect_rtcp(lrx, buf, &l) != srtp_err_status_ok || (unsigned)l != rl ||
			    memcmp(buf, orig, rl))
				fails++;
		}
	}
	CU_ASSERT_EQUAL(sg_srtp_ctx_roc(rx), 1);
	CU_ASSERT(sg_srtp_engine_stat(e, SG_SRTP_STAT_err_auth) > auth0);
	CU_ASSERT(sg_srtp_engine_stat(e, SG_SRTP_STAT_err_replay) > 0);
	CU_ASSERT_EQUAL(fails, 0);
	if (fails)
		printf("\n  %s/%s: %u mismatches\n", sg_srtp_arch_name(a), sg_srtp_profile_name(p), fails);
	srtp_dealloc(ltx);
	srtp_dealloc(lrx);
	sg_srtp_ctx_free(rx);
	sg_srtp_engine_free(e);
}

static void t_interop_auto(void)
{
	for (unsigned i = 0; i < SG_ARRAY_SIZE(profiles); i++) {
		fanout_vs_libsrtp(SG_SRTP_ARCH_AUTO, profiles[i], 3000);
		libsrtp_vs_unprotect(SG_SRTP_ARCH_AUTO, profiles[i], 3000);
	}
}

static void t_interop_each_arch(void)
{
	for (int a = SG_SRTP_ARCH_SSE; a < SG_SRTP_ARCH__MAX; a++) {
		if (!sg_srtp_arch_supported((enum sg_srtp_arch)a))
			continue;
		for (unsigned i = 0; i < SG_ARRAY_SIZE(profiles); i++) {
			fanout_vs_libsrtp((enum sg_srtp_arch)a, profiles[i], 400);
			libsrtp_vs_unprotect((enum sg_srtp_arch)a, profiles[i], 400);
		}
	}
}

/* The SRTCP keys expanded per packet in the engine must be wiped after use. */
static int rtcp_scratch_zero(const struct sg_srtp_engine *e)
{
	const uint8_t *b = (const uint8_t *)&e->rtcp_keys;
	uint8_t d = 0;
	for (size_t i = 0; i < sizeof(e->rtcp_keys); i++)
		d |= b[i];
	return d == 0;
}

/* One engine, one context per profile, long-lived: rounds of burst-protected
 * RTP (checked by libsrtp2, across a ROC wrap), then SRTCP both ways with
 * libsrtp2. The SRTCP keys are expanded per packet from the raw keys kept in
 * the context; CM and GCM contexts alternate on the engine's scratch. */
static void t_srtcp_after_rtp(void)
{
	enum { NP = SG_ARRAY_SIZE(profiles), ROUNDS = 3, RTP_PER_ROUND = 2000, RTCP_PER_ROUND = 24 };
	uint8_t srv[48], cli[48], src[MAXPKT], out[NP][MAXPKT], buf[MAXPKT], plain[MAXPKT];
	struct sg_srtp_ctx *ctx[NP];
	srtp_t lrtp[NP], ltx[NP], lrx[NP];
	uint8_t *dst[NP];
	uint16_t olen[NP];
	int rc[NP];
	unsigned fails = 0, rtp_ok = 0, rtcp_in = 0, rtcp_out = 0, wiped = 0, checks = 0;
	struct sg_srtp_engine *e = eng(SG_SRTP_ARCH_AUTO);
	CU_ASSERT_PTR_NOT_NULL_FATAL(e);
	rnd_fill(srv, sizeof(srv));
	rnd_fill(cli, sizeof(cli));
	for (unsigned i = 0; i < NP; i++) {
		struct sg_srtp_rtp_params prm = {.ssrc = 0x5000u + i, .pt = 96};
		ctx[i] = sg_srtp_ctx_create(e, profiles[i], srv, cli, &prm);
		CU_ASSERT_PTR_NOT_NULL_FATAL(ctx[i]);
		lrtp[i] = lib_session(profiles[i], srv, 1);
		ltx[i] = lib_session(profiles[i], cli, 0);
		lrx[i] = lib_session(profiles[i], cli, 1);
		dst[i] = out[i];
	}
	uint16_t s0 = (uint16_t)(65536 - RTP_PER_ROUND);
	for (unsigned r = 0; r < ROUNDS; r++) {
		for (unsigned k = 0; k < RTP_PER_ROUND; k++) {
			unsigned len = rnd_in(12, 1200), n = r * RTP_PER_ROUND + k;
			make_rtp(src, len, (uint16_t)(s0 + n), 90 * n, 0x1234);
			CU_ASSERT_EQUAL(sg_srtp_protect_burst(e, src, (uint16_t)len, ctx, dst, MAXPKT, olen, rc, NP), NP);
			for (unsigned i = 0; i < NP; i++) {
				int l = olen[i];
				if (rc[i] || srtp_unprotect(lrtp[i], out[i], &l) != srtp_err_status_ok ||
				    (unsigned)l != len)
					fails++;
				else
					rtp_ok++;
			}
		}
		for (unsigned k = 0; k < RTCP_PER_ROUND; k++) {
			unsigned i = k % NP, rl = 4 * rnd_in(2, 30);
			/* libsrtp2 -> sg_srtcp_unprotect (two sending SSRCs) */
			rnd_fill(plain, rl);
			plain[0] = 0x81; plain[1] = 201; be16_put(plain + 2, (uint16_t)(rl / 4 - 1));
			be32_put(plain + 4, 0x7000u + (k & 1));
			memcpy(buf, plain, rl);
			int l = (int)rl;
			CU_ASSERT_EQUAL_FATAL(srtp_protect_rtcp(ltx[i], buf, &l), srtp_err_status_ok);
			uint16_t ul = (uint16_t)l;
			if (sg_srtcp_unprotect(e, ctx[i], buf, &ul) || ul != rl || memcmp(buf, plain, rl))
				fails++;
			else
				rtcp_in++;
			wiped += rtcp_scratch_zero(e);
			/* tampered: rejected, scratch wiped as well */
			memcpy(buf, plain, rl);
			l = (int)rl;
			CU_ASSERT_EQUAL_FATAL(srtp_protect_rtcp(ltx[i], buf, &l), srtp_err_status_ok);
			buf[rnd_in(8, (unsigned)l - 1)] ^= 0x10;
			ul = (uint16_t)l;
			if (sg_srtcp_unprotect(e, ctx[i], buf, &ul) != SG_SRTP_E_AUTH)
				fails++;
			wiped += rtcp_scratch_zero(e);
			/* sg_srtcp_protect -> libsrtp2 */
			memcpy(buf, plain, rl);
			ul = (uint16_t)rl;
			CU_ASSERT_EQUAL(sg_srtcp_protect(e, ctx[i], buf, &ul, MAXPKT), 0);
			wiped += rtcp_scratch_zero(e);
			l = ul;
			if (srtp_unprotect_rtcp(lrx[i], buf, &l) != srtp_err_status_ok || (unsigned)l != rl ||
			    memcmp(buf, plain, rl))
				fails++;
			else
				rtcp_out++;
			checks += 3;
		}
	}
	for (unsigned i = 0; i < NP; i++) {
		CU_ASSERT_EQUAL(sg_srtp_ctx_roc(ctx[i]), 1);
		CU_ASSERT_EQUAL(sg_srtp_ctx_srtcp_index(ctx[i]), ROUNDS * RTCP_PER_ROUND / NP);
		sg_srtp_ctx_free(ctx[i]);
		srtp_dealloc(lrtp[i]);
		srtp_dealloc(ltx[i]);
		srtp_dealloc(lrx[i]);
	}
	CU_ASSERT_EQUAL(fails, 0);
	CU_ASSERT_EQUAL(rtp_ok, ROUNDS * RTP_PER_ROUND * NP);
	CU_ASSERT_EQUAL(rtcp_in, ROUNDS * RTCP_PER_ROUND);
	CU_ASSERT_EQUAL(rtcp_out, ROUNDS * RTCP_PER_ROUND);
	CU_ASSERT_EQUAL(wiped, checks);
	CU_ASSERT_EQUAL(sg_srtp_engine_stat(e, SG_SRTP_STAT_rtcp_unprotected), ROUNDS * RTCP_PER_ROUND);
	CU_ASSERT_EQUAL(sg_srtp_engine_stat(e, SG_SRTP_STAT_err_auth), ROUNDS * RTCP_PER_ROUND);
	sg_srtp_engine_free(e);
}

#include "test_srtp_shared.inc"

/* ---- errors, limits, sizes ------------------------------------------- */

static void t_errors(void)
{
	uint8_t mk[48] = {1}, pkt[MAXPKT], out[MAXPKT];
	uint8_t *dst[1] = {out};
	uint16_t len, olen;
	int rc;
	struct sg_srtp_engine *e = eng(SG_SRTP_ARCH_AUTO);
	for (unsigned i = 0; i < SG_ARRAY_SIZE(profiles); i++) {
		enum sg_srtp_profile p = profiles[i];
		struct sg_srtp_ctx *c = sg_srtp_ctx_create(e, p, mk, mk, NULL);
		CU_ASSERT_PTR_NOT_NULL_FATAL(c);
		memset(pkt, 0, sizeof(pkt));
		pkt[0] = 0x80;
		len = 11;
		CU_ASSERT_EQUAL(sg_srtp_unprotect(e, c, pkt, &len), SG_SRTP_E_SHORT);
		len = 40;
		pkt[0] = 0x40;
		CU_ASSERT_EQUAL(sg_srtp_unprotect(e, c, pkt, &len), SG_SRTP_E_VERSION);
		CU_ASSERT_EQUAL(sg_srtcp_unprotect(e, c, pkt, &len), SG_SRTP_E_VERSION);
		CU_ASSERT_EQUAL(sg_srtcp_protect(e, c, pkt, &len, MAXPKT), SG_SRTP_E_VERSION);
		CU_ASSERT_EQUAL(sg_srtp_protect_burst(e, pkt, 40, &c, dst, MAXPKT, &olen, &rc, 1), 0);
		CU_ASSERT_EQUAL(rc, SG_SRTP_E_VERSION);
		pkt[0] = 0x90; /* extension header longer than the packet */
		be16_put(pkt + 14, 100);
		CU_ASSERT_EQUAL(sg_srtp_protect_burst(e, pkt, 40, &c, dst, MAXPKT, &olen, &rc, 1), 0);
		CU_ASSERT_EQUAL(rc, SG_SRTP_E_SHORT);
		pkt[0] = 0x80;
		CU_ASSERT_EQUAL(sg_srtp_protect_burst(e, pkt, 40, &c, dst, 41, &olen, &rc, 1), 0);
		CU_ASSERT_EQUAL(rc, SG_SRTP_E_NOSPACE);
		CU_ASSERT_EQUAL(olen, 0);
		len = 20;
		CU_ASSERT_EQUAL(sg_srtcp_unprotect(e, c, pkt, &len), SG_SRTP_E_SHORT);
		len = 60;
		CU_ASSERT_EQUAL(sg_srtcp_unprotect(e, c, pkt, &len), SG_SRTP_E_AUTH);
		len = 60;
		CU_ASSERT_EQUAL(sg_srtp_unprotect(e, c, pkt, &len), SG_SRTP_E_AUTH);
		CU_ASSERT_EQUAL(sg_srtp_unprotect(e, NULL, pkt, &len), SG_SRTP_E_INVAL);
		/* header-only RTP (empty payload) round-trips */
		struct sg_srtp_ctx *rx = sg_srtp_ctx_create(e, p, mk, mk, NULL);
		CU_ASSERT_EQUAL(sg_srtp_protect_burst(e, pkt, 12, &c, dst, MAXPKT, &olen, &rc, 1), 1);
		CU_ASSERT_EQUAL(rc, 0);
		len = olen;
		CU_ASSERT_EQUAL(sg_srtp_unprotect(e, rx, out, &len), 0);
		CU_ASSERT_EQUAL(len, 12);
		/* header-only RTCP round-trips */
		memcpy(out, pkt, 8);
		len = 8;
		CU_ASSERT_EQUAL(sg_srtcp_protect(e, rx, out, &len, MAXPKT), 0);
		CU_ASSERT_EQUAL(sg_srtcp_unprotect(e, c, out, &len), 0);
		CU_ASSERT_EQUAL(len, 8);
		sg_srtp_ctx_free(rx);
		sg_srtp_ctx_free(c);
	}
	CU_ASSERT(sg_srtp_engine_stat(e, SG_SRTP_STAT_err_short) >= 8);
	CU_ASSERT(sg_srtp_engine_stat(e, SG_SRTP_STAT_err_version) >= 16);
	CU_ASSERT(sg_srtp_engine_stat(e, SG_SRTP_STAT_err_auth) >= 8);
	CU_ASSERT(sg_srtp_engine_stat(e, SG_SRTP_STAT_err_nospace) >= 4);
	CU_ASSERT(sg_srtp_engine_stat(e, SG_SRTP_STAT_err_inval) >= 4);
	CU_ASSERT_STRING_EQUAL(sg_srtp_stat_name(SG_SRTP_STAT_err_auth), "err_auth");
	CU_ASSERT_PTR_NULL(sg_srtp_ctx_create(e, SG_SRTP_PROFILE__MAX, mk, mk, NULL));
	CU_ASSERT_PTR_NULL(sg_srtp_engine_create(SG_SRTP_ARCH__MAX));
	sg_srtp_engine_free(e);
}

static void t_limits_and_window(void)
{
	uint8_t mk[48] = {7}, pkt[MAXPKT], save[70][128];
	uint16_t len, slen[70];
	struct sg_srtp_engine *e = eng(SG_SRTP_ARCH_AUTO);
	for (unsigned i = 0; i < SG_ARRAY_SIZE(profiles); i++) {
		enum sg_srtp_profile p = profiles[i];
		struct sg_srtp_ctx *tx = sg_srtp_ctx_create(e, p, mk, mk, NULL);
		struct sg_srtp_ctx *rx = sg_srtp_ctx_create(e, p, mk, mk, NULL);
		/* SRTCP index limit 2^31 (RFC 3711 §3.4, §9.2) */
		CU_ASSERT_EQUAL(sg_srtp_ctx_set_srtcp_index(tx, 0x80000000u), -EINVAL);
		CU_ASSERT_EQUAL(sg_srtp_ctx_set_srtcp_index(tx, 0x7fffffffu), 0);
		memset(pkt, 0, 64);
		pkt[0] = 0x80; pkt[1] = 201;
		len = 8;
		CU_ASSERT_EQUAL(sg_srtcp_protect(e, tx, pkt, &len, MAXPKT), 0);
		CU_ASSERT_EQUAL(sg_srtcp_unprotect(e, rx, pkt, &len), 0);
		len = 8;
		CU_ASSERT_EQUAL(sg_srtcp_protect(e, tx, pkt, &len, MAXPKT), SG_SRTP_E_EXPIRED);
		/* SRTP packet limit 2^48 */
		tx->rtp_count = SG_SRTP_MAX_RTP_PKTS - 1;
		len = 12;
		CU_ASSERT_EQUAL(sg_srtp_protect(e, tx, pkt, &len, MAXPKT), 0);
		len = 12;
		CU_ASSERT_EQUAL(sg_srtp_protect(e, tx, pkt, &len, MAXPKT), SG_SRTP_E_EXPIRED);
		/* ROC exhaustion: ROC 2^32-1, seq wraps */
		struct sg_srtp_rtp_params prm = {.roc = UINT32_MAX, .pt = SG_SRTP_PT_KEEP};
		CU_ASSERT_EQUAL(sg_srtp_ctx_set_rtp(tx, &prm), 0);
		tx->rtp_count = 0;
		be16_put(pkt + 2, 65535);
		len = 12;
		CU_ASSERT_EQUAL(sg_srtp_protect(e, tx, pkt, &len, MAXPKT), 0);
		be16_put(pkt + 2, 0);
		len = 12;
		CU_ASSERT_EQUAL(sg_srtp_protect(e, tx, pkt, &len, MAXPKT), SG_SRTP_E_EXPIRED);
		/* replay window: out-of-order within 64 accepted, older rejected */
		prm.roc = 0;
		sg_srtp_ctx_set_rtp(tx, &prm);
		for (int k = 0; k < 70; k++) {
			memset(save[k], 0, 128);
			save[k][0] = 0x80;
			be16_put(save[k] + 2, (uint16_t)(65500 + k)); /* crosses the wrap */
			slen[k] = 40;
			CU_ASSERT_EQUAL(sg_srtp_protect(e, tx, save[k], &slen[k], 128), 0);
		}
		CU_ASSERT_EQUAL(sg_srtp_ctx_roc(tx), 1);
		/* the receiver learns ROC 0 from a pre-wrap packet (seq 65530) */
		len = slen[30];
		memcpy(pkt, save[30], len);
		CU_ASSERT_EQUAL(sg_srtp_unprotect(e, rx, pkt, &len), 0);
		CU_ASSERT_EQUAL(sg_srtp_ctx_roc(rx), 0);
		for (int k = 69; k >= 66; k--) { /* newest first (ROC 1), then older ones */
			len = slen[k];
			memcpy(pkt, save[k], len);
			CU_ASSERT_EQUAL(sg_srtp_unprotect(e, rx, pkt, &len), 0);
		}
		len = slen[10];
		memcpy(pkt, save[10], len);
		CU_ASSERT_EQUAL(sg_srtp_unprotect(e, rx, pkt, &len), 0); /* 59 behind */
		len = slen[5];
		memcpy(pkt, save[5], len);
		CU_ASSERT_EQUAL(sg_srtp_unprotect(e, rx, pkt, &len), SG_SRTP_E_REPLAY); /* 64 behind */
		len = slen[10];
		memcpy(pkt, save[10], len);
		CU_ASSERT_EQUAL(sg_srtp_unprotect(e, rx, pkt, &len), SG_SRTP_E_REPLAY);
		CU_ASSERT_EQUAL(sg_srtp_ctx_roc(rx), 1);
		sg_srtp_ctx_free(tx);
		sg_srtp_ctx_free(rx);
	}
	CU_ASSERT(sg_srtp_engine_stat(e, SG_SRTP_STAT_err_expired) >= 12);
	sg_srtp_engine_free(e);
}

static void t_sizes(void)
{
	printf("\n  sizeof ctx: CM %zu, GCM %zu bytes; engine %zu bytes\n",
	       sg_srtp_ctx_size(SG_SRTP_AES128_CM_SHA1_80),
	       sg_srtp_ctx_size(SG_SRTP_AEAD_AES_128_GCM), sizeof(struct sg_srtp_engine));
	CU_ASSERT(sg_srtp_ctx_size(SG_SRTP_AES128_CM_SHA1_80) <= 1024);
	CU_ASSERT(sg_srtp_ctx_size(SG_SRTP_AES128_CM_SHA1_32) <= 1024);
	CU_ASSERT(sg_srtp_ctx_size(SG_SRTP_AEAD_AES_128_GCM) <= 2560);
	CU_ASSERT(sg_srtp_ctx_size(SG_SRTP_AEAD_AES_256_GCM) <= 2560);
	CU_ASSERT_EQUAL(sg_srtp_ctx_size(SG_SRTP_AES128_CM_SHA1_80) % 64, 0);
	CU_ASSERT_EQUAL(sizeof(struct sg_srtp_ctx), 64); /* one header line per SSRC */
	/* fast-path memory targets: SRTCP keys kept raw (RFC 3711 §4.3) */
	printf("  sizeof ctx: CM_32 %zu, GCM_256 %zu bytes\n",
	       sg_srtp_ctx_size(SG_SRTP_AES128_CM_SHA1_32), sg_srtp_ctx_size(SG_SRTP_AEAD_AES_256_GCM));
	CU_ASSERT(sg_srtp_ctx_size(SG_SRTP_AES128_CM_SHA1_80) <= 512);
	CU_ASSERT(sg_srtp_ctx_size(SG_SRTP_AES128_CM_SHA1_32) <= 512);
	CU_ASSERT(sg_srtp_ctx_size(SG_SRTP_AEAD_AES_128_GCM) <= 1280);
	CU_ASSERT(sg_srtp_ctx_size(SG_SRTP_AEAD_AES_256_GCM) <= 1280);
	for (unsigned i = 0; i < SG_ARRAY_SIZE(profiles); i++) {
		enum sg_srtp_profile p = profiles[i];
		CU_ASSERT_EQUAL(sg_srtp_ctx_size(p) % 64, 0);
		/* header, SRTP key block, SRTCP tail with the raw key all fit */
		size_t blk = p >= SG_SRTP_AEAD_AES_128_GCM ? sizeof(struct sg_srtp_gcm_keys)
							  : sizeof(struct sg_srtp_cm_keys);
		CU_ASSERT(sizeof(struct sg_srtp_ctx) + blk + sizeof(struct sg_srtp_rtcp_tail) +
			  sg_srtp_profile_key_len(p) <= sg_srtp_ctx_size(p));
		/* a video + audio peer: one more line, not a second key block */
		CU_ASSERT_EQUAL(sg_srtp_ctx_size_n(p, 2), sg_srtp_ctx_size(p) + 64);
	}
	CU_ASSERT_EQUAL(sg_srtp_ctx_size(SG_SRTP_AES128_CM_SHA1_80), 448);
	CU_ASSERT_EQUAL(sg_srtp_ctx_size(SG_SRTP_AEAD_AES_128_GCM), 1216);
	CU_ASSERT_EQUAL(sg_srtp_ctx_size(SG_SRTP_AEAD_AES_256_GCM), 1280);
	CU_ASSERT_EQUAL(sg_srtp_ctx_size(SG_SRTP_PROFILE__MAX), 0);
	/* wipe on free: keys are zeroed in caller-owned memory */
	uint8_t mk[48] = {3};
	struct sg_srtp_engine *e = eng(SG_SRTP_ARCH_AUTO);
	size_t sz = sg_srtp_ctx_size(SG_SRTP_AES128_CM_SHA1_80);
	uint8_t *mem = aligned_alloc(64, sz);
	CU_ASSERT_EQUAL(sg_srtp_ctx_init(e, mem, sz, SG_SRTP_AES128_CM_SHA1_80, mk, mk, NULL), 0);
	CU_ASSERT_EQUAL(sg_srtp_ctx_init(e, mem + 1, sz, SG_SRTP_AES128_CM_SHA1_80, mk, mk, NULL), -EINVAL);
	sg_srtp_ctx_wipe((struct sg_srtp_ctx *)mem);
	unsigned nz = 0;
	for (size_t i = 0; i < sz; i++)
		nz |= mem[i];
	CU_ASSERT_EQUAL(nz, 0);
	free(mem);
	sg_srtp_engine_free(e);
}

int main(void)
{
	if (srtp_init() != srtp_err_status_ok)
		return 1;
	if (CU_initialize_registry() != CUE_SUCCESS)
		return 1;
	CU_pSuite s = CU_add_suite("srtp", NULL, NULL);
	CU_add_test(s, "RFC 3711 B.3 key derivation", t_rfc3711_kdf);
	CU_add_test(s, "RFC 3711 B.2 AES-CM keystream (protect path)", t_rfc3711_keystream);
	CU_add_test(s, "RFC 7714 16.1.1/17.1 AES-GCM SRTP/SRTCP", t_rfc7714);
	CU_add_test(s, "interop libsrtp2 + OpenSSL GCM, auto arch, 4 profiles", t_interop_auto);
	CU_add_test(s, "interop libsrtp2, every supported arch", t_interop_each_arch);
	CU_add_test(s, "SRTCP with libsrtp2 after many RTP packets, keys wiped", t_srtcp_after_rtp);
	CU_add_test(s, "SSRCs of one peer sharing one key block, with libsrtp2", t_shared_keys);
	CU_add_test(s, "output room: HMAC in place or staged, nothing past dst_cap", t_tag_room);
	CU_add_test(s, "distinct errors, counters", t_errors);
	CU_add_test(s, "key lifetime, ROC, replay window", t_limits_and_window);
	CU_add_test(s, "context size, alignment, wipe", t_sizes);
	CU_basic_set_mode(CU_BRM_VERBOSE);
	CU_basic_run_tests();
	unsigned fails = CU_get_number_of_failures();
	CU_cleanup_registry();
	srtp_shutdown();
	return fails ? 1 : 0;
}
