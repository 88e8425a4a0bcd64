/* SPDX-License-Identifier: BSD-3-Clause
 * RTSP ingest of the daemon: configured paths, their stream objects in the
 * fast path, RTSP pulls (cameras) and the RTSP server (publishers, readers).
 * Control plane only (main lcore). See docs/ARCHITECTURE.md "Ingest".
 *
 * This header is what other modules of the daemon (WebRTC) use.
 */
#ifndef SG_APP_INGEST_H
#define SG_APP_INGEST_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "sg_fastpath.h"

struct sg_app;

/** Media slots of a path. */
enum { SG_INGEST_VIDEO = 0, SG_INGEST_AUDIO = 1, SG_INGEST_N_MEDIA = 2 };

/** One media of a path, as the WebRTC module needs it. */
struct sg_ingest_media_info {
	int sid;                 /**< fast-path stream id, -1 = no such media */
	enum sg_fp_codec codec;
	char codec_name[32];     /**< rtpmap encoding name as the source wrote it ("H264", "opus") */
	uint32_t clock_rate;
	uint8_t channels;        /**< audio channels (1 when not given), 0 for video */
	uint8_t pt;              /**< payload type of the source */
	char fmtp[512];          /**< the source's a=fmtp parameters ("" = none), e.g.
	                          *   "packetization-mode=1;profile-level-id=42e01f;sprop-..." */
};

struct sg_ingest_path_info {
	bool ready;              /**< the source is playing/recording and packets arrived */
	struct sg_ingest_media_info media[SG_INGEST_N_MEDIA]; /**< [0] video, [1] audio */
};

/**
 * Start the module after sg_fp_start(): path table from the config, the RTSP
 * server on the data IP (rtsp.port), the `paths` and `streams` commands.
 * Pulls that are not on demand start connecting at the next tick.
 * Returns 0 or -errno (message logged).
 */
int sg_ingest_init(struct sg_app *app);

/** Tear everything down (TEARDOWN to cameras, close sockets, delete streams). */
void sg_ingest_fini(struct sg_app *app);

/** Timers: connects, keep-alives, no-media detection, backoff, on-demand, RTCP. */
void sg_ingest_tick(struct sg_app *app, uint64_t now_ns);

/**
 * A viewer wants path: count it (for sourceOnDemand: connect on the first,
 * disconnect on_demand_close_after_s after the last leaves). sid_out gets
 * [video, audio] stream ids (-1 = none or not known yet: the source has not
 * been described). Returns 0, -ENOENT (no such path, err says so).
 * Every successful acquire must be paired with one release.
 */
int sg_ingest_path_acquire(struct sg_app *app, const char *path, int sid_out[2], char *err,
			   size_t errlen);
void sg_ingest_path_release(struct sg_app *app, const char *path);

/** Streams and codecs of a path. Returns 0 or -ENOENT. */
int sg_ingest_path_info(struct sg_app *app, const char *path, struct sg_ingest_path_info *info);

#endif
