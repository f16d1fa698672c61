/* The table of environment kinds, sorted by name. */
#include "env.h"

const struct kind_head *const env_kinds[] = {&env_frozen_lake.head, NULL};

const struct env_kind *env_find(const char *name)
{
    return (const struct env_kind *)kind_find(KIND_ENV, name);
}
