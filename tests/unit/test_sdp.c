/* SPDX-License-Identifier: BSD-3-Clause */
#include <CUnit/Basic.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sg_sdp.h"

static struct sg_sdp *sdp;
static struct sg_sdp_codec codec;

static int parse(const char *s)
{
	return sg_sdp_parse(sdp, s, strlen(s));
}

/* ffmpeg (libavformat 59) RTSP ANNOUNCE for libx264 high + aac, as its RTSP
 * muxer sends it: the sprop/config values are real encoder output. */
static const char ffmpeg_announce[] =
	"v=0\r\n"
	"o=- 0 0 IN IP4 127.0.0.1\r\n"
	"s=No Name\r\n"
	"c=IN IP4 127.0.0.1\r\n"
	"t=0 0\r\n"
	"a=tool:libavformat 59.27.100\r\n"
	"m=video 0 RTP/AVP 96\r\n"
	"a=rtpmap:96 H264/90000\r\n"
	"a=fmtp:96 packetization-mode=1; sprop-parameter-sets=Z2QADazZQUH7ARAAAAMAEAAAAwMg8UKZYA==,"
	"aOvjyyLA; profile-level-id=64000D\r\n"
	"a=control:streamid=0\r\n"
	"m=audio 0 RTP/AVP 97\r\n"
	"b=AS:128\r\n"
	"a=rtpmap:97 MPEG4-GENERIC/44100/2\r\n"
	"a=fmtp:97 profile-level-id=1;mode=AAC-hbr;sizelength=13;indexlength=3;indexdeltalength=3;"
	" config=121056E500\r\n"
	"a=control:streamid=1\r\n";

static void t_ffmpeg_announce(void)
{
	static const uint8_t pps[] = {0x68, 0xeb, 0xe3, 0xcb, 0x22, 0xc0};
	char url[256];

	CU_ASSERT_EQUAL_FATAL(parse(ffmpeg_announce), 0);
	CU_ASSERT_STRING_EQUAL(sdp->name, "No Name");
	CU_ASSERT_STRING_EQUAL(sdp->o_addr, "127.0.0.1");
	CU_ASSERT_STRING_EQUAL(sdp->c.conn.addr, "127.0.0.1");
	CU_ASSERT_STRING_EQUAL(sg_sdp_attr_get(sdp, NULL, "tool"), "libavformat 59.27.100");
	CU_ASSERT_EQUAL(sdp->n_media, 2);
	const struct sg_sdp_media *v = &sdp->media[0], *a = &sdp->media[1];
	CU_ASSERT_EQUAL(v->kind, SG_SDP_KIND_VIDEO);
	CU_ASSERT_EQUAL(v->port, 0);
	CU_ASSERT_STRING_EQUAL(v->proto, "RTP/AVP");
	CU_ASSERT_STRING_EQUAL(v->c.control, "streamid=0");
	CU_ASSERT_PTR_EQUAL(sg_sdp_media_conn(sdp, v), &sdp->c.conn);
	CU_ASSERT_EQUAL(sg_sdp_media_dir(sdp, v), SG_SDP_DIR_SENDRECV);

	CU_ASSERT_EQUAL_FATAL(sg_sdp_codec_get(v, 0, &codec), 0);
	CU_ASSERT_EQUAL(codec.id, SG_SDP_CODEC_H264);
	CU_ASSERT_EQUAL(codec.kind, SG_SDP_KIND_VIDEO);
	CU_ASSERT_EQUAL(codec.pt, 96);
	CU_ASSERT_EQUAL(codec.clock_rate, 90000);
	CU_ASSERT_EQUAL(codec.packetization_mode, 1);
	CU_ASSERT_TRUE(codec.has_profile_level_id);
	CU_ASSERT_EQUAL(codec.profile_level_id, 0x64000d);
	/* the decoded SPS agrees with profile-level-id: High (100), level 1.3 */
	CU_ASSERT_EQUAL(codec.sps_len, 25);
	CU_ASSERT_EQUAL(codec.sps[0], 0x67);
	CU_ASSERT_EQUAL(codec.sps[1], 100);
	CU_ASSERT_EQUAL(codec.sps[3], 13);
	CU_ASSERT_EQUAL(codec.pps_len, sizeof(pps));
	CU_ASSERT_EQUAL(memcmp(codec.pps, pps, sizeof(pps)), 0);

	CU_ASSERT_EQUAL(a->c.bw_as, 128);
	CU_ASSERT_EQUAL_FATAL(sg_sdp_codec_get(a, 0, &codec), 0);
	CU_ASSERT_EQUAL(codec.id, SG_SDP_CODEC_AAC);
	CU_ASSERT_STRING_EQUAL(codec.name, "MPEG4-GENERIC");
	CU_ASSERT_EQUAL(codec.clock_rate, 44100);
	CU_ASSERT_EQUAL(codec.channels, 2);
	CU_ASSERT_STRING_EQUAL(codec.aac_mode, "AAC-hbr");
	CU_ASSERT_EQUAL(codec.aac_sizelength, 13);
	CU_ASSERT_EQUAL(codec.aac_indexlength, 3);
	CU_ASSERT_EQUAL(codec.aac_indexdeltalength, 3);
	CU_ASSERT_EQUAL(codec.aac_config_len, 5);
	CU_ASSERT_EQUAL(codec.aac_config[0], 0x12);
	CU_ASSERT_EQUAL(codec.aac_config[1], 0x10);   /* AAC-LC, 44.1 kHz, stereo */
	CU_ASSERT_EQUAL(codec.aac_config[4], 0x00);
	CU_ASSERT_EQUAL(sg_sdp_control_resolve("rtsp://10.0.0.5/live.sdp", a->c.control, url,
					       sizeof(url)), 35);
	CU_ASSERT_STRING_EQUAL(url, "rtsp://10.0.0.5/live.sdp/streamid=1");
}

/* gst-rtsp-server 1.22 DESCRIBE for "( x264enc ! rtph264pay pt=96 opusenc ! rtpopuspay pt=97 )",
 * LF line ends; the sprop values are real x264 baseline output. */
static const char gst_describe[] =
	"v=0\n"
	"o=- 3475838366286326376 1 IN IP4 127.0.0.1\n"
	"s=Session streamed with GStreamer\n"
	"i=rtsp-server\n"
	"t=0 0\n"
	"a=tool:GStreamer\n"
	"a=type:broadcast\n"
	"a=control:*\n"
	"a=range:npt=now-\n"
	"m=video 0 RTP/AVP 96\n"
	"c=IN IP4 0.0.0.0\n"
	"b=AS:2000\n"
	"a=rtpmap:96 H264/90000\n"
	"a=framerate:30\n"
	"a=fmtp:96 packetization-mode=1;sprop-parameter-sets=Z0LAHtkAoD2wEQAAAwABAAADADwPFi5I,"
	"aMuDyyA=;profile-level-id=42c01e;level-asymmetry-allowed=1\n"
	"a=control:stream=0\n"
	"a=ts-refclk:local\n"
	"a=mediaclk:sender\n"
	"m=audio 0 RTP/AVP 97\n"
	"c=IN IP4 0.0.0.0\n"
	"b=AS:64\n"
	"a=rtpmap:97 OPUS/48000/2   \n"
	"a=fmtp:97 sprop-stereo=0\n"
	"a=control:stream=1\n"
	"a=ts-refclk:local\n"
	"a=mediaclk:sender\n";

