/* SPDX-License-Identifier: BSD-3-Clause
 * lib/config: streamgate.yaml parsing/validation, drivers-config profiles, dump.
 * Error messages are asserted verbatim (file:line:col: key path: message).
 */
#include <CUnit/Basic.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "sg_common.h"
#include "sg_config.h"

#define REPO SG_TEST_VECTORS "/../.."
#define DRIVERS REPO "/drivers-config"

static struct sg_config cfg, cfg2;
static char err[512];
static char big[1 << 17];

static int load(const char *yaml)
{
	sg_config_init(&cfg);
	return sg_config_load_buf(&cfg, "t.yaml", yaml, strlen(yaml), err, sizeof(err));
}

static void expect_err(const char *yaml, const char *want, int line)
{
	int rc = load(yaml);
	CU_ASSERT_EQUAL(rc, -EINVAL);
	CU_ASSERT_STRING_EQUAL(err, want);
	if (rc != -EINVAL || strcmp(err, want))
		fprintf(stderr, "\n  line %d: rc %d\n   got: %s\n  want: %s\n", line, rc, err, want);
}
#define ERR(yaml, want) expect_err(yaml, want, __LINE__)

static void expect_ok(const char *yaml, int line)
{
	int rc = load(yaml);
	CU_ASSERT_EQUAL(rc, 0);
	if (rc)
		fprintf(stderr, "\n  line %d: unexpected error: %s\n", line, err);
}
#define OK(yaml) expect_ok(yaml, __LINE__)

/* One valid port on line 1, so the line numbers below are easy to follow. */
#define P0 "ports: [{name: d, device: net_null0, ipv4: 10.0.0.1/24}]\n"

static void t_defaults(void)
{
	sg_config_init(&cfg);
	CU_ASSERT_STRING_EQUAL(cfg.file, "<built-in>");
	CU_ASSERT_EQUAL(cfg.log_level, SG_LOG_NOTICE);
	CU_ASSERT_STRING_EQUAL(cfg.ctl_socket, "/run/streamgate/ctl.sock");
	CU_ASSERT_EQUAL(cfg.ctl_mode, 0660);
	CU_ASSERT_EQUAL(cfg.main_lcore, 0);
	CU_ASSERT_EQUAL(cfg.n_workers, 1);
	CU_ASSERT_EQUAL(cfg.workers[0], 1);
	CU_ASSERT_FALSE(cfg.hugepages);
	CU_ASSERT_EQUAL(cfg.mem_mb, 512);
	CU_ASSERT_STRING_EQUAL(cfg.file_prefix, "streamgate");
	CU_ASSERT_EQUAL(cfg.mbufs, 16383);
	CU_ASSERT_EQUAL(cfg.mbuf_cache, 256);
	CU_ASSERT_EQUAL(cfg.burst, 32);
	CU_ASSERT_EQUAL(cfg.drain_us, 100);
	CU_ASSERT_EQUAL(cfg.n_ports, 0);
	CU_ASSERT_EQUAL(cfg.http_port, 8889);
	CU_ASSERT_EQUAL(cfg.media_port, 8189);
	CU_ASSERT_EQUAL(cfg.rtsp_port, 8554);
	CU_ASSERT_EQUAL(cfg.rtsp_udp_min, 20000);
	CU_ASSERT_EQUAL(cfg.rtsp_udp_max, 29999);
	CU_ASSERT_EQUAL(cfg.rtsp_read_timeout_s, 10);
	CU_ASSERT_EQUAL(cfg.rtsp_on_demand_close_s, 10);
	CU_ASSERT_EQUAL(cfg.n_paths, 0);
	CU_ASSERT_STRING_EQUAL(cfg.drivers_dir, "");
	/* no ports: not a valid config on its own */
	CU_ASSERT_EQUAL(sg_config_validate(&cfg, err, sizeof(err)), -EINVAL);
	CU_ASSERT_STRING_EQUAL(err, "<built-in>: ports: at least one port is required (max 8)");
}

static void t_minimal(void)
{
	OK("ports:\n  - name: data0\n    device: net_af_packet0,iface=sg-nic\n    ipv4: 198.18.0.1/24\n");
	CU_ASSERT_STRING_EQUAL(cfg.file, "t.yaml");
	CU_ASSERT_EQUAL(cfg.log_level, SG_LOG_NOTICE);
	CU_ASSERT_STRING_EQUAL(cfg.ctl_socket, "/run/streamgate/ctl.sock");
	CU_ASSERT_EQUAL(cfg.ctl_mode, 0660);
	CU_ASSERT_EQUAL(cfg.main_lcore, 0);
	CU_ASSERT_EQUAL(cfg.n_workers, 1);
	CU_ASSERT_EQUAL(cfg.workers[0], 1);
	CU_ASSERT_FALSE(cfg.hugepages);
	CU_ASSERT_EQUAL(cfg.mem_mb, 512);
	CU_ASSERT_STRING_EQUAL(cfg.file_prefix, "streamgate");
	CU_ASSERT_EQUAL(cfg.mbufs, 16383);
	CU_ASSERT_EQUAL(cfg.mbuf_cache, 256);
	CU_ASSERT_EQUAL(cfg.burst, 32);
	CU_ASSERT_EQUAL(cfg.drain_us, 100);
	CU_ASSERT_EQUAL(cfg.http_port, 8889);
	CU_ASSERT_EQUAL(cfg.media_port, 8189);
	CU_ASSERT_EQUAL(cfg.n_paths, 0);
	CU_ASSERT_STRING_EQUAL(cfg.drivers_dir, "");
	CU_ASSERT_EQUAL_FATAL(cfg.n_ports, 1);
	const struct sg_config_port *p = &cfg.ports[0];
	CU_ASSERT_STRING_EQUAL(p->name, "data0");
	CU_ASSERT_STRING_EQUAL(p->device, "net_af_packet0,iface=sg-nic");
	CU_ASSERT_FALSE(p->is_pci);
	CU_ASSERT_STRING_EQUAL(p->profile, "af_packet");   /* derived from the vdev name */
	CU_ASSERT_EQUAL(p->rx_queues, 0);
	CU_ASSERT_EQUAL(p->tx_queues, 0);
	CU_ASSERT_EQUAL(p->rx_desc, 0);
	CU_ASSERT_EQUAL(p->tx_desc, 0);
	CU_ASSERT_EQUAL(p->ipv4, 0xc6120001u);
	CU_ASSERT_EQUAL(p->prefix_len, 24);
	CU_ASSERT_EQUAL(p->gateway, 0);
	CU_ASSERT_STRING_EQUAL(p->tap_name, "sg-data0");
	CU_ASSERT_EQUAL(p->mtu, 1500);
	CU_ASSERT_PTR_EQUAL(sg_config_port_find(&cfg, "data0"), p);
	CU_ASSERT_PTR_NULL(sg_config_port_find(&cfg, "data1"));
	/* default tap name truncated to 15 characters */
	OK("ports: [{name: abcdefghijklmnopqrstuvwxyz, device: net_tap0, ipv4: 10.0.0.1/8}]");
	CU_ASSERT_STRING_EQUAL(cfg.ports[0].tap_name, "sg-abcdefghijkl");
	CU_ASSERT_STRING_EQUAL(cfg.ports[0].profile, "tap");
}

static const char full_yaml[] =
	"log_level: debug\n"
	"ctl:\n  socket: /tmp/sg.sock\n  mode: \"0600\"\n"
	"lcores:\n  main: 3\n  workers: [4, 5, 7]\n"
	"memory: {hugepages: yes, size_mb: 4096, file_prefix: sg-test_1}\n"
	"mempool: {mbufs: 131071, cache: 512}\n"
	"fastpath: {burst: 64, tx_drain_us: 50, idle_sleep_us: 200}\n"
	"ports:\n"
	"  - name: up\n    device: \"0000:03:00.1\"\n    profile: ixgbe_vf\n"
	"    rx_queues: 3\n    tx_queues: 4\n    rx_desc: 2048\n    tx_desc: 512\n"
	"    ipv4: 203.0.113.10/28\n    gateway: 203.0.113.1\n    tap: sg-up\n    mtu: 9000\n"
	"  - name: cams\n    device: \"05:00.0,rxq_cqe_comp_en=0\"\n    profile: mlx5\n"
	"    ipv4: 10.1.2.3/31\n    mtu: 576\n"
	"whep: {http_port: 443, media_port: 3478}\n"
	"paths:\n"
	"  cam1: {source: publisher, publish_user: alice, publish_pass: \"s3cret pass\"}\n"
	"  lobby.main:\n    source: rtsp://u:pw@10.1.2.9:554/ch1\n    transport: udp\n"
	"    source_on_demand: true\n    read_token: abc-DEF_123.~+/==\n"
	"  x~y: {source: \"rtsps://cam.example\", transport: tcp, source_on_demand: no}\n"
	"  tls1: {source: \"rtsps://10.1.2.7/live\", tls_fingerprint: \"sha256:"
	"00:11:22:33:44:55:66:77:88:99:aa:bb:cc:dd:ee:ff:00:11:22:33:44:55:66:77:88:99:AA:BB:CC:DD:EE:Ff\"}\n"
	"  tls2: {source: \"rtsps://cam2.example:8322/x\", tls_ca_file: /etc/sg/cam2-ca.pem}\n"
	"  tls3: {source: \"rtsps://10.1.2.8/\", tls_verify: false}\n"
	"drivers_dir: /opt/sg/drivers-config\n";

