/* SPDX-License-Identifier: BSD-3-Clause
 * Arbitrary offers into the answer builder; every answer must re-parse. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "sg_session.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct sg_sdp p;
	struct sg_session_src s[2] = {{true, SG_SDP_CODEC_H264, 90000, 0, 1, 0x42e01f},
				      {true, SG_SDP_CODEC_OPUS, 48000, 2, 0, 0}};
	struct sg_session_local l = {.ufrag = "AbCdEfGh", .pwd = "0123456789abcdefghijklmnopqrstuv",
				     .fingerprint = "sha-256 AA:BB", .ip = "198.18.0.1", .port = 8189,
				     .cname = "x"};
	struct sg_session_nego n;
	char ans[16384], why[256];
	int len = sg_session_answer((const char *)data, size, s, &l, ans, sizeof(ans), &n, why, sizeof(why));
	if (len > 0 && sg_sdp_parse(&p, ans, (size_t)len) != 0)
		abort();
	return 0;
}
