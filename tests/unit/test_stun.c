/* SPDX-License-Identifier: BSD-3-Clause
 * lib/stun unit tests. Oracles: RFC 5769 test vectors (tests/vectors/),
 * OpenSSL HMAC()/MD5 for MESSAGE-INTEGRITY and zlib's crc32() (loaded with
 * dlopen("libz.so.1") so the shared test wiring needs no -lz) for FINGERPRINT.
 * Messages crafted here are assembled byte by byte by the test's own encoder,
 * independent of lib/stun's.
 */
#include <CUnit/Basic.h>
#include <dlfcn.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/evp.h>
#include <openssl/hmac.h>

#include "sg_common.h"
#include "sg_stun.h"
#include "sg_stun_fp.h"

/* ---- oracles ---- */

typedef unsigned long (*zlib_crc32_fn)(unsigned long, const unsigned char *, unsigned int);
static zlib_crc32_fn z_crc32;

static uint32_t oracle_crc(const uint8_t *p, size_t n)
{
	return (uint32_t)z_crc32(z_crc32(0, NULL, 0), p, (unsigned)n);
}

static void oracle_hmac(const void *key, size_t klen, const uint8_t *p, size_t n, uint8_t out[20])
{
	unsigned int olen = 0;
	HMAC(EVP_sha1(), key, (int)klen, p, n, out, &olen);
	CU_ASSERT_EQUAL_FATAL(olen, 20);
}

static const char pwd5769[] = "VOkJxbRl1RmTxUk/WvJxBt";

/* Every reason must be produced by some test (checked last). */
static bool seen[SG_STUN__N_REASONS];

static void expect_r(enum sg_stun_reason got, enum sg_stun_reason want, int line)
{
	if ((unsigned)got < SG_STUN__N_REASONS)
		seen[got] = true;
	if (got != want)
		fprintf(stderr, "line %d: got %s want %s\n", line, sg_stun_reason_name(got),
			sg_stun_reason_name(want));
	CU_ASSERT_EQUAL(got, want);
}
#define EXPECT(got, want) expect_r((got), (want), __LINE__)

/* ---- vectors ---- */

static size_t load_hex(const char *name, uint8_t *buf, size_t cap)
{
	char path[512], line[256];
	size_t n = 0;
	snprintf(path, sizeof(path), "%s/%s", SG_TEST_VECTORS, name);
	FILE *f = fopen(path, "r");
	CU_ASSERT_PTR_NOT_NULL_FATAL(f);
	while (fgets(line, sizeof(line), f)) {
		char *hash = strchr(line, '#');
		if (hash)
			*hash = 0;
		char *p = line, *end;
		for (;;) {
			unsigned long v = strtoul(p, &end, 16);
			if (end == p)
				break;
			CU_ASSERT_FATAL(v <= 0xFF && n < cap);
			buf[n++] = (uint8_t)v;
			p = end;
		}
	}
	fclose(f);
	return n;
}

/* ---- the test's own encoder (independent of lib/stun's) ---- */

struct tmsg {
	uint8_t b[1024];
	size_t n;
};

static void t_hdr(struct tmsg *m, uint16_t type, const uint8_t tid[12])
{
	memset(m, 0, sizeof(*m));
	m->b[0] = (uint8_t)(type >> 8);
	m->b[1] = (uint8_t)type;
	m->b[4] = 0x21, m->b[5] = 0x12, m->b[6] = 0xA4, m->b[7] = 0x42;
	memcpy(m->b + 8, tid, 12);
	m->n = 20;
}

static void t_setlen(struct tmsg *m, size_t len)
{
	m->b[2] = (uint8_t)(len >> 8);
	m->b[3] = (uint8_t)len;
}

static void t_attr(struct tmsg *m, uint16_t type, const void *v, size_t len)
{
	m->b[m->n] = (uint8_t)(type >> 8);
	m->b[m->n + 1] = (uint8_t)type;
	m->b[m->n + 2] = (uint8_t)(len >> 8);
	m->b[m->n + 3] = (uint8_t)len;
	if (len)
		memcpy(m->b + m->n + 4, v, len);
	m->n += 4 + ((len + 3) & ~(size_t)3);
	t_setlen(m, m->n - 20);
}

static void t_u32(struct tmsg *m, uint16_t type, uint32_t v)
{
	uint8_t b[4] = {(uint8_t)(v >> 24), (uint8_t)(v >> 16), (uint8_t)(v >> 8), (uint8_t)v};
	t_attr(m, type, b, 4);
}

static void t_u64(struct tmsg *m, uint16_t type, uint64_t v)
{
	uint8_t b[8];
	for (int i = 0; i < 8; i++)
		b[i] = (uint8_t)(v >> (56 - 8 * i));
	t_attr(m, type, b, 8);
}

static void t_mi(struct tmsg *m, const char *pwd)
{
	uint8_t mac[20];
	t_setlen(m, m->n - 20 + 24);
	oracle_hmac(pwd, strlen(pwd), m->b, m->n, mac);
	t_attr(m, SG_STUN_ATTR_MESSAGE_INTEGRITY, mac, 20);
}

static void t_fp(struct tmsg *m)
{
	t_setlen(m, m->n - 20 + 8);
	t_u32(m, SG_STUN_ATTR_FINGERPRINT, oracle_crc(m->b, m->n) ^ 0x5354554Eu);
}

static const uint8_t tid1[12] = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12};

/* A Binding request as Chrome sends it: USERNAME, GOOG-NETWORK-INFO,
 * ICE-CONTROLLING, USE-CANDIDATE, PRIORITY, MESSAGE-INTEGRITY, FINGERPRINT. */
static void t_chrome(struct tmsg *m, const char *user, const char *pwd)
{
	t_hdr(m, SG_STUN_BINDING_REQUEST, tid1);
	t_attr(m, SG_STUN_ATTR_USERNAME, user, strlen(user));
	t_u32(m, SG_STUN_ATTR_GOOG_NETWORK_INFO, 0x00010000u | 10u);
	t_u64(m, SG_STUN_ATTR_ICE_CONTROLLING, 0x1122334455667788ull);
	t_attr(m, SG_STUN_ATTR_USE_CANDIDATE, NULL, 0);
	t_u32(m, SG_STUN_ATTR_PRIORITY, 1853824767u);
	t_mi(m, pwd);
	t_fp(m);
}

/* ---- server set-up: two sessions ---- */

