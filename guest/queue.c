// SPDX-License-Identifier: GPL-2.0
/*
 * Requests in virtqueues: submit, complete (callback or polling), wait,
 * and the hand-over of buffers still owned by a dead device.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/jiffies.h>
#include <linux/ktime.h>
#include <linux/mm.h>
#include <linux/rcupdate.h>
#include <linux/sched/signal.h>
#include <linux/slab.h>
#include <linux/string.h>

#include "compat.h"
#include "vcd.h"

/*
 * Requests come from a cache of their own, with a constructor, so that
 * init_on_alloc (Debian's default) does not zero all 1.9 KiB of one on
 * every allocation: most of it is page and scatterlist arrays filled before
 * they are read. Under TCG that zeroing cost ~13 us a request, a sixth of a
 * 16-byte one. The head is zeroed at allocation and wiped at free instead.
 */
static struct kmem_cache *vcd_req_cache;

static void vcd_req_ctor(void *p)
{
	memset(p, 0, VCD_REQ_HEAD);
}

int vcd_req_cache_init(void)
{
	vcd_req_cache = kmem_cache_create("vcd_req", sizeof(struct vcd_req), 0,
					  0, vcd_req_ctor);
	return vcd_req_cache ? 0 : -ENOMEM;
}

void vcd_req_cache_exit(void)
{
	kmem_cache_destroy(vcd_req_cache);
}

static void vcd_req_free(struct vcd_req *req)
{
	if (req->nr_dst)
		unpin_user_pages_dirty_lock(req->dst_pages, req->nr_dst, true);
	if (req->nr_src)
		unpin_user_pages(req->src_pages, req->nr_src);
	kfree_sensitive(req->bounce);
	memzero_explicit(req, VCD_REQ_HEAD);
	kmem_cache_free(vcd_req_cache, req);
}

static void vcd_req_free_work(struct work_struct *work)
{
	vcd_req_free(container_of(work, struct vcd_req, free_work));
}

/* Unpinning may sleep: from interrupt context it goes to a worker. */
static void vcd_req_put_ring(struct vcd_req *req)
{
	if (refcount_dec_and_test(&req->ref))
		queue_work(vcd_wq, &req->free_work);
}

struct vcd_req *vcd_req_alloc(void)
{
	struct vcd_req *req = kmem_cache_alloc(vcd_req_cache, GFP_KERNEL);

	if (!req)
		return NULL;
	memset(req, 0, VCD_REQ_HEAD);
	refcount_set(&req->ref, 1);
	init_completion(&req->done);
	INIT_LIST_HEAD(&req->node);
	INIT_WORK(&req->free_work, vcd_req_free_work);
	return req;
}

void vcd_req_put(struct vcd_req *req)
{
	if (refcount_dec_and_test(&req->ref))
		vcd_req_free(req);
}

/* Caller holds q->lock. */
static void vcd_req_finish(struct vcd_req *req, int result)
{
	if (req->finished)
		return;
	list_del_init(&req->node);
	req->finished = true;
	req->result = result;
	complete(&req->done);
	if (req->finish)
		req->finish(req);
}

/* An armed queue looks at the next tick (the timer wheel rounds later). */
#define VCD_RECHECK_JIFFIES	1

/*
 * Caller holds q->lock and the device is alive. In interrupt mode the
 * callback is armed again on the way out only while requests are in the
 * ring and nobody polls for them, so a buffer the device returns after this
 * look raises it. Otherwise it stays off: a waiter that polled its answer
 * leaves no interrupt behind, which under TCG costs QEMU's main thread a
 * wake-up on a host CPU that the vCPU and vcryptod are using.
 */
static bool vcd_queue_collect(struct vcd_queue *q)
{
	struct vcd_req *req;
	unsigned int len;
	bool any = false, arm;

	do {
		if (!q->vd->poll)
			virtqueue_disable_cb(q->vq);
		while ((req = virtqueue_get_buf(q->vq, &len))) {
			vcd_req_finish(req, 0);
			vcd_req_put_ring(req);
			q->answered++;
			any = true;
		}
		arm = !q->vd->poll && !q->spinners && !list_empty(&q->pending);
	} while (arm && !virtqueue_enable_cb(q->vq));
	/*
	 * TCG without parallel vCPUs (one vCPU) drops the guest's barriers,
	 * so a back-end in another process may read the flag from before
	 * enable_cb cleared it, after the used index was read here: no
	 * interrupt comes. Looking again while armed bounds that loss.
	 */
	if (arm && !timer_pending(&q->recheck))
		mod_timer(&q->recheck, jiffies + VCD_RECHECK_JIFFIES);
	if (any)
		q->returned++;
	return any;
}

