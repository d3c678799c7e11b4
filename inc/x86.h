/* Thin wrappers for x86-64 instructions. rdtsc and pause are usable from ring 3. */
#ifndef ELK_INC_X86_H
#define ELK_INC_X86_H

#include <inc/types.h>

static inline uint8_t inb(uint16_t port)
{
	uint8_t v;
	asm volatile("inb %1, %0" : "=a"(v) : "Nd"(port));
	return v;
}

static inline uint32_t inl(uint16_t port)
{
	uint32_t v;
	asm volatile("inl %1, %0" : "=a"(v) : "Nd"(port));
	return v;
}

static inline void outb(uint16_t port, uint8_t v)
{
	asm volatile("outb %0, %1" : : "a"(v), "Nd"(port));
}

static inline void outw(uint16_t port, uint16_t v)
{
	asm volatile("outw %0, %1" : : "a"(v), "Nd"(port));
}

static inline void outl(uint16_t port, uint32_t v)
{
	asm volatile("outl %0, %1" : : "a"(v), "Nd"(port));
}

static inline uint64_t rdmsr(uint32_t msr)
{
	uint32_t lo, hi;
	asm volatile("rdmsr" : "=a"(lo), "=d"(hi) : "c"(msr));
	return ((uint64_t)hi << 32) | lo;
}

static inline void wrmsr(uint32_t msr, uint64_t v)
{
	asm volatile("wrmsr" : : "c"(msr), "a"((uint32_t)v), "d"((uint32_t)(v >> 32)));
}

static inline uint64_t rcr0(void) { uint64_t v; asm volatile("mov %%cr0, %0" : "=r"(v)); return v; }
static inline uint64_t rcr2(void) { uint64_t v; asm volatile("mov %%cr2, %0" : "=r"(v)); return v; }
static inline uint64_t rcr3(void) { uint64_t v; asm volatile("mov %%cr3, %0" : "=r"(v)); return v; }
static inline uint64_t rcr4(void) { uint64_t v; asm volatile("mov %%cr4, %0" : "=r"(v)); return v; }
static inline void lcr0(uint64_t v) { asm volatile("mov %0, %%cr0" : : "r"(v)); }
static inline void lcr3(uint64_t v) { asm volatile("mov %0, %%cr3" : : "r"(v) : "memory"); }
static inline void lcr4(uint64_t v) { asm volatile("mov %0, %%cr4" : : "r"(v)); }

static inline void invlpg(uintptr_t va)
{
	asm volatile("invlpg (%0)" : : "r"(va) : "memory");
}

static inline uint64_t read_rflags(void)
{
	uint64_t v;
	asm volatile("pushfq; popq %0" : "=r"(v));
	return v;
}

static inline void cli(void) { asm volatile("cli" ::: "memory"); }
static inline void sti(void) { asm volatile("sti" ::: "memory"); }
static inline void hlt(void) { asm volatile("hlt"); }
static inline void cpu_relax(void) { asm volatile("pause" ::: "memory"); }

/* The time-stamp counter, serialized so that earlier instructions have finished. */
static inline uint64_t rdtsc_serialized(void)
{
	uint32_t lo, hi;
	asm volatile("lfence; rdtsc; lfence" : "=a"(lo), "=d"(hi) : : "memory");
	return ((uint64_t)hi << 32) | lo;
}

static inline uint64_t rdtsc(void)
{
	uint32_t lo, hi;
	asm volatile("rdtsc" : "=a"(lo), "=d"(hi));
	return ((uint64_t)hi << 32) | lo;
}

static inline void cpuid(uint32_t leaf, uint32_t *a, uint32_t *b, uint32_t *c, uint32_t *d)
{
	uint32_t ea, eb, ec, ed;
	asm volatile("cpuid" : "=a"(ea), "=b"(eb), "=c"(ec), "=d"(ed) : "a"(leaf), "c"(0));
	if (a) *a = ea;
	if (b) *b = eb;
	if (c) *c = ec;
	if (d) *d = ed;
}

static inline uint64_t read_rbp(void)
{
	uint64_t v;
	asm volatile("mov %%rbp, %0" : "=r"(v));
	return v;
}

#endif
