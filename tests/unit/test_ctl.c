/* SPDX-License-Identifier: BSD-3-Clause
 * lib/ctl unit tests: output builder/renderers, frame codec, registry, and
 * a real server (epoll loop in a thread) exercised by the real client and
 * by raw socket writes.
 */
#include <CUnit/Basic.h>
#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include "ctl_priv.h"
#include "ctl_test_server.h"
#include "ctl_test_out.h"

static struct ts S; /* shared server for the server tests */

/* ----------------------------------------------------------- helpers */

static int callv(bool json, char **reply, int *status, ...)
{
	char *argv[16];
	int argc = 0;
	size_t len;
	va_list ap;

	va_start(ap, status);
	while (argc < 15 && (argv[argc] = va_arg(ap, char *)) != NULL)
		argc++;
	va_end(ap);
	return sg_ctl_client_call(S.path, argc, argv, json, 5000, reply, &len, status);
}

static long stat_get(const char *name)
{
	char *r = NULL, key[64];
	int st = -1;
	long v = -1;

	if (callv(false, &r, &st, "ctl-stats", NULL) != 0 || st != 0) {
		free(r);
		return -1;
	}
	snprintf(key, sizeof(key), "\n%s: ", name);
	char *p = strstr(r, key);
	if (!p && strncmp(r, key + 1, strlen(key + 1)) == 0)
		p = r - 1;
	if (p)
		v = strtol(p + strlen(key), NULL, 10);
	free(r);
	return v;
}

/* Wait up to 3 s for a server counter to reach at least want. */
static bool stat_wait(const char *name, long want, bool exact)
{
	for (int i = 0; i < 300; i++) {
		long v = stat_get(name);
		if (exact ? v == want : v >= want)
			return true;
		usleep(10000);
	}
	return false;
}

