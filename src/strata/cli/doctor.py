"""``strata doctor``: is this machine ready to train, and on which device?

It prints one ``name: value`` line per fact: the strata, Python, JAX and jaxlib versions, the
backend JAX chose and its devices, the CUDA and cuDNN versions when a CUDA build of jaxlib is
installed, the XLA-related environment (``XLA_FLAGS``, ``JAX_PLATFORMS``, ...), and a closing
verdict.  The case it exists for: an NVIDIA GPU is visible but JAX runs on the CPU because only the
CPU build of jaxlib is installed; the verdict then says what to install.

On a Linux CPU it also says when XLA's buffers would get transparent huge pages for the asking.
XLA:CPU allocates each step's temporary buffers afresh (hundreds of megabytes for an image model),
and glibc maps them with ``mmap`` and unmaps them after the step, so every step faults in and
zeroes new 4 KiB pages: on the course's cats-vs-dogs CNN, 107,000 page faults and 0.2 s of kernel
time per 0.37 s step.  Where the kernel gives huge pages only on request (``madvise``, the common
default), ``GLIBC_TUNABLES=glibc.malloc.hugetlb=1`` makes glibc request them, with no change in
memory use (measured with ``bench/workload.py``, 2-core CPU: VGG16 features 7.1 to 8.7 images/s,
cats-vs-dogs 87 to 98, MNIST CNN epoch 6.4 to 6.0 s).  glibc reads it only when a process starts,
so strata cannot set it for you.  (Keeping freed memory in glibc's main arena instead, settable
from inside the process, removed the faults but held 2.8x the resident memory.)

Every probe is a small function, so tests can pretend a GPU is present.
"""

from __future__ import annotations

import os
import platform
from collections.abc import Callable
from typing import Any

Print = Callable[[str], None]
GPU_INSTALL = 'pip install -U "jax[cuda12]"'
_ENVIRONMENT = ("XLA_FLAGS", "JAX_PLATFORMS", "CUDA_VISIBLE_DEVICES", "XLA_PYTHON_CLIENT_PREALLOCATE",
                "XLA_PYTHON_CLIENT_MEM_FRACTION", "JAX_ENABLE_X64", "GLIBC_TUNABLES")
HUGE_PAGES = "GLIBC_TUNABLES=glibc.malloc.hugetlb=1"
_THP_SETTING = "/sys/kernel/mm/transparent_hugepage/enabled"


def _jax_devices() -> list[Any]:
    import jax

    return list(jax.devices())


def _nvidia_gpu_visible() -> bool:
    """Whether the operating system shows an NVIDIA GPU (whatever JAX uses)."""
    try:
        from jax._src import hardware_utils

        return bool(hardware_utils.has_visible_nvidia_gpu())
    except Exception:  # a private JAX module: fall back to the driver's files
        return os.path.exists("/proc/driver/nvidia/version") or os.path.exists("/dev/nvidia0")


def _cuda_versions() -> dict[str, str]:
    """CUDA runtime/driver and cuDNN versions from a CUDA build of jaxlib (empty without one)."""
    try:
        from jax._src.lib import cuda_versions
    except Exception:
        return {}
    if cuda_versions is None:
        return {}
    found = {}
    for label, name in (("CUDA runtime", "cuda_runtime_get_version"), ("CUDA driver", "cuda_driver_get_version"),
                        ("cuDNN", "cudnn_get_version")):
        probe = getattr(cuda_versions, name, None)
        try:
            found[label] = _version_text(probe(), label.split()[0]) if probe is not None else "unknown"
        except Exception as error:  # the library is there but cannot be loaded
            found[label] = f"unavailable ({error})"
    return found


def _version_text(number: int, library: str = "CUDA") -> str:
    """CUDA encodes 12.4 as 12040; cuDNN 9.1.0 as 90100 (8.9.2 as 8902, before version 9)."""
    number = int(number)
    if library == "CUDA":
        return f"{number // 1000}.{number % 1000 // 10}"
    if number >= 90000:
        return f"{number // 10000}.{number // 100 % 100}.{number % 100}"
    return f"{number // 1000}.{number // 100 % 10}.{number % 100}"


