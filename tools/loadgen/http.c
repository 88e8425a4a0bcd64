/* SPDX-License-Identifier: BSD-3-Clause
 * sg-loadgen: minimal HTTP/1.1 client over plain TCP for WHEP (RFC 9112):
 * one non-blocking request per viewer on the shared epoll, "Connection:
 * close", response read until Content-Length (or EOF), plus a blocking
 * DELETE for teardown (draft-ietf-wish-whep §4.4).
 */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <unistd.h>

#include "loadgen.h"
#include "sg_common.h"

static int tcp_open(const struct lg_opts *o, bool nonblock)
{
	struct sockaddr_in sa = {.sin_family = AF_INET, .sin_port = htons(o->port), .sin_addr = o->host_addr};
	int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC | (nonblock ? SOCK_NONBLOCK : 0), 0);
	if (fd < 0)
		return -errno;
	if (o->bind_ip[0]) {
		struct sockaddr_in b = {.sin_family = AF_INET, .sin_addr = o->bind_addr};
		if (bind(fd, (struct sockaddr *)&b, sizeof(b)) < 0) {
			int e = -errno;
			close(fd);
			return e;
		}
	}
	if (connect(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0 && errno != EINPROGRESS) {
		int e = -errno;
		close(fd);
		return e;
	}
	return fd;
}

static int req_format(const struct lg_opts *o, char *buf, size_t cap, const char *method,
		      const char *path, const char *body, size_t blen)
{
	size_t off = 0;
	int rc = sg_bprintf(buf, cap, &off, "%s %s HTTP/1.1\r\nHost: %s:%u\r\nConnection: close\r\n",
			    method, path, o->host, o->port);
	if (rc == 0 && o->token[0])
		rc = sg_bprintf(buf, cap, &off, "Authorization: Bearer %s\r\n", o->token);
	if (rc == 0 && body)
		rc = sg_bprintf(buf, cap, &off,
				"Content-Type: application/sdp\r\nAccept: application/sdp\r\n"
				"Content-Length: %zu\r\n",
				blen);
	if (rc == 0)
		rc = sg_bprintf(buf, cap, &off, "\r\n");
	if (rc < 0 || off + blen > cap)
		return -ENOSPC;
	if (blen)
		memcpy(buf + off, body, blen);
	return (int)(off + blen);
}

int lg_http_start(const struct lg_opts *o, struct lg_viewer *v, const char *method, const char *path,
		  const char *body, size_t blen)
{
	struct lg_http *h = &v->http;
	struct epoll_event ev = {.events = EPOLLOUT | EPOLLIN, .data.u64 = (uint64_t)LG_EV_HTTP << 32 | v->idx};
	int n;

	if (!h->wbuf && !(h->wbuf = malloc(LG_HTTP_MAX)))
		return -ENOMEM;
	if (!h->rbuf && !(h->rbuf = malloc(LG_HTTP_MAX + 1)))
		return -ENOMEM;
	n = req_format(o, h->wbuf, LG_HTTP_MAX, method, path, body, blen);
	if (n < 0)
		return n;
	h->wlen = (size_t)n;
	h->woff = h->rlen = 0;
	h->sent = false;
	h->fd = tcp_open(o, true);
	if (h->fd < 0)
		return h->fd;
	if (epoll_ctl(o->ep, EPOLL_CTL_ADD, h->fd, &ev) < 0) {
		int e = -errno;
		close(h->fd);
		h->fd = -1;
		return e;
	}
	return 0;
}

void lg_http_close(const struct lg_opts *o, struct lg_viewer *v)
{
	struct lg_http *h = &v->http;
	if (h->fd >= 0) {
		epoll_ctl(o->ep, EPOLL_CTL_DEL, h->fd, NULL);
		close(h->fd);
	}
	h->fd = -1;
	free(h->wbuf);
	free(h->rbuf);
	h->wbuf = h->rbuf = NULL;
}

