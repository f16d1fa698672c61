"""Peer baseline: the original book's neuron-celsius animation, made its way.

A reconstruction, in our own code, of how "Machine Learning, Animated" (the
web book, markhliu/ml_animated, chapter 3, files/ch03/nn.gif) makes the
animation of one neuron learning F = 1.8 C + 32, following the facts in
../shared/ORIGINALS.md (the "How every MLA animation is made" paragraph and
the neuron-celsius entry); bench/neuron.sh times it against
`mlanim render -f gif scenes/neuron-celsius.yaml`, which is the same lesson.

The work is the original's:
- gradient descent in numpy on the ten (C, F) pairs, w = b = 1, lr 0.0005,
  full-batch MSE, 8000 iterations, a snapshot every 100: 80 snapshots. As
  in the original, a snapshot stores w and b after the update but the
  predictions and the loss from before it (the final numbers printed are
  then the original's: loss 0.00076260764706413, w 1.8002504858014874,
  b 31.970400154777106; the loss's 17th digit may differ with the order
  numpy sums in);
- one matplotlib figure per snapshot, figsize (12, 6) at dpi 100 (1200x600),
  saved with plt.savefig to its own PNG file, then closed;
- every PNG read back with PIL.Image.open -> np.asarray (RGBA), and the list
  written with imageio.mimsave(path, frames, fps=6): imageio's Pillow GIF
  writer, full frames, a median-cut palette per frame, 17 cs (170 ms) per
  frame, alpha dropped.

The figure, as ORIGINALS.md describes it: circles of radius 0.8 with magenta
edges at (-3, 2) "1", (-3, -2) "X" and (1, 0) "wX+b"; blue arrows (lw 2)
from both inputs to the output and from the output on to the loss; the
labels "bias", "input", "output", "loss"; red w={round(w,3)} rotated 39
degrees and b={round(b,1)} rotated -39; green epoch={n}\nloss={round(loss,3)}
at (-0.7, 2.2), fontsize 20; two columns of ten rows in grey boxes (alpha
0.1, fontsize 10): "i: Ŷ={round(ŷ,3)}" and "$({Y}-{ŷ})^2$", which its
dollar signs make mathtext (so a negative ŷ reads "−−40.0", as in the
original), under red mathtext headers $\\hat{Y}$ and $(\\hat{Y}-Y)^2$. Y
is the integer list the entry gives, so the squares read "(-40-...)".

Where ORIGINALS.md is silent, the plain matplotlib way is taken: one
plt.figure per frame (axes from plt.subplots, limits x -5..9, y -3..3, axis
off, default subplot margins, white face), plt.Circle patches (in data
coordinates, so slightly elliptic), plt.annotate arrows ("->"), the label
positions and fontsizes (labels 16, w/b 16, headers 12), the table's
positions (columns at x 4.2 and 6.6, rows 0.45 apart), a grey bbox per
table entry, the first column as plain text (Ŷ is DejaVu's U+0176), PNGs
written to OUTDIR/png/ and left there (deleting them is not timed). The
original runs in a notebook under IPython's inline backend; here it is a
script on Agg, which is what the inline backend draws with, and nothing is
displayed.

Besides the final numbers it prints each phase's CPU seconds ("phase
train|figures|read|gif S": the figures phase is building, drawing and
saving the 80 PNGs). For the split inside it, run it under cProfile:
  python3 -m cProfile -s cumtime bench/mpl_neuron.py /tmp/nn | head -60

usage: python3 mpl_neuron.py OUTDIR     writes OUTDIR/nn.gif (and OUTDIR/png/)
"""
import os
import sys
import time

import numpy as np
import matplotlib
matplotlib.use("Agg")
import matplotlib.pyplot as plt
import PIL.Image
import imageio

out = sys.argv[1] if len(sys.argv) > 1 else "."
pngdir = os.path.join(out, "png")
os.makedirs(pngdir, exist_ok=True)

