/* SPDX-License-Identifier: BSD-3-Clause
 * lib/rtsp internals shared by parser.c, msg.c, auth.c, url.c, client.c, server.c.
 */
#ifndef SG_RTSP_PRIV_H
#define SG_RTSP_PRIV_H

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include "sg_common.h"
#include "sg_rtsp.h"

#define RTSP_TAG "rtsp"

/** Growable output buffer, bounded by max. */
struct rtsp_obuf {
	uint8_t *p;
	size_t len, cap, max;
};

int rtsp_obuf_append(struct rtsp_obuf *o, const void *d, size_t n);
int rtsp_obuf_printf(struct rtsp_obuf *o, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void rtsp_obuf_consume(struct rtsp_obuf *o, size_t n);
void rtsp_obuf_free(struct rtsp_obuf *o);

/** Case-insensitive prefix test. */
int rtsp_strncaseprefix(const char *s, const char *prefix);
/** Trim in place: returns pointer to first non-space, NULs trailing spaces. */
char *rtsp_trim(char *s);
/** Hex-encode n bytes into out (2n+1). */
void rtsp_hex(const uint8_t *d, size_t n, char *out);
/** Fill buf with n random bytes (OpenSSL RAND). 0 or -EIO. */
int rtsp_random(uint8_t *buf, size_t n);
/** Is a public method listed in a Public header value? */
int rtsp_public_has(const char *public_hdr, const char *method);

#endif
