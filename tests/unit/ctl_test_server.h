/* SPDX-License-Identifier: BSD-3-Clause
 * Test harness shared by test_ctl.c and test_streamgatectl.c: a real
 * sg_ctl server on a temp socket driven by an epoll loop in a thread, demo
 * commands, and a strict JSON validator (RFC 8259) used as an oracle.
 */
#ifndef CTL_TEST_SERVER_H
#define CTL_TEST_SERVER_H

#include <errno.h>
#include <math.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <unistd.h>

#include "sg_common.h"
#include "sg_ctl.h"

#pragma GCC diagnostic ignored "-Wunused-function"

/* ------------------------------------------------------------ demo cmds */
static int demo_kv(void *arg, int argc, char **argv, struct sg_ctl_out *out)
{
	(void)arg, (void)argc, (void)argv;
	sg_ctl_out_kv_str(out, "name", "cam-1");
	sg_ctl_out_kv_u64(out, "packets", UINT64_MAX);
	sg_ctl_out_kv_i64(out, "delta", -5);
	sg_ctl_out_kv_double(out, "ratio", 0.25);
	sg_ctl_out_kv_bool(out, "up", true);
	return 0;
}

static int demo_ports(void *arg, int argc, char **argv, struct sg_ctl_out *out)
{
	static const char *const cols[] = {"port", "name", "rx_pkts", "rate"};
	(void)arg, (void)argc, (void)argv;
	sg_ctl_out_kv_u64(out, "count", 2);
	sg_ctl_out_table_begin(out, "ports", 4, cols);
	sg_ctl_out_cell_u64(out, 0);
	sg_ctl_out_cell_str(out, "eth0");
	sg_ctl_out_cell_u64(out, 123456789);
	sg_ctl_out_cell_double(out, 1.5);
	sg_ctl_out_cell_u64(out, 1);
	sg_ctl_out_cell_str(out, "mgmt-long-name");
	sg_ctl_out_cell_u64(out, 7);
	sg_ctl_out_cell_double(out, -0.125);
	sg_ctl_out_table_end(out);
	return 0;
}

static int demo_fail(void *arg, int argc, char **argv, struct sg_ctl_out *out)
{
	(void)arg;
	sg_ctl_out_kv_str(out, "partial", "discarded");
	return sg_ctl_out_error(out, ENOENT, "no such camera '%s'", argc > 1 ? argv[1] : "?");
}

static int demo_fail_plain(void *arg, int argc, char **argv, struct sg_ctl_out *out)
{
	(void)arg, (void)argc, (void)argv, (void)out;
	return -EPERM;
}

static int demo_echo(void *arg, int argc, char **argv, struct sg_ctl_out *out)
{
	static const char *const cols[] = {"i", "arg"};
	(void)arg;
	sg_ctl_out_kv_i64(out, "argc", argc);
	sg_ctl_out_table_begin(out, "args", 2, cols);
	for (int i = 0; i < argc; i++) {
		sg_ctl_out_cell_i64(out, i);
		sg_ctl_out_cell_str(out, argv[i]);
	}
	sg_ctl_out_table_end(out);
	return 0;
}

/* "big N": N rows of 40 characters. */
static int demo_big(void *arg, int argc, char **argv, struct sg_ctl_out *out)
{
	static const char *const cols[] = {"row", "text"};
	(void)arg;
	if (argc != 2)
		return sg_ctl_out_error(out, EINVAL, "usage: big ROWS");
	unsigned long n = strtoul(argv[1], NULL, 10);
	sg_ctl_out_table_begin(out, "rows", 2, cols);
	for (unsigned long i = 0; i < n; i++) {
		sg_ctl_out_cell_u64(out, i);
		sg_ctl_out_cell_str(out, "0123456789012345678901234567890123456789");
	}
	sg_ctl_out_table_end(out);
	return 0;
}

static int demo_misuse(void *arg, int argc, char **argv, struct sg_ctl_out *out)
{
	(void)arg, (void)argc, (void)argv;
	sg_ctl_out_cell_u64(out, 1); /* no table open */
	return 0;
}

static int demo_stats(void *arg, int argc, char **argv, struct sg_ctl_out *out)
{
	(void)argc, (void)argv;
	sg_ctl_server_stats_out(arg, out);
	return 0;
}

/* ---------------------------------------------------------------- server */
struct ts {
	struct sg_ctl *ctl;
	int epfd, stopfd;
	pthread_t th;
	char dir[64];
	char path[128];
	int ltag, stag;
	int bad_events; /* events sg_ctl_server_event did not claim */
	struct sg_ctl_stats final; /* snapshot taken by ts_stop */
};

