#!/usr/bin/python3
"""Side-by-side formula sheet: mlanim's own formula layout against matplotlib
mathtext (fontset 'dejavusans', and 'cm', the look of LaTeX).

    /usr/bin/python3 bench/formula_sheet.py [-o bench/out/formula-sheet.png]
        [--formulas bench/formulas.txt] [--mlanim build/mlanim] [--size 40]

For every formula of the list (one per line, # comments) it renders, all at
the same size (--size pixels per em; matplotlib: the font size in points at
72 dpi, so 1 em = --size px), black on white:

  mathtext dejavusans | mathtext cm | mlanim formula (display) | mlanim formula --inline

and composes one PNG, a row per formula, a labelled column per renderer.
The cells of a row share one baseline: the thin red line. Left of every
rendering a grey reference "x" (\\mathrm{x} by the same renderer, at the same
size) sits on it. The line is the pixel row just below the baseline, so
glyphs that sit on the baseline stand on the line. Baselines are exact, not
guessed from the ink: matplotlib places the formula with va='baseline' at a
known row of its canvas; for mlanim the SVG of "\\mathrm{x}\\quad TEX" has
the same height as TEX alone (the x is lower than the formula), so the
bottom of the x (the first outline of its path) is TEX's baseline.

Where mathtext cannot parse a formula, the nearest mathtext spelling is
used (MATHTEXT_SPELLING, or the rewrites of mathtext_rewrite) and the cell
is marked "(mathtext spelling)"; if there is none, the cell says
"mathtext: unsupported". Nothing here raises on a formula: a failure is
written into its cell.

Also used by bench/formulas.sh, as the matplotlib side of the timing:

    formula_sheet.py --list-timing [--formulas FILE] > TSV
        prints "LINE<TAB>TEX<TAB>MATHTEXT SPELLING" for the formulas
        mathtext can render (in some spelling): the set both are timed on;
    formula_sheet.py --mathtext-png OUTDIR --spellings TSV [--fontset F]
                     [--only LINE]
        renders those formulas (or the one of line LINE) to OUTDIR/LINE.png
        with matplotlib.mathtext.math_to_image at --size px per em and prints
        the in-process seconds per formula (imports excluded) as
        "LINE<TAB>WALL SECONDS<TAB>CPU SECONDS".
Module-level imports are the standard library only, so these modes pay for
matplotlib alone, as a matplotlib user would.
"""

import argparse
import math
import os
import re
import subprocess
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
DEFAULT_FORMULAS = os.path.join(ROOT, "bench", "formulas.txt")
DEFAULT_OUT = os.path.join(ROOT, "bench", "out", "formula-sheet.png")
DEFAULT_MLANIM = os.path.join(ROOT, "build", "mlanim")
FONT_DIR = "/usr/share/fonts/truetype/dejavu"

# ---- formulas --------------------------------------------------------------


def read_formulas(path):
    """[(line number, TeX)] of the list: blank lines and # comments skipped."""
    out = []
    with open(path, encoding="utf-8") as f:
        for n, line in enumerate(f, 1):
            s = line.rstrip("\n").strip()
            if s and not s.startswith("#"):
                out.append((n, s))
    return out


# ---- mathtext spellings ------------------------------------------------------

