/* SPDX-License-Identifier: BSD-3-Clause */
#include <CUnit/Basic.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sg_rtp_fp.h"

/* ---------------- RTP header ---------------- */

static const uint8_t base_hdr[12] = {0x80, 0xe0, 0x12, 0x34, 0x00, 0x01, 0x5f, 0x90,
				     0xde, 0xad, 0xbe, 0xef};

static void t_hdr_basic(void)
{
	uint8_t p[16];
	struct sg_rtp_hdr h;

	memcpy(p, base_hdr, 12);
	memcpy(p + 12, "abcd", 4);
	CU_ASSERT_EQUAL(sg_rtp_hdr_parse(p, sizeof(p), &h), 12);
	CU_ASSERT_TRUE(h.marker);
	CU_ASSERT_EQUAL(h.pt, 96);
	CU_ASSERT_EQUAL(h.seq, 0x1234);
	CU_ASSERT_EQUAL(h.ts, 90000);
	CU_ASSERT_EQUAL(h.ssrc, 0xdeadbeef);
	CU_ASSERT_EQUAL(h.payload_off, 12);
	CU_ASSERT_EQUAL(h.payload_len, 4);
	CU_ASSERT_FALSE(h.padding);
	CU_ASSERT_FALSE(h.ext);
	/* header only, empty payload: valid */
	CU_ASSERT_EQUAL(sg_rtp_hdr_parse(p, 12, &h), 12);
	CU_ASSERT_EQUAL(h.payload_len, 0);
	/* errors */
	CU_ASSERT_EQUAL(sg_rtp_hdr_parse(p, 11, &h), -EMSGSIZE);
	CU_ASSERT_EQUAL(sg_rtp_hdr_parse(p, 0, &h), -EMSGSIZE);
	p[0] = 0x40;            /* version 1 */
	CU_ASSERT_EQUAL(sg_rtp_hdr_parse(p, sizeof(p), &h), -EBADMSG);
	p[0] = 0xc0;            /* version 3 */
	CU_ASSERT_EQUAL(sg_rtp_hdr_parse(p, sizeof(p), &h), -EBADMSG);
}

static void t_hdr_csrc(void)
{
	uint8_t p[12 + 60 + 2];
	struct sg_rtp_hdr h;

	memset(p, 0, sizeof(p));
	memcpy(p, base_hdr, 12);
	p[0] = 0x82;            /* CC = 2 */
	p[12 + 3] = 7;          /* CSRC[0] = 7 */
	CU_ASSERT_EQUAL(sg_rtp_hdr_parse(p, 12 + 8 + 2, &h), 20);
	CU_ASSERT_EQUAL(h.cc, 2);
	CU_ASSERT_EQUAL(h.payload_len, 2);
	CU_ASSERT_EQUAL(sg_rtp_rd32(p + 12), 7);
	CU_ASSERT_EQUAL(sg_rtp_hdr_parse(p, 12 + 8, &h), 20);    /* exactly fits */
	CU_ASSERT_EQUAL(sg_rtp_hdr_parse(p, 12 + 7, &h), -EOVERFLOW);
	p[0] = 0x8f;            /* CC = 15 */
	CU_ASSERT_EQUAL(sg_rtp_hdr_parse(p, 12 + 60, &h), 72);
	CU_ASSERT_EQUAL(sg_rtp_hdr_parse(p, 12 + 59, &h), -EOVERFLOW);
}

static void t_hdr_padding(void)
{
	uint8_t p[20];
	struct sg_rtp_hdr h;

	memcpy(p, base_hdr, 12);
	p[0] = 0xa0;            /* P */
	memset(p + 12, 0x11, 8);
	p[19] = 4;              /* 4 padding bytes incl. count */
	CU_ASSERT_EQUAL(sg_rtp_hdr_parse(p, 20, &h), 12);
	CU_ASSERT_TRUE(h.padding);
	CU_ASSERT_EQUAL(h.pad_len, 4);
	CU_ASSERT_EQUAL(h.payload_len, 4);
	p[19] = 8;              /* all of the payload is padding */
	CU_ASSERT_EQUAL(sg_rtp_hdr_parse(p, 20, &h), 12);
	CU_ASSERT_EQUAL(h.payload_len, 0);
	p[19] = 9;              /* past the payload */
	CU_ASSERT_EQUAL(sg_rtp_hdr_parse(p, 20, &h), -EPROTO);
	p[19] = 0;              /* count must include itself */
	CU_ASSERT_EQUAL(sg_rtp_hdr_parse(p, 20, &h), -EPROTO);
	/* P bit with no payload at all: the count byte would be in the header */
	CU_ASSERT_EQUAL(sg_rtp_hdr_parse(p, 12, &h), -EPROTO);
}

