/*
 * PCI: the devices on the machine's buses, found once at boot through the
 * configuration mechanism #1 ports (0xcf8 address, 0xcfc data), with their
 * base address registers decoded; capability lists; MSI-X. A driver finds its
 * device with pci_find and works it through these calls. Layouts: PCI Local
 * Bus Specification 3.0, chapter 6 (the configuration header, capabilities,
 * MSI-X).
 */
#ifndef ELK_KERN_PCI_H
#define ELK_KERN_PCI_H

#include <inc/types.h>

#define PCI_MAXDEV 32		/* devices (functions) kept; more are ignored */

/* Configuration header offsets (type 0). */
#define PCI_VENDOR    0x00
#define PCI_DEVICE    0x02
#define PCI_COMMAND   0x04
#define PCI_STATUS    0x06
#define PCI_CLASS     0x08	/* revision, prog-if, subclass, class */
#define PCI_HEADER    0x0e
#define PCI_BAR0      0x10
#define PCI_CAPS      0x34

#define PCI_CMD_IO     0x0001
#define PCI_CMD_MEMORY 0x0002
#define PCI_CMD_MASTER 0x0004
#define PCI_CMD_INTX_OFF 0x0400
#define PCI_STATUS_CAPS 0x0010

/* Capability IDs. */
#define PCI_CAP_VENDOR 0x09
#define PCI_CAP_MSIX   0x11

struct pci_bar {
	uint64_t base;		/* physical (memory) or port (I/O) address; 0: none */
	uint64_t size;
	bool io;
};

struct pci_dev {
	uint8_t bus, dev, func;
	uint16_t vendor, device;
	uint8_t class, subclass, progif;
	struct pci_bar bars[6];
	uint8_t msix_cap;	/* offset of the MSI-X capability, or 0 */
};

/* Find every device on buses 0-255 (functions of multi-function devices too). */
void pci_init(void);

/* The index'th device (from 0) with vendor and device ID, or NULL. */
struct pci_dev *pci_find(uint16_t vendor, uint16_t device, int index);

/* Configuration space of d at off (aligned to the access size). */
uint32_t pci_read32(const struct pci_dev *d, uint8_t off);
uint16_t pci_read16(const struct pci_dev *d, uint8_t off);
uint8_t pci_read8(const struct pci_dev *d, uint8_t off);
void pci_write32(const struct pci_dev *d, uint8_t off, uint32_t v);
void pci_write16(const struct pci_dev *d, uint8_t off, uint16_t v);

/*
 * The offset of the first capability with id at or after offset from (0: from
 * the start of the list), or 0 if there is none. The walk is bounded, so a
 * looping list ends.
 */
uint8_t pci_find_cap(const struct pci_dev *d, uint8_t id, uint8_t from);

/*
 * A kernel address for [off, off + len) of memory BAR bar, or NULL if the BAR
 * is absent, an I/O BAR, too small, or outside the direct map.
 */
volatile void *pci_bar_map(const struct pci_dev *d, int bar, uint64_t off, uint64_t len);

/* Turn on memory decoding and bus mastering (DMA), and turn INTx off. */
void pci_enable(const struct pci_dev *d);

/*
 * MSI-X: point table entry entry of d at vector on the CPU with APIC ID
 * apic_id, unmasked, and turn MSI-X on. 0, or -ENODEV if d has no MSI-X or
 * that many entries, or its table cannot be mapped.
 */
int pci_msix_route(const struct pci_dev *d, int entry, int vector, uint32_t apic_id);

#endif
