/* SPDX-License-Identifier: BSD-3-Clause
 * libFuzzer target: control-socket request frame parser and the whole
 * server-side request path (parse, dispatch, render) on the request body.
 * Oracles: a parsed frame re-encodes to the same bytes; a reply frame is
 * well-formed; JSON replies are valid JSON (RFC 8259); text replies contain
 * no control characters and are valid UTF-8.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ctl_priv.h"
#include "../unit/ctl_test_server.h"

#define CHECK(c)                                                                   \
	do {                                                                       \
		if (!(c)) {                                                        \
			fprintf(stderr, "check failed: %s (%s:%d)\n", #c, __FILE__, __LINE__); \
			abort();                                                   \
		}                                                                  \
	} while (0)

/* Every argument becomes a key and a value. */
static int fz_kvs(void *arg, int argc, char **argv, struct sg_ctl_out *out)
{
	static const char *const cols[] = {"k", "v", "n"};
	(void)arg;
	for (int i = 1; i < argc; i++)
		sg_ctl_out_kv_str(out, argv[i], argv[i]);
	if (argc > 1) {
		const char *c3[] = {argv[argc - 1], cols[1], cols[2]};
		sg_ctl_out_table_begin(out, argv[1], 3, c3);
		for (int i = 0; i < argc; i++) {
			sg_ctl_out_cell_str(out, argv[i]);
			sg_ctl_out_cell_double(out, strtod(argv[i], NULL));
		}
	}
	return 0;
}

static struct sg_ctl *fz_ctl(void)
{
	static struct sg_ctl *ctl;
	if (!ctl) {
		sg_log_level_set(SG_LOG_ERR);
		ctl = ctl_alloc();
		if (!ctl)
			abort();
		sg_ctl_register(ctl, "kv", "", "", demo_kv, NULL);
		sg_ctl_register(ctl, "ports", "", "", demo_ports, NULL);
		sg_ctl_register(ctl, "echo", "", "", demo_echo, NULL);
		sg_ctl_register(ctl, "fail", "", "", demo_fail, NULL);
		sg_ctl_register(ctl, "kvs", "", "", fz_kvs, NULL);
	}
	return ctl;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct ctl_request req;
	struct ctl_buf reply;
	char err[256] = "";
	bool close_after;
	uint8_t *body;
	int rc, st;

	if (size > SG_CTL_REQ_MAX + 16)
		return 0;
	body = malloc(size ? size : 1);
	if (!body)
		return 0;
	memcpy(body, data, size);
	rc = ctl_frame_parse(body, size, &req, err, sizeof(err));
	if (rc == 0) {
		uint8_t *f;
		size_t fl;
		CHECK(req.argc >= 1 && req.argv[req.argc] == NULL && req.argv[0][0]);
		CHECK(ctl_frame_encode(req.argc, req.argv, req.flags, &f, &fl) == 0);
		CHECK(fl == size + 4 && ctl_be32_get(f) == size && memcmp(f + 4, data, size) == 0);
		free(f);
	} else {
		CHECK(err[0] != '\0' && req.argc == 0);
	}

	memcpy(body, data, size);
	st = ctl_process(fz_ctl(), body, size, &reply, &close_after);
	CHECK(reply.len >= 5 && reply.p);
	CHECK(ctl_be32_get((uint8_t *)reply.p) == reply.len - 4);
	CHECK((uint8_t)reply.p[4] == st);
	CHECK((rc != 0) == close_after);
	if (rc != 0)
		CHECK(st != 0);
	const char *t = reply.p + 5;
	size_t n = reply.len - 5;
	if (st == 0 && (req.flags & SG_CTL_F_JSON)) {
		CHECK(json_valid(t, n));
	} else {
		/* text and error messages: printable, valid UTF-8, one line for errors */
		for (size_t i = 0; i < n;) {
			unsigned char c = (unsigned char)t[i];
			CHECK((c == '\n' && st == 0) || (c >= 0x20 && c != 0x7f));
			size_t k = ctl_utf8_seq((const unsigned char *)t + i, n - i);
			CHECK(k > 0);
			i += k ? k : 1;
		}
	}
	ctl_buf_free(&reply);
	free(body);
	return 0;
}
