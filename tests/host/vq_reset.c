/*
 * vcryptod-vq-reset QUEUE: resets one virtqueue of the guest's virtio-crypto
 * device (VIRTIO_F_RING_RESET) through the PCI common configuration, behind
 * the driver's back. For the restart test: after a vcryptod restart QEMU
 * 7.2 restarts the vhost-user data queue only through a device reset, and
 * that reset crashes QEMU unless the queue was reset first (host/README.md).
 * Exit 0 reset, 1 failure, 2 usage.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include <linux/virtio_config.h>
#include <linux/virtio_pci.h>

#define PCI_DIR "/sys/bus/pci/devices"
#define VIRTIO_VENDOR 0x1af4
#define VIRTIO_CRYPTO_MODERN 0x1054
/* virtio 1.2, 4.1.4.3: queue_reset follows queue_notify_data. */
#define COMMON_QUEUE_RESET (sizeof(struct virtio_pci_common_cfg) + 2)

static unsigned long read_hex(const char *dev, const char *attr)
{
	char path[512], buf[32] = "";
	FILE *f;

	snprintf(path, sizeof(path), PCI_DIR "/%s/%s", dev, attr);
	f = fopen(path, "r");
	if (!f)
		return 0;
	if (!fgets(buf, sizeof(buf), f))
		buf[0] = '\0';
	fclose(f);
	return strtoul(buf, NULL, 16);
}

/* The PCI name of the first virtio-crypto function, or -1. */
static int find_device(char *name, size_t size)
{
	DIR *d = opendir(PCI_DIR);
	struct dirent *e;
	int found = -1;

	if (!d)
		return -1;
	while (found < 0 && (e = readdir(d))) {
		if (e->d_name[0] == '.')
			continue;
		if (read_hex(e->d_name, "vendor") == VIRTIO_VENDOR &&
		    read_hex(e->d_name, "device") == VIRTIO_CRYPTO_MODERN) {
			snprintf(name, size, "%s", e->d_name);
			found = 0;
		}
	}
	closedir(d);
	return found;
}

/* BAR and offset of the common configuration capability, or -1. */
static int find_common_cfg(const char *dev, int *bar, uint32_t *offset)
{
	uint8_t cfg[256];
	char path[512];
	unsigned int pos, hops = 0;
	ssize_t n;
	int fd;

	snprintf(path, sizeof(path), PCI_DIR "/%s/config", dev);
	fd = open(path, O_RDONLY);
	if (fd < 0)
		return -1;
	n = pread(fd, cfg, sizeof(cfg), 0);
	close(fd);
	if (n != (ssize_t)sizeof(cfg) || !(cfg[6] & 0x10))
		return -1;
	for (pos = cfg[0x34] & ~3u; pos >= 0x40 && pos <= 0xf0 && hops < 48;
	     pos = cfg[pos + 1] & ~3u, hops++) {
		if (cfg[pos] == 0x09 && cfg[pos + 3] == VIRTIO_PCI_CAP_COMMON_CFG) {
			*bar = cfg[pos + 4];
			memcpy(offset, &cfg[pos + 8], sizeof(*offset));
			return *bar < 6 ? 0 : -1;
		}
	}
	return -1;
}

static uint16_t rd16(volatile uint8_t *c, size_t off)
{
	return *(volatile uint16_t *)(c + off);
}

static void wr16(volatile uint8_t *c, size_t off, uint16_t v)
{
	*(volatile uint16_t *)(c + off) = v;
}

static int reset_queue(volatile uint8_t *c, unsigned int queue)
{
	int polls;

	*(volatile uint32_t *)(c + offsetof(struct virtio_pci_common_cfg,
					    guest_feature_select)) = 1;
	if (!(*(volatile uint32_t *)(c + offsetof(struct virtio_pci_common_cfg,
						  guest_feature)) &
	      (1u << (VIRTIO_F_RING_RESET - 32)))) {
		fprintf(stderr, "vcryptod-vq-reset: VIRTIO_F_RING_RESET not negotiated\n");
		return -1;
	}
	if (queue >= rd16(c, offsetof(struct virtio_pci_common_cfg, num_queues))) {
		fprintf(stderr, "vcryptod-vq-reset: no queue %u\n", queue);
		return -1;
	}
	wr16(c, offsetof(struct virtio_pci_common_cfg, queue_select), queue);
	wr16(c, COMMON_QUEUE_RESET, 1);
	/* The spec has the driver poll until the device reports it done. */
	for (polls = 0; rd16(c, COMMON_QUEUE_RESET) && polls < 1000; polls++)
		usleep(1000);
	if (rd16(c, COMMON_QUEUE_RESET) ||
	    rd16(c, offsetof(struct virtio_pci_common_cfg, queue_enable))) {
		fprintf(stderr, "vcryptod-vq-reset: queue %u did not reset\n", queue);
		return -1;
	}
	return 0;
}

int main(int argc, char **argv)
{
	char dev[256], path[512];
	long page = sysconf(_SC_PAGESIZE);
	uint32_t offset;
	unsigned int queue;
	size_t base, len;
	char *end;
	void *map;
	int bar, fd, rc;

	if (argc != 2 || (queue = strtoul(argv[1], &end, 10), *end) || !*argv[1]) {
		fprintf(stderr, "usage: vcryptod-vq-reset QUEUE\n");
		return 2;
	}
	if (find_device(dev, sizeof(dev)) < 0) {
		fprintf(stderr, "vcryptod-vq-reset: no virtio-crypto PCI device\n");
		return 1;
	}
	if (find_common_cfg(dev, &bar, &offset) < 0) {
		fprintf(stderr, "vcryptod-vq-reset: %s: no virtio common configuration\n", dev);
		return 1;
	}
	snprintf(path, sizeof(path), PCI_DIR "/%s/resource%d", dev, bar);
	fd = open(path, O_RDWR | O_SYNC);
	if (fd < 0) {
		fprintf(stderr, "vcryptod-vq-reset: %s: %s\n", path, strerror(errno));
		return 1;
	}
	base = offset & ~(size_t)(page - 1);
	len = offset - base + COMMON_QUEUE_RESET + 2;
	map = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_SHARED, fd, (off_t)base);
	close(fd);
	if (map == MAP_FAILED) {
		fprintf(stderr, "vcryptod-vq-reset: mmap %s: %s (boot with iomem=relaxed)\n",
			path, strerror(errno));
		return 1;
	}
	rc = reset_queue((volatile uint8_t *)map + (offset - base), queue);
	munmap(map, len);
	if (rc < 0)
		return 1;
	printf("queue %u of %s reset\n", queue, dev);
	return 0;
}
