/* SPDX-License-Identifier: BSD-3-Clause
 * streamgate: the appliance daemon.
 *
 * The main lcore is the control plane: an epoll loop over signals, timers and
 * the operator socket (later RTSP, WHEP and DTLS). Worker lcores run the poll
 * loop of lib/fastpath. See docs/ARCHITECTURE.md.
 */
#include <errno.h>
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/signalfd.h>
#include <sys/timerfd.h>
#include <unistd.h>

#include <rte_eal.h>
#include <rte_errno.h>

#include "app_priv.h"
#include "ingest.h"
#include "webrtc.h"
#include "sg_common.h"

#define TAG "main"
#define TICK_MS 100

static void usage(FILE *f)
{
	fprintf(f,
		"usage: streamgate [-c FILE] [--check] [-h] [-V]\n"
		"  -c, --config FILE  configuration (default: streamgate.yaml)\n"
		"      --check        validate the configuration and the EAL arguments, then exit\n"
		"  -V, --version      print the version\n");
}

struct loop_tag {
	int fd;
};

int sg_loop_add(struct sg_app *app, struct sg_loop_io *io, uint32_t events)
{
	struct epoll_event ev = {.events = events, .data.ptr = io};
	return epoll_ctl(app->epfd, EPOLL_CTL_ADD, io->fd, &ev) < 0 ? -errno : 0;
}

int sg_loop_mod(struct sg_app *app, struct sg_loop_io *io, uint32_t events)
{
	struct epoll_event ev = {.events = events, .data.ptr = io};
	return epoll_ctl(app->epfd, EPOLL_CTL_MOD, io->fd, &ev) < 0 ? -errno : 0;
}

void sg_loop_del(struct sg_app *app, struct sg_loop_io *io)
{
	if (io->fd >= 0)
		epoll_ctl(app->epfd, EPOLL_CTL_DEL, io->fd, NULL);
}

/* Every loop turn: fast-path events and housekeeping, then the modules' timers. */
static void loop_tick(struct sg_app *app, uint64_t now)
{
	sg_fp_tick(app->fp);
	sg_ingest_tick(app, now);
	sg_webrtc_tick(app, now);
}

static int loop_run(struct sg_app *app)
{
	struct loop_tag sig_tag = {-1}, timer_tag = {-1};
	struct epoll_event ev, evs[32];
	struct itimerspec its = {.it_interval = {0, TICK_MS * 1000000L}, .it_value = {0, TICK_MS * 1000000L}};
	uint64_t last_tick = 0;
	sigset_t mask;
	int epfd, rc = 0;
	bool quit = false;

	sigemptyset(&mask);
	sigaddset(&mask, SIGINT);
	sigaddset(&mask, SIGTERM);
	sigaddset(&mask, SIGHUP);
	epfd = app->epfd;
	sig_tag.fd = signalfd(-1, &mask, SFD_NONBLOCK | SFD_CLOEXEC);
	timer_tag.fd = timerfd_create(CLOCK_MONOTONIC, TFD_NONBLOCK | TFD_CLOEXEC);
	if (epfd < 0 || sig_tag.fd < 0 || timer_tag.fd < 0 || timerfd_settime(timer_tag.fd, 0, &its, NULL) < 0) {
		rc = -errno;
		SG_ERR(TAG, "event loop setup: %s", strerror(errno));
		goto out;
	}
	ev.events = EPOLLIN;
	ev.data.ptr = &sig_tag;
	epoll_ctl(epfd, EPOLL_CTL_ADD, sig_tag.fd, &ev);
	ev.data.ptr = &timer_tag;
	epoll_ctl(epfd, EPOLL_CTL_ADD, timer_tag.fd, &ev);
	if ((rc = sg_ctl_server_attach(app->ctl, epfd, app->ctl)) < 0) {
		SG_ERR(TAG, "control socket: %s", strerror(-rc));
		goto out;
	}
	while (!quit) {
		int n = epoll_wait(epfd, evs, SG_ARRAY_SIZE(evs), SG_LOOP_TICK_MS);
		int err = errno; /* loop_tick() may change errno (EINTR misread as fatal) */
		uint64_t now = sg_now_ns();
		if (now - last_tick >= SG_LOOP_TICK_MS * 1000000ull || n <= 0) {
			loop_tick(app, now);
			last_tick = now;
		}
		if (n < 0) {
			if (err == EINTR)
				continue;
			rc = -err;
			SG_ERR(TAG, "epoll_wait: %s", strerror(err));
			break;
		}
		for (int i = 0; i < n; i++) {
			void *p = evs[i].data.ptr;
			if (p == &sig_tag) {
				struct signalfd_siginfo si;
				while (read(sig_tag.fd, &si, sizeof(si)) == sizeof(si)) {
					if (si.ssi_signo == SIGHUP) {
						SG_NOTICE(TAG, "SIGHUP: reload is not supported yet; ignored");
						continue;
					}
					SG_NOTICE(TAG, "signal %u: shutting down", si.ssi_signo);
					quit = true;
				}
			} else if (p == &timer_tag) {
				uint64_t exp;
				if (read(timer_tag.fd, &exp, sizeof(exp)) < 0 && errno != EAGAIN)
					SG_WARN(TAG, "timerfd: %s", strerror(errno));
				sg_ctl_server_tick(app->ctl, sg_now_ns());
			} else if (!sg_ctl_server_event(app->ctl, p, evs[i].events)) {
				struct sg_loop_io *io = p;
				io->cb(app, io, evs[i].events);
			}
		}
	}
out:
	if (sig_tag.fd >= 0)
		close(sig_tag.fd);
	if (timer_tag.fd >= 0)
		close(timer_tag.fd);
	return rc;
}