static void t_gst_describe(void)
{
	const char *base = "rtsp://127.0.0.1:8554/test/";   /* Content-Base */
	char url[256], val[64];

	CU_ASSERT_EQUAL_FATAL(parse(gst_describe), 0);
	CU_ASSERT_STRING_EQUAL(sdp->o_sess_id, "3475838366286326376");
	CU_ASSERT_STRING_EQUAL(sdp->c.control, "*");
	CU_ASSERT_STRING_EQUAL(sdp->range, "npt=now-");
	CU_ASSERT_EQUAL(sdp->n_media, 2);
	CU_ASSERT_EQUAL(sg_sdp_control_resolve(base, sdp->c.control, url, sizeof(url)),
			(int)strlen(base));
	CU_ASSERT_STRING_EQUAL(url, base);
	CU_ASSERT(sg_sdp_control_resolve(base, sdp->media[0].c.control, url, sizeof(url)) > 0);
	CU_ASSERT_STRING_EQUAL(url, "rtsp://127.0.0.1:8554/test/stream=0");
	CU_ASSERT_STRING_EQUAL(sg_sdp_attr_get(sdp, &sdp->media[0], "framerate"), "30");
	CU_ASSERT_PTR_NULL(sg_sdp_attr_get(sdp, &sdp->media[0], "nonesuch"));
	CU_ASSERT_EQUAL(sdp->media[0].c.bw_as, 2000);
	CU_ASSERT_EQUAL(sg_sdp_fmtp_get(sdp->media[0].fmt[0].fmtp, "LEVEL-ASYMMETRY-ALLOWED", val,
					sizeof(val)), 1);
	CU_ASSERT_STRING_EQUAL(val, "1");

	CU_ASSERT_EQUAL_FATAL(sg_sdp_codec_get(&sdp->media[0], 0, &codec), 0);
	CU_ASSERT_EQUAL(codec.profile_level_id, 0x42c01e);
	CU_ASSERT_EQUAL(codec.sps[1], 66);              /* baseline, matches 42xxxx */
	CU_ASSERT_EQUAL(codec.sps[3], 30);              /* level 3.0, matches xxxx1e */
	CU_ASSERT_EQUAL(codec.pps_len, 5);

	CU_ASSERT_EQUAL_FATAL(sg_sdp_codec_get(&sdp->media[1], 0, &codec), 0);
	CU_ASSERT_EQUAL(codec.id, SG_SDP_CODEC_OPUS);   /* "OPUS": case-insensitive */
	CU_ASSERT_STRING_EQUAL(codec.name, "opus");
	CU_ASSERT_EQUAL(codec.kind, SG_SDP_KIND_AUDIO);
	CU_ASSERT_EQUAL(codec.clock_rate, 48000);
	CU_ASSERT_EQUAL(codec.channels, 2);
}

/* Hikvision-style camera: absolute control URLs with a query, H.265 with
 * real sprop-vps/sps/pps (x265 output), PCMA; plus an Axis-style PCMU
 * section without rtpmap (static payload type). */
static const char camera_sdp[] =
	"v=0\r\n"
	"o=- 1109162014219182 1109162014219182 IN IP4 0.0.0.0\r\n"
	"s=Media Presentation\r\n"
	"e=NONE\r\n"
	"b=AS:5050\r\n"
	"t=0 0\r\n"
	"a=control:rtsp://192.0.2.64:554/Streaming/Channels/101/?transportmode=unicast\r\n"
	"m=video 0 RTP/AVP 96\r\n"
	"c=IN IP4 0.0.0.0\r\n"
	"b=AS:5000\r\n"
	"a=recvonly\r\n"
	"a=x-dimensions:1920,1080\r\n"
	"a=control:rtsp://192.0.2.64:554/Streaming/Channels/101/trackID=1?transportmode=unicast\r\n"
	"a=rtpmap:96 H265/90000\r\n"
	"a=fmtp:96 sprop-vps=QAEMAf//AWAAAAMAkAAAAwAAAwB4lZgJ; "
	"sprop-sps=QgEBAWAAAAMAkAAAAwAAAwB4oAPAgBDlllZpJMrwFoCAAAADAIAAAAyE; sprop-pps=RAHBcrRiQA==\r\n"
	"a=Media_header:MEDIAINFO=494D4B48010100000400050000000000000000000000000000000000000000"
	"000000000000000000;\r\n"
	"a=appversion:1.0\r\n"
	"m=audio 0 RTP/AVP 8\r\n"
	"c=IN IP4 0.0.0.0\r\n"
	"b=AS:50\r\n"
	"a=recvonly\r\n"
	"a=control:rtsp://192.0.2.64:554/Streaming/Channels/101/trackID=2?transportmode=unicast\r\n"
	"a=rtpmap:8 PCMA/8000\r\n"
	"m=audio 0 RTP/AVP 0\r\n"
	"a=control:rtsp://192.0.2.65/axis-media/media.amp/trackID=2\r\n";

static void t_camera(void)
{
	char url[256];

	CU_ASSERT_EQUAL_FATAL(parse(camera_sdp), 0);
	CU_ASSERT_EQUAL(sdp->n_media, 3);
	CU_ASSERT_EQUAL(sdp->c.bw_as, 5050);
	const struct sg_sdp_media *v = &sdp->media[0];
	CU_ASSERT_EQUAL(sg_sdp_media_dir(sdp, v), SG_SDP_DIR_RECVONLY);
	CU_ASSERT(sg_sdp_control_resolve("rtsp://192.0.2.64:554/Streaming/Channels/101",
					 v->c.control, url, sizeof(url)) > 0);
	CU_ASSERT_STRING_EQUAL(url, v->c.control);
	CU_ASSERT_EQUAL_FATAL(sg_sdp_codec_get(v, 0, &codec), 0);
	CU_ASSERT_EQUAL(codec.id, SG_SDP_CODEC_H265);
	CU_ASSERT_EQUAL(codec.vps_len, 24);
	CU_ASSERT_EQUAL((codec.vps[0] >> 1) & 0x3f, 32);
	CU_ASSERT_EQUAL((codec.sps[0] >> 1) & 0x3f, 33);
	CU_ASSERT_EQUAL(codec.pps_len, 7);
	CU_ASSERT_EQUAL((codec.pps[0] >> 1) & 0x3f, 34);
	CU_ASSERT_EQUAL_FATAL(sg_sdp_codec_get(&sdp->media[1], 0, &codec), 0);
	CU_ASSERT_EQUAL(codec.id, SG_SDP_CODEC_PCMA);
	CU_ASSERT_EQUAL(codec.channels, 1);
	CU_ASSERT_EQUAL(codec.clock_rate, 8000);
	/* static PT 0 without rtpmap */
	CU_ASSERT_FALSE(sdp->media[2].fmt[0].has_rtpmap);
	CU_ASSERT_EQUAL_FATAL(sg_sdp_codec_get(&sdp->media[2], 0, &codec), 0);
	CU_ASSERT_EQUAL(codec.id, SG_SDP_CODEC_PCMU);
	CU_ASSERT_EQUAL(codec.kind, SG_SDP_KIND_AUDIO);
	CU_ASSERT_EQUAL(codec.clock_rate, 8000);
	CU_ASSERT_EQUAL(sg_sdp_codec_get(&sdp->media[2], 1, &codec), -ENOENT);
	/* a dynamic PT without rtpmap is unknown */
	CU_ASSERT_EQUAL(parse("v=0\nm=video 0 RTP/AVP 96\n"), 0);
	CU_ASSERT_EQUAL(sg_sdp_codec_get(&sdp->media[0], 0, &codec), -ENOENT);
	/* a bad sprop is reported */
	CU_ASSERT_EQUAL(parse("v=0\nm=video 0 RTP/AVP 96\na=rtpmap:96 H264/90000\n"
			      "a=fmtp:96 sprop-parameter-sets=Z0L*AHtk,aMuDyyA=\n"), 0);
	CU_ASSERT_EQUAL(sg_sdp_codec_get(&sdp->media[0], 0, &codec), -EINVAL);
}