def _glibc() -> bool:
    try:
        return os.confstr("CS_GNU_LIBC_VERSION").startswith("glibc")
    except (ValueError, OSError, AttributeError):  # macOS, musl, Windows
        return False


def _huge_pages_mode() -> str | None:
    """The kernel's transparent-huge-page mode (``always``, ``madvise``, ``never``), or ``None``."""
    try:
        with open(_THP_SETTING) as f:
            text = f.read()
    except OSError:
        return None
    start, end = text.find("["), text.find("]")
    return text[start + 1:end] if 0 <= start < end else None


def _memory_tip(platforms: list[str], environ: Any) -> str | None:
    """Advice to export :data:`HUGE_PAGES`, where it would help (see the module docstring)."""
    if platforms != ["cpu"] or not _glibc() or _huge_pages_mode() != "madvise":
        return None
    if "glibc.malloc.hugetlb" in environ.get("GLIBC_TUNABLES", ""):
        return None
    return (f"tip: large models (convolutions, VGG16) step faster here with huge pages for XLA's "
            f"buffers: export {HUGE_PAGES} before starting Python (VGG16 features +23% on a 2-core CPU)")


def _backend_errors() -> dict[str, str]:
    try:
        from jax._src import xla_bridge

        return {k: str(v) for k, v in getattr(xla_bridge, "_backend_errors", {}).items()}
    except Exception:
        return {}


def report(devices: list[Any] | None = None, gpu_visible: bool | None = None,
           cuda: dict[str, str] | None = None, environ: dict[str, str] | None = None) -> list[str]:
    """The lines ``strata doctor`` prints (each argument overrides one probe, for tests)."""
    import jax
    import jaxlib

    import strata

    devices = _jax_devices() if devices is None else devices
    gpu_visible = _nvidia_gpu_visible() if gpu_visible is None else gpu_visible
    cuda = _cuda_versions() if cuda is None else cuda
    environ = os.environ if environ is None else environ
    platforms = sorted({d.platform for d in devices})
    lines = [
        f"strata: {strata.__version__}",
        f"python: {platform.python_version()} ({platform.system()} {platform.machine()})",
        f"jax: {jax.__version__}",
        f"jaxlib: {jaxlib.__version__}",
        f"backend: {', '.join(platforms) or 'none'}",
        f"devices: {len(devices)}",
    ]
    lines += [f"  {d.id}: {d.platform} {getattr(d, 'device_kind', '')}".rstrip() for d in devices]
    if cuda:
        lines += [f"{label}: {value}" for label, value in cuda.items()]
    else:
        lines.append("CUDA: not installed (jaxlib has no CUDA plugin)")
    for name in _ENVIRONMENT:
        lines.append(f"{name}: {environ[name]}" if name in environ else f"{name}: (not set)")
    lines.append(f"NVIDIA GPU visible: {'yes' if gpu_visible else 'no'}")
    tip = _memory_tip(platforms, environ)
    if tip:
        lines.append(tip)
    lines.append(_verdict(platforms, gpu_visible))
    return lines


def _verdict(platforms: list[str], gpu_visible: bool) -> str:
    if "gpu" in platforms or "cuda" in platforms:
        return ("verdict: OK, training runs on the GPU. For bit-reproducible runs set "
                "XLA_FLAGS=--xla_gpu_deterministic_ops=true (slower).")
    if gpu_visible:
        error = _backend_errors().get("cuda")
        reason = f" (the CUDA backend failed: {error})" if error else ""
        return ("verdict: an NVIDIA GPU is present but unused: JAX runs on the CPU" + reason +
                f". Install the CUDA build of JAX: {GPU_INSTALL}, then run `strata doctor` again.")
    return "verdict: OK, training runs on the CPU (no GPU found)."


def doctor(out: Print = print) -> int:
    """Print the report through ``out``; return 0 when the device JAX uses is the best one here."""
    lines = report()
    for line in lines:
        out(line)
    return 1 if "present but unused" in lines[-1] else 0
