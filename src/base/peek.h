/* peek.h - reading this process's own memory through the kernel
 * (process_vm_readv), where memory may be unmapped or freed: an address
 * that cannot be read is an error, never a fault. */
#ifndef LW_PEEK_H
#define LW_PEEK_H

#include <stddef.h>

/* Copy n bytes at src into dst; 0 when all n could be read, else -1. */
int lw__peek(void *dst, const void *src, size_t n);

#endif
