/* blocked_holder_o2.c - blocked_holder.c built as most programs are: -O2,
 * no frame pointer (see tests/ways/CMakeLists.txt). */
#include "blocked_holder.c"
