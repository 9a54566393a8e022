/* many_records_capped.c - many_records.c in a process that limits its own
 * address space first: lockwatch then keeps no region of hinted records,
 * and finds every record by address. */
#define CAPPED 1
#include "many_records.c"