struct tsess {
	const char *ufrag;
	const char *remote;
	const char *pwd;
	struct sg_stun_key key;
};
static struct tsess sess[2] = {
	{"srvA", "brw1", "0123456789abcdefghijkl", {{0}, {0}}},
	{"evtj", "h6vY", pwd5769, {{0}, {0}}},
};

static const struct sg_stun_key *lookup(void *arg, const uint8_t *l, size_t ll, const uint8_t *r,
					size_t rl)
{
	struct tsess *s = arg;
	for (int i = 0; i < 2; i++)
		if (strlen(s[i].ufrag) == ll && !memcmp(s[i].ufrag, l, ll) &&
		    strlen(s[i].remote) == rl && !memcmp(s[i].remote, r, rl))
			return &s[i].key;
	return NULL;
}

static struct sg_stun_server_cfg cfg = {.lookup = lookup, .lookup_arg = sess};

static const struct sg_stun_addr src4 = {.family = 4, .port = 50000, .addr = {192, 0, 2, 77}};
static const struct sg_stun_addr src6 = {
	.family = 6, .port = 40001,
	.addr = {0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xbe, 0xef}};

static int suite_init(void)
{
	void *h = dlopen("libz.so.1", RTLD_NOW);
	if (!h)
		return -1;
	z_crc32 = (zlib_crc32_fn)(uintptr_t)dlsym(h, "crc32");
	if (!z_crc32)
		return -1;
	for (int i = 0; i < 2; i++)
		if (sg_stun_key_init(&sess[i].key, sess[i].pwd, strlen(sess[i].pwd)))
			return -1;
	return 0;
}

/* ---- tests ---- */

static void t_crc32(void)
{
	static const char check[] = "123456789";
	CU_ASSERT_EQUAL(sg_stun_crc32(0, check, 9), 0xCBF43926u); /* CRC-32/ISO-HDLC check */
	uint8_t buf[600];
	srand(7);
	for (size_t i = 0; i < sizeof(buf); i++)
		buf[i] = (uint8_t)rand();
	for (size_t off = 0; off < 8; off++)
		for (size_t n = 0; n + off <= sizeof(buf); n += 1 + n / 8)
			CU_ASSERT_EQUAL(sg_stun_crc32(0, buf + off, n), oracle_crc(buf + off, n));
	/* Continuation, as zlib. */
	uint32_t c = sg_stun_crc32(0, buf, 100);
	CU_ASSERT_EQUAL(sg_stun_crc32(c, buf + 100, 200), oracle_crc(buf, 300));
}

static void t_hmac(void)
{
	uint8_t key[200], msg[300], a[20], b[20];
	struct sg_stun_key k;
	srand(11);
	for (size_t i = 0; i < sizeof(key); i++)
		key[i] = (uint8_t)rand();
	for (size_t i = 0; i < sizeof(msg); i++)
		msg[i] = (uint8_t)rand();
	static const size_t klens[] = {0, 1, 22, 63, 64, 65, 128, 200};
	static const size_t mlens[] = {0, 1, 20, 55, 56, 63, 64, 65, 119, 120, 300};
	for (size_t i = 0; i < SG_ARRAY_SIZE(klens); i++) {
		CU_ASSERT_EQUAL_FATAL(sg_stun_key_init(&k, key, klens[i]), 0);
		for (size_t j = 0; j < SG_ARRAY_SIZE(mlens); j++) {
			sg_stun_hmac_sha1(&k, msg, mlens[j], a);
			oracle_hmac(key, klens[i], msg, mlens[j], b);
			CU_ASSERT_EQUAL(memcmp(a, b, 20), 0);
		}
	}
	CU_ASSERT_EQUAL(sg_stun_key_init(&k, key, SG_STUN_MAX_PWD + 1), -EINVAL);
	CU_ASSERT_EQUAL(sg_stun_key_init(NULL, key, 4), -EINVAL);
	CU_ASSERT_EQUAL(sg_stun_key_init(&k, NULL, 4), -EINVAL);
	sg_stun_key_wipe(&k);
	CU_ASSERT_EQUAL(k.ih[0] | k.oh[4], 0);
}

/* Check a vector's MI and FINGERPRINT with the oracles (transcription check). */
static void oracle_check_vector(const uint8_t *b, size_t n, const void *key, size_t klen, bool has_fp)
{
	uint8_t tmp[256], mac[20];
	size_t fp = has_fp ? n - 8 : n, mi = fp - 24;
	CU_ASSERT_FATAL(n <= sizeof(tmp));
	if (has_fp)
		CU_ASSERT_EQUAL(oracle_crc(b, fp) ^ 0x5354554Eu,
				(uint32_t)b[fp + 4] << 24 | (uint32_t)b[fp + 5] << 16 | b[fp + 6] << 8 | b[fp + 7]);
	memcpy(tmp, b, mi);
	tmp[2] = 0;
	tmp[3] = (uint8_t)(mi + 24 - 20);
	oracle_hmac(key, klen, tmp, mi, mac);
	CU_ASSERT_EQUAL(memcmp(mac, b + mi + 4, 20), 0);
}

static void t_rfc5769_request(void)
{
	uint8_t b[256], out[256];
	struct sg_stun_msg m;
	size_t n = load_hex("rfc5769_request.hex", b, sizeof(b));
	CU_ASSERT_EQUAL_FATAL(n, 108);
	oracle_check_vector(b, n, pwd5769, strlen(pwd5769), true);

	EXPECT(sg_stun_parse(b, n, &m), SG_STUN_OK);
	CU_ASSERT_EQUAL(m.type, SG_STUN_BINDING_REQUEST);
	CU_ASSERT_EQUAL(m.n_attrs, 6);
	CU_ASSERT_EQUAL(m.software_len, 16);
	CU_ASSERT_EQUAL(memcmp(b + m.software_off, "STUN test client", 16), 0);
	CU_ASSERT(m.has_priority);
	CU_ASSERT_EQUAL(m.priority, 0x6e0001ffu);
	CU_ASSERT(m.ice_controlled && !m.ice_controlling);
	CU_ASSERT_EQUAL(m.tiebreaker, 0x932ff9b151263b36ull);
	CU_ASSERT_EQUAL(m.username_len, 9);
	CU_ASSERT_EQUAL(memcmp(b + m.username_off, "evtj:h6vY", 9), 0);
	CU_ASSERT_EQUAL(m.mi_off, 108 - 32);
	CU_ASSERT_EQUAL(m.fp_off, 108 - 8);
	CU_ASSERT_EQUAL(m.n_unknown, 0);
	EXPECT(sg_stun_fingerprint_check(&m), SG_STUN_OK);
	EXPECT(sg_stun_integrity_check(&m, &sess[1].key), SG_STUN_OK);
	EXPECT(sg_stun_integrity_check(&m, &sess[0].key), SG_STUN_BAD_INTEGRITY);

	/* As a lite agent we answer its ICE-CONTROLLED with 487 (RFC 8445 §7.3.1.1). */
	struct sg_stun_answer ans;
	EXPECT(sg_stun_answer(&cfg, b, n, &src4, out, sizeof(out), &ans), SG_STUN_ANSWERED_487);
	CU_ASSERT_EQUAL(ans.code, 487);
	CU_ASSERT_PTR_EQUAL(ans.key, &sess[1].key);
	CU_ASSERT_FATAL(ans.len > 0);
	oracle_check_vector(out, ans.len, pwd5769, strlen(pwd5769), true);
	EXPECT(sg_stun_response_verify(out, ans.len, b + 8, &sess[1].key, &m), SG_STUN_OK);
	CU_ASSERT_EQUAL(m.type, SG_STUN_BINDING_ERROR);
	CU_ASSERT_EQUAL(m.error_code, 487);
	CU_ASSERT_EQUAL(m.err_reason_len, 13);
	CU_ASSERT_EQUAL(memcmp(out + m.err_reason_off, "Role Conflict", 13), 0);
}