/*
 * Finishes what the device returned and wakes those waiting for room;
 * whether there was any.
 */
static bool vcd_queue_poll(struct vcd_queue *q)
{
	unsigned long flags;
	bool any = false;

	spin_lock_irqsave(&q->lock, flags);
	if (!q->vd->dead && !q->stopped)
		any = vcd_queue_collect(q);
	spin_unlock_irqrestore(&q->lock, flags);
	if (any)
		wake_up_all(&q->space);
	return any;
}

static void vcd_queue_recheck(struct timer_list *t)
{
	struct vcd_queue *q = container_of(t, struct vcd_queue, recheck);

	if (vcd_queue_poll(q))
		WRITE_ONCE(q->rechecked, q->rechecked + 1);
}

void vcd_queue_init(struct vcd_queue *q, struct vcd_device *vd,
		    struct virtqueue *vq)
{
	spin_lock_init(&q->lock);
	q->vq = vq;
	q->vd = vd;
	q->stopped = false;
	INIT_LIST_HEAD(&q->pending);
	q->returned = 0;
	q->spinners = 0;
	q->poll_ns = 0;
	init_waitqueue_head(&q->space);
	timer_setup(&q->recheck, vcd_queue_recheck, 0);
	q->rechecked = 0;
}

/* vq->priv belongs to the transport (virtio_pci: the notify address). */
static struct vcd_queue *vcd_queue_of(struct virtqueue *vq)
{
	struct vcd_device *vd = vq->vdev->priv;

	if (vq->index < vd->nr_dataqs)
		return &vd->dataqs[vq->index];
	return &vd->ctrlq;
}

void vcd_queue_done(struct virtqueue *vq)
{
	vcd_queue_poll(vcd_queue_of(vq));
}

void vcd_queue_kill(struct vcd_queue *q)
{
	struct vcd_req *req, *tmp;
	unsigned long flags;

	spin_lock_irqsave(&q->lock, flags);
	WRITE_ONCE(q->vd->dead, true);
	list_for_each_entry_safe(req, tmp, &q->pending, node)
		vcd_req_finish(req, -ENODEV);
	spin_unlock_irqrestore(&q->lock, flags);
	wake_up_all(&q->space);
}

void vcd_queue_stop(struct vcd_queue *q)
{
	struct vcd_req *req, *tmp;
	unsigned long flags;

	spin_lock_irqsave(&q->lock, flags);
	WRITE_ONCE(q->stopped, true);
	list_for_each_entry_safe(req, tmp, &q->pending, node)
		vcd_req_finish(req, -EAGAIN);
	spin_unlock_irqrestore(&q->lock, flags);
	wake_up_all(&q->space);
}

void vcd_queue_restart(struct vcd_queue *q)
{
	unsigned long flags;

	spin_lock_irqsave(&q->lock, flags);
	WRITE_ONCE(q->stopped, false);
	q->returned++;
	spin_unlock_irqrestore(&q->lock, flags);
	wake_up_all(&q->space);
}

/* The queue is stopped or dead, so nothing arms the recheck again. */
void vcd_queue_detach(struct vcd_queue *q)
{
	struct vcd_req *req;

	vcd_timer_delete_sync(&q->recheck);

	while ((req = virtqueue_detach_unused_buf(q->vq)))
		vcd_req_put(req);
}

/* Plain uninterruptible sleeps stay under the hung-task detector's 120 s. */
#define VCD_UNINTERRUPTIBLE_MAX	60U
#define VCD_TIMEOUT_MAX		(24U * 3600)

static unsigned int vcd_timeout_seconds(bool killable)
{
	unsigned int t = clamp(READ_ONCE(vcd_timeout), 1U, VCD_TIMEOUT_MAX);

	return killable ? t : min(t, VCD_UNINTERRUPTIBLE_MAX);
}

