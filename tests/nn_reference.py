"""Independent reference for the neural network kinds (tests/e2e_nn_reference.sh).

Reads a trace written by `mlanim render -f trace` for a scene of
tests/nn/, takes the network's starting weights from record 0 and the data
from the trace, and trains the same network here with numpy: the forward
pass, the loss, backpropagation and the update rules (sgd, momentum, Keras'
adam) written from their textbook formulas, mini-batches in the data's
order (the scenes set shuffle: false). Every later record's weights and
loss must agree with mlanim's to a relative 1e-9 (the two differ only in
the order of floating-point sums). Prints one line per run; exits 1 on the
first disagreement."""
import json
import sys

import numpy as np


def act(name, z):
    if name == "relu":
        return np.maximum(z, 0)
    if name == "sigmoid":
        return 1 / (1 + np.exp(-z))
    if name == "tanh":
        return np.tanh(z)
    return z


def act_deriv(name, z, a):
    if name == "relu":
        return (z > 0).astype(float)
    if name == "sigmoid":
        return a * (1 - a)
    if name == "tanh":
        return 1 - a * a
    return np.ones_like(z)


def forward(params, x, hidden, output):
    zs, acts = [], [x]
    a = x
    for i, (w, b) in enumerate(params):
        z = a @ w + b
        last = i == len(params) - 1
        if not last:
            a = act(hidden, z)
        elif output == "softmax":
            e = np.exp(z - z.max(axis=1, keepdims=True))
            a = e / e.sum(axis=1, keepdims=True)
        elif output == "sigmoid":
            a = 1 / (1 + np.exp(-z))
        else:
            a = z
        zs.append(z)
        acts.append(a)
    return zs, acts


def loss(params, x, y, hidden, output):
    zs, acts = forward(params, x, hidden, output)
    z, a = zs[-1], acts[-1]
    if output == "identity":
        return np.mean((a[:, 0] - y) ** 2)
    if output == "sigmoid":
        z = z[:, 0]
        return np.mean(np.logaddexp(0, z) - y * z)
    m = z.max(axis=1)
    lse = m + np.log(np.exp(z - m[:, None]).sum(axis=1))
    return np.mean(lse - z[np.arange(len(y)), y.astype(int)])


def grads(params, x, y, hidden, output):
    zs, acts = forward(params, x, hidden, output)
    n = len(x)
    a = acts[-1]
    if output == "identity":
        delta = 2 * (a - y[:, None]) / n
    elif output == "sigmoid":
        delta = (a - y[:, None]) / n
    else:
        onehot = np.zeros_like(a)
        onehot[np.arange(n), y.astype(int)] = 1
        delta = (a - onehot) / n
    out = []
    for i in range(len(params) - 1, -1, -1):
        out.append((acts[i].T @ delta, delta.sum(axis=0)))
        if i:
            delta = (delta @ params[i][0].T) * act_deriv(hidden, zs[i - 1], acts[i])
    return out[::-1]


def unpack(rec, sizes):
    return [(np.array(rec["W%d" % l], dtype=float).reshape(sizes[l - 1], sizes[l]),
             np.array(rec["b%d" % l], dtype=float).reshape(sizes[l]))
            for l in range(1, len(sizes))]


def check(name, ours, theirs, tol=1e-9):
    scale = max(1.0, float(np.max(np.abs(theirs))))
    err = float(np.max(np.abs(ours - theirs))) / scale
    if not err <= tol:
        print("MISMATCH %s: relative difference %g" % (name, err))
        sys.exit(1)


def run_one(trace, run, spec):
    sizes, hidden, output = spec["layers"], spec["hidden"], spec["output"]
    opt = spec["trainer"]
    data = trace["data"]
    x = np.array(data["x"], dtype=float)
    x = x.reshape(len(x), -1)
    y = np.array(data["label"] if output != "identity" else data["y"], dtype=float)
    recs = run["records"]
    params = unpack(recs[0], sizes)
    state = [[np.zeros_like(w), np.zeros_like(b)] for w, b in params]
    state2 = [[np.zeros_like(w), np.zeros_like(b)] for w, b in params]
    t = 0
    bs = min(opt["batch_size"], len(x))
    for k in range(1, len(recs)):
        for start in range(0, len(x), bs):
            g = grads(params, x[start:start + bs], y[start:start + bs], hidden, output)
            t += 1
            new = []
            for i, ((w, b), (gw, gb)) in enumerate(zip(params, g)):
                pair = []
                for j, (p, gp) in enumerate(((w, gw), (b, gb))):
                    lr = opt["learning_rate"]
                    if opt["kind"] == "sgd":
                        p = p - lr * gp
                    elif opt["kind"] == "momentum":
                        state[i][j] = opt["momentum"] * state[i][j] - lr * gp
                        p = p + state[i][j]
                    else:
                        b1, b2, eps = 0.9, 0.999, 1e-7
                        state[i][j] = b1 * state[i][j] + (1 - b1) * gp
                        state2[i][j] = b2 * state2[i][j] + (1 - b2) * gp * gp
                        alpha = lr * np.sqrt(1 - b2 ** t) / (1 - b1 ** t)
                        p = p - alpha * state[i][j] / (np.sqrt(state2[i][j]) + eps)
                    pair.append(p)
                new.append(tuple(pair))
            params = new
        theirs = unpack(recs[k], sizes)
        for l, ((w, b), (tw, tb)) in enumerate(zip(params, theirs)):
            check("%s epoch %d W%d" % (run["label"], k, l + 1), w, tw)
            check("%s epoch %d b%d" % (run["label"], k, l + 1), b, tb)
        check("%s epoch %d loss" % (run["label"], k),
              np.array(loss(params, x, y, hidden, output)), np.array(recs[k]["loss"]))
        if recs[k]["updates"] != t:
            print("MISMATCH %s epoch %d: %s updates, numpy made %d"
                  % (run["label"], k, recs[k]["updates"], t))
            sys.exit(1)
    print("ok %s %s: %d epochs, %d updates agree" % (trace["scene"], run["label"] or "-",
                                                     len(recs) - 1, t))


def main():
    trace = json.load(open(sys.argv[1]))
    specs = json.loads(sys.argv[2])
    for run, spec in zip(trace["runs"], specs):
        run_one(trace, run, spec)


if __name__ == "__main__":
    main()
