/* Multiboot1 (QEMU -kernel) and Multiboot2 (GRUB) information parsing. */
#include <inc/assert.h>
#include <inc/memlayout.h>
#include <inc/string.h>
#include <kern/boot.h>

#define MB1_LOADER_MAGIC 0x2badb002
#define MB2_LOADER_MAGIC 0x36d76289

#define MB1_INFO_CMDLINE 0x004
#define MB1_INFO_MODS    0x008
#define MB1_INFO_MMAP    0x040

#define MB_MEMORY_AVAILABLE 1

#define MB2_TAG_END     0
#define MB2_TAG_CMDLINE 1
#define MB2_TAG_MODULE  3
#define MB2_TAG_MMAP    6
#define MB2_TAG_ACPI_OLD 14	/* a copy of the ACPI 1.0 RSDP */
#define MB2_TAG_ACPI_NEW 15	/* a copy of the ACPI 2.0+ RSDP */

struct bootinfo bootinfo;

struct mb1_info {
	uint32_t flags, mem_lower, mem_upper, boot_device, cmdline;
	uint32_t mods_count, mods_addr;
	uint32_t syms[4];
	uint32_t mmap_length, mmap_addr;
} __attribute__((packed));

struct mb1_module {
	uint32_t start, end, string, reserved;
};

struct mb1_mmap_entry {
	uint32_t size;	/* of the rest of the entry */
	uint64_t addr, len;
	uint32_t type;
} __attribute__((packed));

struct mb2_tag {
	uint32_t type, size;
};

struct mb2_mmap_entry {
	uint64_t addr, len;
	uint32_t type, reserved;
};

static void *phys(physaddr_t pa)
{
	return (void *)(DMAPBASE + pa);
}

static void add_memregion(uint64_t addr, uint64_t len, uint32_t type)
{
	if (type != MB_MEMORY_AVAILABLE || bootinfo.nmem == BOOT_MAXMEM)
		return;
	bootinfo.mem[bootinfo.nmem].start = addr;
	bootinfo.mem[bootinfo.nmem].end = addr + len;
	bootinfo.nmem++;
}

/* Copy the command line into bootinfo, noting its full length. */
static void keep_cmdline(const char *line)
{
	bootinfo.cmdline_len = strlcpy(bootinfo.cmdline, line, sizeof(bootinfo.cmdline));
}

/* The first module is the initrd; later ones are ignored. */
static void add_module(physaddr_t start, physaddr_t end)
{
	if (bootinfo.initrd_end == 0) {
		bootinfo.initrd_start = start;
		bootinfo.initrd_end = end;
	}
}

static void parse_mb1(physaddr_t info_pa)
{
	struct mb1_info *mbi = phys(info_pa);

	bootinfo.loader = "Multiboot1";
	bootinfo.info_start = info_pa;
	bootinfo.info_end = info_pa + sizeof(*mbi);
	if (mbi->flags & MB1_INFO_CMDLINE) {
		/* Multiboot1 loaders (QEMU -kernel, GRUB) put the kernel's path first. */
		char *words = phys(mbi->cmdline);
		next_word(&words);
		keep_cmdline(words);
	}
	if (mbi->flags & MB1_INFO_MODS) {
		struct mb1_module *mods = phys(mbi->mods_addr);
		for (uint32_t i = 0; i < mbi->mods_count; i++)
			add_module(mods[i].start, mods[i].end);
	}
	if (!(mbi->flags & MB1_INFO_MMAP))
		panic("boot loader gave no memory map");
	for (uint32_t off = 0; off < mbi->mmap_length;) {
		struct mb1_mmap_entry *e = phys(mbi->mmap_addr + off);
		add_memregion(e->addr, e->len, e->type);
		off += e->size + sizeof(e->size);
	}
}

static void parse_mb2(physaddr_t info_pa)
{
	uint32_t total = *(uint32_t *)phys(info_pa);

	bootinfo.loader = "Multiboot2";
	bootinfo.info_start = info_pa;
	bootinfo.info_end = info_pa + total;
	for (uint32_t off = 8; off + sizeof(struct mb2_tag) <= total;
	     off = ROUNDUP(off + ((struct mb2_tag *)phys(info_pa + off))->size, 8)) {
		struct mb2_tag *tag = phys(info_pa + off);
		if (tag->type == MB2_TAG_END)
			break;
		if (tag->type == MB2_TAG_CMDLINE) {
			keep_cmdline((char *)(tag + 1));
		} else if (tag->type == MB2_TAG_MODULE) {
			uint32_t *m = (uint32_t *)(tag + 1);
			add_module(m[0], m[1]);
		} else if (tag->type == MB2_TAG_MMAP) {
			uint32_t entry_size = ((uint32_t *)(tag + 1))[0];
			for (uint32_t e = 16; e + sizeof(struct mb2_mmap_entry) <= tag->size;
			     e += entry_size) {
				struct mb2_mmap_entry *me = (void *)((char *)tag + e);
				add_memregion(me->addr, me->len, me->type);
			}
		} else if (tag->type == MB2_TAG_ACPI_NEW ||
			   (tag->type == MB2_TAG_ACPI_OLD && !bootinfo.acpi_rsdp)) {
			bootinfo.acpi_rsdp = info_pa + off + sizeof(*tag);
		}
	}
	if (bootinfo.nmem == 0)
		panic("boot loader gave no memory map");
}

void boot_parse(uint32_t magic, physaddr_t info_pa)
{
	if (magic == MB1_LOADER_MAGIC)
		parse_mb1(info_pa);
	else if (magic == MB2_LOADER_MAGIC)
		parse_mb2(info_pa);
	else
		panic("not started by a Multiboot loader (magic 0x%x)", magic);
}
