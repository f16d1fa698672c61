/* scene_time: validating the sections of a scene that say how it moves in
 * time (frames, beats, sweep, schedule, keyframes). Internal to scene.c;
 * each function reports every problem it finds, located, and returns -1,
 * or 0. */
#ifndef SCENE_TIME_H
#define SCENE_TIME_H

#include "scene.h"


int scene_load_frames(struct scene *s, const struct snode *sec, const struct diag_loc *where);
/* beats: {seconds: 2 | [3, 2, ...], count: N | rows: true}; rows counts the
 * data's rows (data_rows; -1 when the data failed). */
int scene_load_beats(struct scene *s, const struct snode *sec, int data_rows);
/* sweep: {path, values | from/to/steps/scale, seconds}; *values gets one
 * scalar node per value (the written ones, or made ones located at the
 * sweep). */
int scene_load_sweep(struct scene *s, const struct snode *sec, const struct snode ***values);
/* schedule: [{at, set|add: {option: value}, times}] for a run's trainer. */
int scene_load_schedule(struct scene *s, const struct snode *sec, struct run *r);
/* keyframes: [{at: 0s, w: 0.5, ease: in-out}, ...] for a run's model; the
 * run's model options become a copy holding the last keyframe's values. */
int scene_load_keyframes(struct scene *s, const struct snode *sec, struct run *r);

#endif