int main(int argc, char **argv)
{
	static const struct option opts[] = {
		{"config", required_argument, NULL, 'c'}, {"check", no_argument, NULL, 'k'},
		{"help", no_argument, NULL, 'h'}, {"version", no_argument, NULL, 'V'}, {NULL, 0, NULL, 0},
	};
	static struct sg_app app;
	const char *cfg_path = "streamgate.yaml";
	char err[512], eal_buf[8192], *eal_argv[128];
	bool check = false;
	sigset_t mask;
	int c, eal_argc, rc, status = 1;

	while ((c = getopt_long(argc, argv, "c:hV", opts, NULL)) != -1) {
		switch (c) {
		case 'c': cfg_path = optarg; break;
		case 'k': check = true; break;
		case 'h': usage(stdout); return 0;
		case 'V': printf("streamgate %s\n", SG_VERSION); return 0;
		default: usage(stderr); return 2;
		}
	}
	if (optind != argc) {
		fprintf(stderr, "streamgate: unexpected argument '%s'\n", argv[optind]);
		usage(stderr);
		return 2;
	}

	sg_config_init(&app.cfg);
	if (sg_config_load_file(&app.cfg, cfg_path, err, sizeof(err)) < 0) {
		fprintf(stderr, "streamgate: %s\n", err);
		return 2;
	}
	sg_log_level_set((enum sg_log_level)app.cfg.log_level);
	sg_app_drivers_dir(&app.cfg);
	if (sg_app_fp_conf_build(&app.cfg, &app.fpc, err, sizeof(err)) < 0) {
		fprintf(stderr, "streamgate: %s: %s\n", cfg_path, err);
		return 2;
	}
	eal_argc = sg_fp_eal_args_build(&app.fpc, argv[0], eal_argv, SG_ARRAY_SIZE(eal_argv), eal_buf,
					sizeof(eal_buf));
	if (eal_argc < 0) {
		fprintf(stderr, "streamgate: cannot build EAL arguments: %s\n", strerror(-eal_argc));
		return 2;
	}
	if (check) {
		printf("configuration OK: %s\nEAL:", cfg_path);
		for (int i = 1; i < eal_argc; i++)
			printf(" %s", eal_argv[i]);
		printf("\n");
		return 0;
	}

	/* Signals are read through a signalfd by the loop; block them before any thread starts. */
	sigemptyset(&mask);
	sigaddset(&mask, SIGINT);
	sigaddset(&mask, SIGTERM);
	sigaddset(&mask, SIGHUP);
	sigprocmask(SIG_BLOCK, &mask, NULL);
	signal(SIGPIPE, SIG_IGN);

	app.start_ns = sg_now_ns();
	app.epfd = epoll_create1(EPOLL_CLOEXEC);
	if (app.epfd < 0) {
		SG_ERR(TAG, "epoll: %s", strerror(errno));
		return 1;
	}
	if (rte_eal_init(eal_argc, eal_argv) < 0) {
		SG_ERR(TAG, "EAL initialisation failed: %s", rte_strerror(rte_errno));
		return 1;
	}
	app.fp = sg_fp_create(&app.fpc, err, sizeof(err));
	if (!app.fp) {
		SG_ERR(TAG, "%s", err);
		goto out;
	}
	app.ctl = sg_ctl_server_create(app.cfg.ctl_socket, app.cfg.ctl_mode);
	if (!app.ctl) {
		SG_ERR(TAG, "control socket %s: %s", app.cfg.ctl_socket, strerror(errno));
		goto out;
	}
	if ((rc = sg_app_cmds_register(&app)) < 0) {
		SG_ERR(TAG, "registering commands: %s", strerror(-rc));
		goto out;
	}
	if (sg_fp_start(app.fp) < 0)
		goto out;
	if ((rc = sg_ingest_init(&app)) < 0) {
		SG_ERR(TAG, "ingest: %s", strerror(-rc));
		goto out;
	}
	if ((rc = sg_webrtc_init(&app)) < 0 || (rc = sg_webrtc_cmds_register(&app)) < 0) {
		SG_ERR(TAG, "webrtc: %s", strerror(-rc));
		goto out;
	}
	SG_NOTICE(TAG, "streamgate %s running: control socket %s", SG_VERSION, app.cfg.ctl_socket);
	status = loop_run(&app) < 0 ? 1 : 0;
out:
	sg_webrtc_fini(&app);
	sg_ingest_fini(&app);
	if (app.ctl)
		sg_ctl_server_destroy(app.ctl);
	sg_fp_destroy(app.fp);
	rte_eal_cleanup();
	SG_NOTICE(TAG, "stopped");
	return status;
}
