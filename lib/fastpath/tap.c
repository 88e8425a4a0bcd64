/* SPDX-License-Identifier: BSD-3-Clause
 * Kernel side of the exception TAP: address, netmask, MTU, default route.
 * Control path only (ioctls on a throw-away socket).
 */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <net/if.h>
#include <net/route.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <unistd.h>

#include "fastpath_priv.h"
#include "sg_common.h"

static void sin_set(struct sockaddr *sa, uint32_t addr_host)
{
	struct sockaddr_in *sin = (struct sockaddr_in *)sa;
	memset(sin, 0, sizeof(*sin));
	sin->sin_family = AF_INET;
	sin->sin_addr.s_addr = htonl(addr_host);
}

/* Best effort: the TAP should not speak IPv6 (router solicitations would leave on the NIC). */
static void disable_ipv6(const char *ifname)
{
	char path[128];
	int fd;

	snprintf(path, sizeof(path), "/proc/sys/net/ipv6/conf/%s/disable_ipv6", ifname);
	fd = open(path, O_WRONLY | O_CLOEXEC);
	if (fd < 0)
		return;
	if (write(fd, "1", 1) != 1)
		SG_DEBUG("tap", "%s: cannot disable IPv6", ifname);
	close(fd);
}

int sg_fp_tap_configure(const char *ifname, uint32_t ipv4, uint8_t prefix_len,
			uint32_t gateway, uint16_t mtu, char *err, size_t errlen)
{
	struct ifreq ifr;
	int s, rc = 0;
	uint32_t mask = prefix_len ? (uint32_t)(0xffffffffull << (32 - prefix_len)) : 0;

	s = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (s < 0) {
		rc = -errno;
		snprintf(err, errlen, "%s: socket: %s", ifname, strerror(errno));
		return rc;
	}
	disable_ipv6(ifname);
	memset(&ifr, 0, sizeof(ifr));
	sg_strlcpy(ifr.ifr_name, ifname, sizeof(ifr.ifr_name));
	sin_set(&ifr.ifr_addr, ipv4);
	if (ioctl(s, SIOCSIFADDR, &ifr) < 0)
		goto fail;
	sin_set(&ifr.ifr_netmask, mask);
	if (ioctl(s, SIOCSIFNETMASK, &ifr) < 0)
		goto fail;
	if (mtu) {
		ifr.ifr_mtu = mtu;
		if (ioctl(s, SIOCSIFMTU, &ifr) < 0)
			goto fail;
	}
	if (ioctl(s, SIOCGIFFLAGS, &ifr) < 0)
		goto fail;
	ifr.ifr_flags |= IFF_UP | IFF_RUNNING;
	if (ioctl(s, SIOCSIFFLAGS, &ifr) < 0)
		goto fail;
	if (gateway) {
		struct rtentry rt;
		memset(&rt, 0, sizeof(rt));
		sin_set(&rt.rt_dst, 0);
		sin_set(&rt.rt_genmask, 0);
		sin_set(&rt.rt_gateway, gateway);
		rt.rt_flags = RTF_UP | RTF_GATEWAY;
		rt.rt_dev = (char *)ifname;
		if (ioctl(s, SIOCADDRT, &rt) < 0 && errno != EEXIST) {
			SG_WARN("tap", "%s: cannot add default route: %s", ifname, strerror(errno));
		}
	}
	close(s);
	return 0;
fail:
	rc = -errno;
	snprintf(err, errlen, "%s: configuring the exception TAP: %s", ifname, strerror(errno));
	close(s);
	return rc;
}
