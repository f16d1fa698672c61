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

#endif
