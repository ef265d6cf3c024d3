// SPDX-License-Identifier: GPL-2.0
/*
 * CIOCASYNCCRYPT and CIOCASYNCFETCH, as cryptodev-linux defines them: one
 * thread keeps many operations in flight (cryptodev-linux runs them one by
 * one, its issue #90), and finished ones are fetched in the order they
 * finished. poll() says when one can be fetched (POLLIN) and when another
 * can be submitted (POLLOUT).
 *
 * An operation the device does in one request (a device cipher, one chunk,
 * its own IV, no COP_FLAG_WRITE_IV) goes straight to the ring from the
 * ioctl, pinned as CIOCCRYPT pins; the ring's completion makes it
 * fetchable, and the fetch finishes it. Every other one runs in a work item
 * of its own, in the caller's address space (kthread_use_mm), as CIOCCRYPT
 * runs it. Either way an operation holds the file and the session until it
 * is fetched or its file is closed: a closed file, an exited process or a
 * removed device never leave it writing into freed memory, and module
 * unload drains vcd_wq first.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/kthread.h>
#include <linux/ktime.h>
#include <linux/list.h>
#include <linux/poll.h>
#include <linux/sched/mm.h>
#include <linux/slab.h>
#include <linux/spinlock.h>
#include <linux/uaccess.h>

#include "vcd.h"

struct vcd_async_job {
	struct list_head node;		/* on f->done once finished */
	struct work_struct work;
	struct vcd_file *f;
	struct vcd_session *s;
	struct mm_struct *mm;		/* a work item's */
	struct vcd_req *req;		/* straight to the ring, or NULL */
	struct vcd_chunk chunk;		/* the request's */
	int epoch;			/* vd->epoch when it was sent */
	u64 sent;			/* ktime_get_ns() then */
	struct crypt_op cop;
	int result;
};

/* The job is finished: to f->done for a fetch, unless f is closed. */
static bool vcd_async_finished(struct vcd_async_job *job)
{
	struct vcd_file *f = job->f;
	unsigned long flags;
	bool keep;

	spin_lock_irqsave(&f->async_lock, flags);
	keep = !f->closed;
	if (keep)
		list_add_tail(&job->node, &f->done);
	spin_unlock_irqrestore(&f->async_lock, flags);
	if (keep)
		wake_up_interruptible_poll(&f->async_wait, EPOLLIN | EPOLLRDNORM);
	return keep;
}

/* A request's result, and the session's IV moved on (process context). */
static int vcd_async_complete(struct vcd_async_job *job)
{
	struct vcd_chunk *c = &job->chunk;
	struct vcd_req *req = job->req;
	struct vcd_session *s = job->s;
	int err = req->result;

	if (!err)
		err = vcd_status_errno(req->data.in.status);
	/* A reset since the device session was looked up forgot it. */
	if (err == -EINVAL && atomic_read(&c->vd->epoch) != job->epoch)
		err = -EAGAIN;
	if (!err && c->ivlen) {
		vcd_chunk_done(c, req, (unsigned long)job->cop.dst, job->cop.len);
		mutex_lock(&s->iv_lock);
		memcpy(s->iv, c->iv, c->ivlen);
		mutex_unlock(&s->iv_lock);
	}
	vcd_dev_session_put(s, c->encrypt);
	vcd_req_put(req);
	job->req = NULL;
	return err;
}

/* Frees a job that was finished (process context). */
static void vcd_async_free(struct vcd_async_job *job)
{
	if (job->req)
		vcd_async_complete(job);
	vcd_session_put(job->s);
	vcd_file_put(job->f);
	kfree(job);
}

static void vcd_async_free_work(struct work_struct *work)
{
	vcd_async_free(container_of(work, struct vcd_async_job, work));
}

/* The ring's completion of a request sent straight to it. */
static void vcd_async_req_finish(struct vcd_req *req)
{
	struct vcd_async_job *job = req->owner;

	atomic_dec(&job->f->in_ring);
	if (!req->result)
		vcd_queue_adapt(req->q, ktime_get_ns() - job->sent);
	if (vcd_async_finished(job))
		return;
	/* Closed: unpinning and the puts sleep. */
	INIT_WORK(&job->work, vcd_async_free_work);
	queue_work(vcd_wq, &job->work);
}

static void vcd_async_run(struct work_struct *work)
{
	struct vcd_async_job *job = container_of(work, struct vcd_async_job,
						 work);

	kthread_use_mm(job->mm);
	job->result = vcd_crypt_session_op(job->s, &job->cop);
	kthread_unuse_mm(job->mm);
	mmput(job->mm);
	if (!vcd_async_finished(job))
		vcd_async_free(job);
}

/*
 * Whether cop on s is one request of the device, sent from the ioctl. Not
 * with poll=1: the callback is never armed then, so nothing would reap a
 * request sent here while its owner sleeps in poll(); a work item's waiter
 * polls the ring for it instead.
 */
static bool vcd_async_direct(const struct vcd_session *s,
			     const struct crypt_op *cop)
{
	if (s->vd->poll)
		return false;
	if (s->soft || s->hash || s->aead || s->tls_only || !s->cipher)
		return false;
	if (!vcd_cipher_op_valid(cop, vcd_session_block(s)))
		return false;
	return cop->len <= s->vd->chunk && !(cop->flags & COP_FLAG_WRITE_IV) &&
	       (cop->iv || !vcd_session_ivlen(s));
}

