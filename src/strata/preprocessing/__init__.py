"""tf.keras 2's preprocessing namespace (``keras.preprocessing``): the legacy image, sequence and text APIs.

``from tensorflow.keras.preprocessing.image import ImageDataGenerator`` becomes
``from strata.preprocessing.image import ImageDataGenerator``.
"""

from strata.preprocessing import image as image

# sequence and text data utilities family
from strata.preprocessing import sequence as sequence
from strata.preprocessing import text as text
from strata.utils.image_dataset import image_dataset_from_directory as image_dataset_from_directory
from strata.utils.text_dataset import text_dataset_from_directory as text_dataset_from_directory
from strata.utils.timeseries_dataset import timeseries_dataset_from_array as timeseries_dataset_from_array
