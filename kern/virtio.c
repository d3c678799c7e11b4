/* Virtio 1.x over PCI: configuration structures, handshake, split virtqueues (see virtio.h). */
#include <inc/errno.h>
#include <inc/string.h>
#include <kern/pci.h>
#include <kern/pmap.h>
#include <kern/virtio.h>

/* Vendor capability: cfg_type at 3, bar at 4, offset at 8, length at 12; notify's multiplier at 16. */
#define CAP_CFG_TYPE 3
#define CAP_BAR      4
#define CAP_OFFSET   8
#define CAP_LENGTH   12
#define CAP_NOTIFY_MULT 16
#define CFG_COMMON 1
#define CFG_NOTIFY 2
#define CFG_DEVICE 4

/* Common configuration registers. */
#define COMMON_DFSELECT   0x00	/* device_feature_select, 32 bits */
#define COMMON_DF         0x04
#define COMMON_GFSELECT   0x08	/* driver (guest) feature select */
#define COMMON_GF         0x0c
#define COMMON_MSIX       0x10	/* config change vector, 16 bits */
#define COMMON_NUMQ       0x12
#define COMMON_STATUS     0x14	/* 8 bits */
#define COMMON_Q_SELECT   0x16	/* 16 bits from here */
#define COMMON_Q_SIZE     0x18
#define COMMON_Q_MSIX     0x1a
#define COMMON_Q_ENABLE   0x1c
#define COMMON_Q_NOFF     0x1e
#define COMMON_Q_DESC     0x20	/* 64 bits, written as two 32-bit halves */
#define COMMON_Q_DRIVER   0x28
#define COMMON_Q_DEVICE   0x30
#define COMMON_SIZE       0x38

#define STATUS_ACK        1
#define STATUS_DRIVER     2
#define STATUS_DRIVER_OK  4
#define STATUS_FEATURES_OK 8
#define STATUS_FAILED     128
#define NO_VECTOR         0xffff

/* The used ring starts at this offset from avail, 4-byte aligned (VIRTQ_MAX avail entries fit). */
#define USED_OFFSET(size) ROUNDUP(4 + 2 * (size) + 2, 4)

static void w8(volatile uint8_t *base, int off, uint8_t v) { *(volatile uint8_t *)(base + off) = v; }
static void w16(volatile uint8_t *base, int off, uint16_t v) { *(volatile uint16_t *)(base + off) = v; }
static void w32(volatile uint8_t *base, int off, uint32_t v) { *(volatile uint32_t *)(base + off) = v; }
static uint8_t r8(volatile uint8_t *base, int off) { return *(volatile uint8_t *)(base + off); }
static uint16_t r16(volatile uint8_t *base, int off) { return *(volatile uint16_t *)(base + off); }
static uint32_t r32(volatile uint8_t *base, int off) { return *(volatile uint32_t *)(base + off); }

static void w64(volatile uint8_t *base, int off, uint64_t v)
{
	w32(base, off, (uint32_t)v);
	w32(base, off + 4, (uint32_t)(v >> 32));
}

/*
 * Map the structure of type cfg_type that pci's vendor capabilities name,
 * at least min bytes long; the capability's offset goes to *cap_at. NULL if
 * there is none or it cannot be mapped.
 */
static volatile uint8_t *find_cfg(const struct pci_dev *pci, uint8_t cfg_type, uint32_t min,
				  uint8_t *cap_at)
{
	for (uint8_t c = pci_find_cap(pci, PCI_CAP_VENDOR, 0); c;
	     c = pci_find_cap(pci, PCI_CAP_VENDOR, c)) {
		if (pci_read8(pci, c + CAP_CFG_TYPE) != cfg_type)
			continue;
		uint32_t len = pci_read32(pci, c + CAP_LENGTH);
		if (len < min)
			continue;
		volatile uint8_t *p = pci_bar_map(pci, pci_read8(pci, c + CAP_BAR),
						  pci_read32(pci, c + CAP_OFFSET), len);
		if (p) {
			*cap_at = c;
			return p;
		}
	}
	return NULL;
}

int virtio_open(struct virtio_dev *vd, const struct pci_dev *pci, uint64_t need)
{
	uint8_t notify_cap, unused;

	memset(vd, 0, sizeof(*vd));
	vd->pci = pci;
	need |= VIRTIO_F_VERSION_1;
	vd->common = find_cfg(pci, CFG_COMMON, COMMON_SIZE, &unused);
	vd->notify_base = find_cfg(pci, CFG_NOTIFY, 2, &notify_cap);
	vd->device_cfg = find_cfg(pci, CFG_DEVICE, 8, &unused);
	if (!vd->common || !vd->notify_base || !vd->device_cfg)
		return -ENODEV;
	vd->notify_mult = pci_read32(pci, notify_cap + CAP_NOTIFY_MULT);
	pci_enable(pci);

	w8(vd->common, COMMON_STATUS, 0);	/* reset; done when it reads back 0 */
	while (r8(vd->common, COMMON_STATUS) != 0)
		;
	w8(vd->common, COMMON_STATUS, STATUS_ACK);
	w8(vd->common, COMMON_STATUS, STATUS_ACK | STATUS_DRIVER);
	uint64_t offered = 0;
	for (uint32_t half = 0; half < 2; half++) {
		w32(vd->common, COMMON_DFSELECT, half);
		offered |= (uint64_t)r32(vd->common, COMMON_DF) << (32 * half);
	}
	if ((offered & need) != need) {
		virtio_fail(vd, NULL);
		return -ENODEV;
	}
	for (uint32_t half = 0; half < 2; half++) {
		w32(vd->common, COMMON_GFSELECT, half);
		w32(vd->common, COMMON_GF, (uint32_t)(need >> (32 * half)));
	}
	w8(vd->common, COMMON_STATUS, STATUS_ACK | STATUS_DRIVER | STATUS_FEATURES_OK);
	if (!(r8(vd->common, COMMON_STATUS) & STATUS_FEATURES_OK)) {
		virtio_fail(vd, NULL);
		return -ENODEV;
	}
	w16(vd->common, COMMON_MSIX, NO_VECTOR);	/* no interrupt for config changes */
	return 0;
}

