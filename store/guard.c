/* guard.c: a damaged index read without a crash. LMDB trusts its pages: a
 * page number, node offset or length flipped on disk sends it outside the
 * map (SIGSEGV), past the end of a truncated file (SIGBUS) or into one of
 * its assertions (abort). Around its reads of an index a program pushes a
 * guard; a fault under it jumps back to the guard (siglongjmp), which makes
 * it an error. What the interrupted code held is abandoned, never touched
 * again: the transaction, the environment, memory. So a fault ends the
 * program's use of that index; it reports and exits (or, resident, stops).
 * A fault with no guard pushed stays the crash it was: our own bugs are not
 * taken for damage. */
#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <unistd.h>

#include "store/store.h"

static const int guarded_signals[] = { SIGSEGV, SIGBUS, SIGFPE, SIGABRT };
#define NSIGNALS (sizeof guarded_signals / sizeof guarded_signals[0])

static struct sigaction before[NSIGNALS];  /* the handlers found: ASan's, or the default */
static atomic_int installed;
static _Thread_local store_guard *top;     /* this thread's innermost guard */

/* The thread with a guard pushed, for a fault in a thread of its own that
 * has none (the second thread a search counts facets or makes snippets in):
 * that thread cannot jump to a guard on another stack, so it sends the
 * signal on to the guarded thread and waits there for the process to end. */
static atomic_int guarded;                 /* guards pushed on guarded_thread */
static pthread_t guarded_thread;
static volatile sig_atomic_t helper_sig;
static void *volatile helper_addr;
static atomic_uint faults;

static int index_of(int sig)
{
    for (size_t i = 0; i < NSIGNALS; i++)
        if (guarded_signals[i] == sig)
            return (int)i;
    return -1;
}

static void jump(store_guard *g, int sig, void *addr)
{
    g->sig = sig;
    g->addr = addr;
    top = g->prev;
    if (!top)
        atomic_store(&guarded, 0);
    atomic_fetch_add(&faults, 1);
    siglongjmp(g->jb, 1);
}

static void on_signal(int sig, siginfo_t *si, void *uc)
{
    (void)uc;
    store_guard *g = top;
    if (g) {
        /* a signal this thread was sent on by one that faulted */
        int sent = si->si_code == SI_TKILL && helper_sig;
        jump(g, sent ? helper_sig : sig, sent ? helper_addr : si->si_addr);
    }
    if (atomic_load(&guarded) && !pthread_equal(pthread_self(), guarded_thread)) {
        helper_sig = sig;
        helper_addr = si->si_addr;
        pthread_kill(guarded_thread, sig);
        for (;;)
            pause();              /* the guarded thread reports; the process ends */
    }
    /* no guard: the handler found before takes it, as if this one were not
     * there; a fault happens again on return, a signal sent is sent again */
    int i = index_of(sig);
    if (i >= 0)
        sigaction(sig, &before[i], NULL);
    if (si->si_code <= 0 || sig == SIGABRT)
        raise(sig);
}

void store_guard_install(void)
{
    if (atomic_exchange(&installed, 1))
        return;
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_sigaction = on_signal;
    sa.sa_flags = SA_SIGINFO;
    sigemptyset(&sa.sa_mask);
    for (size_t i = 0; i < NSIGNALS; i++)
        sigaction(guarded_signals[i], &sa, &before[i]);
}

void store_guard_push(store_guard *g)
{
    g->prev = top;
    g->sig = 0;
    g->addr = NULL;
    g->what[0] = '\0';
    top = g;
    if (!g->prev && atomic_load(&installed)) {
        guarded_thread = pthread_self();
        atomic_store(&guarded, 1);
    }
}

void store_guard_pop(store_guard *g)
{
    if (top != g)
        return;                   /* a fault already took it off */
    top = g->prev;
    if (!top)
        atomic_store(&guarded, 0);
}

/* LMDB's assertion, under a guard: the guard's jump, with LMDB's words.
 * Without one LMDB prints them and aborts, as it always has. */
void store_guard_lmdb_assert(MDB_env *env, const char *msg)
{
    (void)env;
    store_guard *g = top;
    if (!g || !atomic_load(&installed))
        return;
    snprintf(g->what, sizeof g->what, "%s", msg);
    jump(g, SIGABRT, NULL);
}

unsigned store_guard_faults(void)
{
    return atomic_load(&faults);
}

/* Whether the file system of dir has no room left: a write through the
 * map to a page with no block behind it faults (SIGBUS) when there is none. */
static int disk_full(const char *dir)
{
    struct statvfs vs;
    return statvfs(dir, &vs) == 0 && (uint64_t)vs.f_bavail * vs.f_frsize < (1u << 20);
}

int store_guard_fault(const store_guard *g, const store *st, const char *dir, char *err,
                      size_t errlen)
{
    const char *name = g->sig == SIGSEGV ? "SIGSEGV" : g->sig == SIGBUS ? "SIGBUS"
                       : g->sig == SIGFPE ? "SIGFPE" : "SIGABRT";
    if (g->sig == SIGBUS && disk_full(dir)) {
        snprintf(err, errlen, "disk full: no room left for the index %s (free some space "
                 "and run again)", dir);
        return BS_ERROR;
    }
    /* the page, from what store_open kept: LMDB's environment is not asked */
    char where[96] = "";
    uintptr_t a = (uintptr_t)g->addr, base = st ? (uintptr_t)st->map : 0;
    if (st && base && st->psize && a >= base && a - base < st->map_bytes)
        snprintf(where, sizeof where, " at page %llu",
                 (unsigned long long)((a - base) / st->psize));
    if (g->what[0])
        snprintf(err, errlen, "the index %s is damaged (LMDB: %s); rebuild it with "
                 "blogsearch-index --full", dir, g->what);
    else
        snprintf(err, errlen, "the index %s is damaged (reading it faulted: %s%s); rebuild it "
                 "with blogsearch-index --full", dir, name, where);
    return BS_ECORRUPT;
}
