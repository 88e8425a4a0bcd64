/* SPDX-License-Identifier: BSD-3-Clause
 * streamgate common: logging, small string helpers, error conventions.
 *
 * Conventions used across every library:
 *  - constructors return a pointer, or NULL with errno set;
 *  - int functions return 0 on success or -errno;
 *  - burst functions return the number of items handled.
 * Logging is control-path only: the hot path never logs, it counts.
 */
#ifndef SG_COMMON_H
#define SG_COMMON_H

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdbool.h>

#define SG_ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))
#define SG_MIN(a, b) ((a) < (b) ? (a) : (b))
#define SG_MAX(a, b) ((a) > (b) ? (a) : (b))
#define SG_UNUSED(x) ((void)(x))
#define SG_LIKELY(x) __builtin_expect(!!(x), 1)
#define SG_UNLIKELY(x) __builtin_expect(!!(x), 0)

/** Log levels, most severe first (syslog order). */
enum sg_log_level {
	SG_LOG_ERR = 0,
	SG_LOG_WARN,
	SG_LOG_NOTICE,
	SG_LOG_INFO,
	SG_LOG_DEBUG,
	SG_LOG__MAX
};

/**
 * Log one line (control path only) to stderr with a timestamp, the level and
 * a subsystem tag. Messages above the current level are discarded.
 * Never pass secrets (keys, tokens, passwords) to this function.
 */
void sg_log(enum sg_log_level lvl, const char *tag, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/** Set the current level. Returns 0, or -EINVAL for an out-of-range level. */
int sg_log_level_set(enum sg_log_level lvl);

/** Current level. */
enum sg_log_level sg_log_level_get(void);

/**
 * Parse a level name ("err", "error", "warn", "warning", "notice", "info",
 * "debug"; case-insensitive). Returns the level, or -EINVAL.
 */
int sg_log_level_parse(const char *name);

/** Name of a level ("err", "warn", ...), or "?" when out of range. */
const char *sg_log_level_name(enum sg_log_level lvl);

#define SG_ERR(tag, ...)    sg_log(SG_LOG_ERR, tag, __VA_ARGS__)
#define SG_WARN(tag, ...)   sg_log(SG_LOG_WARN, tag, __VA_ARGS__)
#define SG_NOTICE(tag, ...) sg_log(SG_LOG_NOTICE, tag, __VA_ARGS__)
#define SG_INFO(tag, ...)   sg_log(SG_LOG_INFO, tag, __VA_ARGS__)
#define SG_DEBUG(tag, ...)  sg_log(SG_LOG_DEBUG, tag, __VA_ARGS__)

/**
 * Copy at most size-1 bytes of src to dst and NUL-terminate (size > 0).
 * Returns strlen(src); a result >= size means the copy was truncated.
 */
size_t sg_strlcpy(char *dst, const char *src, size_t size);

/**
 * Append formatted text to buf at *off, never past size; *off advances by
 * what was written. Returns 0, or -ENOSPC when the text was truncated (buf
 * stays NUL-terminated).
 */
int sg_bprintf(char *buf, size_t size, size_t *off, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

/** Monotonic clock in nanoseconds (control path). */
uint64_t sg_now_ns(void);

/** Overwrite a secret with zeros in a way the compiler may not elide. */
void sg_secure_zero(void *p, size_t n);

#endif /* SG_COMMON_H */
