/* nn: the pieces of a neural network that more than one kind uses:
 * activation functions and their derivatives, and a softmax that stays
 * finite. Internal to src/model/ (and the panels that redraw what these
 * models compute).
 *
 * The activation model (one function as a curve), the mlp model (a dense
 * network) and the softmax model (one softmax layer) all compute with these,
 * so a curve drawn in one lesson is the function trained in another. */
#ifndef MODEL_NN_H
#define MODEL_NN_H

enum nn_act { NN_IDENTITY, NN_RELU, NN_SIGMOID, NN_TANH };

/* 1/(1 + e^-x) without overflow: e^x itself below x = -708, so far out it
 * is 0 by underflow and 1 (never 1/(1 + inf) or a NaN). */
double nn_sigmoid(double x);
/* f(z) of an activation, and f'(z) from z and y = f(z) (sigmoid and tanh
 * take their derivatives from y: y(1 - y) and 1 - y^2). ReLU's derivative
 * at 0 is 0, as in TensorFlow. */
double nn_act(int act, double z);
double nn_act_deriv(int act, double z, double y);

/* p[i] = e^{z_i} / sum_j e^{z_j} for i < k, computed from z - max(z), so p
 * is finite and sums to one (to rounding) however large the z are; returns
 * log sum_j e^{z_j} (the log-partition, finite for finite z). */
double nn_softmax(const double *z, int k, double *p);

#endif
