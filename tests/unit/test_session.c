/* SPDX-License-Identifier: BSD-3-Clause
 * lib/session: SDP answers to a Chromium WHEP offer (tests/vectors/sdp), and ICE credentials.
 */
#include <CUnit/Basic.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sg_session.h"

static char *offer;
static size_t offer_len;

static char *slurp(const char *name, size_t *len)
{
	char path[512];
	snprintf(path, sizeof(path), "%s/sdp/%s", SG_TEST_VECTORS, name);
	FILE *f = fopen(path, "rb");
	if (!f)
		return NULL;
	char *b = calloc(1, 65536);
	*len = fread(b, 1, 65535, f);
	fclose(f);
	return b;
}

static struct sg_session_local local(void)
{
	struct sg_session_local l;
	memset(&l, 0, sizeof(l));
	strcpy(l.ufrag, "AbCdEfGh");
	strcpy(l.pwd, "0123456789abcdefghijklmnopqrstuv");
	strcpy(l.fingerprint, "sha-256 AA:BB:CC:DD:EE:FF:00:11:22:33:44:55:66:77:88:99:AA:BB:CC:DD:EE:FF:00:11:22:33:44:55:66:77:88:99");
	strcpy(l.ip, "198.18.0.1");
	l.port = 8189;
	l.ssrc[0] = 0x11111111;
	l.ssrc[1] = 0x22222222;
	l.sess_id = 42;
	strcpy(l.cname, "streamgate");
	return l;
}

static void src_h264_opus(struct sg_session_src s[2], uint32_t plid)
{
	memset(s, 0, 2 * sizeof(*s));
	s[0] = (struct sg_session_src){true, SG_SDP_CODEC_H264, 90000, 0, 1, plid};
	s[1] = (struct sg_session_src){true, SG_SDP_CODEC_OPUS, 48000, 2, 0, 0};
}

static void t_h264_opus(void)
{
	struct sg_session_src s[2];
	struct sg_session_local l = local();
	struct sg_session_nego n;
	char ans[8192], why[256];
	struct sg_sdp *p = calloc(1, sizeof(*p));

	src_h264_opus(s, 0x42e01f);
	int len = sg_session_answer(offer, offer_len, s, &l, ans, sizeof(ans), &n, why, sizeof(why));
	CU_ASSERT_TRUE_FATAL(len > 0);
	CU_ASSERT_TRUE(n.media[0] && n.media[1]);
	CU_ASSERT_EQUAL(n.pt[0], 106);     /* packetization-mode=1, profile 42e01f exactly */
	CU_ASSERT_EQUAL(n.pt[1], 111);
	CU_ASSERT_STRING_EQUAL(n.mid[0], "0");
	CU_ASSERT_STRING_EQUAL(n.mid[1], "1");
	CU_ASSERT_STRING_EQUAL(n.remote_ufrag, "Qx7r");
	CU_ASSERT_STRING_EQUAL(n.remote_pwd, "zD0bQm6Pz+Tyb3QWsw7S0tPe");
	CU_ASSERT_EQUAL(strncmp(n.remote_fp, "sha-256 3B:A4:0C", 16), 0);
	CU_ASSERT_PTR_NOT_NULL(strstr(ans, "a=ice-lite\r\n"));
	CU_ASSERT_PTR_NOT_NULL(strstr(ans, "a=group:BUNDLE 0 1\r\n"));
	CU_ASSERT_PTR_NOT_NULL(strstr(ans, "m=video 8189 UDP/TLS/RTP/SAVPF 106\r\n"));
	CU_ASSERT_PTR_NOT_NULL(strstr(ans, "a=fmtp:106 level-asymmetry-allowed=1;packetization-mode=1;profile-level-id=42e01f\r\n"));
	CU_ASSERT_PTR_NOT_NULL(strstr(ans, "m=audio 8189 UDP/TLS/RTP/SAVPF 111\r\n"));
	CU_ASSERT_PTR_NOT_NULL(strstr(ans, "a=rtpmap:111 opus/48000/2\r\n"));
	CU_ASSERT_PTR_NOT_NULL(strstr(ans, "a=setup:passive\r\n"));
	CU_ASSERT_PTR_NOT_NULL(strstr(ans, "a=sendonly\r\n"));
	CU_ASSERT_PTR_NOT_NULL(strstr(ans, "a=candidate:1 1 udp 2130706431 198.18.0.1 8189 typ host\r\n"));
	CU_ASSERT_PTR_NOT_NULL(strstr(ans, "a=ssrc:286331153 cname:streamgate\r\n"));
	CU_ASSERT_PTR_NOT_NULL(strstr(ans, "m=application 0 UDP/DTLS/SCTP webrtc-datachannel\r\n"));
	/* The answer is itself valid SDP with the right shape. */
	CU_ASSERT_EQUAL_FATAL(sg_sdp_parse(p, ans, (size_t)len), 0);
	CU_ASSERT_TRUE(p->ice_lite);
	CU_ASSERT_EQUAL(p->n_media, 3);
	CU_ASSERT_EQUAL(p->media[0].c.setup, SG_SDP_SETUP_PASSIVE);
	CU_ASSERT_STRING_EQUAL(p->media[0].c.ice_ufrag, "AbCdEfGh");
	CU_ASSERT_TRUE(p->media[1].rtcp_mux);
	CU_ASSERT_EQUAL(p->media[2].port, 0);
	free(p);
}

