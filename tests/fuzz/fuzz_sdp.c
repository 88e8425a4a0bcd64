/* SPDX-License-Identifier: BSD-3-Clause
 * libFuzzer target: SDP parse, fmtp iteration, codec descriptions,
 * control URL resolution, base64, and write -> re-parse round trip.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "sg_sdp.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct sg_sdp sdp, sdp2;
	static struct sg_sdp_codec codec;
	static char out[16384];
	char *text = malloc(size ? size : 1);

	if (!text)
		return 0;
	memcpy(text, data, size);

	{       /* base64 both ways on the raw input */
		uint8_t bin[512];
		char enc[1024];
		int n = sg_sdp_base64_decode(text, size < 600 ? size : 600, bin, sizeof(bin));
		if (n >= 0 && sg_sdp_base64_encode(bin, (size_t)n, enc, sizeof(enc)) < 0)
			abort();
	}

	if (sg_sdp_parse(&sdp, text, size) == 0) {
		struct sg_sdp_writer w;
		sg_sdp_writer_init(&w, out, sizeof(out));
		sg_sdp_w_session(&w, NULL, 1, 2, "127.0.0.1", sdp.name);
		for (unsigned i = 0; i < sdp.n_media; i++) {
			const struct sg_sdp_media *m = &sdp.media[i];
			char url[SG_SDP_URL_LEN * 2 + 16];
			(void)sg_sdp_control_resolve("rtsp://cam.example/live/", m->c.control, url,
						     sizeof(url));
			(void)sg_sdp_control_resolve(sdp.c.control, m->c.control, url, sizeof(url));
			(void)sg_sdp_media_dir(&sdp, m);
			(void)sg_sdp_media_conn(&sdp, m);
			if (!m->rtp)
				continue;
			uint8_t pts[SG_SDP_MAX_FMT];
			for (unsigned k = 0; k < m->n_fmt; k++)
				pts[k] = m->fmt[k].pt;
			sg_sdp_w_media(&w, m->type, m->port, m->proto, pts, m->n_fmt);
			for (unsigned k = 0; k < m->n_fmt; k++) {
				char key[64], val[SG_SDP_FMTP_LEN];
				size_t pos = 0;
				while (sg_sdp_fmtp_next(m->fmt[k].fmtp, &pos, key, sizeof(key), val,
							sizeof(val)) > 0)
					;
				if (sg_sdp_codec_get(m, k, &codec) == 0)
					sg_sdp_w_codec(&w, &codec);
			}
			if (m->mid[0])
				sg_sdp_w_attr(&w, "mid", "%s", m->mid);
		}
		int n = sg_sdp_writer_finish(&w);
		if (n > 0 && sg_sdp_parse(&sdp2, out, (size_t)n) != 0 &&
		    !strstr(sdp2.err, "longer") && !strstr(sdp2.err, "more than"))
			abort();        /* our own output must parse */
	}
	free(text);
	return 0;
}
