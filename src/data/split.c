/* data/split: the seeded train/test split of any dataset (see data.h).
 *
 * The split has its own random stream, seeded with the seed it is given, so
 * it depends on nothing but the data and that seed: the same scene splits
 * the same way whatever was drawn before. Stratified, each class gets
 * floor or ceil of its size times the fraction, the classes with the
 * largest remainders rounding up, so that the test set has the same
 * round(n * test_fraction) rows as an unstratified split would. */
#include <assert.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include "data.h"
#include "util.h"

/* How many of each class go to the test set: quota[c], summing to ntest. */
static void split_quotas(const struct dataset *s, double f, int ntest, int *quota)
{
    int size[DATA_MAX_CLASSES] = {0};
    double rem[DATA_MAX_CLASSES];
    int k = s->nclasses, given = 0;
    for (int i = 0; i < s->n; i++)
        size[s->label[i]]++;
    for (int c = 0; c < k; c++) {
        double want = size[c] * f;
        quota[c] = (int)floor(want);
        if (quota[c] > size[c])
            quota[c] = size[c];
        rem[c] = want - quota[c];
        given += quota[c];
    }
    /* Largest remainder first, the lower class on ties; a class that is
     * already all test cannot take another row. */
    while (given < ntest) {
        int best = -1;
        for (int c = 0; c < k; c++)
            if (quota[c] < size[c] && (best < 0 || rem[c] > rem[best]))
                best = c;
        if (best < 0)
            break;
        quota[best]++;
        rem[best] = -1;
        given++;
    }
}

/* part gets the m rows of s whose mark equals want, in their order. */
static void split_copy(const struct dataset *s, const unsigned char *mark, int want, int m,
                       struct dataset *part)
{
    int d = s->d;
    size_t img_size = (size_t)s->img_w * (size_t)s->img_h * (size_t)s->img_channels;
    dataset_alloc(part, m, d, s->y != NULL, s->label != NULL);
    if (s->label || s->nclasses)
        dataset_set_classes(part, s->nclasses, (const char *const *)s->class_names);
    if (s->feature_names) {
        part->feature_names = xcalloc((size_t)(d > 0 ? d : 1), sizeof(char *));
        for (int j = 0; j < d; j++)
            part->feature_names[j] = s->feature_names[j] ? xstrdup(s->feature_names[j]) : NULL;
    }
    if (s->img) {
        part->img_w = s->img_w;
        part->img_h = s->img_h;
        part->img_channels = s->img_channels;
        part->img = xmalloc(img_size * (size_t)m);
    }
    part->seed = s->seed;
    part->truth = s->truth;
    memcpy(part->truth_p, s->truth_p, sizeof(part->truth_p));
    part->truth_lo = s->truth_lo;
    part->truth_hi = s->truth_hi;
    int k = 0;
    for (int i = 0; i < s->n; i++) {
        if (mark[i] != want)
            continue;
        memcpy(part->x + (size_t)k * (size_t)d, s->x + (size_t)i * (size_t)d,
               sizeof(double) * (size_t)d);
        if (s->y)
            part->y[k] = s->y[i];
        if (s->label)
            part->label[k] = s->label[i];
        if (s->img)
            memcpy(part->img + img_size * (size_t)k, s->img + img_size * (size_t)i, img_size);
        k++;
    }
    assert(k == m);
}

int dataset_split(const struct dataset *s, double test_fraction, uint64_t seed, int stratify,
                  struct dataset *train, struct dataset *test)
{
    /* Outputs, not datasets to release: whatever they held is overwritten. */
    memset(train, 0, sizeof(*train));
    memset(test, 0, sizeof(*test));
    if (s->n <= 0 || !(test_fraction >= 0 && test_fraction <= 1))
        return -1;
    double want = floor(s->n * test_fraction + 0.5);
    int ntest = (int)want;
    if (ntest <= 0 || ntest >= s->n)
        return -1;

    struct rng r;
    rng_seed(&r, seed);
    int *perm = xmalloc(sizeof(int) * (size_t)s->n);
    unsigned char *is_test = xcalloc((size_t)s->n, 1);
    rng_permutation(&r, perm, s->n);
    if (stratify && s->label && s->nclasses > 0 && s->nclasses <= DATA_MAX_CLASSES) {
        int quota[DATA_MAX_CLASSES];
        for (int i = 0; i < s->n; i++)
            assert(s->label[i] >= 0 && s->label[i] < s->nclasses);
        split_quotas(s, test_fraction, ntest, quota);
        /* Within a class, the first of its rows in the permutation are test. */
        for (int p = 0; p < s->n; p++) {
            int i = perm[p], c = s->label[i];
            if (quota[c] > 0) {
                is_test[i] = 1;
                quota[c]--;
            }
        }
    } else {
        for (int p = 0; p < ntest; p++)
            is_test[perm[p]] = 1;
    }
    int m = 0;
    for (int i = 0; i < s->n; i++)
        m += is_test[i];
    int rc = -1;
    if (m > 0 && m < s->n) {
        split_copy(s, is_test, 1, m, test);
        split_copy(s, is_test, 0, s->n - m, train);
        rc = 0;
    }
    free(perm);
    free(is_test);
    return rc;
}
