"""The ``strata`` command: convert legacy ``.h5`` models to ``.keras`` and inspect saved files.

Usage::

    strata convert OLD.h5 NEW.keras [--force] [--no-compile]
    strata inspect FILE
    strata fit CSV --target COL [--out DIR] [options]
    strata predict MODEL CSV [--out FILE]

Run ``strata --help`` or ``strata COMMAND --help`` for details.
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Sequence

_DESCRIPTION = "Work with saved strata / Keras model files."
_CONVERT_HELP = """\
Convert a legacy HDF5 model (written by model.save("m.h5") in tf.keras 2.x, Keras 3 or strata)
to the native Keras 3 format. The architecture, the weights and, unless --no-compile is given,
the compile arguments and optimizer state are kept."""
_INSPECT_HELP = """\
Print what a saved file holds: its format and metadata (Keras version, date saved), and for a
model its layer count, parameter counts, compile arguments and summary; for a weights file
(.weights.h5, or a legacy save_weights .h5) the path, shape and dtype of every stored array."""


def _parser() -> argparse.ArgumentParser:
    from strata import _KERAS_API_VERSION, _STRATA_VERSION

    parser = argparse.ArgumentParser(prog="strata", description=_DESCRIPTION)
    parser.add_argument("--version", action="version",
                        version=f"strata {_STRATA_VERSION} (the Keras {_KERAS_API_VERSION} API)")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)
    convert = commands.add_parser("convert", help="convert a legacy .h5 model to .keras",
                                  description=_CONVERT_HELP, formatter_class=argparse.RawDescriptionHelpFormatter)
    convert.add_argument("source", metavar="OLD.h5", help="the legacy HDF5 model file")
    convert.add_argument("destination", metavar="NEW.keras", help="the .keras file to write")
    convert.add_argument("-f", "--force", action="store_true", help="overwrite NEW.keras if it exists")
    convert.add_argument("--no-compile", action="store_true",
                         help="drop the training configuration and optimizer state")
    inspect = commands.add_parser("inspect", help="describe a .keras, .h5 or .weights.h5 file",
                                  description=_INSPECT_HELP, formatter_class=argparse.RawDescriptionHelpFormatter)
    inspect.add_argument("file", metavar="FILE", help="the file to describe")
    commands.add_parser("doctor", help="print devices, JAX/CUDA versions and what to install",  # issue 16 §4
                        description="Print the devices JAX uses, the JAX, jaxlib, CUDA and cuDNN versions, the "
                        "XLA environment, and what to install when a GPU is present but unused.")
    from strata.cli import fit_command, predict_command  # `strata fit` / `strata predict` (issue 14 §7)

    fit_command.add_parser(commands)
    predict_command.add_parser(commands)
    return parser


def convert(source: str, destination: str, force: bool = False, compile: bool = True) -> str:
    """Convert ``source`` (legacy ``.h5``) to ``destination`` (``.keras``); return a report line."""
    from strata.cli.describe import FORMAT_NAMES, LEGACY_MODEL, LEGACY_WEIGHTS, InspectError, file_kind
    from strata.saving import save_model
    from strata.saving.legacy_h5 import load_legacy_h5

    if not destination.endswith(".keras"):
        raise InspectError(f"the destination must end in `.keras`. Received: {destination}")
    kind = file_kind(source)
    if kind == LEGACY_WEIGHTS:
        raise InspectError(f"{source} holds only weights (from save_weights), not a model; there is no "
                           "architecture to convert. Build the model in code and call model.load_weights().")
    if kind != LEGACY_MODEL:
        raise InspectError(f"{source} is not a legacy HDF5 model: it is a {FORMAT_NAMES[kind]}.")
    if os.path.exists(destination) and not force:
        raise InspectError(f"{destination} already exists. Pass --force to overwrite it.")
    if os.path.abspath(source) == os.path.abspath(destination):
        raise InspectError("the source and the destination are the same file.")
    model = load_legacy_h5(source, compile=compile)
    save_model(model, destination, overwrite=True)
    state = "compiled" if getattr(model, "compiled", False) else "not compiled"
    return (f"Converted {source} -> {destination}: {type(model).__name__} '{model.name}', "
            f"{len(model.layers)} layers, {model.count_params():,} parameters, {state}.")


def main(argv: Sequence[str] | None = None) -> int:
    """Run the ``strata`` command line; return the exit status (0 on success, 1 on errors)."""
    args = _parser().parse_args(argv)
    if args.command == "doctor":  # issue 16 §4
        from strata.cli.doctor import doctor

        return doctor(print)
    from strata.cli.csv_table import CliError  # issue 14 §7
    from strata.cli.describe import InspectError, describe

    try:
        if args.command in ("fit", "predict"):  # issue 14 §7
            from strata.cli.fit_command import run_fit
            from strata.cli.predict_command import run_predict

            (run_fit if args.command == "fit" else run_predict)(args)
        elif args.command == "convert":
            print(convert(args.source, args.destination, force=args.force, compile=not args.no_compile))
        else:
            describe(args.file, print)
    except BrokenPipeError:  # e.g. `strata inspect m.keras | head`
        return 1
    except (InspectError, CliError, OSError, ValueError, TypeError) as error:
        print(f"strata {args.command}: error: {error}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