# Per formula: the nearest spelling matplotlib's mathtext (3.6) parses, or
# None when there is no honest one. mathtext has no environments (cases,
# matrices: \genfrac without a bar stands in for a column) and no fixed
# delimiter sizes (\bigl ... \Biggl).
MATHTEXT_SPELLING = {
    r"\operatorname{ReLU}(z) = \begin{cases} z & z > 0 \\ 0 & \text{otherwise} \end{cases}":
        r"\operatorname{ReLU}(z) = \left\{ \genfrac{}{}{0}{0}{z \qquad\quad z > 0}"
        r"{0 \qquad\quad \mathrm{otherwise}} \right.",
    r"W = \begin{bmatrix} w_{11} & w_{12} \\ w_{21} & w_{22} \end{bmatrix}, \quad "
    r"\mathbf{x} = \begin{pmatrix} x_1 \\ x_2 \end{pmatrix}":
        r"W = \left[ \genfrac{}{}{0}{0}{w_{11}}{w_{21}} \; \genfrac{}{}{0}{0}{w_{12}}{w_{22}} "
        r"\right], \quad \mathbf{x} = \left( \genfrac{}{}{0}{0}{x_1}{x_2} \right)",
    # \left ... \right would draw all four pairs at one size: the point lost.
    r"\Biggl( \biggl( \Bigl( \bigl( x \bigr) \Bigr) \biggr) \Biggr) + "
    r"\Bigl\lvert \sum_k \bigl| x_k \bigr| \Bigr\rvert": None,
}


def _text_to_mathrm(m):
    return r"\mathrm{" + m.group(1).replace(" ", r"\ ") + "}"


def mathtext_rewrite(tex):
    """Generic rewrites to mathtext's spelling (applied when the formula is
    not in MATHTEXT_SPELLING and does not parse as it is)."""
    s = re.sub(r"\\text\{([^{}]*)\}", _text_to_mathrm, tex)
    s = re.sub(r"\\[lr]Vert(?![A-Za-z])", r"\\Vert", s)
    s = re.sub(r"\\[lr]vert(?![A-Za-z])", r"\\vert", s)
    # fixed sizes -> sized to the content (the nearest mathtext has)
    s = re.sub(r"\\(?:big|Big|bigg|Bigg)l(?![A-Za-z])", r"\\left", s)
    s = re.sub(r"\\(?:big|Big|bigg|Bigg)r(?![A-Za-z])", r"\\right", s)
    s = re.sub(r"\\le(?![A-Za-z])", r"\\leq", s)
    s = re.sub(r"\\ge(?![A-Za-z])", r"\\geq", s)
    return s


_parser = None


def mathtext_parses(s, fontset, size):
    global _parser
    from matplotlib.font_manager import FontProperties
    from matplotlib.mathtext import MathTextParser
    if _parser is None:
        _parser = MathTextParser("path")
    try:
        _parser.parse("$" + s + "$", 72, FontProperties(size=size, math_fontfamily=fontset))
        return True
    except Exception:  # ValueError from the parser; anything else counts too
        return False


def mathtext_spelling(tex, fontset="dejavusans", size=40):
    """(spelling, changed): the string mathtext is given, and whether it is
    not the original; (None, True) when mathtext cannot do the formula."""
    if mathtext_parses(tex, fontset, size):
        return tex, False
    if tex in MATHTEXT_SPELLING:
        s = MATHTEXT_SPELLING[tex]
    else:
        s = mathtext_rewrite(tex)
    if s is not None and mathtext_parses(s, fontset, size):
        return s, True
    return None, True


# ---- renderers: each returns (gray uint8 array, baseline row) ------------------
# The baseline is the y of the baseline in pixels from the top of the array
# (an edge between rows, not necessarily integral).


class RenderError(Exception):
    pass


def render_mathtext(s, fontset, size):
    """s drawn by matplotlib's Agg canvas at size px per em; exact baseline."""
    import numpy as np
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure
    from matplotlib.font_manager import FontProperties
    from matplotlib.mathtext import MathTextParser

    prop = FontProperties(size=size, math_fontfamily=fontset)
    try:
        w, h, d, _, _ = MathTextParser("path").parse("$" + s + "$", 72, prop)
    except Exception as e:
        raise RenderError(str(e).strip().splitlines()[-1] if str(e).strip() else type(e).__name__)
    pad = size  # generous: the parse box can be tighter than the ink
    W = int(math.ceil(w)) + 2 * pad
    H = int(math.ceil(h)) + 2 * pad
    fig = Figure(figsize=(W / 72.0, H / 72.0), dpi=72)
    canvas = FigureCanvasAgg(fig)
    fig.patch.set_facecolor("white")
    base_from_bottom = pad + d
    fig.text(pad / W, base_from_bottom / H, "$" + s + "$", fontproperties=prop,
             va="baseline", ha="left", color="black")
    canvas.draw()
    rgba = np.asarray(canvas.buffer_rgba())
    gray = rgba[..., :3].min(axis=2).astype(np.uint8)
    return gray, H - base_from_bottom


