/* SPDX-License-Identifier: BSD-3-Clause
 * lib/ctl: the non-blocking Unix-socket server driven by the caller's epoll.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include "sg_common.h"
#include "ctl_priv.h"

#define CTL_ACCEPT_BURST 32

static int mkdir_p(char *dir)
{
	struct stat st;
	char *p;

	for (p = dir + 1; *p; p++) {
		if (*p != '/')
			continue;
		*p = '\0';
		if (mkdir(dir, 0755) < 0 && errno != EEXIST) {
			*p = '/';
			return -errno;
		}
		*p = '/';
	}
	if (mkdir(dir, 0755) < 0 && errno != EEXIST)
		return -errno;
	if (stat(dir, &st) < 0)
		return -errno;
	return S_ISDIR(st.st_mode) ? 0 : -ENOTDIR;
}

/* A socket file nobody listens on is stale; a live server must not be
 * displaced (EADDRINUSE); anything that is not a socket is left alone. */
static int ctl_remove_stale(const char *path)
{
	struct sockaddr_un sa = {.sun_family = AF_UNIX};
	struct stat st;
	int fd, rc;

	if (lstat(path, &st) < 0)
		return errno == ENOENT ? 0 : -errno;
	if (!S_ISSOCK(st.st_mode))
		return -EEXIST;
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -errno;
	sg_strlcpy(sa.sun_path, path, sizeof(sa.sun_path));
	rc = connect(fd, (struct sockaddr *)&sa, sizeof(sa));
	rc = rc == 0 ? 0 : errno;
	close(fd);
	if (rc == 0 || rc == EAGAIN)
		return -EADDRINUSE;
	if (rc != ECONNREFUSED)
		return -rc;
	if (unlink(path) < 0 && errno != ENOENT)
		return -errno;
	SG_INFO(CTL_TAG, "removed stale control socket %s", path);
	return 0;
}

struct sg_ctl *sg_ctl_server_create(const char *path, unsigned mode)
{
	struct sockaddr_un sa = {.sun_family = AF_UNIX};
	struct sg_ctl *ctl = NULL;
	bool bound = false;
	char dir[sizeof(sa.sun_path)];
	char *slash;
	int rc;

	if (!path || !*path || mode > 07777) {
		errno = EINVAL;
		return NULL;
	}
	if (strlen(path) >= sizeof(sa.sun_path)) {
		errno = ENAMETOOLONG;
		return NULL;
	}
	ctl = ctl_alloc();
	if (!ctl)
		return NULL;
	sg_strlcpy(ctl->path, path, sizeof(ctl->path));
	sg_strlcpy(sa.sun_path, path, sizeof(sa.sun_path));

	sg_strlcpy(dir, path, sizeof(dir));
	slash = strrchr(dir, '/');
	if (slash && slash != dir) {
		*slash = '\0';
		rc = mkdir_p(dir);
		if (rc < 0)
			goto err;
	}
	rc = ctl_remove_stale(path);
	if (rc < 0)
		goto err;
	ctl->lfd = socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (ctl->lfd < 0)
		goto err_errno;
	if (bind(ctl->lfd, (struct sockaddr *)&sa, sizeof(sa)) < 0)
		goto err_errno;
	bound = true;
	/* Before listen(): connecting is refused until the mode is final. */
	if (chmod(path, (mode_t)mode) < 0)
		goto err_errno;
	if (listen(ctl->lfd, SG_CTL_MAX_CLIENTS) < 0)
		goto err_errno;
	{
		struct stat st;
		if (stat(path, &st) == 0) {
			ctl->dev = st.st_dev;
			ctl->ino = st.st_ino;
		}
	}
	SG_INFO(CTL_TAG, "control socket listening on %s (mode %04o)", path, mode);
	return ctl;

err_errno:
	rc = -errno;
err:
	if (bound)
		unlink(path);
	ctl->path[0] = '\0';
	sg_ctl_server_destroy(ctl);
	errno = -rc;
	return NULL;
}

int sg_ctl_server_fd(const struct sg_ctl *ctl)
{
	return ctl ? ctl->lfd : -1;
}

void sg_ctl_server_set_idle_timeout(struct sg_ctl *ctl, unsigned ms)
{
	if (ctl)
		ctl->idle_ns = (uint64_t)(ms ? ms : SG_CTL_IDLE_MS_DEFAULT) * 1000000ull;
}

int sg_ctl_server_attach(struct sg_ctl *ctl, int epfd, void *tag)
{
	struct epoll_event ev = {.events = EPOLLIN};

	if (!ctl || epfd < 0 || !tag || ctl->lfd < 0)
		return -EINVAL;
	if (ctl->epfd >= 0)
		return -EALREADY;
	ev.data.ptr = tag;
	if (epoll_ctl(epfd, EPOLL_CTL_ADD, ctl->lfd, &ev) < 0)
		return -errno;
	ctl->epfd = epfd;
	ctl->tag = tag;
	return 0;
}