int virtq_setup(struct virtio_dev *vd, uint16_t index, struct virtq *q, uint16_t msix_entry)
{
	memset(q, 0, sizeof(*q));
	if (index >= r16(vd->common, COMMON_NUMQ))
		return -ENODEV;
	w16(vd->common, COMMON_Q_SELECT, index);
	uint16_t size = r16(vd->common, COMMON_Q_SIZE);
	if (size == 0 || r16(vd->common, COMMON_Q_ENABLE))
		return -ENODEV;
	while (size > VIRTQ_MAX || (size & (size - 1)))
		size = size > VIRTQ_MAX ? VIRTQ_MAX : size & (size - 1);
	if (!(q->page = page_alloc(PAGE_ZERO)))
		return -ENOMEM;
	page_incref(q->page);
	uint8_t *base = page2kva(q->page);
	q->size = size;
	q->index = index;
	q->desc = (struct virtq_desc *)base;
	q->avail = (volatile uint16_t *)(base + 16 * size);
	q->used = (volatile uint16_t *)(base + 16 * size + USED_OFFSET(size));
	for (uint16_t i = 0; i < size; i++)
		q->desc[i].next = i + 1;
	q->nfree = size;
	q->free_head = 0;

	physaddr_t pa = page2pa(q->page);
	w16(vd->common, COMMON_Q_SIZE, size);
	w16(vd->common, COMMON_Q_MSIX, msix_entry);
	if (r16(vd->common, COMMON_Q_MSIX) != msix_entry) {
		virtio_fail(vd, q);
		return -ENODEV;	/* the device could not take the vector */
	}
	w64(vd->common, COMMON_Q_DESC, pa);
	w64(vd->common, COMMON_Q_DRIVER, pa + 16 * size);
	w64(vd->common, COMMON_Q_DEVICE, pa + 16 * size + USED_OFFSET(size));
	q->notify = (volatile uint16_t *)(vd->notify_base +
					  (uint64_t)r16(vd->common, COMMON_Q_NOFF) * vd->notify_mult);
	w16(vd->common, COMMON_Q_ENABLE, 1);
	return 0;
}

void virtio_ready(struct virtio_dev *vd)
{
	w8(vd->common, COMMON_STATUS, r8(vd->common, COMMON_STATUS) | STATUS_DRIVER_OK);
}

void virtio_fail(struct virtio_dev *vd, struct virtq *q)
{
	w8(vd->common, COMMON_STATUS, r8(vd->common, COMMON_STATUS) | STATUS_FAILED);
	if (q && q->page) {
		page_decref(q->page);
		q->page = NULL;
	}
}

int virtq_add(struct virtq *q, const struct virtq_buf *bufs, int n)
{
	if (n <= 0 || n > q->nfree)
		return -1;
	uint16_t head = q->free_head, d = head;
	for (int i = 0; i < n; i++) {
		struct virtq_desc *e = &q->desc[d];
		uint16_t next = e->next;
		e->addr = bufs[i].pa;
		e->len = bufs[i].len;
		e->flags = (bufs[i].device_writes ? VIRTQ_DESC_WRITE : 0) |
			   (i + 1 < n ? VIRTQ_DESC_NEXT : 0);
		if (i + 1 < n)
			d = next;
		else
			q->free_head = next;
	}
	q->nfree -= n;
	uint16_t idx = q->avail[1];
	q->avail[2 + idx % q->size] = head;
	/* The device must see the chain and its ring slot before the new index. */
	__atomic_store_n(&q->avail[1], (uint16_t)(idx + 1), __ATOMIC_RELEASE);
	return head;
}

void virtq_kick(struct virtq *q)
{
	__atomic_thread_fence(__ATOMIC_SEQ_CST);
	*q->notify = q->index;
}

int virtq_used(struct virtq *q)
{
	if (__atomic_load_n(&q->used[1], __ATOMIC_ACQUIRE) == q->last_used)
		return -1;
	volatile uint32_t *elem = (volatile uint32_t *)&q->used[2] + 2 * (q->last_used % q->size);
	uint16_t head = (uint16_t)elem[0];
	q->last_used++;
	/* Free the chain: walk to its last descriptor, then put it all on the free list. */
	uint16_t d = head;
	int n = 1;
	while (q->desc[d].flags & VIRTQ_DESC_NEXT) {
		d = q->desc[d].next;
		n++;
	}
	q->desc[d].next = q->free_head;
	q->free_head = head;
	q->nfree += n;
	return head;
}