/* Parse a complete response in buf[0..len). 1 complete, 0 need more, <0 bad. */
static int resp_parse(char *buf, size_t len, bool eof, int *status, const char **body, size_t *blen,
		      const char **location)
{
	char *end, *line, *save = NULL;
	size_t hlen, clen = 0;
	bool has_clen = false;

	buf[len] = '\0';
	end = strstr(buf, "\r\n\r\n");
	if (!end)
		return eof || len >= LG_HTTP_MAX ? -EPROTO : 0;
	hlen = (size_t)(end - buf) + 4;
	*end = '\0';
	if (sscanf(buf, "HTTP/1.%*1[01] %d", status) != 1)
		return -EPROTO;
	*location = NULL;
	for (line = strtok_r(buf, "\r\n", &save); line; line = strtok_r(NULL, "\r\n", &save)) {
		if (strncasecmp(line, "Content-Length:", 15) == 0) {
			clen = strtoul(line + 15, NULL, 10);
			has_clen = true;
		} else if (strncasecmp(line, "Location:", 9) == 0) {
			const char *p = line + 9;
			while (*p == ' ' || *p == '\t')
				p++;
			*location = p;
		}
	}
	if (has_clen && hlen + clen > len) {
		*end = '\r'; /* restore for the next attempt */
		return eof ? -EPROTO : 0;
	}
	if (!has_clen && !eof) {
		*end = '\r';
		return 0;
	}
	*body = buf + hlen;
	*blen = has_clen ? clen : len - hlen;
	return 1;
}

int lg_http_step(struct lg_viewer *v, int *status, const char **body, size_t *blen, const char **location)
{
	struct lg_http *h = &v->http;
	ssize_t n;

	while (!h->sent) {
		n = send(h->fd, h->wbuf + h->woff, h->wlen - h->woff, MSG_NOSIGNAL);
		if (n < 0)
			return errno == EAGAIN || errno == EWOULDBLOCK ? 0 : -errno;
		h->woff += (size_t)n;
		h->sent = h->woff == h->wlen;
	}
	for (;;) {
		if (h->rlen >= LG_HTTP_MAX)
			return -EMSGSIZE;
		n = recv(h->fd, h->rbuf + h->rlen, LG_HTTP_MAX - h->rlen, 0);
		if (n < 0)
			return errno == EAGAIN || errno == EWOULDBLOCK ? 0 : -errno;
		h->rlen += (size_t)n;
		char *copy = NULL;
		/* resp_parse edits the buffer: work on a copy until the response is whole */
		copy = malloc(h->rlen + 1);
		if (!copy)
			return -ENOMEM;
		memcpy(copy, h->rbuf, h->rlen);
		int rc = resp_parse(copy, h->rlen, n == 0, status, body, blen, location);
		if (rc == 1) {
			/* re-point into rbuf (same offsets) so the copy can go */
			size_t boff = (size_t)(*body - copy);
			if (*location) {
				size_t loff = (size_t)(*location - copy);
				memcpy(h->rbuf, copy, h->rlen + 1);
				*location = h->rbuf + loff;
			} else {
				memcpy(h->rbuf, copy, h->rlen + 1);
			}
			*body = h->rbuf + boff;
			free(copy);
			return 1;
		}
		free(copy);
		if (rc < 0)
			return rc;
		if (n == 0)
			return -ECONNRESET;
	}
}

int lg_http_delete(const struct lg_opts *o, struct lg_viewer *v, int timeout_ms)
{
	char req[1024], resp[2048];
	size_t rlen = 0;
	int n, fd, rc = -ETIMEDOUT;
	uint64_t deadline = lg_now_ns() + (uint64_t)timeout_ms * 1000000ull;

	if (!v->location[0])
		return 0;
	n = req_format(o, req, sizeof(req), "DELETE", v->location, NULL, 0);
	if (n < 0)
		return n;
	fd = tcp_open(o, false);
	if (fd < 0)
		return fd;
	struct timeval tv = {.tv_sec = timeout_ms / 1000, .tv_usec = (timeout_ms % 1000) * 1000};
	setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv));
	if (send(fd, req, (size_t)n, MSG_NOSIGNAL) != n) {
		rc = -EIO;
		goto out;
	}
	while (lg_now_ns() < deadline && rlen < sizeof(resp) - 1) {
		ssize_t r = recv(fd, resp + rlen, sizeof(resp) - 1 - rlen, 0);
		if (r <= 0)
			break;
		rlen += (size_t)r;
		resp[rlen] = '\0';
		if (strstr(resp, "\r\n\r\n"))
			break;
	}
	resp[rlen] = '\0';
	int status = 0;
	if (sscanf(resp, "HTTP/1.%*1[01] %d", &status) == 1)
		rc = status >= 200 && status < 300 ? 0 : -EPROTO;
out:
	close(fd);
	return rc;
}
