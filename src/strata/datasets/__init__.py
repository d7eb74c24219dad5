"""Ready-made datasets, as in `keras.datasets`, plus the course tables strata ships.

* `mnist`, `fashion_mnist`: ``load_data()`` returns ``(x_train, y_train), (x_test, y_test)``
  as uint8 NumPy arrays. They read a local folder (``data_dir=`` or ``STRATA_DATASETS_DIR``)
  when one is given, else download once into ``~/.strata/datasets`` and verify the files.
* `iris`, `auto_mpg`: ``load_data()`` returns a pandas DataFrame of a CSV shipped with strata;
  ``path()`` gives the file's location.

Importing this package is cheap: pandas is imported only when a table is loaded.
"""

from strata.datasets import auto_mpg as auto_mpg
from strata.datasets import fashion_mnist as fashion_mnist
from strata.datasets import iris as iris
from strata.datasets import mnist as mnist

__all__ = ["auto_mpg", "fashion_mnist", "iris", "mnist"]
