/* data/dataset: the dataset shared by every data kind: allocation, class
 * names, what a dataset provides to a run, and finding data files. */
#include "data.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "util.h"

void dataset_alloc(struct dataset *s, int n, int d, int with_y, int with_label)
{
    s->n = n;
    s->d = d;
    size_t rows = n > 0 ? (size_t)n : 1;
    s->x = xcalloc(rows * (size_t)(d > 0 ? d : 1), sizeof(double));
    s->y = with_y ? xcalloc(rows, sizeof(double)) : NULL;
    s->label = with_label ? xcalloc(rows, sizeof(int)) : NULL;
}

void dataset_set_classes(struct dataset *s, int nclasses, const char *const *names)
{
    if (s->class_names)
        for (int c = 0; c < s->nclasses; c++)
            free(s->class_names[c]);
    free(s->class_names);
    s->class_names = NULL;
    s->nclasses = nclasses;
    if (!names)
        return;
    s->class_names = xcalloc((size_t)nclasses, sizeof(char *));
    for (int c = 0; c < nclasses; c++)
        s->class_names[c] = xstrdup(names[c]);
}

const char *dataset_class_name(const struct dataset *s, int c, char *buf, size_t n)
{
    if (s->class_names && c >= 0 && c < s->nclasses)
        return s->class_names[c];
    snprintf(buf, n, "%d", c);
    return buf;
}

void dataset_release(struct dataset *s)
{
    dataset_set_classes(s, 0, NULL);
    if (s->feature_names)
        for (int j = 0; j < s->d; j++)
            free(s->feature_names[j]);
    free(s->feature_names);
    free(s->x);
    free(s->y);
    free(s->label);
    free(s->img);
    memset(s, 0, sizeof(*s));
}

void dataset_capabilities(const struct dataset *s, struct capset *caps)
{
    if (s->n <= 0)
        return;
    capset_add(caps, "data");
    if (s->d == 1 && s->y)
        capset_add(caps, "data-1d");
    if (s->d >= 2 || (s->d == 1 && s->y))
        capset_add(caps, "points");
    if (s->label && s->nclasses >= 2)
        capset_add(caps, "labels");
    if (s->img)
        capset_add(caps, "images");
}