static void t_hdr_ext(void)
{
	/* one-byte form (RFC 8285 §4.2): id1 len1, pad, id2 len3, id15 stops */
	uint8_t p[12 + 4 + 12 + 3] = {0};
	struct sg_rtp_hdr h;
	struct sg_rtp_ext_elem e;
	const uint8_t *d;
	uint32_t pos = 0;

	memcpy(p, base_hdr, 12);
	p[0] = 0x90;            /* X */
	p[12] = 0xbe;
	p[13] = 0xde;
	p[15] = 3;              /* 3 words */
	uint8_t one[12] = {0x10, 0xaa, 0x00, 0x22, 1, 2, 3, 0xf5, 0x99, 0x30, 0x00, 0x00};
	memcpy(p + 16, one, 12);
	memcpy(p + 28, "xyz", 3);
	CU_ASSERT_EQUAL(sg_rtp_hdr_parse(p, sizeof(p), &h), 28);
	CU_ASSERT_TRUE(h.ext);
	CU_ASSERT_EQUAL(h.ext_profile, 0xbede);
	CU_ASSERT_EQUAL(h.ext_len, 12);
	CU_ASSERT_EQUAL(h.payload_len, 3);
	CU_ASSERT_EQUAL(sg_rtp_ext_next(p, &h, &pos, &e), 1);
	CU_ASSERT_EQUAL(e.id, 1);
	CU_ASSERT_EQUAL(e.len, 1);
	CU_ASSERT_EQUAL(e.data[0], 0xaa);
	CU_ASSERT_EQUAL(sg_rtp_ext_next(p, &h, &pos, &e), 1);
	CU_ASSERT_EQUAL(e.id, 2);
	CU_ASSERT_EQUAL(e.len, 3);
	CU_ASSERT_EQUAL(e.data[2], 3);
	CU_ASSERT_EQUAL(sg_rtp_ext_next(p, &h, &pos, &e), 0); /* ID 15 ends the walk */
	CU_ASSERT_EQUAL(sg_rtp_ext_find(p, &h, 2, &d), 3);
	CU_ASSERT_EQUAL(d[0], 1);
	CU_ASSERT_EQUAL(sg_rtp_ext_find(p, &h, 3, &d), -ENOENT); /* after ID 15 */

	/* element longer than the block */
	p[16 + 7] = 0x3f;       /* id 3, 16 bytes: runs past the 12-byte block */
	CU_ASSERT_EQUAL(sg_rtp_hdr_parse(p, sizeof(p), &h), -EILSEQ);
	p[16 + 7] = 0xf5;
	/* extension length past the packet */
	p[15] = 4;
	CU_ASSERT_EQUAL(sg_rtp_hdr_parse(p, sizeof(p), &h), -ERANGE);
	CU_ASSERT_EQUAL(sg_rtp_hdr_parse(p, 14, &h), -ERANGE); /* ext header cut */
	/* unknown profile: extension skipped, elements not interpreted */
	p[15] = 3;
	p[12] = 0x12;
	CU_ASSERT_EQUAL(sg_rtp_hdr_parse(p, sizeof(p), &h), 28);
	pos = 0;
	CU_ASSERT_EQUAL(sg_rtp_ext_next(p, &h, &pos, &e), 0);

	/* two-byte form (§4.3): profile 0x100 + appbits, id 1 len 0, id 200 len 5 */
	uint8_t q[12 + 4 + 12] = {0};
	uint8_t two[12] = {0x01, 0x00, 0x00, 200, 5, 'h', 'e', 'l', 'l', 'o', 0, 0};
	memcpy(q, base_hdr, 12);
	q[0] = 0x90;
	q[12] = 0x10;
	q[13] = 0x03;
	q[15] = 3;
	memcpy(q + 16, two, 12);
	CU_ASSERT_EQUAL(sg_rtp_hdr_parse(q, sizeof(q), &h), 28);
	CU_ASSERT_EQUAL(h.payload_len, 0);
	pos = 0;
	CU_ASSERT_EQUAL(sg_rtp_ext_next(q, &h, &pos, &e), 1);
	CU_ASSERT_EQUAL(e.id, 1);
	CU_ASSERT_EQUAL(e.len, 0);
	CU_ASSERT_EQUAL(sg_rtp_ext_next(q, &h, &pos, &e), 1);
	CU_ASSERT_EQUAL(e.id, 200);
	CU_ASSERT_EQUAL(e.len, 5);
	CU_ASSERT_EQUAL(memcmp(e.data, "hello", 5), 0);
	CU_ASSERT_EQUAL(sg_rtp_ext_next(q, &h, &pos, &e), 0);
	q[16 + 4] = 8;          /* 8 bytes from offset 5 of a 12-byte block */
	CU_ASSERT_EQUAL(sg_rtp_hdr_parse(q, sizeof(q), &h), -EILSEQ);
	/* padding + extension + CSRC together */
	uint8_t r[12 + 4 + 4 + 4 + 2] = {0};
	memcpy(r, base_hdr, 12);
	r[0] = 0xb1;            /* P X CC=1 */
	r[16] = 0xbe;
	r[17] = 0xde;
	r[19] = 1;
	r[20] = 0x20;           /* id 2 len 1 */
	r[21] = 0x55;
	r[25] = 2;
	CU_ASSERT_EQUAL(sg_rtp_hdr_parse(r, sizeof(r), &h), 24);
	CU_ASSERT_EQUAL(h.payload_len, 0);
	CU_ASSERT_EQUAL(h.pad_len, 2);
	CU_ASSERT_EQUAL(sg_rtp_ext_find(r, &h, 2, &d), 1);
	CU_ASSERT_EQUAL(d[0], 0x55);
}

static void t_drop_reasons(void)
{
	int errs[] = {-EMSGSIZE, -EBADMSG, -EOVERFLOW, -ERANGE, -EILSEQ, -EPROTO};
	uint64_t drops[SG_RTP_DROP__MAX + 1] = {0};

	CU_ASSERT_EQUAL(SG_ARRAY_SIZE(errs), SG_RTP_DROP__MAX);
	for (unsigned i = 0; i < SG_ARRAY_SIZE(errs); i++) {
		CU_ASSERT_EQUAL(sg_rtp_drop_from_err(errs[i]), (enum sg_rtp_drop)i);
		drops[sg_rtp_drop_from_err(errs[i])]++;
	}
	for (unsigned i = 0; i < SG_RTP_DROP__MAX; i++)
		CU_ASSERT_EQUAL(drops[i], 1);
	CU_ASSERT_EQUAL(sg_rtp_drop_from_err(-ENOMEM), SG_RTP_DROP__MAX);
	CU_ASSERT_STRING_EQUAL(sg_rtp_drop_name(SG_RTP_DROP_BAD_VERSION), "version is not 2");
	CU_ASSERT_STRING_EQUAL(sg_rtp_drop_name(SG_RTP_DROP__MAX), "?");
}