static void t_full(void)
{
	OK(full_yaml);
	CU_ASSERT_EQUAL(cfg.log_level, SG_LOG_DEBUG);
	CU_ASSERT_STRING_EQUAL(cfg.ctl_socket, "/tmp/sg.sock");
	CU_ASSERT_EQUAL(cfg.ctl_mode, 0600);
	CU_ASSERT_EQUAL(cfg.main_lcore, 3);
	CU_ASSERT_EQUAL_FATAL(cfg.n_workers, 3);
	CU_ASSERT(cfg.workers[0] == 4 && cfg.workers[1] == 5 && cfg.workers[2] == 7);
	CU_ASSERT_TRUE(cfg.hugepages);
	CU_ASSERT_EQUAL(cfg.mem_mb, 4096);
	CU_ASSERT_STRING_EQUAL(cfg.file_prefix, "sg-test_1");
	CU_ASSERT_EQUAL(cfg.mbufs, 131071);
	CU_ASSERT_EQUAL(cfg.mbuf_cache, 512);
	CU_ASSERT_EQUAL(cfg.burst, 64);
	CU_ASSERT_EQUAL(cfg.drain_us, 50);
	CU_ASSERT_EQUAL(cfg.idle_sleep_us, 200);
	CU_ASSERT_EQUAL_FATAL(cfg.n_ports, 2);
	const struct sg_config_port *p = &cfg.ports[0];
	CU_ASSERT_STRING_EQUAL(p->name, "up");
	CU_ASSERT_STRING_EQUAL(p->device, "0000:03:00.1");
	CU_ASSERT_TRUE(p->is_pci);
	CU_ASSERT_STRING_EQUAL(p->profile, "ixgbe_vf");
	CU_ASSERT(p->rx_queues == 3 && p->tx_queues == 4 && p->rx_desc == 2048 && p->tx_desc == 512);
	CU_ASSERT_EQUAL(p->ipv4, 0xcb00710au);
	CU_ASSERT_EQUAL(p->prefix_len, 28);
	CU_ASSERT_EQUAL(p->gateway, 0xcb007101u);
	CU_ASSERT_STRING_EQUAL(p->tap_name, "sg-up");
	CU_ASSERT_EQUAL(p->mtu, 9000);
	p = &cfg.ports[1];
	CU_ASSERT_TRUE(p->is_pci);
	CU_ASSERT_STRING_EQUAL(p->profile, "mlx5");
	CU_ASSERT_EQUAL(p->ipv4, 0x0a010203u);
	CU_ASSERT_EQUAL(p->prefix_len, 31);
	CU_ASSERT_EQUAL(p->gateway, 0);
	CU_ASSERT_STRING_EQUAL(p->tap_name, "sg-cams");
	CU_ASSERT_EQUAL(p->mtu, 576);
	CU_ASSERT_EQUAL(cfg.http_port, 443);
	CU_ASSERT_EQUAL(cfg.media_port, 3478);
	CU_ASSERT_EQUAL_FATAL(cfg.n_paths, 6);
	const struct sg_config_path *h = sg_config_path_find(&cfg, "cam1");
	CU_ASSERT_PTR_EQUAL_FATAL(h, &cfg.paths[0]);
	CU_ASSERT_STRING_EQUAL(h->source, "publisher");
	CU_ASSERT_EQUAL(h->transport, SG_CONFIG_TRANSPORT_AUTO);
	CU_ASSERT_FALSE(h->source_on_demand);
	CU_ASSERT_STRING_EQUAL(h->read_token, "");
	CU_ASSERT_STRING_EQUAL(h->publish_user, "alice");
	CU_ASSERT_STRING_EQUAL(h->publish_pass, "s3cret pass");
	h = &cfg.paths[1];
	CU_ASSERT_STRING_EQUAL(h->name, "lobby.main");
	CU_ASSERT_STRING_EQUAL(h->source, "rtsp://u:pw@10.1.2.9:554/ch1");
	CU_ASSERT_EQUAL(h->transport, SG_CONFIG_TRANSPORT_UDP);
	CU_ASSERT_TRUE(h->source_on_demand);
	CU_ASSERT_STRING_EQUAL(h->read_token, "abc-DEF_123.~+/==");
	h = &cfg.paths[2];
	CU_ASSERT_STRING_EQUAL(h->name, "x~y");
	CU_ASSERT_EQUAL(h->transport, SG_CONFIG_TRANSPORT_TCP);
	CU_ASSERT_STRING_EQUAL(sg_config_transport_name(h->transport), "tcp");
	/* TLS defaults: verify against the system store */
	CU_ASSERT_TRUE(h->tls_verify);
	CU_ASSERT_STRING_EQUAL(h->tls_ca_file, "");
	CU_ASSERT_STRING_EQUAL(h->tls_fingerprint, "");
	CU_ASSERT_TRUE(cfg.paths[0].tls_verify); /* default for every path */
	h = &cfg.paths[3];
	CU_ASSERT_STRING_EQUAL(h->name, "tls1");
	CU_ASSERT_TRUE(h->tls_verify);
	uint8_t fp[SG_CONFIG_FINGERPRINT_LEN];
	CU_ASSERT_EQUAL_FATAL(sg_config_fingerprint_parse(h->tls_fingerprint, fp), 0);
	CU_ASSERT(fp[0] == 0x00 && fp[1] == 0x11 && fp[10] == 0xaa && fp[26] == 0xaa && fp[31] == 0xff);
	h = &cfg.paths[4];
	CU_ASSERT_STRING_EQUAL(h->tls_ca_file, "/etc/sg/cam2-ca.pem");
	CU_ASSERT_TRUE(h->tls_verify);
	h = &cfg.paths[5];
	CU_ASSERT_FALSE(h->tls_verify);
	CU_ASSERT_STRING_EQUAL(cfg.drivers_dir, "/opt/sg/drivers-config");
	CU_ASSERT_PTR_NULL(sg_config_path_find(&cfg, "nope"));
}

static void t_unknown_keys(void)
{
	ERR("wat: 1\n" P0, "t.yaml:1:1: wat: unknown key");
	ERR(P0 "lcores:\n  wrokers: [1]\n", "t.yaml:3:3: lcores.wrokers: unknown key");
	ERR(P0 "memory: {size_mb: 128, huge: true}\n", "t.yaml:2:24: memory.huge: unknown key");
	ERR("ports:\n  - name: d\n    device: net_null0\n    ipv4: 10.0.0.1/24\n    vlan: 5\n",
	    "t.yaml:5:5: ports[0].vlan: unknown key");
	ERR(P0 "paths:\n  cam1:\n    source: publisher\n    sauce: x\n",
	    "t.yaml:5:5: paths.cam1.sauce: unknown key");
	ERR(P0 "Log_Level: info\n", "t.yaml:2:1: Log_Level: unknown key");
}

