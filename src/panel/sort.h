/* panel sort: the score line, built apart from the drawing so that tests
 * can compare it (see sort.c). Internal to src/panel/ and its tests. */
#ifndef PANEL_SORT_H
#define PANEL_SORT_H

#include <stddef.h>

#define SORT_MAX_ITEMS 32
#define SORT_MAX_BINS 5

/* The counter shown at beat `beat` of a sort panel's options (as filled
 * by its check): "score R / A", right guesses over the revealed items
 * that have a guess, or "sorted A of N" when no item has a guess. */
void sort_score(const void *opts, int beat, char *buf, size_t size);

#endif