static void t_rfc5769_responses(void)
{
	uint8_t b[256];
	struct sg_stun_msg m;
	static const uint8_t tid[12] = {0xb7, 0xe7, 0xa7, 0x01, 0xbc, 0x34,
					0xd6, 0x86, 0xfa, 0x87, 0xdf, 0xae};
	static const uint8_t v6[16] = {0x20, 0x01, 0x0d, 0xb8, 0x12, 0x34, 0x56, 0x78,
				       0x00, 0x11, 0x22, 0x33, 0x44, 0x55, 0x66, 0x77};

	size_t n = load_hex("rfc5769_response_ipv4.hex", b, sizeof(b));
	CU_ASSERT_EQUAL_FATAL(n, 80);
	oracle_check_vector(b, n, pwd5769, strlen(pwd5769), true);
	EXPECT(sg_stun_response_verify(b, n, tid, &sess[1].key, &m), SG_STUN_OK);
	CU_ASSERT_EQUAL(m.type, SG_STUN_BINDING_SUCCESS);
	CU_ASSERT(m.has_xor_mapped);
	CU_ASSERT_EQUAL(m.xor_mapped.family, 4);
	CU_ASSERT_EQUAL(m.xor_mapped.port, 32853);
	CU_ASSERT_EQUAL(memcmp(m.xor_mapped.addr, "\xc0\x00\x02\x01", 4), 0);
	CU_ASSERT_EQUAL(m.software_len, 11);
	CU_ASSERT_EQUAL(memcmp(b + m.software_off, "test vector", 11), 0);
	EXPECT(sg_stun_response_verify(b, n, tid, &sess[0].key, &m), SG_STUN_BAD_INTEGRITY);
	EXPECT(sg_stun_response_verify(b, n, tid1, &sess[1].key, &m), SG_STUN_TID_MISMATCH);

	n = load_hex("rfc5769_response_ipv6.hex", b, sizeof(b));
	CU_ASSERT_EQUAL_FATAL(n, 92);
	oracle_check_vector(b, n, pwd5769, strlen(pwd5769), true);
	EXPECT(sg_stun_response_verify(b, n, tid, &sess[1].key, &m), SG_STUN_OK);
	CU_ASSERT_EQUAL(m.xor_mapped.family, 6);
	CU_ASSERT_EQUAL(m.xor_mapped.port, 32853);
	CU_ASSERT_EQUAL(memcmp(m.xor_mapped.addr, v6, 16), 0);
}

static void t_rfc5769_longterm(void)
{
	uint8_t b[256], md5[16];
	unsigned int mdlen = 0;
	struct sg_stun_msg m;
	struct sg_stun_key k;
	static const char user[] = "\xe3\x83\x9e\xe3\x83\x88\xe3\x83\xaa\xe3\x83\x83\xe3\x82\xaf\xe3\x82\xb9";
	static const char a1[] = "\xe3\x83\x9e\xe3\x83\x88\xe3\x83\xaa\xe3\x83\x83\xe3\x82\xaf\xe3\x82\xb9"
				 ":example.org:TheMatrIX";

	size_t n = load_hex("rfc5769_request_longterm.hex", b, sizeof(b));
	CU_ASSERT_EQUAL_FATAL(n, 116);
	/* RFC 8489 §9.2.2: long-term key = MD5(username ":" realm ":" password). */
	CU_ASSERT_FATAL(EVP_Digest(a1, strlen(a1), md5, &mdlen, EVP_md5(), NULL) == 1);
	oracle_check_vector(b, n, md5, 16, false);

	EXPECT(sg_stun_parse(b, n, &m), SG_STUN_OK);
	CU_ASSERT_EQUAL(m.n_attrs, 4);
	CU_ASSERT_EQUAL(m.username_len, 18);
	CU_ASSERT_EQUAL(memcmp(b + m.username_off, user, 18), 0);
	/* NONCE and REALM are comprehension-required and not ours. */
	CU_ASSERT_EQUAL(m.n_unknown, 2);
	CU_ASSERT_EQUAL(m.unknown[0], SG_STUN_ATTR_NONCE);
	CU_ASSERT_EQUAL(m.unknown[1], SG_STUN_ATTR_REALM);
	CU_ASSERT_EQUAL(m.fp_off, 0);
	EXPECT(sg_stun_fingerprint_check(&m), SG_STUN_NO_FINGERPRINT);
	CU_ASSERT_EQUAL(sg_stun_key_init(&k, md5, 16), 0);
	EXPECT(sg_stun_integrity_check(&m, &k), SG_STUN_OK);
	/* Not an ICE check: no FINGERPRINT, so no answer. */
	struct sg_stun_answer ans;
	uint8_t out[256];
	EXPECT(sg_stun_answer(&cfg, b, n, &src4, out, sizeof(out), &ans), SG_STUN_NO_FINGERPRINT);
	CU_ASSERT_EQUAL(ans.len, 0);
}

