/* SPDX-License-Identifier: BSD-3-Clause
 * WebRTC viewers (WHEP + DTLS-SRTP) in the daemon's control plane.
 */
#ifndef SG_APP_WEBRTC_H
#define SG_APP_WEBRTC_H

#include <stdint.h>

struct sg_app;

/** Certificate, WHEP listener on the data IP. After sg_fp_start(). 0 or -errno. */
int sg_webrtc_init(struct sg_app *app);
/** Fast-path events, DTLS timers, consent freshness, HTTP timeouts. Every loop turn. */
void sg_webrtc_tick(struct sg_app *app, uint64_t now_ns);
/** End every session, close the listener. */
void sg_webrtc_fini(struct sg_app *app);
/** `sessions`, `kick`, `whep` operator commands. */
int sg_webrtc_cmds_register(struct sg_app *app);

#endif
