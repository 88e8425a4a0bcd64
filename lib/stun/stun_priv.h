/* SPDX-License-Identifier: BSD-3-Clause
 * lib/stun internals: big-endian accessors and attribute writers.
 */
#ifndef STUN_PRIV_H
#define STUN_PRIV_H

#include <stdint.h>
#include <string.h>

#include "sg_stun.h"

static inline uint16_t stun_rd16(const uint8_t *p)
{
	return (uint16_t)((uint16_t)p[0] << 8 | p[1]);
}

static inline uint32_t stun_rd32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

static inline uint64_t stun_rd64(const uint8_t *p)
{
	return (uint64_t)stun_rd32(p) << 32 | stun_rd32(p + 4);
}

static inline void stun_wr16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)(v >> 8);
	p[1] = (uint8_t)v;
}

static inline void stun_wr32(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)(v >> 24);
	p[1] = (uint8_t)(v >> 16);
	p[2] = (uint8_t)(v >> 8);
	p[3] = (uint8_t)v;
}

static inline void stun_wr64(uint8_t *p, uint64_t v)
{
	stun_wr32(p, (uint32_t)(v >> 32));
	stun_wr32(p + 4, (uint32_t)v);
}

static inline size_t stun_pad4(size_t n)
{
	return (n + 3u) & ~(size_t)3u;
}

/**
 * Message writer over a caller buffer. Attribute writers check space and set
 * w->overflow instead of writing past cap; the caller checks it once.
 */
struct stun_writer {
	uint8_t *buf;
	size_t cap;
	size_t off;
	int overflow;
};

/** Header (RFC 8489 §5) with length 0; tid may alias buf + 8. */
void stun_w_header(struct stun_writer *w, uint16_t type, const uint8_t *tid);
/** Attribute header + value + zero padding (RFC 8489 §14). Returns the value pointer or NULL. */
uint8_t *stun_w_attr(struct stun_writer *w, uint16_t type, const void *val, size_t len);
/** XOR-MAPPED-ADDRESS (RFC 8489 §14.2) of a; tid taken from the written header. */
void stun_w_xor_addr(struct stun_writer *w, const struct sg_stun_addr *a);
/** MESSAGE-INTEGRITY (RFC 8489 §14.5) then FINGERPRINT (§14.7); sets the final length. */
void stun_w_finish(struct stun_writer *w, const struct sg_stun_key *k);

/** HMAC-SHA1 over msg[0..n) with the header length field replaced by hdr_len. */
void stun_hmac_msg(const struct sg_stun_key *k, const uint8_t *msg, size_t n, uint16_t hdr_len,
		   uint8_t out[20]);

#endif /* STUN_PRIV_H */
