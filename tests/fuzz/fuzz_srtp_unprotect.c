/* SPDX-License-Identifier: BSD-3-Clause
 * libFuzzer target: SRTP and SRTCP unprotect on arbitrary input, for every
 * profile. The first byte picks the profile and the operation: SRTP unprotect,
 * SRTCP unprotect, SRTCP protect + unprotect round trip (reaches the
 * post-authentication paths), or burst protect of the input as RTP.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "sg_srtp.h"

static struct sg_srtp_engine *eng;
static struct sg_srtp_ctx *ctx[SG_SRTP_PROFILE__MAX];

static void setup(void)
{
	uint8_t mk[48];
	for (unsigned i = 0; i < sizeof(mk); i++)
		mk[i] = (uint8_t)(i * 7 + 1);
	eng = sg_srtp_engine_create(SG_SRTP_ARCH_AUTO);
	if (!eng)
		abort();
	for (int p = 0; p < SG_SRTP_PROFILE__MAX; p++) {
		ctx[p] = sg_srtp_ctx_create(eng, (enum sg_srtp_profile)p, mk, mk, NULL);
		if (!ctx[p])
			abort();
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	uint8_t buf[2048];
	if (!eng)
		setup();
	if (size < 1 || size > 1500)
		return 0;
	enum sg_srtp_profile p = (enum sg_srtp_profile)(data[0] % SG_SRTP_PROFILE__MAX);
	int mode = (data[0] >> 2) & 3;
	uint16_t len = (uint16_t)(size - 1);
	memcpy(buf, data + 1, len);
	int rc;
	switch (mode) {
	case 0:
		rc = sg_srtp_unprotect(eng, ctx[p], buf, &len);
		break;
	case 1:
		rc = sg_srtcp_unprotect(eng, ctx[p], buf, &len);
		break;
	case 2: /* protect then unprotect, must round-trip */
		rc = sg_srtcp_protect(eng, ctx[p], buf, &len, sizeof(buf));
		/* a fifth sending SSRC is refused by design; anything else must
		 * round-trip to the original bytes */
		if (rc == 0 && sg_srtcp_unprotect(eng, ctx[p], buf, &len) == 0 &&
		    (len != size - 1 || memcmp(buf, data + 1, len)))
			abort();
		break;
	default: {
		uint8_t out[2048];
		uint8_t *dst[1] = {out};
		uint16_t olen;
		struct sg_srtp_ctx *c = ctx[p];
		sg_srtp_protect_burst(eng, buf, len, &c, dst, sizeof(out), &olen, &rc, 1);
		break;
	}
	}
	return 0;
}