static void listen_arm(struct sg_ctl *ctl, bool on)
{
	struct epoll_event ev = {.events = on ? EPOLLIN : 0, .data.ptr = ctl->tag};

	if (ctl->epfd < 0 || ctl->listen_paused == !on)
		return;
	if (epoll_ctl(ctl->epfd, EPOLL_CTL_MOD, ctl->lfd, &ev) == 0)
		ctl->listen_paused = !on;
}

static void client_close(struct sg_ctl *ctl, struct ctl_client *c)
{
	if (ctl->epfd >= 0)
		epoll_ctl(ctl->epfd, EPOLL_CTL_DEL, c->fd, NULL);
	close(c->fd);
	free(c->body);
	free(c->wbuf);
	memset(c, 0, sizeof(*c));
	c->fd = -1;
	c->st = CTL_C_FREE;
	ctl->nclients--;
	if (ctl->listen_paused)
		listen_arm(ctl, true);
}

static void client_want(struct sg_ctl *ctl, struct ctl_client *c, uint32_t events)
{
	struct epoll_event ev = {.events = events, .data.ptr = c};

	if (c->epev == events)
		return;
	if (epoll_ctl(ctl->epfd, EPOLL_CTL_MOD, c->fd, &ev) == 0)
		c->epev = events;
}

/* Write the pending reply; returns false if the client was closed. */
static bool client_write(struct sg_ctl *ctl, struct ctl_client *c)
{
	while (c->woff < c->wlen) {
		ssize_t n = send(c->fd, c->wbuf + c->woff, c->wlen - c->woff, MSG_NOSIGNAL | MSG_DONTWAIT);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			if (errno == EAGAIN || errno == EWOULDBLOCK) {
				client_want(ctl, c, EPOLLOUT);
				return true;
			}
			SG_DEBUG(CTL_TAG, "client fd %d gone mid-reply: %s", c->fd, strerror(errno));
			ctl->st.disconnects++;
			client_close(ctl, c);
			return false;
		}
		c->woff += (size_t)n;
		c->last_ns = sg_now_ns();
	}
	free(c->wbuf);
	c->wbuf = NULL;
	c->wlen = c->woff = 0;
	if (c->close_after) {
		client_close(ctl, c);
		return false;
	}
	c->st = CTL_C_READ;
	client_want(ctl, c, EPOLLIN);
	return true;
}

static void client_reply(struct sg_ctl *ctl, struct ctl_client *c, struct ctl_buf *reply)
{
	c->wbuf = (uint8_t *)reply->p;
	c->wlen = reply->len;
	c->woff = 0;
	reply->p = NULL;
	c->st = CTL_C_WRITE;
	client_write(ctl, c);
}

static void client_read(struct sg_ctl *ctl, struct ctl_client *c)
{
	struct ctl_buf reply;
	ssize_t n;

	for (;;) {
		if (c->hdr_got < CTL_HDR_LEN)
			n = recv(c->fd, c->hdr + c->hdr_got, CTL_HDR_LEN - c->hdr_got, MSG_DONTWAIT);
		else
			n = recv(c->fd, c->body + c->body_got, c->body_len - c->body_got, MSG_DONTWAIT);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
			return;
		if (n <= 0) {
			if (c->hdr_got) {
				SG_DEBUG(CTL_TAG, "client fd %d gone mid-request", c->fd);
				ctl->st.disconnects++;
			}
			client_close(ctl, c);
			return;
		}
		c->last_ns = sg_now_ns();
		if (c->hdr_got < CTL_HDR_LEN) {
			c->hdr_got += (uint32_t)n;
			if (c->hdr_got < CTL_HDR_LEN)
				continue;
			c->body_len = ctl_be32_get(c->hdr);
			if (c->body_len > SG_CTL_REQ_MAX) {
				char msg[96];
				ctl->st.too_large++;
				snprintf(msg, sizeof(msg), "request too large (%u bytes, limit %u)",
					 c->body_len, SG_CTL_REQ_MAX);
				ctl_buf_init(&reply, 256);
				ctl_reply_error(&reply, EMSGSIZE, msg);
				c->close_after = true;
				client_reply(ctl, c, &reply);
				return;
			}
			c->body = malloc(c->body_len ? c->body_len : 1);
			if (!c->body) {
				client_close(ctl, c);
				return;
			}
			c->body_got = 0;
		} else {
			c->body_got += (uint32_t)n;
		}
		if (c->body_got == c->body_len) {
			bool close_after;
			ctl_process(ctl, c->body, c->body_len, &reply, &close_after);
			free(c->body);
			c->body = NULL;
			c->hdr_got = c->body_len = c->body_got = 0;
			c->close_after = close_after;
			if (reply.nomem || reply.len < 5) {
				ctl_buf_free(&reply);
				client_close(ctl, c);
				return;
			}
			client_reply(ctl, c, &reply);
			return;
		}
	}
}

