/* SPDX-License-Identifier: BSD-3-Clause
 * libFuzzer target for lib/stun: demux, parse, verify and answer arbitrary
 * datagrams with a fixed password. Inputs that parse and carry
 * MESSAGE-INTEGRITY are also re-signed (MI and FINGERPRINT recomputed) so
 * the authenticated paths (success, 420, 487, in-place answers) are reached;
 * every answer must then pass sg_stun_response_verify() or we abort.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "sg_stun.h"
#include "sg_stun_fp.h"

static const char pwd[] = "fuzzfuzzfuzzfuzzfuzz22";
static struct sg_stun_key key;

static const struct sg_stun_key *lookup(void *arg, const uint8_t *l, size_t ll, const uint8_t *r,
					size_t rl)
{
	(void)arg;
	(void)r;
	(void)rl;
	/* Sessions exist for local ufrags not starting with 'x'. */
	return ll && l[0] == 'x' ? NULL : &key;
}

static void check_answer(enum sg_stun_reason r, const struct sg_stun_answer *ans, const uint8_t *out,
			 const uint8_t tid[12])
{
	struct sg_stun_msg m;
	if (r == SG_STUN_OK || r == SG_STUN_ANSWERED_420 || r == SG_STUN_ANSWERED_487) {
		if (!ans->len || ans->key != &key)
			abort();
		if (sg_stun_response_verify(out, ans->len, tid, &key, &m) != SG_STUN_OK)
			abort();
		if ((r == SG_STUN_OK) != (m.type == SG_STUN_BINDING_SUCCESS))
			abort();
	} else if (ans->len) {
		abort();
	}
}

static void resign(uint8_t *b, const struct sg_stun_msg *m)
{
	uint8_t l2 = b[2], l3 = b[3];
	uint16_t hl = (uint16_t)(m->mi_off + 24 - 20);
	b[2] = (uint8_t)(hl >> 8);
	b[3] = (uint8_t)hl;
	sg_stun_hmac_sha1(&key, b, m->mi_off, b + m->mi_off + 4);
	b[2] = l2;
	b[3] = l3;
	if (m->fp_off) {
		uint32_t c = sg_stun_crc32(0, b, m->fp_off) ^ SG_STUN_FP_XOR;
		b[m->fp_off + 4] = (uint8_t)(c >> 24);
		b[m->fp_off + 5] = (uint8_t)(c >> 16);
		b[m->fp_off + 6] = (uint8_t)(c >> 8);
		b[m->fp_off + 7] = (uint8_t)c;
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const struct sg_stun_server_cfg cfg = {.lookup = lookup};
	struct sg_stun_addr src = {.family = 4, .port = 1234, .addr = {10, 0, 0, 1}};
	struct sg_stun_answer ans;
	struct sg_stun_msg m;
	uint8_t out[256], tid[12];

	if (!key.ih[0])
		sg_stun_key_init(&key, pwd, sizeof(pwd) - 1);
	(void)sg_stun_demux_classify(data, size);
	if (size && (data[0] & 1))
		src.family = 6;

	enum sg_stun_reason r = sg_stun_answer(&cfg, data, size, &src, out, sizeof(out), &ans);
	if (size >= 20)
		memcpy(tid, data + 8, 12);
	check_answer(r, &ans, out, tid);

	if (sg_stun_parse(data, size, &m) != SG_STUN_OK)
		return 0;
	(void)sg_stun_fingerprint_check(&m);
	(void)sg_stun_integrity_check(&m, &key);
	(void)sg_stun_response_verify(data, size, tid, &key, &m);
	if (sg_stun_parse(data, size, &m) != SG_STUN_OK || !m.mi_off)
		return 0;

	/* Re-signed copy, answered in place with an exact-size buffer. */
	uint8_t *b = malloc(size);
	if (!b)
		return 0;
	memcpy(b, data, size);
	resign(b, &m);
	r = sg_stun_answer(&cfg, b, size, &src, b, size, &ans);
	check_answer(r, &ans, b, tid);
	memcpy(b, data, size);
	resign(b, &m);
	r = sg_stun_answer(&cfg, b, size, &src, out, sizeof(out), &ans);
	check_answer(r, &ans, out, tid);
	if (r == SG_STUN_OK && ans.use_candidate != m.use_candidate)
		abort();
	free(b);
	return 0;
}