/* Check a success response with the oracles and decode XOR-MAPPED-ADDRESS by hand. */
static void oracle_check_success(const uint8_t *r, size_t n, const uint8_t tid[12], const char *pwd,
				 const struct sg_stun_addr *want)
{
	size_t alen = want->family == 6 ? 16 : 4;
	CU_ASSERT_EQUAL_FATAL(n, 20 + 4 + 4 + alen + 24 + 8);
	CU_ASSERT_EQUAL(r[0] << 8 | r[1], 0x0101);
	CU_ASSERT_EQUAL((size_t)(r[2] << 8 | r[3]), n - 20);
	CU_ASSERT_EQUAL(memcmp(r + 4, "\x21\x12\xa4\x42", 4), 0);
	CU_ASSERT_EQUAL(memcmp(r + 8, tid, 12), 0);
	CU_ASSERT_EQUAL(r[20] << 8 | r[21], 0x0020);
	CU_ASSERT_EQUAL((size_t)(r[22] << 8 | r[23]), 4 + alen);
	CU_ASSERT_EQUAL(r[25], want->family == 6 ? 2 : 1);
	CU_ASSERT_EQUAL((r[26] << 8 | r[27]) ^ 0x2112, want->port);
	for (size_t i = 0; i < alen; i++)
		CU_ASSERT_EQUAL(r[28 + i] ^ r[4 + i], want->addr[i]);
	oracle_check_vector(r, n, pwd, strlen(pwd), true);
}

static void t_chrome_request(void)
{
	struct tmsg q;
	struct sg_stun_answer ans;
	struct sg_stun_msg m;
	uint8_t out[128];

	t_chrome(&q, "srvA:brw1", sess[0].pwd);
	EXPECT(sg_stun_parse(q.b, q.n, &m), SG_STUN_OK);
	CU_ASSERT(m.has_network_info && m.network_info == 0x0001000au);
	CU_ASSERT(m.ice_controlling && m.use_candidate && m.priority == 1853824767u);

	/* Into a separate buffer, IPv4. */
	EXPECT(sg_stun_answer(&cfg, q.b, q.n, &src4, out, sizeof(out), &ans), SG_STUN_OK);
	CU_ASSERT_EQUAL(ans.code, 0);
	CU_ASSERT_PTR_EQUAL(ans.key, &sess[0].key);
	CU_ASSERT(ans.use_candidate && ans.has_priority && ans.ice_controlling);
	CU_ASSERT_EQUAL(ans.priority, 1853824767u);
	CU_ASSERT_EQUAL(ans.tiebreaker, 0x1122334455667788ull);
	oracle_check_success(out, ans.len, tid1, sess[0].pwd, &src4);
	EXPECT(sg_stun_response_verify(out, ans.len, tid1, &sess[0].key, &m), SG_STUN_OK);
	CU_ASSERT_EQUAL(m.xor_mapped.port, src4.port);

	/* In place, IPv6 (the answer is shorter than the request here). */
	size_t qlen = q.n;
	EXPECT(sg_stun_answer(&cfg, q.b, qlen, &src6, q.b, sizeof(q.b), &ans), SG_STUN_OK);
	oracle_check_success(q.b, ans.len, tid1, sess[0].pwd, &src6);
	EXPECT(sg_stun_response_verify(q.b, ans.len, tid1, &sess[0].key, &m), SG_STUN_OK);
	CU_ASSERT_EQUAL(memcmp(m.xor_mapped.addr, src6.addr, 16), 0);

	/* In place into a minimal request (answer longer than the request). */
	t_hdr(&q, SG_STUN_BINDING_REQUEST, tid1);
	t_attr(&q, SG_STUN_ATTR_USERNAME, "srvA:brw1", 9);
	t_mi(&q, sess[0].pwd);
	t_fp(&q);
	CU_ASSERT(q.n < 76);
	EXPECT(sg_stun_answer(&cfg, q.b, q.n, &src6, q.b, 76, &ans), SG_STUN_OK);
	CU_ASSERT_EQUAL(ans.len, 76);
	CU_ASSERT(!ans.use_candidate && !ans.has_priority);
	oracle_check_success(q.b, ans.len, tid1, sess[0].pwd, &src6);
}

static void t_round_trip(void)
{
	uint8_t req[256], resp[128];
	struct sg_stun_request r = {
		.tid = {0xa0, 0xa1, 0xa2, 0xa3, 0xa4, 0xa5, 0xa6, 0xa7, 0xa8, 0xa9, 0xaa, 0xab},
		.username = "srvA:brw1",
		.key = &sess[0].key,
		.priority = 0x7e7f00ffu,
		.controlling = true,
		.tiebreaker = 0xdeadbeefcafef00dull,
		.use_candidate = true,
		.has_network_info = true,
		.network_info = 0x00020032u,
	};
	struct sg_stun_answer ans;
	struct sg_stun_msg m;

	for (int pass = 0; pass < 4; pass++) {
		r.use_candidate = pass & 1;
		r.has_network_info = pass & 2;
		int n = sg_stun_request_build(req, sizeof(req), &r);
		CU_ASSERT_FATAL(n > 0);
		/* The request passes the oracles too. */
		oracle_check_vector(req, (size_t)n, sess[0].pwd, strlen(sess[0].pwd), true);
		EXPECT(sg_stun_parse(req, (size_t)n, &m), SG_STUN_OK);
		CU_ASSERT_EQUAL(m.has_network_info, (pass & 2) != 0);
		const struct sg_stun_addr *src = pass & 1 ? &src6 : &src4;
		EXPECT(sg_stun_answer(&cfg, req, (size_t)n, src, resp, sizeof(resp), &ans), SG_STUN_OK);
		CU_ASSERT_EQUAL(ans.use_candidate, (pass & 1) != 0);
		CU_ASSERT_EQUAL(ans.priority, r.priority);
		CU_ASSERT_EQUAL(ans.tiebreaker, r.tiebreaker);
		EXPECT(sg_stun_response_verify(resp, ans.len, r.tid, &sess[0].key, &m), SG_STUN_OK);
		CU_ASSERT_EQUAL(m.xor_mapped.family, src->family);
		CU_ASSERT_EQUAL(m.xor_mapped.port, src->port);
		CU_ASSERT_EQUAL(memcmp(m.xor_mapped.addr, src->addr, src->family == 6 ? 16 : 4), 0);
	}
	/* A controlled client gets 487 (we are lite, RFC 8445 §6.1.1). */
	r.controlling = false;
	int n = sg_stun_request_build(req, sizeof(req), &r);
	CU_ASSERT_FATAL(n > 0);
	EXPECT(sg_stun_answer(&cfg, req, (size_t)n, &src4, resp, sizeof(resp), &ans), SG_STUN_ANSWERED_487);
	EXPECT(sg_stun_response_verify(resp, ans.len, r.tid, &sess[0].key, &m), SG_STUN_OK);
	CU_ASSERT_EQUAL(m.error_code, SG_STUN_ERR_ROLE_CONFLICT);

	/* Builder errors. */
	CU_ASSERT_EQUAL(sg_stun_request_build(req, 60, &r), -ENOSPC);
	CU_ASSERT_EQUAL(sg_stun_request_build(req, (size_t)n - 1, &r), -ENOSPC);
	CU_ASSERT_EQUAL(sg_stun_request_build(req, (size_t)n, &r), n);
	r.key = NULL;
	CU_ASSERT_EQUAL(sg_stun_request_build(req, sizeof(req), &r), -EINVAL);
	char big[SG_STUN_MAX_USERNAME + 2];
	memset(big, 'u', sizeof(big) - 1);
	big[sizeof(big) - 1] = 0;
	r.key = &sess[0].key;
	r.username = big;
	CU_ASSERT_EQUAL(sg_stun_request_build(req, sizeof(req), &r), -EINVAL);
}

