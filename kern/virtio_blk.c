/*
 * The virtio-blk disk behind kern/blk.h (virtio 1.1 section 5.2): one request
 * queue; a request is a chain of three descriptors (header, the page, the
 * status byte), so a queue of 128 descriptors holds 42 requests in flight.
 * Completions arrive by MSI-X on the boot CPU; the handler marks each request
 * done and wakes its caller.
 *
 * blk.lock, a spinlock, protects the queue, the table of requests in flight
 * and their done and status fields; it is taken with interrupts off, so the
 * handler never spins on its own CPU's holder. Callers sleep on it.
 */
#include <inc/errno.h>
#include <inc/stdio.h>
#include <inc/string.h>
#include <kern/blk.h>
#include <kern/irq.h>
#include <kern/lapic.h>
#include <kern/pci.h>
#include <kern/pmap.h>
#include <kern/spinlock.h>
#include <kern/virtio.h>

#define VIRTIO_BLK_MODERN     0x1042	/* virtio device ID 2 (block), modern only */
#define VIRTIO_BLK_TRANSITIONAL 0x1001
#define BLK_T_IN   0
#define BLK_T_OUT  1
#define SECTOR     512
#define CFG_CAPACITY 0	/* device configuration: capacity in 512-byte sectors, 64 bits */

/* The request header the device reads, and the status byte it writes, per head descriptor. */
struct blk_header {
	uint32_t type;
	uint32_t reserved;
	uint64_t sector;
};

static struct {
	struct spinlock lock;
	struct virtio_dev vd;
	struct virtq q;
	uint64_t blocks;
	struct page *meta;		/* headers[VIRTQ_MAX], then status[VIRTQ_MAX] */
	struct blk_header *headers;
	volatile uint8_t *status;
	struct blk_req *in_flight[VIRTQ_MAX];	/* by head descriptor */
	int nin_flight, max_in_flight;
	uint64_t completed;
	struct waitq room;		/* callers waiting for free descriptors */
} blk = { .lock = SPINLOCK_INIT("blk", LOCK_BLK), .room = WAITQ_INIT(blk.room) };

/* The interrupt: finish every request the device has returned. */
static void blk_intr(void *arg)
{
	int head;

	(void)arg;
	spin_lock(&blk.lock);
	while ((head = virtq_used(&blk.q)) >= 0) {
		struct blk_req *r = blk.in_flight[head];
		blk.in_flight[head] = NULL;
		if (!r)
			continue;
		r->status = blk.status[head] == 0 ? 0 : -EIO;
		r->done = true;
		blk.nin_flight--;
		blk.completed++;
		wakeup_all(&r->wq);
	}
	wakeup_all(&blk.room);
	spin_unlock(&blk.lock);
}

/* The disk's size in sectors (two 32-bit halves; it does not change while elk runs). */
static uint64_t read_capacity(void)
{
	volatile uint32_t *cap = (volatile uint32_t *)(blk.vd.device_cfg + CFG_CAPACITY);
	return (uint64_t)cap[1] << 32 | cap[0];
}

/* Give up on the device found: say why and leave blk_blocks at 0. */
static void refuse(const char *why)
{
	cprintf("elk: virtio-blk: %s; no disk\n", why);
	blk.blocks = 0;
}

void blk_init(void)
{
	struct pci_dev *pci = pci_find(VIRTIO_VENDOR, VIRTIO_BLK_MODERN, 0);
	if (!pci)
		pci = pci_find(VIRTIO_VENDOR, VIRTIO_BLK_TRANSITIONAL, 0);
	if (!pci)
		return;
	if (virtio_open(&blk.vd, pci, 0) < 0)
		return refuse("not a virtio 1.x device, or its structures cannot be mapped");
	int vector = irq_alloc(blk_intr, NULL);
	if (vector < 0 || pci_msix_route(pci, 0, vector, lapic_id()) < 0) {
		virtio_fail(&blk.vd, NULL);
		return refuse("no MSI-X vector");
	}
	if (virtq_setup(&blk.vd, 0, &blk.q, 0) < 0 || !(blk.meta = page_alloc(PAGE_ZERO))) {
		virtio_fail(&blk.vd, &blk.q);
		return refuse("cannot set up the request queue");
	}
	page_incref(blk.meta);
	blk.headers = page2kva(blk.meta);
	blk.status = (volatile uint8_t *)(blk.headers + VIRTQ_MAX);
	virtio_ready(&blk.vd);
	blk.blocks = read_capacity() / (BLK_SIZE / SECTOR);
	cprintf("elk: virtio-blk disk at %02x:%02x.%x: %lu MiB (%lu blocks of 4 KiB), "
		"%u descriptors, MSI-X vector %d\n", pci->bus, pci->dev, pci->func,
		blk.blocks * BLK_SIZE >> 20, blk.blocks, blk.q.size, vector);
}

uint64_t blk_blocks(void)
{
	return blk.blocks;
}

/* Put r on the queue (descriptors known free). Caller holds blk.lock. */
static void enqueue(struct blk_req *r)
{
	/* The header and status slots of the chain's head; the head is known only after. */
	uint16_t head = blk.q.free_head;
	struct blk_header *h = &blk.headers[head];
	h->type = r->write ? BLK_T_OUT : BLK_T_IN;
	h->reserved = 0;
	h->sector = r->block * (BLK_SIZE / SECTOR);
	blk.status[head] = 0xff;
	struct virtq_buf bufs[3] = {
		{ paddr(h), sizeof(*h), false },
		{ page2pa(r->page), BLK_SIZE, !r->write },
		{ paddr((const void *)&blk.status[head]), 1, true },
	};
	r->done = false;
	r->status = 0;
	int got = virtq_add(&blk.q, bufs, 3);
	blk.in_flight[got] = r;
	blk.nin_flight++;
	blk.max_in_flight = MAX(blk.max_in_flight, blk.nin_flight);
}

int blk_submit(struct blk_req *reqs, int n)
{
	for (int i = 0; i < n; i++)
		if (reqs[i].block >= blk.blocks)
			return -EINVAL;
	for (int i = 0; i < n; i++)
		waitq_init(&reqs[i].wq);
	spin_lock(&blk.lock);
	for (int i = 0; i < n; i++) {
		while (blk.q.nfree < 3) {
			virtq_kick(&blk.q);	/* what is queued must go, to make room */
			sleep_on(&blk.room, &blk.lock);
		}
		enqueue(&reqs[i]);
	}
	virtq_kick(&blk.q);
	spin_unlock(&blk.lock);
	return 0;
}

int blk_wait(struct blk_req *r)
{
	spin_lock(&blk.lock);
	while (!r->done)
		sleep_on(&r->wq, &blk.lock);
	int status = r->status;
	spin_unlock(&blk.lock);
	return status;
}

int blk_rw(struct page *pp, uint64_t block, bool write)
{
	struct blk_req r = { .page = pp, .block = block, .write = write };
	int err = blk_submit(&r, 1);
	return err < 0 ? err : blk_wait(&r);
}

uint64_t blk_completed(void)
{
	spin_lock(&blk.lock);
	uint64_t n = blk.completed;
	spin_unlock(&blk.lock);
	return n;
}

int blk_max_in_flight(void)
{
	spin_lock(&blk.lock);
	int n = blk.max_in_flight;
	spin_unlock(&blk.lock);
	return n;
}
