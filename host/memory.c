#include <errno.h>
#include <signal.h>
#include <string.h>
#include <unistd.h>
#include <sys/mman.h>
#include <sys/stat.h>

#include "log.h"
#include "memory.h"

/* Every mapping of guest memory, for the SIGBUS handler (signal-safe: slots
 * are claimed and released with atomics, never while a worker runs). */
#define GUARD_SLOTS (4 * MEM_MAX_REGIONS)
static struct guarded {
	uintptr_t start;
	size_t len;
	int used;
} guarded[GUARD_SLOTS];
static int guard_hit;
static uintptr_t page_size;

static int guard_add(void *p, size_t len)
{
	unsigned int i;

	for (i = 0; i < GUARD_SLOTS; i++) {
		if (__atomic_load_n(&guarded[i].used, __ATOMIC_ACQUIRE))
			continue;
		guarded[i].start = (uintptr_t)p;
		guarded[i].len = len;
		__atomic_store_n(&guarded[i].used, 1, __ATOMIC_RELEASE);
		return 0;
	}
	return -1;
}

static void guard_remove(void *p)
{
	unsigned int i;

	for (i = 0; i < GUARD_SLOTS; i++)
		if (guarded[i].used && guarded[i].start == (uintptr_t)p)
			__atomic_store_n(&guarded[i].used, 0, __ATOMIC_RELEASE);
}

static void on_sigbus(int sig, siginfo_t *si, void *ctx)
{
	uintptr_t a = (uintptr_t)si->si_addr;
	unsigned int i;

	(void)ctx;
	for (i = 0; i < GUARD_SLOTS; i++) {
		const struct guarded *g = &guarded[i];

		if (!__atomic_load_n(&g->used, __ATOMIC_ACQUIRE) ||
		    a < g->start || a - g->start >= g->len)
			continue;
		if (mmap((void *)(a & ~(page_size - 1)), page_size,
			 PROT_READ | PROT_WRITE,
			 MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0) ==
		    MAP_FAILED)
			break;
		__atomic_store_n(&guard_hit, 1, __ATOMIC_RELEASE);
		return;
	}
	/* Not guest memory: the fault repeats and kills, as without us. */
	signal(sig, SIG_DFL);
}

int mem_guard_install(void)
{
	struct sigaction sa;

	page_size = (uintptr_t)sysconf(_SC_PAGESIZE);
	memset(&sa, 0, sizeof(sa));
	sa.sa_sigaction = on_sigbus;
	sa.sa_flags = SA_SIGINFO;
	sigemptyset(&sa.sa_mask);
	return sigaction(SIGBUS, &sa, NULL);
}

int mem_guard_tripped(void)
{
	return __atomic_exchange_n(&guard_hit, 0, __ATOMIC_ACQ_REL);
}

static int wraps(uint64_t start, uint64_t size)
{
	return start + size < start;
}

static int overlaps(uint64_t a, uint64_t alen, uint64_t b, uint64_t blen)
{
	return a < b + blen && b < a + alen;
}

int mem_table_init(struct mem_table *t, const struct mem_region *r,
		   unsigned int n)
{
	unsigned int i, j;

	memset(t, 0, sizeof(*t));
	if (n > MEM_MAX_REGIONS)
		return -EINVAL;
	for (i = 0; i < n; i++) {
		if (r[i].size == 0 || !r[i].host || wraps(r[i].gpa, r[i].size) ||
		    wraps(r[i].uaddr, r[i].size) ||
		    wraps((uint64_t)(uintptr_t)r[i].host, r[i].size)) {
			vlog(LOG_WARN, "memory region %u: empty or wraps around", i);
			return -EINVAL;
		}
		for (j = 0; j < i; j++) {
			if (overlaps(r[i].gpa, r[i].size, r[j].gpa, r[j].size) ||
			    overlaps(r[i].uaddr, r[i].size, r[j].uaddr, r[j].size)) {
				vlog(LOG_WARN, "memory regions %u and %u overlap", j, i);
				return -EINVAL;
			}
		}
	}
	memcpy(t->r, r, n * sizeof(*r));
	t->n = n;
	return 0;
}

