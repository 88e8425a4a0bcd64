/* SPDX-License-Identifier: BSD-3-Clause
 * lib/ctl: client side (streamgatectl, tests). Blocking from the caller's
 * point of view, but every step is bounded by one deadline.
 */
#include <errno.h>
#include <poll.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#include "sg_common.h"
#include "ctl_priv.h"

static int ms_left(uint64_t deadline)
{
	uint64_t now = sg_now_ns();
	if (now >= deadline)
		return 0;
	uint64_t ms = (deadline - now + 999999) / 1000000;
	return ms > 1000000 ? 1000000 : (int)ms;
}

static void seterr(char *errbuf, size_t errlen, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
static void seterr(char *errbuf, size_t errlen, const char *fmt, ...)
{
	va_list ap;

	if (!errbuf || !errlen)
		return;
	va_start(ap, fmt);
	vsnprintf(errbuf, errlen, fmt, ap);
	va_end(ap);
}

static int client_connect(const char *path, uint64_t deadline)
{
	struct sockaddr_un sa = {.sun_family = AF_UNIX};
	int fd;

	sg_strlcpy(sa.sun_path, path, sizeof(sa.sun_path));
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -errno;
	for (;;) {
		if (connect(fd, (struct sockaddr *)&sa, sizeof(sa)) == 0)
			return fd;
		if (errno == EINTR)
			continue;
		if (errno != EAGAIN) /* EAGAIN: listen backlog full, retry */
			break;
		if (ms_left(deadline) == 0) {
			errno = ETIMEDOUT;
			break;
		}
		struct timespec ts = {0, 2 * 1000 * 1000};
		nanosleep(&ts, NULL);
	}
	int rc = -errno;
	close(fd);
	return rc;
}

int sg_ctl_client_call_ex(const char *path, int argc, char **argv, bool json, int timeout_ms,
			  char **reply, size_t *reply_len, int *status, char *errbuf, size_t errlen)
{
	uint8_t *req = NULL, hdr[CTL_HDR_LEN];
	size_t reqlen = 0, sent = 0, hdr_got = 0, body_len = 0, body_got = 0;
	char *body = NULL;
	bool send_done = false;
	uint64_t deadline;
	int fd = -1, rc;

	if (errbuf && errlen)
		errbuf[0] = '\0';
	if (!path || !*path || !reply || !reply_len || !status) {
		seterr(errbuf, errlen, "invalid arguments");
		return -EINVAL;
	}
	*reply = NULL;
	*reply_len = 0;
	*status = 0;
	if (strlen(path) >= sizeof(((struct sockaddr_un *)0)->sun_path)) {
		seterr(errbuf, errlen, "socket path too long: %s", path);
		return -ENAMETOOLONG;
	}
	rc = ctl_frame_encode(argc, argv, json ? SG_CTL_F_JSON : 0, &req, &reqlen);
	if (rc < 0) {
		if (rc == -EMSGSIZE)
			seterr(errbuf, errlen, "request too large (limit %u bytes)", SG_CTL_REQ_MAX);
		else if (rc == -E2BIG)
			seterr(errbuf, errlen, "too many arguments (limit %u)", SG_CTL_MAX_ARGS);
		else
			seterr(errbuf, errlen, "invalid request: %s", strerror(-rc));
		return rc;
	}
	deadline = sg_now_ns() + (uint64_t)(timeout_ms > 0 ? timeout_ms : SG_CTL_TIMEOUT_MS_DEFAULT) * 1000000ull;
	fd = client_connect(path, deadline);
	if (fd < 0) {
		rc = fd;
		fd = -1;
		seterr(errbuf, errlen, "cannot connect to %s: %s (is streamgate running?)", path,
		       strerror(-rc));
		goto out;
	}
	for (;;) {
		struct pollfd p = {.fd = fd, .events = POLLIN | (send_done ? 0 : POLLOUT)};
		int left = ms_left(deadline);
		if (left == 0) {
			rc = -ETIMEDOUT;
			seterr(errbuf, errlen, "timed out waiting for %s", path);
			goto out;
		}
		rc = poll(&p, 1, left);
		if (rc < 0 && errno == EINTR)
			continue;
		if (rc < 0) {
			rc = -errno;
			seterr(errbuf, errlen, "poll: %s", strerror(errno));
			goto out;
		}
		if (rc == 0)
			continue;
		if (!send_done && (p.revents & POLLOUT)) {
			ssize_t n = send(fd, req + sent, reqlen - sent, MSG_NOSIGNAL | MSG_DONTWAIT);
			if (n > 0) {
				sent += (size_t)n;
				send_done = sent == reqlen;
			} else if (n < 0 && errno != EAGAIN && errno != EINTR) {
				/* The server may have answered and closed (busy,
				 * too large): stop sending, read what it said. */
				send_done = true;
			}
		}
		if (!(p.revents & (POLLIN | POLLHUP | POLLERR)))
			continue;
		ssize_t n;
		if (hdr_got < CTL_HDR_LEN)
			n = recv(fd, hdr + hdr_got, CTL_HDR_LEN - hdr_got, MSG_DONTWAIT);
		else
			n = recv(fd, body + body_got, body_len - body_got, MSG_DONTWAIT);
		if (n < 0 && (errno == EAGAIN || errno == EINTR))
			continue;
		if (n <= 0) {
			rc = n == 0 ? -ECONNRESET : -errno;
			seterr(errbuf, errlen, "connection to %s closed before a complete reply%s%s",
			       path, n ? ": " : "", n ? strerror(errno) : "");
			goto out;
		}
		if (hdr_got < CTL_HDR_LEN) {
			hdr_got += (size_t)n;
			if (hdr_got < CTL_HDR_LEN)
				continue;
			body_len = ctl_be32_get(hdr);
			if (body_len < 1 || body_len > SG_CTL_REPLY_MAX + 1) {
				rc = -EPROTO;
				seterr(errbuf, errlen, "malformed reply from %s (length %zu)", path,
				       body_len);
				goto out;
			}
			body = malloc(body_len + 1);
			if (!body) {
				rc = -ENOMEM;
				seterr(errbuf, errlen, "out of memory");
				goto out;
			}
		} else {
			body_got += (size_t)n;
		}
		if (hdr_got == CTL_HDR_LEN && body_got == body_len)
			break;
	}
	*status = (uint8_t)body[0];
	memmove(body, body + 1, body_len - 1);
	body[body_len - 1] = '\0';
	*reply = body;
	*reply_len = body_len - 1;
	body = NULL;
	rc = 0;
out:
	if (fd >= 0)
		close(fd);
	free(body);
	free(req);
	return rc;
}

int sg_ctl_client_call(const char *path, int argc, char **argv, bool json, int timeout_ms,
		       char **reply, size_t *reply_len, int *status)
{
	return sg_ctl_client_call_ex(path, argc, argv, json, timeout_ms, reply, reply_len, status,
				     NULL, 0);
}