/* Chromium 120-style WebRTC offer (publish audio, receive video): BUNDLE,
 * ICE, DTLS fingerprint, extmaps, ssrc lines, many video codecs with rtx. */
static const char chrome_offer[] =
	"v=0\r\n"
	"o=- 4611731400430051336 2 IN IP4 127.0.0.1\r\n"
	"s=-\r\n"
	"t=0 0\r\n"
	"a=group:BUNDLE 0 1\r\n"
	"a=extmap-allow-mixed\r\n"
	"a=msid-semantic: WMS 5b8f1f0e-6d55-4b2a-9a3e-8f0a4b1c2d3e\r\n"
	"m=audio 9 UDP/TLS/RTP/SAVPF 111 63 9 0 8 13 110 126\r\n"
	"c=IN IP4 0.0.0.0\r\n"
	"a=rtcp:9 IN IP4 0.0.0.0\r\n"
	"a=candidate:3355414371 1 udp 2122260223 192.0.2.23 50622 typ host generation 0 "
	"network-id 1 network-cost 10\r\n"
	"a=candidate:1876313031 1 tcp 1518280447 192.0.2.23 9 typ host tcptype active "
	"generation 0 network-id 1 network-cost 10\r\n"
	"a=end-of-candidates\r\n"
	"a=ice-ufrag:Xq8l\r\n"
	"a=ice-pwd:8d5sZk1OJ1DHsUAL3q0Aiwm5\r\n"
	"a=ice-options:trickle\r\n"
	"a=fingerprint:sha-256 7B:8B:F0:65:5F:78:E2:51:3B:AC:6F:F3:3F:46:1B:35:DC:B8:5F:64:1A:"
	"24:C2:43:F0:A1:58:D0:A1:2C:19:08\r\n"
	"a=setup:actpass\r\n"
	"a=mid:0\r\n"
	"a=extmap:1 urn:ietf:params:rtp-hdrext:ssrc-audio-level\r\n"
	"a=extmap:2 http://www.webrtc.org/experiments/rtp-hdrext/abs-send-time\r\n"
	"a=extmap:3 http://www.ietf.org/id/draft-holmer-rmcat-transport-wide-cc-extensions-01\r\n"
	"a=extmap:4 urn:ietf:params:rtp-hdrext:sdes:mid\r\n"
	"a=sendrecv\r\n"
	"a=msid:5b8f1f0e-6d55-4b2a-9a3e-8f0a4b1c2d3e 0c4f7d2a-9b1e-4c3d-8e2f-1a2b3c4d5e6f\r\n"
	"a=rtcp-mux\r\n"
	"a=rtpmap:111 opus/48000/2\r\n"
	"a=rtcp-fb:111 transport-cc\r\n"
	"a=fmtp:111 minptime=10;useinbandfec=1\r\n"
	"a=rtpmap:63 red/48000/2\r\n"
	"a=fmtp:63 111/111\r\n"
	"a=rtpmap:9 G722/8000\r\n"
	"a=rtpmap:0 PCMU/8000\r\n"
	"a=rtpmap:8 PCMA/8000\r\n"
	"a=rtpmap:13 CN/8000\r\n"
	"a=rtpmap:110 telephone-event/48000\r\n"
	"a=rtpmap:126 telephone-event/8000\r\n"
	"a=ssrc:2231627014 cname:4TOk42mSjXCkVIa6\r\n"
	"a=ssrc:2231627014 msid:5b8f1f0e-6d55-4b2a-9a3e-8f0a4b1c2d3e "
	"0c4f7d2a-9b1e-4c3d-8e2f-1a2b3c4d5e6f\r\n"
	"m=video 9 UDP/TLS/RTP/SAVPF 96 97 102 103 104 105 106 107 108 109 127 125 39 40 45 46 "
	"98 99 100 101 112 113 116 117 118\r\n"
	"c=IN IP4 0.0.0.0\r\n"
	"a=rtcp:9 IN IP4 0.0.0.0\r\n"
	"a=ice-ufrag:Xq8l\r\n"
	"a=ice-pwd:8d5sZk1OJ1DHsUAL3q0Aiwm5\r\n"
	"a=ice-options:trickle\r\n"
	"a=fingerprint:sha-256 7B:8B:F0:65:5F:78:E2:51:3B:AC:6F:F3:3F:46:1B:35:DC:B8:5F:64:1A:"
	"24:C2:43:F0:A1:58:D0:A1:2C:19:08\r\n"
	"a=setup:actpass\r\n"
	"a=mid:1\r\n"
	"a=extmap:14 urn:ietf:params:rtp-hdrext:toffset\r\n"
	"a=extmap:2 http://www.webrtc.org/experiments/rtp-hdrext/abs-send-time\r\n"
	"a=extmap:13 urn:3gpp:video-orientation\r\n"
	"a=extmap:3 http://www.ietf.org/id/draft-holmer-rmcat-transport-wide-cc-extensions-01\r\n"
	"a=extmap:5 http://www.webrtc.org/experiments/rtp-hdrext/playout-delay\r\n"
	"a=extmap:6 http://www.webrtc.org/experiments/rtp-hdrext/video-content-type\r\n"
	"a=extmap:7 http://www.webrtc.org/experiments/rtp-hdrext/video-timing\r\n"
	"a=extmap:8 http://www.webrtc.org/experiments/rtp-hdrext/color-space\r\n"
	"a=extmap:4 urn:ietf:params:rtp-hdrext:sdes:mid\r\n"
	"a=extmap:10 urn:ietf:params:rtp-hdrext:sdes:rtp-stream-id\r\n"
	"a=extmap:11/recvonly urn:ietf:params:rtp-hdrext:sdes:repaired-rtp-stream-id\r\n"
	"a=recvonly\r\n"
	"a=rtcp-mux\r\n"
	"a=rtcp-rsize\r\n"
	"a=rtpmap:96 VP8/90000\r\n"
	"a=rtcp-fb:96 goog-remb\r\n"
	"a=rtcp-fb:96 transport-cc\r\n"
	"a=rtcp-fb:96 ccm fir\r\n"
	"a=rtcp-fb:96 nack\r\n"
	"a=rtcp-fb:96 nack pli\r\n"
	"a=rtpmap:97 rtx/90000\r\n"
	"a=fmtp:97 apt=96\r\n"
	"a=rtpmap:102 H264/90000\r\n"
	"a=rtcp-fb:102 goog-remb\r\n"
	"a=rtcp-fb:102 transport-cc\r\n"
	"a=rtcp-fb:102 ccm fir\r\n"
	"a=rtcp-fb:102 nack\r\n"
	"a=rtcp-fb:102 nack pli\r\n"
	"a=fmtp:102 level-asymmetry-allowed=1;packetization-mode=1;profile-level-id=42001f\r\n"
	"a=rtpmap:103 rtx/90000\r\n"
	"a=fmtp:103 apt=102\r\n"
	"a=rtpmap:104 H264/90000\r\n"
	"a=fmtp:104 level-asymmetry-allowed=1;packetization-mode=0;profile-level-id=42001f\r\n"
	"a=rtpmap:105 rtx/90000\r\n"
	"a=fmtp:105 apt=104\r\n"
	"a=rtpmap:106 H264/90000\r\n"
	"a=fmtp:106 level-asymmetry-allowed=1;packetization-mode=1;profile-level-id=42e01f\r\n"
	"a=rtpmap:107 rtx/90000\r\n"
	"a=fmtp:107 apt=106\r\n"
	"a=rtpmap:108 H264/90000\r\n"
	"a=fmtp:108 level-asymmetry-allowed=1;packetization-mode=0;profile-level-id=42e01f\r\n"
	"a=rtpmap:109 rtx/90000\r\n"
	"a=fmtp:109 apt=108\r\n"
	"a=rtpmap:127 H264/90000\r\n"
	"a=fmtp:127 level-asymmetry-allowed=1;packetization-mode=1;profile-level-id=4d001f\r\n"
	"a=rtpmap:125 rtx/90000\r\n"
	"a=fmtp:125 apt=127\r\n"
	"a=rtpmap:39 H264/90000\r\n"
	"a=fmtp:39 level-asymmetry-allowed=1;packetization-mode=0;profile-level-id=4d001f\r\n"
	"a=rtpmap:40 rtx/90000\r\n"
	"a=fmtp:40 apt=39\r\n"
	"a=rtpmap:45 AV1/90000\r\n"
	"a=rtcp-fb:45 nack pli\r\n"
	"a=fmtp:45 level-idx=5;profile=0;tier=0\r\n"
	"a=rtpmap:46 rtx/90000\r\n"
	"a=fmtp:46 apt=45\r\n"
	"a=rtpmap:98 VP9/90000\r\n"
	"a=fmtp:98 profile-id=0\r\n"
	"a=rtpmap:99 rtx/90000\r\n"
	"a=fmtp:99 apt=98\r\n"
	"a=rtpmap:100 VP9/90000\r\n"
	"a=fmtp:100 profile-id=2\r\n"
	"a=rtpmap:101 rtx/90000\r\n"
	"a=fmtp:101 apt=100\r\n"
	"a=rtpmap:112 H264/90000\r\n"
	"a=fmtp:112 level-asymmetry-allowed=1;packetization-mode=1;profile-level-id=64001f\r\n"
	"a=rtpmap:113 rtx/90000\r\n"
	"a=fmtp:113 apt=112\r\n"
	"a=rtpmap:116 red/90000\r\n"
	"a=rtpmap:117 rtx/90000\r\n"
	"a=fmtp:117 apt=116\r\n"
	"a=rtpmap:118 ulpfec/90000\r\n";