static void t_h264_high_and_pm0(void)
{
	struct sg_session_src s[2];
	struct sg_session_local l = local();
	struct sg_session_nego n;
	char ans[8192], why[256];

	src_h264_opus(s, 0x640028); /* High profile from the camera */
	CU_ASSERT_TRUE(sg_session_answer(offer, offer_len, s, &l, ans, sizeof(ans), &n, why, sizeof(why)) > 0);
	CU_ASSERT_EQUAL(n.pt[0], 112);
	s[0].packetization_mode = 0;
	s[0].profile_level_id = 0x42001f;
	CU_ASSERT_TRUE(sg_session_answer(offer, offer_len, s, &l, ans, sizeof(ans), &n, why, sizeof(why)) > 0);
	CU_ASSERT_EQUAL(n.pt[0], 104);
	/* VP8 and AV1 sources */
	s[0].codec = SG_SDP_CODEC_VP8;
	CU_ASSERT_TRUE(sg_session_answer(offer, offer_len, s, &l, ans, sizeof(ans), &n, why, sizeof(why)) > 0);
	CU_ASSERT_EQUAL(n.pt[0], 96);
	s[0].codec = SG_SDP_CODEC_AV1;
	CU_ASSERT_TRUE(sg_session_answer(offer, offer_len, s, &l, ans, sizeof(ans), &n, why, sizeof(why)) > 0);
	CU_ASSERT_EQUAL(n.pt[0], 45);
	/* PCMU audio */
	s[1].codec = SG_SDP_CODEC_PCMU;
	s[1].clock_rate = 8000;
	s[1].channels = 1;
	CU_ASSERT_TRUE(sg_session_answer(offer, offer_len, s, &l, ans, sizeof(ans), &n, why, sizeof(why)) > 0);
	CU_ASSERT_EQUAL(n.pt[1], 0);
}

