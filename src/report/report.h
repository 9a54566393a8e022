/* report.h - build a report, then emit it: human text to the log, one JSON
 * line to the JSON file, the program's handler, the counters, and the
 * exit code at exit.
 *
 * A builder collects raw facts (lock records, depot stack ids, raw pcs)
 * while the caller may still hold a lockwatch lock; lw__report_emit() is
 * called with none held and does the slow part: names, symbols, formatting
 * and writing. Reports are serialised by one report lock, so they never
 * interleave. Call everything here under the guard. */
#ifndef LW_REPORT_H
#define LW_REPORT_H

#include "common.h"
#include "buf.h"
#include "lock.h"

struct lw__rb;

struct lw__rb *lw__rb_new(lw_kind_t kind, lw_severity_t sev);

/* Add a lock (once per id); returns its index in the report's locks. */
int lw__rb_lock(struct lw__rb *rb, const struct lw__lock *l);

/* Add a cycle edge between two lock indexes. */
void lw__rb_edge(struct lw__rb *rb, int from, int to, int tid, const char *tname,
		 int from_read, int to_read, int from_timed, int to_timed,
		 int to_fresh, uint32_t from_stack, uint32_t to_stack);

/* Add a thread; returns its index. `lock` is a lock index or -1; the stack
 * is a depot id (0: none). */
int lw__rb_thread(struct lw__rb *rb, int tid, const char *name, const char *role,
		  int lock, uint64_t duration_ms, uint32_t stack);

/* Add a lock index to thread ti's held list. */
void lw__rb_thread_held(struct lw__rb *rb, int ti, int lock);

/* Set thread ti's "doing now" stack from raw pcs, or a note why not. */
void lw__rb_thread_now(struct lw__rb *rb, int ti, const uintptr_t *pcs, int n,
		       const char *note);

/* Thread ti's state (printf-style: what it does or waits for) and one
 * more thread it waits for (hang reports). */
void lw__rb_thread_state(struct lw__rb *rb, int ti, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
void lw__rb_thread_waits_for(struct lw__rb *rb, int ti, int tid);

/* The one-line headline and an optional note (printf-style). */
void lw__rb_headline(struct lw__rb *rb, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
void lw__rb_note(struct lw__rb *rb, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/* Name of lock index i, as it will appear (for headlines). */
const char *lw__rb_lock_name(struct lw__rb *rb, int i);

/* Group rb with earlier reports of its kind with the same shape `key`
 * (nonzero; say which facts it hashes where it is computed): when there
 * is such a group, rb is emitted as one more instance of it (one short
 * JSON line at once, counted in the log's next summary of the group;
 * the handler does not see it, the counters count it as an instance,
 * not a report); else rb is reported in full and starts the group. */
void lw__rb_group(struct lw__rb *rb, uint64_t key);

/* Symbolise, format, write, call the handler, count; frees rb. */
void lw__report_emit(struct lw__rb *rb);

/* Drop a builder without emitting it. */
void lw__rb_free(struct lw__rb *rb);

/* Wait up to ms milliseconds until no thread but the caller is making a
 * report (from lw__rb_new to lw__rb_free, and the lock-order line written
 * after it: lw__report_flight): exit must not end the process under an
 * error being reported (found, not yet counted), nor under a line being
 * written (the kernel cuts a write a thread is killed in at a page: a
 * JSON line left without its end). 0 when none is left, -1 at the
 * deadline. */
int lw__report_wait(unsigned ms);
/* The calling thread's work after a report, counted as a report in
 * flight: +1 before it, -1 after. */
void lw__report_flight(int delta);
/* In a fork's child: the reports other threads were making stay in the
 * parent. */
void lw__report_flight_atfork_child(void);

/* Suppressions (option suppressions): read the file, at start-up only
 * (a bad file is named, with its line, and suppresses nothing); did the
 * calling thread's last report go unreported; at exit, outside `lockwatch
 * run` (which sums up the whole run itself), how many were suppressed by
 * which entries (with option verbose, also the entries that matched
 * nothing). */
void lw__report_suppressions_load(void);
int lw__report_last_suppressed(void);
void lw__report_suppressions_summary(void);

/* Counters (lock-free) and the handler. The errors this process reported
 * (0 in a vfork child, whose memory is its parent's). */
unsigned long lw__report_errors(void);

/* Is there a group of (kind, key) now (so an instance's costly detail,
 * such as what its threads are doing now, can be left out)? */
int lw__report_grouped(lw_kind_t kind, uint64_t key);
/* End the group of (kind, key) (a burst is over): its summary is printed
 * if due, and a later report with that key is reported in full again. */
void lw__report_group_end(lw_kind_t kind, uint64_t key);
/* Print the summaries of grouped instances not yet printed: all of them
 * (`all`: at exit), or those of groups quiet in the log for a second
 * (the watchdog, every look). Any full report prints them all first. */
void lw__report_group_flush(int all);

/* The JSON of r; timed[i] (bit 0: from, bit 1: to) says which sides of
 * edge i were timed acquires (NULL: none), a fact lw_report_edge_t, frozen,
 * does not carry. */
/* The JSON line of r; what the frozen public structs cannot carry (edge
 * timed flags, hang state, its group's id) is read from its builder rb. */
void lw__report_json(const lw_report_t *r, const struct lw__rb *rb, struct lw__buf *b);
void lw__report_text(const lw_report_t *r, const struct lw__rb *rb, struct lw__buf *b);
/* The JSON line of an instance of group `group` (number n): what tells it
 * from the group's report (its locks, edges' locks and threads, threads
 * and durations); r is built without stacks. */
void lw__report_json_instance(const lw_report_t *r, unsigned group, unsigned long n,
			      struct lw__buf *b);

/* Depot stack `id` symbolised into f (room for LW__STACK_MAX frames;
 * the strings stay valid: symbols.h); a call site of the force-included
 * header fills the innermost frame when debug info has no file. `light`:
 * frames (but the innermost) in system libraries get their function from
 * the dynamic symbol table and no file or line (reading libc's debug info
 * costs a process about 0.2 s). x gets each frame's module offset and
 * build ID (a light frame's build ID is not read: NULL). Returns the depth
 * (0: none). */
struct lw__frame_info;
int lw__report_depot_frames(uint32_t id, lw_frame_t *f, struct lw__frame_info *x, int light);

/* A stack as JSON, as in a report: [{"pc":..,"function":..,"file":..,
 * "line":..,"module":..,"module_offset":..,"build_id":..},...], x saying
 * what is known of each frame (NULL: offsets and build IDs null). */
void lw__report_json_stack(const lw_stack_t *s, const struct lw__frame_info *x,
			   struct lw__buf *b);

void lw__report_atfork_prepare(void);
void lw__report_atfork_parent(void);
void lw__report_atfork_child(void);

#endif
