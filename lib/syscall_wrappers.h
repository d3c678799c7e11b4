/*
 * The user library's wrappers for the calls of inc/syscall.def, made the same
 * way for each path: the includer defines WRAPPER_NAME(name), the wrapper's
 * name, and WRAPPER_CALL(num, a1, ..., a6), which makes the call and returns
 * its result (and SYSCALL_ELK_ONLY for elk's own calls alone), then includes
 * this file. Each wrapper converts its arguments to long and its result to the
 * call's return type. lib/syscall.c makes the trap path's for elk's own calls,
 * lib/flexsc.c the syscall page's for every call.
 */
#define SYSCALL0(num, name, ret) \
	ret WRAPPER_NAME(name)(void) \
	{ return (ret)WRAPPER_CALL(num, 0, 0, 0, 0, 0, 0); }
#define SYSCALL1(num, name, ret, t1, a1) \
	ret WRAPPER_NAME(name)(t1 a1) \
	{ return (ret)WRAPPER_CALL(num, (long)a1, 0, 0, 0, 0, 0); }
#define SYSCALL2(num, name, ret, t1, a1, t2, a2) \
	ret WRAPPER_NAME(name)(t1 a1, t2 a2) \
	{ return (ret)WRAPPER_CALL(num, (long)a1, (long)a2, 0, 0, 0, 0); }
#define SYSCALL3(num, name, ret, t1, a1, t2, a2, t3, a3) \
	ret WRAPPER_NAME(name)(t1 a1, t2 a2, t3 a3) \
	{ return (ret)WRAPPER_CALL(num, (long)a1, (long)a2, (long)a3, 0, 0, 0); }
#define SYSCALL4(num, name, ret, t1, a1, t2, a2, t3, a3, t4, a4) \
	ret WRAPPER_NAME(name)(t1 a1, t2 a2, t3 a3, t4 a4) \
	{ return (ret)WRAPPER_CALL(num, (long)a1, (long)a2, (long)a3, (long)a4, 0, 0); }
#define SYSCALL5(num, name, ret, t1, a1, t2, a2, t3, a3, t4, a4, t5, a5) \
	ret WRAPPER_NAME(name)(t1 a1, t2 a2, t3 a3, t4 a4, t5 a5) \
	{ return (ret)WRAPPER_CALL(num, (long)a1, (long)a2, (long)a3, (long)a4, (long)a5, 0); }
#define SYSCALL6(num, name, ret, t1, a1, t2, a2, t3, a3, t4, a4, t5, a5, t6, a6) \
	ret WRAPPER_NAME(name)(t1 a1, t2 a2, t3 a3, t4 a4, t5 a5, t6 a6) \
	{ return (ret)WRAPPER_CALL(num, (long)a1, (long)a2, (long)a3, (long)a4, (long)a5, \
				  (long)a6); }
#define SYSCALL_OWN_WRAPPER0(...)
#define SYSCALL_OWN_WRAPPER1(...)
#include <inc/syscall.def>
#undef WRAPPER_NAME
#undef WRAPPER_CALL