static void t_chrome_offer(void)
{
	CU_ASSERT_EQUAL_FATAL(parse(chrome_offer), 0);
	CU_ASSERT_EQUAL(sdp->n_bundle, 2);
	CU_ASSERT_STRING_EQUAL(sdp->bundle[0], "0");
	CU_ASSERT_STRING_EQUAL(sdp->bundle[1], "1");
	CU_ASSERT_STRING_EQUAL(sg_sdp_attr_get(sdp, NULL, "extmap-allow-mixed"), "");
	CU_ASSERT_STRING_EQUAL(sg_sdp_attr_get(sdp, NULL, "msid-semantic"),
			       "WMS 5b8f1f0e-6d55-4b2a-9a3e-8f0a4b1c2d3e");
	CU_ASSERT_EQUAL(sdp->dropped, 0);
	CU_ASSERT_EQUAL(sdp->n_media, 2);

	const struct sg_sdp_media *a = sg_sdp_media_by_mid(sdp, "0");
	const struct sg_sdp_media *v = sg_sdp_media_by_mid(sdp, "1");
	CU_ASSERT_PTR_EQUAL_FATAL(a, &sdp->media[0]);
	CU_ASSERT_PTR_EQUAL_FATAL(v, &sdp->media[1]);
	CU_ASSERT_PTR_NULL(sg_sdp_media_by_mid(sdp, "2"));
	CU_ASSERT_EQUAL(a->port, 9);
	CU_ASSERT_STRING_EQUAL(a->proto, "UDP/TLS/RTP/SAVPF");
	CU_ASSERT_TRUE(a->rtp);
	CU_ASSERT_STRING_EQUAL(a->c.ice_ufrag, "Xq8l");
	CU_ASSERT_STRING_EQUAL(a->c.ice_pwd, "8d5sZk1OJ1DHsUAL3q0Aiwm5");
	CU_ASSERT_STRING_EQUAL(a->c.fp_hash, "sha-256");
	CU_ASSERT_EQUAL(strlen(a->c.fingerprint), 95);
	CU_ASSERT_EQUAL(strncmp(a->c.fingerprint, "7B:8B:F0", 8), 0);
	CU_ASSERT_EQUAL(a->c.setup, SG_SDP_SETUP_ACTPASS);
	CU_ASSERT_TRUE(a->rtcp_mux);
	CU_ASSERT_FALSE(a->rtcp_rsize);
	CU_ASSERT_EQUAL(a->n_cand, 2);
	CU_ASSERT_STRING_EQUAL(a->cand[0], "3355414371 1 udp 2122260223 192.0.2.23 50622 typ host "
					   "generation 0 network-id 1 network-cost 10");
	CU_ASSERT_TRUE(a->end_of_candidates);
	CU_ASSERT_EQUAL(a->n_extmap, 4);
	CU_ASSERT_EQUAL(a->extmap[3].id, 4);
	CU_ASSERT_STRING_EQUAL(a->extmap[3].uri, "urn:ietf:params:rtp-hdrext:sdes:mid");
	CU_ASSERT_EQUAL(sg_sdp_media_dir(sdp, a), SG_SDP_DIR_SENDRECV);
	CU_ASSERT_EQUAL(a->n_ssrc, 2);
	CU_ASSERT_EQUAL(a->ssrc[0].ssrc, 2231627014u);
	CU_ASSERT_STRING_EQUAL(a->ssrc[0].attr, "cname");
	CU_ASSERT_STRING_EQUAL(a->ssrc[0].value, "4TOk42mSjXCkVIa6");
	CU_ASSERT_STRING_EQUAL(a->ssrc[1].attr, "msid");
	CU_ASSERT_STRING_EQUAL(sg_sdp_attr_get(sdp, a, "rtcp"), "9 IN IP4 0.0.0.0");
	CU_ASSERT_EQUAL(a->n_fmt, 8);
	static const enum sg_sdp_codec_id aids[] = {
		SG_SDP_CODEC_OPUS, SG_SDP_CODEC_RED, SG_SDP_CODEC_G722, SG_SDP_CODEC_PCMU,
		SG_SDP_CODEC_PCMA, SG_SDP_CODEC_UNKNOWN, SG_SDP_CODEC_TELEPHONE_EVENT,
		SG_SDP_CODEC_TELEPHONE_EVENT};
	for (unsigned i = 0; i < a->n_fmt; i++) {
		CU_ASSERT_EQUAL(sg_sdp_codec_get(a, i, &codec), 0);
		CU_ASSERT_EQUAL(codec.id, aids[i]);
		CU_ASSERT_EQUAL(codec.kind, SG_SDP_KIND_AUDIO);
	}
	CU_ASSERT_EQUAL(sg_sdp_codec_get(a, 5, &codec), 0);
	CU_ASSERT_STRING_EQUAL(codec.name, "CN");
	CU_ASSERT_EQUAL(sg_sdp_codec_get(a, 0, &codec), 0);
	CU_ASSERT_EQUAL(codec.channels, 2);
	CU_ASSERT_EQUAL(a->fmt[0].n_fb, 1);
	CU_ASSERT_STRING_EQUAL(a->fmt[0].fb[0], "transport-cc");

	CU_ASSERT_EQUAL(sg_sdp_media_dir(sdp, v), SG_SDP_DIR_RECVONLY);
	CU_ASSERT_TRUE(v->rtcp_rsize);
	CU_ASSERT_EQUAL(v->n_extmap, 11);
	CU_ASSERT_EQUAL(v->extmap[10].id, 11);
	CU_ASSERT_EQUAL(v->extmap[10].dir, SG_SDP_DIR_RECVONLY);
	CU_ASSERT_EQUAL(v->n_fmt, 25);
	const struct sg_sdp_fmt *vp8 = sg_sdp_fmt_find(v, 96);
	CU_ASSERT_PTR_NOT_NULL_FATAL(vp8);
	CU_ASSERT_EQUAL(vp8->n_fb, 5);
	CU_ASSERT_STRING_EQUAL(vp8->fb[4], "nack pli");
	CU_ASSERT_PTR_NULL(sg_sdp_fmt_find(v, 111));
	unsigned h264 = 0, h264_pm1_cb = 0, rtx = 0, vp9 = 0, av1 = 0, other = 0;
	for (unsigned i = 0; i < v->n_fmt; i++) {
		CU_ASSERT_EQUAL_FATAL(sg_sdp_codec_get(v, i, &codec), 0);
		switch (codec.id) {
		case SG_SDP_CODEC_H264:
			h264++;
			if (codec.packetization_mode == 1 && codec.profile_level_id == 0x42e01f)
				h264_pm1_cb++;
			CU_ASSERT_TRUE(codec.has_profile_level_id);
			break;
		case SG_SDP_CODEC_RTX:
			rtx++;
			CU_ASSERT_PTR_NOT_NULL(sg_sdp_fmt_find(v, (uint8_t)codec.rtx_apt));
			break;
		case SG_SDP_CODEC_VP9: vp9++; break;
		case SG_SDP_CODEC_AV1: av1++; break;
		default: other++; break;
		}
	}
	CU_ASSERT_EQUAL(h264, 7);
	CU_ASSERT_EQUAL(h264_pm1_cb, 1);
	CU_ASSERT_EQUAL(rtx, 12);
	CU_ASSERT_EQUAL(vp9, 2);
	CU_ASSERT_EQUAL(av1, 1);
	CU_ASSERT_EQUAL(other, 3);      /* VP8, red, ulpfec */
}