static void unmap_regions(struct mem_region *r, unsigned int n)
{
	unsigned int i;

	for (i = 0; i < n; i++) {
		if (!r[i].map)
			continue;
		guard_remove(r[i].map);
		munmap(r[i].map, r[i].map_len);
	}
}

int mem_table_map(struct mem_table *t, const struct mem_region_desc *d,
		  const int *fds, unsigned int n)
{
	struct mem_region r[MEM_MAX_REGIONS];
	unsigned int i;
	int ret;

	memset(t, 0, sizeof(*t));
	if (n == 0 || n > MEM_MAX_REGIONS)
		return -EINVAL;
	memset(r, 0, sizeof(r));
	for (i = 0; i < n; i++) {
		uint64_t len = d[i].size + d[i].mmap_offset;
		struct stat st;
		void *p;

		if (d[i].size == 0 || len < d[i].size || len > SIZE_MAX ||
		    len > (uint64_t)1 << 47) {
			vlog(LOG_WARN, "memory region %u: bad size %#llx offset %#llx",
			     i, (unsigned long long)d[i].size,
			     (unsigned long long)d[i].mmap_offset);
			ret = -EINVAL;
			goto fail;
		}
		/* Touching a mapping past the end of its file is SIGBUS. */
		if (fstat(fds[i], &st) == 0 && S_ISREG(st.st_mode) &&
		    (uint64_t)st.st_size < len) {
			vlog(LOG_WARN, "memory region %u: %#llx bytes past the end "
			     "of its %#llx-byte file", i, (unsigned long long)len,
			     (unsigned long long)st.st_size);
			ret = -EINVAL;
			goto fail;
		}
		/* Map from offset 0 so an unaligned mmap_offset still works. */
		p = mmap(NULL, (size_t)len, PROT_READ | PROT_WRITE, MAP_SHARED,
			 fds[i], 0);
		if (p == MAP_FAILED) {
			ret = -errno;
			vlog(LOG_WARN, "memory region %u: mmap of %#llx bytes: %s",
			     i, (unsigned long long)len, strerror(errno));
			goto fail;
		}
		r[i].gpa = d[i].gpa;
		r[i].size = d[i].size;
		r[i].uaddr = d[i].uaddr;
		r[i].map = p;
		r[i].map_len = (size_t)len;
		if (guard_add(p, (size_t)len)) {
			vlog(LOG_WARN, "memory region %u: more mappings than the "
			     "SIGBUS guard holds", i);
			ret = -ENOMEM;
			goto fail;
		}
		r[i].host = (uint8_t *)p + d[i].mmap_offset;
	}
	ret = mem_table_init(t, r, n);
	if (ret == 0)
		return 0;
fail:
	unmap_regions(r, n);
	return ret;
}

void mem_table_clear(struct mem_table *t)
{
	unmap_regions(t->r, t->n);
	memset(t, 0, sizeof(*t));
}

uint8_t *mem_gpa(const struct mem_table *t, uint64_t gpa, uint64_t len,
		 uint64_t *avail)
{
	unsigned int i;

	for (i = 0; i < t->n; i++) {
		const struct mem_region *r = &t->r[i];
		uint64_t off, left;

		if (gpa < r->gpa)
			continue;
		off = gpa - r->gpa;
		if (off >= r->size)
			continue;
		left = r->size - off;
		if (avail)
			*avail = left;
		if (len > left)
			return NULL;
		return r->host + off;
	}
	if (avail)
		*avail = 0;
	return NULL;
}

uint8_t *mem_uaddr(const struct mem_table *t, uint64_t uaddr, uint64_t len)
{
	unsigned int i;

	for (i = 0; i < t->n; i++) {
		const struct mem_region *r = &t->r[i];
		uint64_t off;

		if (uaddr < r->uaddr)
			continue;
		off = uaddr - r->uaddr;
		if (off >= r->size || len > r->size - off)
			continue;
		return r->host + off;
	}
	return NULL;
}
