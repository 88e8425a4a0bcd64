/* SPDX-License-Identifier: BSD-3-Clause
 * streamgate configuration: the YAML config file (streamgate.yaml) and the
 * per-NIC port profiles in drivers-config/<name>.yaml.
 *
 * Parsing is strict: unknown keys, duplicate keys, wrong types (a list where
 * a scalar is expected, quoted numbers, non-decimal integers), out-of-range
 * values, over-long strings (never silently truncated), anchors, aliases and
 * explicit tags are all errors. Every parse error is reported as ONE line
 *     "<file>:<line>:<col>: <key path>: <message>"
 * with 1-based line/column taken from libyaml marks, e.g.
 *     "streamgate.yaml:7:14: ports[0].rx_desc: value 70000 out of range 64..32768"
 *     "streamgate.yaml:3:3: lcores.wrokers: unknown key"
 *     "x.yaml:2:5: syntax error: mapping values are not allowed in this context"
 * Key paths use '.' for mapping keys and [i] for list items
 * (ports[1].ipv4, lcores.workers[0], paths.cam1.source).
 *
 * Control path only; nothing here is used on the hot path.
 */
#ifndef SG_CONFIG_H
#define SG_CONFIG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define SG_CONFIG_MAX_PORTS 8
#define SG_CONFIG_MAX_WORKERS 64
#define SG_CONFIG_MAX_PATHS 256
/** Highest CPU id accepted for lcores (DPDK RTE_MAX_LCORE of Debian's build is 128). */
#define SG_CONFIG_MAX_LCORE 127
/** Largest configuration / profile file accepted by the file loaders. */
#define SG_CONFIG_MAX_FILE_SIZE (1u << 20)

struct sg_config_port {
	char name[32];            /* "data0": [A-Za-z0-9_-], required */
	char device[256];         /* PCI address "0000:03:00.1" or vdev string "net_af_packet0,iface=sg-nic" */
	bool is_pci;              /* derived: device looks like a PCI address (DDDD:BB:DD.F or BB:DD.F) */
	char profile[32];         /* drivers-config profile name, e.g. "af_packet"; for a "net_<drv>N,..."
	                           * vdev it defaults to <drv>, for a PCI device it is required */
	uint16_t rx_queues, tx_queues;   /* 0 = default = number of workers (see sg_config_port_apply_profile) */
	uint16_t rx_desc, tx_desc;       /* 0 = take from profile; else power of two 64..32768 */
	uint32_t ipv4;            /* data-plane address, host byte order */
	uint8_t prefix_len;       /* from "198.18.0.1/24", 1..32 */
	uint32_t gateway;         /* host byte order, 0 = none */
	char tap_name[16];        /* TAP interface of the exception path, default "sg-<name>" truncated to 15 */
	uint16_t mtu;             /* default 1500, 576..9000 */
};

enum sg_config_transport {
	SG_CONFIG_TRANSPORT_AUTO,
	SG_CONFIG_TRANSPORT_TCP,
	SG_CONFIG_TRANSPORT_UDP
};

struct sg_config_path {       /* for later (RTSP ingest); parsed and validated now */
	char name[64];            /* [A-Za-z0-9._~-], not "." or ".." */
	char source[512];         /* "rtsp://..." / "rtsps://..." or "publisher" */
	enum sg_config_transport transport;   /* key transport: auto|tcp|udp */
	bool source_on_demand;    /* only with an rtsp(s) source */
	char read_token[128];     /* WHEP bearer token, "" = none; never log it */
	char publish_user[64], publish_pass[64];   /* both or neither; only with source "publisher" */
	/* rtsps:// sources only (TLS of the pull; see docs/ARCHITECTURE.md "Ingest"): */
	bool tls_verify;          /* key tls_verify, default true: the server certificate is checked
	                           * (chain to the CA store, name/IP of the URL's host) */
	char tls_ca_file[256];    /* key tls_ca_file: absolute path of PEM trust anchors used instead of
	                           * the system store (/etc/ssl/certs); "" = system store */
	char tls_fingerprint[112];/* key tls_fingerprint: "sha256:AB:CD:..." (32 bytes, colons optional):
	                           * the server's leaf certificate must have this SHA-256 (replaces the
	                           * chain and name checks: pins a self-signed camera) */
};

#define SG_CONFIG_FINGERPRINT_LEN 32   /* SHA-256 */