/* ---- malformed input: exact errors ---- */

static void expect_err(const char *text, int err, const char *msg)
{
	int rc = parse(text);
	CU_ASSERT_EQUAL(rc, err);
	CU_ASSERT_STRING_EQUAL(sdp->err, msg);
	if (rc != err || strcmp(sdp->err, msg))
		fprintf(stderr, "\n  got %d \"%s\"\n", rc, sdp->err);
}

static void t_malformed(void)
{
	expect_err("v=0\r\nm=video RTP/AVP 96\r\n", -EINVAL, "line 2: m= bad port \"RTP/AVP\"");
	expect_err("v=0\r\nm=video 0\r\n", -EINVAL, "line 2: m= needs <media> <port> <proto> <fmt>...");
	expect_err("v=0\nm=video 0 RTP/AVP\n", -EINVAL, "line 2: m= without formats");
	expect_err("v=0\nm=video 0 RTP/AVP 96 abc\n", -EINVAL,
		   "line 2: m= bad RTP payload type \"abc\"");
	expect_err("v=0\nm=video 0 RTP/AVP 128\n", -EINVAL, "line 2: m= bad RTP payload type \"128\"");
	expect_err("v=0\nm=video 70000 RTP/AVP 96\n", -EINVAL, "line 2: m= bad port \"70000\"");
	expect_err("v=0\nm=video 0/0 RTP/AVP 96\n", -EINVAL, "line 2: m= bad number of ports \"0\"");
	expect_err("v=0\nm=video 0 RTP/AVP 96\na=rtpmap:96 H264\n", -EINVAL,
		   "line 3: rtpmap \"H264\" lacks /<clock rate>");
	expect_err("v=0\nm=video 0 RTP/AVP 96\na=rtpmap:96 H264/abc\n", -EINVAL,
		   "line 3: rtpmap bad clock rate \"abc\"");
	expect_err("v=0\nm=video 0 RTP/AVP 96\na=rtpmap:96 H264/0\n", -EINVAL,
		   "line 3: rtpmap bad clock rate \"0\"");
	expect_err("v=0\nm=audio 0 RTP/AVP 96\na=rtpmap:96 opus/48000/x\n", -EINVAL,
		   "line 3: rtpmap bad channel count \"x\"");
	expect_err("v=0\nm=video 0 RTP/AVP 96\na=rtpmap:x H264/90000\n", -EINVAL,
		   "line 3: rtpmap bad payload type \"x\"");
	expect_err("v=0\nm=video 0 RTP/AVP 96\na=rtpmap:96\n", -EINVAL,
		   "line 3: rtpmap needs <pt> <encoding>/<clock rate>");
	expect_err("v=0\nm=video 0 RTP/AVP 96\na=fmtp:zz a=b\n", -EINVAL,
		   "line 3: fmtp bad payload type \"zz\"");
	expect_err("v=0\nm=video 0 RTP/AVP 96\na=rtcp-fb:96\n", -EINVAL,
		   "line 3: rtcp-fb needs <pt> <feedback>");
	expect_err("v=0\nm=video 0 RTP/AVP 96\na=extmap:0 urn:x\n", -EINVAL,
		   "line 3: extmap bad id \"0\"");
	expect_err("v=0\nm=video 0 RTP/AVP 96\na=ssrc:abc cname:x\n", -EINVAL,
		   "line 3: ssrc needs <ssrc-id> <attribute>");
	expect_err("v=1\n", -EINVAL, "line 1: unsupported version \"1\"");
	expect_err("v=0\nc=IN IP4\n", -EINVAL, "line 2: c= needs <nettype> <addrtype> <address>");
	expect_err("v=0\nhello world\n", -EINVAL, "line 2: expected <type>=<value>");
	expect_err("v=0\n=x\n", -EINVAL, "line 2: expected <type>=<value>");
	CU_ASSERT_EQUAL(sg_sdp_parse(sdp, "v=0\ns=a\0b\n", 10), -EINVAL);
	CU_ASSERT_STRING_EQUAL(sdp->err, "line 2: NUL byte");

	/* bounds */
	static char big[SG_SDP_MAX_INPUT + 64];
	size_t off = 0;
	off += (size_t)sprintf(big, "v=0\n");
	for (int i = 0; i < 9; i++)
		off += (size_t)sprintf(big + off, "m=video 0 RTP/AVP 96\n");
	expect_err(big, -E2BIG, "line 10: more than 8 media sections");
	off = (size_t)sprintf(big, "v=0\nm=video 0 RTP/AVP");
	for (int i = 0; i < SG_SDP_MAX_FMT + 5; i++)
		off += (size_t)sprintf(big + off, " %d", 20 + i);
	sprintf(big + off, "\n");
	{
		/* More formats than kept: the first SG_SDP_MAX_FMT, the rest counted. */
		struct sg_sdp *many = calloc(1, sizeof(*many));
		CU_ASSERT_EQUAL(sg_sdp_parse(many, big, strlen(big)), 0);
		CU_ASSERT_EQUAL(many->media[0].n_fmt, SG_SDP_MAX_FMT);
		CU_ASSERT_EQUAL(many->media[0].fmt[0].pt, 20);
		CU_ASSERT_EQUAL(many->dropped, 5);
		free(many);
	}
	off = (size_t)sprintf(big, "v=0\na=control:rtsp://h/");
	memset(big + off, 'x', 600);
	strcpy(big + off + 600, "\n");
	expect_err(big, -E2BIG, "line 2: control URL longer than 511 bytes");
	off = (size_t)sprintf(big, "v=0\ni=");
	memset(big + off, 'x', SG_SDP_MAX_LINE);
	strcpy(big + off + SG_SDP_MAX_LINE, "\n");
	expect_err(big, -E2BIG, "line 2: line longer than 2048 bytes");
	off = 0;
	for (int i = 0; i < SG_SDP_MAX_LINES + 1; i++)
		off += (size_t)sprintf(big + off, "a=x%d\n", i);
	expect_err(big, -E2BIG, "line 1025: more than 1024 lines");
	memset(big, '\n', SG_SDP_MAX_INPUT + 1);
	CU_ASSERT_EQUAL(sg_sdp_parse(sdp, big, SG_SDP_MAX_INPUT + 1), -E2BIG);
	CU_ASSERT_STRING_EQUAL(sdp->err, "line 0: SDP longer than 65536 bytes");
}

