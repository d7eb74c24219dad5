"""``strata.backend``: session-level helpers with Keras's names."""

from __future__ import annotations

from strata.config import epsilon as epsilon
from strata.config import floatx as floatx
from strata.config import image_data_format as image_data_format
from strata.config import set_epsilon as set_epsilon
from strata.config import set_floatx as set_floatx
from strata.config import set_image_data_format as set_image_data_format


def backend() -> str:
    """The engine strata computes on: always ``"jax"``."""
    return "jax"


def clear_session() -> None:
    """Reset auto-naming (the next ``Dense`` is named ``dense`` again) and drop cached programs."""
    from strata.core import naming
    from strata.training import programs

    naming.reset_names()
    programs._CACHE.clear()
    programs._PREDICT_CACHE.clear()
