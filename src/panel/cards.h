/* panel cards: the score line, built apart from the drawing so that tests
 * can compare it (see cards.c). Internal to src/panel/ and its tests. */
#ifndef PANEL_CARDS_H
#define PANEL_CARDS_H

#include <stddef.h>

#define CARDS_MAX 32
#define CARDS_MAX_ANSWERS 6

/* The counter shown at beat `beat` of a cards panel's options (as filled
 * by its check): "score R / A", right guesses over the revealed cards that
 * have a guess, or "answered A of N" when no card has a guess. */
void cards_score(const void *opts, int beat, char *buf, size_t size);

/* Whether every card of a cards panel's options (as filled by its check)
 * fits a cell of w x h pixels in theme th (titled: the panel shows a
 * title). Text that does not fit is still drawn, cut by its line limit
 * (scenario 5 lines, answers 3, reason 4) or running past the card; this
 * says where and by how much, for the scene validator. Returns 0 when all
 * fits; else -1 with *fit naming the worst overflow. */
struct cards_fit {
    int card;               /* from 0; -1 when all fits */
    const char *what;       /* "scenario", "answer", "reason", or "card": all of it
                               is taller than the card (or the cell has no room for one) */
    int answer;             /* which answer, from 0, for "answer"; else -1 */
    double overflow;        /* pixels: the text's overflow_x or overflow_y (text.h),
                               or how much the content is taller than the card */
};
struct theme;
int cards_fit(const void *opts, const struct theme *th, int titled, double w, double h,
              struct cards_fit *fit);

#endif