def tex_arg(tex):
    """TEX as mlanim's last argument: `mlanim formula` takes no "--" and
    reads an argument starting with "-" as an option, so such a formula
    gets a leading space (TeX ignores it)."""
    return " " + tex if tex.startswith("-") else tex


_SVG_PATH = re.compile(r'<path [^>]*d="([^"]*)"')
_SVG_HEIGHT = re.compile(r'<svg [^>]*height="([0-9.]+)"')


def _svg(mlanim, tex, size, inline):
    cmd = [mlanim, "formula", "--size", str(size), "--margin", "0.1"]
    if inline:
        cmd.append("--inline")
    cmd.append(tex_arg(tex))
    p = subprocess.run(cmd, capture_output=True, text=True)
    if p.returncode != 0:
        msg = (p.stderr or p.stdout).strip()
        raise RenderError(msg.splitlines()[0] if msg else f"exit {p.returncode}")
    return p.stdout


def _first_outline_bottom(svg):
    m = _SVG_PATH.search(svg)
    if not m:
        return None
    d = m.group(1)
    first = d.split("Z", 1)[0]
    nums = [float(v) for v in re.findall(r"-?[0-9]+(?:\.[0-9]+)?", first)]
    ys = nums[1::2]  # M/L/C coordinates come in x y pairs
    return max(ys) if ys else None


def mlanim_baseline(mlanim, tex, size, inline):
    """TeX's baseline in its PNG/SVG (y from the top, px), or None."""
    alone = _svg(mlanim, tex, size, inline)
    ha = _SVG_HEIGHT.search(alone)
    for ref in (r"\mathrm{x}", r"\mathrm{.}"):
        both = _svg(mlanim, ref + r"\quad " + tex, size, inline)
        hb = _SVG_HEIGHT.search(both)
        if ha and hb and abs(float(ha.group(1)) - float(hb.group(1))) < 0.005:
            return _first_outline_bottom(both)
    return None


def render_mlanim(mlanim, tex, size, inline, tmpdir):
    import numpy as np
    from PIL import Image
    out = os.path.join(tmpdir, "cell.png")
    cmd = [mlanim, "formula", "-o", out, "--size", str(size), "--margin", "0.1",
           "--background", "#ffffff", "--color", "#000000"]
    if inline:
        cmd.append("--inline")
    cmd.append(tex_arg(tex))
    p = subprocess.run(cmd, capture_output=True, text=True)
    if p.returncode != 0 or not os.path.exists(out):
        msg = (p.stderr or p.stdout).strip()
        raise RenderError(msg.splitlines()[0] if msg else f"exit {p.returncode}")
    with Image.open(out) as im:
        gray = np.asarray(im.convert("L")).copy()
    os.unlink(out)
    base = mlanim_baseline(mlanim, tex, size, inline)
    return gray, base


def trim(gray, base, pad):
    """Crops to the ink (anything darker than white) plus pad px of white;
    the baseline follows."""
    import numpy as np
    g = np.pad(gray, pad, constant_values=255)
    base = None if base is None else base + pad
    ink = g < 250
    if not ink.any():
        return g, base
    rows = np.where(ink.any(axis=1))[0]
    cols = np.where(ink.any(axis=0))[0]
    r0, c0 = rows[0] - pad, cols[0] - pad
    out = g[r0:rows[-1] + 1 + pad, c0:cols[-1] + 1 + pad].copy()
    return out, (None if base is None else base - r0)


# ---- the sheet -----------------------------------------------------------------


def load_font(name, px):
    from PIL import ImageFont
    try:
        return ImageFont.truetype(os.path.join(FONT_DIR, name), px)
    except OSError:
        return ImageFont.load_default()