static enum sg_stun_reason answer(struct tmsg *q, struct sg_stun_answer *ans)
{
	static uint8_t out[256];
	enum sg_stun_reason r = sg_stun_answer(&cfg, q->b, q->n, &src4, out, sizeof(out), ans);
	if (r != SG_STUN_OK && r != SG_STUN_ANSWERED_420 && r != SG_STUN_ANSWERED_487)
		CU_ASSERT_EQUAL(ans->len, 0); /* unanswered: nothing written */
	return r;
}

static void t_header_errors(void)
{
	struct tmsg q;
	struct sg_stun_answer ans;

	t_chrome(&q, "srvA:brw1", sess[0].pwd);
	EXPECT(answer(&q, &ans), SG_STUN_OK);
	size_t n = q.n;
	q.n = 19;
	EXPECT(answer(&q, &ans), SG_STUN_NOT_STUN);
	q.n = n;
	q.b[0] |= 0x80; /* RTP-looking */
	EXPECT(answer(&q, &ans), SG_STUN_NOT_STUN);
	q.b[0] &= 0x3F;
	q.b[4] = 0x22;
	EXPECT(answer(&q, &ans), SG_STUN_BAD_COOKIE);
	q.b[4] = 0x21;
	q.n = n - 4; /* datagram shorter than the header length */
	EXPECT(answer(&q, &ans), SG_STUN_BAD_LENGTH);
	q.n = n;
	q.b[3] ^= 2; /* not a multiple of 4 */
	EXPECT(answer(&q, &ans), SG_STUN_BAD_LENGTH);
	q.b[3] ^= 2;
	EXPECT(answer(&q, &ans), SG_STUN_OK);
	/* Too many attributes (comprehension-optional, so otherwise harmless). */
	t_hdr(&q, SG_STUN_BINDING_REQUEST, tid1);
	for (unsigned i = 0; i < SG_STUN_MAX_ATTRS - 2; i++)
		t_attr(&q, 0xC058, NULL, 0);
	t_attr(&q, SG_STUN_ATTR_USERNAME, "srvA:brw1", 9);
	t_mi(&q, sess[0].pwd);
	t_fp(&q);
	EXPECT(answer(&q, &ans), SG_STUN_TOO_MANY_ATTRS);
	t_hdr(&q, SG_STUN_BINDING_REQUEST, tid1);
	for (unsigned i = 0; i < SG_STUN_MAX_ATTRS - 3; i++)
		t_attr(&q, 0xC058, NULL, 0);
	t_attr(&q, SG_STUN_ATTR_USERNAME, "srvA:brw1", 9);
	t_mi(&q, sess[0].pwd);
	t_fp(&q);
	EXPECT(answer(&q, &ans), SG_STUN_OK);
}

/* Build a request whose one extra attribute (before MI) is malformed. */
static void malformed(uint16_t type, const void *v, size_t len)
{
	struct tmsg q;
	struct sg_stun_answer ans;
	t_hdr(&q, SG_STUN_BINDING_REQUEST, tid1);
	t_attr(&q, SG_STUN_ATTR_USERNAME, "srvA:brw1", 9);
	t_attr(&q, type, v, len);
	t_mi(&q, sess[0].pwd);
	t_fp(&q);
	EXPECT(answer(&q, &ans), SG_STUN_MALFORMED_ATTR);
}

static void t_attr_errors(void)
{
	struct tmsg q;
	struct sg_stun_answer ans;
	uint8_t z[600] = {0};

	malformed(SG_STUN_ATTR_PRIORITY, z, 3);
	malformed(SG_STUN_ATTR_PRIORITY, z, 8);
	malformed(SG_STUN_ATTR_USE_CANDIDATE, z, 4);
	malformed(SG_STUN_ATTR_ICE_CONTROLLING, z, 4);
	malformed(SG_STUN_ATTR_ICE_CONTROLLED, z, 12);
	malformed(SG_STUN_ATTR_GOOG_NETWORK_INFO, z, 2);
	malformed(SG_STUN_ATTR_MESSAGE_INTEGRITY_SHA256, z, 12);
	malformed(SG_STUN_ATTR_USERNAME, z, SG_STUN_MAX_USERNAME + 1);
	malformed(SG_STUN_ATTR_XOR_MAPPED_ADDRESS, "\x00\x03\x00\x00\x01\x02\x03\x04", 8);
	static const uint8_t v4_as_20[20] = {0, 1, 0, 0, 1, 2, 3, 4}; /* family IPv4, IPv6 length */
	malformed(SG_STUN_ATTR_XOR_MAPPED_ADDRESS, v4_as_20, 20);
	malformed(SG_STUN_ATTR_ERROR_CODE, "\x00\x00\x07\x00", 4);
	malformed(SG_STUN_ATTR_ERROR_CODE, "\x00\x00\x04\x64", 4);
	malformed(SG_STUN_ATTR_ERROR_CODE, "\x00\x00", 2);
	/* MI and FINGERPRINT with bad lengths. */
	t_hdr(&q, SG_STUN_BINDING_REQUEST, tid1);
	t_attr(&q, SG_STUN_ATTR_USERNAME, "srvA:brw1", 9);
	t_attr(&q, SG_STUN_ATTR_MESSAGE_INTEGRITY, z, 16);
	EXPECT(answer(&q, &ans), SG_STUN_MALFORMED_ATTR);
	t_hdr(&q, SG_STUN_BINDING_REQUEST, tid1);
	t_attr(&q, SG_STUN_ATTR_FINGERPRINT, z, 8);
	EXPECT(answer(&q, &ans), SG_STUN_MALFORMED_ATTR);
	/* Attribute running past the message. */
	t_chrome(&q, "srvA:brw1", sess[0].pwd);
	q.b[22] = 0x01; /* USERNAME length 9 -> 265 */
	EXPECT(answer(&q, &ans), SG_STUN_MALFORMED_ATTR);
	/* Malformed attributes after MESSAGE-INTEGRITY are ignored (RFC 8489 §14.5). */
	t_hdr(&q, SG_STUN_BINDING_REQUEST, tid1);
	t_attr(&q, SG_STUN_ATTR_USERNAME, "srvA:brw1", 9);
	t_mi(&q, sess[0].pwd);
	t_attr(&q, SG_STUN_ATTR_PRIORITY, z, 3);
	t_attr(&q, 0x0033, z, 4); /* unknown comprehension-required: ignored too */
	t_fp(&q);
	EXPECT(answer(&q, &ans), SG_STUN_OK);
	/* FINGERPRINT must be last. */
	t_chrome(&q, "srvA:brw1", sess[0].pwd);
	t_attr(&q, SG_STUN_ATTR_SOFTWARE, "x", 1);
	EXPECT(answer(&q, &ans), SG_STUN_FINGERPRINT_NOT_LAST);
}

