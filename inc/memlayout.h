/*
 * Virtual memory layout, shared by kernel and user.
 *
 *  0xffffffffffffffff +---------------------------------+
 *                     | kernel image (text, data, bss)  |  KERNBASE + phys, -2 GiB
 *  0xffffffff80000000 +---------------------------------+  KERNBASE
 *                     | kernel stacks, each with an     |
 *                     | unmapped guard page below it    |
 *  0xffffff0000000000 +---------------------------------+  KSTACKBASE
 *                     |              ...                |
 *                     | direct map of physical memory   |  DMAPBASE + phys
 *  0xffff800000000000 +---------------------------------+  DMAPBASE
 *                     |  non-canonical hole             |
 *  0x0000800000000000 +---------------------------------+  USER_END
 *                     |  unused top page                |
 *  0x00007ffffffff000 +---------------------------------+  USTACKTOP
 *                     |  user stack, grows down         |
 *                     |  guard page below the stack     |
 *                     |              ...                |
 *                     |  program text, data, bss        |
 *  0x0000000000400000 +---------------------------------+  UTEXT (usual link address)
 *                     |  unmapped: catches NULL         |
 *  0x0000000000000000 +---------------------------------+
 *
 * All address spaces share the kernel half (PML4 entries 256-511), so a trap never
 * switches page tables.
 */
#ifndef ELK_INC_MEMLAYOUT_H
#define ELK_INC_MEMLAYOUT_H

#ifdef __ASSEMBLER__
#define KERNBASE    0xffffffff80000000
#define KERNLOAD    0x100000
#else
#define KERNBASE    0xffffffff80000000UL
#define KERNLOAD    0x100000UL	/* physical load address of the kernel image */
#define KSTACKBASE  0xffffff0000000000UL
#define DMAPBASE    0xffff800000000000UL
#define DMAPSIZE    (64UL << 30)	/* at most this much physical memory is used */

#define USER_END    0x0000800000000000UL
#define USTACKTOP   0x00007ffffffff000UL
#define USTACKSIZE  (64UL * 4096)	/* pages mapped for the initial user stack */
#define UTEXT       0x0000000000400000UL
#define UMIN        0x0000000000010000UL	/* lowest address a user mapping may use */

#define KSTACKSIZE  (4 * 4096)	/* kernel stack of each thread */
#endif

#endif