static void t_ranges(void)
{
	ERR("ports:\n  - name: d\n    device: net_null0\n    ipv4: 10.0.0.1/24\n    rx_desc: 70000\n",
	    "t.yaml:5:14: ports[0].rx_desc: value 70000 out of range 64..32768");
	ERR("ports:\n  - {name: d, device: net_null0, ipv4: 10.0.0.1/24, tx_desc: 1000}\n",
	    "t.yaml:2:62: ports[0].tx_desc: 1000 is not a power of two in 64..32768");
	ERR("ports:\n  - {name: d, device: net_null0, ipv4: }\n",
	    "t.yaml:2:40: ports[0].ipv4: missing value");
	ERR("ports:\n  - {name: d, device: net_null0, ipv4: 10.0.0.1/24, gateway: }\n",
	    "t.yaml:2:62: ports[0].gateway: missing value");
	ERR("ports:\n  - {name: d, device: net_null0, ipv4: 10.0.0.1/24, mtu: 9001}\n",
	    "t.yaml:2:58: ports[0].mtu: value 9001 out of range 576..9000");
	ERR("ports:\n  - {name: d, device: net_null0, ipv4: 10.0.0.1/24, rx_queues: 0}\n",
	    "t.yaml:2:64: ports[0].rx_queues: value 0 out of range 1..1024");
	ERR(P0 "memory: {size_mb: 63}\n", "t.yaml:2:19: memory.size_mb: value 63 out of range 64..65536");
	ERR(P0 "mempool: {mbufs: 1022}\n", "t.yaml:2:18: mempool.mbufs: value 1022 out of range 1023..4194303");
	ERR(P0 "mempool: {cache: 513}\n", "t.yaml:2:18: mempool.cache: value 513 out of range 0..512");
	ERR(P0 "fastpath: {burst: 0}\n", "t.yaml:2:19: fastpath.burst: value 0 out of range 1..256");
	ERR(P0 "fastpath: {tx_drain_us: 100001}\n",
	    "t.yaml:2:25: fastpath.tx_drain_us: value 100001 out of range 1..100000");
	ERR(P0 "whep: {http_port: 65536}\n", "t.yaml:2:19: whep.http_port: value 65536 out of range 1..65535");
 	ERR(P0 "rtsp: {port: 0}\n", "t.yaml:2:14: rtsp.port: value 0 out of range 1..65535");
	ERR(P0 "rtsp: {read_timeout_s: 0}\n", "t.yaml:2:24: rtsp.read_timeout_s: value 0 out of range 1..600");
	ERR(P0 "rtsp: {udp_port_min: 20001}\n",
	    "t.yaml: rtsp.udp_port_min: 20001 must be even (RTP ports are even, RFC 3550 s. 11)");
	ERR(P0 "rtsp: {udp_port_min: 30000, udp_port_max: 30000}\n",
	    "t.yaml: rtsp.udp_port_max: 30000 must be above udp_port_min 30000");
	ERR(P0 "rtsp: {udp_port_min: 8000, udp_port_max: 9000}\n",
	    "t.yaml: rtsp: UDP range 8000-9000 contains whep.media_port 8189");
	OK(P0 "rtsp: {port: 554, udp_port_min: 40000, udp_port_max: 40100, read_timeout_s: 3,"
	   " on_demand_close_after_s: 0}\n");
	CU_ASSERT(cfg.rtsp_port == 554 && cfg.rtsp_udp_min == 40000 && cfg.rtsp_udp_max == 40100 &&
		  cfg.rtsp_read_timeout_s == 3 && cfg.rtsp_on_demand_close_s == 0);
	ERR(P0 "lcores: {main: 128}\n", "t.yaml:2:16: lcores.main: value 128 out of range 0..127");
	ERR(P0 "lcores: {workers: [2, 300]}\n", "t.yaml:2:23: lcores.workers[1]: value 300 out of range 0..127");
	ERR(P0 "memory: {size_mb: 99999999999999999999999}\n",
	    "t.yaml:2:19: memory.size_mb: value 99999999999999999999999 out of range 64..65536");
	/* cache*3/2 <= mbufs (DPDK) always holds inside the YAML ranges; see t_validate_api */
	OK(P0 "mempool: {mbufs: 1023, cache: 341}\n");
	OK(P0 "mempool: {mbufs: 1023, cache: 0}\n");
	OK(P0 "mempool: {mbufs: 2047, cache: 512}\n");
}

static void t_types(void)
{
	ERR(P0 "log_level: [info]\n", "t.yaml:2:12: log_level: expected a string, got a list");
	ERR(P0 "lcores: {workers: 1}\n", "t.yaml:2:19: lcores.workers: expected a list, got a scalar");
	ERR(P0 "lcores: [1]\n", "t.yaml:2:9: lcores: expected a mapping, got a list");
	ERR("ports: {name: d}\n", "t.yaml:1:8: ports: expected a list, got a mapping");
	ERR("ports:\n", "t.yaml:1:7: ports: expected a list, got null");
	ERR(P0 "memory: {size_mb: \"128\"}\n",
	    "t.yaml:2:19: memory.size_mb: expected a decimal integer, got a quoted string");
	ERR(P0 "memory: {size_mb: 0x80}\n", "t.yaml:2:19: memory.size_mb: expected a decimal integer, got \"0x80\"");
	ERR(P0 "memory: {size_mb: 0128}\n", "t.yaml:2:19: memory.size_mb: expected a decimal integer, got \"0128\"");
	ERR(P0 "memory: {size_mb: -1}\n", "t.yaml:2:19: memory.size_mb: expected a decimal integer, got \"-1\"");
	ERR(P0 "memory: {size_mb: 128.5}\n", "t.yaml:2:19: memory.size_mb: expected a decimal integer, got \"128.5\"");
	ERR(P0 "memory: {size_mb: [128]}\n", "t.yaml:2:19: memory.size_mb: expected an integer, got a list");
	ERR(P0 "memory: {size_mb: }\n", "t.yaml:2:19: memory.size_mb: missing value");
	ERR(P0 "memory: {hugepages: maybe}\n", "t.yaml:2:21: memory.hugepages: expected true/false/yes/no, got \"maybe\"");
	ERR(P0 "memory: {hugepages: \"true\"}\n",
	    "t.yaml:2:21: memory.hugepages: expected true/false/yes/no, got a quoted string");
	ERR(P0 "memory: {hugepages: on}\n", "t.yaml:2:21: memory.hugepages: expected true/false/yes/no, got \"on\"");
	OK(P0 "memory: {hugepages: YES}\n");
	CU_ASSERT_TRUE(cfg.hugepages);
	OK(P0 "memory: {hugepages: False}\n");
	CU_ASSERT_FALSE(cfg.hugepages);
	ERR(P0 "log_level: loud\n", "t.yaml:2:12: log_level: unknown log level \"loud\" (err|warn|notice|info|debug)");
	OK(P0 "log_level: warning\n");
	CU_ASSERT_EQUAL(cfg.log_level, SG_LOG_WARN);
	ERR(P0 "ctl: {mode: 660}\n", "t.yaml:2:13: ctl.mode: expected an octal mode like \"0660\", got \"660\"");
	ERR(P0 "ctl: {mode: \"0680\"}\n", "t.yaml:2:13: ctl.mode: expected an octal mode like \"0660\", got \"0680\"");
	ERR(P0 "ctl: {mode: \"0440\"}\n", "t.yaml:2:13: ctl.mode: mode 0440 must give the owner read and write (0600)");
	OK(P0 "ctl: {mode: 0666}\n");
	CU_ASSERT_EQUAL(cfg.ctl_mode, 0666);
	ERR(P0 "ctl: {socket: run/ctl.sock}\n", "t.yaml:2:15: ctl.socket: must be an absolute path");
	ERR(P0 "paths: {cam1: {source: publisher, transport: quic}}\n",
	    "t.yaml:2:46: paths.cam1.transport: expected auto, tcp or udp, got \"quic\"");
	ERR(P0 "paths:\n  cam1:\n", "t.yaml:3:8: paths.cam1: expected a mapping, got null");
	ERR(P0 "? [a, b]\n: 1\n", "t.yaml:2:3: mapping keys must be scalars, got a list");
	ERR(P0 "memory: {file_prefix: \"a b\"}\n",
	    "t.yaml:2:23: memory.file_prefix: invalid character at offset 1: only A-Z a-z 0-9 _ - are allowed");
	ERR(P0 "drivers_dir: \"/x\\ty\"\n",
	    "t.yaml:2:14: drivers_dir: invalid character at offset 2: only printable ASCII is allowed");
	ERR(P0 "drivers_dir: \"a\\0b\"\n", "t.yaml:2:14: drivers_dir: value contains a NUL byte");
}