static void t_fp_helpers(void)
{
	uint8_t p[64] = {0}; /* larger than parsed: gcc -O2 + sanitizers sees paths it cannot rule out */
	struct sg_rtp_hdr h;

	memcpy(p, base_hdr, 12);
	memcpy(p + 12, "data", 4);
	sg_rtp_fp_set_pt(p, 111);
	CU_ASSERT_EQUAL(p[1], 0x80 | 111);      /* marker kept */
	sg_rtp_fp_set_marker(p, false);
	CU_ASSERT_EQUAL(p[1], 111);
	sg_rtp_fp_rewrite(p, 0x01020304, 100, 0xfffe, 0xa0b0c0d0);
	CU_ASSERT_EQUAL(sg_rtp_fp_hdr_parse(p, 16, &h), 12);
	CU_ASSERT_EQUAL(h.ssrc, 0x01020304);
	CU_ASSERT_EQUAL(h.pt, 100);
	CU_ASSERT_FALSE(h.marker);
	CU_ASSERT_EQUAL(h.seq, 0xfffe);
	CU_ASSERT_EQUAL(h.ts, 0xa0b0c0d0);
	CU_ASSERT_EQUAL(p[0], 0x80);
	CU_ASSERT_EQUAL(memcmp(p + 12, "data", 4), 0);
	sg_rtp_fp_set_seq(p, 7);
	sg_rtp_fp_set_ts(p, 9);
	sg_rtp_fp_set_ssrc(p, 11);
	CU_ASSERT_EQUAL(sg_rtp_fp_seq(p), 7);
	CU_ASSERT_EQUAL(sg_rtp_fp_ts(p), 9);
	CU_ASSERT_EQUAL(sg_rtp_fp_ssrc(p), 11);
	/* RFC 5761 demux */
	uint8_t sr[2] = {0x80, 200}, rtp[2] = {0x80, 0xe0}, pt64[2] = {0x80, 64};
	CU_ASSERT_TRUE(sg_rtp_fp_is_rtcp(sr, 2));
	CU_ASSERT_FALSE(sg_rtp_fp_is_rtcp(rtp, 2));
	CU_ASSERT_FALSE(sg_rtp_fp_is_rtcp(pt64, 2));
	CU_ASSERT_FALSE(sg_rtp_fp_is_rtcp(sr, 1));
	/* sequence arithmetic across the wrap */
	CU_ASSERT_TRUE(sg_rtp_seq_lt(65535, 0));
	CU_ASSERT_FALSE(sg_rtp_seq_lt(0, 65535));
	CU_ASSERT_EQUAL(sg_rtp_seq_diff(65530, 4), 10);
	CU_ASSERT_EQUAL(sg_rtp_seq_diff(4, 65530), -10);
	CU_ASSERT_TRUE(sg_rtp_ts_lt(0xfffffff0u, 0x10));
}

/* ---------------- RTCP ---------------- */

/* SR (1 report block) + SDES CNAME, laid out by hand per RFC 3550 §6.4.1/§6.5 */
static const uint8_t sr_sdes[] = {
	0x81, 200, 0x00, 0x0c,                  /* V=2 RC=1 SR, length 12 -> 52 bytes */
	0x11, 0x22, 0x33, 0x44,                 /* SSRC of sender */
	0xe8, 0x4f, 0x2a, 0x10, 0x80, 0x00, 0x00, 0x00, /* NTP */
	0x00, 0x01, 0x5f, 0x90,                 /* RTP ts 90000 */
	0x00, 0x00, 0x00, 0x64,                 /* 100 packets */
	0x00, 0x00, 0x27, 0x10,                 /* 10000 octets */
	0xaa, 0xbb, 0xcc, 0xdd,                 /* report block: SSRC */
	0x40, 0x00, 0x00, 0x05,                 /* fraction 64/256, cum lost 5 */
	0x00, 0x01, 0x00, 0x10,                 /* ext highest seq 65552 */
	0x00, 0x00, 0x00, 0x20,                 /* jitter 32 */
	0x2a, 0x10, 0x80, 0x00,                 /* LSR */
	0x00, 0x01, 0x00, 0x00,                 /* DLSR 1 s */
	0x81, 202, 0x00, 0x04,                  /* SDES SC=1, 20 bytes */
	0x11, 0x22, 0x33, 0x44,
	0x01, 0x07, 'c', 'a', 'm', '@', 'l', 'a', 'n', /* CNAME "cam@lan" */
	0x00, 0x00, 0x00,                       /* end + pad to 32 bits */
};

