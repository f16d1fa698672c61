/* kind: the head every kind descriptor starts with, capabilities, and the
 * one lookup.
 *
 * A kind is a `const struct X_kind` (data, model, trainer, panel, encoder,
 * env) whose first member is a struct kind_head: its name as scripts write
 * it, a one-line summary, its parameter table and the size of the options
 * struct that table fills. Because the head comes first, a pointer to the
 * head is a pointer to the kind, and one function finds any kind by class
 * and name: validation, `mlanim list` and the docs all read the same rows.
 *
 * Capabilities say what a kind provides to the rest of a run and what it
 * requires from it, by name ("predict-1d", "labels", ...). The names and
 * their meaning in words live in one table (kind.c); validation is set
 * inclusion: what a panel, model or trainer requires must be among what the
 * run's data, environment, model and trainer provide. Nothing is inferred
 * from a kind's shape (its number of parameters, which functions it has). */
#ifndef KIND_H
#define KIND_H

#include <stddef.h>
#include "param.h"

enum kind_class {
    KIND_DATA,
    KIND_ENV,
    KIND_MODEL,
    KIND_TRAINER,
    KIND_PANEL,
    KIND_ENCODER,
    KIND_NCLASSES,
};

struct kind_head {
    const char *name;
    const char *summary;
    const struct param_spec *params;    /* {0}-terminated; NULL: no options */
    size_t opts_size;
    const char *const *provides;        /* capability names, NULL-terminated, or NULL */
    const char *const *requires;        /* the same */
    /* Keys of the kind's mapping it reads itself (a list of names, say),
     * which its param table cannot describe; NULL-terminated, or NULL. */
    const char *const *extra_keys;
};

/* The sorted, NULL-terminated table of one class; each registry file
 * defines its class's table. */
const struct kind_head *const *kind_table(enum kind_class c);
/* A kind by class and name, or NULL. */
const struct kind_head *kind_find(enum kind_class c, const char *name);
/* "data", "model", ... as in scripts and `mlanim list`. */
const char *kind_class_name(enum kind_class c);
/* How many kinds the class has, and their names (into names[0..max)). */
int kind_names(enum kind_class c, const char **names, int max);

/* ---- capabilities ---- */

struct capability {
    const char *name;           /* "line-mse" */
    const char *words;          /* "the mean squared error of a line y = w x + b" */
};

extern const struct capability capabilities[];     /* {0}-terminated */
const struct capability *capability_find(const char *name);

/* A set of capability names, as a run assembles it from its kinds. */
#define CAPSET_MAX 32
struct capset {
    int n;
    const char *names[CAPSET_MAX];
};

void capset_add(struct capset *s, const char *name);
void capset_add_all(struct capset *s, const char *const *names);   /* NULL: none */
int capset_has(const struct capset *s, const char *name);

/* Every kind of every class that provides cap, as "model 'linear', data
 * 'line'" into buf; "" when none does. */
void capability_providers(const char *cap, char *buf, size_t n);

#endif
