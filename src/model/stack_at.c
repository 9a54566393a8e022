/* stack_at.c - the stack of another thread of this process, one that is
 * blocked in a system call, read from outside it (see stack.h): from the
 * stack pointer and program counter the kernel shows for it
 * (/proc/self/task/TID/syscall), with no signal, so the call it sleeps in
 * is never interrupted.
 *
 * libunwind's remote interface (libunwind-x86_64.so.8, loaded privately
 * like libunwind itself) walks the stack with accessors over this
 * process's own memory: every read goes through process_vm_readv, so a
 * stack or library that goes away meanwhile gives a failed read, never a
 * fault; unwind tables come from each loaded object's .eh_frame_hdr
 * (dl_iterate_phdr). Only the stack pointer and the pc are known, which is
 * all that code without a frame pointer needs (its CFA is the stack
 * pointer plus a constant). Code built with frame pointers needs the
 * frame pointer, which the kernel does not show: when a step needs it,
 * the frame's saved-frame-pointer slot is found on its stack as the first
 * word above the stack pointer that is followed by a return address whose
 * call instruction calls this very function (directly, or through a PLT
 * or GOT entry; a call through a register cannot be checked and is taken
 * as it is). When nothing fits, the stack ends there: a partial stack. */
#include "stack.h"
#include "peek.h"
#include "sample.h"

#include <dlfcn.h>
#include <libunwind.h>
#include <link.h>
#include <string.h>
#include <unistd.h>

static struct {
	int (*init_remote)(unw_cursor_t *, unw_addr_space_t, void *);
	int (*step)(unw_cursor_t *);
	int (*get_reg)(unw_cursor_t *, unw_regnum_t, unw_word_t *);
	int (*search)(unw_addr_space_t, unw_word_t, unw_dyn_info_t *, unw_proc_info_t *, int,
		      void *);
	unw_addr_space_t as;
} u;

/* The registers of the frame the walk starts from, and (a sample) a copy
 * of the stack from sp up, read instead of the live stack. */
struct regs {
	uintptr_t pc, sp, fp;
	int has_fp;
	int wanted_fp; /* a step failed for want of the frame pointer */
	const struct lw__sample *s;
};

/* Read n bytes at addr of this process; 0 when all could be read. */
static int peek(uintptr_t addr, void *buf, size_t n)
{
	return lw__peek(buf, (const void *)addr, n);
}

/* ---- the accessors ------------------------------------------------------ */

/* The loaded object whose PT_LOAD segment holds ip: that segment and the
 * object's .eh_frame_hdr. */
struct object {
	uintptr_t ip, lo, hi, hdr;
	int found;
};

static int find_object(struct dl_phdr_info *info, size_t size, void *arg)
{
	(void)size;
	struct object *o = arg;
	uintptr_t hdr = 0;
	int in = 0;
	for (int i = 0; i < info->dlpi_phnum; i++) {
		const ElfW(Phdr) *p = &info->dlpi_phdr[i];
		uintptr_t start = info->dlpi_addr + p->p_vaddr;
		if (p->p_type == PT_LOAD && o->ip >= start && o->ip < start + p->p_memsz) {
			o->lo = start;
			o->hi = start + p->p_memsz;
			in = 1;
		} else if (p->p_type == PT_GNU_EH_FRAME) {
			hdr = start;
		}
	}
	if (!in)
		return 0;
	o->hdr = hdr;
	o->found = 1;
	return 1;
}

/* Size of a value of DWARF pointer encoding enc in .eh_frame_hdr (the
 * forms linkers write), 0 for any other. */
static size_t enc_size(unsigned char enc)
{
	switch (enc & 0x0f) {
	case 0x03: case 0x0b: return 4; /* udata4, sdata4 */
	case 0x04: case 0x0c: return 8; /* udata8, sdata8 */
	}
	return 0;
}

