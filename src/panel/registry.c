/* The table of panel kinds, sorted by name: one row per kind. */
#include "panel.h"

extern const struct panel_kind panel_bar_race;
extern const struct panel_kind panel_cards;
extern const struct panel_kind panel_clusters;
extern const struct panel_kind panel_curve_point;
extern const struct panel_kind panel_curves;
extern const struct panel_kind panel_dartboard;
extern const struct panel_kind panel_data;
extern const struct panel_kind panel_data_fit;
extern const struct panel_kind panel_decision_boundary;
extern const struct panel_kind panel_descent;
extern const struct panel_kind panel_feature_table;
extern const struct panel_kind panel_hud;
extern const struct panel_kind panel_loop;
extern const struct panel_kind panel_loss_curve;
extern const struct panel_kind panel_loss_surface;
extern const struct panel_kind panel_network;
extern const struct panel_kind panel_pie;
extern const struct panel_kind panel_series;
extern const struct panel_kind panel_softmax;
extern const struct panel_kind panel_sort;
extern const struct panel_kind panel_table;
extern const struct panel_kind panel_text;
extern const struct panel_kind panel_train_test;

/* One row per kind, sorted by name. */
const struct kind_head *const panel_kinds[] = {
    &panel_bar_race.head,
    &panel_cards.head,
    &panel_clusters.head,
    &panel_curve_point.head,
    &panel_curves.head,
    &panel_dartboard.head,
    &panel_data.head,
    &panel_data_fit.head,
    &panel_decision_boundary.head,
    &panel_descent.head,
    &panel_feature_table.head,
    &panel_hud.head,
    &panel_loop.head,
    &panel_loss_curve.head,
    &panel_loss_surface.head,
    &panel_network.head,
    &panel_pie.head,
    &panel_series.head,
    &panel_softmax.head,
    &panel_sort.head,
    &panel_table.head,
    &panel_text.head,
    &panel_train_test.head,
    NULL,
};

const struct panel_kind *panel_find(const char *name)
{
    return (const struct panel_kind *)kind_find(KIND_PANEL, name);
}

void panel_release(void)
{
    for (int i = 0; panel_kinds[i]; i++) {
        const struct panel_kind *k = (const struct panel_kind *)panel_kinds[i];
        if (k->release)
            k->release();
    }
}
