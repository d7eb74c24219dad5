"""Mixed precision (``keras.mixed_precision``): float32 weights, float16/bfloat16 computation.

``set_global_policy("mixed_bfloat16")`` makes every layer created afterwards keep float32 weights
and compute in bfloat16; ``"mixed_float16"`` does the same in float16, and ``compile()`` then wraps
the optimizer in a :class:`LossScaleOptimizer`.  A single layer takes ``dtype="mixed_float16"`` or
a :class:`DTypePolicy`.
"""

from strata.mixed_precision.policies import DTypePolicy as DTypePolicy
from strata.mixed_precision.policies import Policy as Policy
from strata.mixed_precision.policies import global_policy as global_policy
from strata.mixed_precision.policies import set_global_policy as set_global_policy
from strata.optimizers.loss_scale_optimizer import LossScaleOptimizer as LossScaleOptimizer

dtype_policy = global_policy  # Keras's names for the same two functions
set_dtype_policy = set_global_policy