static void t_rtcp_sr_sdes(void)
{
	struct sg_rtcp_iter it;
	struct sg_rtcp_pkt p;
	struct sg_rtcp_report r;
	struct sg_rtcp_sdes_iter si = {0};
	struct sg_rtcp_sdes_item item;

	CU_ASSERT_EQUAL(sg_rtcp_iter_init(&it, sr_sdes, sizeof(sr_sdes)), 0);
	CU_ASSERT_EQUAL(sg_rtcp_iter_next(&it, &p), 1);
	CU_ASSERT_EQUAL(p.pt, SG_RTCP_SR);
	CU_ASSERT_EQUAL(p.len, 52);
	CU_ASSERT_EQUAL(sg_rtcp_report_parse(&p, &r), 0);
	CU_ASSERT_TRUE(r.is_sr);
	CU_ASSERT_EQUAL(r.ssrc, 0x11223344);
	CU_ASSERT_EQUAL(r.ntp, 0xe84f2a1080000000ull);
	CU_ASSERT_EQUAL(r.rtp_ts, 90000);
	CU_ASSERT_EQUAL(r.pkt_count, 100);
	CU_ASSERT_EQUAL(r.octet_count, 10000);
	CU_ASSERT_EQUAL(r.rb_count, 1);
	CU_ASSERT_EQUAL(r.rb[0].ssrc, 0xaabbccdd);
	CU_ASSERT_EQUAL(r.rb[0].fraction_lost, 64);
	CU_ASSERT_EQUAL(r.rb[0].cum_lost, 5);
	CU_ASSERT_EQUAL(r.rb[0].ext_high_seq, 65552);
	CU_ASSERT_EQUAL(r.rb[0].jitter, 32);
	CU_ASSERT_EQUAL(r.rb[0].lsr, 0x2a108000);
	CU_ASSERT_EQUAL(r.rb[0].dlsr, 65536);
	CU_ASSERT_EQUAL(sg_rtcp_sdes_next(&p, &si, &item), -EINVAL); /* not SDES */

	CU_ASSERT_EQUAL(sg_rtcp_iter_next(&it, &p), 1);
	CU_ASSERT_EQUAL(p.pt, SG_RTCP_SDES);
	CU_ASSERT_EQUAL(sg_rtcp_report_parse(&p, &r), -EINVAL);
	CU_ASSERT_EQUAL(sg_rtcp_sdes_next(&p, &si, &item), 1);
	CU_ASSERT_EQUAL(item.ssrc, 0x11223344);
	CU_ASSERT_EQUAL(item.type, SG_RTCP_SDES_CNAME);
	CU_ASSERT_EQUAL(item.len, 7);
	CU_ASSERT_EQUAL(memcmp(item.data, "cam@lan", 7), 0);
	CU_ASSERT_EQUAL(sg_rtcp_sdes_next(&p, &si, &item), 0);
	CU_ASSERT_EQUAL(sg_rtcp_iter_next(&it, &p), 0);

	/* our builders produce the same bytes */
	uint8_t out[128];
	int n = sg_rtcp_build_sr(out, sizeof(out), &r);
	CU_ASSERT_EQUAL(n, 52);
	CU_ASSERT_EQUAL(memcmp(out, sr_sdes, 52), 0);
	CU_ASSERT_EQUAL(sg_rtcp_build_sdes_cname(out + 52, sizeof(out) - 52, 0x11223344,
						 "cam@lan"), 20);
	CU_ASSERT_EQUAL(memcmp(out, sr_sdes, sizeof(sr_sdes)), 0);
	CU_ASSERT_EQUAL(sg_rtcp_build_sr(out, 51, &r), -ENOSPC);
	CU_ASSERT_EQUAL(sg_rtcp_build_sdes_cname(out, sizeof(out), 1, ""), -EINVAL);

	/* SDES with fewer chunks than SC, and an item running past the end */
	uint8_t bad[sizeof(sr_sdes) - 52];
	memcpy(bad, sr_sdes + 52, sizeof(bad));
	bad[0] = 0x82;          /* SC = 2 but one chunk */
	sg_rtcp_iter_init(&it, bad, sizeof(bad));
	sg_rtcp_iter_next(&it, &p);
	memset(&si, 0, sizeof(si));
	CU_ASSERT_EQUAL(sg_rtcp_sdes_next(&p, &si, &item), 1);
	CU_ASSERT_EQUAL(sg_rtcp_sdes_next(&p, &si, &item), -EPROTO);
	bad[0] = 0x81;
	bad[9] = 12;            /* CNAME length past the packet */
	sg_rtcp_iter_init(&it, bad, sizeof(bad));
	sg_rtcp_iter_next(&it, &p);
	memset(&si, 0, sizeof(si));
	CU_ASSERT_EQUAL(sg_rtcp_sdes_next(&p, &si, &item), -EMSGSIZE);
}

static void t_rtcp_rr(void)
{
	struct sg_rtcp_rb rb[2] = {
		{.ssrc = 1, .fraction_lost = 25, .cum_lost = 1000, .ext_high_seq = 0x00020003,
		 .jitter = 90, .lsr = 0x12345678, .dlsr = 0x8000},
		{.ssrc = 2, .fraction_lost = 0, .cum_lost = -3, .ext_high_seq = 5, .jitter = 0},
	};
	/* expected wire bytes, hand-encoded */
	static const uint8_t want[8 + 48] = {
		0x82, 201, 0x00, 0x0d, 0xca, 0xfe, 0xba, 0xbe,
		0, 0, 0, 1, 25, 0x00, 0x03, 0xe8, 0, 2, 0, 3, 0, 0, 0, 90,
		0x12, 0x34, 0x56, 0x78, 0, 0, 0x80, 0,
		0, 0, 0, 2, 0, 0xff, 0xff, 0xfd, 0, 0, 0, 5, 0, 0, 0, 0,
		0, 0, 0, 0, 0, 0, 0, 0,
	};
	uint8_t out[64];
	struct sg_rtcp_iter it;
	struct sg_rtcp_pkt p;
	struct sg_rtcp_report r;

	CU_ASSERT_EQUAL(sg_rtcp_build_rr(out, sizeof(out), 0xcafebabe, rb, 2), 56);
	CU_ASSERT_EQUAL(memcmp(out, want, sizeof(want)), 0);
	CU_ASSERT_EQUAL(sg_rtcp_iter_init(&it, want, sizeof(want)), 0);
	CU_ASSERT_EQUAL(sg_rtcp_iter_next(&it, &p), 1);
	CU_ASSERT_EQUAL(sg_rtcp_report_parse(&p, &r), 0);
	CU_ASSERT_FALSE(r.is_sr);
	CU_ASSERT_EQUAL(r.ssrc, 0xcafebabe);
	CU_ASSERT_EQUAL(r.rb_count, 2);
	CU_ASSERT_EQUAL(r.rb[0].cum_lost, 1000);
	CU_ASSERT_EQUAL(r.rb[0].ext_high_seq, 0x20003);
	CU_ASSERT_EQUAL(r.rb[0].lsr, 0x12345678);
	CU_ASSERT_EQUAL(r.rb[0].dlsr, 0x8000);
	CU_ASSERT_EQUAL(r.rb[1].cum_lost, -3);
	CU_ASSERT_EQUAL(r.rb[1].ext_high_seq, 5);
	/* empty RR (RC=0) */
	CU_ASSERT_EQUAL(sg_rtcp_build_rr(out, sizeof(out), 9, NULL, 0), 8);
	CU_ASSERT_EQUAL(out[0], 0x80);
	CU_ASSERT_EQUAL(out[3], 1);
	CU_ASSERT_EQUAL(sg_rtcp_build_rr(out, 55, 1, rb, 2), -ENOSPC);
	CU_ASSERT_EQUAL(sg_rtcp_build_rr(out, sizeof(out), 1, rb, 32), -EINVAL);
	/* RC claims 2 blocks, length holds 1 */
	uint8_t cut[32];
	memcpy(cut, want, 32);
	cut[3] = 7;
	sg_rtcp_iter_init(&it, cut, 32);
	CU_ASSERT_EQUAL(sg_rtcp_iter_next(&it, &p), 1);
	CU_ASSERT_EQUAL(sg_rtcp_report_parse(&p, &r), -EMSGSIZE);
}

