/* The table of panel kinds, sorted by name. */
#include "panel.h"

extern const struct panel_kind panel_bar_race, panel_cards, panel_clusters, panel_curve_point,
    panel_data, panel_data_fit, panel_decision_boundary, panel_descent, panel_hud,
    panel_loss_curve, panel_loss_surface, panel_network, panel_pie, panel_series, panel_table,
    panel_text;

const struct kind_head *const panel_kinds[] = {
    &panel_bar_race.head, &panel_cards.head, &panel_clusters.head, &panel_curve_point.head,
    &panel_data.head, &panel_data_fit.head, &panel_decision_boundary.head, &panel_descent.head,
    &panel_hud.head, &panel_loss_curve.head, &panel_loss_surface.head, &panel_network.head,
    &panel_pie.head, &panel_series.head, &panel_table.head, &panel_text.head, NULL,
};

const struct panel_kind *panel_find(const char *name)
{
    return (const struct panel_kind *)kind_find(KIND_PANEL, name);
}