# Where the time goes: CPU seconds of each phase, printed as "phase NAME S"
# lines (bench/neuron.sh reports their medians). Reading the clock costs
# nothing next to a frame.
clock = time.process_time()


def phase(name):
    global clock
    now = time.process_time()
    print(f"phase {name} {now - clock:.4f}")
    clock = now


# ---- training: the original's gradient descent, snapshot every 100 ---------
X = np.array([-40, -30, -10, 0, 5, 10, 20, 40, 60, 100], dtype=float)
Y = np.array([-40, -22, 14, 32, 41, 50, 68, 104, 140, 212])   # 1.8 X + 32
w, b, lr = 1.0, 1.0, 0.0005
snaps = []   # (epoch, w, b, yhat, loss): w, b after the update, yhat/loss before
for it in range(1, 8001):
    yhat = w * X + b
    loss = np.mean((Y - yhat) ** 2)
    gw = -2 * np.dot(X, Y - yhat) / len(X)
    gb = -2 * np.sum(Y - yhat) / len(X)
    w -= lr * gw
    b -= lr * gb
    if it % 100 == 0:
        snaps.append((it, w, b, yhat.copy(), loss))
print(f"final: loss {snaps[-1][4]!r}, w {w!r}, b {b!r}")
phase("train")

# ---- one figure per snapshot, saved as PNG ---------------------------------
arrow = dict(arrowstyle="->", color="b", lw=2)
files = []
for n, w, b, yhat, loss in snaps:
    fig, ax = plt.subplots(figsize=(12, 6), dpi=100)
    ax.set_xlim(-5, 9)
    ax.set_ylim(-3, 3)
    ax.axis("off")
    for (cx, cy), label in (((-3, 2), "1"), ((-3, -2), "X"), ((1, 0), "wX+b")):
        ax.add_patch(plt.Circle((cx, cy), 0.8, fc="none", ec="m", lw=2))
        ax.text(cx, cy, label, fontsize=16, ha="center", va="center")
    ax.annotate("", xy=(0.25, 0.3), xytext=(-2.25, 1.7), arrowprops=arrow)
    ax.annotate("", xy=(0.25, -0.3), xytext=(-2.25, -1.7), arrowprops=arrow)
    ax.annotate("", xy=(3.4, 0), xytext=(1.8, 0), arrowprops=arrow)
    ax.text(-3, 2.9, "bias", fontsize=16, ha="center")
    ax.text(-3, -3.3, "input", fontsize=16, ha="center")
    ax.text(1, 0.95, "output", fontsize=16, ha="center")
    ax.text(2.6, 0.15, "loss", fontsize=16, ha="center")
    ax.text(-1.6, -0.95, f"w={round(w, 3)}", color="r", fontsize=16,
            rotation=39, ha="center", va="center")
    ax.text(-1.6, 0.95, f"b={round(b, 1)}", color="r", fontsize=16,
            rotation=-39, ha="center", va="center")
    ax.text(-0.7, 2.2, f"epoch={n}\nloss={round(loss, 3)}", color="g",
            fontsize=20)
    ax.text(4.2, 2.6, r"$\hat{Y}$", color="r", fontsize=12)
    ax.text(6.6, 2.6, r"$(\hat{Y}-Y)^2$", color="r", fontsize=12)
    box = dict(facecolor="grey", alpha=0.1)
    for i in range(len(X)):
        y = 2.1 - 0.45 * i
        ax.text(4.2, y, f"{i}: Ŷ={round(yhat[i], 3)}", fontsize=10, bbox=box)
        ax.text(6.6, y, f"$({Y[i]}-{round(yhat[i], 3)})^2$", fontsize=10,
                bbox=box)
    path = os.path.join(pngdir, f"p{n}.png")
    plt.savefig(path)
    plt.close(fig)
    files.append(path)
phase("figures")

# ---- PNGs -> arrays -> animated GIF -----------------------------------------
frames = [np.asarray(PIL.Image.open(f)) for f in files]
phase("read")
imageio.mimsave(os.path.join(out, "nn.gif"), frames, fps=6)
phase("gif")
