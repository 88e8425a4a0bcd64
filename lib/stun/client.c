/* SPDX-License-Identifier: BSD-3-Clause
 * lib/stun controlling client: Binding request builder (RFC 8445 §7.1) and
 * response verifier (RFC 8489 §6.3.3, §9.1.4). Used by the load generator
 * and the tests, not on the server's hot path.
 */
#include <errno.h>
#include <string.h>

#include "stun_priv.h"

int sg_stun_request_build(uint8_t *buf, size_t cap, const struct sg_stun_request *r)
{
	if (!buf || !r || !r->username || !r->key)
		return -EINVAL;
	size_t ulen = strnlen(r->username, SG_STUN_MAX_USERNAME + 1);
	if (ulen > SG_STUN_MAX_USERNAME)
		return -EINVAL;

	struct stun_writer w = {.buf = buf, .cap = cap};
	uint8_t v[8];

	stun_w_header(&w, SG_STUN_BINDING_REQUEST, r->tid);
	stun_w_attr(&w, SG_STUN_ATTR_USERNAME, r->username, ulen);
	if (r->has_network_info) {
		stun_wr32(v, r->network_info);
		stun_w_attr(&w, SG_STUN_ATTR_GOOG_NETWORK_INFO, v, 4);
	}
	stun_wr64(v, r->tiebreaker); /* RFC 8445 §7.1.3 */
	stun_w_attr(&w, r->controlling ? SG_STUN_ATTR_ICE_CONTROLLING : SG_STUN_ATTR_ICE_CONTROLLED,
		    v, 8);
	if (r->use_candidate) /* RFC 8445 §7.1.2 */
		stun_w_attr(&w, SG_STUN_ATTR_USE_CANDIDATE, NULL, 0);
	stun_wr32(v, r->priority); /* RFC 8445 §7.1.1 */
	stun_w_attr(&w, SG_STUN_ATTR_PRIORITY, v, 4);
	stun_w_finish(&w, r->key);
	if (w.overflow)
		return -ENOSPC;
	return (int)w.off;
}

enum sg_stun_reason sg_stun_response_verify(const uint8_t *buf, size_t len,
					    const uint8_t tid[SG_STUN_TID_LEN],
					    const struct sg_stun_key *key, struct sg_stun_msg *m)
{
	enum sg_stun_reason r = sg_stun_parse(buf, len, m);

	if (r)
		return r;
	if (m->type != SG_STUN_BINDING_SUCCESS && m->type != SG_STUN_BINDING_ERROR)
		return SG_STUN_NOT_RESPONSE;
	/* RFC 8489 §6.3.3: match the response to our transaction. */
	if (memcmp(buf + 8, tid, SG_STUN_TID_LEN) != 0)
		return SG_STUN_TID_MISMATCH;
	r = sg_stun_fingerprint_check(m);
	if (r)
		return r;
	/* RFC 8489 §9.1.4: a response to a request with MI must carry MI with
	 * the same key; RFC 8445 §7.2.5.1 drops one that does not. */
	r = sg_stun_integrity_check(m, key);
	if (r)
		return r;
	if (m->type == SG_STUN_BINDING_SUCCESS) {
		/* RFC 8489 §7.3.3: unknown comprehension-required -> discard. */
		if (m->n_unknown)
			return SG_STUN_UNKNOWN_ATTRS;
		if (!m->has_xor_mapped)
			return SG_STUN_NO_MAPPED_ADDRESS;
	}
	return SG_STUN_OK;
}
