"""matplotlib's MP4 of the gd-line peer, and the lossless frames it was made from.

Runs a peer script (../shared/bench/mpl_gd_line.py) unchanged, as
`PEER OUTDIR mp4`, with matplotlib.animation.FFMpegWriter swapped for a
subclass that writes every frame it pipes to ffmpeg into OUTDIR/mpl.rgba as
well: the exact bytes ffmpeg received (raw RGBA, no alpha in use), so PSNR
and SSIM of matplotlib's MP4 are measured against what its encoder was given,
as bench/mp4_point.sh does for ours with `mlanim render -f frames`. Each frame
is drawn once and sent to both, so the MP4 is the one the plain peer writes
(the script checks that by comparing the two files' hashes).

It also writes OUTDIR/mpl.rgba.txt: "WIDTH HEIGHT FPS FRAMES".
usage: python3 bench/mpl_mp4_frames.py PEER.py OUTDIR
"""
import io
import runpy
import sys

import matplotlib
matplotlib.use("Agg")
import matplotlib.animation as animation

peer, out = sys.argv[1], sys.argv[2]
raw = open(f"{out}/mpl.rgba", "wb")
seen = {"frames": 0, "size": None, "fps": None}


class TeeWriter(animation.FFMpegWriter):
    """FFMpegWriter that keeps a copy of every frame it sends to ffmpeg."""

    def grab_frame(self, **savefig_kwargs):
        # What MovieWriter.grab_frame does, drawn into memory once and then
        # written to ffmpeg's pipe and to the raw file.
        self.fig.set_size_inches(self._w, self._h)
        buf = io.BytesIO()
        self.fig.savefig(buf, format=self.frame_format, dpi=self.dpi, **savefig_kwargs)
        data = buf.getvalue()
        self._proc.stdin.write(data)
        raw.write(data)
        seen["frames"] += 1
        seen["size"] = self.frame_size
        seen["fps"] = self.fps
        if self.frame_format != "rgba":
            sys.exit(f"mpl_mp4_frames: frame format {self.frame_format}, expected rgba")


animation.FFMpegWriter = TeeWriter
sys.argv = [peer, out, "mp4"]
runpy.run_path(peer, run_name="__main__")
raw.close()
w, h = seen["size"]
with open(f"{out}/mpl.rgba.txt", "w") as f:
    f.write(f"{w} {h} {seen['fps']} {seen['frames']}\n")
