"""Draw the app's icons (192, 512 and a maskable 512) with Pillow; run once, commit the PNGs."""

from __future__ import annotations

from pathlib import Path

from PIL import Image, ImageDraw

BLUE = (11, 83, 148)
STONE = (238, 232, 220)
OUT = Path(__file__).parent / "src" / "icons"


def draw(size: int, safe: float) -> Image.Image:
    """A blue square with four paving stones; `safe` is the share kept clear for masks."""
    image = Image.new("RGB", (size, size), BLUE)
    pen = ImageDraw.Draw(image)
    inner = size * (1 - safe)
    start = size * safe / 2
    gap = inner * 0.06
    cell = (inner - gap) / 2
    for row in range(2):
        for col in range(2):
            # Offset every second row by half a stone, as pavers are laid.
            shift = cell * 0.25 if row else -cell * 0.25
            x0 = start + col * (cell + gap) + shift
            y0 = start + row * (cell + gap)
            pen.rounded_rectangle(
                (max(x0, start * 0.5), y0, min(x0 + cell, size - start * 0.5), y0 + cell),
                radius=cell * 0.12,
                fill=STONE,
            )
    return image


def main() -> None:
    OUT.mkdir(parents=True, exist_ok=True)
    draw(192, 0.25).save(OUT / "icon-192.png", optimize=True)
    draw(512, 0.25).save(OUT / "icon-512.png", optimize=True)
    draw(512, 0.45).save(OUT / "icon-maskable-512.png", optimize=True)


if __name__ == "__main__":
    main()