static unsigned long vcd_timeout_jiffies(bool killable)
{
	return msecs_to_jiffies(vcd_timeout_seconds(killable) * 1000);
}

/* Waits until q has returned a buffer since gen, or the device died. */
static int vcd_queue_wait_space(struct vcd_queue *q, unsigned long gen,
				unsigned long deadline, bool killable)
{
	long left = (long)(deadline - jiffies);

	if (left <= 0)
		return -ETIMEDOUT;
	if (killable && fatal_signal_pending(current))
		return -EINTR;
	if (q->vd->poll) {
		vcd_queue_poll(q);
		cond_resched();
		return 0;
	}
	if (killable)
		left = wait_event_killable_timeout(q->space,
				READ_ONCE(q->returned) != gen ||
				READ_ONCE(q->vd->dead) ||
				READ_ONCE(q->stopped), left);
	else
		left = wait_event_timeout(q->space,
				READ_ONCE(q->returned) != gen ||
				READ_ONCE(q->vd->dead) ||
				READ_ONCE(q->stopped), left);
	if (left < 0)
		return -EINTR;
	return 0;
}

int vcd_req_submit(struct vcd_queue *q, struct vcd_req *req,
		   struct scatterlist *sgs[], unsigned int out,
		   unsigned int in, bool killable)
{
	unsigned long deadline = jiffies + vcd_timeout_jiffies(killable);
	/*
	 * vcd_req_wait() looks before it sleeps; a request finished by a
	 * callback has no such waiter, so the look after the notification
	 * arms the interrupt for it. Read now: once notified, such a request
	 * may be finished and freed.
	 */
	bool look = req->finish;
	unsigned long flags, gen;
	bool notify;
	int err;

	req->q = q;
	for (;;) {
		spin_lock_irqsave(&q->lock, flags);
		if (q->vd->dead || q->stopped) {
			err = q->vd->dead ? -ENODEV : -EAGAIN;
			spin_unlock_irqrestore(&q->lock, flags);
			return err;
		}
		err = virtqueue_add_sgs(q->vq, sgs, out, in, req, GFP_ATOMIC);
		if (!err)
			break;
		gen = q->returned;
		spin_unlock_irqrestore(&q->lock, flags);
		if (err != -ENOSPC)
			return -EIO;
		err = vcd_queue_wait_space(q, gen, deadline, killable);
		if (err)
			return err;
	}
	refcount_inc(&req->ref);
	list_add_tail(&req->node, &q->pending);
	/*
	 * A device that answers while it is notified (QEMU's own backend
	 * without ioeventfd) needs no interrupt: the next look finds it.
	 */
	if (!q->vd->poll)
		virtqueue_disable_cb(q->vq);
	notify = virtqueue_kick_prepare(q->vq);
	/* Outside the lock, but remove waits for it before the reset. */
	rcu_read_lock();
	spin_unlock_irqrestore(&q->lock, flags);
	if (notify)
		virtqueue_notify(q->vq);
	rcu_read_unlock();
	if (look)
		vcd_queue_poll(q);
	return 0;
}

static int vcd_req_poll(struct vcd_req *req, bool killable)
{
	unsigned long deadline = jiffies + vcd_timeout_jiffies(killable);

	for (;;) {
		vcd_queue_poll(req->q);
		if (READ_ONCE(req->finished))
			return 0;
		if (time_after(jiffies, deadline))
			return -ETIMEDOUT;
		if (killable && fatal_signal_pending(current))
			return -EINTR;
		cond_resched();
		cpu_relax();
	}
}

/*
 * Adaptive polling, after KVM's halt polling: a waiter polls the used ring
 * for the queue's window before it sleeps for the interrupt, with the
 * callback off meanwhile. A wait that the window missed but that ended
 * within poll_window_us grows the window (a longer one would have caught
 * it); a longer wait shrinks it, to nothing while requests are slow or
 * rare. Nothing polls while nobody waits, so an idle device costs nothing.
 */
#define VCD_POLL_START_NS	10000U

