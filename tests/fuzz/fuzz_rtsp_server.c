/* SPDX-License-Identifier: BSD-3-Clause
 * libFuzzer: arbitrary bytes as a client talking to the RTSP server engine
 * (auth enabled on one path, UDP ports, SDP, record/play callbacks).
 */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "sg_rtsp.h"

static int lookup(void *ctx, const char *path, enum sg_rtsp_action act, bool *auth)
{
	(void)ctx;
	(void)act;
	if (!strcmp(path, "missing"))
		return -ENOENT;
	*auth = !strncmp(path, "secure", 6);
	return 0;
}

static int get_password(void *ctx, const char *path, enum sg_rtsp_action act, const char *user,
			char *pass, size_t n)
{
	(void)ctx;
	(void)path;
	(void)act;
	if (strcmp(user, "admin") || n < 8)
		return -EACCES;
	strcpy(pass, "secret");
	return 0;
}

static int alloc_udp(void *ctx, const char *path, unsigned idx, uint16_t *rtp, uint16_t *rtcp)
{
	(void)ctx;
	(void)path;
	*rtp = (uint16_t)(30000 + 2 * idx);
	*rtcp = (uint16_t)(*rtp + 1);
	return 0;
}

static int get_sdp(void *ctx, const char *path, char *buf, size_t *len)
{
	static const char sdp[] = "v=0\r\no=- 0 0 IN IP4 127.0.0.1\r\ns=x\r\nt=0 0\r\n"
				  "m=video 0 RTP/AVP 96\r\na=control:trackID=0\r\n";
	(void)ctx;
	(void)path;
	if (*len < sizeof(sdp))
		return -ENOSPC;
	memcpy(buf, sdp, sizeof(sdp) - 1);
	*len = sizeof(sdp) - 1;
	return 0;
}

static int on_media(void *ctx, const char *path, const struct sg_rtsp_server_media *m, unsigned n)
{
	(void)ctx;
	(void)path;
	if (!n || n > SG_RTSP_MAX_MEDIA || !m)
		abort();
	return 0;
}

static void on_frame(void *ctx, uint8_t ch, const uint8_t *d, uint16_t len)
{
	size_t *sum = ctx;
	(void)ch;
	if (len)
		*sum += d[len - 1];
}

static const struct sg_rtsp_server_cbs cbs = {
	.lookup = lookup, .get_password = get_password, .alloc_udp_ports = alloc_udp,
	.get_sdp = get_sdp, .on_record = on_media, .on_play = on_media, .on_frame = on_frame,
};

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct sg_rtsp_auth_server *auth;
	size_t sum = 0;
	if (!auth)
		auth = sg_rtsp_auth_server_new("fuzz", (const uint8_t *)"k", 1, 60, SG_RTSP_DIGEST_MD5, true);
	struct sg_rtsp_server_cfg cfg = {.cbs = &cbs, .ctx = &sum, .auth = auth};
	uint64_t now = 1000000000ull;
	struct sg_rtsp_server *s = sg_rtsp_server_new(&cfg, now);
	if (!s)
		return 0;
	size_t off = 0;
	while (off < size && !sg_rtsp_server_must_close(s)) {
		size_t chunk = (size_t)(data[off] % 64) + 1;
		off++;
		if (chunk > size - off)
			chunk = size - off;
		now += 1000000ull;
		if (sg_rtsp_server_feed(s, data + off, chunk, now) < 0)
			break;
		off += chunk;
		size_t ol;
		sg_rtsp_server_output(s, &ol);
		sg_rtsp_server_output_consume(s, ol / 2);
		sg_rtsp_server_tick(s, now);
	}
	sg_rtsp_server_free(s);
	return 0;
}