static void *ts_loop(void *arg)
{
	struct ts *t = arg;
	struct epoll_event ev[16];

	for (;;) {
		int n = epoll_wait(t->epfd, ev, 16, 20);
		for (int i = 0; i < n; i++) {
			if (ev[i].data.ptr == &t->stag)
				return NULL;
			if (sg_ctl_server_event(t->ctl, ev[i].data.ptr, ev[i].events) != 1)
				t->bad_events++;
		}
		sg_ctl_server_tick(t->ctl, sg_now_ns());
	}
}

static int ts_start(struct ts *t, unsigned idle_ms)
{
	struct epoll_event ev = {.events = EPOLLIN};

	memset(t, 0, sizeof(*t));
	snprintf(t->dir, sizeof(t->dir), "/tmp/sgctl.XXXXXX");
	if (!mkdtemp(t->dir))
		return -errno;
	snprintf(t->path, sizeof(t->path), "%s/run/ctl.sock", t->dir);
	t->ctl = sg_ctl_server_create(t->path, 0660);
	if (!t->ctl)
		return -errno;
	if (idle_ms)
		sg_ctl_server_set_idle_timeout(t->ctl, idle_ms);
	if (sg_ctl_register(t->ctl, "kv", "kv", "key/value demo", demo_kv, NULL) ||
	    sg_ctl_register(t->ctl, "ports", "ports", "table demo", demo_ports, NULL) ||
	    sg_ctl_register(t->ctl, "fail", "fail [CAM]", "always fails", demo_fail, NULL) ||
	    sg_ctl_register(t->ctl, "fail-plain", "", "", demo_fail_plain, NULL) ||
	    sg_ctl_register(t->ctl, "echo", "echo [ARG...]", "echo the arguments", demo_echo, NULL) ||
	    sg_ctl_register(t->ctl, "big", "big ROWS", "large output", demo_big, NULL) ||
	    sg_ctl_register(t->ctl, "misuse", NULL, NULL, demo_misuse, NULL) ||
	    sg_ctl_register(t->ctl, "ctl-stats", "ctl-stats", "control socket counters", demo_stats,
			    t->ctl))
		return -EINVAL;
	t->epfd = epoll_create1(EPOLL_CLOEXEC);
	t->stopfd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
	if (t->epfd < 0 || t->stopfd < 0)
		return -errno;
	if (sg_ctl_server_attach(t->ctl, t->epfd, &t->ltag) < 0)
		return -EINVAL;
	ev.data.ptr = &t->stag;
	if (epoll_ctl(t->epfd, EPOLL_CTL_ADD, t->stopfd, &ev) < 0)
		return -errno;
	if (pthread_create(&t->th, NULL, ts_loop, t) != 0)
		return -EAGAIN;
	return 0;
}

static void ts_stop(struct ts *t)
{
	uint64_t one = 1;
	char d[96];

	if (write(t->stopfd, &one, sizeof(one)) != sizeof(one))
		return;
	pthread_join(t->th, NULL);
	sg_ctl_server_stats(t->ctl, &t->final);
	sg_ctl_server_destroy(t->ctl);
	close(t->epfd);
	close(t->stopfd);
	snprintf(d, sizeof(d), "%s/run", t->dir);
	rmdir(d);
	rmdir(t->dir);
}

/* ------------------------------------------------------- JSON validator */
struct jp {
	const char *s;
	size_t n, i;
	int depth;
};

static void jp_ws(struct jp *p)
{
	while (p->i < p->n && (p->s[p->i] == ' ' || p->s[p->i] == '\t' || p->s[p->i] == '\n' ||
			       p->s[p->i] == '\r'))
		p->i++;
}

static int jp_value(struct jp *p);

static int jp_lit(struct jp *p, const char *lit)
{
	size_t l = strlen(lit);
	if (p->n - p->i < l || memcmp(p->s + p->i, lit, l) != 0)
		return -1;
	p->i += l;
	return 0;
}

static int jp_hex4(struct jp *p, unsigned *v)
{
	*v = 0;
	for (int k = 0; k < 4; k++) {
		if (p->i >= p->n)
			return -1;
		char c = p->s[p->i++];
		*v <<= 4;
		if (c >= '0' && c <= '9')
			*v |= (unsigned)(c - '0');
		else if (c >= 'a' && c <= 'f')
			*v |= (unsigned)(c - 'a' + 10);
		else if (c >= 'A' && c <= 'F')
			*v |= (unsigned)(c - 'A' + 10);
		else
			return -1;
	}
	return 0;
}

