/* x86-64 paging and segmentation definitions (Intel SDM vol. 3, ch. 3-4). */
#ifndef ELK_INC_MMU_H
#define ELK_INC_MMU_H

#define PGSIZE      4096
#define PGSHIFT     12
#define HUGEPGSIZE  (2UL << 20)

/* Page-table entry bits. */
#define PTE_P    0x001UL	/* present */
#define PTE_W    0x002UL	/* writable */
#define PTE_U    0x004UL	/* user-accessible */
#define PTE_PWT  0x008UL
#define PTE_PCD  0x010UL	/* cache disable */
#define PTE_A    0x020UL	/* accessed */
#define PTE_D    0x040UL	/* dirty */
#define PTE_PS   0x080UL	/* 2 MiB page (in a page directory entry) */
#define PTE_G    0x100UL	/* global */
#define PTE_NX   (1UL << 63)	/* no execute */
#define PTE_ADDR_MASK 0x000ffffffffff000UL

/* Index of a virtual address in the table of level 4 (PML4) .. 1 (PT). */
#define PTX(level, va) ((((uint64_t)(va)) >> (PGSHIFT + 9 * ((level) - 1))) & 0x1ff)
#define PTE_ADDR(pte) ((pte) & PTE_ADDR_MASK)

/* Page-fault error code bits. */
#define FEC_P   0x1	/* protection violation (else not present) */
#define FEC_W   0x2	/* write */
#define FEC_U   0x4	/* from user mode */
#define FEC_I   0x10	/* instruction fetch */

/* Control register bits. */
#define CR0_PE  0x00000001
#define CR0_MP  0x00000002
#define CR0_EM  0x00000004
#define CR0_TS  0x00000008
#define CR0_NE  0x00000020
#define CR0_WP  0x00010000
#define CR0_PG  0x80000000
#define CR4_PAE        0x00000020
#define CR4_MCE        0x00000040
#define CR4_PGE        0x00000080
#define CR4_OSFXSR     0x00000200
#define CR4_OSXMMEXCPT 0x00000400

/* Model-specific registers. */
#define MSR_EFER           0xc0000080
#define MSR_STAR           0xc0000081
#define MSR_LSTAR          0xc0000082
#define MSR_SFMASK         0xc0000084
#define MSR_FS_BASE        0xc0000100
#define MSR_GS_BASE        0xc0000101
#define MSR_KERNEL_GS_BASE 0xc0000102
#define MSR_APIC_BASE      0x0000001b
#define EFER_SCE  0x001	/* syscall enable */
#define EFER_LME  0x100	/* long mode enable */
#define EFER_NXE  0x800	/* no-execute enable */

/* RFLAGS bits. */
#define FL_CF   0x00000001
#define FL_RESERVED 0x00000002	/* always 1 */
#define FL_PF   0x00000004
#define FL_AF   0x00000010
#define FL_ZF   0x00000040
#define FL_SF   0x00000080
#define FL_TF   0x00000100
#define FL_IF   0x00000200
#define FL_DF   0x00000400
#define FL_OF   0x00000800
#define FL_IOPL 0x00003000
#define FL_NT   0x00004000
#define FL_RF   0x00010000
#define FL_AC   0x00040000
#define FL_ID   0x00200000

/*
 * Segment selectors. The order is forced by syscall/sysret: STAR[47:32] gives the
 * kernel CS (SS = CS + 8); STAR[63:48] is a base from which sysretq takes
 * SS = base + 8 and CS = base + 16.
 */
#define GD_KT    0x08	/* kernel code */
#define GD_KD    0x10	/* kernel data */
#define GD_UD    0x18	/* user data */
#define GD_UT    0x20	/* user code (64-bit) */
#define GD_TSS   0x28	/* task state segment (two slots) */
#define NGDT     7

#endif
