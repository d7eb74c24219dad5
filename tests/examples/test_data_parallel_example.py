"""examples/data_parallel.py on 2 virtual CPU devices: trains, saves from the devices, reloads on one.

The program has no device-count branch; ``DataParallel`` on a single device (the 1-device run this
test used to repeat) is checked in-process by
``tests/distribution/test_api.py::test_one_device_data_parallel_fit_equals_plain_fit``.
"""

import os
import pathlib
import re
import subprocess
import sys

import pytest

EXAMPLE = pathlib.Path(__file__).resolve().parents[2] / "examples" / "data_parallel.py"


@pytest.mark.parametrize("devices", [2])
def test_data_parallel_example_trains_and_reloads_on_one_device(shared_datasets, devices):
    env = dict(os.environ, XLA_FLAGS=f"--xla_force_host_platform_device_count={devices}", JAX_PLATFORMS="cpu")
    done = subprocess.run([sys.executable, str(EXAMPLE), "--epochs", "2", "--samples", "4096",
                           "--data-dir", str(shared_datasets)], capture_output=True, text=True, env=env, timeout=240)
    assert done.returncode == 0, done.stderr[-3000:]
    out = done.stdout
    names = ", ".join(f"'cpu:{i}'" for i in range(devices))
    assert f"Training on {devices} device(s) [{names}], global batch {64 * devices}" in out
    steps = 4096 // (64 * devices)
    assert re.search(rf"^{steps}/{steps} - .*accuracy: 0\.\d{{4}} - loss: \d\.\d{{4}}$", out, re.M)
    accuracy, gap = re.search(r"Test accuracy: (0\.\d+); .* at most (\S+)$", out, re.M).groups()
    assert float(accuracy) > 0.85
    assert float(gap) < 1e-5