def wrap(text, font, width, draw):
    """Breaks text (no spaces needed: TeX) into lines at most width px wide."""
    lines, cur = [], ""
    for ch in text:
        if draw.textlength(cur + ch, font=font) > width and cur:
            # prefer breaking after a space or before a backslash
            k = max(cur.rfind(" "), cur.rfind("\\") - 1)
            if k > len(cur) // 2:
                lines.append(cur[:k + 1].rstrip())
                cur = cur[k + 1:].lstrip() + ch
            else:
                lines.append(cur)
                cur = ch
        else:
            cur += ch
    if cur:
        lines.append(cur)
    return lines


COLUMNS = [
    ("mathtext dejavusans", "mathtext", "dejavusans"),
    ("mathtext cm (LaTeX look)", "mathtext", "cm"),
    ("mlanim formula (display)", "mlanim", False),
    ("mlanim formula --inline", "mlanim", True),
]


def build_sheet(args):
    import numpy as np
    from PIL import Image, ImageDraw

    size = args.size
    formulas = read_formulas(args.formulas)
    if not formulas:
        sys.exit(f"formula_sheet.py: no formulas in {args.formulas}")
    label_font = load_font("DejaVuSans-Bold.ttf", 18)
    note_font = load_font("DejaVuSans.ttf", 14)
    tex_font = load_font("DejaVuSansMono.ttf", 14)
    scratch = Image.new("L", (10, 10))
    sdraw = ImageDraw.Draw(scratch)

    pad = max(4, size // 5)       # around each rendering, px
    gap = max(6, size // 3)       # between the reference x and the rendering
    note_h = 20
    tex_w = 360

    # Reference x per renderer (trimmed, with its baseline).
    refs = {}
    with tempfile.TemporaryDirectory(prefix="formula-sheet.") as tmp:
        for title, kind, opt in COLUMNS:
            try:
                if kind == "mathtext":
                    g, b = render_mathtext(r"\mathrm{x}", opt, size)
                else:
                    g, b = render_mlanim(args.mlanim, r"\mathrm{x}", size, opt, tmp)
                refs[title] = trim(g, b, 0)
            except RenderError as e:
                refs[title] = None
                print(f"formula_sheet.py: reference x for {title}: {e}", file=sys.stderr)
        # Self-check: the reference x's ink ends where its computed baseline is.
        for title, r in refs.items():
            if r is None or r[1] is None:
                continue
            g, b = r
            dark = np.where((g < 128).any(axis=1))[0]
            off = (dark[-1] + 1) - b
            if abs(off) > 1.0:
                print(f"formula_sheet.py: warning: {title}: reference x ink ends {off:+.2f} px "
                      f"from the computed baseline", file=sys.stderr)

        cells = []   # per formula: list of (gray, base, note) or (None, None, message)
        for n, tex in formulas:
            row = []
            for title, kind, opt in COLUMNS:
                note = ""
                try:
                    if kind == "mathtext":
                        s, changed = mathtext_spelling(tex, opt, size)
                        if s is None:
                            row.append((None, None, "mathtext: unsupported"))
                            continue
                        g, b = render_mathtext(s, opt, size)
                        if changed:
                            note = "(mathtext spelling)"
                    else:
                        g, b = render_mlanim(args.mlanim, tex, size, opt, tmp)
                        if b is None:
                            note = "(baseline unknown)"
                    g, b = trim(g, b, pad)
                    row.append((g, b, note))
                except RenderError as e:
                    row.append((None, None, f"error: {e}"[:80]))
                except Exception as e:  # never crash on one cell
                    row.append((None, None, f"error: {type(e).__name__}: {e}"[:80]))
            cells.append(row)
            print(f"  line {n}: " + ", ".join(
                "ok" + (" " + c[2] if c[2] else "") if c[0] is not None else c[2]
                for c in row), file=sys.stderr)

    # Column widths and row heights (baseline-aligned).
    ncol = len(COLUMNS)
    colw = []
    for j, (title, _, _) in enumerate(COLUMNS):
        ref = refs.get(title)
        refw = ref[0].shape[1] if ref else 0
        w = max([int(sdraw.textlength(title, font=label_font)) + 2 * pad] +
                [refw + gap + c[j][0].shape[1] for c in cells if c[j][0] is not None] +
                [int(sdraw.textlength(c[j][2], font=note_font)) + 2 * pad for c in cells])
        colw.append(w + 2 * pad)
    header_h = 34
    rows_geom = []   # (height, baseline y within the row)
    for i, row in enumerate(cells):
        above = max([b for g, b, _ in row if g is not None and b is not None] + [size])
        below = max([g.shape[0] - b for g, b, _ in row if g is not None and b is not None] + [size // 2])
        # cells with an unknown baseline: centred on the row instead
        hmax = max([g.shape[0] for g, b, _ in row if g is not None] + [0])
        hrow = int(math.ceil(max(above + below, hmax))) + note_h + 2 * pad
        tex_lines = wrap(formulas[i][1], tex_font, tex_w - 2 * pad, sdraw)
        hrow = max(hrow, 18 * len(tex_lines) + 26)
        rows_geom.append((hrow, pad + int(math.ceil(above)), tex_lines))
    W = tex_w + sum(colw)
    H = header_h + sum(h for h, _, _ in rows_geom) + 30
    sheet = np.full((H, W, 3), 255, np.uint8)
    img = Image.fromarray(sheet)
    draw = ImageDraw.Draw(img)

    # header
    draw.text((pad, 8), "TeX (bench/formulas.txt line)", font=label_font, fill=(0, 0, 0))
    x = tex_w
    for j, (title, _, _) in enumerate(COLUMNS):
        draw.text((x + pad, 8), title, font=label_font, fill=(0, 0, 0))
        x += colw[j]
    draw.line([(0, header_h - 1), (W, header_h - 1)], fill=(0, 0, 0))
    sheet = np.asarray(img).copy()

    line_rgb = np.array([235, 70, 70], np.uint8)
    ref_rgb = np.array([150, 150, 150], np.float64)
    y0 = header_h
    for i, row in enumerate(cells):
        hrow, base_y, tex_lines = rows_geom[i]
        x0 = tex_w
        for j, (title, _, _) in enumerate(COLUMNS):
            g, b, note = row[j]
            if g is not None:
                ref = refs.get(title)
                by = y0 + base_y
                if b is not None:
                    # the baseline line: the row just below the baseline edge
                    ly = by
                    sheet[ly, x0 + 2:x0 + colw[j] - 2] = line_rgb
                    top = by - int(round(b))
                else:
                    top = y0 + pad
                cx = x0 + pad
                if ref is not None and ref[1] is not None and b is not None:
                    rg, rb = ref
                    rt = by - int(round(rb))
                    cov = (255 - rg.astype(np.float64)) / 255.0
                    reg = sheet[rt:rt + rg.shape[0], cx:cx + rg.shape[1]].astype(np.float64)
                    reg = reg * (1 - cov[..., None]) + ref_rgb * cov[..., None]
                    sheet[rt:rt + rg.shape[0], cx:cx + rg.shape[1]] = reg.astype(np.uint8)
                    cx += rg.shape[1] + gap
                else:
                    cx += gap
                reg = sheet[top:top + g.shape[0], cx:cx + g.shape[1]]
                sheet[top:top + g.shape[0], cx:cx + g.shape[1]] = np.minimum(reg, g[..., None])
            x0 += colw[j]
        img = Image.fromarray(sheet)
        draw = ImageDraw.Draw(img)
        ty = y0 + 6
        draw.text((pad, ty), f"line {formulas[i][0]}", font=note_font, fill=(120, 120, 120))
        for k, ln in enumerate(tex_lines):
            draw.text((pad, ty + 18 + 18 * k), ln, font=tex_font, fill=(0, 0, 0))
        x0 = tex_w
        for j in range(ncol):
            g, b, note = row[j]
            if note:
                color = (170, 90, 0) if g is not None else (200, 0, 0)
                ny = y0 + hrow - note_h - 2 if g is not None else y0 + hrow // 2 - 8
                draw.text((x0 + pad, ny), note, font=note_font, fill=color)
            draw.line([(x0, y0), (x0, y0 + hrow)], fill=(200, 200, 200))
            x0 += colw[j]
        draw.line([(0, y0 + hrow - 1), (W, y0 + hrow - 1)], fill=(200, 200, 200))
        sheet = np.asarray(img).copy()
        y0 += hrow

    img = Image.fromarray(sheet)
    draw = ImageDraw.Draw(img)
    draw.text((pad, y0 + 6),
              f"{size} px per em for every renderer (matplotlib: {size} pt at 72 dpi). Red: the "
              "baseline (the pixel row below it); grey x: \\mathrm{x} by the same renderer.",
              font=note_font, fill=(90, 90, 90))
    os.makedirs(os.path.dirname(os.path.abspath(args.output)), exist_ok=True)
    img.save(args.output)
    print(f"formula_sheet.py: wrote {args.output} ({W}x{H}, {len(formulas)} formulas)", file=sys.stderr)


# ---- timing modes (bench/formulas.sh) ------------------------------------------


def list_timing(args):
    for n, tex in read_formulas(args.formulas):
        sp, _ = mathtext_spelling(tex, args.fontset, args.size)
        if sp is not None:
            print(f"{n}\t{tex}\t{sp}")


def mathtext_png(args):
    # Only matplotlib's own work here: the spellings come ready from a
    # --list-timing file, so no parse checks warm anything up.
    from matplotlib import mathtext
    from matplotlib.font_manager import FontProperties
    prop = FontProperties(size=args.size, math_fontfamily=args.fontset)
    os.makedirs(args.mathtext_png, exist_ok=True)
    with open(args.spellings, encoding="utf-8") as f:
        todo = [line.rstrip("\n").split("\t") for line in f if line.strip()]
    for n, _tex, sp in todo:
        if args.only is not None and int(n) != args.only:
            continue
        t, c = time.perf_counter(), time.process_time()
        mathtext.math_to_image("$" + sp + "$", os.path.join(args.mathtext_png, f"{n}.png"),
                               prop=prop, dpi=72, format="png")
        print(f"{n}\t{time.perf_counter() - t:.6f}\t{time.process_time() - c:.6f}")


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("-o", "--output", default=DEFAULT_OUT, help="the sheet (PNG)")
    ap.add_argument("--formulas", default=DEFAULT_FORMULAS, help="the formula list")
    ap.add_argument("--mlanim", default=os.environ.get("MLANIM", DEFAULT_MLANIM),
                    help="the mlanim binary")
    ap.add_argument("--size", type=int, default=40, help="pixels per em (default 40)")
    ap.add_argument("--list-timing", action="store_true",
                    help="print LINE<TAB>TEX of the formulas mathtext can render")
    ap.add_argument("--mathtext-png", metavar="OUTDIR",
                    help="render the formulas with mathtext to OUTDIR/LINE.png, print seconds")
    ap.add_argument("--fontset", default="dejavusans", help="mathtext fontset for --mathtext-png")
    ap.add_argument("--spellings", metavar="TSV",
                    help="with --mathtext-png: the output of --list-timing (required)")
    ap.add_argument("--only", type=int, help="with --mathtext-png: only the formula of this line")
    args = ap.parse_args()
    if args.list_timing:
        return list_timing(args)
    if args.mathtext_png:
        if not args.spellings:
            ap.error("--mathtext-png needs --spellings TSV (from --list-timing)")
        return mathtext_png(args)
    if not os.access(args.mlanim, os.X_OK):
        sys.exit(f"formula_sheet.py: mlanim not found at {args.mlanim} (pass --mlanim PATH)")
    build_sheet(args)


if __name__ == "__main__":
    main()