static void t_rejections(void)
{
	struct sg_session_src s[2];
	struct sg_session_local l = local();
	struct sg_session_nego n;
	char ans[8192], why[256];

	/* H.265 camera: Chromium offers no H.265 -> no video; AAC audio is not WebRTC -> nothing. */
	memset(s, 0, sizeof(s));
	s[0] = (struct sg_session_src){true, SG_SDP_CODEC_H265, 90000, 0, 0, 0};
	s[1] = (struct sg_session_src){true, SG_SDP_CODEC_AAC, 44100, 2, 0, 0};
	CU_ASSERT_EQUAL(sg_session_answer(offer, offer_len, s, &l, ans, sizeof(ans), &n, why, sizeof(why)), -ENOTSUP);
	CU_ASSERT_STRING_EQUAL(why, "no usable codec (offered video: VP8, H264, AV1, VP9; audio: opus, G722, PCMU, PCMA; "
				    "source: H265 + MPEG4-GENERIC (AAC))");
	/* H.264 + AAC: video plays, audio section rejected. */
	src_h264_opus(s, 0x42e01f);
	s[1].codec = SG_SDP_CODEC_AAC;
	int len = sg_session_answer(offer, offer_len, s, &l, ans, sizeof(ans), &n, why, sizeof(why));
	CU_ASSERT_TRUE(len > 0);
	CU_ASSERT_TRUE(n.media[0]);
	CU_ASSERT_FALSE(n.media[1]);
	CU_ASSERT_PTR_NOT_NULL(strstr(ans, "m=audio 0 UDP/TLS/RTP/SAVPF 111\r\n"));
	CU_ASSERT_PTR_NOT_NULL(strstr(ans, "a=group:BUNDLE 0\r\n"));
	/* Garbage, missing fingerprint, no rtcp-mux, too small a buffer. */
	CU_ASSERT_EQUAL(sg_session_answer("hello", 5, s, &l, ans, sizeof(ans), &n, why, sizeof(why)), -EINVAL);
	CU_ASSERT_EQUAL(strncmp(why, "bad SDP offer: ", 15), 0);
	char *o2 = strdup(offer);
	char *fp;
	while ((fp = strstr(o2, "a=fingerprint")))
		memcpy(fp, "a=xingerprint", 13);
	CU_ASSERT_EQUAL(sg_session_answer(o2, strlen(o2), s, &l, ans, sizeof(ans), &n, why, sizeof(why)), -EINVAL);
	CU_ASSERT_STRING_EQUAL(why, "offer lacks a DTLS fingerprint (a=fingerprint)");
	strcpy(o2, offer);
	while ((fp = strstr(o2, "a=rtcp-mux")))
		memcpy(fp, "a=rtcp-mox", 10);
	CU_ASSERT_EQUAL(sg_session_answer(o2, strlen(o2), s, &l, ans, sizeof(ans), &n, why, sizeof(why)), -EINVAL);
	CU_ASSERT_STRING_EQUAL(why, "the video section does not offer rtcp-mux (RFC 8858)");
	free(o2);
	CU_ASSERT_EQUAL(sg_session_answer(offer, offer_len, s, &l, ans, 200, &n, why, sizeof(why)), -ENOSPC);
}

static void t_creds(void)
{
	char u1[9], p1[33], u2[9], p2[33], id[17];
	CU_ASSERT_EQUAL(sg_session_ice_creds(u1, p1), 0);
	CU_ASSERT_EQUAL(sg_session_ice_creds(u2, p2), 0);
	CU_ASSERT_EQUAL(strlen(u1), 8);
	CU_ASSERT_EQUAL(strlen(p1), 32);
	CU_ASSERT_NOT_EQUAL(strcmp(p1, p2), 0);
	for (int i = 0; i < 32; i++)
		CU_ASSERT_TRUE((p1[i] >= '0' && p1[i] <= '9') || (p1[i] >= 'a' && p1[i] <= 'z') ||
			       (p1[i] >= 'A' && p1[i] <= 'Z'));
	CU_ASSERT_EQUAL(sg_session_id(id), 0);
	CU_ASSERT_EQUAL(strlen(id), 16);
}

int main(void)
{
	offer = slurp("chromium_whep_offer.sdp", &offer_len);
	if (!offer || CU_initialize_registry() != CUE_SUCCESS)
		return 1;
	CU_pSuite s = CU_add_suite("session", NULL, NULL);
	CU_add_test(s, "answer H.264 + Opus to a Chromium offer", t_h264_opus);
	CU_add_test(s, "H.264 profile/packetization matching, VP8, AV1, PCMU", t_h264_high_and_pm0);
	CU_add_test(s, "rejections and reasons", t_rejections);
	CU_add_test(s, "ICE credentials and ids", t_creds);
	CU_basic_set_mode(CU_BRM_VERBOSE);
	CU_basic_run_tests();
	unsigned fails = CU_get_number_of_failures();
	CU_cleanup_registry();
	free(offer);
	return fails ? 1 : 0;
}
