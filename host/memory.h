/*
 * The guest memory table: regions of guest RAM mapped into vcryptod, and
 * overflow-safe translation of guest-physical and QEMU-virtual addresses.
 */
#ifndef VCRYPTOD_MEMORY_H
#define VCRYPTOD_MEMORY_H

#include <stddef.h>
#include <stdint.h>

#define MEM_MAX_REGIONS 8

struct mem_region {
	uint64_t gpa;		/* guest-physical start */
	uint64_t size;
	uint64_t uaddr;		/* start in QEMU's address space */
	uint8_t *host;		/* start in ours */
	void *map;		/* what to munmap (NULL: not ours) */
	size_t map_len;
};

struct mem_table {
	unsigned int n;
	struct mem_region r[MEM_MAX_REGIONS];
};

/* What SET_MEM_TABLE describes for one region. */
struct mem_region_desc {
	uint64_t gpa;
	uint64_t size;
	uint64_t uaddr;
	uint64_t mmap_offset;
};

/*
 * Check regions that already have host pointers (r[i].host set, r[i].map may
 * be NULL) and install them in t: each non-empty, no wrap-around of gpa, uaddr
 * or host ranges, no two overlapping in gpa or in uaddr. On failure t is left
 * empty and nothing is unmapped. Returns 0 or -EINVAL.
 */
int mem_table_init(struct mem_table *t, const struct mem_region *r,
		   unsigned int n);

/*
 * Map n regions from their fds (MAP_SHARED, honouring mmap_offset) and
 * install them in t as mem_table_init() does. The fds are not closed. On
 * failure nothing stays mapped and t is empty. Returns 0 or a negative errno.
 */
int mem_table_map(struct mem_table *t, const struct mem_region_desc *d,
		  const int *fds, unsigned int n);

/* Unmap what t mapped and leave it empty. */
void mem_table_clear(struct mem_table *t);

/*
 * The SIGBUS guard. A front-end can shrink the file behind guest memory
 * after SET_MEM_TABLE (an unsealed memfd, a tmpfs or hugetlbfs file), and
 * touching a page past its new end is SIGBUS. With the guard installed, a
 * fault inside a mapping of mem_table_map() puts a private zero page there
 * instead, and mem_guard_tripped() says so (the connection must then go).
 * Any other SIGBUS still kills. 0, or -1 with errno set.
 */
int mem_guard_install(void);

/* Nonzero (once) when the guard replaced pages since the last call. */
int mem_guard_tripped(void);

/*
 * Host pointer for guest-physical [gpa, gpa + len) when the whole range lies
 * in one region, else NULL. *avail (if not NULL) receives how many bytes from
 * gpa to the end of that region, so callers can split ranges across regions.
 * len 0 is valid when gpa lies inside a region.
 */
uint8_t *mem_gpa(const struct mem_table *t, uint64_t gpa, uint64_t len,
		 uint64_t *avail);

/* Host pointer for QEMU-virtual [uaddr, uaddr + len) inside one region. */
uint8_t *mem_uaddr(const struct mem_table *t, uint64_t uaddr, uint64_t len);

#endif
