/* guard.c - the thread-local state of guard.h (initial-exec TLS: no
 * allocation on first access, even in a preloaded library). */
#include "guard.h"

LW__TLS int lw__tls_guard;
LW__TLS int lw__tls_signalled;
