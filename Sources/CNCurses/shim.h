#ifndef LSTMSCOPE_CNCURSES_SHIM_H
#define LSTMSCOPE_CNCURSES_SHIM_H
// ncurses exposes attributes, colour pairs and screen size as macros; these inline
// getters make them callable from Swift. NCURSES_WIDECHAR must precede the include
// for the wide-character API (cchar_t, add_wch, get_wch).
#ifndef NCURSES_WIDECHAR
#define NCURSES_WIDECHAR 1
#endif
#ifndef _XOPEN_SOURCE_EXTENDED
#define _XOPEN_SOURCE_EXTENDED 1
#endif
#include <locale.h>
#include <signal.h>
#include <pthread.h>
#include <wchar.h>
#include <ncursesw/curses.h>

/// Unblocks the signals the explorer must see (interrupt, terminate, hang-up, resize, suspend,
/// resume); a parent process or runtime may hand us a mask that blocks them.
static inline void lstmscope_unblock_signals(void) {
    sigset_t set;
    sigemptyset(&set);
    sigaddset(&set, SIGINT); sigaddset(&set, SIGTERM); sigaddset(&set, SIGHUP);
    sigaddset(&set, SIGWINCH); sigaddset(&set, SIGTSTP); sigaddset(&set, SIGCONT);
    pthread_sigmask(SIG_UNBLOCK, &set, NULL);
}

static inline int lstmscope_lines(void) { return LINES; }
static inline int lstmscope_cols(void) { return COLS; }
static inline int lstmscope_colors(void) { return COLORS; }
static inline int lstmscope_color_pairs(void) { return COLOR_PAIRS; }
static inline attr_t lstmscope_A_BOLD(void) { return A_BOLD; }
static inline attr_t lstmscope_A_REVERSE(void) { return A_REVERSE; }
static inline attr_t lstmscope_A_UNDERLINE(void) { return A_UNDERLINE; }
static inline attr_t lstmscope_A_DIM(void) { return A_DIM; }
static inline attr_t lstmscope_A_NORMAL(void) { return A_NORMAL; }
static inline int lstmscope_KEY_RESIZE(void) { return KEY_RESIZE; }
static inline WINDOW *lstmscope_stdscr(void) { return stdscr; }

/// Writes one cell (a base character and up to 4 combining marks, NUL-terminated) at (y, x).
static inline int lstmscope_put(int y, int x, const wchar_t *text, attr_t attrs, short pair) {
    cchar_t cell;
    setcchar(&cell, text, attrs, pair, NULL);
    return mvadd_wch(y, x, &cell);
}

/// Reads one key: returns KEY_CODE_YES for function keys, OK for characters, ERR on timeout.
static inline int lstmscope_get(wint_t *key) { return get_wch(key); }
static inline int lstmscope_KEY_CODE_YES(void) { return KEY_CODE_YES; }
#endif
