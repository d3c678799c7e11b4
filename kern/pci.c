/*
 * PCI enumeration and configuration space (see pci.h). Configuration
 * mechanism #1: the address of a dword goes to port 0xcf8 (enable bit, bus,
 * device, function, register), its value then moves through port 0xcfc.
 * pci_lock keeps each address-then-data pair whole; the device table is
 * written once, at boot, before any other CPU runs, and only read after.
 */
#include <inc/errno.h>
#include <inc/memlayout.h>
#include <inc/stdio.h>
#include <inc/x86.h>
#include <kern/pci.h>
#include <kern/pmap.h>
#include <kern/spinlock.h>

#define CONFIG_ADDRESS 0xcf8
#define CONFIG_DATA    0xcfc
#define CONFIG_ENABLE  0x80000000u

#define BAR_IO       0x1
#define BAR_TYPE_64  0x4	/* memory BAR type bits 2:1 = 10b */
#define BAR_TYPE     0x6

#define MSIX_CONTROL   2	/* from the capability: message control */
#define MSIX_TABLE     4	/* table offset and BIR */
#define MSIX_ENABLE    0x8000
#define MSIX_MASKALL   0x4000
#define MSIX_ENTRY     16	/* bytes per table entry */
#define MSI_ADDRESS    0xfee00000u	/* the local APICs' message window */

static struct spinlock pci_lock = SPINLOCK_INIT("pci", LOCK_PCI);
static struct pci_dev devs[PCI_MAXDEV];
static int ndevs;

/* Point the address port at dword off of bus:dev.func. Caller holds pci_lock. */
static void select_reg(uint8_t bus, uint8_t dev, uint8_t func, uint8_t off)
{
	outl(CONFIG_ADDRESS, CONFIG_ENABLE | (uint32_t)bus << 16 | (uint32_t)dev << 11 |
				     (uint32_t)func << 8 | (off & 0xfc));
}

/* The dword at off of bus:dev.func. */
static uint32_t config_read(uint8_t bus, uint8_t dev, uint8_t func, uint8_t off)
{
	spin_lock(&pci_lock);
	select_reg(bus, dev, func, off);
	uint32_t v = inl(CONFIG_DATA);
	spin_unlock(&pci_lock);
	return v;
}

uint32_t pci_read32(const struct pci_dev *d, uint8_t off)
{
	return config_read(d->bus, d->dev, d->func, off);
}

uint16_t pci_read16(const struct pci_dev *d, uint8_t off)
{
	return (uint16_t)(pci_read32(d, off) >> (8 * (off & 2)));
}

uint8_t pci_read8(const struct pci_dev *d, uint8_t off)
{
	return (uint8_t)(pci_read32(d, off) >> (8 * (off & 3)));
}

void pci_write32(const struct pci_dev *d, uint8_t off, uint32_t v)
{
	spin_lock(&pci_lock);
	select_reg(d->bus, d->dev, d->func, off);
	outl(CONFIG_DATA, v);
	spin_unlock(&pci_lock);
}

void pci_write16(const struct pci_dev *d, uint8_t off, uint16_t v)
{
	spin_lock(&pci_lock);
	select_reg(d->bus, d->dev, d->func, off);
	outw(CONFIG_DATA + (off & 2), v);
	spin_unlock(&pci_lock);
}

uint8_t pci_find_cap(const struct pci_dev *d, uint8_t id, uint8_t from)
{
	if (!(pci_read16(d, PCI_STATUS) & PCI_STATUS_CAPS))
		return 0;
	uint8_t off = from ? pci_read8(d, from + 1) : pci_read8(d, PCI_CAPS);
	/* At most 48 capabilities fit in the 192 bytes after the header. */
	for (int n = 0; n < 48 && off >= 0x40; n++) {
		off &= 0xfc;
		if (pci_read8(d, off) == id)
			return off;
		off = pci_read8(d, off + 1);
	}
	return 0;
}

/*
 * Decode BAR i of d (and the next, for the upper half of a 64-bit BAR): base
 * and size by writing all ones and reading back which bits stick, with
 * decoding off meanwhile. Returns how many BAR registers it used.
 */