static int find_proc_info(unw_addr_space_t as, unw_word_t ip, unw_proc_info_t *pi, int need,
			  void *arg)
{
	struct object o;
	memset(&o, 0, sizeof(o));
	o.ip = ip;
	dl_iterate_phdr(find_object, &o);
	unsigned char h[4 + 8 + 8];
	if (!o.found || !o.hdr || peek(o.hdr, h, 4) != 0)
		return -UNW_ENOINFO;
	size_t ptr_size = enc_size(h[1]), count_size = enc_size(h[2]);
	/* a binary search table of (start, fde) pairs, 4 bytes each,
	 * relative to the header: datarel | sdata4 */
	if (h[0] != 1 || !ptr_size || !count_size || h[3] != 0x3b ||
	    peek(o.hdr + 4, h + 4, ptr_size + count_size) != 0)
		return -UNW_ENOINFO;
	uint64_t count = 0;
	memcpy(&count, h + 4 + ptr_size, count_size < 8 ? 4 : 8);
	unw_dyn_info_t di;
	memset(&di, 0, sizeof(di));
	di.format = UNW_INFO_FORMAT_REMOTE_TABLE;
	di.start_ip = o.lo;
	di.end_ip = o.hi;
	di.u.rti.segbase = o.hdr;
	di.u.rti.table_data = o.hdr + 4 + ptr_size + count_size;
	di.u.rti.table_len = count * 8 / sizeof(unw_word_t);
	return u.search(as, ip, &di, pi, need, arg);
}

static void put_unwind_info(unw_addr_space_t as, unw_proc_info_t *pi, void *arg)
{
	(void)as, (void)pi, (void)arg; /* libunwind frees what it made */
}

static int get_dyn_info_list_addr(unw_addr_space_t as, unw_word_t *addr, void *arg)
{
	(void)as, (void)addr, (void)arg;
	return -UNW_ENOINFO; /* no run-time registered unwind info */
}

/* The 64-byte lines read during one walk (unwind tables are read word by
 * word): 16 of them, direct-mapped, emptied when a walk starts. A line
 * never crosses a page, so a readable word's line is readable. */
#define LINES 16
static struct {
	uintptr_t tag[LINES]; /* line address + 1, 0: empty */
	unsigned char data[LINES][64];
} lines;

static int access_mem(unw_addr_space_t as, unw_word_t addr, unw_word_t *val, int write,
		      void *arg)
{
	(void)as;
	if (write)
		return -UNW_EINVAL;
	const struct regs *r = arg;
	if (r && r->s && addr >= r->s->sp && addr + sizeof(*val) <= r->s->sp + r->s->n) {
		memcpy(val, r->s->stack + (addr - r->s->sp), sizeof(*val));
		return 0; /* the stack as it was when sampled */
	}
	uintptr_t line = addr & ~(uintptr_t)63, off = addr & 63;
	if (off > 64 - sizeof(*val))
		return peek(addr, val, sizeof(*val)) == 0 ? 0 : -UNW_EINVAL;
	unsigned i = (unsigned)(line >> 6) % LINES;
	if (lines.tag[i] != line + 1) {
		if (peek(line, lines.data[i], 64) != 0)
			return -UNW_EINVAL;
		lines.tag[i] = line + 1;
	}
	memcpy(val, lines.data[i] + off, sizeof(*val));
	return 0;
}

static int access_reg(unw_addr_space_t as, unw_regnum_t reg, unw_word_t *val, int write,
		      void *arg)
{
	(void)as;
	struct regs *r = arg;
	if (write)
		return -UNW_EREADONLYREG;
	switch (reg) {
	case UNW_X86_64_RIP:
		*val = r->pc;
		return 0;
	case UNW_X86_64_RSP:
		*val = r->sp;
		return 0;
	case UNW_X86_64_RBP:
		if (r->has_fp) {
			*val = r->fp;
			return 0;
		}
		r->wanted_fp = 1;
		return -UNW_EBADREG;
	case UNW_X86_64_RBX:
		if (!r->s)
			break;
		*val = r->s->bx;
		return 0;
	case UNW_X86_64_R12:
	case UNW_X86_64_R13:
	case UNW_X86_64_R14:
	case UNW_X86_64_R15:
		if (!r->s)
			break;
		*val = r->s->r12_15[reg - UNW_X86_64_R12];
		return 0;
	}
	return -UNW_EBADREG; /* never guessed */
}

