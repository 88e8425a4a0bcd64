/* SPDX-License-Identifier: BSD-3-Clause
 * streamgate STUN hot-path inlines: RFC 7983 demultiplexing of the shared
 * media port and RFC 7675 consent freshness bookkeeping.
 */
#ifndef SG_STUN_FP_H
#define SG_STUN_FP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/** What a datagram on the shared media port is (RFC 7983 §7). */
enum sg_stun_demux {
	SG_STUN_DEMUX_DROP = 0,     /**< empty, or a first byte no protocol owns */
	SG_STUN_DEMUX_STUN,         /**< 0..3 */
	SG_STUN_DEMUX_ZRTP,         /**< 16..19 */
	SG_STUN_DEMUX_DTLS,         /**< 20..63 */
	SG_STUN_DEMUX_TURN_CHANNEL, /**< 64..79 */
	SG_STUN_DEMUX_RTP,          /**< 128..191, payload type not RTCP */
	SG_STUN_DEMUX_RTCP,         /**< 128..191, second byte 192..223 (RFC 5761 §4) */
};

/**
 * Classify a datagram by its first byte (RFC 7983 §7); RTP and RTCP are told
 * apart by the second byte, the RTCP packet type range 192..223 (RFC 5761 §4,
 * RFC 3550 §12.1). A 1-byte datagram in the RTP range is DROP. Pure function.
 */
static inline enum sg_stun_demux sg_stun_demux_classify(const uint8_t *p, size_t len)
{
	if (len == 0)
		return SG_STUN_DEMUX_DROP;
	uint8_t b = p[0];
	if (b <= 3)
		return SG_STUN_DEMUX_STUN;
	if (b >= 16 && b <= 19)
		return SG_STUN_DEMUX_ZRTP;
	if (b >= 20 && b <= 63)
		return SG_STUN_DEMUX_DTLS;
	if (b >= 64 && b <= 79)
		return SG_STUN_DEMUX_TURN_CHANNEL;
	if (b >= 128 && b <= 191) {
		if (len < 2)
			return SG_STUN_DEMUX_DROP;
		return (p[1] >= 192 && p[1] <= 223) ? SG_STUN_DEMUX_RTCP : SG_STUN_DEMUX_RTP;
	}
	return SG_STUN_DEMUX_DROP;
}

/** RFC 7675 §5.1: consent expires 30 s after the last valid check. */
#define SG_STUN_CONSENT_TIMEOUT_NS (30ull * 1000000000ull)

/**
 * Consent freshness of one session (RFC 7675). An ICE-lite agent sends no
 * checks of its own; the browser's authenticated checks (every few seconds,
 * RFC 7675 §5.1) are its consent, so call sg_stun_consent_refresh() on every
 * SG_STUN_OK from sg_stun_answer() for the session. Times are in any
 * monotonic nanosecond clock the caller chooses (e.g. TSC converted to ns).
 */
struct sg_stun_consent {
	uint64_t last_ns;    /**< time of the last valid check */
	uint64_t timeout_ns; /**< consent lifetime */
};

/** Start the clock at now; timeout_ns 0 selects SG_STUN_CONSENT_TIMEOUT_NS. */
static inline void sg_stun_consent_init(struct sg_stun_consent *c, uint64_t now_ns,
					uint64_t timeout_ns)
{
	c->last_ns = now_ns;
	c->timeout_ns = timeout_ns ? timeout_ns : SG_STUN_CONSENT_TIMEOUT_NS;
}

/** A valid check was received at now (never moves the clock backwards). */
static inline void sg_stun_consent_refresh(struct sg_stun_consent *c, uint64_t now_ns)
{
	if (now_ns > c->last_ns)
		c->last_ns = now_ns;
}

/** True when no valid check arrived for timeout_ns (RFC 7675 §5.1: stop sending). */
static inline bool sg_stun_consent_expired(const struct sg_stun_consent *c, uint64_t now_ns)
{
	return now_ns > c->last_ns && now_ns - c->last_ns >= c->timeout_ns;
}

#endif /* SG_STUN_FP_H */
