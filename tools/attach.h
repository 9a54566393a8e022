/* attach.h - `lockwatch attach [--json FILE] PID` (attach.c): explain a
 * hung process that was not started under lockwatch. */
#ifndef LW_ATTACH_H
#define LW_ATTACH_H

/* argv[0] is "attach"; returns the exit status: 66 a deadlock was found,
 * 0 none, 1 the process cannot be traced, 2 a bad command line. */
int lw_attach_main(int argc, char **argv);

#endif
