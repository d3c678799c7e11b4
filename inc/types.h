/* Basic types and helpers shared by kernel, user library and host tests. */
#ifndef ELK_INC_TYPES_H
#define ELK_INC_TYPES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef int64_t ssize_t;
typedef int32_t pid_t;
typedef int64_t off_t;
typedef uint64_t physaddr_t;

#define ROUNDDOWN(a, n) ((a) / (n) * (n))
#define ROUNDUP(a, n) ROUNDDOWN((a) + (n) - 1, (n))
#define MIN(a, b) ((a) < (b) ? (a) : (b))
#define MAX(a, b) ((a) > (b) ? (a) : (b))
#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

/* container_of: from a pointer to a member, the structure that holds it. */
#define container_of(ptr, type, member) \
	((type *)((char *)(ptr) - offsetof(type, member)))

#endif