struct sg_config {
	char file[256];                     /* name used in messages ("<built-in>" after init) */
	int log_level;                      /* enum sg_log_level; key log_level: err|warn|notice|info|debug */
	char ctl_socket[108];               /* ctl.socket, absolute path, default "/run/streamgate/ctl.sock" */
	uint32_t ctl_mode;                  /* ctl.mode, octal string "0660", default 0660 */
	unsigned main_lcore;                /* lcores.main, default 0 */
	unsigned workers[SG_CONFIG_MAX_WORKERS]; unsigned n_workers;  /* lcores.workers, default [1] */
	unsigned worker_cpus[SG_CONFIG_MAX_WORKERS]; unsigned n_worker_cpus;
	                                    /* lcores.worker_cpus, default [] = each lcore runs on the CPU
	                                     * of its id; else one CPU per worker (same order), repeats
	                                     * allowed: several workers share a CPU (dev, CI; use
	                                     * fastpath.idle_sleep_us), EAL --lcores */
	bool hugepages;                     /* memory.hugepages, default false -> EAL --no-huge */
	unsigned mem_mb;                    /* memory.size_mb, default 512, 64..65536 */
	char file_prefix[64];               /* memory.file_prefix, default "streamgate" (EAL --file-prefix) */
	unsigned mbufs;                     /* mempool.mbufs (per worker), default 16383, 1023..4194303 */
	unsigned mbuf_cache;                /* mempool.cache, default 256, 0..512, cache*3/2 <= mbufs */
	unsigned burst;                     /* fastpath.burst, default 32, 1..256 */
	unsigned drain_us;                  /* fastpath.tx_drain_us, default 100, 1..100000 */
	unsigned idle_sleep_us;             /* fastpath.idle_sleep_us, default 0 (pure polling), 0..10000:
	                                     * a worker idle for 256 loops sleeps this long (shared CPUs, CI) */
	struct sg_config_port ports[SG_CONFIG_MAX_PORTS]; unsigned n_ports;   /* ports: list, at least 1 */
	uint16_t http_port;                 /* whep.http_port, default 8889 */
	uint16_t media_port;                /* whep.media_port, default 8189 (UDP, all sessions) */
	char dtls_cert[256];                /* whep.cert_file: DTLS certificate (PEM); "" = ECDSA P-256 generated at start-up */
	char dtls_key[256];                 /* whep.key_file: its private key (PEM); never logged */
	uint16_t rtsp_port;                 /* rtsp.port, default 8554 (TCP on the data IP: publishers, readers) */
	uint16_t rtsp_udp_min, rtsp_udp_max;/* rtsp.udp_port_min/max, default 20000/29999: RTP/RTCP port pairs
	                                     * of UDP pulls and pushes (min even, min < max) */
	unsigned rtsp_read_timeout_s;       /* rtsp.read_timeout_s, default 10 (1..600): no media -> reconnect */
	unsigned rtsp_on_demand_close_s;    /* rtsp.on_demand_close_after_s, default 10 (0..3600) */
	struct sg_config_path paths[SG_CONFIG_MAX_PATHS]; unsigned n_paths;   /* paths: mapping, optional */
	char drivers_dir[256];              /* where profiles live; set by caller or from key drivers_dir */
};

/**
 * Set every field to its default: log_level notice, ctl socket
 * /run/streamgate/ctl.sock mode 0660, main lcore 0, workers [1], no
 * hugepages, 512 MB, file prefix "streamgate", 16383 mbufs, cache 256,
 * burst 32, drain 100 us, no ports, whep 8889/8189, rtsp port 8554 with UDP
 * ports 20000-29999, read timeout 10 s, on-demand close after 10 s, no paths,
 * drivers_dir "".
 */
void sg_config_init(struct sg_config *c);

/**
 * Parse the YAML file at path into c (call sg_config_init first; keys present
 * in the file override the values in c, a "ports" or "lcores.workers" list
 * replaces the previous list). Runs sg_config_validate on the result.
 * c is only modified on success. c->file is set to path.
 * Returns 0; -EINVAL for a syntax or validation error; -errno of open/read
 * (-ENOENT, -EACCES, -EISDIR...); -EFBIG above SG_CONFIG_MAX_FILE_SIZE;
 * -ENAMETOOLONG if path does not fit c->file; -ENOMEM.
 * On error err (if errlen > 0) receives one line, see the top of this file;
 * file errors read "<path>: <strerror>".
 */
int sg_config_load_file(struct sg_config *c, const char *path, char *err, size_t errlen);

/**
 * Same as sg_config_load_file for a memory buffer of len bytes (need not be
 * NUL-terminated); name is used in messages and stored in c->file.
 * Returns 0, -EINVAL (syntax/validation), -ENAMETOOLONG, -ENOMEM.
 */
int sg_config_load_buf(struct sg_config *c, const char *name, const char *buf, size_t len,
		       char *err, size_t errlen);

/**
 * Cross-field checks (called by the loaders; also usable on a config built
 * in code): at least one port; workers distinct and != main lcore; unique
 * port names, devices and tap names; non-overlapping port subnets; prefix
 * 1..32; IPv4 not 0/loopback/multicast/reserved/broadcast nor the subnet's
 * network/broadcast address; gateway inside the subnet and != the address;
 * at most one port with a gateway; mempool cache*3/2 <= mbufs (DPDK mempool
 * rule); paths: source kind vs source_on_demand / publish credentials.
 * Returns 0 or -EINVAL with err = "<file>: <key path>: <message>".
 */