static void t_rtcp_iter_errors(void)
{
	struct sg_rtcp_iter it;
	struct sg_rtcp_pkt p;
	uint8_t b[16] = {0x80, 201, 0x00, 0x01, 0, 0, 0, 1, 0x80, 203, 0x00, 0x01, 0, 0, 0, 1};

	CU_ASSERT_EQUAL(sg_rtcp_iter_init(&it, b, 3), -EMSGSIZE);
	b[0] = 0x40;
	CU_ASSERT_EQUAL(sg_rtcp_iter_init(&it, b, 16), -EBADMSG);
	b[0] = 0x80;
	/* length field past the end */
	b[3] = 4;
	sg_rtcp_iter_init(&it, b, 16);
	CU_ASSERT_EQUAL(sg_rtcp_iter_next(&it, &p), -EMSGSIZE);
	b[3] = 1;
	/* trailing garbage shorter than a header */
	sg_rtcp_iter_init(&it, b, 10);
	CU_ASSERT_EQUAL(sg_rtcp_iter_next(&it, &p), 1);
	CU_ASSERT_EQUAL(sg_rtcp_iter_next(&it, &p), -EMSGSIZE);
	/* second packet with bad version */
	b[8] = 0x00;
	sg_rtcp_iter_init(&it, b, 16);
	CU_ASSERT_EQUAL(sg_rtcp_iter_next(&it, &p), 1);
	CU_ASSERT_EQUAL(sg_rtcp_iter_next(&it, &p), -EBADMSG);
	b[8] = 0x80;
	/* padding on the first of two packets */
	b[0] = 0xa0;
	b[7] = 4;
	sg_rtcp_iter_init(&it, b, 16);
	CU_ASSERT_EQUAL(sg_rtcp_iter_next(&it, &p), -EPROTO);
	/* padding on the last packet: fine, excluded from len */
	b[0] = 0x80;
	b[8] = 0xa0;
	b[15] = 4;
	sg_rtcp_iter_init(&it, b, 16);
	CU_ASSERT_EQUAL(sg_rtcp_iter_next(&it, &p), 1);
	CU_ASSERT_EQUAL(sg_rtcp_iter_next(&it, &p), 1);
	CU_ASSERT_TRUE(p.padding);
	CU_ASSERT_EQUAL(p.len, 4);
	struct sg_rtcp_bye bye;
	p.count = 0;
	CU_ASSERT_EQUAL(sg_rtcp_bye_parse(&p, &bye), 0);
	b[15] = 5;              /* more than the body */
	sg_rtcp_iter_init(&it, b, 16);
	sg_rtcp_iter_next(&it, &p);
	CU_ASSERT_EQUAL(sg_rtcp_iter_next(&it, &p), -EPROTO);
}

static void t_rtcp_bye_app(void)
{
	static const uint8_t pkt[] = {
		0x81, 203, 0x00, 0x03, 0x01, 0x02, 0x03, 0x04, 4, 'd', 'o', 'n', 'e', 0, 0, 0,
		0x85, 204, 0x00, 0x03, 0x0a, 0x0b, 0x0c, 0x0d, 'T', 'E', 'S', 'T', 1, 2, 3, 4,
	};
	struct sg_rtcp_iter it;
	struct sg_rtcp_pkt p;
	struct sg_rtcp_bye bye;
	struct sg_rtcp_app app;
	uint8_t out[16];

	sg_rtcp_iter_init(&it, pkt, sizeof(pkt));
	CU_ASSERT_EQUAL(sg_rtcp_iter_next(&it, &p), 1);
	CU_ASSERT_EQUAL(sg_rtcp_bye_parse(&p, &bye), 0);
	CU_ASSERT_EQUAL(bye.count, 1);
	CU_ASSERT_EQUAL(bye.ssrc[0], 0x01020304);
	CU_ASSERT_EQUAL(bye.reason_len, 4);
	CU_ASSERT_EQUAL(memcmp(bye.reason, "done", 4), 0);
	CU_ASSERT_EQUAL(sg_rtcp_app_parse(&p, &app), -EINVAL);
	CU_ASSERT_EQUAL(sg_rtcp_iter_next(&it, &p), 1);
	CU_ASSERT_EQUAL(sg_rtcp_app_parse(&p, &app), 0);
	CU_ASSERT_EQUAL(app.subtype, 5);
	CU_ASSERT_EQUAL(app.ssrc, 0x0a0b0c0d);
	CU_ASSERT_STRING_EQUAL(app.name, "TEST");
	CU_ASSERT_EQUAL(app.len, 4);
	CU_ASSERT_EQUAL(app.data[3], 4);
	CU_ASSERT_EQUAL(sg_rtcp_build_bye(out, sizeof(out), 0x01020304), 8);
	CU_ASSERT_EQUAL(memcmp(out, "\x81\xcb\x00\x01\x01\x02\x03\x04", 8), 0);
	/* reason length past the packet */
	uint8_t bad[16];
	memcpy(bad, pkt, 16);
	bad[8] = 9;
	sg_rtcp_iter_init(&it, bad, 16);
	sg_rtcp_iter_next(&it, &p);
	CU_ASSERT_EQUAL(sg_rtcp_bye_parse(&p, &bye), -EMSGSIZE);
}

