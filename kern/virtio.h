/*
 * Virtio 1.x over PCI ("modern" virtio-pci): finding a device's configuration
 * structures through its vendor capabilities, the status and feature
 * handshake, and split virtqueues. A device driver (virtio_blk.c) builds on
 * this. Layouts: Virtual I/O Device (VIRTIO) Version 1.1, sections 2.6 (split
 * virtqueues), 3.1 (initialization) and 4.1 (virtio over PCI).
 */
#ifndef ELK_KERN_VIRTIO_H
#define ELK_KERN_VIRTIO_H

#include <inc/types.h>

struct pci_dev;
struct page;

#define VIRTIO_VENDOR 0x1af4
#define VIRTIO_F_VERSION_1 (1ULL << 32)

/* Descriptor flags. */
#define VIRTQ_DESC_NEXT  1
#define VIRTQ_DESC_WRITE 2	/* the device writes this buffer */

struct virtq_desc {
	uint64_t addr;
	uint32_t len;
	uint16_t flags;
	uint16_t next;
};

/*
 * One split virtqueue in one page: descriptors, then the driver ("available")
 * ring, then the device ("used") ring. Free descriptors form a list through
 * their next fields. The caller serializes every call on one queue.
 */
struct virtq {
	uint16_t size;			/* descriptors, a power of 2, at most VIRTQ_MAX */
	uint16_t nfree;
	uint16_t free_head;
	uint16_t last_used;		/* the used-ring index seen so far */
	struct virtq_desc *desc;
	volatile uint16_t *avail;	/* flags, idx, ring[size] */
	volatile uint16_t *used;	/* flags, idx, then {u32 id, u32 len}[size] */
	volatile uint16_t *notify;	/* write the queue's index here to kick it */
	uint16_t index;
	struct page *page;
};
#define VIRTQ_MAX 128			/* what fits in one page */

struct virtio_dev {
	const struct pci_dev *pci;
	volatile uint8_t *common;	/* common configuration */
	volatile uint8_t *notify_base;
	uint32_t notify_mult;
	volatile uint8_t *device_cfg;	/* the device type's own configuration */
};

/* One buffer of a chain: physical address, length, whether the device writes it. */
struct virtq_buf {
	uint64_t pa;
	uint32_t len;
	bool device_writes;
};

/*
 * Find pci's virtio structures, reset the device and negotiate features:
 * the device must offer every bit of need (VIRTIO_F_VERSION_1 is always
 * needed); only those are accepted. 0; -ENODEV with the device marked FAILED.
 */
int virtio_open(struct virtio_dev *vd, const struct pci_dev *pci, uint64_t need);
/*
 * Set up queue index with at most VIRTQ_MAX descriptors, interrupts to MSI-X
 * table entry msix_entry. 0, -ENOMEM or -ENODEV.
 */
int virtq_setup(struct virtio_dev *vd, uint16_t index, struct virtq *q, uint16_t msix_entry);
/* Tell the device the driver is ready (DRIVER_OK): queues go live. */
void virtio_ready(struct virtio_dev *vd);
/* Mark the device FAILED and free q's page, if set up. */
void virtio_fail(struct virtio_dev *vd, struct virtq *q);

/*
 * Put the chain of n buffers on q's available ring (the device sees it at the
 * next virtq_kick). Its head descriptor's number, the id virtq_used returns;
 * -1 if fewer than n descriptors are free.
 */
int virtq_add(struct virtq *q, const struct virtq_buf *bufs, int n);
/* Notify the device of what virtq_add put on q. */
void virtq_kick(struct virtq *q);
/*
 * The next chain the device has finished with: its head's id, its
 * descriptors freed; -1 if there is none yet.
 */
int virtq_used(struct virtq *q);

#endif
