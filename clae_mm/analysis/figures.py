"""What every analysis tool writes: a PNG of a known pixel size (and an SVG
where a figure is committed) and the numbers behind it (JSON, and CSV for
tables)."""
import csv
import json
import os
import os.path as osp
from typing import Dict, List, Sequence, Tuple

import matplotlib
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure

DPI = 100
# Fig. 3's colours (adversarial blue, random red), clean green.
COLORS = dict(adversarial='tab:blue', random='tab:red', clean='tab:green')


def new_figure(width_px: int, height_px: int, nrows: int = 1, ncols: int = 1, **subplot_kw):
    """A figure that saves to exactly ``width_px`` x ``height_px`` pixels
    (:func:`save_figure` keeps the size: no ``bbox_inches='tight'``) and its
    axes as a 2-D array.

    Drawn on matplotlib's Agg canvas directly, not through pyplot: no global
    backend is switched and nothing stays open, so the tools run headless
    and can be imported from a notebook.
    """
    fig = Figure(figsize=(width_px / DPI, height_px / DPI), dpi=DPI)
    FigureCanvasAgg(fig)
    axes = fig.subplots(nrows, ncols, squeeze=False, **subplot_kw)
    return fig, axes


def save_figure(fig, path: str) -> Tuple[int, int]:
    """Write ``fig`` as a PNG; returns its (width, height) in pixels."""
    os.makedirs(osp.dirname(osp.abspath(path)), exist_ok=True)
    width, height = (round(v) for v in fig.get_size_inches() * fig.dpi)
    fig.savefig(path, dpi=fig.dpi, format='png')
    return width, height


def save_svg(fig, path: str) -> None:
    """Write ``fig`` as an SVG that is the same file for the same figure: no
    date, fixed element ids, text as text (small; the viewer's fonts draw it)."""
    os.makedirs(osp.dirname(osp.abspath(path)), exist_ok=True)
    with matplotlib.rc_context({'svg.hashsalt': 'clae_mm', 'svg.fonttype': 'none'}):
        fig.savefig(path, format='svg', metadata={'Date': None})


def write_json(path: str, data: dict, cfg=None, config: str = None) -> None:
    """The figure's numbers, with their ``provenance`` (``cfg``: the resolved config the
    numbers were made with; ``config``: the file named on the command line)."""
    from clae_mm.evaluation.provenance import provenance
    os.makedirs(osp.dirname(osp.abspath(path)), exist_ok=True)
    with open(path, 'w') as f:
        json.dump(dict(data, provenance=provenance(cfg, config)), f, indent=2)
        f.write('\n')


def write_csv(path: str, rows: List[Dict], columns: Sequence[str] = None) -> None:
    """Rows of dicts as CSV; ``columns`` fixes the order (default: first row's keys)."""
    os.makedirs(osp.dirname(osp.abspath(path)), exist_ok=True)
    columns = list(columns or (rows[0].keys() if rows else []))
    with open(path, 'w', newline='') as f:
        writer = csv.DictWriter(f, fieldnames=columns, extrasaction='ignore')
        writer.writeheader()
        writer.writerows(rows)


def show_image(ax, image, title: str = None) -> None:
    """An (H, W, 3) or (H, W) array in [0, 1] without axes ticks."""
    if image.ndim == 2 or image.shape[-1] == 1:
        ax.imshow(image.squeeze(-1) if image.ndim == 3 else image, cmap='gray', vmin=0, vmax=1)
    else:
        ax.imshow(image.clip(0, 1))
    ax.set_xticks([])
    ax.set_yticks([])
    if title:
        ax.set_title(title, fontsize=8)