static void t_ipv4(void)
{
#define PIP(a) "ports:\n  - name: d\n    device: net_null0\n    ipv4: " a "\n"
	ERR(PIP("10.0.0.1"), "t.yaml:4:11: ports[0].ipv4: expected address/prefix like 198.18.0.1/24, got \"10.0.0.1\"");
	ERR(PIP("256.0.0.1/24"), "t.yaml:4:11: ports[0].ipv4: invalid IPv4 address in \"256.0.0.1/24\"");
	ERR(PIP("010.0.0.1/24"), "t.yaml:4:11: ports[0].ipv4: invalid IPv4 address in \"010.0.0.1/24\"");
	ERR(PIP("10.1/24"), "t.yaml:4:11: ports[0].ipv4: invalid IPv4 address in \"10.1/24\"");
	ERR(PIP("10.0.0.1/0"), "t.yaml:4:11: ports[0].ipv4: prefix length must be 1..32 in \"10.0.0.1/0\"");
	ERR(PIP("10.0.0.1/33"), "t.yaml:4:11: ports[0].ipv4: prefix length must be 1..32 in \"10.0.0.1/33\"");
	ERR(PIP("10.0.0.1/024"), "t.yaml:4:11: ports[0].ipv4: prefix length must be 1..32 in \"10.0.0.1/024\"");
	ERR(PIP("10.0.0.1/"), "t.yaml:4:11: ports[0].ipv4: prefix length must be 1..32 in \"10.0.0.1/\"");
	ERR(PIP("[10.0.0.1/24]"), "t.yaml:4:11: ports[0].ipv4: expected a scalar, got a list");
	ERR(PIP("0.0.0.0/8"), "t.yaml:4:11: ports[0].ipv4: 0.0.0.0/8 is in 0.0.0.0/8 (\"this network\")");
	ERR(PIP("127.0.0.1/8"), "t.yaml:4:11: ports[0].ipv4: 127.0.0.1/8 is a loopback address");
	ERR(PIP("224.0.0.5/24"), "t.yaml:4:11: ports[0].ipv4: 224.0.0.5/24 is a multicast address");
	ERR(PIP("255.255.255.255/32"), "t.yaml:4:11: ports[0].ipv4: 255.255.255.255/32 is the broadcast address");
	ERR(PIP("240.0.0.1/8"), "t.yaml:4:11: ports[0].ipv4: 240.0.0.1/8 is in the reserved range 240.0.0.0/4");
	ERR(PIP("10.0.0.0/24"), "t.yaml:4:11: ports[0].ipv4: 10.0.0.0/24 is the subnet's network address");
	ERR(PIP("10.0.0.255/24"), "t.yaml:4:11: ports[0].ipv4: 10.0.0.255/24 is the subnet's broadcast address");
	OK(PIP("10.0.0.0/31"));       /* RFC 3021 point-to-point */
	OK(PIP("10.0.0.7/32"));
	CU_ASSERT_EQUAL(cfg.ports[0].prefix_len, 32);
	OK(PIP("\"10.0.0.1/24\""));
#define PGW(g) PIP("10.0.0.1/24") "    gateway: " g "\n"
	ERR(PGW("10.0.1.1"), "t.yaml:5:14: ports[0].gateway: 10.0.1.1 is outside the port's subnet 10.0.0.0/24");
	ERR(PGW("10.0.0.1"), "t.yaml:5:14: ports[0].gateway: 10.0.0.1 is the port's own address");
	ERR(PGW("10.0.0.255"), "t.yaml:5:14: ports[0].gateway: 10.0.0.255 is the subnet's broadcast address");
	ERR(PGW("10.0.0.0"), "t.yaml:5:14: ports[0].gateway: 10.0.0.0 is the subnet's network address");
	ERR(PGW("10.0.0.1/24"), "t.yaml:5:14: ports[0].gateway: invalid IPv4 address \"10.0.0.1/24\"");
	ERR(PGW("0.0.0.0"), "t.yaml:5:14: ports[0].gateway: 0.0.0.0 is not a valid gateway (omit the key for none)");
	ERR(PGW("gw.example"), "t.yaml:5:14: ports[0].gateway: invalid IPv4 address \"gw.example\"");
	OK(PGW("10.0.0.254"));
	CU_ASSERT_EQUAL(cfg.ports[0].gateway, 0x0a0000feu);
	ERR(PIP("10.0.0.1/32") "    gateway: 10.0.0.2\n",
	    "t.yaml:5:14: ports[0].gateway: 10.0.0.2 is outside the port's subnet 10.0.0.1/32");
#undef PGW
#undef PIP
}

static void t_lcores(void)
{
	ERR(P0 "lcores:\n  main: 0\n  workers: [1, 2, 1]\n",
	    "t.yaml:4:19: lcores.workers[2]: cpu 1 listed twice (also lcores.workers[0])");
	ERR(P0 "lcores:\n  main: 2\n  workers:\n    - 1\n    - 2\n",
	    "t.yaml:6:7: lcores.workers[1]: cpu 2 is the main lcore (lcores.main)");
	ERR(P0 "lcores:\n  workers: [3, 0]\n", "t.yaml:3:16: lcores.workers[1]: cpu 0 is the main lcore (lcores.main)");
	/* main collides with the default worker list */
	ERR(P0 "lcores:\n  main: 1\n", "t.yaml:3:9: lcores.main: cpu 1 is also a worker (lcores.workers[0])");
	ERR(P0 "lcores: {workers: []}\n", "t.yaml:2:19: lcores.workers: must list at least one worker cpu");
	OK(P0 "lcores: {main: 1, workers: [0]}\n");
	/* 64 workers are fine, 65 are not */
	char y[1024];
	size_t off = 0;
	sg_bprintf(y, sizeof(y), &off, P0 "lcores:\n  main: 127\n  workers: [");
	for (int i = 0; i < 64; i++)
		sg_bprintf(y, sizeof(y), &off, "%s%d", i ? ", " : "", i);
	sg_bprintf(y, sizeof(y), &off, "]\n");
	OK(y);
	CU_ASSERT_EQUAL(cfg.n_workers, 64);
	CU_ASSERT_EQUAL(cfg.workers[63], 63);
	off -= 2;
	sg_bprintf(y, sizeof(y), &off, ", 64]\n");
	ERR(y, "t.yaml:4:259: lcores.workers[64]: too many workers (max 64)");

	/* worker_cpus: lcore ids are names, the CPUs may repeat (workers sharing one). */
	OK(P0 "lcores:\n  main: 0\n  workers: [1, 2]\n  worker_cpus: [1, 1]\n");
	CU_ASSERT_EQUAL(cfg.n_workers, 2);
	CU_ASSERT_EQUAL(cfg.n_worker_cpus, 2);
	CU_ASSERT(cfg.worker_cpus[0] == 1 && cfg.worker_cpus[1] == 1);
	OK(P0 "lcores: {worker_cpus: [0]}\n");   /* default worker 1 on CPU 0 */
	CU_ASSERT(cfg.n_workers == 1 && cfg.workers[0] == 1 && cfg.worker_cpus[0] == 0);
	OK(P0 "lcores: {workers: [1, 2], worker_cpus: []}\n");
	CU_ASSERT_EQUAL(cfg.n_worker_cpus, 0);
	ERR(P0 "lcores:\n  workers: [1, 2]\n  worker_cpus: [1]\n",
	    "t.yaml:4:16: lcores.worker_cpus: lists 1 cpus for 2 workers (one per worker, same order)");
	ERR(P0 "lcores: {worker_cpus: [1, 1]}\n",
	    "t.yaml:2:23: lcores.worker_cpus: lists 2 cpus for 1 workers (one per worker, same order)");
	ERR(P0 "lcores: {workers: [1, 2], worker_cpus: [1, 128]}\n",
	    "t.yaml:2:44: lcores.worker_cpus[1]: value 128 out of range 0..127");
	ERR(P0 "lcores: {worker_cpus: 1}\n", "t.yaml:2:23: lcores.worker_cpus: expected a list, got a scalar");
	/* the validator checks configurations built in code too */
	sg_config_init(&cfg);
	cfg.n_worker_cpus = 3;
	CU_ASSERT_EQUAL(sg_config_validate(&cfg, err, sizeof(err)), -EINVAL);
}

/* The dump shows worker_cpus only when set, and loads back. */
static void t_lcores_dump(void)
{
	static char d[1 << 16];
	OK(P0 "lcores:\n  main: 0\n  workers: [1, 2, 3]\n  worker_cpus: [1, 1, 0]\n");
	CU_ASSERT_EQUAL_FATAL(sg_config_dump(&cfg, d, sizeof(d)), 0);
	CU_ASSERT_PTR_NOT_NULL(strstr(d, "lcores:\n  main: 0\n  workers: [1, 2, 3]\n  worker_cpus: [1, 1, 0]\n"));
	sg_config_init(&cfg2);
	CU_ASSERT_EQUAL(sg_config_load_buf(&cfg2, "d.yaml", d, strlen(d), err, sizeof(err)), 0);
	CU_ASSERT(cfg2.n_worker_cpus == 3 && cfg2.worker_cpus[2] == 0);
	OK(P0 "lcores: {workers: [1, 2]}\n");
	CU_ASSERT_EQUAL_FATAL(sg_config_dump(&cfg, d, sizeof(d)), 0);
	CU_ASSERT_PTR_NULL(strstr(d, "worker_cpus"));
}

