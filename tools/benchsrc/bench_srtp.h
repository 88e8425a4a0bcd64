/* SPDX-License-Identifier: BSD-3-Clause
 * Shared pieces of `sg-bench srtp`, reused by `sg-bench fanout` so that the
 * crypto-only bound and libsrtp2 are measured in the same run on the same
 * sizes. All figures: median ns per protected packet over reps repetitions,
 * thread CPU time; payload = bytes after a 12-byte RTP header.
 */
#ifndef SG_BENCH_SRTP_H
#define SG_BENCH_SRTP_H

#include <stddef.h>

#include "sg_srtp.h"

/** libsrtp2 init + shared source/master key. 0 or -1. Idempotent. */
int bench_srtp_setup(void);
/** sg_srtp_protect_burst, burst of 32 viewers; *used = arch picked. */
double bench_srtp_sg(enum sg_srtp_arch arch, enum sg_srtp_profile p, unsigned payload, int reps,
		     enum sg_srtp_arch *used);
/** Raw ipsec-mb cipher+hash jobs of the same lengths, nothing else. */
double bench_srtp_bound(enum sg_srtp_arch arch, enum sg_srtp_profile p, unsigned payload, int reps);
/* The same bound with nkeys (>= the burst) key sets used in turn, as a fan-out to nkeys viewers. */
double bench_srtp_bound_keys(enum sg_srtp_arch arch, enum sg_srtp_profile p, unsigned payload, int reps,
			     unsigned nkeys);
/** Median of `pairs` back-to-back (bound / streamgate) ratios, one rep each. */
double bench_srtp_paired_ratio(enum sg_srtp_arch arch, enum sg_srtp_profile p, unsigned payload,
			       int pairs);
/** libsrtp2 srtp_protect per packet, with the per-viewer copy + header rewrite. */
double bench_srtp_libsrtp(enum sg_srtp_profile p, unsigned payload, int reps);
/** CPU model and the crypto-relevant flags from /proc/cpuinfo. */
void bench_cpu_info(char *model, size_t msz, char *flags, size_t fsz);
/** Crypto back-end libsrtp2 is linked with ("NSS" or "built-in or OpenSSL"). */
const char *bench_libsrtp_backend(void);

#endif
