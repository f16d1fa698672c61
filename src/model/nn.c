/* nn: activation functions and softmax shared by the neural network model
 * kinds (see nn.h). */
#include <math.h>
#include "nn.h"

double nn_sigmoid(double x)
{
    /* numpy's formula bit for bit while e^-x is finite. */
    if (x >= -708)
        return 1 / (1 + exp(-x));
    return exp(x);
}

double nn_act(int act, double z)
{
    switch (act) {
    case NN_RELU:
        return z > 0 ? z : 0;
    case NN_SIGMOID:
        return nn_sigmoid(z);
    case NN_TANH:
        return tanh(z);
    default:
        return z;
    }
}

double nn_act_deriv(int act, double z, double y)
{
    switch (act) {
    case NN_RELU:
        return z > 0 ? 1 : 0;
    case NN_SIGMOID:
        return y * (1 - y);
    case NN_TANH:
        return 1 - y * y;
    default:
        return 1;
    }
}

double nn_softmax(const double *z, int k, double *p)
{
    double m = -INFINITY;
    for (int i = 0; i < k; i++)
        if (z[i] > m)
            m = z[i];
    double sum = 0;
    for (int i = 0; i < k; i++) {
        p[i] = exp(z[i] - m);
        sum += p[i];
    }
    for (int i = 0; i < k; i++)
        p[i] /= sum;
    return m + log(sum);
}
