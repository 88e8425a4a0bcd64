/* SPDX-License-Identifier: BSD-3-Clause
 * libFuzzer: arbitrary bytes (messages, interleaved frames, garbage) through
 * the RTSP parser, fed in chunks whose sizes come from the input itself, and
 * checked against one-shot feeding.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "sg_rtsp.h"

static uint64_t run(const uint8_t *d, size_t n, size_t chunk, int *err)
{
	struct sg_rtsp_parser *p = sg_rtsp_parser_new(0);
	struct sg_rtsp_event ev;
	uint64_t h = 1469598103934665603ull;
	size_t off = 0;
	*err = 0;
	if (!p)
		return 0;
	while (off < n) {
		size_t len = chunk ? (n - off < chunk ? n - off : chunk) : n - off;
		const uint8_t *b = d + off;
		while (len) {
			size_t used = 0;
			int r = sg_rtsp_parser_feed(p, b, len, &used, &ev);
			if (used > len)
				abort();
			if (r < 0) {
				*err = r;
				if (!sg_rtsp_parser_must_close(p) || !sg_rtsp_parser_error(p)[0])
					abort();
				sg_rtsp_parser_free(p);
				return h;
			}
			b += used;
			len -= used;
			off += used;
			if (r == 0)
				break;
			if (ev.type == SG_RTSP_EV_FRAME) {
				h = (h ^ ev.frame.channel ^ ((uint64_t)ev.frame.len << 8)) * 1099511628211ull;
				for (unsigned i = 0; i < ev.frame.len; i++)
					h = (h ^ ev.frame.data[i]) * 1099511628211ull;
			} else {
				const struct sg_rtsp_msg *m = &ev.msg;
				h = (h ^ (uint64_t)m->status ^ m->n_hdrs ^ ((uint64_t)m->body_len << 16)) * 1099511628211ull;
				for (unsigned i = 0; i < m->n_hdrs; i++) {
					h = (h ^ strlen(m->hdrs[i].name) ^ (strlen(m->hdrs[i].value) << 12)) * 1099511628211ull;
					if (sg_rtsp_msg_header(m, m->hdrs[i].name) == NULL)
						abort();
				}
				for (size_t i = 0; i < m->body_len; i++)
					h = (h ^ m->body[i]) * 1099511628211ull;
				if (!m->is_response && (!m->uri || !m->method_str))
					abort();
				struct sg_rtsp_transport t;
				const char *tv = sg_rtsp_msg_header(m, "Transport");
				if (tv)
					sg_rtsp_transport_parse(tv, &t);
				struct sg_rtsp_rtpinfo ri[4];
				const char *rv = sg_rtsp_msg_header(m, "RTP-Info");
				if (rv)
					sg_rtsp_rtpinfo_parse(rv, ri, 4);
				struct sg_rtsp_auth_challenge ch;
				sg_rtsp_auth_challenge_pick(m, &ch);
				const char *az = sg_rtsp_msg_header(m, "Authorization");
				struct sg_rtsp_authz a;
				if (az)
					sg_rtsp_authz_parse(az, &a);
				char id[64];
				const char *sv = sg_rtsp_msg_header(m, "Session");
				if (sv)
					sg_rtsp_session_parse(sv, id, sizeof(id), NULL);
				if (m->uri) {
					struct sg_rtsp_url u;
					char red[256];
					sg_rtsp_url_parse(m->uri, &u);
					sg_rtsp_url_redact(m->uri, red, sizeof(red));
				}
			}
		}
	}
	sg_rtsp_parser_free(p);
	return h;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size < 1)
		return 0;
	size_t chunk = data[0] % 17;
	int e1, e2;
	uint64_t a = run(data + 1, size - 1, 0, &e1);
	uint64_t b = run(data + 1, size - 1, chunk ? chunk : 1, &e2);
	/* chunking must not change what is parsed */
	if (e1 != e2 || (!e1 && a != b))
		abort();
	return 0;
}
