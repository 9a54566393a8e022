/* compat.c - the old ABI of condition variables for the preload library.
 * glibc has two pthread_cond_* ABIs: the default (GLIBC_2.3.2) and the
 * old one (GLIBC_2.2.5), whose object holds a pointer to a condition
 * variable of the new kind. The preload library's pthread_cond_wait and
 * pthread_cond_timedwait carry no version, so every caller's reference
 * binds to them, the old ABI's too: an object built without symbol
 * versions (valgrind's DRD preload: its references then mean the oldest
 * version) or linked against the old one. Its init, signal, broadcast
 * and destroy still reach glibc's old functions: the wait must too, or
 * the two ABIs meet on one object (a crash in the old signal, a waiter
 * never woken: a false deadlock).
 *
 * lw__cond_old_abi(ra) says which ABI the object holding return address
 * ra meant, by its reference: a relocation naming pthread_cond_wait or
 * pthread_cond_timedwait, whose version is GLIBC_2.2.5 or none (an object
 * without versions, or an unversioned reference) means the old one; any
 * other version, or no reference (a call through a pointer from dlsym,
 * which gives the newest), the default. Read once per object from its
 * dynamic section and kept (a word per object: its start | old), the
 * object found with _dl_find_object (lock-free; dladdr1 before glibc
 * 2.35). dlclose forgets them all (lw__cond_abi_forget). */
#define _GNU_SOURCE
#include "compat.h"
#include "guard.h"
#include "object.h"
#include "real.h"

#include <dlfcn.h>
#include <elf.h>
#include <link.h>
#include <string.h>

#define N_KEPT 64
static uintptr_t kept[N_KEPT]; /* an object's start | 1 when old; 0: none */
static unsigned n_kept;

static int (*find_object)(void *, struct dl_find_object *);
static int find_state; /* 0: not looked up, 1: done */

static const void *at(uintptr_t p, uintptr_t base)
{
	/* glibc adds the load bias to most of these in place, not to all
	 * (DT_VERNEED): an address below the object's bias has none yet */
	return (const void *)(p < base ? p + base : p);
}

/* The name of version index v in the object's needed versions. */
static const char *needed_name(const ElfW(Verneed) *vn, size_t n, const char *strtab, unsigned v)
{
	for (size_t i = 0; vn && i < n; i++) {
		const ElfW(Vernaux) *a = (const void *)((const char *)vn + vn->vn_aux);
		for (unsigned k = 0; k < vn->vn_cnt; k++) {
			if ((a->vna_other & 0x7fff) == v)
				return strtab + a->vna_name;
			a = (const void *)((const char *)a + a->vna_next);
		}
		vn = (const void *)((const char *)vn + vn->vn_next);
	}
	return NULL;
}

struct dyn {
	const ElfW(Sym) *sym;
	const char *str;
	const ElfW(Half) *versym;
	const ElfW(Verneed) *verneed;
	size_t n_verneed;
	const ElfW(Rela) *rel[2];
	size_t rel_size[2];
};

/* Does the object of link map lm reference the condition variables'
 * waits in their old ABI? */
static int object_old(const struct link_map *lm)
{
	struct dyn d;
	memset(&d, 0, sizeof(d));
	uintptr_t b = lm->l_addr;
	for (const ElfW(Dyn) *e = lm->l_ld; e && e->d_tag != DT_NULL; e++) {
		uintptr_t p = e->d_un.d_ptr;
		switch (e->d_tag) {
		case DT_SYMTAB: d.sym = at(p, b); break;
		case DT_STRTAB: d.str = at(p, b); break;
		case DT_VERSYM: d.versym = at(p, b); break;
		case DT_VERNEED: d.verneed = at(p, b); break;
		case DT_VERNEEDNUM: d.n_verneed = e->d_un.d_val; break;
		case DT_RELA: d.rel[0] = at(p, b); break;
		case DT_RELASZ: d.rel_size[0] = e->d_un.d_val; break;
		case DT_JMPREL: d.rel[1] = at(p, b); break;
		case DT_PLTRELSZ: d.rel_size[1] = e->d_un.d_val; break;
		}
	}
	if (!d.sym || !d.str)
		return 0;
	for (int k = 0; k < 2; k++) {
		for (size_t i = 0; d.rel[k] && i < d.rel_size[k] / sizeof(ElfW(Rela)); i++) {
			size_t s = ELF64_R_SYM(d.rel[k][i].r_info);
			/* its own definition (an interposer's): not a reference */
			if (!s || d.sym[s].st_shndx != SHN_UNDEF)
				continue;
			const char *name = d.str + d.sym[s].st_name;
			if (strcmp(name, "pthread_cond_wait") != 0 &&
			    strcmp(name, "pthread_cond_timedwait") != 0)
				continue;
			unsigned v = d.versym ? d.versym[s] & 0x7fff : 0;
			if (v <= 1)
				return 1; /* unversioned: the oldest */
			const char *vname = needed_name(d.verneed, d.n_verneed, d.str, v);
			return vname && strcmp(vname, "GLIBC_2.2.5") == 0;
		}
	}
	return 0;
}