static int jp_string(struct jp *p)
{
	if (p->i >= p->n || p->s[p->i] != '"')
		return -1;
	p->i++;
	while (p->i < p->n) {
		unsigned char c = (unsigned char)p->s[p->i];
		if (c == '"') {
			p->i++;
			return 0;
		}
		if (c < 0x20)
			return -1;
		if (c == '\\') {
			p->i++;
			if (p->i >= p->n)
				return -1;
			char e = p->s[p->i++];
			if (e == 'u') {
				unsigned v, lo;
				if (jp_hex4(p, &v))
					return -1;
				if (v >= 0xdc00 && v <= 0xdfff)
					return -1;
				if (v >= 0xd800 && v <= 0xdbff) {
					if (jp_lit(p, "\\u") || jp_hex4(p, &lo) || lo < 0xdc00 || lo > 0xdfff)
						return -1;
				}
			} else if (!strchr("\"\\/bfnrt", e) || e == 0) {
				return -1;
			}
			continue;
		}
		if (c < 0x80) {
			p->i++;
			continue;
		}
		/* strict UTF-8 (RFC 3629) */
		size_t k = (c >= 0xc2 && c <= 0xdf) ? 2 : (c >= 0xe0 && c <= 0xef) ? 3 :
			   (c >= 0xf0 && c <= 0xf4) ? 4 : 0;
		if (!k || p->n - p->i < k)
			return -1;
		const unsigned char *u = (const unsigned char *)p->s + p->i;
		for (size_t j = 1; j < k; j++)
			if ((u[j] & 0xc0) != 0x80)
				return -1;
		if ((c == 0xe0 && u[1] < 0xa0) || (c == 0xed && u[1] > 0x9f) ||
		    (c == 0xf0 && u[1] < 0x90) || (c == 0xf4 && u[1] > 0x8f))
			return -1;
		p->i += k;
	}
	return -1;
}

static int jp_digits(struct jp *p)
{
	size_t st = p->i;
	while (p->i < p->n && p->s[p->i] >= '0' && p->s[p->i] <= '9')
		p->i++;
	return p->i > st ? 0 : -1;
}

static int jp_number(struct jp *p)
{
	if (p->i < p->n && p->s[p->i] == '-')
		p->i++;
	if (p->i < p->n && p->s[p->i] == '0')
		p->i++;
	else if (jp_digits(p))
		return -1;
	if (p->i < p->n && p->s[p->i] == '.') {
		p->i++;
		if (jp_digits(p))
			return -1;
	}
	if (p->i < p->n && (p->s[p->i] == 'e' || p->s[p->i] == 'E')) {
		p->i++;
		if (p->i < p->n && (p->s[p->i] == '+' || p->s[p->i] == '-'))
			p->i++;
		if (jp_digits(p))
			return -1;
	}
	return 0;
}

static int jp_container(struct jp *p, char open, char close)
{
	if (++p->depth > 64)
		return -1;
	p->i++; /* open */
	(void)open;
	jp_ws(p);
	if (p->i < p->n && p->s[p->i] == close) {
		p->i++;
		p->depth--;
		return 0;
	}
	for (;;) {
		jp_ws(p);
		if (close == '}') {
			if (jp_string(p))
				return -1;
			jp_ws(p);
			if (p->i >= p->n || p->s[p->i++] != ':')
				return -1;
			jp_ws(p);
		}
		if (jp_value(p))
			return -1;
		jp_ws(p);
		if (p->i >= p->n)
			return -1;
		char c = p->s[p->i++];
		if (c == close) {
			p->depth--;
			return 0;
		}
		if (c != ',')
			return -1;
	}
}

static int jp_value(struct jp *p)
{
	jp_ws(p);
	if (p->i >= p->n)
		return -1;
	switch (p->s[p->i]) {
	case '{':
		return jp_container(p, '{', '}');
	case '[':
		return jp_container(p, '[', ']');
	case '"':
		return jp_string(p);
	case 't':
		return jp_lit(p, "true");
	case 'f':
		return jp_lit(p, "false");
	case 'n':
		return jp_lit(p, "null");
	default:
		return jp_number(p);
	}
}

/** True if s[0..n) is exactly one valid JSON text (RFC 8259). */
static bool json_valid(const char *s, size_t n)
{
	struct jp p = {.s = s, .n = n};
	if (jp_value(&p))
		return false;
	jp_ws(&p);
	return p.i == n;
}

#endif /* CTL_TEST_SERVER_H */
