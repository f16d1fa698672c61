/* The table of panel kinds, sorted by name. */
#include <string.h>
#include "panel.h"

extern const struct panel_kind panel_clusters, panel_data_fit, panel_descent, panel_loss_curve,
    panel_loss_surface, panel_network, panel_table, panel_text;

const struct panel_kind *const panel_kinds[] = {
    &panel_clusters, &panel_data_fit, &panel_descent, &panel_loss_curve, &panel_loss_surface,
    &panel_network, &panel_table, &panel_text, NULL,
};

const struct panel_kind *panel_find(const char *name)
{
    for (int i = 0; panel_kinds[i]; i++)
        if (strcmp(panel_kinds[i]->name, name) == 0)
            return panel_kinds[i];
    return NULL;
}

const char *panel_need_text(unsigned bit)
{
    switch (bit) {
    case PANEL_NEEDS_DATA: return "a dataset";
    case PANEL_NEEDS_PREDICT: return "a model that predicts y from x";
    case PANEL_NEEDS_OBJECTIVE: return "a model that is a curve y = f(x) to descend";
    case PANEL_NEEDS_LINE: return "a model with a weight w and a bias b";
    case PANEL_NEEDS_CENTROIDS: return "a model of centroids (kind 'centroids')";
    }
    return "?";
}
