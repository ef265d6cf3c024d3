// SPDX-License-Identifier: GPL-2.0
/*
 * CIOCASYNCCRYPT and CIOCASYNCFETCH, as cryptodev-linux defines them: a
 * submitted operation runs in a work item of its own, so one thread keeps
 * many in flight (cryptodev-linux runs them one by one, its issue #90), and
 * finished ones are fetched in the order they finished. poll() says when one
 * can be fetched (POLLIN) and when another can be submitted (POLLOUT).
 *
 * A work item adopts the caller's address space (kthread_use_mm), so the
 * operation is the one CIOCCRYPT runs, pinning and all. It holds the file,
 * the session and the mm until it is done: a closed file, an exited process
 * or a removed device never leave it writing into freed memory, and module
 * unload drains vcd_wq first.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/kthread.h>
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
	struct mm_struct *mm;
	struct crypt_op cop;
	int result;
};

static void vcd_async_run(struct work_struct *work)
{
	struct vcd_async_job *job = container_of(work, struct vcd_async_job,
						 work);
	struct vcd_file *f = job->f;
	bool keep;

	kthread_use_mm(job->mm);
	job->result = vcd_crypt_session_op(job->s, &job->cop);
	kthread_unuse_mm(job->mm);
	mmput(job->mm);
	vcd_session_put(job->s);

	spin_lock(&f->async_lock);
	keep = !f->closed;
	if (keep)
		list_add_tail(&job->node, &f->done);
	spin_unlock(&f->async_lock);
	if (keep)
		wake_up_interruptible_poll(&f->async_wait, EPOLLIN | EPOLLRDNORM);
	else
		kfree(job);
	vcd_file_put(f);
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
	spin_lock(&f->async_lock);
	if (f->outstanding >= VCD_ASYNC_MAX) {
		spin_unlock(&f->async_lock);
		kfree(job);
		vcd_session_put(s);
		return -EBUSY;
	}
	f->outstanding++;
	spin_unlock(&f->async_lock);

	job->f = f;
	kref_get(&f->ref);
	job->s = s;
	job->cop = *cop;
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

	spin_lock(&f->async_lock);
	job = list_first_entry_or_null(&f->done, struct vcd_async_job, node);
	if (job) {
		list_del(&job->node);
		f->outstanding--;
	}
	spin_unlock(&f->async_lock);
	if (!job)
		return -EBUSY;
	wake_up_interruptible_poll(&f->async_wait, EPOLLOUT | EPOLLWRNORM);
	err = job->result;
	if (copy_to_user(arg, &job->cop, sizeof(job->cop)))
		err = -EFAULT;
	kfree(job);
	return err;
}

__poll_t vcd_async_poll(struct vcd_file *f, struct file *filp,
			struct poll_table_struct *wait)
{
	__poll_t mask = 0;

	poll_wait(filp, &f->async_wait, wait);
	spin_lock(&f->async_lock);
	if (!list_empty(&f->done))
		mask |= EPOLLIN | EPOLLRDNORM;
	if (f->outstanding < VCD_ASYNC_MAX)
		mask |= EPOLLOUT | EPOLLWRNORM;
	spin_unlock(&f->async_lock);
	return mask;
}

void vcd_async_close(struct vcd_file *f)
{
	struct vcd_async_job *job, *next;
	LIST_HEAD(done);

	spin_lock(&f->async_lock);
	f->closed = true;
	list_splice_init(&f->done, &done);
	spin_unlock(&f->async_lock);
	list_for_each_entry_safe(job, next, &done, node)
		kfree(job);
}