static void t_liberal(void)
{
	/* LF and CRLF mixed, trailing blanks, blank lines, unknown letters and
	 * attributes, an rtpmap for a PT not in m=, o/s/t missing */
	const char *s = "v=0 \n\r\n"
			"x=whatever\r\n"
			"z=0 0\n"
			"a=sendonly\t\n"
			"m=video 5004/2 RTP/AVP 96 96 97\n"
			"a=rtpmap:98 VP8/90000\n"
			"a=rtpmap:97 VP8/90000\r\n"
			"a=some-unknown-flag\n"
			"a=rtcp-fb:* nack\n"
			"a=rtcp-fb:97 ccm fir\n"
			"a=fmtp:97\n"
			"a=inactive\n";
	CU_ASSERT_EQUAL_FATAL(parse(s), 0);
	const struct sg_sdp_media *m = &sdp->media[0];
	CU_ASSERT_EQUAL(m->port, 5004);
	CU_ASSERT_EQUAL(m->nports, 2);
	CU_ASSERT_EQUAL(m->n_fmt, 2);                   /* duplicate 96 ignored */
	CU_ASSERT_FALSE(m->fmt[0].has_rtpmap);
	CU_ASSERT_TRUE(m->fmt[1].has_rtpmap);
	CU_ASSERT_STRING_EQUAL(m->fmt[1].enc, "VP8");
	CU_ASSERT_EQUAL(m->fmt[1].channels, 0);
	CU_ASSERT_STRING_EQUAL(m->fmt[1].fmtp, "");
	CU_ASSERT_EQUAL(m->n_fb_any, 1);
	CU_ASSERT_STRING_EQUAL(m->fb_any[0], "nack");
	CU_ASSERT_EQUAL(m->fmt[1].n_fb, 1);
	CU_ASSERT_STRING_EQUAL(m->fmt[1].fb[0], "ccm fir");
	CU_ASSERT_STRING_EQUAL(sg_sdp_attr_get(sdp, m, "some-unknown-flag"), "");
	CU_ASSERT_EQUAL(sg_sdp_media_dir(sdp, m), SG_SDP_DIR_INACTIVE);
	CU_ASSERT_EQUAL(sdp->c.dir, SG_SDP_DIR_SENDONLY);
	CU_ASSERT_STRING_EQUAL(sg_sdp_dir_name(SG_SDP_DIR_SENDONLY), "sendonly");
	CU_ASSERT_PTR_NULL(sg_sdp_media_conn(sdp, m));
	CU_ASSERT_EQUAL(parse(""), 0);
	CU_ASSERT_EQUAL(sdp->n_media, 0);
	/* multicast c= with TTL and count */
	CU_ASSERT_EQUAL(parse("v=0\nc=IN IP4 233.252.0.1/127/3\n"), 0);
	CU_ASSERT_STRING_EQUAL(sdp->c.conn.addr, "233.252.0.1");
	CU_ASSERT_EQUAL(sdp->c.conn.ttl, 127);
}

static void t_fmtp(void)
{
	const char *f = " packetization-mode=1 ;; sprop-parameter-sets=Z0LA,aMuD= ;0-15; x = y ;";
	char k[32], v[32];
	size_t pos = 0;

	CU_ASSERT_EQUAL(sg_sdp_fmtp_next(f, &pos, k, sizeof(k), v, sizeof(v)), 1);
	CU_ASSERT_STRING_EQUAL(k, "packetization-mode");
	CU_ASSERT_STRING_EQUAL(v, "1");
	CU_ASSERT_EQUAL(sg_sdp_fmtp_next(f, &pos, k, sizeof(k), v, sizeof(v)), 1);
	CU_ASSERT_STRING_EQUAL(k, "sprop-parameter-sets");
	CU_ASSERT_STRING_EQUAL(v, "Z0LA,aMuD=");       /* split at the first '=' only */
	CU_ASSERT_EQUAL(sg_sdp_fmtp_next(f, &pos, k, sizeof(k), v, sizeof(v)), 1);
	CU_ASSERT_STRING_EQUAL(k, "0-15");
	CU_ASSERT_STRING_EQUAL(v, "");
	CU_ASSERT_EQUAL(sg_sdp_fmtp_next(f, &pos, k, sizeof(k), v, sizeof(v)), 1);
	CU_ASSERT_STRING_EQUAL(k, "x");
	CU_ASSERT_STRING_EQUAL(v, "y");
	CU_ASSERT_EQUAL(sg_sdp_fmtp_next(f, &pos, k, sizeof(k), v, sizeof(v)), 0);
	CU_ASSERT_EQUAL(sg_sdp_fmtp_get(f, "X", v, sizeof(v)), 1);
	CU_ASSERT_EQUAL(sg_sdp_fmtp_get(f, "packetization", v, sizeof(v)), -ENOENT);
	CU_ASSERT_EQUAL(sg_sdp_fmtp_get(f, "sprop-parameter-sets", v, 5), -E2BIG);
	pos = 0;
	CU_ASSERT_EQUAL(sg_sdp_fmtp_next(f, &pos, k, 4, v, sizeof(v)), -E2BIG);
}