static int raw_connect(void)
{
	struct sockaddr_un sa = {.sun_family = AF_UNIX};
	int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	sg_strlcpy(sa.sun_path, S.path, sizeof(sa.sun_path));
	if (fd >= 0 && connect(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0) {
		close(fd);
		return -1;
	}
	return fd;
}

static bool read_full(int fd, void *buf, size_t n, int timeout_ms)
{
	size_t got = 0;
	while (got < n) {
		struct pollfd p = {.fd = fd, .events = POLLIN};
		if (poll(&p, 1, timeout_ms) <= 0)
			return false;
		ssize_t r = recv(fd, (char *)buf + got, n - got, 0);
		if (r <= 0)
			return false;
		got += (size_t)r;
	}
	return true;
}

/* Read one reply frame: returns status, message in msg; -1 on failure. */
static int raw_reply(int fd, char *msg, size_t cap)
{
	uint8_t h[5];
	if (!read_full(fd, h, 5, 3000))
		return -1;
	uint32_t len = ctl_be32_get(h);
	if (len < 1 || len - 1 >= cap)
		return -1;
	if (!read_full(fd, msg, len - 1, 3000))
		return -1;
	msg[len - 1] = '\0';
	return h[4];
}

/* True if the peer closed the connection within timeout_ms. */
static bool raw_eof(int fd, int timeout_ms)
{
	char c;
	struct pollfd p = {.fd = fd, .events = POLLIN};
	if (poll(&p, 1, timeout_ms) <= 0)
		return false;
	ssize_t r = recv(fd, &c, 1, MSG_DONTWAIT);
	return r == 0 || (r < 0 && errno == ECONNRESET);
}

static void raw_send(int fd, const void *p, size_t n)
{
	CU_ASSERT_EQUAL(send(fd, p, n, MSG_NOSIGNAL), (ssize_t)n);
}

/* ---------------------------------------------------------------- frames */
static void t_frame(void)
{
	struct ctl_request req;
	char err[128];
	uint8_t *f;
	size_t fl;
	char *args[] = {"echo", "", "b c"};

	CU_ASSERT_EQUAL(ctl_frame_encode(3, args, SG_CTL_F_JSON, &f, &fl), 0);
	CU_ASSERT_EQUAL(fl, 4 + 2 + 5 + 1 + 4);
	CU_ASSERT_EQUAL(ctl_be32_get(f), fl - 4);
	CU_ASSERT_EQUAL(ctl_frame_parse(f + 4, fl - 4, &req, err, sizeof(err)), 0);
	CU_ASSERT_EQUAL(req.argc, 3);
	CU_ASSERT_EQUAL(req.flags, SG_CTL_F_JSON);
	CU_ASSERT_STRING_EQUAL(req.argv[0], "echo");
	CU_ASSERT_STRING_EQUAL(req.argv[1], "");
	CU_ASSERT_STRING_EQUAL(req.argv[2], "b c");
	CU_ASSERT_PTR_NULL(req.argv[3]);
	free(f);

	struct {
		const char *body;
		size_t len;
		int rc;
		const char *msg;
	} bad[] = {
		{"", 0, -EPROTO, "truncated"},
		{"\x01", 1, -EPROTO, "truncated"},
		{"\x02\x00x\x00", 4, -EPROTO, "protocol version 2"},
		{"\x01\x02x\x00", 4, -EPROTO, "unknown flags"},
		{"\x01\x00", 2, -EPROTO, "no command"},
		{"\x01\x00help", 6, -EPROTO, "NUL"},
		{"\x01\x00\x00", 3, -EINVAL, "empty command"},
		{"\x01\x00\x00x\x00", 5, -EINVAL, "empty command"},
	};
	for (size_t i = 0; i < SG_ARRAY_SIZE(bad); i++) {
		uint8_t b[16];
		memcpy(b, bad[i].body, bad[i].len);
		CU_ASSERT_EQUAL(ctl_frame_parse(b, bad[i].len, &req, err, sizeof(err)), bad[i].rc);
		CU_ASSERT_PTR_NOT_NULL(strstr(err, bad[i].msg));
		CU_ASSERT_EQUAL(req.argc, 0);
	}

	/* argc limit: 256 ok, 257 rejected by both sides */
	char *many[SG_CTL_MAX_ARGS + 1];
	for (unsigned i = 0; i <= SG_CTL_MAX_ARGS; i++)
		many[i] = "a";
	CU_ASSERT_EQUAL(ctl_frame_encode(SG_CTL_MAX_ARGS + 1, many, 0, &f, &fl), -E2BIG);
	CU_ASSERT_EQUAL(ctl_frame_encode(SG_CTL_MAX_ARGS, many, 0, &f, &fl), 0);
	CU_ASSERT_EQUAL(ctl_frame_parse(f + 4, fl - 4, &req, err, sizeof(err)), 0);
	CU_ASSERT_EQUAL(req.argc, (int)SG_CTL_MAX_ARGS);
	free(f);
	uint8_t b257[2 + 2 * (SG_CTL_MAX_ARGS + 1)];
	b257[0] = 1;
	b257[1] = 0;
	for (unsigned i = 0; i <= SG_CTL_MAX_ARGS; i++) {
		b257[2 + 2 * i] = 'a';
		b257[3 + 2 * i] = 0;
	}
	CU_ASSERT_EQUAL(ctl_frame_parse(b257, sizeof(b257), &req, err, sizeof(err)), -E2BIG);

	/* size limit */
	char *huge = malloc(SG_CTL_REQ_MAX);
	memset(huge, 'h', SG_CTL_REQ_MAX - 1);
	huge[SG_CTL_REQ_MAX - 1] = '\0';
	char *hv[] = {huge};
	CU_ASSERT_EQUAL(ctl_frame_encode(1, hv, 0, &f, &fl), -EMSGSIZE);
	huge[SG_CTL_REQ_MAX - 3] = '\0'; /* 2 + (REQ_MAX-3) + 1 = REQ_MAX */
	CU_ASSERT_EQUAL(ctl_frame_encode(1, hv, 0, &f, &fl), 0);
	CU_ASSERT_EQUAL(fl, 4 + SG_CTL_REQ_MAX);
	free(f);
	free(huge);
	CU_ASSERT_EQUAL(ctl_frame_encode(0, args, 0, &f, &fl), -EINVAL);
	CU_ASSERT_EQUAL(ctl_frame_encode(1, args, 0x80, &f, &fl), -EINVAL);
	char *empty[] = {""};
	CU_ASSERT_EQUAL(ctl_frame_encode(1, empty, 0, &f, &fl), -EINVAL);
}

/* ---------------------------------------------------- registry/create */
static int nop(void *a, int argc, char **argv, struct sg_ctl_out *o)
{
	(void)a, (void)argc, (void)argv, (void)o;
	return 0;
}

static void t_register(void)
{
	struct sg_ctl *c = ctl_alloc();
	char name[40];

	CU_ASSERT_PTR_NOT_NULL_FATAL(c);
	CU_ASSERT_EQUAL(sg_ctl_register(c, "help", "", "", nop, NULL), -EEXIST);
	CU_ASSERT_EQUAL(sg_ctl_register(c, "status", "status", "x", nop, NULL), 0);
	CU_ASSERT_EQUAL(sg_ctl_register(c, "status", "status", "x", nop, NULL), -EEXIST);
	CU_ASSERT_EQUAL(sg_ctl_register(c, "", "", "", nop, NULL), -EINVAL);
	CU_ASSERT_EQUAL(sg_ctl_register(c, "-x", "", "", nop, NULL), -EINVAL);
	CU_ASSERT_EQUAL(sg_ctl_register(c, "Status", "", "", nop, NULL), -EINVAL);
	CU_ASSERT_EQUAL(sg_ctl_register(c, "a b", "", "", nop, NULL), -EINVAL);
	CU_ASSERT_EQUAL(sg_ctl_register(c, "log-level", NULL, NULL, NULL, NULL), -EINVAL);
	CU_ASSERT_EQUAL(sg_ctl_register(c, "0123456789012345678901234567890", "", "", nop, NULL), 0);
	CU_ASSERT_EQUAL(sg_ctl_register(c, "01234567890123456789012345678901", "", "", nop, NULL),
			-EINVAL);
	int rc = 0;
	for (unsigned i = 0; rc == 0; i++) {
		snprintf(name, sizeof(name), "c%u", i);
		rc = sg_ctl_register(c, name, "", "", nop, NULL);
	}
	CU_ASSERT_EQUAL(rc, -ENOSPC);
	CU_ASSERT_EQUAL(c->ncmds, SG_CTL_MAX_CMDS);
	sg_ctl_server_destroy(c);
}

static void t_create(void)
{
	char dir[] = "/tmp/sgctl.XXXXXX", path[128], deep[128];
	struct sockaddr_un sa = {.sun_family = AF_UNIX};
	struct stat st;
	struct sg_ctl *c, *c2;

	CU_ASSERT_PTR_NOT_NULL_FATAL(mkdtemp(dir));
	snprintf(deep, sizeof(deep), "%s/a/b", dir);
	snprintf(path, sizeof(path), "%s/a/b/ctl.sock", dir);

	/* parent dirs created, mode applied */
	c = sg_ctl_server_create(path, 0660);
	CU_ASSERT_PTR_NOT_NULL_FATAL(c);
	CU_ASSERT_EQUAL(lstat(path, &st), 0);
	CU_ASSERT_TRUE(S_ISSOCK(st.st_mode));
	CU_ASSERT_EQUAL(st.st_mode & 07777, 0660);
	CU_ASSERT_TRUE(sg_ctl_server_fd(c) >= 0);
	int fl = fcntl(sg_ctl_server_fd(c), F_GETFL);
	CU_ASSERT_TRUE(fl & O_NONBLOCK);
	CU_ASSERT_TRUE(fcntl(sg_ctl_server_fd(c), F_GETFD) & FD_CLOEXEC);
	/* a live server is not displaced */
	errno = 0;
	c2 = sg_ctl_server_create(path, 0600);
	CU_ASSERT_PTR_NULL(c2);
	CU_ASSERT_EQUAL(errno, EADDRINUSE);
	CU_ASSERT_EQUAL(lstat(path, &st), 0);
	sg_ctl_server_destroy(c);
	CU_ASSERT_EQUAL(lstat(path, &st), -1); /* unlinked */

	/* stale socket file (bound, then closed) is replaced */
	int fd = socket(AF_UNIX, SOCK_STREAM, 0);
	sg_strlcpy(sa.sun_path, path, sizeof(sa.sun_path));
	CU_ASSERT_EQUAL(bind(fd, (struct sockaddr *)&sa, sizeof(sa)), 0);
	close(fd);
	CU_ASSERT_EQUAL(lstat(path, &st), 0);
	c = sg_ctl_server_create(path, 0600);
	CU_ASSERT_PTR_NOT_NULL(c);
	CU_ASSERT_EQUAL(lstat(path, &st), 0);
	CU_ASSERT_EQUAL(st.st_mode & 07777, 0600);
	/* destroy leaves a socket that is no longer ours alone */
	CU_ASSERT_EQUAL(unlink(path), 0);
	fd = socket(AF_UNIX, SOCK_STREAM, 0);
	CU_ASSERT_EQUAL(bind(fd, (struct sockaddr *)&sa, sizeof(sa)), 0);
	sg_ctl_server_destroy(c);
	CU_ASSERT_EQUAL(lstat(path, &st), 0);
	close(fd);
	unlink(path);

	/* a regular file is never removed */
	FILE *f = fopen(path, "w");
	CU_ASSERT_PTR_NOT_NULL_FATAL(f);
	fclose(f);
	errno = 0;
	CU_ASSERT_PTR_NULL(sg_ctl_server_create(path, 0660));
	CU_ASSERT_EQUAL(errno, EEXIST);
	CU_ASSERT_EQUAL(lstat(path, &st), 0);
	CU_ASSERT_TRUE(S_ISREG(st.st_mode));
	unlink(path);

	/* bad args */
	errno = 0;
	CU_ASSERT_PTR_NULL(sg_ctl_server_create(NULL, 0660));
	CU_ASSERT_EQUAL(errno, EINVAL);
	char lng[200];
	memset(lng, 'a', sizeof(lng) - 1);
	lng[0] = '/';
	lng[sizeof(lng) - 1] = '\0';
	errno = 0;
	CU_ASSERT_PTR_NULL(sg_ctl_server_create(lng, 0660));
	CU_ASSERT_EQUAL(errno, ENAMETOOLONG);
	/* attach errors */
	c = sg_ctl_server_create(path, 0660);
	CU_ASSERT_PTR_NOT_NULL_FATAL(c);
	int tag;
	CU_ASSERT_EQUAL(sg_ctl_server_attach(c, -1, &tag), -EINVAL);
	CU_ASSERT_EQUAL(sg_ctl_server_attach(c, 0, NULL), -EINVAL);
	CU_ASSERT_EQUAL(sg_ctl_server_event(c, &tag, 0), 0); /* not attached: not ours */
	sg_ctl_server_destroy(c);
	sg_ctl_server_destroy(NULL);

	rmdir(deep);
	snprintf(deep, sizeof(deep), "%s/a", dir);
	rmdir(deep);
	CU_ASSERT_EQUAL(rmdir(dir), 0);
}

/* --------------------------------------------------------- server basics */
static void t_srv_basic(void)
{
	char *r = NULL;
	int st = -1;
	struct stat sb;

	CU_ASSERT_EQUAL(lstat(S.path, &sb), 0);
	CU_ASSERT_EQUAL(sb.st_mode & 07777, 0660);

	CU_ASSERT_EQUAL(callv(false, &r, &st, "ports", NULL), 0);
	CU_ASSERT_EQUAL(st, 0);
	CU_ASSERT_STRING_EQUAL(r, "count: 2\n\n"
				  "port  name              rx_pkts    rate\n"
				  "   0  eth0            123456789     1.5\n"
				  "   1  mgmt-long-name          7  -0.125\n");
	free(r);

	CU_ASSERT_EQUAL(callv(true, &r, &st, "ports", NULL), 0);
	CU_ASSERT_EQUAL(st, 0);
	CU_ASSERT_TRUE(json_valid(r, strlen(r)));
	CU_ASSERT_PTR_NOT_NULL(strstr(r, "\"ports\":[{\"port\":0,"));
	free(r);

	CU_ASSERT_EQUAL(callv(false, &r, &st, "help", NULL), 0);
	CU_ASSERT_EQUAL(st, 0);
	CU_ASSERT_EQUAL(strncmp(r, "command     usage", 17), 0);
	CU_ASSERT_PTR_NOT_NULL(strstr(r, "\nhelp        help [COMMAND]"));
	CU_ASSERT_PTR_NOT_NULL(strstr(r, "\nports       ports           table demo\n"));
	CU_ASSERT_PTR_NOT_NULL(strstr(r, "\nfail-plain\n"));
	free(r);
	CU_ASSERT_EQUAL(callv(true, &r, &st, "help", NULL), 0);
	CU_ASSERT_TRUE(json_valid(r, strlen(r)));
	CU_ASSERT_PTR_NOT_NULL(strstr(r, "{\"command\":\"fail\",\"usage\":\"fail [CAM]\","
					 "\"description\":\"always fails\"}"));
	free(r);
	CU_ASSERT_EQUAL(callv(false, &r, &st, "help", "echo", NULL), 0);
	CU_ASSERT_STRING_EQUAL(r, "command: echo\nusage: echo [ARG...]\ndescription: echo the arguments\n");
	free(r);
	CU_ASSERT_EQUAL(callv(false, &r, &st, "help", "nope", NULL), 0);
	CU_ASSERT_EQUAL(st, EINVAL);
	CU_ASSERT_STRING_EQUAL(r, "unknown command 'nope' (try 'help')");
	free(r);

	/* errors */
	CU_ASSERT_EQUAL(callv(false, &r, &st, "frobnicate", NULL), 0);
	CU_ASSERT_EQUAL(st, EINVAL);
	CU_ASSERT_STRING_EQUAL(r, "unknown command 'frobnicate' (try 'help')");
	free(r);
	CU_ASSERT_EQUAL(callv(true, &r, &st, "bad\x1b[2Jname", NULL), 0);
	CU_ASSERT_STRING_EQUAL(r, "unknown command 'bad?[2Jname' (try 'help')");
	free(r);
	CU_ASSERT_EQUAL(callv(false, &r, &st, "fail", "cam-9", NULL), 0);
	CU_ASSERT_EQUAL(st, ENOENT);
	CU_ASSERT_STRING_EQUAL(r, "no such camera 'cam-9'");
	free(r);
	CU_ASSERT_EQUAL(callv(true, &r, &st, "fail-plain", NULL), 0);
	CU_ASSERT_EQUAL(st, EPERM);
	CU_ASSERT_STRING_EQUAL(r, "fail-plain: Operation not permitted");
	free(r);
	CU_ASSERT_EQUAL(callv(false, &r, &st, "misuse", NULL), 0);
	CU_ASSERT_EQUAL(st, EINVAL);
	CU_ASSERT_PTR_NOT_NULL(strstr(r, "misuse"));
	free(r);
	CU_ASSERT_EQUAL(callv(false, &r, &st, "big", "200000", NULL), 0);
	CU_ASSERT_EQUAL(st, EMSGSIZE);
	CU_ASSERT_STRING_EQUAL(r, "output too large (limit 4194304 bytes)");
	free(r);
	/* a large reply that fits */
	CU_ASSERT_EQUAL(callv(true, &r, &st, "big", "50000", NULL), 0);
	CU_ASSERT_EQUAL(st, 0);
	CU_ASSERT_TRUE(strlen(r) > 2 * 1000 * 1000);
	CU_ASSERT_TRUE(json_valid(r, strlen(r)));
	free(r);
	CU_ASSERT_EQUAL(S.bad_events, 0);
}

static void t_srv_args(void)
{
	char *argv[SG_CTL_MAX_ARGS + 1], *r = NULL, num[16];
	size_t len;
	int st = -1;

	argv[0] = "echo";
	for (unsigned i = 1; i <= SG_CTL_MAX_ARGS; i++)
		argv[i] = i % 2 ? "x\"y" : "";
	CU_ASSERT_EQUAL(sg_ctl_client_call(S.path, SG_CTL_MAX_ARGS, argv, true, 5000, &r, &len, &st), 0);
	CU_ASSERT_EQUAL(st, 0);
	CU_ASSERT_EQUAL(len, strlen(r));
	CU_ASSERT_TRUE(json_valid(r, len));
	snprintf(num, sizeof(num), "%u", SG_CTL_MAX_ARGS);
	CU_ASSERT_EQUAL(strncmp(r, "{\"argc\":256,", 12), 0);
	CU_ASSERT_PTR_NOT_NULL(strstr(r, "{\"i\":255,\"arg\":\"x\\\"y\"}]}"));
	free(r);
	r = NULL;
	CU_ASSERT_EQUAL(sg_ctl_client_call(S.path, SG_CTL_MAX_ARGS + 1, argv, true, 5000, &r, &len, &st),
			-E2BIG);
	CU_ASSERT_PTR_NULL(r);

	/* one argument filling the request exactly */
	char *huge = malloc(SG_CTL_REQ_MAX);
	memset(huge, 'h', SG_CTL_REQ_MAX);
	huge[SG_CTL_REQ_MAX - 2 - 5 - 1] = '\0'; /* ver+flags, "echo\0", arg NUL */
	char *hv[] = {"echo", huge};
	CU_ASSERT_EQUAL(sg_ctl_client_call(S.path, 2, hv, false, 5000, &r, &len, &st), 0);
	CU_ASSERT_EQUAL(st, 0);
	CU_ASSERT_PTR_NOT_NULL(strstr(r, "hhhh\n"));
	free(r);
	huge[SG_CTL_REQ_MAX - 2 - 5 - 1] = 'h';
	huge[SG_CTL_REQ_MAX - 2 - 5] = '\0';
	char err[256];
	CU_ASSERT_EQUAL(sg_ctl_client_call_ex(S.path, 2, hv, false, 5000, &r, &len, &st, err, sizeof(err)),
			-EMSGSIZE);
	CU_ASSERT_PTR_NOT_NULL(strstr(err, "request too large"));
	free(huge);
}

/* Oversized and malformed frames written on raw sockets. */
static void t_srv_raw(void)
{
	char msg[4096], *r = NULL;
	int st, fd, fd2;

	long too_large0 = stat_get("too_large"), malformed0 = stat_get("malformed");

	/* oversize length: error reply, closed; another client meanwhile fine */
	fd = raw_connect();
	CU_ASSERT_TRUE_FATAL(fd >= 0);
	fd2 = raw_connect();
	CU_ASSERT_TRUE_FATAL(fd2 >= 0);
	raw_send(fd, "\x00\x10\x00\x00" "\x01\x00", 6); /* 1 MiB announced */
	CU_ASSERT_EQUAL(raw_reply(fd, msg, sizeof(msg)), EMSGSIZE);
	CU_ASSERT_STRING_EQUAL(msg, "request too large (1048576 bytes, limit 65536)");
	CU_ASSERT_TRUE(raw_eof(fd, 2000));
	close(fd);
	CU_ASSERT_EQUAL(callv(false, &r, &st, "kv", NULL), 0);
	CU_ASSERT_EQUAL(st, 0);
	free(r);
	/* fd2 still served (sent in two pieces) */
	raw_send(fd2, "\x00\x00\x00\x05\x01", 5);
	usleep(20000);
	raw_send(fd2, "\x00kv\x00", 4);
	CU_ASSERT_EQUAL(raw_reply(fd2, msg, sizeof(msg)), 0);
	CU_ASSERT_EQUAL(strncmp(msg, "name: cam-1\n", 12), 0);
	/* ... and the connection stays open for another request */
	raw_send(fd2, "\x00\x00\x00\x07\x01\x01help\x00", 11);
	CU_ASSERT_EQUAL(raw_reply(fd2, msg, sizeof(msg)), 0);
	CU_ASSERT_EQUAL(strncmp(msg, "{\"commands\":[", 13), 0);
	close(fd2);

	/* oversize with a body actually streaming in: client gets the reply */
	fd = raw_connect();
	size_t bl = 300000;
	uint8_t *blob = calloc(1, 4 + bl);
	ctl_be32_put(blob, (uint32_t)bl);
	blob[4] = 1;
	fcntl(fd, F_SETFL, O_NONBLOCK);
	ssize_t sent = send(fd, blob, 4 + bl, MSG_NOSIGNAL);
	CU_ASSERT_TRUE(sent > 0 || errno == EAGAIN || errno == EPIPE);
	fcntl(fd, F_SETFL, 0);
	CU_ASSERT_EQUAL(raw_reply(fd, msg, sizeof(msg)), EMSGSIZE);
	CU_ASSERT_PTR_NOT_NULL(strstr(msg, "request too large"));
	free(blob);
	close(fd);

	struct {
		const char *frame;
		size_t len;
		int status;
		const char *msg;
	} bad[] = {
		{"\x00\x00\x00\x00", 4, EPROTO, "truncated"},
		{"\x00\x00\x00\x02\x01\x00", 6, EPROTO, "no command"},
		{"\x00\x00\x00\x05\x07\x00kv\x00", 9, EPROTO, "protocol version 7"},
		{"\x00\x00\x00\x05\x01\x80kv\x00", 9, EPROTO, "unknown flags 0x80"},
		{"\x00\x00\x00\x04\x01\x00kv", 8, EPROTO, "not NUL-terminated"},
		{"\x00\x00\x00\x03\x01\x00\x00", 7, EINVAL, "empty command"},
	};
	for (size_t i = 0; i < SG_ARRAY_SIZE(bad); i++) {
		fd = raw_connect();
		CU_ASSERT_TRUE_FATAL(fd >= 0);
		raw_send(fd, bad[i].frame, bad[i].len);
		CU_ASSERT_EQUAL(raw_reply(fd, msg, sizeof(msg)), bad[i].status);
		CU_ASSERT_PTR_NOT_NULL(strstr(msg, bad[i].msg));
		CU_ASSERT_TRUE(raw_eof(fd, 2000)); /* closed after a protocol error */
		close(fd);
	}
	CU_ASSERT_EQUAL(stat_get("too_large"), too_large0 + 2);
	CU_ASSERT_EQUAL(stat_get("malformed"), malformed0 + (long)SG_ARRAY_SIZE(bad));
	CU_ASSERT_EQUAL(S.bad_events, 0);
}

static void t_srv_disconnect(void)
{
	char msg[64], *r = NULL;
	int st;
	long d0 = stat_get("disconnects");

	/* half a frame, then close */
	int fd = raw_connect();
	raw_send(fd, "\x00\x00\x00\x40\x01\x00" "ec", 8);
	usleep(20000);
	close(fd);
	/* half a header, then close */
	fd = raw_connect();
	raw_send(fd, "\x00\x00", 2);
	usleep(20000);
	close(fd);
	CU_ASSERT_TRUE(stat_wait("disconnects", d0 + 2, false));

	/* mid-reply: ask for ~2 MB, read a little, close */
	fd = raw_connect();
	raw_send(fd, "\x00\x00\x00\x0c\x01\x00" "big\x00" "50000\x00", 16);
	CU_ASSERT_TRUE(read_full(fd, msg, sizeof(msg), 3000));
	CU_ASSERT_EQUAL(msg[4], 0);
	close(fd);
	CU_ASSERT_TRUE(stat_wait("disconnects", d0 + 3, false));
	/* everything cleaned up: only the stats caller itself is connected */
	CU_ASSERT_TRUE(stat_wait("active_clients", 1, true));
	CU_ASSERT_EQUAL(callv(false, &r, &st, "kv", NULL), 0);
	CU_ASSERT_EQUAL(st, 0);
	free(r);
}

static void t_srv_sequential(void)
{
	int ok = 0;
	for (int i = 0; i < 100; i++) {
		char *r = NULL, n[16];
		int st = -1;
		snprintf(n, sizeof(n), "%d", i);
		if (callv(i % 2, &r, &st, "echo", n, NULL) == 0 && st == 0 &&
		    strstr(r, i % 2 ? "\"arg\":\"" : "  ") && strstr(r, n))
			ok++;
		free(r);
	}
	CU_ASSERT_EQUAL(ok, 100);
}

static void *conc_worker(void *arg)
{
	long id = (long)arg, ok = 0;
	for (int k = 0; k < 5; k++) {
		char *r = NULL, want[64], n[16];
		int st = -1;
		snprintf(n, sizeof(n), "w%ld-%d", id, k);
		snprintf(want, sizeof(want), "{\"i\":1,\"arg\":\"%s\"}", n);
		if (callv(true, &r, &st, "echo", n, NULL) == 0 && st == 0 && strstr(r, want) &&
		    json_valid(r, strlen(r)))
			ok++;
		free(r);
	}
	return (void *)ok;
}

static void t_srv_concurrent(void)
{
	pthread_t th[20];
	long total = 0;

	for (long i = 0; i < 20; i++)
		CU_ASSERT_EQUAL_FATAL(pthread_create(&th[i], NULL, conc_worker, (void *)i), 0);
	for (int i = 0; i < 20; i++) {
		void *rv;
		pthread_join(th[i], &rv);
		total += (long)rv;
	}
	CU_ASSERT_EQUAL(total, 100);
}

static void t_srv_busy(void)
{
	int fds[SG_CTL_MAX_CLIENTS];
	char *r = NULL, err[256];
	size_t len;
	int st = -1;
	char *hv[] = {"kv"};

	CU_ASSERT_TRUE(stat_wait("active_clients", 1, true));
	for (unsigned i = 0; i < SG_CTL_MAX_CLIENTS; i++) {
		fds[i] = raw_connect();
		CU_ASSERT_TRUE(fds[i] >= 0);
	}
	CU_ASSERT_EQUAL(sg_ctl_client_call_ex(S.path, 1, hv, false, 5000, &r, &len, &st, err, sizeof(err)), 0);
	CU_ASSERT_EQUAL(st, EBUSY);
	CU_ASSERT_STRING_EQUAL(r ? r : "", "too many control clients (limit 64)");
	free(r);
	r = NULL;
	/* the held connections still work */
	raw_send(fds[5], "\x00\x00\x00\x05\x01\x00kv\x00", 9);
	char msg[256];
	CU_ASSERT_EQUAL(raw_reply(fds[5], msg, sizeof(msg)), 0);
	for (unsigned i = 0; i < SG_CTL_MAX_CLIENTS; i++)
		close(fds[i]);
	CU_ASSERT_TRUE(stat_wait("active_clients", 1, true));
	CU_ASSERT_TRUE(stat_get("rejected_busy") >= 1);
	CU_ASSERT_EQUAL(callv(false, &r, &st, "kv", NULL), 0);
	CU_ASSERT_EQUAL(st, 0);
	free(r);
}

static void t_srv_idle(void)
{
	struct ts t;

	CU_ASSERT_EQUAL_FATAL(ts_start(&t, 200), 0);
	struct sockaddr_un sa = {.sun_family = AF_UNIX};
	sg_strlcpy(sa.sun_path, t.path, sizeof(sa.sun_path));
	int a = socket(AF_UNIX, SOCK_STREAM, 0), b = socket(AF_UNIX, SOCK_STREAM, 0);
	CU_ASSERT_EQUAL(connect(a, (struct sockaddr *)&sa, sizeof(sa)), 0);
	CU_ASSERT_EQUAL(connect(b, (struct sockaddr *)&sa, sizeof(sa)), 0);
	send(b, "\x00\x00\x00", 3, MSG_NOSIGNAL); /* partial header, then silence */
	uint64_t t0 = sg_now_ns();
	CU_ASSERT_TRUE(raw_eof(a, 3000));
	CU_ASSERT_TRUE(raw_eof(b, 3000));
	uint64_t ms = (sg_now_ns() - t0) / 1000000;
	CU_ASSERT_TRUE(ms >= 150 && ms < 3000);
	close(a);
	close(b);

	/* a client that asks for a large reply and never reads it does not
	 * hold the server: it is closed once the writes stop progressing */
	int c = socket(AF_UNIX, SOCK_STREAM, 0);
	CU_ASSERT_EQUAL(connect(c, (struct sockaddr *)&sa, sizeof(sa)), 0);
	send(c, "\x00\x00\x00\x0c\x01\x00" "big\x00" "50000\x00", 16, MSG_NOSIGNAL);
	usleep(800000);
	size_t total = 0;
	char buf[65536];
	for (;;) {
		struct pollfd p = {.fd = c, .events = POLLIN};
		if (poll(&p, 1, 3000) <= 0)
			break;
		ssize_t n = recv(c, buf, sizeof(buf), 0);
		if (n <= 0)
			break;
		total += (size_t)n;
	}
	CU_ASSERT_TRUE(total > 0 && total < 2000000);
	close(c);
	ts_stop(&t); /* joins the loop thread, then snapshots the counters */
	CU_ASSERT_EQUAL(t.final.idle_timeouts, 3);
	CU_ASSERT_EQUAL(t.final.active_clients, 0);
	CU_ASSERT_EQUAL(t.bad_events, 0);
}

static void t_client_errors(void)
{
	char err[256], *r = NULL, *hv[] = {"kv"};
	size_t len;
	int st;
	char dir[] = "/tmp/sgctl.XXXXXX", path[128];

	CU_ASSERT_PTR_NOT_NULL_FATAL(mkdtemp(dir));
	snprintf(path, sizeof(path), "%s/none.sock", dir);
	CU_ASSERT_EQUAL(sg_ctl_client_call_ex(path, 1, hv, false, 1000, &r, &len, &st, err, sizeof(err)),
			-ENOENT);
	char want[256];
	snprintf(want, sizeof(want),
		 "cannot connect to %s: No such file or directory (is streamgate running?)", path);
	CU_ASSERT_STRING_EQUAL(err, want);
	CU_ASSERT_PTR_NULL(r);

	/* a listener that never answers -> timeout, bounded */
	struct sockaddr_un sa = {.sun_family = AF_UNIX};
	sg_strlcpy(sa.sun_path, path, sizeof(sa.sun_path));
	int l = socket(AF_UNIX, SOCK_STREAM, 0);
	CU_ASSERT_EQUAL(bind(l, (struct sockaddr *)&sa, sizeof(sa)), 0);
	CU_ASSERT_EQUAL(listen(l, 4), 0);
	uint64_t t0 = sg_now_ns();
	CU_ASSERT_EQUAL(sg_ctl_client_call_ex(path, 1, hv, false, 300, &r, &len, &st, err, sizeof(err)),
			-ETIMEDOUT);
	uint64_t ms = (sg_now_ns() - t0) / 1000000;
	CU_ASSERT_TRUE(ms >= 250 && ms < 2000);
	CU_ASSERT_PTR_NOT_NULL(strstr(err, "timed out"));
	close(l);
	unlink(path);
	/* bad args */
	CU_ASSERT_EQUAL(sg_ctl_client_call(NULL, 1, hv, false, 0, &r, &len, &st), -EINVAL);
	CU_ASSERT_EQUAL(sg_ctl_client_call(path, 0, hv, false, 0, &r, &len, &st), -EINVAL);
	rmdir(dir);
}

/* A fake server replying with a malformed length: the client must refuse. */
static void *bogus_server(void *arg)
{
	int l = *(int *)arg, c = accept(l, NULL, NULL);
	if (c >= 0) {
		char buf[64];
		recv(c, buf, sizeof(buf), 0);
		send(c, "\x7f\xff\xff\xff\x00", 5, MSG_NOSIGNAL);
		usleep(100000);
		close(c);
	}
	return NULL;
}

static void t_client_bad_reply(void)
{
	char dir[] = "/tmp/sgctl.XXXXXX", path[128], err[256], *r = NULL, *hv[] = {"kv"};
	struct sockaddr_un sa = {.sun_family = AF_UNIX};
	pthread_t th;
	size_t len;
	int st;

	CU_ASSERT_PTR_NOT_NULL_FATAL(mkdtemp(dir));
	snprintf(path, sizeof(path), "%s/bogus.sock", dir);
	sg_strlcpy(sa.sun_path, path, sizeof(sa.sun_path));
	int l = socket(AF_UNIX, SOCK_STREAM, 0);
	CU_ASSERT_EQUAL(bind(l, (struct sockaddr *)&sa, sizeof(sa)), 0);
	CU_ASSERT_EQUAL(listen(l, 4), 0);
	pthread_create(&th, NULL, bogus_server, &l);
	CU_ASSERT_EQUAL(sg_ctl_client_call_ex(path, 1, hv, false, 2000, &r, &len, &st, err, sizeof(err)),
			-EPROTO);
	CU_ASSERT_PTR_NOT_NULL(strstr(err, "malformed reply"));
	CU_ASSERT_PTR_NULL(r);
	pthread_join(th, NULL);
	close(l);
	unlink(path);
	rmdir(dir);
}

static int suite_init(void)
{
	signal(SIGPIPE, SIG_IGN);
	sg_log_level_set(SG_LOG_WARN);
	return ts_start(&S, 0) == 0 ? 0 : 1;
}

static int suite_clean(void)
{
	char path[128];
	struct stat st;
	sg_strlcpy(path, S.path, sizeof(path));
	ts_stop(&S);
	return lstat(path, &st) == 0 ? 1 : 0; /* destroy must unlink */
}

int main(void)
{
	if (CU_initialize_registry() != CUE_SUCCESS)
		return 1;
	CU_pSuite s = CU_add_suite("ctl", suite_init, suite_clean);
	CU_add_test(s, "output builder: text", t_out_text);
	CU_add_test(s, "output builder: json", t_out_json);
	CU_add_test(s, "json validator oracle", t_json_validator);
	CU_add_test(s, "output builder: errors/bounds", t_out_errors);
	CU_add_test(s, "frame codec", t_frame);
	CU_add_test(s, "register", t_register);
	CU_add_test(s, "server create/stale/mode", t_create);
	CU_add_test(s, "server basic commands", t_srv_basic);
	CU_add_test(s, "server many/large args", t_srv_args);
	CU_add_test(s, "server raw malformed/oversize", t_srv_raw);
	CU_add_test(s, "server client disconnects", t_srv_disconnect);
	CU_add_test(s, "server 100 sequential", t_srv_sequential);
	CU_add_test(s, "server 20 concurrent", t_srv_concurrent);
	CU_add_test(s, "server client cap", t_srv_busy);
	CU_add_test(s, "server idle timeout", t_srv_idle);
	CU_add_test(s, "client errors", t_client_errors);
	CU_add_test(s, "client bad reply", t_client_bad_reply);
	CU_basic_set_mode(CU_BRM_VERBOSE);
	CU_basic_run_tests();
	unsigned fails = CU_get_number_of_failures();
	if (CU_get_number_of_suites_failed() || CU_get_number_of_tests_failed())
		fails++;
	CU_cleanup_registry();
	return fails ? 1 : 0;
}
