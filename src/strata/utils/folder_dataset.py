"""``FolderDataset``: the machinery shared by the datasets of image and text folders.

``image_dataset_from_directory`` and ``text_dataset_from_directory`` both return a
:class:`~strata.utils.PyDataset` over a list of files with one label each: batches follow an order
of the files that, with ``shuffle=True``, changes at every ``on_epoch_end`` (as a ``tf.data``
shuffle does every epoch) and depends only on ``seed`` and the epoch, so a run is reproducible.
Labels are encoded once, as Keras's ``label_mode`` asks.  A subclass reads one file
(``_load``) and stacks a batch of them (``_stack``).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

from strata.utils.epoch_order import EpochOrderDataset


class FolderDataset(EpochOrderDataset):
    """Batches of files (and their labels) in a per-epoch order; see the module docstring.

    Args:
        file_paths: the files, in the order of the first epoch.
        labels: one integer label per file, or ``None`` for inputs only.
        label_mode: ``"int"`` (int32 ``(B,)``), ``"categorical"`` (float32 one-hot ``(B, K)``),
            ``"binary"`` (float32 ``(B, 1)``) or ``None`` (inputs only).
        class_names: the class names (``K = len(class_names)``), or ``None``.
        batch_size: files per batch; ``None`` gives single ``(input, label)`` elements.
        shuffle: reorder the files at every ``on_epoch_end``.
        seed: the seed of those reorderings.
        **kwargs: ``workers``, ``use_multiprocessing``, ``max_queue_size`` (see ``PyDataset``).
    """

    orders_itself = True
    """``fit`` keeps this dataset's batch order: the dataset reshuffles its files every epoch itself
    (``shuffle=True``) or keeps their order (``shuffle=False``), as Keras's datasets do."""

    def __init__(self, file_paths: Sequence[str], labels: Sequence[int] | None, label_mode: str | None,
                 class_names: Sequence[str] | None, batch_size: int | None = 32, shuffle: bool = False,
                 seed: int = 0, **kwargs: Any) -> None:
        self.file_paths = list(file_paths)
        super().__init__(np.arange(len(self.file_paths)), shuffle, seed, **kwargs)
        self.class_names = None if class_names is None else list(class_names)
        self.batch_size = batch_size
        self.label_mode = label_mode if labels is not None else None
        self._targets = None if self.label_mode is None else self._encode(labels)

    def _encode(self, labels: Sequence[int]) -> np.ndarray:
        labels = np.asarray(labels, dtype=np.int32)
        if self.label_mode == "int":
            return labels
        if self.label_mode == "binary":
            return labels.astype(np.float32)[:, None]
        return np.eye(len(self.class_names), dtype=np.float32)[labels]

    def _load(self, path: str) -> Any:
        """One file's input (override)."""
        raise NotImplementedError

    def _stack(self, items: list) -> np.ndarray:
        """A batch of inputs from the loaded files (override when they are not arrays)."""
        return np.stack(items)

    def __len__(self) -> int:
        if self.batch_size is None:
            return len(self.file_paths)
        return -(-len(self.file_paths) // self.batch_size)

    def __getitem__(self, index: int) -> Any:
        """Batch ``index`` of the current epoch: ``inputs`` or ``(inputs, labels)``."""
        if not 0 <= index < len(self):
            raise IndexError(f"Batch index {index} is out of range for a dataset of {len(self)} batches.")
        if self.batch_size is None:
            chosen = self._order[index]
            item = self._load(self.file_paths[chosen])
            return item if self._targets is None else (item, self._targets[chosen])
        chosen = self._order[index * self.batch_size: (index + 1) * self.batch_size]
        items = self._stack([self._load(self.file_paths[i]) for i in chosen])
        return items if self._targets is None else (items, self._targets[chosen])

    def __repr__(self) -> str:
        return (f"<{type(self).__name__}: {len(self.file_paths)} files, {len(self)} batches of "
                f"{self.batch_size}, class_names={self.class_names}>")