static void t_control_resolve(void)
{
	char out[128];

	CU_ASSERT_EQUAL(sg_sdp_control_resolve("rtsp://cam/live", "trackID=1", out, sizeof(out)), 25);
	CU_ASSERT_STRING_EQUAL(out, "rtsp://cam/live/trackID=1");
	CU_ASSERT(sg_sdp_control_resolve("rtsp://cam/live/", "./trackID=1", out, sizeof(out)) > 0);
	CU_ASSERT_STRING_EQUAL(out, "rtsp://cam/live/trackID=1");
	CU_ASSERT(sg_sdp_control_resolve("rtsp://cam/live/", "rtsps://other:322/x", out, sizeof(out)) > 0);
	CU_ASSERT_STRING_EQUAL(out, "rtsps://other:322/x");
	CU_ASSERT(sg_sdp_control_resolve(NULL, "rtsp://o/x", out, sizeof(out)) > 0);
	CU_ASSERT(sg_sdp_control_resolve("rtsp://cam/live", "*", out, sizeof(out)) > 0);
	CU_ASSERT_STRING_EQUAL(out, "rtsp://cam/live");
	CU_ASSERT(sg_sdp_control_resolve("rtsp://cam/live", "", out, sizeof(out)) > 0);
	CU_ASSERT_STRING_EQUAL(out, "rtsp://cam/live");
	CU_ASSERT(sg_sdp_control_resolve("rtsp://cam/live", NULL, out, sizeof(out)) > 0);
	CU_ASSERT(sg_sdp_control_resolve("rtsp://u@cam:554/a/b?x=1", "/c/track1", out, sizeof(out)) > 0);
	CU_ASSERT_STRING_EQUAL(out, "rtsp://u@cam:554/c/track1");
	CU_ASSERT(sg_sdp_control_resolve("rtsp://cam", "/c", out, sizeof(out)) > 0);
	CU_ASSERT_STRING_EQUAL(out, "rtsp://cam/c");
	CU_ASSERT_EQUAL(sg_sdp_control_resolve("cam/live", "trackID=1", out, sizeof(out)), -EINVAL);
	CU_ASSERT_EQUAL(sg_sdp_control_resolve(NULL, "trackID=1", out, sizeof(out)), -EINVAL);
	CU_ASSERT_EQUAL(sg_sdp_control_resolve("rtsp://cam/live", "trackID=1", out, 25), -ENOSPC);
	CU_ASSERT_EQUAL(sg_sdp_control_resolve("rtsp://cam/live", "trackID=1", out, 26), 25);
}

static void t_base64(void)
{
	/* RFC 4648 §10 test vectors */
	static const char *const plain[] = {"", "f", "fo", "foo", "foob", "fooba", "foobar"};
	static const char *const enc[] = {"", "Zg==", "Zm8=", "Zm9v", "Zm9vYg==", "Zm9vYmE=", "Zm9vYmFy"};
	char e[16];
	uint8_t d[16];

	for (unsigned i = 0; i < 7; i++) {
		size_t n = strlen(plain[i]);
		CU_ASSERT_EQUAL(sg_sdp_base64_encode((const uint8_t *)plain[i], n, e, sizeof(e)),
				(int)strlen(enc[i]));
		CU_ASSERT_STRING_EQUAL(e, enc[i]);
		CU_ASSERT_EQUAL(sg_sdp_base64_decode(enc[i], strlen(enc[i]), d, sizeof(d)), (int)n);
		CU_ASSERT_EQUAL(memcmp(d, plain[i], n), 0);
	}
	CU_ASSERT_EQUAL(sg_sdp_base64_decode("Zg", 2, d, sizeof(d)), 1);     /* no padding */
	CU_ASSERT_EQUAL(sg_sdp_base64_decode("Zm9vYmE", 7, d, sizeof(d)), 5);
	CU_ASSERT_EQUAL(sg_sdp_base64_decode("Zm9v!", 5, d, sizeof(d)), -EINVAL);
	CU_ASSERT_EQUAL(sg_sdp_base64_decode("Z", 1, d, sizeof(d)), -EINVAL);
	CU_ASSERT_EQUAL(sg_sdp_base64_decode("Zg=", 3, d, sizeof(d)), -EINVAL);
	CU_ASSERT_EQUAL(sg_sdp_base64_decode("Z=g=", 4, d, sizeof(d)), -EINVAL);
	CU_ASSERT_EQUAL(sg_sdp_base64_decode("Zm9vYmFy", 8, d, 5), -ENOSPC);
	CU_ASSERT_EQUAL(sg_sdp_base64_encode((const uint8_t *)"foo", 3, e, 4), -ENOSPC);
}

/* ---- writer ---- */

static void t_writer(void)
{
	char buf[1024];
	struct sg_sdp_writer w;
	const uint8_t pts[] = {96, 97};

	CU_ASSERT_EQUAL_FATAL(parse(ffmpeg_announce), 0);
	sg_sdp_writer_init(&w, buf, sizeof(buf));
	CU_ASSERT_EQUAL(sg_sdp_w_session(&w, NULL, 123, 1, "192.0.2.10", "streamgate"), 0);
	CU_ASSERT_EQUAL(sg_sdp_w_attr(&w, "control", "*"), 0);
	CU_ASSERT_EQUAL(sg_sdp_w_attr(&w, "range", "npt=%s", "now-"), 0);
	CU_ASSERT_EQUAL(sg_sdp_w_media(&w, "video", 0, "RTP/AVP", pts, 1), 0);
	CU_ASSERT_EQUAL(sg_sdp_w_conn(&w, "0.0.0.0"), 0);
	CU_ASSERT_EQUAL(sg_sdp_codec_get(&sdp->media[0], 0, &codec), 0);
	CU_ASSERT_EQUAL(sg_sdp_w_codec(&w, &codec), 0);
	CU_ASSERT_EQUAL(sg_sdp_w_attr(&w, "control", "trackID=%d", 0), 0);
	CU_ASSERT_EQUAL(sg_sdp_w_media(&w, "audio", 0, "RTP/AVP", pts + 1, 1), 0);
	CU_ASSERT_EQUAL(sg_sdp_w_bandwidth(&w, "AS", 128), 0);
	CU_ASSERT_EQUAL(sg_sdp_codec_get(&sdp->media[1], 0, &codec), 0);
	CU_ASSERT_EQUAL(sg_sdp_w_codec(&w, &codec), 0);
	CU_ASSERT_EQUAL(sg_sdp_w_attr(&w, "sendonly", NULL), 0);
	const char *want =
		"v=0\r\n"
		"o=- 123 1 IN IP4 192.0.2.10\r\n"
		"s=streamgate\r\n"
		"t=0 0\r\n"
		"a=control:*\r\n"
		"a=range:npt=now-\r\n"
		"m=video 0 RTP/AVP 96\r\n"
		"c=IN IP4 0.0.0.0\r\n"
		"a=rtpmap:96 H264/90000\r\n"
		"a=fmtp:96 packetization-mode=1;profile-level-id=64000D;"
		"sprop-parameter-sets=Z2QADazZQUH7ARAAAAMAEAAAAwMg8UKZYA==,aOvjyyLA\r\n"
		"a=control:trackID=0\r\n"
		"m=audio 0 RTP/AVP 97\r\n"
		"b=AS:128\r\n"
		"a=rtpmap:97 MPEG4-GENERIC/44100/2\r\n"
		"a=fmtp:97 streamtype=5;profile-level-id=1;mode=AAC-hbr;sizelength=13;indexlength=3;"
		"indexdeltalength=3;config=121056E500\r\n"
		"a=sendonly\r\n";
	CU_ASSERT_EQUAL(sg_sdp_writer_finish(&w), (int)strlen(want));
	CU_ASSERT_STRING_EQUAL(buf, want);

	/* overflow: sticky -ENOSPC, only whole lines kept */
	char small[20];
	sg_sdp_writer_init(&w, small, sizeof(small));
	CU_ASSERT_EQUAL(sg_sdp_w_session(&w, "-", 1, 1, "2001:db8::1", NULL), -ENOSPC);
	CU_ASSERT_EQUAL(sg_sdp_w_attr(&w, "x", NULL), -ENOSPC);
	CU_ASSERT_EQUAL(sg_sdp_writer_finish(&w), -ENOSPC);
	CU_ASSERT_STRING_EQUAL(small, "v=0\r\n");
	/* IPv6 addresses get IP6 */
	sg_sdp_writer_init(&w, buf, sizeof(buf));
	sg_sdp_w_session(&w, "-", 1, 1, "2001:db8::1", NULL);
	CU_ASSERT_PTR_NOT_NULL(strstr(buf, "o=- 1 1 IN IP6 2001:db8::1\r\ns=-\r\n"));
	/* line injection is refused */
	CU_ASSERT_EQUAL(sg_sdp_w_attr(&w, "control", "%s", "x\r\na=evil"), -EINVAL);
	CU_ASSERT_EQUAL(sg_sdp_writer_finish(&w), -EINVAL);
	CU_ASSERT_PTR_NULL(strstr(buf, "evil"));
	sg_sdp_writer_init(&w, buf, sizeof(buf));
	CU_ASSERT_EQUAL(sg_sdp_w_session(&w, NULL, 1, 1, "127.0.0.1", "a\nb"), -EINVAL);
	sg_sdp_writer_init(&w, buf, sizeof(buf));
	CU_ASSERT_EQUAL(sg_sdp_w_media(&w, "video", 9, "RTP/AVP", pts, 0), -EINVAL);
	/* opus: always /2, RFC 7587 */
	sg_sdp_writer_init(&w, buf, sizeof(buf));
	memset(&codec, 0, sizeof(codec));
	codec.id = SG_SDP_CODEC_OPUS;
	codec.kind = SG_SDP_KIND_AUDIO;
	strcpy(codec.name, "opus");
	codec.pt = 111;
	codec.clock_rate = 48000;
	codec.channels = 1;
	sg_sdp_w_codec(&w, &codec);
	CU_ASSERT_STRING_EQUAL(buf, "a=rtpmap:111 opus/48000/2\r\na=fmtp:111 minptime=10;useinbandfec=1\r\n");
}