static int access_fpreg(unw_addr_space_t as, unw_regnum_t reg, unw_fpreg_t *val, int write,
			void *arg)
{
	(void)as, (void)reg, (void)val, (void)write, (void)arg;
	return -UNW_EBADREG;
}

static int resume(unw_addr_space_t as, unw_cursor_t *c, void *arg)
{
	(void)as, (void)c, (void)arg;
	return -UNW_EINVAL;
}

static int get_proc_name(unw_addr_space_t as, unw_word_t addr, char *buf, size_t len,
			 unw_word_t *off, void *arg)
{
	(void)as, (void)addr, (void)buf, (void)len, (void)off, (void)arg;
	return -UNW_ENOINFO;
}

/* ---- frame pointers ----------------------------------------------------- */

/* The function an indirect jump stub at addr jumps to (a PLT entry:
 * jmp *GOT(%rip), maybe after endbr64 and bnd), or 0. */
static uintptr_t stub_target(uintptr_t addr)
{
	unsigned char b[12];
	if (peek(addr, b, sizeof(b)) != 0)
		return 0;
	size_t at = 0;
	if (b[0] == 0xf3 && b[1] == 0x0f && b[2] == 0x1e && b[3] == 0xfa)
		at = 4; /* endbr64 */
	if (b[at] == 0xf2)
		at++; /* bnd */
	if (b[at] != 0xff || b[at + 1] != 0x25)
		return 0;
	int32_t disp;
	memcpy(&disp, b + at + 2, 4);
	uintptr_t got, to;
	got = addr + at + 6 + (intptr_t)disp;
	return peek(got, &to, sizeof(to)) == 0 ? to : 0;
}

/* Is addr in an executable segment of a loaded object? */
static int code_at(struct dl_phdr_info *info, size_t size, void *arg)
{
	(void)size;
	uintptr_t addr = *(uintptr_t *)arg;
	for (int i = 0; i < info->dlpi_phnum; i++) {
		const ElfW(Phdr) *p = &info->dlpi_phdr[i];
		uintptr_t start = info->dlpi_addr + p->p_vaddr;
		if (p->p_type == PT_LOAD && (p->p_flags & PF_X) && addr >= start &&
		    addr < start + p->p_memsz)
			return 1;
	}
	return 0;
}

static int in_code(uintptr_t addr)
{
	return dl_iterate_phdr(code_at, &addr) == 1;
}

/* Does the instruction before return address ret call function f? 1 yes
 * (or a call through a register or the stack, from code, which cannot be
 * checked further), 0 no or not a call. */
static int calls(uintptr_t ret, uintptr_t f)
{
	unsigned char b[7];
	if (ret < sizeof(b) || peek(ret - sizeof(b), b, sizeof(b)) != 0)
		return 0;
	const unsigned char *e = b + sizeof(b); /* e[-k]: k bytes before ret */
	if (e[-5] == 0xe8) { /* call rel32 */
		int32_t rel;
		memcpy(&rel, e - 4, 4);
		uintptr_t to = ret + (intptr_t)rel;
		return to == f || stub_target(to) == f;
	}
	if (e[-6] == 0xff && e[-5] == 0x15) { /* call *GOT(%rip) */
		int32_t disp;
		uintptr_t to;
		memcpy(&disp, e - 4, 4);
		return peek(ret + (intptr_t)disp, &to, sizeof(to)) == 0 && to == f;
	}
	/* call *%reg, *(%reg), *d8(%reg), *d8(%rsp), *d32(%reg) (a REX
	 * prefix before them changes nothing here) */
	int indirect = (e[-2] == 0xff && ((e[-1] & 0xf8) == 0xd0 ||
					  ((e[-1] & 0xf8) == 0x10 && (e[-1] & 7) != 4 &&
					   (e[-1] & 7) != 5))) ||
		       (e[-3] == 0xff && (e[-2] & 0xf8) == 0x50 && (e[-2] & 7) != 4) ||
		       (e[-4] == 0xff && e[-3] == 0x54 && e[-2] == 0x24) ||
		       (e[-6] == 0xff && (e[-5] & 0xf8) == 0x90 && (e[-5] & 7) != 4);
	return indirect && in_code(ret);
}

