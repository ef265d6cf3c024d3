#include <errno.h>
#include <stdio.h>
#include <sys/mman.h>
#include <unistd.h>

#include "guest.h"

uint64_t rng_base_seed;

static size_t page_size(void)
{
	return (size_t)sysconf(_SC_PAGESIZE);
}

static size_t map_len(size_t len, size_t offset)
{
	size_t ps = page_size();

	return (offset + len + ps - 1) / ps * ps;
}

uint8_t *buf_alloc(size_t len, size_t offset)
{
	void *m = mmap(NULL, map_len(len ? len : 1, offset),
		       PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS,
		       -1, 0);

	if (m == MAP_FAILED)
		return NULL;
	return (uint8_t *)m + offset;
}

void buf_free(uint8_t *p, size_t offset, size_t len)
{
	if (p)
		munmap(p - offset, map_len(len ? len : 1, offset));
}

void *garbage_ptr(uint8_t *good, size_t span, uint8_t *ro, uint8_t *gone)
{
	switch (rng_range(0, 15)) {
	case 0:
		return NULL;
	case 1:
		return (void *)0xffffffff81000000UL;	/* the kernel's */
	case 2:
		return (void *)(uintptr_t)-16;		/* wraps */
	case 3:
		return ro + rng_range(0, 4095);
	case 4:
		return gone + rng_range(0, 4095);
	default:
		return good + rng_range(0, span - 1);
	}
}
