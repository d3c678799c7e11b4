/*
 * Character devices: the console (and /dev/tty, the same terminal), /dev/null
 * and /dev/zero. A device node in the file system (kern/tmpfs.c) names one by
 * its device number; opening the node gives a file with the device's ops.
 */
#include <inc/errno.h>
#include <inc/fcntl.h>
#include <inc/ioctl.h>
#include <inc/mmu.h>
#include <inc/poll.h>
#include <inc/stat.h>
#include <inc/termios.h>
#include <kern/console.h>
#include <kern/dev.h>
#include <kern/file.h>
#include <kern/pgrp.h>
#include <kern/uaccess.h>
#include <kern/vmobj.h>

/* The console moves data through a kernel bounce buffer of this size. */
#define CONSOLE_CHUNK 256

/* Console input: as the terminal settings say (kern/console.h). */
static int64_t console_file_read(struct file *f, void *ubuf, size_t n)
{
	char kbuf[CONSOLE_CHUNK];
	int64_t got = console_read(kbuf, MIN(n, sizeof(kbuf)),
				   __atomic_load_n(&f->status, __ATOMIC_RELAXED) & O_NONBLOCK);

	if (got > 0 && copy_to_user(ubuf, kbuf, (size_t)got) < 0)
		return -EFAULT;
	return got;
}

/* Console output; a fault after some bytes went out returns their count. */
static int64_t console_file_write(struct file *f, const void *ubuf, size_t n)
{
	char kbuf[CONSOLE_CHUNK];
	size_t done = 0;

	while (done < n) {
		size_t k = MIN(n - done, sizeof(kbuf));
		if (copy_from_user(kbuf, (const char *)ubuf + done, k) < 0)
			return done ? (int64_t)done : -EFAULT;
		console_write_tty(kbuf, k);
		done += k;
	}
	return (int64_t)done;
}

/*
 * The console's size, as TIOCGWINSZ reports it: 24 x 80 until a program sets
 * another with TIOCSWINSZ (a serial line cannot tell). Under winsize_lock.
 */
static struct winsize console_winsize = { 24, 80, 0, 0 };
static struct spinlock winsize_lock = SPINLOCK_INIT("winsize", LOCK_WINSIZE);

/* Store a console ioctl's pid_t answer at user address ubuf: 0 or -EFAULT. */
static int64_t put_pid(pid_t v, uint64_t ubuf)
{
	return copy_to_user((void *)ubuf, &v, sizeof(v)) < 0 ? -EFAULT : 0;
}

/*
 * The console's ioctls: its settings (inc/termios.h; output never queues, so
 * TCSETSW waits for nothing) and input count; its size, get and set; its
 * foreground group and session (kern/pgrp.c). -EFAULT for a bad pointer.
 */
static int64_t console_ioctl(struct file *f, uint64_t request, uint64_t arg)
{
	struct winsize ws;
	pid_t pid = 0;
	int r;

	struct termios tio;
	int count;

	switch (request) {
	case TCGETS:
		console_get_termios(&tio);
		return copy_to_user((void *)arg, &tio, sizeof(tio)) < 0 ? -EFAULT : 0;
	case TCSETS:
	case TCSETSW:
	case TCSETSF:
		if (copy_from_user(&tio, (const void *)arg, sizeof(tio)) < 0)
			return -EFAULT;
		console_set_termios(&tio, request == TCSETSF);
		return 0;
	case TCFLSH:
		if (arg > 2)
			return -EINVAL;
		if (arg != 1)
			console_flush_input();
		return 0;
	case FIONREAD:
		count = (int)console_pending();
		return copy_to_user((void *)arg, &count, sizeof(count)) < 0 ? -EFAULT : 0;
	case TIOCGPGRP:
		r = console_foreground(&pid);
		return r < 0 ? r : put_pid(pid, arg);
	case TIOCGSID:
		r = console_session(&pid);
		return r < 0 ? r : put_pid(pid, arg);
	case TIOCSPGRP:
		if (copy_from_user(&pid, (const void *)arg, sizeof(pid)) < 0)
			return -EFAULT;
		return console_set_foreground(pid);
	case TIOCSCTTY:
		return console_take(arg == 1);
	case TIOCGWINSZ:
		spin_lock(&winsize_lock);
		ws = console_winsize;
		spin_unlock(&winsize_lock);
		return copy_to_user((void *)arg, &ws, sizeof(ws)) < 0 ? -EFAULT : 0;
	case TIOCSWINSZ:
		if (copy_from_user(&ws, (const void *)arg, sizeof(ws)) < 0)
			return -EFAULT;
		spin_lock(&winsize_lock);
		console_winsize = ws;
		spin_unlock(&winsize_lock);
		return 0;
	default:
		return -ENOTTY;
	}
}