#define FP_SCAN 16384 /* bytes above the stack pointer searched */

/* How well the word pair at slot (saved frame pointer fp, return address
 * ret) fits as a frame's link: 2 when the caller's own link checks out
 * too (fp points above the slot, and the word after it returns into a
 * call of the function ret is in: the caller keeps a frame pointer), 1
 * when fp at least points above the slot, else 0. A stale pair left among
 * a frame's locals by an earlier call scores lower than the real one. */
static int link_score(uintptr_t slot, uintptr_t fp, uintptr_t ret)
{
	if (fp <= slot || fp - slot >= FP_SCAN || fp & 7)
		return 0;
	unw_proc_info_t ci;
	struct regs none;
	uintptr_t next;
	memset(&none, 0, sizeof(none));
	if (find_proc_info(u.as, ret - 1, &ci, 0, &none) != 0 ||
	    peek(fp + sizeof(uintptr_t), &next, sizeof(next)) != 0)
		return 1;
	return calls(next, ci.start_ip) ? 2 : 1;
}

/* The frame pointer of the frame at return address (or pc, when exact)
 * ip whose stack pointer is sp: where its saved-frame-pointer slot is,
 * the best fitting of the slots followed by a return address that calls
 * this function, the lowest of equals. */
static int find_fp(uintptr_t ip, uintptr_t sp, int exact, uintptr_t *fp)
{
	unw_proc_info_t pi;
	struct regs none;
	memset(&none, 0, sizeof(none));
	if (sp & 7 || find_proc_info(u.as, exact ? ip : ip - 1, &pi, 0, &none) != 0)
		return 0;
	uintptr_t words[512];
	int best = -1;
	for (uintptr_t base = sp; base < sp + FP_SCAN; base += sizeof(words)) {
		size_t n = sizeof(words) / sizeof(words[0]);
		/* a page at a time, up to where the stack ends */
		size_t page = 4096 - (base & 4095);
		if (peek(base, words, sizeof(words)) != 0) {
			if (page >= sizeof(words) || peek(base, words, page) != 0)
				break;
			n = page / sizeof(words[0]);
		}
		for (size_t i = 0; i + 1 < n; i++) {
			if (!calls(words[i + 1], pi.start_ip))
				continue;
			uintptr_t slot = base + i * sizeof(uintptr_t);
			int score = link_score(slot, words[i], words[i + 1]);
			if (score > best) {
				best = score;
				*fp = slot;
				if (score == 2)
					return 1;
			}
		}
		if (n < sizeof(words) / sizeof(words[0]))
			break;
		base -= sizeof(uintptr_t); /* the last word, with its successor */
	}
	return best >= 0;
}

/* ---- the walk ----------------------------------------------------------- */

/* What lw__stack_at_load found, for lw__stack_at_setup. */
static unw_addr_space_t (*create_as)(unw_accessors_t *, int);
static int (*as_policy)(unw_addr_space_t, unw_caching_policy_t);

