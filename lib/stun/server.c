/* SPDX-License-Identifier: BSD-3-Clause
 * lib/stun ICE-lite responder: verify a browser's connectivity check and
 * answer it (RFC 8489 §6.3, §9.1.3; RFC 8445 §2.5, §7.3).
 */
#include <string.h>

#include "stun_priv.h"

static const char reason_420[] = "Unknown Attribute";
static const char reason_487[] = "Role Conflict";

/* ERROR-CODE (RFC 8489 §14.8): 21 reserved bits, class (hundreds), number. */
static void w_error_code(struct stun_writer *w, uint16_t code, const char *reason, size_t rlen)
{
	uint8_t *v = stun_w_attr(w, SG_STUN_ATTR_ERROR_CODE, NULL, 4 + rlen);

	if (!v)
		return;
	v[0] = 0;
	v[1] = 0;
	v[2] = (uint8_t)(code / 100);
	v[3] = (uint8_t)(code % 100);
	memcpy(v + 4, reason, rlen);
}

/* UNKNOWN-ATTRIBUTES (RFC 8489 §14.9): the 16-bit types, padded to 4. */
static void w_unknown(struct stun_writer *w, const struct sg_stun_msg *m)
{
	uint8_t *v = stun_w_attr(w, SG_STUN_ATTR_UNKNOWN_ATTRIBUTES, NULL, 2u * m->n_unknown);

	if (!v)
		return;
	for (unsigned i = 0; i < m->n_unknown; i++)
		stun_wr16(v + 2 * i, m->unknown[i]);
}

enum sg_stun_reason sg_stun_answer(const struct sg_stun_server_cfg *cfg, const uint8_t *req,
				   size_t len, const struct sg_stun_addr *src, uint8_t *out,
				   size_t cap, struct sg_stun_answer *ans)
{
	struct sg_stun_msg m;
	enum sg_stun_reason r;

	memset(ans, 0, sizeof(*ans));
	r = sg_stun_parse(req, len, &m);
	if (r)
		return r;
	/* FINGERPRINT first: it is what tells STUN from other traffic on the
	 * shared port (RFC 8489 §7.3, RFC 8445 §7.2.2 requires it on checks). */
	r = sg_stun_fingerprint_check(&m);
	if (r && !(r == SG_STUN_NO_FINGERPRINT && cfg->allow_no_fingerprint))
		return r;
	if (m.type == SG_STUN_BINDING_INDICATION) /* RFC 8445 §11 keepalive */
		return SG_STUN_INDICATION;
	if (m.type != SG_STUN_BINDING_REQUEST)
		return SG_STUN_NOT_BINDING_REQUEST;

	/* RFC 8489 §9.1.3: USERNAME and MESSAGE-INTEGRITY both present (else 400,
	 * which we do not send: unauthenticated requests get no answer). */
	if (!m.username_off)
		return SG_STUN_NO_USERNAME;
	if (!m.mi_off)
		return SG_STUN_NO_INTEGRITY;
	/* RFC 8445 §7.3: USERNAME is "<our ufrag>:<their ufrag>". */
	const uint8_t *u = req + m.username_off;
	const uint8_t *colon = memchr(u, ':', m.username_len);
	if (!colon || colon == u || colon == u + m.username_len - 1)
		return SG_STUN_BAD_USERNAME;
	size_t llen = (size_t)(colon - u);
	const struct sg_stun_key *key =
		cfg->lookup ? cfg->lookup(cfg->lookup_arg, u, llen, colon + 1, m.username_len - llen - 1)
			    : NULL;
	if (!key)
		return SG_STUN_UNKNOWN_USER;
	r = sg_stun_integrity_check(&m, key);
	if (r)
		return r;

	/* Authenticated from here on. Everything needed from the request is
	 * now in m (by value) or in req[8..20) (the tid, kept in place). */
	ans->key = key;
	ans->use_candidate = m.use_candidate;
	ans->has_priority = m.has_priority;
	ans->priority = m.priority;
	ans->ice_controlling = m.ice_controlling;
	ans->tiebreaker = m.tiebreaker;

	struct stun_writer w = {.buf = out, .cap = cap};
	if (m.n_unknown) {
		/* RFC 8489 §6.3.1.1: 420 listing the unknown comprehension-required
		 * attributes (only now that the request is authenticated). */
		stun_w_header(&w, SG_STUN_BINDING_ERROR, req + 8);
		w_error_code(&w, SG_STUN_ERR_UNKNOWN_ATTRIBUTE, reason_420, sizeof(reason_420) - 1);
		w_unknown(&w, &m);
		ans->code = SG_STUN_ERR_UNKNOWN_ATTRIBUTE;
		r = SG_STUN_ANSWERED_420;
	} else if (m.ice_controlled) {
		/* RFC 8445 §7.3.1.1 with §6.1.1: we are lite, hence controlled, and
		 * can never switch to controlling; a peer claiming controlled too
		 * must switch, so always 487 whatever the tiebreakers. */
		stun_w_header(&w, SG_STUN_BINDING_ERROR, req + 8);
		w_error_code(&w, SG_STUN_ERR_ROLE_CONFLICT, reason_487, sizeof(reason_487) - 1);
		ans->code = SG_STUN_ERR_ROLE_CONFLICT;
		r = SG_STUN_ANSWERED_487;
	} else {
		/* RFC 8489 §7.3.1, RFC 8445 §7.3.1.1: success with the source
		 * transport address in XOR-MAPPED-ADDRESS. */
		stun_w_header(&w, SG_STUN_BINDING_SUCCESS, req + 8);
		stun_w_xor_addr(&w, src);
		r = SG_STUN_OK;
	}
	/* RFC 8489 §9.1.3 / RFC 8445 §7.3.1.1: MI with the same password, then
	 * FINGERPRINT. */
	stun_w_finish(&w, key);
	if (w.overflow) {
		ans->code = 0;
		return SG_STUN_NO_SPACE;
	}
	ans->len = w.off;
	return r;
}