/* poll: readable as the line discipline says; output never waits. */
static int console_poll(struct file *f)
{
	return (console_poll_readable() ? POLLIN | POLLRDNORM : 0) | POLLOUT | POLLWRNORM;
}

/* One write or writev to the terminal at a time, as Linux's tty write lock. */
static struct sleeplock console_write_lock =
	SLEEPLOCK_INIT(console_write_lock, "console-write", LOCK_TTY_WRITE);

static const struct file_ops console_ops = {
	.read = console_file_read,
	.write = console_file_write,
	.write_lock = &console_write_lock,
	.reads_may_wait = true,
	.ioctl = console_ioctl,
	.poll = console_poll,
};

/* /dev/null and /dev/zero swallow writes whole, as Linux's do, without reading them. */
static int64_t discard_write(struct file *f, const void *ubuf, size_t n)
{
	return (int64_t)n;
}

/* /dev/null reads as an empty file. */
static int64_t null_read(struct file *f, void *ubuf, size_t n)
{
	return 0;
}

/* /dev/zero reads as endless zeros; a fault after some were stored returns their count. */
static int64_t zero_read(struct file *f, void *ubuf, size_t n)
{
	static const char zeros[PGSIZE];
	size_t done = 0;

	while (done < n) {
		size_t k = MIN(n - done, sizeof(zeros));
		if (copy_to_user((char *)ubuf + done, zeros, k) < 0)
			return done ? (int64_t)done : -EFAULT;
		done += k;
	}
	return (int64_t)done;
}

/* The devices have no offset: pread and pwrite act as read and write. */
static int64_t null_pread(struct file *f, void *ubuf, size_t n, off_t off)
{
	return null_read(f, ubuf, n);
}

static int64_t zero_pread(struct file *f, void *ubuf, size_t n, off_t off)
{
	return zero_read(f, ubuf, n);
}

static int64_t discard_pwrite(struct file *f, const void *ubuf, size_t n, off_t off)
{
	return discard_write(f, ubuf, n);
}

/*
 * lseek on /dev/null or /dev/zero: the offset is always 0, whatever was asked,
 * as on Linux; only a whence Linux does not know is -EINVAL.
 */
static int64_t null_llseek(struct file *f, off_t offset, int whence)
{
	if (whence < 0 || whence > SEEK_MAX)
		return -EINVAL;
	sleeplock_acquire(&f->pos_lock);
	f->offset = 0;
	sleeplock_release(&f->pos_lock);
	return 0;
}

static const struct file_ops null_ops = {
	.read = null_read,
	.write = discard_write,
	.pread = null_pread,
	.pwrite = discard_pwrite,
	.llseek = null_llseek,
};

/* A mapping of /dev/zero, shared or private, is fresh anonymous memory. */
static int zero_mmap(struct file *f, struct vmobj **objp)
{
	*objp = vmobj_anon_create();
	return *objp ? 0 : -ENOMEM;
}

static const struct file_ops zero_ops = {
	.read = zero_read,
	.write = discard_write,
	.pread = zero_pread,
	.pwrite = discard_pwrite,
	.llseek = null_llseek,
	.mmap = zero_mmap,
};

/* The devices, by number: Linux's numbers for the same devices. */
static const struct {
	uint32_t rdev;
	const struct file_ops *ops;
} devices[] = {
	{ MKDEV(1, 3), &null_ops },
	{ MKDEV(1, 5), &zero_ops },
	{ MKDEV(5, 0), &console_ops },	/* /dev/tty: the one terminal there is */
	{ MKDEV(5, 1), &console_ops },
};

int dev_open(uint32_t rdev, struct file *f)
{
	for (size_t i = 0; i < ARRAY_SIZE(devices); i++) {
		if (devices[i].rdev == rdev) {
			f->ops = devices[i].ops;
			return 0;
		}
	}
	return -ENXIO;
}