static void t_auth_errors(void)
{
	struct tmsg q;
	struct sg_stun_answer ans;

	/* No FINGERPRINT: dropped unless allowed. */
	t_hdr(&q, SG_STUN_BINDING_REQUEST, tid1);
	t_attr(&q, SG_STUN_ATTR_USERNAME, "srvA:brw1", 9);
	t_mi(&q, sess[0].pwd);
	EXPECT(answer(&q, &ans), SG_STUN_NO_FINGERPRINT);
	cfg.allow_no_fingerprint = true;
	EXPECT(answer(&q, &ans), SG_STUN_OK);
	cfg.allow_no_fingerprint = false;
	/* Bad FINGERPRINT: one flipped bit anywhere. */
	t_chrome(&q, "srvA:brw1", sess[0].pwd);
	q.b[q.n - 1] ^= 1;
	EXPECT(answer(&q, &ans), SG_STUN_BAD_FINGERPRINT);
	t_chrome(&q, "srvA:brw1", sess[0].pwd);
	q.b[30] ^= 0x10;
	EXPECT(answer(&q, &ans), SG_STUN_BAD_FINGERPRINT);
	/* Indications, other methods and classes. */
	t_hdr(&q, SG_STUN_BINDING_INDICATION, tid1);
	t_fp(&q);
	EXPECT(answer(&q, &ans), SG_STUN_INDICATION);
	t_hdr(&q, 0x0002, tid1);
	t_attr(&q, SG_STUN_ATTR_USERNAME, "srvA:brw1", 9);
	t_mi(&q, sess[0].pwd);
	t_fp(&q);
	EXPECT(answer(&q, &ans), SG_STUN_NOT_BINDING_REQUEST);
	t_hdr(&q, SG_STUN_BINDING_SUCCESS, tid1);
	t_fp(&q);
	EXPECT(answer(&q, &ans), SG_STUN_NOT_BINDING_REQUEST);
	/* USERNAME problems. */
	t_hdr(&q, SG_STUN_BINDING_REQUEST, tid1);
	t_mi(&q, sess[0].pwd);
	t_fp(&q);
	EXPECT(answer(&q, &ans), SG_STUN_NO_USERNAME);
	/* USERNAME after MI is ignored, so it is missing (RFC 8489 §14.5). */
	t_hdr(&q, SG_STUN_BINDING_REQUEST, tid1);
	t_mi(&q, sess[0].pwd);
	t_attr(&q, SG_STUN_ATTR_USERNAME, "srvA:brw1", 9);
	t_fp(&q);
	EXPECT(answer(&q, &ans), SG_STUN_NO_USERNAME);
	static const char *const bad_users[] = {"srvAbrw1", ":brw1", "srvA:", ""};
	for (size_t i = 0; i < SG_ARRAY_SIZE(bad_users); i++) {
		t_chrome(&q, bad_users[i], sess[0].pwd);
		EXPECT(answer(&q, &ans), SG_STUN_BAD_USERNAME);
	}
	t_chrome(&q, "srvB:brw1", sess[0].pwd);
	EXPECT(answer(&q, &ans), SG_STUN_UNKNOWN_USER);
	t_chrome(&q, "srvA:brw2", sess[0].pwd); /* remote ufrag checked by the lookup */
	EXPECT(answer(&q, &ans), SG_STUN_UNKNOWN_USER);
	/* Integrity. */
	t_hdr(&q, SG_STUN_BINDING_REQUEST, tid1);
	t_attr(&q, SG_STUN_ATTR_USERNAME, "srvA:brw1", 9);
	t_fp(&q);
	EXPECT(answer(&q, &ans), SG_STUN_NO_INTEGRITY);
	/* MI-SHA256 alone is recognised but not enough. */
	t_hdr(&q, SG_STUN_BINDING_REQUEST, tid1);
	t_attr(&q, SG_STUN_ATTR_USERNAME, "srvA:brw1", 9);
	uint8_t z[32] = {0};
	t_attr(&q, SG_STUN_ATTR_MESSAGE_INTEGRITY_SHA256, z, 32);
	t_fp(&q);
	EXPECT(answer(&q, &ans), SG_STUN_NO_INTEGRITY);
	t_chrome(&q, "srvA:brw1", "wrong password, 22 ch.");
	EXPECT(answer(&q, &ans), SG_STUN_BAD_INTEGRITY);
	t_chrome(&q, "srvA:brw1", sess[1].pwd); /* another session's password */
	EXPECT(answer(&q, &ans), SG_STUN_BAD_INTEGRITY);
	/* Altered after signing, FINGERPRINT redone (as an attacker would). */
	t_chrome(&q, "srvA:brw1", sess[0].pwd);
	q.b[q.n - 8 - 24 - 1] ^= 1; /* PRIORITY value */
	q.n -= 8;
	t_fp(&q);
	EXPECT(answer(&q, &ans), SG_STUN_BAD_INTEGRITY);
	/* Unknown attributes in an unauthenticated request: still no answer. */
	t_hdr(&q, SG_STUN_BINDING_REQUEST, tid1);
	t_attr(&q, SG_STUN_ATTR_USERNAME, "srvA:brw1", 9);
	t_attr(&q, 0x0031, "abcd", 4);
	t_mi(&q, "not the password");
	t_fp(&q);
	EXPECT(answer(&q, &ans), SG_STUN_BAD_INTEGRITY);
}

