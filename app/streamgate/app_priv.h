/* SPDX-License-Identifier: BSD-3-Clause
 * streamgate daemon internals shared by main.c, conf.c and cmds.c.
 */
#ifndef SG_APP_PRIV_H
#define SG_APP_PRIV_H

#include <stdint.h>

#include "sg_config.h"
#include "sg_ctl.h"
#include "sg_fastpath.h"

struct sg_app {
	struct sg_config cfg;
	struct sg_fp_conf fpc;
	struct sg_fp *fp;
	struct sg_ctl *ctl;
	uint64_t start_ns;
};

/* conf.c: the fast path's view of the configuration (ports + their drivers-config profiles). */
int sg_app_fp_conf_build(const struct sg_config *cfg, struct sg_fp_conf *fpc, char *err, size_t errlen);
/* Resolve the drivers-config directory: config key, else next to the config file, else installed. */
void sg_app_drivers_dir(struct sg_config *cfg);

/* cmds.c: the operator commands (one implementation for text and JSON). */
int sg_app_cmds_register(struct sg_app *app);

#endif
