/* org.c: Org mode (Hugo and Nikola read it) to text: headings without their
 * stars, list items without their bullets, source and example blocks as
 * code, links as their descriptions, emphasis markers gone; keyword lines
 * (#+TITLE: ...), comments and property drawers are not text. */
#include "indexer/markup/markup.h"

/* ---- inline: links and emphasis -------------------------------------------- */

static int org_marker(int ch)
{
    return ch == '*' || ch == '/' || ch == '=' || ch == '~' || ch == '+' || ch == '_';
}

static int org_border(int ch)
{
    return ch == 0 || is_ws(ch) || in_set("-({'\",.;:!?)}[]", ch);
}

/* One line of text [a, b) to the output: [[target][description]] and
 * [[target]] as their text, emphasis markers that open or close a span
 * dropped. */
static void org_inline(cx *c, const char *s, size_t a, size_t b)
{
    size_t run = a, last_close = b;       /* the line's last "]]": none past it */
    for (size_t k = b; k >= a + 2; k--)
        if (s[k - 1] == ']' && s[k - 2] == ']') {
            last_close = k - 2;
            break;
        }
    for (size_t i = a; i < b; i++) {
        if (s[i] == '[' && i + 1 < b && s[i + 1] == '[' && last_close < b && i + 2 <= last_close) {
            size_t j = i + 2;       /* the first "]]" after: a link ends there, so linear */
            while (j + 1 < b && !(s[j] == ']' && s[j + 1] == ']'))
                j++;
            if (j + 1 >= b)
                continue;                           /* no closing ]]: text */
            em_text(c, s + run, i - run);
            size_t t = i + 2, mid = t;
            while (mid < j && !(s[mid] == ']' && s[mid + 1] == '['))
                mid++;
            if (mid < j)
                em_text(c, s + mid + 2, j - mid - 2);
            else
                em_text(c, s + t, j - t);
            i = j + 1;
            run = j + 2;
            continue;
        }
        if (!org_marker((uc)s[i]))
            continue;
        int before = i > a ? (uc)s[i - 1] : 0, after = i + 1 < b ? (uc)s[i + 1] : 0;
        int opens = org_border(before) && after && !is_ws(after) && !org_marker(after);
        int closes = before && !is_ws(before) && org_border(after) && !org_marker(before);
        if (opens || closes) {
            em_text(c, s + run, i - run);
            run = i + 1;
        }
    }
    em_text(c, s + run, b - run);
}

/* ---- lines ------------------------------------------------------------------ */

/* 1 if the text [t, te) starts with word, ASCII case aside */
static int starts(const char *s, size_t t, size_t te, const char *word)
{
    size_t n = strlen(word);
    return te - t >= n && ci_eq(s + t, word, n);
}

void org_body(cx *c, const char *s, size_t n)
{
    size_t pos = 0;
    int code = 0, drawer = 0;
    while (pos < n) {
        ln l;
        ln_get(s, n, pos, &l);
        pos = l.next;
        if (code) {
            if (starts(s, l.t, l.te, "#+end_src") || starts(s, l.t, l.te, "#+end_example")) {
                code = 0;
                em_para(c);
            } else {
                mk_verbatim_line(c, s, l.b, l.e);
            }
            continue;
        }
        if (l.blank) {
            em_para(c);
            continue;
        }
        if (drawer) {
            drawer = !starts(s, l.t, l.te, ":end:");
            continue;
        }
        if (starts(s, l.t, l.te, "#+begin_src") || starts(s, l.t, l.te, "#+begin_example")) {
            em_para(c);
            code = 1;
            continue;
        }
        if (starts(s, l.t, l.te, "#+") || (s[l.t] == '#' && (l.t + 1 == l.te || s[l.t + 1] == ' ')))
            continue;                               /* keywords, block lines, comments */
        if (starts(s, l.t, l.te, ":properties:") || starts(s, l.t, l.te, ":logbook:")) {
            drawer = 1;
            continue;
        }
        size_t t = l.t;
        if (l.t == l.b && s[t] == '*') {            /* a heading: stars, then a space */
            size_t k = t;
            while (k < l.te && s[k] == '*')
                k++;
            if (k < l.te && s[k] == ' ') {
                em_para(c);
                org_inline(c, s, k + 1, l.te);
                em_para(c);
                continue;
            }
        }
        if ((s[t] == '-' || s[t] == '+') && t + 1 < l.te && s[t + 1] == ' ') {
            em_para(c);                             /* a list item */
            t += 2;
        } else if (is_digit((uc)s[t])) {
            size_t k = t;
            while (k < l.te && is_digit((uc)s[k]))
                k++;
            if (k + 1 < l.te && (s[k] == '.' || s[k] == ')') && s[k + 1] == ' ') {
                em_para(c);
                t = k + 2;
            }
        }
        org_inline(c, s, t, l.te);
        em_nl(c);
    }
}