int sg_config_validate(const struct sg_config *c, char *err, size_t errlen);

/** Port by name, or NULL. */
const struct sg_config_port *sg_config_port_find(const struct sg_config *c, const char *name);

/** Path by name, or NULL. */
const struct sg_config_path *sg_config_path_find(const struct sg_config *c, const char *name);

/**
 * Parse a certificate fingerprint "sha256:AB:CD:..." (case-insensitive hex,
 * 32 bytes, with or without ':' between every byte) into out.
 * Returns 0 or -EINVAL.
 */
int sg_config_fingerprint_parse(const char *s, uint8_t out[SG_CONFIG_FINGERPRINT_LEN]);

/** Name of a transport ("auto", "tcp", "udp"), "?" when out of range. */
const char *sg_config_transport_name(enum sg_config_transport t);

/**
 * Render the effective config as YAML for `streamgatectl config`. Secrets
 * (read_token, publish_pass, the password of an rtsp://user:pass@ source)
 * are shown as "***" when set; everything else
 * is emitted so that the output (with secrets blanked) loads again with
 * sg_config_load_buf to the same config.
 * Returns 0, or -ENOSPC when buf is too small (buf then holds a truncated,
 * NUL-terminated prefix), -EINVAL for a NULL/empty buffer.
 */
int sg_config_dump(const struct sg_config *c, char *buf, size_t len);

/* ---- drivers-config profiles: drivers-config/<name>.yaml ---- */

struct sg_config_profile {
	char name[32];            /* file base name: [a-z0-9_] */
	char driver[64];          /* DPDK driver as reported by rte_eth_dev_info.driver_name, e.g. "net_af_packet" */
	char devargs[256];        /* extra devargs appended to the device string ("" = none) */
	uint16_t rx_desc, tx_desc;   /* default ring sizes, power of two 64..32768 */
	uint16_t max_queues;      /* queue pairs the device can give us, 1..1024 */
	bool rss;                 /* program RSS (rte_eth_conf mq_mode RSS) to spread rx over the queues;
	                           * false: the device spreads by itself (af_packet fanout) or has 1 queue */
	uint64_t rx_offloads, tx_offloads;   /* bits of SG_CONFIG_OFFLOAD_* below */
	bool kernel_visible;      /* the interface stays visible to the kernel (af_packet on veth): setup must isolate it */
	char notes[256];
};

enum {
	SG_CONFIG_OFFLOAD_IPV4_CKSUM = 1,
	SG_CONFIG_OFFLOAD_UDP_CKSUM = 2,
	SG_CONFIG_OFFLOAD_TCP_CKSUM = 4,
	SG_CONFIG_OFFLOAD_RSS_HASH = 8,    /* rx only; needs rss: true */
	SG_CONFIG_OFFLOAD_MULTI_SEGS = 16, /* tx only */
	SG_CONFIG_OFFLOAD_VLAN = 32,       /* rx: strip, tx: insert */
	SG_CONFIG_OFFLOAD__ALL = 63
};
/* names in YAML: ipv4_cksum, udp_cksum, tcp_cksum, rss_hash, multi_segs, vlan */

/**
 * Load <dir>/<name>.yaml into p (p is fully overwritten). name must be
 * [a-z0-9_]{1,31} (no path components). Keys: name (optional, must equal
 * the file name), driver, rx_desc, tx_desc, max_queues (required), devargs,
 * rss, rx_offloads, tx_offloads (lists of offload names), kernel_visible,
 * notes. Returns 0, -EINVAL (bad name, syntax, validation), -errno of
 * open/read, -EFBIG, -ENAMETOOLONG, -ENOMEM; err as for the config loader.
 */
int sg_config_profile_load(struct sg_config_profile *p, const char *dir, const char *name,
			   char *err, size_t errlen);

/**
 * Same from memory: name is the profile name, file the name used in messages.
 * Returns 0, -EINVAL, -ENOMEM.
 */
int sg_config_profile_load_buf(struct sg_config_profile *p, const char *name, const char *file,
			       const char *buf, size_t len, char *err, size_t errlen);

/** YAML name of exactly one SG_CONFIG_OFFLOAD_* bit, or NULL for anything else. */
const char *sg_config_offload_name(uint64_t bit);

/**
 * Resolve a port against its profile for n_workers workers: rx_queues and
 * tx_queues default to n_workers, rx_desc/tx_desc default to the profile's.
 * Fails when the queue counts exceed the profile's max_queues or when
 * port->profile names another profile.
 * Returns 0, or -EINVAL with err = "port <name>: <message>" (port unchanged).
 */
int sg_config_port_apply_profile(struct sg_config_port *port, const struct sg_config_profile *p,
				 unsigned n_workers, char *err, size_t errlen);

#endif /* SG_CONFIG_H */
