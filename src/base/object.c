/* object.c - which loaded object holds an address (see object.h): glibc's
 * _dl_find_object (2.35 and later: a search of the loader's sorted
 * ranges, no lock, a few hundred instructions), looked up at run time;
 * else dladdr1, which also walks the object's symbol table for the
 * nearest symbol (about 90,000 instructions in libc's, at every
 * program's start: the real functions and the allocator are placed so). */
#define _GNU_SOURCE
#include "object.h"

#include <dlfcn.h>
#include <link.h>

#if defined(DLFO_STRUCT_HAS_EH_DBASE)
typedef int (*find_fn)(void *, struct dl_find_object *);
static find_fn find;
static int find_state; /* 0 not looked up, 1 looked up */

void lw__object_setup(void)
{
	if (!lw__load_acq(&find_state)) {
		lw__store(&find, (find_fn)dlsym(RTLD_DEFAULT, "_dl_find_object"));
		lw__store_rel(&find_state, 1);
	}
}

static int by_find(const void *addr, struct lw__object *o)
{
	lw__object_setup();
	find_fn f = lw__load(&find);
	struct dl_find_object r;
	if (!f)
		return -1;
	if (f((void *)addr, &r) != 0 || !r.dlfo_link_map)
		return 0;
	o->id = r.dlfo_link_map;
	o->name = r.dlfo_link_map->l_name ? r.dlfo_link_map->l_name : "";
	o->base = (uintptr_t)r.dlfo_link_map->l_addr;
	o->lo = (uintptr_t)r.dlfo_map_start;
	o->hi = (uintptr_t)r.dlfo_map_end;
	return 1;
}
#else
void lw__object_setup(void)
{
}

static int by_find(const void *addr, struct lw__object *o)
{
	(void)addr;
	(void)o;
	return -1;
}
#endif

int lw__object_of(const void *addr, struct lw__object *o)
{
	int rc = by_find(addr, o);
	if (rc >= 0)
		return rc;
	Dl_info info;
	struct link_map *lm = NULL;
	if (!dladdr1(addr, &info, (void **)&lm, RTLD_DL_LINKMAP) || !lm)
		return 0;
	o->id = lm;
	o->name = lm->l_name ? lm->l_name : "";
	o->base = (uintptr_t)lm->l_addr;
	o->lo = o->hi = 0;
	return 1;
}

int lw__object_same(const void *a, const void *b)
{
	struct lw__object x, y;
	return lw__object_of(a, &x) && lw__object_of(b, &y) && x.id == y.id;
}
