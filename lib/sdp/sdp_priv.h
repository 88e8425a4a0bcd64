/* SPDX-License-Identifier: BSD-3-Clause
 * lib/sdp internals.
 */
#ifndef SG_SDP_PRIV_H
#define SG_SDP_PRIV_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "sg_sdp.h"

/* Strict unsigned decimal of s[0..n) into *out, <= max. Returns 0 or -EINVAL. */
int sdp_parse_u64(const char *s, size_t n, uint64_t max, uint64_t *out);

/* Case-insensitive compare of a NUL-terminated string. */
bool sdp_ieq(const char *a, const char *b);

#endif /* SG_SDP_PRIV_H */
