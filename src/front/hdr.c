/* hdr.c - the entry points of the force-included header
 * (lockwatch/pthread.h), lw_<name>_at for each real.def row marked for the
 * header: plain pthread objects, found by address, with a pointer to the
 * call site's static record of file, line and function. */
#include "ops.h"

#define LW__HDR_0(ret, name, params, args, op, kind, mode, obj)
#define LW__HDR_1(ret, name, params, args, op, kind, mode, obj)                      \
	LW__TWIN(op, lw__hdr_slow_##name, params, obj, NULL, kind, mode, LW_REAL_FN(name) args) \
	ret lw_##name##_at(LW__UNPAREN params, const lw_site_t *src)              \
	{                                                                          \
		struct lw__site site_ = { LW__RA(), src };                         \
		LW__OP_##op(obj, NULL, kind, mode, &site_, LW_REAL_FN(name) args,      \
			    lw__hdr_slow_##name(LW__UNPAREN args, site_));             \
	}
#define LW_REAL(ret, name, params, args, ver, op, kind, mode, obj, hdr)               \
	LW__HDR_##hdr(ret, name, params, args, op, kind, mode, obj)
#include "real.def"
#undef LW_REAL