typedef int (*wait_fn)(pthread_cond_t *, pthread_mutex_t *);
typedef int (*timedwait_fn)(pthread_cond_t *, pthread_mutex_t *, const struct timespec *);
static void *old_wait, *old_timedwait;
static int old_state; /* 0: not looked up, 1: done */
static int old_distinct; /* the old wait is another function than the default */

static void old_lookup(void)
{
	lw__guard_enter();
	void *w = dlvsym(RTLD_NEXT, "pthread_cond_wait", "GLIBC_2.2.5");
	void *t = dlvsym(RTLD_NEXT, "pthread_cond_timedwait", "GLIBC_2.2.5");
	lw__store(&old_wait, w ? w : dlsym(RTLD_NEXT, "pthread_cond_wait"));
	lw__store(&old_timedwait, t ? t : dlsym(RTLD_NEXT, "pthread_cond_timedwait"));
	/* the next definition in another object than glibc's old one: an
	 * interposer's without versions (ThreadSanitizer's), which takes
	 * every caller's wait, as natively, and the real-function table
	 * calls it (base/real.c); or glibc has no old ABI */
	void *next = dlsym(RTLD_NEXT, "pthread_cond_wait");
	lw__store(&old_distinct, w && next && w != (void *)LW_REAL_FN(pthread_cond_wait) &&
					 lw__object_same(next, w));
	lw__store_rel(&old_state, 1);
	lw__guard_leave();
}

int lw__cond_old_abi(const void *ra)
{
	if (!lw__load_acq(&old_state))
		old_lookup();
	if (!lw__load(&old_distinct))
		return 0;
	if (!lw__load_acq(&find_state)) {
		lw__guard_enter();
		lw__store(&find_object, (int (*)(void *, struct dl_find_object *))dlsym(
						RTLD_DEFAULT, "_dl_find_object"));
		lw__store_rel(&find_state, 1);
		lw__guard_leave();
	}
	struct link_map *lm = NULL;
	uintptr_t start;
	int (*f)(void *, struct dl_find_object *) = lw__load(&find_object);
	struct dl_find_object o;
	Dl_info info;
	if (f) {
		if (f((void *)(uintptr_t)ra, &o) != 0)
			return 0;
		lm = o.dlfo_link_map;
		start = (uintptr_t)o.dlfo_map_start;
	} else {
		if (!dladdr1(ra, &info, (void **)&lm, RTLD_DL_LINKMAP) || !lm)
			return 0;
		start = (uintptr_t)info.dli_fbase;
	}
	start &= ~(uintptr_t)1;
	unsigned n = lw__load_acq(&n_kept);
	for (unsigned i = 0; i < n && i < N_KEPT; i++) {
		uintptr_t w = lw__load_acq(&kept[i]);
		if (w && (w & ~(uintptr_t)1) == start)
			return (int)(w & 1);
	}
	int old = object_old(lm);
	if (n < N_KEPT) {
		unsigned i = __atomic_fetch_add(&n_kept, 1, __ATOMIC_ACQ_REL);
		if (i < N_KEPT)
			lw__store_rel(&kept[i], start | (uintptr_t)old);
	}
	return old;
}

int lw__cond_wait_old(pthread_cond_t *c, pthread_mutex_t *m)
{
	if (!lw__load_acq(&old_state))
		old_lookup();
	return ((wait_fn)lw__load(&old_wait))(c, m);
}

int lw__cond_timedwait_old(pthread_cond_t *c, pthread_mutex_t *m, const struct timespec *t)
{
	if (!lw__load_acq(&old_state))
		old_lookup();
	return ((timedwait_fn)lw__load(&old_timedwait))(c, m, t);
}

void lw__cond_abi_forget(void)
{
	for (unsigned i = 0; i < N_KEPT; i++)
		lw__store(&kept[i], (uintptr_t)0);
	lw__store_rel(&n_kept, 0u);
}
