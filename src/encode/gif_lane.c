/* gif_lane: a second thread for the gif encoder kind. The coder's costliest
 * step is compressing one image twice, once clearing the dictionary when it
 * fills and once keeping it while it pays (gif_encode); the two passes are
 * independent, so the second runs here while the first runs on the
 * encoder's own thread. The result does not depend on whether the lane
 * exists: without a thread (none could be started) the same passes run one
 * after the other. The thread is started on first use and stopped with the
 * encoder. */
#include <pthread.h>

#include "encode/gif_internal.h"

static void *lane_main(void *arg)
{
    struct gif_lane *l = arg;
    pthread_mutex_lock(&l->mu);
    for (;;) {
        while (!l->busy && !l->quit)
            pthread_cond_wait(&l->cv, &l->mu);
        if (l->quit)
            break;
        pthread_mutex_unlock(&l->mu);
        l->fn(l->arg);
        pthread_mutex_lock(&l->mu);
        l->busy = 0;
        pthread_cond_broadcast(&l->cv);
    }
    pthread_mutex_unlock(&l->mu);
    return NULL;
}

int gif_lane_start(struct gif_lane *l, void (*fn)(void *), void *arg)
{
    if (!l->up && !l->failed) {
        if (pthread_mutex_init(&l->mu, NULL) != 0) {
            l->failed = 1;
            return 0;
        }
        if (pthread_cond_init(&l->cv, NULL) != 0) {
            pthread_mutex_destroy(&l->mu);
            l->failed = 1;
            return 0;
        }
        l->busy = l->quit = 0;
        if (pthread_create(&l->th, NULL, lane_main, l) != 0) {
            pthread_cond_destroy(&l->cv);
            pthread_mutex_destroy(&l->mu);
            l->failed = 1;
            return 0;
        }
        l->up = 1;
    }
    if (!l->up)
        return 0;
    pthread_mutex_lock(&l->mu);
    l->fn = fn;
    l->arg = arg;
    l->busy = 1;
    pthread_cond_broadcast(&l->cv);
    pthread_mutex_unlock(&l->mu);
    return 1;
}

void gif_lane_wait(struct gif_lane *l)
{
    pthread_mutex_lock(&l->mu);
    while (l->busy)
        pthread_cond_wait(&l->cv, &l->mu);
    pthread_mutex_unlock(&l->mu);
}

void gif_lane_stop(struct gif_lane *l)
{
    if (!l->up)
        return;
    pthread_mutex_lock(&l->mu);
    while (l->busy)
        pthread_cond_wait(&l->cv, &l->mu);
    l->quit = 1;
    pthread_cond_broadcast(&l->cv);
    pthread_mutex_unlock(&l->mu);
    pthread_join(l->th, NULL);
    pthread_cond_destroy(&l->cv);
    pthread_mutex_destroy(&l->mu);
    l->up = 0;
}
