"""``strata.distribution``: Keras's distribution API on JAX sharding (issue 16 §1–2).

Set a distribution and ``fit``, ``evaluate`` and ``predict`` run on every device of its mesh::

    import strata as keras
    keras.distribution.set_distribution(keras.distribution.DataParallel())
    model.fit(x, y, batch_size=256)   # each batch split over the devices

Loaded on first touch (``strata.distribution``), so ``import strata`` does not pay for it.
"""

from strata.distribution.data_parallel import DataParallel as DataParallel
from strata.distribution.devices import DeviceMesh as DeviceMesh
from strata.distribution.devices import get_device_count as get_device_count
from strata.distribution.devices import list_devices as list_devices
from strata.distribution.base import Distribution as Distribution
from strata.distribution.base import distribute_tensor as distribute_tensor
from strata.distribution.base import distribution as distribution
from strata.distribution.base import set_distribution as set_distribution
from strata.distribution.initialize import initialize as initialize
from strata.distribution.layout_map import LayoutMap as LayoutMap
from strata.distribution.model_parallel import ModelParallel as ModelParallel
from strata.distribution.tensor_layout import TensorLayout as TensorLayout
