"""Peak memory (and time) of loading VGG16's ~528 MB weight file, strata vs real Keras (JAX backend).

Issue 12: loading a pretrained file must not double memory.  The driver has real Keras write VGG16
*with top* (138,357,544 parameters) with random weights in the legacy HDF5 layout of Keras's
published ``vgg16_weights_tf_dim_ordering_tf_kernels.h5`` (root ``layer_names``, one group per layer,
``weight_names`` like ``fc1/kernel:0``), then measures each case in a fresh process:

* ``none``: ``VGG16(weights=None)``: RSS after building (the baseline: the model's variables live)
  and the process's peak RSS (random initialisation has its own transient peak);
* ``file``: ``VGG16(weights=<file>)``: peak RSS of the whole constructor, and its time;
* ``load``: ``VGG16(weights=None)`` then, with the peak reset (``/proc/self/clear_refs``),
  ``model.load_weights(<file>)``: the loader's own peak above the built model, and its time.

Usage: python bench/weights_memory.py [--file /tmp/vgg16_random.h5] [--repeats 1]
RSS is read from ``/proc/self/status`` (``VmRSS`` now, ``VmHWM`` peak), so this runs on Linux only.
"""

from __future__ import annotations

import argparse
import json
import os
import pathlib
import statistics
import subprocess
import sys
import tempfile
import time

HERE = pathlib.Path(__file__).resolve()
MB = 1 << 20


def rss() -> dict:
    """``VmRSS`` and ``VmHWM`` of this process, in bytes."""
    found = {}
    with open("/proc/self/status") as status:
        for line in status:
            key, _, value = line.partition(":")
            if key in ("VmRSS", "VmHWM"):
                found[key] = int(value.split()[0]) * 1024
    return found


def reset_peak() -> None:
    """Make ``VmHWM`` equal the current RSS (Linux >= 4.0)."""
    with open("/proc/self/clear_refs", "w") as refs:
        refs.write("5")


def write_file(path: str) -> None:
    """Real Keras (JAX) writes VGG16 with top, random weights, in the published legacy layout."""
    os.environ["KERAS_BACKEND"] = "jax"
    import h5py
    import keras
    import numpy as np

    model = keras.applications.VGG16(weights=None)
    with h5py.File(path + ".part", "w") as f:
        f.attrs["layer_names"] = [layer.name.encode("utf8") for layer in model.layers]
        f.attrs["backend"] = b"tensorflow"
        f.attrs["keras_version"] = b"2.2.4"
        for layer in model.layers:
            group = f.create_group(layer.name)
            variables = list(layer.trainable_weights) + list(layer.non_trainable_weights)
            names = [f"{layer.name}/{variable.name}:0" for variable in variables]
            group.attrs["weight_names"] = [name.encode("utf8") for name in names]
            for name, variable in zip(names, variables):
                group.create_dataset(name, data=np.asarray(variable.numpy()))
    os.replace(path + ".part", path)


def measure(library: str, case: str, path: str) -> dict:
    """One case in this (fresh) process; see the module docstring."""
    if library == "keras":
        os.environ["KERAS_BACKEND"] = "jax"
        import keras as lib
    else:
        import strata as lib
    import jax
    import jax.numpy as jnp
    import numpy as np

    jnp.zeros(1).block_until_ready()  # the runtime's own memory belongs to the baseline
    result = {"import_rss": rss()["VmRSS"]}
    started = time.perf_counter()
    model = lib.applications.VGG16(weights=path if case == "file" else None)
    jax.block_until_ready([variable.value for variable in model.weights])  # initialisers run async
    result["build_s"] = time.perf_counter() - started
    after = rss()
    result.update(rss=after["VmRSS"], peak=after["VmHWM"], params=model.count_params())
    if case == "load":
        reset_peak()
        before = rss()["VmRSS"]
        started = time.perf_counter()
        model.load_weights(path)
        jax.block_until_ready([variable.value for variable in model.weights])
        result["load_s"] = time.perf_counter() - started
        after = rss()
        result.update(load_before=before, load_peak=after["VmHWM"], load_after=after["VmRSS"])
    kernel = model.get_layer("fc2").weights[0]
    result["fc2_sum"] = float(np.sum(np.asarray(kernel.numpy(), "float64")))
    return result


def run_case(library: str, case: str, path: str) -> dict:
    out = subprocess.run([sys.executable, str(HERE), "--measure", library, case, "--file", path],
                         capture_output=True, text=True, check=True)
    return json.loads(out.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--file", default=os.path.join(tempfile.gettempdir(), "strata_bench_vgg16_random.h5"))
    parser.add_argument("--repeats", type=int, default=1, help="fresh processes per case (medians)")
    parser.add_argument("--measure", nargs=2, metavar=("LIBRARY", "CASE"), help=argparse.SUPPRESS)
    parser.add_argument("--write", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.write:
        write_file(args.file)
        return
    if args.measure:
        print(json.dumps(measure(*args.measure, args.file)))
        return
    if not os.path.exists(args.file):
        print(f"writing {args.file} with real Keras ...", file=sys.stderr, flush=True)
        subprocess.run([sys.executable, str(HERE), "--write", "--file", args.file], check=True)
    size = os.path.getsize(args.file)
    results = {}
    for library in ("strata", "keras"):
        for case in ("none", "file", "load"):
            runs = [run_case(library, case, args.file) for _ in range(args.repeats)]
            results[library, case] = {key: statistics.median(r[key] for r in runs) for key in runs[0]}
            print(json.dumps({f"{library}/{case}": results[library, case]}), file=sys.stderr, flush=True)
    model_bytes = results["strata", "none"]["params"] * 4
    print(f"file {args.file}: {size / MB:.0f} MiB; model variables {model_bytes / MB:.0f} MiB (float32)")
    print(f"{'MiB (x: multiple of the model size)':<58}{'strata':>16}{'keras':>16}")

    def row(label: str, value) -> None:
        print(f"{label:<58}" + "".join(f"{value(lib):>16}" for lib in ("strata", "keras")))

    def above(lib: str, case: str, peak_key: str = "peak", base_key: str = "import_rss") -> str:
        extra = results[lib, case][peak_key] - results[lib, case][base_key]
        return f"{extra / MB:.0f} ({extra / model_bytes:.2f}x)"

    row("RSS after import (runtime started)", lambda lib: f"{results[lib, 'none']['import_rss'] / MB:.0f}")
    row("RSS after VGG16(weights=None), above import", lambda lib: above(lib, "none", "rss"))
    row("peak of VGG16(weights=None), above import", lambda lib: above(lib, "none"))
    row("peak of VGG16(weights=file), above import", lambda lib: above(lib, "file"))
    row("RSS after VGG16(weights=file), above import", lambda lib: above(lib, "file", "rss"))
    row("load_weights(file) after the build: peak above RSS before",
        lambda lib: above(lib, "load", "load_peak", "load_before"))
    row("RSS after that load_weights, above import", lambda lib: above(lib, "load", "load_after"))
    row("VGG16(weights=None) s", lambda lib: f"{results[lib, 'none']['build_s']:.2f}")
    row("VGG16(weights=file) s", lambda lib: f"{results[lib, 'file']['build_s']:.2f}")
    row("load_weights(file) s", lambda lib: f"{results[lib, 'load']['load_s']:.2f}")
    same = results["strata", "file"]["fc2_sum"] == results["keras", "file"]["fc2_sum"]
    print(f"loaded fc2 kernels equal (float64 sums): {same}")


if __name__ == "__main__":
    main()