static int decode_bar(struct pci_dev *d, int i)
{
	uint8_t reg = PCI_BAR0 + 4 * i;
	uint32_t lo = pci_read32(d, reg);
	bool wide = !(lo & BAR_IO) && (lo & BAR_TYPE) == BAR_TYPE_64 && i < 5;
	uint32_t hi = wide ? pci_read32(d, reg + 4) : 0;

	pci_write32(d, reg, ~0u);
	uint32_t lo_mask = pci_read32(d, reg);
	pci_write32(d, reg, lo);
	uint32_t hi_mask = ~0u;
	if (wide) {
		pci_write32(d, reg + 4, ~0u);
		hi_mask = pci_read32(d, reg + 4);
		pci_write32(d, reg + 4, hi);
	}
	struct pci_bar *b = &d->bars[i];
	b->io = lo & BAR_IO;
	if (b->io) {
		b->base = lo & ~0x3u;
		b->size = (uint16_t)(~(lo_mask & ~0x3u) + 1);
	} else if (wide) {
		b->base = ((uint64_t)hi << 32 | lo) & ~0xfull;
		b->size = ~((uint64_t)hi_mask << 32 | (lo_mask & ~0xfu)) + 1;
	} else {
		b->base = lo & ~0xfu;
		b->size = (uint32_t)(~(lo_mask & ~0xfu) + 1);
	}
	if (!b->base || (lo_mask & ~0xfu) == 0)
		b->base = b->size = 0;	/* not implemented, or not placed by the firmware */
	return wide ? 2 : 1;
}

/* Record bus:dev.func, which answers, in the table. */
static void add_device(uint8_t bus, uint8_t dev, uint8_t func, uint32_t id)
{
	if (ndevs == PCI_MAXDEV) {
		cprintf("elk: PCI: more than %d devices; ignoring %02x:%02x.%x\n", PCI_MAXDEV,
			bus, dev, func);
		return;
	}
	struct pci_dev *d = &devs[ndevs++];
	d->bus = bus;
	d->dev = dev;
	d->func = func;
	d->vendor = id & 0xffff;
	d->device = id >> 16;
	uint32_t class = pci_read32(d, PCI_CLASS);
	d->class = class >> 24;
	d->subclass = class >> 16;
	d->progif = class >> 8;
	if ((pci_read8(d, PCI_HEADER) & 0x7f) != 0)
		return;	/* a bridge: no BARs of the ordinary kind */
	uint16_t cmd = pci_read16(d, PCI_COMMAND);
	pci_write16(d, PCI_COMMAND, cmd & ~(PCI_CMD_IO | PCI_CMD_MEMORY));
	for (int i = 0; i < 6; i += decode_bar(d, i))
		;
	pci_write16(d, PCI_COMMAND, cmd);
	d->msix_cap = pci_find_cap(d, PCI_CAP_MSIX, 0);
}

void pci_init(void)
{
	for (int bus = 0; bus < 256; bus++)
		for (int dev = 0; dev < 32; dev++) {
			uint32_t id = config_read(bus, dev, 0, PCI_VENDOR);
			if ((id & 0xffff) == 0xffff)
				continue;
			add_device(bus, dev, 0, id);
			bool multi = config_read(bus, dev, 0, PCI_HEADER & 0xfc) >> 16 & 0x80;
			for (int func = 1; multi && func < 8; func++) {
				id = config_read(bus, dev, func, PCI_VENDOR);
				if ((id & 0xffff) != 0xffff)
					add_device(bus, dev, func, id);
			}
		}
}

struct pci_dev *pci_find(uint16_t vendor, uint16_t device, int index)
{
	for (int i = 0; i < ndevs; i++)
		if (devs[i].vendor == vendor && devs[i].device == device && index-- == 0)
			return &devs[i];
	return NULL;
}

volatile void *pci_bar_map(const struct pci_dev *d, int bar, uint64_t off, uint64_t len)
{
	const struct pci_bar *b = &d->bars[bar];
	uint64_t end;

	if (bar < 0 || bar >= 6 || !b->base || b->io || __builtin_add_overflow(off, len, &end) ||
	    end > b->size || b->base + end > dmap_size)
		return NULL;
	return (volatile void *)kva(b->base + off);
}

void pci_enable(const struct pci_dev *d)
{
	uint16_t cmd = pci_read16(d, PCI_COMMAND);
	pci_write16(d, PCI_COMMAND, cmd | PCI_CMD_MEMORY | PCI_CMD_MASTER | PCI_CMD_INTX_OFF);
}

int pci_msix_route(const struct pci_dev *d, int entry, int vector, uint32_t apic_id)
{
	if (!d->msix_cap)
		return -ENODEV;
	uint16_t control = pci_read16(d, d->msix_cap + MSIX_CONTROL);
	uint32_t table = pci_read32(d, d->msix_cap + MSIX_TABLE);
	if (entry < 0 || entry > (control & 0x7ff))
		return -ENODEV;
	volatile uint32_t *e = pci_bar_map(d, table & 7, (table & ~7u) + (uint64_t)entry * MSIX_ENTRY,
					   MSIX_ENTRY);
	if (!e)
		return -ENODEV;
	e[0] = MSI_ADDRESS | apic_id << 12;
	e[1] = 0;
	e[2] = (uint32_t)vector;	/* fixed delivery, edge */
	e[3] = 0;			/* unmasked */
	pci_write16(d, d->msix_cap + MSIX_CONTROL, (control | MSIX_ENABLE) & ~MSIX_MASKALL);
	return 0;
}