/* Sends job's request; 0, or the operation's errno for its fetch. */
static int vcd_async_send(struct vcd_async_job *job)
{
	const struct crypt_op *cop = &job->cop;
	struct vcd_chunk *c = &job->chunk;
	struct vcd_req *req;
	int err;

	c->vd = job->s->vd;
	c->s = job->s;
	c->encrypt = cop->op == COP_ENCRYPT;
	c->ivlen = vcd_session_ivlen(job->s);
	if (c->ivlen && copy_from_user(c->iv, cop->iv, c->ivlen))
		return -EFAULT;
	job->epoch = atomic_read(&c->vd->epoch);
	err = vcd_dev_session_get(job->s, c->encrypt, &c->sid);
	if (err)
		return err;
	req = vcd_req_alloc();
	if (!req) {
		err = -ENOMEM;
		goto err_put;
	}
	err = vcd_chunk_prepare(c, req, (unsigned long)cop->src,
				(unsigned long)cop->dst, cop->len);
	if (err)
		goto err_free;
	req->finish = vcd_async_req_finish;
	req->owner = job;
	job->req = req;
	job->sent = ktime_get_ns();
	atomic_inc(&job->f->in_ring);
	/* From here the job may be finished, fetched and gone. */
	err = vcd_chunk_submit(c, req, cop->len, true);
	if (!err)
		return 0;
	atomic_dec(&job->f->in_ring);
	job->req = NULL;
err_free:
	vcd_req_put(req);
err_put:
	vcd_dev_session_put(job->s, c->encrypt);
	return err;
}

int vcd_async_submit(struct vcd_file *f, const struct crypt_op *cop)
{
	struct vcd_async_job *job;
	struct vcd_session *s;

	s = vcd_session_get(f, cop->ses);
	if (!s)
		return -EINVAL;
	job = kzalloc(sizeof(*job), GFP_KERNEL_ACCOUNT);
	if (!job) {
		vcd_session_put(s);
		return -ENOMEM;
	}
	spin_lock_irq(&f->async_lock);
	if (f->outstanding >= VCD_ASYNC_MAX) {
		spin_unlock_irq(&f->async_lock);
		kfree(job);
		vcd_session_put(s);
		return -EBUSY;
	}
	f->outstanding++;
	spin_unlock_irq(&f->async_lock);

	job->f = f;
	kref_get(&f->ref);
	job->s = s;
	job->cop = *cop;
	if (vcd_async_direct(s, cop)) {
		job->result = vcd_async_send(job);
		/* Not sent: the error is the fetch's, as any other. */
		if (job->result && !vcd_async_finished(job))
			vcd_async_free(job);
		return 0;
	}
	job->mm = current->mm;
	mmget(job->mm);
	INIT_WORK(&job->work, vcd_async_run);
	queue_work(vcd_wq, &job->work);
	return 0;
}

int vcd_async_fetch(struct vcd_file *f, struct crypt_op __user *arg)
{
	struct vcd_async_job *job;
	int err;

	spin_lock_irq(&f->async_lock);
	job = list_first_entry_or_null(&f->done, struct vcd_async_job, node);
	if (job) {
		list_del(&job->node);
		f->outstanding--;
	}
	spin_unlock_irq(&f->async_lock);
	if (!job)
		return -EBUSY;
	wake_up_interruptible_poll(&f->async_wait, EPOLLOUT | EPOLLWRNORM);
	err = job->req ? vcd_async_complete(job) : job->result;
	if (copy_to_user(arg, &job->cop, sizeof(job->cop)))
		err = -EFAULT;
	vcd_async_free(job);
	return err;
}

static bool vcd_async_any_done(void *arg)
{
	struct vcd_file *f = arg;

	return !list_empty_careful(&f->done);
}

/*
 * With requests of f in the ring and none finished, polls the ring for the
 * adaptive window before poll() sleeps, as a synchronous waiter would.
 */
static void vcd_async_spin(struct vcd_file *f)
{
	struct vcd_queue *q = &f->vd->dataqs[raw_smp_processor_id() %
					     f->vd->nr_dataqs];
	unsigned int ns = READ_ONCE(q->poll_ns);

	if (ns && atomic_read(&f->in_ring) && !vcd_async_any_done(f))
		vcd_queue_spin(q, ns, vcd_async_any_done, f);
}

__poll_t vcd_async_poll(struct vcd_file *f, struct file *filp,
			struct poll_table_struct *wait)
{
	__poll_t mask = 0;

	vcd_async_spin(f);
	poll_wait(filp, &f->async_wait, wait);
	spin_lock_irq(&f->async_lock);
	if (!list_empty(&f->done))
		mask |= EPOLLIN | EPOLLRDNORM;
	if (f->outstanding < VCD_ASYNC_MAX)
		mask |= EPOLLOUT | EPOLLWRNORM;
	spin_unlock_irq(&f->async_lock);
	return mask;
}

void vcd_async_close(struct vcd_file *f)
{
	struct vcd_async_job *job, *next;
	LIST_HEAD(done);

	spin_lock_irq(&f->async_lock);
	f->closed = true;
	list_splice_init(&f->done, &done);
	spin_unlock_irq(&f->async_lock);
	list_for_each_entry_safe(job, next, &done, node)
		vcd_async_free(job);
}
