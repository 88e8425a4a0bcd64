/* SPDX-License-Identifier: BSD-3-Clause
 * Receive statistics: RFC 3550 Appendix A.1 (sequence validation), A.3
 * (expected/lost, fraction lost) and A.8 (interarrival jitter).
 */
#include <errno.h>
#include <string.h>

#include "rtp_priv.h"

#define RTP_SEQ_MOD (1u << 16)

void sg_rtp_stats_init(struct sg_rtp_stats *s, uint32_t clock_rate)
{
	memset(s, 0, sizeof(*s));
	s->clock_rate = clock_rate ? clock_rate : 90000;
}

/* A.1 init_seq */
static void init_seq(struct sg_rtp_stats *s, uint16_t seq)
{
	s->base_seq = seq;
	s->max_seq = seq;
	s->bad_seq = RTP_SEQ_MOD + 1;   /* so seq == bad_seq is false */
	s->cycles = 0;
	s->received = 0;
	s->received_prior = 0;
	s->expected_prior = 0;
}

/* A.1 update_seq: 1 valid, 0 in probation, -1 very large jump. The RFC's "seq == s->max_seq + 1" compares an int with
 * a promoted u16 and never matches at the 65535 -> 0 wrap; cast here. */
static int update_seq(struct sg_rtp_stats *s, uint16_t seq)
{
	uint16_t udelta = (uint16_t)(seq - s->max_seq);

	if (s->probation) {
		if (seq == (uint16_t)(s->max_seq + 1)) {
			s->probation--;
			s->max_seq = seq;
			if (s->probation == 0) {
				init_seq(s, seq);
				s->received++;
				return 1;
			}
		} else {
			s->probation = SG_RTP_MIN_SEQUENTIAL - 1;
			s->max_seq = seq;
		}
		return 0;
	} else if (udelta < SG_RTP_MAX_DROPOUT) {
		/* in order, with permissible gap */
		if (seq < s->max_seq)
			s->cycles += RTP_SEQ_MOD; /* wrapped */
		s->max_seq = seq;
	} else if (udelta <= RTP_SEQ_MOD - SG_RTP_MAX_MISORDER) {
		/* very large jump */
		if (seq == s->bad_seq) {
			/* two sequential packets: the source restarted */
			init_seq(s, seq);
		} else {
			s->bad_seq = (seq + 1) & (RTP_SEQ_MOD - 1);
			return -1;
		}
	} else {
		/* duplicate or reordered packet */
	}
	s->received++;
	return 1;
}

/* Arrival time in timestamp units, modulo 2^32 (A.8: only differences
 * matter, so wrap-around is harmless). */
static uint32_t arrival_units(uint64_t ns, uint32_t rate)
{
	uint64_t sec = ns / 1000000000u, rem = ns % 1000000000u;
	return (uint32_t)(sec * rate + rem * rate / 1000000000u);
}

int sg_rtp_stats_update(struct sg_rtp_stats *s, uint16_t seq, uint32_t rtp_ts,
			uint64_t arrival_ns)
{
	int valid;

	if (!s->started) {
		/* A.1: first packet of a new source */
		init_seq(s, seq);
		s->max_seq = (uint16_t)(seq - 1);
		s->probation = SG_RTP_MIN_SEQUENTIAL;
		s->started = true;
	}
	valid = update_seq(s, seq);
	if (valid <= 0) {
		if (valid < 0)
			s->bad++;
		return 0;
	}

	/* A.8 interarrival jitter, integer form scaled by 16 */
	uint32_t transit = arrival_units(arrival_ns, s->clock_rate) - rtp_ts;
	if (s->transit_valid) {
		int32_t d = (int32_t)(transit - s->transit);
		uint32_t ad = d < 0 ? (uint32_t)0 - (uint32_t)d : (uint32_t)d;
		s->jitter_q4 += ad - ((s->jitter_q4 + 8) >> 4);
	}
	s->transit = transit;
	s->transit_valid = true;
	return 1;
}

uint32_t sg_rtp_stats_ext_max(const struct sg_rtp_stats *s)
{
	return s->cycles + s->max_seq;
}

/* A.3 */
uint32_t sg_rtp_stats_expected(const struct sg_rtp_stats *s)
{
	if (!s->started || s->probation)
		return 0;
	return sg_rtp_stats_ext_max(s) - s->base_seq + 1;
}

int32_t sg_rtp_stats_lost(const struct sg_rtp_stats *s)
{
	int64_t lost = (int64_t)sg_rtp_stats_expected(s) - (int64_t)s->received;

	/* clamp to the 24-bit signed field of the report block */
	if (lost > 0x7fffff)
		lost = 0x7fffff;
	else if (lost < -0x800000)
		lost = -0x800000;
	return (int32_t)lost;
}

uint32_t sg_rtp_stats_jitter(const struct sg_rtp_stats *s)
{
	return s->jitter_q4 >> 4;
}

void sg_rtp_stats_report_block(struct sg_rtp_stats *s, uint32_t ssrc, uint32_t lsr,
			       uint32_t dlsr, struct sg_rtcp_rb *rb)
{
	uint32_t expected = sg_rtp_stats_expected(s);
	uint32_t expected_interval = expected - s->expected_prior;
	uint32_t received_interval = s->received - s->received_prior;
	int64_t lost_interval = (int64_t)expected_interval - (int64_t)received_interval;

	s->expected_prior = expected;
	s->received_prior = s->received;
	rb->ssrc = ssrc;
	if (expected_interval == 0 || lost_interval <= 0)
		rb->fraction_lost = 0;
	else {
		uint64_t f = ((uint64_t)lost_interval << 8) / expected_interval;
		rb->fraction_lost = (uint8_t)(f > 255 ? 255 : f);
	}
	rb->cum_lost = sg_rtp_stats_lost(s);
	rb->ext_high_seq = sg_rtp_stats_ext_max(s);
	rb->jitter = sg_rtp_stats_jitter(s);
	rb->lsr = lsr;
	rb->dlsr = dlsr;
}
