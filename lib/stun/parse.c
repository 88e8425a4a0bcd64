/* SPDX-License-Identifier: BSD-3-Clause
 * lib/stun parser: header and attribute TLVs (RFC 8489 §5, §6.3, §14),
 * ICE attributes (RFC 8445 §7.1.1, §16.1).
 */
#include <string.h>

#include "stun_priv.h"

static const char *const reason_names[SG_STUN__N_REASONS] = {
	[SG_STUN_OK] = "ok",
#define _R(id, name, help) [SG_STUN_##id] = name,
	SG_STUN_REASONS(_R)
#undef _R
};

static const char *const reason_helps[SG_STUN__N_REASONS] = {
	[SG_STUN_OK] = "check answered with a success response",
#define _R(id, name, help) [SG_STUN_##id] = help,
	SG_STUN_REASONS(_R)
#undef _R
};

const char *sg_stun_reason_name(unsigned r)
{
	return r < SG_STUN__N_REASONS ? reason_names[r] : NULL;
}

const char *sg_stun_reason_help(unsigned r)
{
	return r < SG_STUN__N_REASONS ? reason_helps[r] : NULL;
}

/* XOR-MAPPED-ADDRESS (RFC 8489 §14.2): port XOR the cookie's top 16 bits,
 * IPv4 XOR the cookie, IPv6 XOR cookie || transaction id. */
static int parse_xor_addr(const uint8_t *hdr, const uint8_t *v, uint16_t alen, struct sg_stun_addr *a)
{
	if (alen < 4)
		return -1;
	uint8_t fam = v[1];
	size_t alen_want = fam == 1 ? 8 : fam == 2 ? 20 : 0;
	if (!alen_want || alen != alen_want)
		return -1;
	memset(a, 0, sizeof(*a));
	a->family = fam == 1 ? 4 : 6;
	a->port = stun_rd16(v + 2) ^ (uint16_t)(SG_STUN_MAGIC >> 16);
	for (size_t i = 0; i < alen_want - 4; i++)
		a->addr[i] = v[4 + i] ^ hdr[4 + i]; /* cookie then tid, as in the header */
	return 0;
}

static void add_unknown(struct sg_stun_msg *m, uint16_t type)
{
	for (unsigned i = 0; i < m->n_unknown; i++)
		if (m->unknown[i] == type)
			return;
	if (m->n_unknown < SG_STUN_MAX_UNKNOWN)
		m->unknown[m->n_unknown++] = type;
}

/* One attribute before any integrity attribute. Returns 0 or -1 (malformed). */
static int parse_attr(struct sg_stun_msg *m, uint16_t type, uint16_t off, uint16_t alen)
{
	const uint8_t *v = m->buf + off + 4;

	switch (type) {
	case SG_STUN_ATTR_USERNAME: /* RFC 8489 §14.3 */
		if (alen > SG_STUN_MAX_USERNAME)
			return -1;
		if (!m->username_off) {
			m->username_off = (uint16_t)(off + 4);
			m->username_len = alen;
		}
		return 0;
	case SG_STUN_ATTR_MESSAGE_INTEGRITY: /* RFC 8489 §14.5 */
		if (alen != SG_STUN_MI_LEN)
			return -1;
		m->mi_off = off;
		return 0;
	case SG_STUN_ATTR_ERROR_CODE: { /* RFC 8489 §14.8 */
		if (alen < 4)
			return -1;
		unsigned cls = v[2] & 7u, num = v[3];
		if (cls < 3 || cls > 6 || num > 99)
			return -1;
		if (!m->error_code) {
			m->error_code = (uint16_t)(cls * 100 + num);
			m->err_reason_off = (uint16_t)(off + 8);
			m->err_reason_len = (uint16_t)(alen - 4);
		}
		return 0;
	}
	case SG_STUN_ATTR_XOR_MAPPED_ADDRESS:
		if (m->has_xor_mapped)
			return 0;
		if (parse_xor_addr(m->buf, v, alen, &m->xor_mapped))
			return -1;
		m->has_xor_mapped = true;
		return 0;
	case SG_STUN_ATTR_PRIORITY: /* RFC 8445 §7.1.1 */
		if (alen != 4)
			return -1;
		if (!m->has_priority) {
			m->has_priority = true;
			m->priority = stun_rd32(v);
		}
		return 0;
	case SG_STUN_ATTR_USE_CANDIDATE: /* RFC 8445 §7.1.2 */
		if (alen != 0)
			return -1;
		m->use_candidate = true;
		return 0;
	case SG_STUN_ATTR_ICE_CONTROLLED: /* RFC 8445 §7.1.3 */
	case SG_STUN_ATTR_ICE_CONTROLLING:
		if (alen != 8)
			return -1;
		if (!m->ice_controlled && !m->ice_controlling)
			m->tiebreaker = stun_rd64(v);
		if (type == SG_STUN_ATTR_ICE_CONTROLLED)
			m->ice_controlled = true;
		else
			m->ice_controlling = true;
		return 0;
	case SG_STUN_ATTR_NETWORK_COST: /* GOOG-NETWORK-INFO: id << 16 | cost */
		if (alen != 4)
			return -1;
		if (!m->has_network_info) {
			m->has_network_info = true;
			m->network_info = stun_rd32(v);
		}
		return 0;
	case SG_STUN_ATTR_SOFTWARE: /* RFC 8489 §14.14: < 763 bytes */
		if (alen > 763)
			return -1;
		if (!m->software_off) {
			m->software_off = (uint16_t)(off + 4);
			m->software_len = alen;
		}
		return 0;
	case SG_STUN_ATTR_MAPPED_ADDRESS:     /* understood, not used */
	case SG_STUN_ATTR_UNKNOWN_ATTRIBUTES: /* understood, not used */
		return 0;
	default:
		/* RFC 8489 §14: 0x0000-0x7FFF are comprehension-required; we
		 * remember them for a 420 once the request is authenticated. */
		if (type < 0x8000)
			add_unknown(m, type);
		return 0;
	}
}