static void t_rtcp_nack(void)
{
	/* RFC 4585 §6.2.1: PID 100, BLP 0x8005 -> 100, 101, 103, 116 */
	uint16_t seqs[64];
	CU_ASSERT_EQUAL(sg_rtcp_nack_expand(100, 0x8005, seqs), 4);
	CU_ASSERT_EQUAL(seqs[0], 100);
	CU_ASSERT_EQUAL(seqs[1], 101);
	CU_ASSERT_EQUAL(seqs[2], 103);
	CU_ASSERT_EQUAL(seqs[3], 116);
	CU_ASSERT_EQUAL(sg_rtcp_nack_expand(65535, 0x0003, seqs), 3); /* wraps */
	CU_ASSERT_EQUAL(seqs[1], 0);
	CU_ASSERT_EQUAL(seqs[2], 1);
	CU_ASSERT_EQUAL(sg_rtcp_nack_expand(7, 0xffff, seqs), 17);
	CU_ASSERT_EQUAL(seqs[16], 23);

	/* build: 100,101,103,116 share PID 100; 117 is 17 away -> new FCI; 200 new */
	const uint16_t lost[] = {100, 101, 103, 116, 117, 200};
	static const uint8_t want[] = {
		0x81, 205, 0x00, 0x05, 0, 0, 0, 1, 0, 0, 0, 2,
		0x00, 100, 0x80, 0x05, 0x00, 117, 0x00, 0x00, 0x00, 200, 0x00, 0x00,
	};
	uint8_t out[64];
	CU_ASSERT_EQUAL(sg_rtcp_build_nack(out, sizeof(out), 1, 2, lost, 6), 24);
	CU_ASSERT_EQUAL(memcmp(out, want, sizeof(want)), 0);
	CU_ASSERT_EQUAL(sg_rtcp_build_nack(out, 23, 1, 2, lost, 6), -ENOSPC);
	CU_ASSERT_EQUAL(sg_rtcp_build_nack(out, sizeof(out), 1, 2, lost, 0), -EINVAL);

	struct sg_rtcp_iter it;
	struct sg_rtcp_pkt p;
	struct sg_rtcp_fb fb;
	sg_rtcp_iter_init(&it, want, sizeof(want));
	CU_ASSERT_EQUAL(sg_rtcp_iter_next(&it, &p), 1);
	CU_ASSERT_EQUAL(sg_rtcp_fb_parse(&p, &fb), 0);
	CU_ASSERT_EQUAL(fb.kind, SG_RTCP_FB_NACK);
	CU_ASSERT_EQUAL(fb.sender_ssrc, 1);
	CU_ASSERT_EQUAL(fb.media_ssrc, 2);
	CU_ASSERT_EQUAL(sg_rtcp_nack_seqs(&fb, seqs, 64), 6);
	CU_ASSERT_EQUAL(memcmp(seqs, lost, sizeof(lost)), 0);
	/* truncated output: total still reported */
	memset(seqs, 0, sizeof(seqs));
	CU_ASSERT_EQUAL(sg_rtcp_nack_seqs(&fb, seqs, 2), 6);
	CU_ASSERT_EQUAL(seqs[1], 101);
	CU_ASSERT_EQUAL(seqs[2], 0);
	/* NACK without FCI */
	uint8_t empty[12];
	memcpy(empty, want, 12);
	empty[3] = 2;
	sg_rtcp_iter_init(&it, empty, 12);
	sg_rtcp_iter_next(&it, &p);
	CU_ASSERT_EQUAL(sg_rtcp_fb_parse(&p, &fb), -EPROTO);
	/* a wrap and unordered input still cover every number */
	const uint16_t wrap[] = {65534, 1, 65535, 0, 1};
	CU_ASSERT_EQUAL(sg_rtcp_build_nack(out, sizeof(out), 1, 2, wrap, 5), 16); /* one FCI */
	sg_rtcp_iter_init(&it, out, 16);
	sg_rtcp_iter_next(&it, &p);
	CU_ASSERT_EQUAL(sg_rtcp_fb_parse(&p, &fb), 0);
	CU_ASSERT_EQUAL(sg_rtcp_nack_seqs(&fb, seqs, 64), 4);
	CU_ASSERT_EQUAL(seqs[0], 65534);
	CU_ASSERT_EQUAL(seqs[1], 65535);
	CU_ASSERT_EQUAL(seqs[2], 0);
	CU_ASSERT_EQUAL(seqs[3], 1);
	/* far apart, descending: one FCI each */
	const uint16_t desc[] = {500, 100};
	CU_ASSERT_EQUAL(sg_rtcp_build_nack(out, sizeof(out), 1, 2, desc, 2), 20);
}

