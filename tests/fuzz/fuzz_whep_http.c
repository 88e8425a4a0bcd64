/* SPDX-License-Identifier: BSD-3-Clause
 * libFuzzer: arbitrary bytes as a client of the WHEP HTTP engine, with stub
 * daemon callbacks covering every outcome (paths with and without tokens,
 * offers accepted / rejected / unavailable, trickle and ICE restart PATCHes,
 * DELETE). Input is fed in variable chunks with time advancing, the output
 * is consumed partially, and timers are ticked.
 */
#include <errno.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sg_whep.h"

static int lookup(void *arg, const char *path, char *token, size_t cap)
{
	(void)arg;
	if (!strcmp(path, "missing"))
		return -ENOENT;
	if (!strcmp(path, "broken"))
		return -EIO;
	snprintf(token, cap, "%s", !strncmp(path, "secure", 6) ? "s3cret" : "");
	return 0;
}

static int offer(void *arg, const struct sg_whep_offer *req, struct sg_whep_answer *res)
{
	(void)arg;
	if (!req->sdp || strlen(req->sdp) != req->sdp_len)
		abort(); /* the library promises a NUL-terminated offer */
	switch (req->sdp[0]) {
	case 'v':
		snprintf(res->body, res->body_cap, "v=0\r\ns=answer\r\n");
		return 201;
	case 'x':
		snprintf(res->reason, sizeof(res->reason), "no usable video codec");
		return 400;
	case 'b':
		snprintf(res->session_id, sizeof(res->session_id), "bad id!");
		snprintf(res->body, res->body_cap, "v=0\r\n");
		return 201;
	case 'u':
		res->retry_after_s = 5;
		return 503;
	default:
		return req->sdp[0];
	}
}

static int session(void *arg, const char *path, const char *id, char *etag, size_t cap)
{
	(void)arg;
	(void)path;
	if (id[0] == 'z')
		return -ENOENT;
	snprintf(etag, cap, "%s", id);
	return 0;
}

static int patch(void *arg, const struct sg_whep_patch *req, struct sg_whep_answer *res)
{
	(void)arg;
	if (strlen(req->frag) != req->frag_len)
		abort();
	if (strstr(req->frag, "a=ice-ufrag:new")) {
		if (req->frag_len & 1)
			return 422;
		snprintf(res->body, res->body_cap, "a=ice-ufrag:srv\r\n");
		snprintf(res->etag, sizeof(res->etag), "restart1");
		return 200;
	}
	return req->frag_len > 3 ? 204 : (int)req->frag_len * 100;
}

static int del(void *arg, const char *path, const char *id)
{
	(void)arg;
	(void)path;
	return id[0] == 'z' ? -ENOENT : 0;
}

static int paths(void *arg, char *list, size_t cap)
{
	(void)arg;
	snprintf(list, cap, "cam1\nsecure/cam<2>\n../bad\n\nlobby & hall\r\n");
	return 0;
}

static time_t wall(void *arg)
{
	(void)arg;
	return 1700000000;
}

static const struct sg_whep_cb cb = {
	.lookup = lookup, .offer = offer, .session = session, .patch = patch,
	.del = del, .paths = paths, .wall_clock = wall,
};

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct sg_whep_server *srv;
	if (!srv) {
		struct sg_whep_conf conf = {.max_body = 4096, .max_answer = 1024,
					    .header_timeout_ms = 50, .body_timeout_ms = 80,
					    .idle_timeout_ms = 200};
		srv = sg_whep_server_create(&conf, &cb, NULL);
		if (!srv)
			abort();
	}
	uint64_t now = 1000000000ull;
	struct sg_whep_conn *c = sg_whep_conn_create(srv, now);
	if (!c)
		return 0;
	size_t off = 0;
	bool at_start = true;
	while (off < size && !sg_whep_conn_want_close(c)) {
		uint8_t ctl = data[off++];
		size_t chunk = (size_t)(ctl & 0x3f) + 1;
		if (chunk > size - off)
			chunk = size - off;
		now += (uint64_t)(ctl >> 6) * 20000000ull; /* 0..60 ms */
		if (sg_whep_conn_want_read(c) && sg_whep_conn_input(c, data + off, chunk, now) < 0)
			break;
		off += chunk;
		const uint8_t *out;
		size_t ol = sg_whep_conn_output(c, &out);
		if (ol && at_start && (ol < 9 || memcmp(out, "HTTP/1.1 ", 9)))
			abort(); /* after a full drain, output starts with a status line */
		size_t take = (ctl & 0x40) ? ol : ol / 2 + 1;
		if (take > ol)
			take = ol;
		sg_whep_conn_output_consume(c, take, now);
		at_start = take == ol;
		if (sg_whep_conn_deadline(c) <= now)
			sg_whep_conn_tick(c, now);
	}
	sg_whep_conn_free(c);
	return 0;
}