static void t_answer_errors(void)
{
	struct tmsg q;
	struct sg_stun_answer ans;
	struct sg_stun_msg m;
	uint8_t out[256];

	/* 420 listing unknown comprehension-required attributes, once each. */
	t_hdr(&q, SG_STUN_BINDING_REQUEST, tid1);
	t_attr(&q, SG_STUN_ATTR_USERNAME, "srvA:brw1", 9);
	t_attr(&q, 0x0031, "abcd", 4);
	t_attr(&q, 0xC0DE, "ab", 2); /* comprehension-optional: not listed */
	t_attr(&q, SG_STUN_ATTR_REALM, "r", 1);
	t_attr(&q, 0x0031, "ab", 2);
	t_u64(&q, SG_STUN_ATTR_ICE_CONTROLLED, 1); /* 420 takes precedence */
	t_mi(&q, sess[0].pwd);
	t_fp(&q);
	EXPECT(sg_stun_answer(&cfg, q.b, q.n, &src4, out, sizeof(out), &ans), SG_STUN_ANSWERED_420);
	CU_ASSERT_EQUAL(ans.code, 420);
	/* 20 + ERROR-CODE(4 + 4+17 padded to 24) + UNKNOWN-ATTRIBUTES(4+4) + MI 24 + FP 8 */
	CU_ASSERT_EQUAL_FATAL(ans.len, 20 + 28 + 8 + 24 + 8);
	oracle_check_vector(out, ans.len, sess[0].pwd, strlen(sess[0].pwd), true);
	EXPECT(sg_stun_response_verify(out, ans.len, tid1, &sess[0].key, &m), SG_STUN_OK);
	CU_ASSERT_EQUAL(m.type, SG_STUN_BINDING_ERROR);
	CU_ASSERT_EQUAL(m.error_code, 420);
	CU_ASSERT_EQUAL(memcmp(out + m.err_reason_off, "Unknown Attribute", 17), 0);
	CU_ASSERT_EQUAL(memcmp(out + 48, "\x00\x0a\x00\x04\x00\x31\x00\x14", 8), 0);

	/* More unknown types than we keep: the first SG_STUN_MAX_UNKNOWN are
	 * listed and the answer is the longest we ever write. */
	t_hdr(&q, SG_STUN_BINDING_REQUEST, tid1);
	t_attr(&q, SG_STUN_ATTR_USERNAME, "srvA:brw1", 9);
	for (uint16_t t = 0x0040; t < 0x0040 + SG_STUN_MAX_UNKNOWN + 3; t++)
		t_attr(&q, t, NULL, 0);
	t_mi(&q, sess[0].pwd);
	t_fp(&q);
	EXPECT(sg_stun_answer(&cfg, q.b, q.n, &src6, out, SG_STUN_ANSWER_MAX, &ans),
	       SG_STUN_ANSWERED_420);
	CU_ASSERT_EQUAL(ans.len, SG_STUN_ANSWER_MAX);
	EXPECT(sg_stun_response_verify(out, ans.len, tid1, &sess[0].key, &m), SG_STUN_OK);
	CU_ASSERT_EQUAL(out[48 + 3], 2 * SG_STUN_MAX_UNKNOWN);
	CU_ASSERT_EQUAL(out[48 + 4 + 2 * SG_STUN_MAX_UNKNOWN - 1], 0x40 + SG_STUN_MAX_UNKNOWN - 1);

	/* Output too small: nothing is sent. */
	t_chrome(&q, "srvA:brw1", sess[0].pwd);
	EXPECT(sg_stun_answer(&cfg, q.b, q.n, &src4, out, 63, &ans), SG_STUN_NO_SPACE);
	CU_ASSERT_EQUAL(ans.len, 0);
	EXPECT(sg_stun_answer(&cfg, q.b, q.n, &src4, out, 64, &ans), SG_STUN_OK);
	CU_ASSERT_EQUAL(ans.len, 64);
	EXPECT(sg_stun_answer(&cfg, q.b, q.n, &src6, out, 75, &ans), SG_STUN_NO_SPACE);
	EXPECT(sg_stun_answer(&cfg, q.b, q.n, &src4, out, 10, &ans), SG_STUN_NO_SPACE);
}

static void t_response_errors(void)
{
	struct tmsg q;
	struct sg_stun_msg m;
	const struct sg_stun_key *k = &sess[0].key;

	t_chrome(&q, "srvA:brw1", sess[0].pwd);
	EXPECT(sg_stun_response_verify(q.b, q.n, tid1, k, &m), SG_STUN_NOT_RESPONSE);
	/* Success without XOR-MAPPED-ADDRESS. */
	t_hdr(&q, SG_STUN_BINDING_SUCCESS, tid1);
	t_mi(&q, sess[0].pwd);
	t_fp(&q);
	EXPECT(sg_stun_response_verify(q.b, q.n, tid1, k, &m), SG_STUN_NO_MAPPED_ADDRESS);
	/* Success with an unknown comprehension-required attribute. */
	t_hdr(&q, SG_STUN_BINDING_SUCCESS, tid1);
	t_attr(&q, 0x0040, "abcd", 4);
	t_attr(&q, SG_STUN_ATTR_XOR_MAPPED_ADDRESS, "\x00\x01\xa1\x47\xe1\x12\xa6\x43", 8);
	t_mi(&q, sess[0].pwd);
	t_fp(&q);
	EXPECT(sg_stun_response_verify(q.b, q.n, tid1, k, &m), SG_STUN_UNKNOWN_ATTRS);
	/* Without FINGERPRINT / without MI. */
	t_hdr(&q, SG_STUN_BINDING_SUCCESS, tid1);
	t_attr(&q, SG_STUN_ATTR_XOR_MAPPED_ADDRESS, "\x00\x01\xa1\x47\xe1\x12\xa6\x43", 8);
	t_mi(&q, sess[0].pwd);
	EXPECT(sg_stun_response_verify(q.b, q.n, tid1, k, &m), SG_STUN_NO_FINGERPRINT);
	t_fp(&q);
	EXPECT(sg_stun_response_verify(q.b, q.n, tid1, k, &m), SG_STUN_OK);
	CU_ASSERT_EQUAL(m.xor_mapped.port, 32853);
	q.b[q.n - 1] ^= 0xFF;
	EXPECT(sg_stun_response_verify(q.b, q.n, tid1, k, &m), SG_STUN_BAD_FINGERPRINT);
	t_hdr(&q, SG_STUN_BINDING_SUCCESS, tid1);
	t_attr(&q, SG_STUN_ATTR_XOR_MAPPED_ADDRESS, "\x00\x01\xa1\x47\xe1\x12\xa6\x43", 8);
	t_fp(&q);
	EXPECT(sg_stun_response_verify(q.b, q.n, tid1, k, &m), SG_STUN_NO_INTEGRITY);
	EXPECT(sg_stun_response_verify(q.b, 10, tid1, k, &m), SG_STUN_NOT_STUN);
}