static void t_duplicates(void)
{
	ERR(P0 "log_level: info\nlog_level: debug\n", "t.yaml:3:1: log_level: duplicate key");
	ERR(P0 "memory:\n  size_mb: 128\n  size_mb: 256\n", "t.yaml:4:3: memory.size_mb: duplicate key");
	ERR("ports: [{name: d, device: net_null0, ipv4: 10.0.0.1/24, name: e}]\n",
	    "t.yaml:1:57: ports[0].name: duplicate key");
	ERR(P0 "paths:\n  cam1: {source: publisher}\n  cam1: {source: publisher}\n",
	    "t.yaml:4:3: paths.cam1: duplicate key");
	ERR(P0 P0, "t.yaml:2:1: ports: duplicate key");
}

static void t_document(void)
{
	ERR("", "t.yaml:1:1: empty configuration");
	sg_config_init(&cfg);
	CU_ASSERT_EQUAL(sg_config_load_buf(&cfg, "t.yaml", NULL, 0, err, sizeof(err)), -EINVAL);
	CU_ASSERT_STRING_EQUAL(err, "t.yaml:1:1: empty configuration");
	ERR("# nothing here\n\n", "t.yaml:1:1: empty configuration");
	ERR("---\n", "t.yaml:1:1: empty configuration");
	ERR("~\n", "t.yaml:1:1: empty configuration");
	ERR("- a\n- b\n", "t.yaml:1:1: the top level must be a mapping of keys");
	ERR("just text\n", "t.yaml:1:1: the top level must be a mapping of keys");
	ERR("x: 1\n  y: 2\n", "t.yaml:2:4: syntax error: mapping values are not allowed in this context");
	/* a syntax error is reported even after a schema error earlier in the file */
	ERR("wat: 1\nlog_level: [info\n", "t.yaml:3:1: syntax error: did not find expected ',' or ']'");
	ERR("a: \"unterminated\n", "t.yaml:2:1: syntax error: found unexpected end of stream");
	ERR("log_level:\tinfo\n\tx: 1\n", "t.yaml:2:1: syntax error: found a tab character that violates indentation");
	ERR("a: \"\xff\"\n", "t.yaml:1:5: syntax error: invalid leading UTF-8 octet");
	ERR(P0 "---\n" P0, "t.yaml:2:1: only one YAML document is allowed");
	ERR(P0 "log_level: &lvl info\n", "t.yaml:2:12: log_level: anchors (&name) are not supported");
	ERR(P0 "memory: &b {size_mb: 128}\n", "t.yaml:2:9: memory: anchors (&name) are not supported");
	ERR(P0 "ctl: {socket: /a}\nmemory: {file_prefix: *x}\n",
	    "t.yaml:3:23: memory.file_prefix: aliases (*name) are not supported");
	ERR(P0 "log_level: !!str info\n", "t.yaml:2:12: log_level: tags (!tag) are not supported");
	ERR(P0 "memory: !m {size_mb: 128}\n", "t.yaml:2:9: memory: tags (!tag) are not supported");
	ERR(P0 "\"\": 1\n", "t.yaml:2:1: empty key");
}

static void t_files(void)
{
	char dir[] = "/tmp/sg_config_test.XXXXXX", path[512];
	CU_ASSERT_PTR_NOT_NULL_FATAL(mkdtemp(dir));

	sg_config_init(&cfg);
	CU_ASSERT_EQUAL(sg_config_load_file(&cfg, "/nonexistent/streamgate.yaml", err, sizeof(err)), -ENOENT);
	CU_ASSERT_STRING_EQUAL(err, "/nonexistent/streamgate.yaml: No such file or directory");
	CU_ASSERT_EQUAL(sg_config_load_file(&cfg, dir, err, sizeof(err)), -EISDIR);

	snprintf(path, sizeof(path), "%s/a.yaml", dir);
	FILE *f = fopen(path, "w");
	CU_ASSERT_PTR_NOT_NULL_FATAL(f);
	fputs(P0 "lcores: {main: 0, workers: [1, 2]}\nlog_level: bogus\n", f);
	fclose(f);
	char want[600];
	snprintf(want, sizeof(want), "%s:3:12: log_level: unknown log level \"bogus\" (err|warn|notice|info|debug)", path);
	CU_ASSERT_EQUAL(sg_config_load_file(&cfg, path, err, sizeof(err)), -EINVAL);
	CU_ASSERT_STRING_EQUAL(err, want);
	/* nothing of a failed load reaches the config */
	CU_ASSERT_EQUAL(cfg.n_workers, 1);
	CU_ASSERT_EQUAL(cfg.n_ports, 0);
	CU_ASSERT_STRING_EQUAL(cfg.file, "<built-in>");

	f = fopen(path, "w");
	fputs(P0 "lcores: {main: 0, workers: [1, 2]}\n", f);
	fclose(f);
	CU_ASSERT_EQUAL(sg_config_load_file(&cfg, path, err, sizeof(err)), 0);
	CU_ASSERT_STRING_EQUAL(cfg.file, path);
	CU_ASSERT_EQUAL(cfg.n_workers, 2);

	/* over 1 MiB: refused before parsing */
	snprintf(path, sizeof(path), "%s/big.yaml", dir);
	f = fopen(path, "w");
	fputs(P0, f);
	for (int i = 0; i < (1 << 20) / 8; i++)
		fputs("#comment\n", f);
	fclose(f);
	CU_ASSERT_EQUAL(sg_config_load_file(&cfg, path, err, sizeof(err)), -EFBIG);
	CU_ASSERT_PTR_NOT_NULL(strstr(err, "file too large (max 1048576 bytes)"));
	unlink(path);
	snprintf(path, sizeof(path), "%s/a.yaml", dir);
	unlink(path);
	rmdir(dir);

	/* vector files */
	sg_config_init(&cfg);
	CU_ASSERT_EQUAL(sg_config_load_file(&cfg, SG_TEST_VECTORS "/config/minimal.yaml", err, sizeof(err)), 0);
	CU_ASSERT_STRING_EQUAL(cfg.ports[0].profile, "af_packet");
	CU_ASSERT_EQUAL(sg_config_load_file(&cfg, SG_TEST_VECTORS "/config/bad_nested_key.yaml", err, sizeof(err)),
			-EINVAL);
	CU_ASSERT_STRING_EQUAL(err, SG_TEST_VECTORS "/config/bad_nested_key.yaml:8:3: lcores.wrokers: unknown key");

	/* a long path does not fit c->file */
	memset(path, 'a', sizeof(path) - 1);
	path[sizeof(path) - 1] = '\0';
	CU_ASSERT_EQUAL(sg_config_load_file(&cfg, path, err, sizeof(err)), -ENAMETOOLONG);
	/* tiny error buffers are filled but never overrun */
	char small[16];
	CU_ASSERT_EQUAL(sg_config_load_buf(&cfg, "t.yaml", "wat: 1", 6, small, sizeof(small)), -EINVAL);
	CU_ASSERT_STRING_EQUAL(small, "t.yaml:1:1: wat");
	CU_ASSERT_EQUAL(sg_config_load_buf(&cfg, "t.yaml", "wat: 1", 6, NULL, 0), -EINVAL);
}