bool vcd_queue_spin(struct vcd_queue *q, unsigned int ns,
		    bool (*done)(void *arg), void *arg)
{
	u64 end = ktime_get_ns() + ns;
	unsigned long flags;
	bool ok;

	spin_lock_irqsave(&q->lock, flags);
	q->spinners++;
	spin_unlock_irqrestore(&q->lock, flags);
	do {
		vcd_queue_poll(q);
		ok = done(arg);
		if (ok)
			break;
		cpu_relax();
	} while (!need_resched() && ktime_get_ns() < end);
	spin_lock_irqsave(&q->lock, flags);
	q->spinners--;
	spin_unlock_irqrestore(&q->lock, flags);
	/* Arms the callback again, and catches what came meanwhile. */
	vcd_queue_poll(q);
	return ok || done(arg);
}

static bool vcd_req_finished(void *arg)
{
	struct vcd_req *req = arg;

	return READ_ONCE(req->finished);
}

static unsigned int vcd_poll_limit_ns(void)
{
	return min(READ_ONCE(vcd_poll_window_us), 1000U) * 1000;
}

void vcd_queue_adapt(struct vcd_queue *q, u64 waited)
{
	unsigned int max = vcd_poll_limit_ns();
	unsigned int ns = READ_ONCE(q->poll_ns);

	if (waited <= max)
		ns = ns ? min(2 * ns, max) : min(VCD_POLL_START_NS, max);
	else
		ns /= 2;
	WRITE_ONCE(q->poll_ns, ns);
}

int vcd_req_wait(struct vcd_req *req, bool killable)
{
	struct vcd_queue *q = req->q;
	unsigned long flags;
	unsigned int ns;
	bool recover;
	long left;
	u64 start;
	int err;

	if (q->vd->poll) {
		err = vcd_req_poll(req, killable);
	} else {
		/* A spin that succeeds never adapts: a lowered limit must
		 * still shut the window. */
		ns = READ_ONCE(q->poll_ns);
		if (ns > vcd_poll_limit_ns()) {
			ns = vcd_poll_limit_ns();
			WRITE_ONCE(q->poll_ns, ns);
		}
		start = ktime_get_ns();
		if (ns && vcd_queue_spin(q, ns, vcd_req_finished, req)) {
			left = 1;
		} else {
			/* Arms the callback, and catches what came meanwhile. */
			if (!ns)
				vcd_queue_poll(q);
			if (killable)
				left = wait_for_completion_killable_timeout(
					&req->done, vcd_timeout_jiffies(true));
			else
				left = wait_for_completion_timeout(&req->done,
					vcd_timeout_jiffies(false));
			if (left > 0)
				vcd_queue_adapt(q, ktime_get_ns() - start);
		}
		err = left < 0 ? -EINTR : left == 0 ? -ETIMEDOUT : 0;
	}
	/* The answer may have come just as the wait ended: it wins. */
	spin_lock_irqsave(&q->lock, flags);
	if (req->finished)
		err = req->result;
	recover = err == -ETIMEDOUT && READ_ONCE(vcd_recover) &&
		  !q->vd->dead && !q->stopped;
	/* Under the lock: remove marks the device dead, then cancels it. */
	if (recover)
		queue_work(vcd_wq, &q->vd->recover_work);
	spin_unlock_irqrestore(&q->lock, flags);
	if (err == -ETIMEDOUT)
		pr_warn_ratelimited("request timed out after %u s; %s\n",
				    vcd_timeout_seconds(killable),
				    recover ? "resetting the device" :
				    "the device keeps its buffers until it answers or is reset");
	return err;
}

int vcd_status_errno(u32 status)
{
	switch (status) {
	case VIRTIO_CRYPTO_OK:
		return 0;
	case VIRTIO_CRYPTO_BADMSG:
		return -EBADMSG;
	case VIRTIO_CRYPTO_NOTSUPP:
		return -EOPNOTSUPP;
	case VIRTIO_CRYPTO_INVSESS:
		return -EINVAL;
	case VIRTIO_CRYPTO_NOSPC:
		return -ENOSPC;
	case VIRTIO_CRYPTO_KEY_REJECTED:
		return -EKEYREJECTED;
	default:
		return -EIO;
	}
}
