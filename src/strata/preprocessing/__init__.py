"""tf.keras 2's preprocessing namespace (``keras.preprocessing``): the legacy image API.

``from tensorflow.keras.preprocessing.image import ImageDataGenerator`` becomes
``from strata.preprocessing.image import ImageDataGenerator``.
"""

from strata.preprocessing import image as image