static void t_limits(void)
{
	size_t off = 0;
	sg_bprintf(big, sizeof(big), &off, "ports:\n");
	for (int i = 0; i < 9; i++)
		sg_bprintf(big, sizeof(big), &off, "  - {name: p%d, device: net_null%d, ipv4: 10.%d.0.1/16}\n", i, i, i);
	ERR(big, "t.yaml:10:5: ports[8]: too many ports (max 8)");
	off = 0;
	sg_bprintf(big, sizeof(big), &off, P0 "paths:\n");
	for (int i = 0; i < 257; i++)
		sg_bprintf(big, sizeof(big), &off, "  c%d: {source: publisher}\n", i);
	ERR(big, "t.yaml:259:3: paths.c256: too many paths (max 256)");
	/* exactly 256 is fine */
	big[off - strlen("  c256: {source: publisher}\n")] = '\0';
	OK(big);
	CU_ASSERT_EQUAL(cfg.n_paths, 256);
	CU_ASSERT_STRING_EQUAL(cfg.paths[255].name, "c255");

	/* strings: the longest that fits is accepted, one more byte is an error */
	OK("ports: [{name: n234567890123456789012345678901, device: net_null0, ipv4: 10.0.0.1/24}]\n");
	CU_ASSERT_EQUAL(strlen(cfg.ports[0].name), 31);
	ERR("ports: [{name: n2345678901234567890123456789012, device: net_null0, ipv4: 10.0.0.1/24}]\n",
	    "t.yaml:1:16: ports[0].name: string too long (32 bytes, max 31)");
	ERR("ports: [{name: d, device: net_null0, ipv4: 10.0.0.1/24, tap: sg-0123456789abc}]\n",
	    "t.yaml:1:62: ports[0].tap: string too long (16 bytes, max 15)");
	OK("ports: [{name: d, device: net_null0, ipv4: 10.0.0.1/24, tap: sg-0123456789ab}]\n");
	char dev[600];
	memset(dev, 'x', sizeof(dev));
	snprintf(big, sizeof(big), "ports: [{name: d, device: \"net_null0,%.*s\", ipv4: 10.0.0.1/24}]\n", 245, dev);
	OK(big);
	CU_ASSERT_EQUAL(strlen(cfg.ports[0].device), 255);
	snprintf(big, sizeof(big), "ports: [{name: d, device: \"net_null0,%.*s\", ipv4: 10.0.0.1/24}]\n", 246, dev);
	ERR(big, "t.yaml:1:27: ports[0].device: string too long (256 bytes, max 255)");
	snprintf(big, sizeof(big), P0 "ctl: {socket: /%.*s}\n", 107, dev);
	ERR(big, "t.yaml:2:15: ctl.socket: string too long (108 bytes, max 107)");
	snprintf(big, sizeof(big), P0 "paths: {a: {source: publisher, read_token: %.*s}}\n", 128, dev);
	ERR(big, "t.yaml:2:44: paths.a.read_token: string too long (128 bytes, max 127)");
	snprintf(big, sizeof(big), P0 "paths: {a: {source: publisher, publish_user: u, publish_pass: %.*s}}\n", 64, dev);
	ERR(big, "t.yaml:2:63: paths.a.publish_pass: string too long (64 bytes, max 63)");
	snprintf(big, sizeof(big), P0 "paths: {%.*s: {source: publisher}}\n", 64, dev);
	ERR(big, "t.yaml:2:9: paths: key \"xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx...\" too long (64 bytes, max 63)");
	snprintf(big, sizeof(big), P0 "paths: {%.*s: {source: publisher}}\n", 63, dev);
	OK(big);
	snprintf(big, sizeof(big), P0 "paths: {a: {source: rtsp://h/%.*s}}\n", 512 - 9, dev);
	ERR(big, "t.yaml:2:21: paths.a.source: string too long (512 bytes, max 511)");
	snprintf(big, sizeof(big), P0 "memory: {file_prefix: %.*s}\n", 64, dev);
	ERR(big, "t.yaml:2:23: memory.file_prefix: string too long (64 bytes, max 63)");
	off = 0;
	sg_bprintf(big, sizeof(big), &off, P0 "log_level: ");
	memset(big + off, 'y', 2000);
	snprintf(big + off + 2000, 8, "\n");
	ERR(big, "t.yaml:2:12: log_level: string too long (2000 bytes, max 63)");
}

static void t_ports(void)
{
	ERR("ports:\n  - {name: a, device: net_null0, ipv4: 10.0.0.1/24}\n  - {name: a, device: net_null1, ipv4: 10.0.1.1/24}\n",
	    "t.yaml:3:12: ports[1].name: duplicate port name \"a\" (also ports[0])");
	ERR("ports:\n  - {name: a, device: net_null0, ipv4: 10.0.0.1/24}\n  - {name: b, device: net_null0, ipv4: 10.0.1.1/24}\n",
	    "t.yaml:3:23: ports[1].device: device already used by ports[0]");
	ERR("ports:\n  - {name: a, device: net_null0, ipv4: 10.0.0.1/24, tap: t0}\n"
	    "  - {name: b, device: net_null1, ipv4: 10.0.1.1/24, tap: t0}\n",
	    "t.yaml:3:58: ports[1].tap: TAP name \"t0\" already used by ports[0]");
	/* defaulted tap names collide after truncation: reported at the name */
	ERR("ports:\n  - {name: port_number_1, device: net_null0, ipv4: 10.0.0.1/24}\n"
	    "  - {name: port_number_12, device: net_null1, ipv4: 10.0.1.1/24}\n",
	    "t.yaml:3:12: ports[1].tap: TAP name \"sg-port_number_\" already used by ports[0]");
	ERR("ports:\n  - {name: a, device: net_null0, ipv4: 10.0.0.1/16}\n  - {name: b, device: net_null1, ipv4: 10.0.1.1/24}\n",
	    "t.yaml:3:40: ports[1].ipv4: subnet 10.0.1.0/24 overlaps ports[0] (10.0.0.0/16)");
	ERR("ports:\n  - {name: a, device: net_null0, ipv4: 10.0.0.1/24, gateway: 10.0.0.9}\n"
	    "  - {name: b, device: net_null1, ipv4: 10.1.0.1/24, gateway: 10.1.0.9}\n",
	    "t.yaml:3:62: ports[1].gateway: only one port may have a gateway (ports[0] has one)");
	ERR("ports:\n  - name: a\n    device: \"0000:03:00.1\"\n    ipv4: 10.0.0.1/24\n",
	    "t.yaml:2:5: ports[0]: missing key 'profile' (it can only be derived from a net_<driver>N vdev)");
	ERR("ports:\n  - {name: a, device: eth0, ipv4: 10.0.0.1/24}\n",
	    "t.yaml:2:5: ports[0]: missing key 'profile' (it can only be derived from a net_<driver>N vdev)");
	ERR("ports:\n  - {name: a, device: net_null0, ipv4: 10.0.0.1/24, profile: Af_packet}\n",
	    "t.yaml:2:62: ports[0].profile: profile names are [a-z0-9_]");
	ERR("ports:\n  - {name: a, device: net_null0, ipv4: 10.0.0.1/24, profile: ../x}\n",
	    "t.yaml:2:62: ports[0].profile: invalid character at offset 0: only A-Z a-z 0-9 _ - are allowed");
	ERR("ports:\n  - {name: a, ipv4: 10.0.0.1/24}\n", "t.yaml:2:5: ports[0]: missing key 'device'");
	ERR("ports:\n  - {name: a, device: net_null0}\n", "t.yaml:2:5: ports[0]: missing key 'ipv4'");
	ERR("ports:\n  - {name: a b, device: net_null0, ipv4: 10.0.0.1/24}\n",
	    "t.yaml:2:12: ports[0].name: invalid character at offset 1: only A-Z a-z 0-9 _ - are allowed");
	ERR("ports:\n  - {name: a, device: net null0, ipv4: 10.0.0.1/24}\n",
	    "t.yaml:2:23: ports[0].device: invalid character at offset 3: only printable ASCII without spaces is allowed");
	ERR("ports: []\n", "t.yaml:1:8: ports: at least one port is required (max 8)");
	ERR("log_level: info\n", "t.yaml:1:1: ports: at least one port is required (max 8)");
	ERR("ports: [5]\n", "t.yaml:1:9: ports[0]: expected a mapping, got a scalar");

	/* PCI address forms */
	static const struct { const char *dev; bool pci; } pci[] = {
		{"0000:03:00.1", true}, {"03:00.1", true}, {"0000:af:1f.7", true}, {"AF:00.0", true},
		{"0000:03:00.1,rxq_cqe_comp_en=0", true}, {"0000:03:20.1", false}, {"0000:03:00.8", false},
		{"03:00", false}, {"3:00.1", false}, {"0000:03:00.1x", false},
	};
	for (unsigned i = 0; i < SG_ARRAY_SIZE(pci); i++) {
		snprintf(big, sizeof(big), "ports: [{name: a, device: \"%s\", profile: mlx5, ipv4: 10.0.0.1/24}]", pci[i].dev);
		OK(big);
		CU_ASSERT_EQUAL(cfg.ports[0].is_pci, pci[i].pci);
	}
	OK("ports: [{name: a, device: net_ring12, ipv4: 10.0.0.1/24}]");
	CU_ASSERT_STRING_EQUAL(cfg.ports[0].profile, "ring");
}