static void t_demux(void)
{
	uint8_t p[2] = {0, 0};
	CU_ASSERT_EQUAL(sg_stun_demux_classify(p, 0), SG_STUN_DEMUX_DROP);
	for (unsigned b = 0; b < 256; b++) {
		p[0] = (uint8_t)b;
		p[1] = 96;
		enum sg_stun_demux d = sg_stun_demux_classify(p, 2);
		enum sg_stun_demux want = b <= 3 ? SG_STUN_DEMUX_STUN
			: b >= 16 && b <= 19 ? SG_STUN_DEMUX_ZRTP
			: b >= 20 && b <= 63 ? SG_STUN_DEMUX_DTLS
			: b >= 64 && b <= 79 ? SG_STUN_DEMUX_TURN_CHANNEL
			: b >= 128 && b <= 191 ? SG_STUN_DEMUX_RTP
			: SG_STUN_DEMUX_DROP;
		CU_ASSERT_EQUAL(d, want);
	}
	p[0] = 0x80;
	for (unsigned b = 0; b < 256; b++) {
		p[1] = (uint8_t)b;
		CU_ASSERT_EQUAL(sg_stun_demux_classify(p, 2),
				b >= 192 && b <= 223 ? SG_STUN_DEMUX_RTCP : SG_STUN_DEMUX_RTP);
	}
	CU_ASSERT_EQUAL(sg_stun_demux_classify(p, 1), SG_STUN_DEMUX_DROP);
	p[0] = 0x16; /* DTLS handshake record */
	CU_ASSERT_EQUAL(sg_stun_demux_classify(p, 1), SG_STUN_DEMUX_DTLS);
}

static void t_consent(void)
{
	struct sg_stun_consent c;
	const uint64_t s = 1000000000ull;
	sg_stun_consent_init(&c, 100 * s, 0);
	CU_ASSERT_EQUAL(c.timeout_ns, SG_STUN_CONSENT_TIMEOUT_NS);
	CU_ASSERT(!sg_stun_consent_expired(&c, 100 * s));
	CU_ASSERT(!sg_stun_consent_expired(&c, 130 * s - 1));
	CU_ASSERT(sg_stun_consent_expired(&c, 130 * s));
	sg_stun_consent_refresh(&c, 125 * s);
	CU_ASSERT(!sg_stun_consent_expired(&c, 154 * s));
	CU_ASSERT(sg_stun_consent_expired(&c, 155 * s));
	sg_stun_consent_refresh(&c, 110 * s); /* older timestamp: ignored */
	CU_ASSERT_EQUAL(c.last_ns, 125 * s);
	CU_ASSERT(!sg_stun_consent_expired(&c, 10 * s)); /* clock before last: not expired */
	sg_stun_consent_init(&c, 0, 5 * s);
	CU_ASSERT(sg_stun_consent_expired(&c, 5 * s));
}

static void t_reason_names(void)
{
	for (unsigned i = 0; i < SG_STUN__N_REASONS; i++) {
		CU_ASSERT_PTR_NOT_NULL_FATAL(sg_stun_reason_name(i));
		CU_ASSERT_PTR_NOT_NULL(sg_stun_reason_help(i));
		for (unsigned j = 0; j < i; j++)
			CU_ASSERT(strcmp(sg_stun_reason_name(i), sg_stun_reason_name(j)) != 0);
	}
	CU_ASSERT_STRING_EQUAL(sg_stun_reason_name(SG_STUN_OK), "ok");
	CU_ASSERT_STRING_EQUAL(sg_stun_reason_name(SG_STUN_BAD_FINGERPRINT), "bad_fingerprint");
	CU_ASSERT_PTR_NULL(sg_stun_reason_name(SG_STUN__N_REASONS));
	struct sg_stun_stats st = {{0}};
	sg_stun_stats_count(&st, SG_STUN_UNKNOWN_USER);
	sg_stun_stats_count(&st, SG_STUN_UNKNOWN_USER);
	CU_ASSERT_EQUAL(st.n[SG_STUN_UNKNOWN_USER], 2);
}

/* Runs last: every reason was produced by at least one test above. */
static void t_all_reasons_seen(void)
{
	for (unsigned i = 0; i < SG_STUN__N_REASONS; i++) {
		if (!seen[i])
			fprintf(stderr, "reason %s never produced\n", sg_stun_reason_name(i));
		CU_ASSERT(seen[i]);
	}
}

int main(void)
{
	if (CU_initialize_registry() != CUE_SUCCESS)
		return 1;
	CU_pSuite s = CU_add_suite("stun", suite_init, NULL);
	CU_add_test(s, "crc32 vs zlib", t_crc32);
	CU_add_test(s, "hmac-sha1 vs openssl", t_hmac);
	CU_add_test(s, "rfc5769 2.1 request", t_rfc5769_request);
	CU_add_test(s, "rfc5769 2.2/2.3 responses", t_rfc5769_responses);
	CU_add_test(s, "rfc5769 2.4 long-term request", t_rfc5769_longterm);
	CU_add_test(s, "chrome-style request", t_chrome_request);
	CU_add_test(s, "round trip builder/answer/verify", t_round_trip);
	CU_add_test(s, "header errors", t_header_errors);
	CU_add_test(s, "attribute errors", t_attr_errors);
	CU_add_test(s, "auth errors", t_auth_errors);
	CU_add_test(s, "420/no_space", t_answer_errors);
	CU_add_test(s, "response verify errors", t_response_errors);
	CU_add_test(s, "rfc7983 demux", t_demux);
	CU_add_test(s, "rfc7675 consent", t_consent);
	CU_add_test(s, "reason names/stats", t_reason_names);
	CU_add_test(s, "every reason produced", t_all_reasons_seen);
	CU_basic_set_mode(CU_BRM_VERBOSE);
	CU_basic_run_tests();
	unsigned fails = CU_get_number_of_failures() + CU_get_number_of_suites_failed();
	CU_cleanup_registry();
	return fails ? 1 : 0;
}