enum sg_stun_reason sg_stun_parse(const uint8_t *buf, size_t len, struct sg_stun_msg *m)
{
	memset(m, 0, sizeof(*m));
	/* RFC 8489 §5: the two most significant bits are zero. */
	if (len < SG_STUN_HDR_LEN || (buf[0] & 0xC0))
		return SG_STUN_NOT_STUN;
	if (stun_rd32(buf + 4) != SG_STUN_MAGIC)
		return SG_STUN_BAD_COOKIE;
	/* RFC 8489 §6.3: length a multiple of 4 and it is the whole datagram. */
	size_t mlen = stun_rd16(buf + 2);
	if ((mlen & 3) || mlen + SG_STUN_HDR_LEN != len)
		return SG_STUN_BAD_LENGTH;
	if (len > UINT16_MAX) /* offsets are 16-bit; no UDP payload is this long */
		return SG_STUN_BAD_LENGTH;
	m->buf = buf;
	m->len = (uint16_t)len;
	m->type = stun_rd16(buf);

	size_t off = SG_STUN_HDR_LEN;
	while (off < len) {
		/* off and len are multiples of 4: an attribute header fits. */
		if (m->fp_off)
			return SG_STUN_FINGERPRINT_NOT_LAST; /* RFC 8489 §14.7 */
		if (m->n_attrs >= SG_STUN_MAX_ATTRS)
			return SG_STUN_TOO_MANY_ATTRS;
		m->n_attrs++;
		uint16_t type = stun_rd16(buf + off);
		uint16_t alen = stun_rd16(buf + off + 2);
		if (stun_pad4(alen) > len - off - 4)
			return SG_STUN_MALFORMED_ATTR;

		if (type == SG_STUN_ATTR_FINGERPRINT) {
			if (alen != 4)
				return SG_STUN_MALFORMED_ATTR;
			m->fp_off = (uint16_t)off;
		} else if (m->mi256_off) {
			/* RFC 8489 §14.6: only FINGERPRINT after MI-SHA256. */
		} else if (type == SG_STUN_ATTR_MESSAGE_INTEGRITY_SHA256) {
			/* Recognised (RFC 8489 §14.6), not required by ICE. */
			if (alen < 16 || alen > 32 || (alen & 3))
				return SG_STUN_MALFORMED_ATTR;
			m->mi256_off = (uint16_t)off;
		} else if (m->mi_off) {
			/* RFC 8489 §14.5: ignore what follows MESSAGE-INTEGRITY
			 * except MI-SHA256 and FINGERPRINT. */
		} else if (parse_attr(m, type, (uint16_t)off, alen)) {
			return SG_STUN_MALFORMED_ATTR;
		}
		off += 4 + stun_pad4(alen);
	}
	return SG_STUN_OK;
}