static void t_writer_roundtrip(void)
{
	static struct sg_sdp_codec orig;
	char buf[2048];
	struct sg_sdp_writer w;
	uint8_t pt = 96;

	/* H.265 from the camera SDP: sprop-* re-encode to the same text */
	CU_ASSERT_EQUAL_FATAL(parse(camera_sdp), 0);
	CU_ASSERT_EQUAL_FATAL(sg_sdp_codec_get(&sdp->media[0], 0, &orig), 0);
	sg_sdp_writer_init(&w, buf, sizeof(buf));
	sg_sdp_w_session(&w, NULL, 1, 1, "127.0.0.1", "rt");
	sg_sdp_w_media(&w, "video", 0, "RTP/AVP", &pt, 1);
	sg_sdp_w_codec(&w, &orig);
	CU_ASSERT_FATAL(sg_sdp_writer_finish(&w) > 0);
	CU_ASSERT_PTR_NOT_NULL(strstr(buf, "a=fmtp:96 sprop-vps=QAEMAf//AWAAAAMAkAAAAwAAAwB4lZgJ;"
					   "sprop-sps=QgEBAWAAAAMAkAAAAwAAAwB4oAPAgBDlllZpJMrwFoCAAAADAIAAAAyE;"
					   "sprop-pps=RAHBcrRiQA==\r\n"));
	CU_ASSERT_EQUAL_FATAL(parse(buf), 0);
	CU_ASSERT_EQUAL_FATAL(sg_sdp_codec_get(&sdp->media[0], 0, &codec), 0);
	CU_ASSERT_EQUAL(codec.id, SG_SDP_CODEC_H265);
	CU_ASSERT_EQUAL(codec.vps_len, orig.vps_len);
	CU_ASSERT_EQUAL(memcmp(codec.vps, orig.vps, orig.vps_len), 0);
	CU_ASSERT_EQUAL(codec.sps_len, orig.sps_len);
	CU_ASSERT_EQUAL(memcmp(codec.sps, orig.sps, orig.sps_len), 0);
	CU_ASSERT_EQUAL(memcmp(codec.pps, orig.pps, orig.pps_len), 0);

	/* H.264 + AAC from GStreamer/ffmpeg SDPs */
	CU_ASSERT_EQUAL_FATAL(parse(gst_describe), 0);
	CU_ASSERT_EQUAL_FATAL(sg_sdp_codec_get(&sdp->media[0], 0, &orig), 0);
	sg_sdp_writer_init(&w, buf, sizeof(buf));
	sg_sdp_w_session(&w, NULL, 1, 1, "127.0.0.1", "rt");
	sg_sdp_w_media(&w, "video", 0, "RTP/AVP", &pt, 1);
	sg_sdp_w_codec(&w, &orig);
	CU_ASSERT_FATAL(sg_sdp_writer_finish(&w) > 0);
	CU_ASSERT_EQUAL_FATAL(parse(buf), 0);
	CU_ASSERT_EQUAL_FATAL(sg_sdp_codec_get(&sdp->media[0], 0, &codec), 0);
	CU_ASSERT_EQUAL(codec.profile_level_id, orig.profile_level_id);
	CU_ASSERT_EQUAL(codec.packetization_mode, 1);
	CU_ASSERT_EQUAL(codec.sps_len, orig.sps_len);
	CU_ASSERT_EQUAL(memcmp(codec.sps, orig.sps, orig.sps_len), 0);
	CU_ASSERT_EQUAL(codec.pps_len, orig.pps_len);
	CU_ASSERT_EQUAL(memcmp(codec.pps, orig.pps, orig.pps_len), 0);
}

int main(void)
{
	sdp = calloc(1, sizeof(*sdp));
	if (!sdp || CU_initialize_registry() != CUE_SUCCESS)
		return 1;
	CU_pSuite s = CU_add_suite("sdp", NULL, NULL);
	CU_add_test(s, "ffmpeg ANNOUNCE H.264+AAC", t_ffmpeg_announce);
	CU_add_test(s, "GStreamer DESCRIBE H.264+Opus", t_gst_describe);
	CU_add_test(s, "camera absolute controls, H.265, static PT", t_camera);
	CU_add_test(s, "Chromium WebRTC offer", t_chrome_offer);
	CU_add_test(s, "malformed input, exact errors", t_malformed);
	CU_add_test(s, "liberal input", t_liberal);
	CU_add_test(s, "fmtp key=value list", t_fmtp);
	CU_add_test(s, "control URL resolution", t_control_resolve);
	CU_add_test(s, "base64", t_base64);
	CU_add_test(s, "writer", t_writer);
	CU_add_test(s, "writer round trip of parsed codecs", t_writer_roundtrip);
	CU_basic_set_mode(CU_BRM_VERBOSE);
	CU_basic_run_tests();
	unsigned fails = CU_get_number_of_failures();
	CU_cleanup_registry();
	free(sdp);
	return fails ? 1 : 0;
}
