"""Host arrays that JAX's CPU client can adopt without a copy.

``jax.device_put`` of a NumPy array on the CPU reuses the array's memory when it is aligned to 64
bytes, and copies it otherwise.  NumPy's large allocations come from ``mmap`` behind a 16-byte
malloc header, so they are usually *not* 64-byte aligned: a 411 MB kernel (VGG16's ``fc1``) then
briefly exists twice, once as the NumPy draw or file read and once as the device buffer.  Arrays
made here start on a 64-byte boundary, so creating a variable from them, or assigning them, holds
one copy.

Example:
    >>> a = aligned_empty((3, 5), "float32")
    >>> a.ctypes.data % ALIGNMENT, a.shape, a.dtype.name
    (0, (3, 5), 'float32')
"""

from __future__ import annotations

from typing import Any

import numpy as np

ALIGNMENT = 64


def aligned_empty(shape: Any, dtype: Any) -> np.ndarray:
    """An uninitialised C-contiguous array of ``shape`` and ``dtype`` whose data is 64-byte aligned."""
    dtype = np.dtype(dtype)
    shape = tuple(int(d) for d in shape)
    nbytes = int(np.prod(shape, dtype=np.int64)) * dtype.itemsize
    if nbytes == 0:  # nothing to align
        return np.empty(shape, dtype)
    raw = np.empty(nbytes + ALIGNMENT, np.uint8)
    start = -raw.ctypes.data % ALIGNMENT
    return raw[start:start + nbytes].view(dtype).reshape(shape)
