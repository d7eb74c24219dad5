"""Ready-made datasets, as in `keras.datasets`, plus the course tables strata ships.

* `mnist`, `fashion_mnist`: ``load_data()`` returns ``(x_train, y_train), (x_test, y_test)``
  as uint8 NumPy arrays. They read a local folder (``data_dir=`` or ``STRATA_DATASETS_DIR``)
  when one is given, else download once into ``~/.strata/datasets`` and verify the files.
* `cifar10`, `cifar100`: uint8 images ``(n, 32, 32, 3)`` with ``(n, 1)`` labels, read from
  Krizhevsky's pickled batch files without unsafe unpickling.
* `imdb`, `reuters`: object arrays of word-index lists; `boston_housing`, `california_housing`:
  feature matrices with seeded train/test splits. All read Keras's own files the same way.
* `iris`, `auto_mpg`: ``load_data()`` returns a pandas DataFrame of a CSV shipped with strata;
  ``path()`` gives the file's location.

Importing this package is cheap: pandas is imported only when a table is loaded.
"""

from strata.datasets import auto_mpg as auto_mpg
from strata.datasets import fashion_mnist as fashion_mnist
from strata.datasets import iris as iris
from strata.datasets import mnist as mnist

# Keras's other datasets (npz, json and CIFAR tarballs).
from strata.datasets import boston_housing as boston_housing
from strata.datasets import california_housing as california_housing
from strata.datasets import cifar10 as cifar10
from strata.datasets import cifar100 as cifar100
from strata.datasets import imdb as imdb
from strata.datasets import reuters as reuters

__all__ = ["auto_mpg", "fashion_mnist", "iris", "mnist"]
__all__ += ["boston_housing", "california_housing", "cifar10", "cifar100", "imdb", "reuters"]
