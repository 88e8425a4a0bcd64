/* SPDX-License-Identifier: BSD-3-Clause
 * libFuzzer target: RTP header + extensions, RTCP compound parse (every
 * packet type), keyframe detection and parameter-set extraction for every
 * codec, receive statistics, RTCP builders round-trip.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "sg_rtp_fp.h"

static void fuzz_rtcp(const uint8_t *d, size_t n)
{
	struct sg_rtcp_iter it;
	struct sg_rtcp_pkt p;
	int rc;

	if (sg_rtcp_iter_init(&it, d, n) < 0)
		return;
	while ((rc = sg_rtcp_iter_next(&it, &p)) > 0) {
		struct sg_rtcp_report r;
		struct sg_rtcp_bye bye;
		struct sg_rtcp_app app;
		struct sg_rtcp_fb fb;
		struct sg_rtcp_sdes_iter si = {0};
		struct sg_rtcp_sdes_item item;
		volatile unsigned sink = 0;

		if (sg_rtcp_report_parse(&p, &r) == 0) {
			for (unsigned i = 0; i < r.rb_count; i++)
				sink += r.rb[i].jitter;
			uint8_t out[1024];
			int w = r.is_sr ? sg_rtcp_build_sr(out, sizeof(out), &r)
					: sg_rtcp_build_rr(out, sizeof(out), r.ssrc, r.rb, r.rb_count);
			if (w < 0)
				abort();
		}
		while (sg_rtcp_sdes_next(&p, &si, &item) > 0)
			for (unsigned i = 0; i < item.len; i++)
				sink += item.data[i];
		if (sg_rtcp_bye_parse(&p, &bye) == 0 && bye.reason)
			sink += bye.reason[bye.reason_len ? bye.reason_len - 1 : 0];
		if (sg_rtcp_app_parse(&p, &app) == 0 && app.len)
			sink += app.data[app.len - 1];
		if (sg_rtcp_fb_parse(&p, &fb) == 0) {
			if (fb.kind == SG_RTCP_FB_NACK) {
				uint16_t seqs[64];
				int total = sg_rtcp_nack_seqs(&fb, seqs, 64);
				if (total < 1 || (unsigned)total > 17 * (fb.fci_len / 4))
					abort();
				unsigned k = total > 64 ? 64 : (unsigned)total;
				uint8_t out[12 + 4 * 64];
				if (sg_rtcp_build_nack(out, sizeof(out), 1, 2, seqs, k) < 0)
					abort();
			} else if (fb.kind == SG_RTCP_FB_FIR) {
				uint32_t ssrc;
				uint8_t seq;
				for (unsigned i = 0; sg_rtcp_fir_entry(&fb, i, &ssrc, &seq) == 0; i++)
					sink += seq;
			}
		}
		(void)sink;
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct sg_rtp_hdr h;
	uint8_t *d;
	int off;

	if (size < 1)
		return 0;
	/* own copy so ASan catches reads past the end exactly */
	d = malloc(size - 1 ? size - 1 : 1);
	if (!d)
		return 0;
	memcpy(d, data + 1, size - 1);
	size--;

	switch (data[0] & 3) {
	case 0:
		off = sg_rtp_fp_hdr_parse(d, size, &h);
		if (off >= 0) {
			struct sg_rtp_ext_elem e;
			uint32_t pos = 0;
			const uint8_t *ed;
			if ((uint64_t)h.payload_off + h.payload_len + h.pad_len != size)
				abort();
			while (sg_rtp_ext_next(d, &h, &pos, &e) > 0)
				if (e.len && e.data[e.len - 1] == 0x5a)
					pos += 0;
			(void)sg_rtp_ext_find(d, &h, 3, &ed);
			int kf = sg_rtp_kf_detect((enum sg_rtp_codec)(data[0] >> 2) % SG_RTP_CODEC__MAX,
						  d + h.payload_off, h.payload_len);
			(void)kf;
			sg_rtp_fp_rewrite(d, 1, 96, 2, 3);
		} else if (sg_rtp_drop_from_err(off) == SG_RTP_DROP__MAX) {
			abort();
		}
		break;
	case 1:
		fuzz_rtcp(d, size);
		break;
	case 2: {
		enum sg_rtp_codec c = (enum sg_rtp_codec)((data[0] >> 2) % SG_RTP_CODEC__MAX);
		(void)sg_rtp_kf_detect(c, d, size);
		struct sg_rtp_pset_cache *pc = malloc(sizeof(*pc));
		if (pc && sg_rtp_pset_init(pc, c) == 0) {
			(void)sg_rtp_pset_update(pc, d, size);
			uint8_t agg[2048];
			(void)sg_rtp_pset_build_agg(pc, agg, sizeof(agg));
		}
		free(pc);
		break;
	}
	default: {
		/* stats: stream of (seq16, ts32, arrival delta16) records */
		struct sg_rtp_stats st;
		struct sg_rtcp_rb rb;
		uint64_t now = 0;
		sg_rtp_stats_init(&st, (data[0] & 4) ? 48000 : 90000);
		for (size_t i = 0; i + 8 <= size; i += 8) {
			now += (uint64_t)sg_rtp_rd16(d + i + 6) * 100000u;
			sg_rtp_stats_update(&st, sg_rtp_rd16(d + i), sg_rtp_rd32(d + i + 2), now);
			if ((d[i] & 0x0f) == 0)
				sg_rtp_stats_report_block(&st, 1, 0, 0, &rb);
		}
		break;
	}
	}
	free(d);
	return 0;
}
