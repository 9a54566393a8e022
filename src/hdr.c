/* hdr.c - the entry points of the force-included header
 * (lockwatch/pthread.h), lw_<name> for each real.def row marked for the
 * header: plain pthread objects, found by address, with the call site's
 * file, line and function. */
#include "ops.h"

#define LW__HDR_0(ret, name, params, args, op, kind, mode, obj)
#define LW__HDR_1(ret, name, params, args, op, kind, mode, obj)                      \
	ret lw_##name(LW__UNPAREN params, const char *file, int line, const char *func) \
	{                                                                          \
		struct lw__site site_ = { LW__RA(), file, func, line };                \
		LW__OP_##op(obj, NULL, kind, mode, &site_, LW_REAL_FN(name) args);     \
	}
#define LW_REAL(ret, name, params, args, ver, op, kind, mode, obj, hdr)               \
	LW__HDR_##hdr(ret, name, params, args, op, kind, mode, obj)
#include "real.def"
#undef LW_REAL
