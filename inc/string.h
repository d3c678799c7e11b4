/* The kernel's memory and string functions (kern/string.c); user programs have musl's. */
#ifndef ELK_INC_STRING_H
#define ELK_INC_STRING_H

#include <inc/types.h>

void *memset(void *dst, int c, size_t n);
void *memcpy(void *dst, const void *src, size_t n);
void *memmove(void *dst, const void *src, size_t n);
int memcmp(const void *a, const void *b, size_t n);
size_t strlen(const char *s);
size_t strnlen(const char *s, size_t max);
int strcmp(const char *a, const char *b);
int strncmp(const char *a, const char *b, size_t n);
char *strcpy(char *dst, const char *src);
char *strncpy(char *dst, const char *src, size_t n);
size_t strlcpy(char *dst, const char *src, size_t n);
char *strchr(const char *s, int c);
char *strrchr(const char *s, int c);
/*
 * Split words: skip blanks (space, tab, newline) at *sp, NUL-terminate the word
 * found there and advance *sp past it. Returns the word, or NULL when none is
 * left. Double quotes group blanks into a word and are dropped, as on Linux's
 * kernel command line: a "b c"d is the words a and b cd; a quote left open runs
 * to the end. The word is rewritten in place (it never grows).
 */
char *next_word(char **sp);
long strtol(const char *s, char **end, int base);
unsigned long strtoul(const char *s, char **end, int base);
int atoi(const char *s);

#endif
