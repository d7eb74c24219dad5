"""``strata doctor``: versions, devices, the XLA environment, and the GPU-present-but-unused advice."""

from __future__ import annotations

import platform
import subprocess
import sys
from types import SimpleNamespace

import jax
import jaxlib
import pytest

import strata
from strata.cli import doctor
from strata.cli.main import main


@pytest.fixture
def clean_environment(monkeypatch):
    for name in doctor._ENVIRONMENT:
        monkeypatch.delenv(name, raising=False)


def test_cpu_report_lines(capsys, clean_environment, monkeypatch):
    monkeypatch.setattr(doctor, "_nvidia_gpu_visible", lambda: False)
    monkeypatch.setattr(doctor, "_huge_pages_mode", lambda: "always")
    assert main(["doctor"]) == 0
    assert capsys.readouterr().out.splitlines() == [
        f"strata: {strata.__version__}",
        f"python: {platform.python_version()} ({platform.system()} {platform.machine()})",
        f"jax: {jax.__version__}",
        f"jaxlib: {jaxlib.__version__}",
        "backend: cpu",
        "devices: 1",
        "  0: cpu cpu",
        "CUDA: not installed (jaxlib has no CUDA plugin)",
        "XLA_FLAGS: (not set)",
        "JAX_PLATFORMS: (not set)",
        "CUDA_VISIBLE_DEVICES: (not set)",
        "XLA_PYTHON_CLIENT_PREALLOCATE: (not set)",
        "XLA_PYTHON_CLIENT_MEM_FRACTION: (not set)",
        "JAX_ENABLE_X64: (not set)",
        "GLIBC_TUNABLES: (not set)",
        "NVIDIA GPU visible: no",
        "verdict: OK, training runs on the CPU (no GPU found).",
    ]


def test_huge_pages_tip_only_where_the_kernel_waits_to_be_asked(clean_environment, monkeypatch):
    monkeypatch.setattr(doctor, "_glibc", lambda: True)
    cpu = [SimpleNamespace(id=0, platform="cpu", device_kind="cpu")]
    tip = ("tip: large models (convolutions, VGG16) step faster here with huge pages for XLA's buffers: "
           "export GLIBC_TUNABLES=glibc.malloc.hugetlb=1 before starting Python (VGG16 features +23% on a "
           "2-core CPU)")
    monkeypatch.setattr(doctor, "_huge_pages_mode", lambda: "madvise")
    lines = doctor.report(devices=cpu, gpu_visible=False, cuda={}, environ={})
    assert lines[-2:] == [tip, "verdict: OK, training runs on the CPU (no GPU found)."]
    # already set, or nothing to gain (the kernel always or never gives huge pages), or a GPU
    environ = {"GLIBC_TUNABLES": "glibc.malloc.hugetlb=1"}
    assert tip not in doctor.report(devices=cpu, gpu_visible=False, cuda={}, environ=environ)
    assert "GLIBC_TUNABLES: glibc.malloc.hugetlb=1" in doctor.report(devices=cpu, gpu_visible=False, cuda={},
                                                                      environ=environ)
    gpu = [SimpleNamespace(id=0, platform="gpu", device_kind="NVIDIA H100")]
    assert tip not in doctor.report(devices=gpu, gpu_visible=True, cuda={}, environ={})
    for mode in ("always", "never", None):
        monkeypatch.setattr(doctor, "_huge_pages_mode", lambda mode=mode: mode)
        assert tip not in doctor.report(devices=cpu, gpu_visible=False, cuda={}, environ={})
    monkeypatch.setattr(doctor, "_huge_pages_mode", lambda: "madvise")
    monkeypatch.setattr(doctor, "_glibc", lambda: False)
    assert tip not in doctor.report(devices=cpu, gpu_visible=False, cuda={}, environ={})


def test_huge_pages_mode_is_read_from_the_kernel_setting(tmp_path, monkeypatch):
    setting = tmp_path / "enabled"
    setting.write_text("always [madvise] never\n")
    monkeypatch.setattr(doctor, "_THP_SETTING", str(setting))
    assert doctor._huge_pages_mode() == "madvise"
    monkeypatch.setattr(doctor, "_THP_SETTING", str(tmp_path / "missing"))
    assert doctor._huge_pages_mode() is None


def test_gpu_present_but_unused_says_what_to_install(capsys, clean_environment, monkeypatch):
    monkeypatch.setattr(doctor, "_nvidia_gpu_visible", lambda: True)
    monkeypatch.setattr(doctor, "_backend_errors", lambda: {})
    assert main(["doctor"]) == 1
    lines = capsys.readouterr().out.splitlines()
    assert "NVIDIA GPU visible: yes" in lines
    assert lines[-1] == ('verdict: an NVIDIA GPU is present but unused: JAX runs on the CPU. Install the CUDA '
                         'build of JAX: pip install -U "jax[cuda12]", then run `strata doctor` again.')
    monkeypatch.setattr(doctor, "_backend_errors", lambda: {"cuda": "no CUDA driver"})
    assert "(the CUDA backend failed: no CUDA driver)" in doctor.report()[-1]


def test_gpu_in_use_lists_cuda_and_devices(clean_environment, monkeypatch):
    monkeypatch.setenv("XLA_FLAGS", "--xla_gpu_deterministic_ops=true")
    gpus = [SimpleNamespace(id=0, platform="gpu", device_kind="NVIDIA H100 80GB HBM3"),
            SimpleNamespace(id=1, platform="gpu", device_kind="NVIDIA H100 80GB HBM3")]
    lines = doctor.report(devices=gpus, gpu_visible=True,
                          cuda={"CUDA runtime": doctor._version_text(12040), "cuDNN": doctor._version_text(90100, "cuDNN")})
    assert lines[4:10] == ["backend: gpu", "devices: 2", "  0: gpu NVIDIA H100 80GB HBM3",
                           "  1: gpu NVIDIA H100 80GB HBM3", "CUDA runtime: 12.4", "cuDNN: 9.1.0"]
    assert "XLA_FLAGS: --xla_gpu_deterministic_ops=true" in lines
    assert lines[-1].startswith("verdict: OK, training runs on the GPU.")


def test_version_numbers():
    assert doctor._version_text(12040) == "12.4"
    assert doctor._version_text(13010, "CUDA") == "13.1"
    assert doctor._version_text(90100, "cuDNN") == "9.1.0"
    assert doctor._version_text(8902, "cuDNN") == "8.9.2"


def test_python_dash_m_strata_doctor():
    done = subprocess.run([sys.executable, "-m", "strata", "doctor"], capture_output=True, text=True, timeout=120)
    assert done.returncode in (0, 1), done.stderr
    assert done.stdout.splitlines()[0] == f"strata: {strata.__version__}"
    assert done.stdout.splitlines()[-1].startswith("verdict: ")