static void t_paths(void)
{
#define PH(x) P0 "paths:\n  cam1:\n" x
	ERR(PH("    source: http://cam/x\n"),
	    "t.yaml:4:13: paths.cam1.source: must be \"publisher\" or an rtsp:// or rtsps:// URL with a host");
	ERR(PH("    source: rtsp:///x\n"),
	    "t.yaml:4:13: paths.cam1.source: must be \"publisher\" or an rtsp:// or rtsps:// URL with a host");
	ERR(PH("    source: rtsp://u:p@/x\n"),
	    "t.yaml:4:13: paths.cam1.source: must be \"publisher\" or an rtsp:// or rtsps:// URL with a host");
	ERR(PH("    transport: tcp\n"), "t.yaml:4:5: paths.cam1: missing key 'source'");
	ERR(PH("    source: publisher\n    source_on_demand: true\n"),
	    "t.yaml:5:23: paths.cam1.source_on_demand: needs an rtsp:// or rtsps:// source");
	ERR(PH("    source: publisher\n    transport: udp\n"),
	    "t.yaml:5:16: paths.cam1.transport: only applies to an rtsp:// or rtsps:// source");
	ERR(PH("    source: rtsp://cam/x\n    publish_user: u\n    publish_pass: p\n"),
	    "t.yaml:5:19: paths.cam1.publish_user: publish credentials need source: publisher");
	ERR(PH("    source: publisher\n    publish_user: u\n"),
	    "t.yaml:5:19: paths.cam1.publish_user: publish_user and publish_pass must be set together");
	ERR(PH("    source: publisher\n    publish_pass: p\n"),
	    "t.yaml:5:19: paths.cam1.publish_pass: publish_user and publish_pass must be set together");
	ERR(PH("    source: publisher\n    publish_user: \"a:b\"\n    publish_pass: p\n"),
	    "t.yaml:5:19: paths.cam1.publish_user: must not contain ':' (RFC 7617)");
	ERR(PH("    source: publisher\n    read_token: \"ab=c\"\n"),
	    "t.yaml:5:17: paths.cam1.read_token: only A-Z a-z 0-9 - . _ ~ + / and trailing = are allowed (RFC 6750 b64token)");
	ERR(PH("    source: publisher\n    read_token: \"a b\"\n"),
	    "t.yaml:5:17: paths.cam1.read_token: invalid character at offset 1: only printable ASCII without spaces is allowed");
	ERR(P0 "paths:\n  ..:\n    source: publisher\n",
	    "t.yaml:3:3: paths...: path names are [A-Za-z0-9._~-] and not \".\" or \"..\"");
	ERR(P0 "paths:\n  a/b:\n    source: publisher\n",
	    "t.yaml:3:3: paths.a/b: path names are [A-Za-z0-9._~-] and not \".\" or \"..\"");
	ERR(P0 "paths: [cam1]\n", "t.yaml:2:8: paths: expected a mapping, got a list");
	OK(PH("    source: publisher\n    read_token: \"\"\n"));
	CU_ASSERT_STRING_EQUAL(cfg.paths[0].read_token, "");
	OK(P0 "paths: {}\n");
	CU_ASSERT_EQUAL(cfg.n_paths, 0);
	/* TLS keys: rtsps:// only, consistent, well-formed */
	ERR(PH("    source: rtsp://cam/x\n    tls_verify: false\n"),
	    "t.yaml:5:17: paths.cam1.tls_verify: only applies to an rtsps:// source");
	ERR(PH("    source: publisher\n    tls_ca_file: /etc/ca.pem\n"),
	    "t.yaml:5:18: paths.cam1.tls_ca_file: only applies to an rtsps:// source");
	ERR(PH("    source: rtsp://cam/x\n    tls_fingerprint: sha256:00\n"),
	    "t.yaml:5:22: paths.cam1.tls_fingerprint: only applies to an rtsps:// source");
	OK(PH("    source: rtsp://cam/x\n    tls_verify: true\n")); /* the default is harmless */
	ERR(PH("    source: rtsps://cam/x\n    tls_ca_file: ca.pem\n"),
	    "t.yaml:5:18: paths.cam1.tls_ca_file: must be an absolute path");
	ERR(PH("    source: rtsps://cam/x\n    tls_ca_file: \"\"\n"),
	    "t.yaml:5:18: paths.cam1.tls_ca_file: must not be empty");
	ERR(PH("    source: rtsps://cam/x\n    tls_verify: maybe\n"),
	    "t.yaml:5:17: paths.cam1.tls_verify: expected true/false/yes/no, got \"maybe\"");
#define FPERR "expected \"sha256:\" and 32 hex bytes (AB:CD:... as `openssl x509 -fingerprint -sha256` prints)"
#define FP32 "00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff"
	ERR(PH("    source: rtsps://cam/x\n    tls_fingerprint: \"sha1:00:11\"\n"),
	    "t.yaml:5:22: paths.cam1.tls_fingerprint: " FPERR);
	ERR(PH("    source: rtsps://cam/x\n    tls_fingerprint: \"sha256:" FP32 "00\"\n"),
	    "t.yaml:5:22: paths.cam1.tls_fingerprint: " FPERR);
	ERR(PH("    source: rtsps://cam/x\n    tls_fingerprint: \"sha256:" FP32 "\"\n    tls_ca_file: /ca.pem\n"),
	    "t.yaml:5:22: paths.cam1.tls_fingerprint: a pinned fingerprint replaces tls_ca_file: set one of them");
	ERR(PH("    source: rtsps://cam/x\n    tls_verify: false\n    tls_ca_file: /ca.pem\n"),
	    "t.yaml:5:17: paths.cam1.tls_verify: false turns off every check: drop tls_ca_file/tls_fingerprint or tls_verify");
	OK(PH("    source: rtsps://cam/x\n    tls_fingerprint: \"SHA256:" FP32 "\"\n"));
	CU_ASSERT_TRUE(cfg.paths[0].tls_verify);
	{
		uint8_t fp[SG_CONFIG_FINGERPRINT_LEN];
		static const char *const bad[] = {
			"", "sha256:", "sha256:0", "sha256:00:11", "sha256:" FP32 ":",
			"sha256:" FP32 "0", "sha256:0g112233445566778899aabbccddeeff00112233445566778899aabbccddeeff", "sha256:00:1122:33:44:55:66:77:88:99:aa:bb:cc:dd:ee:ff:00:11:22:33:44:55:66:77:88:99:aa:bb:cc:dd:ee:ff",
			"sha256::00:11:22:33:44:55:66:77:88:99:aa:bb:cc:dd:ee:ff:00:11:22:33:44:55:66:77:88:99:aa:bb:cc:dd:ee",
			("sha256 " FP32),
		};
		for (size_t i = 0; i < SG_ARRAY_SIZE(bad); i++)
			CU_ASSERT_EQUAL(sg_config_fingerprint_parse(bad[i], fp), -EINVAL);
		CU_ASSERT_EQUAL(sg_config_fingerprint_parse(NULL, fp), -EINVAL);
		CU_ASSERT_EQUAL(sg_config_fingerprint_parse("sha256:" FP32, fp), 0);
		CU_ASSERT(fp[0] == 0x00 && fp[15] == 0xff && fp[16] == 0x00 && fp[31] == 0xff);
	}
#undef FPERR
#undef FP32
#undef PH
}

static void t_validate_api(void)
{
	sg_config_init(&cfg);
	cfg.n_ports = 1;
	struct sg_config_port *p = &cfg.ports[0];
	snprintf(p->name, sizeof(p->name), "x");
	snprintf(p->device, sizeof(p->device), "net_null0");
	snprintf(p->profile, sizeof(p->profile), "null");
	snprintf(p->tap_name, sizeof(p->tap_name), "sg-x");
	p->ipv4 = 0x0a000001;
	p->prefix_len = 24;
	p->mtu = 1500;
	CU_ASSERT_EQUAL(sg_config_validate(&cfg, err, sizeof(err)), 0);
	cfg.workers[0] = 0;
	CU_ASSERT_EQUAL(sg_config_validate(&cfg, err, sizeof(err)), -EINVAL);
	CU_ASSERT_STRING_EQUAL(err, "<built-in>: lcores.workers[0]: cpu 0 is the main lcore (lcores.main)");
	cfg.workers[0] = 1;
	p->gateway = 0x0b000001;
	CU_ASSERT_EQUAL(sg_config_validate(&cfg, err, sizeof(err)), -EINVAL);
	CU_ASSERT_STRING_EQUAL(err, "<built-in>: ports[0].gateway: 11.0.0.1 is outside the port's subnet 10.0.0.0/24");
	p->gateway = 0;
	cfg.mbufs = 300;   /* below the YAML range: only reachable from code */
	CU_ASSERT_EQUAL(sg_config_validate(&cfg, err, sizeof(err)), -EINVAL);
	CU_ASSERT_STRING_EQUAL(err, "<built-in>: mempool.cache: 256 too large for 300 mbufs "
			       "(need cache <= 512 and cache*3/2 <= mbufs)");
	cfg.mbufs = 16383;
	p->prefix_len = 0;
	CU_ASSERT_EQUAL(sg_config_validate(&cfg, err, sizeof(err)), -EINVAL);
	CU_ASSERT_STRING_EQUAL(err, "<built-in>: ports[0].ipv4: prefix length must be 1..32");
}

struct prof_expect {
	const char *name, *driver;
	uint16_t max_queues;
	bool rss, kernel_visible;
};

#include "test_config_profiles.inc"