void lw__stack_at_load(void)
{
	unw_word_t probe = 1;
	if (peek((uintptr_t)&probe, &probe, sizeof(probe)) != 0)
		return; /* process_vm_readv refused */
	void *h = dlopen("libunwind-x86_64.so.8", RTLD_NOW | RTLD_LOCAL);
	if (!h)
		return;
	create_as = (unw_addr_space_t(*)(unw_accessors_t *, int))dlsym(h, "_Ux86_64_create_addr_space");
	as_policy = (int (*)(unw_addr_space_t, unw_caching_policy_t))dlsym(h, "_Ux86_64_set_caching_policy");
	u.init_remote = (int (*)(unw_cursor_t *, unw_addr_space_t, void *))dlsym(h, "_Ux86_64_init_remote");
	u.step = (int (*)(unw_cursor_t *))dlsym(h, "_Ux86_64_step");
	u.get_reg = (int (*)(unw_cursor_t *, unw_regnum_t, unw_word_t *))dlsym(h, "_Ux86_64_get_reg");
	u.search = (int (*)(unw_addr_space_t, unw_word_t, unw_dyn_info_t *, unw_proc_info_t *, int,
			    void *))dlsym(h, "_Ux86_64_dwarf_search_unwind_table");
}

void lw__stack_at_setup(void)
{
	if (!create_as || !as_policy || !u.init_remote || !u.step || !u.get_reg || !u.search)
		return;
	static unw_accessors_t acc = {
		.find_proc_info = find_proc_info,
		.put_unwind_info = put_unwind_info,
		.get_dyn_info_list_addr = get_dyn_info_list_addr,
		.access_mem = access_mem,
		.access_reg = access_reg,
		.access_fpreg = access_fpreg,
		.resume = resume,
		.get_proc_name = get_proc_name,
	};
	/* libunwind's start-up (its validation pipe: in the descriptor
	 * table of the thread that runs this, see unwind.c) */
	unw_addr_space_t as = create_as(&acc, 0);
	/* no cache: nothing shared, no lock (the watchdog alone walks) */
	if (as && as_policy(as, UNW_CACHE_NONE) == 0)
		lw__store_rel(&u.as, as);
}

static int walk(struct regs r, uintptr_t *pcs, int max);

int lw__stack_at(uintptr_t sp, uintptr_t pc, uintptr_t *pcs, int max)
{
	struct regs r = { pc, sp, 0, 0, 0, NULL };
	return walk(r, pcs, max);
}

int lw__stack_at_sample(const struct lw__sample *s, uintptr_t *pcs, int max)
{
	struct regs r = { s->ip, s->sp, s->bp, 1, 0, s };
	return walk(r, pcs, max);
}

static int walk(struct regs r, uintptr_t *pcs, int max)
{
	uintptr_t pc = r.pc;
	if (!lw__load_acq(&u.as) || !pcs || max <= 0)
		return 0;
	if (max > LW__STACK_MAX)
		max = LW__STACK_MAX;
	memset(lines.tag, 0, sizeof(lines.tag)); /* the stack may have moved */
	int n = 0, restarted = 0;
	while (n < max) {
		unw_cursor_t c;
		if (u.init_remote(&c, u.as, &r) < 0)
			break;
		if (!restarted)
			pcs[n++] = pc;
		int rc = 0, from = n;
		while (n < max && (rc = u.step(&c)) > 0) {
			unw_word_t ip;
			if (u.get_reg(&c, UNW_REG_IP, &ip) < 0 || ip == 0)
				break;
			pcs[n++] = ip;
		}
		/* a step that wanted the frame pointer: find it, go on from there */
		unw_word_t fsp;
		uintptr_t fp;
		if (n >= max || rc >= 0 || !r.wanted_fp || (restarted && n == from) ||
		    u.get_reg(&c, UNW_REG_SP, &fsp) < 0)
			break;
		int exact = n == 1 && !restarted;
		if (!find_fp(pcs[n - 1], fsp, exact, &fp))
			break;
		r.pc = exact ? pcs[n - 1] : pcs[n - 1] - 1; /* inside the call */
		r.sp = fsp;
		r.fp = fp;
		r.has_fp = 1;
		r.wanted_fp = 0;
		restarted = 1;
	}
	return n;
}
