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

# Loaded on first use (issue 16 §5: ``import strata`` under a second): each loader is a submodule.
from strata.core.lazy import lazy_attributes

__getattr__, __dir__ = lazy_attributes(__name__, {
    name: f"strata.datasets.{name}" for name in (
        "auto_mpg", "fashion_mnist", "iris", "mnist",
        # Keras's other datasets (npz, json and CIFAR tarballs).
        "boston_housing", "california_housing", "cifar10", "cifar100", "imdb", "reuters")})

__all__ = ["auto_mpg", "fashion_mnist", "iris", "mnist"]
__all__ += ["boston_housing", "california_housing", "cifar10", "cifar100", "imdb", "reuters"]