static void t_dump(void)
{
	static char d1[1 << 16], d2[1 << 16];
	OK(full_yaml);
	CU_ASSERT_EQUAL_FATAL(sg_config_dump(&cfg, d1, sizeof(d1)), 0);
	/* secrets never appear */
	CU_ASSERT_PTR_NULL(strstr(d1, "s3cret"));
	CU_ASSERT_PTR_NULL(strstr(d1, "abc-DEF_123"));
	CU_ASSERT_PTR_NULL(strstr(d1, ":pw@"));
	CU_ASSERT_PTR_NOT_NULL(strstr(d1, "    read_token: \"***\"\n"));
	CU_ASSERT_PTR_NOT_NULL(strstr(d1, "    publish_pass: \"***\"\n"));
	CU_ASSERT_PTR_NOT_NULL(strstr(d1, "    source: \"rtsp://u:***@10.1.2.9:554/ch1\"\n"));
	CU_ASSERT_PTR_NOT_NULL(strstr(d1, "    publish_user: \"alice\"\n"));
	CU_ASSERT_PTR_NOT_NULL(strstr(d1, "  mode: \"0600\"\n"));
	CU_ASSERT_PTR_NOT_NULL(strstr(d1, "    tls_verify: true\n    tls_ca_file: \"/etc/sg/cam2-ca.pem\"\n"));
	CU_ASSERT_PTR_NOT_NULL(strstr(d1, "    tls_verify: false\n"));
	CU_ASSERT_PTR_NOT_NULL(strstr(d1, "    tls_fingerprint: \"sha256:00:11:22:33:"));
	CU_ASSERT_PTR_NOT_NULL(strstr(d1, "  workers: [4, 5, 7]\n"));
	CU_ASSERT_PTR_NOT_NULL(strstr(d1, "    ipv4: 203.0.113.10/28\n    gateway: 203.0.113.1\n"));
	/* everything else round-trips: blank the secrets, dump, load the dump, dump again */
	for (unsigned i = 0; i < cfg.n_paths; i++)
		cfg.paths[i].read_token[0] = cfg.paths[i].publish_user[0] = cfg.paths[i].publish_pass[0] = '\0';
	snprintf(cfg.paths[1].source, sizeof(cfg.paths[1].source), "rtsp://10.1.2.9/ch1");
	CU_ASSERT_EQUAL_FATAL(sg_config_dump(&cfg, d1, sizeof(d1)), 0);
	sg_config_init(&cfg2);
	int rc = sg_config_load_buf(&cfg2, "t.yaml", d1, strlen(d1), err, sizeof(err));
	CU_ASSERT_EQUAL(rc, 0);
	if (rc)
		fprintf(stderr, "\n  reload: %s\n%s", err, d1);
	CU_ASSERT_EQUAL(sg_config_dump(&cfg2, d2, sizeof(d2)), 0);
	CU_ASSERT_STRING_EQUAL(d1, d2);
	CU_ASSERT_EQUAL(cfg2.ports[1].prefix_len, 31);
	CU_ASSERT_EQUAL(cfg2.mbuf_cache, 512);
	/* too small a buffer: -ENOSPC, still a terminated prefix */
	char small[64];
	CU_ASSERT_EQUAL(sg_config_dump(&cfg, small, sizeof(small)), -ENOSPC);
	CU_ASSERT_EQUAL(strlen(small), sizeof(small) - 1);
	CU_ASSERT_EQUAL(sg_config_dump(&cfg, small, 0), -EINVAL);
}

static void t_repo_files(void)
{
	struct sg_config_profile prof;
	sg_config_init(&cfg);
	int rc = sg_config_load_file(&cfg, REPO "/streamgate.yaml", err, sizeof(err));
	CU_ASSERT_EQUAL(rc, 0);
	if (rc)
		fprintf(stderr, "\n  %s\n", err);
	CU_ASSERT_EQUAL(cfg.main_lcore, 0);
	CU_ASSERT(cfg.n_workers == 1 && cfg.workers[0] == 1);
	CU_ASSERT_FALSE(cfg.hugepages);
	CU_ASSERT_EQUAL(cfg.mem_mb, 512);
	CU_ASSERT_STRING_EQUAL(cfg.ctl_socket, "/run/streamgate/ctl.sock");
	CU_ASSERT_EQUAL(cfg.http_port, 8889);
	CU_ASSERT_EQUAL(cfg.media_port, 8189);
	CU_ASSERT_EQUAL_FATAL(cfg.n_ports, 1);
	CU_ASSERT_STRING_EQUAL(cfg.ports[0].name, "data0");
	CU_ASSERT_STRING_EQUAL(cfg.ports[0].device, "net_af_packet0,iface=sg-nic");
	CU_ASSERT_STRING_EQUAL(cfg.ports[0].profile, "af_packet");
	CU_ASSERT_EQUAL(cfg.ports[0].ipv4, 0xc6120001u);
	CU_ASSERT_EQUAL(cfg.ports[0].prefix_len, 24);
	CU_ASSERT_EQUAL(cfg.ports[0].gateway, 0xc61200feu);
	CU_ASSERT_STRING_EQUAL(cfg.ports[0].tap_name, "sg-tap0");
	CU_ASSERT_EQUAL_FATAL(cfg.n_paths, 2);
	CU_ASSERT_STRING_EQUAL(cfg.paths[0].name, "cam1");
	CU_ASSERT_STRING_EQUAL(cfg.paths[0].source, "rtsp://198.18.0.2:8554/cam"); /* tools/demo's camera */
	CU_ASSERT_STRING_EQUAL(cfg.paths[1].name, "pub1");
	CU_ASSERT_STRING_EQUAL(cfg.paths[1].source, "publisher");
	CU_ASSERT_EQUAL_FATAL(sg_config_profile_load(&prof, DRIVERS, cfg.ports[0].profile, err, sizeof(err)), 0);
	CU_ASSERT_EQUAL(sg_config_port_apply_profile(&cfg.ports[0], &prof, cfg.n_workers, err, sizeof(err)), 0);

	sg_config_init(&cfg);
	rc = sg_config_load_file(&cfg, REPO "/deploy/streamgate.yaml.example", err, sizeof(err));
	CU_ASSERT_EQUAL(rc, 0);
	if (rc)
		fprintf(stderr, "\n  %s\n", err);
	CU_ASSERT_TRUE(cfg.hugepages);
	CU_ASSERT(cfg.n_ports >= 1 && cfg.n_paths >= 1);
	/* every port of the example names a shipped profile that fits it */
	for (unsigned i = 0; i < cfg.n_ports; i++) {
		rc = sg_config_profile_load(&prof, DRIVERS, cfg.ports[i].profile, err, sizeof(err));
		CU_ASSERT_EQUAL(rc, 0);
		if (!rc)
			CU_ASSERT_EQUAL(sg_config_port_apply_profile(&cfg.ports[i], &prof, cfg.n_workers, err,
								     sizeof(err)), 0);
	}
}

int main(void)
{
	if (CU_initialize_registry() != CUE_SUCCESS)
		return 1;
	sg_log_level_set(SG_LOG_ERR);
	CU_pSuite s = CU_add_suite("config", NULL, NULL);
	CU_add_test(s, "defaults", t_defaults);
	CU_add_test(s, "minimal config, defaults per field", t_minimal);
	CU_add_test(s, "full config", t_full);
	CU_add_test(s, "unknown keys", t_unknown_keys);
	CU_add_test(s, "ranges", t_ranges);
	CU_add_test(s, "types", t_types);
	CU_add_test(s, "ipv4/cidr/gateway", t_ipv4);
	CU_add_test(s, "lcores", t_lcores);
	CU_add_test(s, "lcores.worker_cpus dump", t_lcores_dump);
	CU_add_test(s, "duplicate keys", t_duplicates);
	CU_add_test(s, "documents, syntax, anchors, tags", t_document);
	CU_add_test(s, "files", t_files);
	CU_add_test(s, "limits and oversize strings", t_limits);
	CU_add_test(s, "ports cross checks", t_ports);
	CU_add_test(s, "paths", t_paths);
	CU_add_test(s, "validate api", t_validate_api);
	CU_add_test(s, "drivers-config profiles", t_profiles);
	CU_add_test(s, "apply profile", t_apply_profile);
	CU_add_test(s, "dump hides secrets, round-trips", t_dump);
	CU_add_test(s, "repo streamgate.yaml and example", t_repo_files);
	CU_basic_set_mode(CU_BRM_VERBOSE);
	CU_basic_run_tests();
	unsigned fails = CU_get_number_of_failures();
	CU_cleanup_registry();
	return fails ? 1 : 0;
}
