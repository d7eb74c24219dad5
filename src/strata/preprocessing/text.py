"""``keras.preprocessing.text`` of tf.keras 2: ``Tokenizer`` and the word hashing helpers.

``from tensorflow.keras.preprocessing.text import Tokenizer`` becomes
``from strata.preprocessing.text import Tokenizer``.  See :mod:`strata.preprocessing.text_tokenizer`
and :mod:`strata.preprocessing.text_hashing` (which explains why ``one_hot`` and ``hashing_trick``
hash with MD5 here, where tf.keras used Python's per-process ``hash``).

Example:
    >>> from strata.preprocessing.text import Tokenizer
    >>> tokenizer = Tokenizer()
    >>> tokenizer.fit_on_texts(["Hello world", "hello there"])
    >>> tokenizer.texts_to_sequences(["hello world"])
    [[1, 2]]
"""

from strata.preprocessing.text_hashing import hashing_trick as hashing_trick
from strata.preprocessing.text_hashing import one_hot as one_hot
from strata.preprocessing.text_hashing import text_to_word_sequence as text_to_word_sequence
from strata.preprocessing.text_tokenizer import Tokenizer as Tokenizer
from strata.preprocessing.text_tokenizer import tokenizer_from_json as tokenizer_from_json