static void t_rtcp_psfb(void)
{
	/* compound: RR + PLI + FIR + REMB, as a browser sends */
	static const uint8_t c[] = {
		0x80, 201, 0x00, 0x01, 0, 0, 0, 9,
		0x81, 206, 0x00, 0x02, 0, 0, 0, 9, 0x12, 0x34, 0x56, 0x78,
		0x84, 206, 0x00, 0x04, 0, 0, 0, 9, 0, 0, 0, 0, 0x12, 0x34, 0x56, 0x78, 3, 0, 0, 0,
		0x8f, 206, 0x00, 0x05, 0, 0, 0, 9, 0, 0, 0, 0, 'R', 'E', 'M', 'B',
		0x01, 0x0a, 0xbc, 0xde, 0x12, 0x34, 0x56, 0x78,
	};
	struct sg_rtcp_iter it;
	struct sg_rtcp_pkt p;
	struct sg_rtcp_fb fb;
	uint32_t ssrc;
	uint8_t seq;
	uint8_t out[32];
	int kinds[4], n = 0, rc;

	sg_rtcp_iter_init(&it, c, sizeof(c));
	while ((rc = sg_rtcp_iter_next(&it, &p)) > 0) {
		if (sg_rtcp_fb_parse(&p, &fb) == 0) {
			kinds[n++] = fb.kind;
			if (fb.kind == SG_RTCP_FB_PLI)
				CU_ASSERT_EQUAL(fb.media_ssrc, 0x12345678);
			if (fb.kind == SG_RTCP_FB_FIR) {
				CU_ASSERT_EQUAL(sg_rtcp_fir_entry(&fb, 0, &ssrc, &seq), 0);
				CU_ASSERT_EQUAL(ssrc, 0x12345678);
				CU_ASSERT_EQUAL(seq, 3);
				CU_ASSERT_EQUAL(sg_rtcp_fir_entry(&fb, 1, &ssrc, &seq), -ENOENT);
			}
		} else {
			CU_ASSERT_EQUAL(p.pt, SG_RTCP_RR);
		}
	}
	CU_ASSERT_EQUAL(rc, 0);
	CU_ASSERT_EQUAL(n, 3);
	CU_ASSERT_EQUAL(kinds[0], SG_RTCP_FB_PLI);
	CU_ASSERT_EQUAL(kinds[1], SG_RTCP_FB_FIR);
	CU_ASSERT_EQUAL(kinds[2], SG_RTCP_FB_REMB);
	CU_ASSERT_EQUAL(sg_rtcp_build_pli(out, sizeof(out), 9, 0x12345678), 12);
	CU_ASSERT_EQUAL(memcmp(out, c + 8, 12), 0);
	CU_ASSERT_EQUAL(sg_rtcp_build_fir(out, sizeof(out), 9, 0x12345678, 3), 20);
	CU_ASSERT_EQUAL(memcmp(out, c + 20, 20), 0);
	CU_ASSERT_EQUAL(sg_rtcp_build_pli(out, 11, 9, 1), -ENOSPC);
}

/* ---------------- statistics (RFC 3550 A.1/A.3/A.8) ---------------- */

#define MS 1000000ull

static void t_stats_jitter_loss(void)
{
	struct sg_rtp_stats s;
	struct sg_rtcp_rb rb;

	sg_rtp_stats_init(&s, 8000);    /* 1 unit = 125 us; 20 ms = 160 */
	CU_ASSERT_EQUAL(sg_rtp_stats_update(&s, 1, 0, 0), 0);          /* probation */
	CU_ASSERT_EQUAL(sg_rtp_stats_update(&s, 2, 160, 20 * MS), 1);  /* transit 0 */
	CU_ASSERT_EQUAL(sg_rtp_stats_jitter(&s), 0);
	/* 5 ms late: transit 40, D = 40, J = 40/16 -> q4 40, reported 2 */
	CU_ASSERT_EQUAL(sg_rtp_stats_update(&s, 3, 320, 45 * MS), 1);
	CU_ASSERT_EQUAL(s.jitter_q4, 40);
	CU_ASSERT_EQUAL(sg_rtp_stats_jitter(&s), 2);
	/* back on time: D = 40, q4 = 40 + 40 - ((40 + 8) >> 4) = 77 -> 4 */
	CU_ASSERT_EQUAL(sg_rtp_stats_update(&s, 4, 480, 60 * MS), 1);
	CU_ASSERT_EQUAL(s.jitter_q4, 77);
	CU_ASSERT_EQUAL(sg_rtp_stats_jitter(&s), 4);
	/* seq 5 lost; 6 on time: D = 0, q4 = 77 - ((77 + 8) >> 4) = 72 -> 4 */
	CU_ASSERT_EQUAL(sg_rtp_stats_update(&s, 6, 800, 100 * MS), 1);
	CU_ASSERT_EQUAL(s.jitter_q4, 72);
	CU_ASSERT_EQUAL(sg_rtp_stats_ext_max(&s), 6);
	CU_ASSERT_EQUAL(sg_rtp_stats_expected(&s), 5);          /* 2..6 */
	CU_ASSERT_EQUAL(s.received, 4);
	CU_ASSERT_EQUAL(sg_rtp_stats_lost(&s), 1);
	sg_rtp_stats_report_block(&s, 0x55, 0x1234, 0x10000, &rb);
	CU_ASSERT_EQUAL(rb.ssrc, 0x55);
	CU_ASSERT_EQUAL(rb.fraction_lost, 51);  /* (1 << 8) / 5 */
	CU_ASSERT_EQUAL(rb.cum_lost, 1);
	CU_ASSERT_EQUAL(rb.ext_high_seq, 6);
	CU_ASSERT_EQUAL(rb.jitter, 4);
	CU_ASSERT_EQUAL(rb.lsr, 0x1234);
	CU_ASSERT_EQUAL(rb.dlsr, 0x10000);
	/* the late seq 5 arrives: duplicate/reorder counted, nothing lost now */
	CU_ASSERT_EQUAL(sg_rtp_stats_update(&s, 5, 640, 101 * MS), 1);
	CU_ASSERT_EQUAL(sg_rtp_stats_lost(&s), 0);
	sg_rtp_stats_report_block(&s, 0x55, 0, 0, &rb);
	CU_ASSERT_EQUAL(rb.fraction_lost, 0);   /* interval: expected 0, received 1 */
	/* 7..16 with 8, 10, 12, 14 missing */
	for (uint16_t q = 7; q <= 16; q++)
		if (q % 2)
			sg_rtp_stats_update(&s, q, q * 160u, q * 20 * MS);
	CU_ASSERT_EQUAL(sg_rtp_stats_update(&s, 16, 16 * 160, 320 * MS), 1);
	sg_rtp_stats_report_block(&s, 0x55, 0, 0, &rb);
	CU_ASSERT_EQUAL(rb.fraction_lost, 102); /* 4 of 10 lost: (4 << 8) / 10 */
	CU_ASSERT_EQUAL(rb.cum_lost, 4);
}

