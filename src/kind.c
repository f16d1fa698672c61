/* kind: the one lookup over every class of kind (see kind.h). Each class's
 * table is defined by its registry file (src/data/registry.c, ...); this
 * file only knows where they are. */
#include "kind.h"

#include <stdio.h>
#include <string.h>

extern const struct kind_head *const data_kinds[], *const env_kinds[], *const model_kinds[],
    *const trainer_kinds[], *const panel_kinds[], *const encoder_kinds[];

static const struct {
    const char *name;
    const struct kind_head *const *table;
} classes[KIND_NCLASSES] = {
    [KIND_DATA] = {"data", data_kinds},
    [KIND_ENV] = {"env", env_kinds},
    [KIND_MODEL] = {"model", model_kinds},
    [KIND_TRAINER] = {"trainer", trainer_kinds},
    [KIND_PANEL] = {"panel", panel_kinds},
    [KIND_ENCODER] = {"format", encoder_kinds},
};

const struct kind_head *const *kind_table(enum kind_class c)
{
    return classes[c].table;
}

const char *kind_class_name(enum kind_class c)
{
    return classes[c].name;
}

const struct kind_head *kind_find(enum kind_class c, const char *name)
{
    for (const struct kind_head *const *k = classes[c].table; *k; k++)
        if (strcmp((*k)->name, name) == 0)
            return *k;
    return NULL;
}

int kind_names(enum kind_class c, const char **names, int max)
{
    int n = 0;
    for (const struct kind_head *const *k = classes[c].table; *k; k++)
        if (n < max)
            names[n++] = (*k)->name;
    return n;
}

void capability_providers(const char *cap, char *buf, size_t n)
{
    size_t used = 0;
    buf[0] = '\0';
    for (int c = 0; c < KIND_NCLASSES; c++)
        for (const struct kind_head *const *k = classes[c].table; *k; k++)
            for (int i = 0; (*k)->provides && (*k)->provides[i]; i++)
                if (strcmp((*k)->provides[i], cap) == 0 && used < n)
                    used += (size_t)snprintf(buf + used, n - used, "%s%s '%s'", used ? ", " : "",
                                             classes[c].name, (*k)->name);
}
