#!/bin/bash
# test_cut_short.sh - an error whose report its process did not live to
# finish still reaches the exit status. cut_short (exit_while_reporting.c
# built to end with _exit, which runs no exit handler) ends while a
# worker is making the report of the lock-order cycle it just closed.
# Expected: status 66 (the program's is 0), and lockwatch run says one
# error report was cut short. Before, status 0 and no word: the error was
# counted only once its report was made.
. "$(dirname "$0")/lib.sh"

lw_run cut -- "$LWP_BIN/cut_short"
expect_rc 66 "an error report cut short by _exit"
expect_in cut.out "exiting"
expect_in cut.err "1 error report was cut short"
expect_in cut.err "exit status 66 (program's was 0)"
echo "PASS"