static void t_stats_wrap_restart(void)
{
	struct sg_rtp_stats s;

	sg_rtp_stats_init(&s, 90000);
	CU_ASSERT_EQUAL(sg_rtp_stats_update(&s, 65534, 0, 0), 0);
	CU_ASSERT_EQUAL(sg_rtp_stats_update(&s, 65535, 3000, 33 * MS), 1);
	CU_ASSERT_EQUAL(sg_rtp_stats_update(&s, 0, 6000, 66 * MS), 1);
	CU_ASSERT_EQUAL(sg_rtp_stats_update(&s, 1, 9000, 100 * MS), 1);
	CU_ASSERT_EQUAL(s.cycles, 65536);
	CU_ASSERT_EQUAL(sg_rtp_stats_ext_max(&s), 65537);
	CU_ASSERT_EQUAL(sg_rtp_stats_expected(&s), 3);
	CU_ASSERT_EQUAL(sg_rtp_stats_lost(&s), 0);
	/* duplicate: received grows, lost goes negative (A.3) */
	CU_ASSERT_EQUAL(sg_rtp_stats_update(&s, 1, 9000, 101 * MS), 1);
	CU_ASSERT_EQUAL(sg_rtp_stats_lost(&s), -1);
	/* big jump: rejected once, accepted as a restart when sequential */
	CU_ASSERT_EQUAL(sg_rtp_stats_update(&s, 20000, 0, 200 * MS), 0);
	CU_ASSERT_EQUAL(s.bad, 1);
	CU_ASSERT_EQUAL(sg_rtp_stats_update(&s, 20001, 3000, 233 * MS), 1);
	CU_ASSERT_EQUAL(s.base_seq, 20001);
	CU_ASSERT_EQUAL(sg_rtp_stats_expected(&s), 1);
	CU_ASSERT_EQUAL(sg_rtp_stats_lost(&s), 0);
	/* probation restart: 10 then 12 (not sequential) then 13 */
	sg_rtp_stats_init(&s, 90000);
	CU_ASSERT_EQUAL(sg_rtp_stats_update(&s, 10, 0, 0), 0);
	CU_ASSERT_EQUAL(sg_rtp_stats_update(&s, 12, 0, 0), 0);
	CU_ASSERT_EQUAL(sg_rtp_stats_update(&s, 13, 0, 0), 1);
	CU_ASSERT_EQUAL(s.base_seq, 13);
	/* steady 90 kHz stream with exact timing has zero jitter */
	sg_rtp_stats_init(&s, 90000);
	for (unsigned i = 0; i < 100; i++)
		sg_rtp_stats_update(&s, (uint16_t)i, 3000 * i, (uint64_t)i * 100 * MS / 3);
	CU_ASSERT_EQUAL(sg_rtp_stats_jitter(&s), 0);
}

/* ---------------- keyframe detection ---------------- */

#define KF(codec, ...) ({                                               \
	static const uint8_t b_[] = {__VA_ARGS__};                      \
	sg_rtp_kf_detect(codec, b_, sizeof(b_)); })

#include "test_rtp_kf.inc"

int main(void)
{
	if (CU_initialize_registry() != CUE_SUCCESS)
		return 1;
	CU_pSuite s = CU_add_suite("rtp", NULL, NULL);
	CU_add_test(s, "header basic/version/length", t_hdr_basic);
	CU_add_test(s, "header CSRC bounds", t_hdr_csrc);
	CU_add_test(s, "header padding", t_hdr_padding);
	CU_add_test(s, "header extensions RFC 8285", t_hdr_ext);
	CU_add_test(s, "drop reasons X-macro", t_drop_reasons);
	CU_add_test(s, "fast-path rewrite/demux/seq", t_fp_helpers);
	CU_add_test(s, "RTCP SR+SDES compound", t_rtcp_sr_sdes);
	CU_add_test(s, "RTCP RR build/parse", t_rtcp_rr);
	CU_add_test(s, "RTCP iterator errors", t_rtcp_iter_errors);
	CU_add_test(s, "RTCP BYE/APP", t_rtcp_bye_app);
	CU_add_test(s, "RTCP generic NACK", t_rtcp_nack);
	CU_add_test(s, "RTCP PLI/FIR/REMB", t_rtcp_psfb);
	CU_add_test(s, "stats jitter/loss", t_stats_jitter_loss);
	CU_add_test(s, "stats wrap/restart/probation", t_stats_wrap_restart);
	add_kf_tests(s);
	CU_basic_set_mode(CU_BRM_VERBOSE);
	CU_basic_run_tests();
	unsigned fails = CU_get_number_of_failures();
	CU_cleanup_registry();
	return fails ? 1 : 0;
}