static void ctl_accept(struct sg_ctl *ctl)
{
	for (int k = 0; k < CTL_ACCEPT_BURST; k++) {
		struct ctl_client *c = NULL;
		int fd = accept4(ctl->lfd, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC);

		if (fd < 0) {
			if (errno == EAGAIN || errno == EWOULDBLOCK)
				return;
			if (errno == EINTR || errno == ECONNABORTED)
				continue;
			ctl->st.accept_errors++;
			if (errno == EMFILE || errno == ENFILE || errno == ENOBUFS || errno == ENOMEM) {
				SG_WARN(CTL_TAG, "accept: %s; pausing the control socket", strerror(errno));
				listen_arm(ctl, false);
			} else {
				SG_WARN(CTL_TAG, "accept: %s", strerror(errno));
			}
			return;
		}
		ctl->st.accepted++;
		for (unsigned i = 0; i < SG_CTL_MAX_CLIENTS; i++) {
			if (ctl->clients[i].st == CTL_C_FREE) {
				c = &ctl->clients[i];
				break;
			}
		}
		if (!c) {
			struct ctl_buf r;
			char msg[64];
			ctl->st.rejected_busy++;
			snprintf(msg, sizeof(msg), "too many control clients (limit %u)", SG_CTL_MAX_CLIENTS);
			ctl_buf_init(&r, 128);
			ctl_reply_error(&r, EBUSY, msg);
			if (send(fd, r.p, r.len, MSG_NOSIGNAL | MSG_DONTWAIT) < 0)
				SG_DEBUG(CTL_TAG, "busy reply: %s", strerror(errno));
			ctl_buf_free(&r);
			close(fd);
			continue;
		}
		struct epoll_event ev = {.events = EPOLLIN, .data.ptr = c};
		if (epoll_ctl(ctl->epfd, EPOLL_CTL_ADD, fd, &ev) < 0) {
			SG_WARN(CTL_TAG, "epoll_ctl: %s", strerror(errno));
			close(fd);
			continue;
		}
		memset(c, 0, sizeof(*c));
		c->fd = fd;
		c->st = CTL_C_READ;
		c->epev = EPOLLIN;
		c->last_ns = sg_now_ns();
		ctl->nclients++;
		struct ucred cr;
		socklen_t crl = sizeof(cr);
		if (getsockopt(fd, SOL_SOCKET, SO_PEERCRED, &cr, &crl) == 0) {
			c->pid = cr.pid;
			c->uid = cr.uid;
			SG_DEBUG(CTL_TAG, "client fd %d: pid %d uid %u gid %u", fd, (int)cr.pid,
				 (unsigned)cr.uid, (unsigned)cr.gid);
		}
	}
}

int sg_ctl_server_event(struct sg_ctl *ctl, void *ptr, uint32_t events)
{
	struct ctl_client *c;

	if (!ctl || !ptr)
		return 0;
	if (ptr == ctl->tag) {
		if (!ctl->listen_paused)
			ctl_accept(ctl);
		return 1;
	}
	if ((uintptr_t)ptr < (uintptr_t)&ctl->clients[0] ||
	    (uintptr_t)ptr >= (uintptr_t)&ctl->clients[SG_CTL_MAX_CLIENTS])
		return 0;
	c = ptr;
	if (c->st == CTL_C_FREE)
		return 1; /* closed earlier in this epoll batch */
	if (c->st == CTL_C_READ) {
		if (events & (EPOLLIN | EPOLLHUP | EPOLLERR))
			client_read(ctl, c);
	} else if (c->st == CTL_C_WRITE) {
		if (events & (EPOLLHUP | EPOLLERR)) {
			ctl->st.disconnects++;
			client_close(ctl, c);
		} else if (events & EPOLLOUT) {
			client_write(ctl, c);
		}
	}
	return 1;
}

void sg_ctl_server_tick(struct sg_ctl *ctl, uint64_t now_ns)
{
	if (!ctl)
		return;
	for (unsigned i = 0; i < SG_CTL_MAX_CLIENTS; i++) {
		struct ctl_client *c = &ctl->clients[i];
		if (c->st == CTL_C_FREE || now_ns < c->last_ns || now_ns - c->last_ns < ctl->idle_ns)
			continue;
		SG_DEBUG(CTL_TAG, "client fd %d (pid %d) idle, closing", c->fd, (int)c->pid);
		ctl->st.idle_timeouts++;
		client_close(ctl, c);
	}
	if (ctl->listen_paused)
		listen_arm(ctl, true);
}

void sg_ctl_server_destroy(struct sg_ctl *ctl)
{
	struct stat st;

	if (!ctl)
		return;
	for (unsigned i = 0; i < SG_CTL_MAX_CLIENTS; i++)
		if (ctl->clients[i].st != CTL_C_FREE)
			client_close(ctl, &ctl->clients[i]);
	if (ctl->lfd >= 0) {
		if (ctl->epfd >= 0)
			epoll_ctl(ctl->epfd, EPOLL_CTL_DEL, ctl->lfd, NULL);
		close(ctl->lfd);
	}
	/* Only remove the socket file if it is still ours (a newer instance
	 * may have replaced it). */
	if (ctl->path[0] && lstat(ctl->path, &st) == 0 && st.st_dev == ctl->dev &&
	    st.st_ino == ctl->ino)
		unlink(ctl->path);
	for (unsigned i = 0; i < ctl->ncmds; i++) {
		free(ctl->cmds[i].usage);
		free(ctl->cmds[i].help);
	}
	free(ctl);
}
