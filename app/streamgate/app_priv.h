/* SPDX-License-Identifier: BSD-3-Clause
 * streamgate daemon internals shared by main.c, conf.c and cmds.c.
 */
#ifndef SG_APP_PRIV_H
#define SG_APP_PRIV_H

#include <stdint.h>

#include "sg_config.h"
#include "sg_ctl.h"
#include "sg_fastpath.h"

/*
 * The control plane's event loop (main lcore): modules register file
 * descriptors with a callback, and a tick hook that runs every loop turn
 * (at most SG_LOOP_TICK_MS apart, sooner when fds are busy).
 */
#define SG_LOOP_TICK_MS 5

struct sg_app;
struct sg_loop_io {
	int fd;
	void (*cb)(struct sg_app *app, struct sg_loop_io *io, uint32_t events);
};

struct sg_app {
	struct sg_config cfg;
	struct sg_fp_conf fpc;
	struct sg_fp *fp;
	struct sg_ctl *ctl;
	uint64_t start_ns;
	int epfd;
	void *ingest;    /* app/streamgate/ingest*.c */
	void *webrtc;    /* app/streamgate/webrtc*.c */
};

/* main.c: register / change / remove an fd in the loop (EPOLLIN, EPOLLOUT...). 0 or -errno. */
int sg_loop_add(struct sg_app *app, struct sg_loop_io *io, uint32_t events);
int sg_loop_mod(struct sg_app *app, struct sg_loop_io *io, uint32_t events);
void sg_loop_del(struct sg_app *app, struct sg_loop_io *io);

/* conf.c: the fast path's view of the configuration (ports + their drivers-config profiles). */
int sg_app_fp_conf_build(const struct sg_config *cfg, struct sg_fp_conf *fpc, char *err, size_t errlen);
/* Resolve the drivers-config directory: config key, else next to the config file, else installed. */
void sg_app_drivers_dir(struct sg_config *cfg);

/* cmds.c: the operator commands (one implementation for text and JSON). */
int sg_app_cmds_register(struct sg_app *app);

#endif
