/* preload.c - the LD_PRELOAD library: interposes glibc's pthread lock,
 * condition-variable and semaphore functions (and dlclose, to keep the
 * unwinder's cache right), one interposer per row of
 * real.def, each sending the call through the same ops as the other ways
 * in (ops.h). The real functions are found past this library with
 * dlsym/dlvsym; a call made from inside lockwatch goes straight to them.
 * Built only into liblockwatch-preload.so. */
#include "ops.h"

#define EXPORT __attribute__((visibility("default")))

#define LW__INTERPOSER(ret, name, params, args, op, kind, mode, obj)                  \
	LW__TWIN(op, lw__slow_##name, params, obj, NULL, kind, mode, LW_REAL_FN(name) args) \
	EXPORT ret name params                                                     \
	{                                                                          \
		struct lw__site site_ = { LW__RA(), NULL };                        \
		LW__OP_##op(obj, NULL, kind, mode, &site_, LW_REAL_FN(name) args,      \
			    lw__slow_##name(LW__UNPAREN args, site_));                 \
	}
#define LW_REAL(ret, name, params, args, ver, op, kind, mode, obj, hdr)               \
	LW__IF_##op(LW__INTERPOSER(ret, name, params, args, op, kind, mode, obj))
#define LW__IF_NONE(x)
#define LW__IF_INIT(x) x
#define LW__IF_DESTROY(x) x
#define LW__IF_ACQUIRE(x) x
#define LW__IF_TRY(x) x
#define LW__IF_RELEASE(x) x
#define LW__IF_COND_WAIT(x) x
#define LW__IF_SEM_ACQUIRE(x) x
#define LW__IF_DLCLOSE(x) x
#include "real.def"
#undef LW_REAL
