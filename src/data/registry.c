/* The table of data kinds, sorted by name. */
#include "data.h"

extern const struct data_kind data_blobs, data_circles, data_csv, data_function,
    data_gaussian_classes, data_grid, data_line, data_moons, data_polynomial, data_spirals;

const struct kind_head *const data_kinds[] = {
    &data_blobs.head, &data_circles.head, &data_csv.head, &data_function.head,
    &data_gaussian_classes.head, &data_grid.head, &data_line.head, &data_moons.head,
    &data_polynomial.head, &data_spirals.head, NULL,
};

const struct data_kind *data_find(const char *name)
{
    return (const struct data_kind *)kind_find(KIND_DATA, name);
}
