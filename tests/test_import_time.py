"""``import strata`` stays light (issue 16 §5): what a course program does not touch loads on first use.

Each check runs a fresh interpreter, since this test process has imported everything already.
"""

from __future__ import annotations

import json
import subprocess
import sys

# Heavy third-party packages and strata's optional subsystems that `import strata` must not load.
NOT_AT_IMPORT = [
    "matplotlib", "h5py", "PIL", "pandas", "sklearn", "optax", "grain", "optuna", "tarfile",
    "strata.applications", "strata.explain", "strata.tuner", "strata.wrappers", "strata.cli",
    "strata.preprocessing", "strata.datasets.mnist", "strata.datasets.cifar10", "strata.datasets._download",
    "strata.layers.preprocessing.text_vectorization", "strata.layers.preprocessing.string_lookup",
    "strata.layers.preprocessing.random_flip", "strata.layers.preprocessing.resizing",
    "strata.utils.image_dataset", "strata.utils.text_dataset", "strata.utils.image_utils",
    # every layer family but the base Layer and Input loads on first use
    "strata.layers.core.dense", "strata.layers.convolutional.conv2d", "strata.layers.rnn.lstm",
    "strata.layers.pooling.max_pooling2d", "strata.layers.normalization.batch_normalization",
    "strata.layers.merging.add", "strata.layers.reshaping.flatten", "strata.layers.activations.relu",
]


def _run(code: str) -> dict:
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=180)
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout.strip().splitlines()[-1])


def test_import_strata_leaves_optional_parts_unloaded():
    loaded = _run(f"import json, sys\nimport strata\nprint(json.dumps([m for m in {NOT_AT_IMPORT!r} "
                  "if m in sys.modules]))")
    assert loaded == []


def test_lazy_names_load_on_first_use():
    result = _run(
        "import json, sys\n"
        "import strata\n"
        "from strata.layers import TextVectorization, RandomFlip\n"
        "from strata.utils import load_img, get_file\n"
        "from strata.datasets import mnist\n"
        "out = {\n"
        "  'classes': [TextVectorization.__name__, RandomFlip.__name__, strata.layers.Resizing.__name__],\n"
        "  'functions': [load_img.__name__, get_file.__name__, strata.utils.image_dataset_from_directory.__name__],\n"
        "  'mnist': callable(mnist.load_data) and strata.datasets.fashion_mnist.__name__,\n"
        "  'listed': all(n in dir(strata.layers) for n in ('Hashing', 'RandomZoom', 'Dense', 'Conv2D', 'LSTM')),\n"
        "  'subsystems': [strata.preprocessing.__name__, strata.applications.__name__],\n"
        "  'registry': 'StringLookup' in __import__('strata.saving.serialization', fromlist=['x']).layer_registry(),\n"
        "}\n"
        "print(json.dumps(out))\n")
    assert result == {
        "classes": ["TextVectorization", "RandomFlip", "Resizing"],
        "functions": ["load_img", "get_file", "image_dataset_from_directory"],
        "mnist": "strata.datasets.fashion_mnist",
        "listed": True,
        "subsystems": ["strata.preprocessing", "strata.applications"],
        "registry": True,
    }


def test_unknown_names_still_raise_attribute_error():
    result = _run(
        "import json, strata\n"
        "errors = []\n"
        "for owner in (strata, strata.layers, strata.utils, strata.datasets):\n"
        "    try:\n"
        "        getattr(owner, 'NoSuchThing')\n"
        "    except AttributeError as error:\n"
        "        errors.append(str(error))\n"
        "print(json.dumps(errors))\n")
    assert result == ["module 'strata' has no attribute 'NoSuchThing'",
                      "module 'strata.layers' has no attribute 'NoSuchThing'",
                      "module 'strata.utils' has no attribute 'NoSuchThing'",
                      "module 'strata.datasets' has no attribute 'NoSuchThing'"]
