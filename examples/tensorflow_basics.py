"""The course's "TensorFlow basics", written with strata.

1. Constants and a matrix product (prints 12.0).
2. A variable, subtraction, and assignment.
3. The Mandelbrot set on a complex grid with ``strata.ops``: ``z = z*z + c``, counting for each
   point how many iterations stay bounded.  The image is saved when Pillow is installed;
   otherwise the iteration-count statistics are printed.

Run: ``python examples/tensorflow_basics.py [output.png]``.
"""

from __future__ import annotations

import sys
import time

import numpy as np

from strata import ops
from strata import Variable


def linear_algebra() -> None:
    matrix1 = ops.convert_to_tensor([[3.0, 3.0]])
    matrix2 = ops.convert_to_tensor([[2.0], [2.0]])
    product = ops.matmul(matrix1, matrix2)
    print(product)
    print(float(product[0, 0]))  # the course writes float(product); JAX converts only 0-d arrays


def variables() -> None:
    x = Variable([1.0, 2.0])
    a = ops.convert_to_tensor([3.0, 3.0])
    sub = ops.subtract(x, a)
    print(sub)
    print(ops.convert_to_numpy(sub))
    x.assign([4.0, 6.0])
    sub = ops.subtract(x, a)
    print(sub)
    print(ops.convert_to_numpy(sub))


def render(counts: np.ndarray) -> np.ndarray:
    """Colour the iteration counts as the course does (an ``(h, w, 3)`` uint8 image)."""
    cyclic = (counts * 0.3)[..., None]
    image = np.concatenate(
        [10 + 20 * np.cos(cyclic), 30 + 50 * np.sin(cyclic), 155 - 80 * np.cos(cyclic)], axis=2
    )
    image[counts == counts.max()] = 0
    return np.uint8(np.clip(image, 0, 255))


def mandelbrot_helper(grid_c, current_values: Variable, counts: Variable, cycles: int) -> None:
    for _ in range(cycles):
        temp = current_values * current_values + grid_c
        not_diverged = ops.less(ops.abs(temp), 4)
        current_values.assign(temp)
        counts.assign_add(ops.cast(not_diverged, "float32"))


def mandelbrot(render_size: tuple[int, int], center: tuple[float, float], zoom: float, cycles: int) -> np.ndarray:
    step = zoom / render_size[0]
    real_start = center[0] - (render_size[0] / 2) * step
    imag_start = center[1] - (render_size[1] / 2) * step
    # ``linspace`` gives exactly render_size points (a float ``arange`` can add one by rounding).
    real_range = ops.linspace(real_start, real_start + (render_size[0] - 1) * step, render_size[0])
    imag_range = ops.linspace(imag_start, imag_start + (render_size[1] - 1) * step, render_size[1])
    real, imag = ops.meshgrid(real_range, imag_range)
    grid_c = ops.add(ops.cast(real, "complex64"), ops.multiply(1j, ops.cast(imag, "complex64")))
    current_values = Variable(grid_c)
    counts = Variable(ops.zeros_like(real, dtype="float32"))
    mandelbrot_helper(grid_c, current_values, counts, cycles)
    return counts.numpy()


def main(argv: list[str]) -> None:
    linear_algebra()
    variables()
    start = time.perf_counter()
    counts = mandelbrot(render_size=(640, 480), center=(-0.5, 0), zoom=4, cycles=200)
    seconds = time.perf_counter() - start
    image = render(counts)
    print(f"Mandelbrot: image {image.shape[1]}x{image.shape[0]}, {seconds:.2f} s")
    inside = int((counts == counts.max()).sum())
    print(f"iterations: min {counts.min():.0f}, max {counts.max():.0f}, mean {counts.mean():.2f}")
    print(f"points never diverging: {inside} of {counts.size}")
    try:
        import PIL.Image
    except ImportError:
        print("Pillow is not installed: image not saved.")
        return
    path = argv[1] if len(argv) > 1 else "mandelbrot.png"
    PIL.Image.fromarray(image).save(path)
    print(f"saved {path}")


if __name__ == "__main__":
    main(sys.argv)
