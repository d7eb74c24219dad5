"""Two processes on 127.0.0.1, each with 2 virtual CPU devices, train one model data-parallel through
JAX's distributed runtime and gloo CPU collectives (issue 16 §2)."""

from __future__ import annotations

import json
import pathlib
import subprocess
import sys
import time

import numpy as np
from dist_harness import device_env, free_port

WORKER = str(pathlib.Path(__file__).with_name("mp_worker.py"))


def _start(port, process_id, processes, out, devices, *extra):
    return subprocess.Popen([sys.executable, WORKER, str(port), str(process_id), str(processes), str(out), *extra],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=device_env(devices))


def _finish(process, timeout):
    try:
        _, err = process.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        process.kill()
        _, err = process.communicate()
        raise AssertionError(f"process hung past {timeout} s: {err[-2000:]}")
    return process.returncode, err


def test_two_processes_agree_with_each_other_and_with_one_process(tmp_path):
    port = free_port()
    workers = [_start(port, i, 2, tmp_path / f"p{i}.json", 2) for i in range(2)]
    single = _start(0, 0, 1, tmp_path / "single.json", 1)
    for process in workers + [single]:
        code, err = _finish(process, 240)
        assert code == 0, err[-3000:]
    first, second, alone = (json.loads((tmp_path / name).read_text()) for name in ("p0.json", "p1.json", "single.json"))
    assert first["devices"] == second["devices"] and len(first["devices"]) == 4 and first["local"] == 2
    assert alone["devices"] == ["cpu:0"]
    for a, b in zip(first["weights"], second["weights"]):
        np.testing.assert_array_equal(a, b)  # both processes hold the same replicated weights
    for a, b in zip(first["weights"], alone["weights"]):
        np.testing.assert_allclose(a, b, rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(first["loss"], alone["loss"], rtol=1e-5)
    np.testing.assert_allclose(first["predict"], alone["predict"], rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(second["evaluate"], alone["evaluate"], rtol=1e-5)


def test_a_dead_process_makes_the_other_fail_fast_not_hang(tmp_path):
    port = free_port()
    started = time.monotonic()
    workers = [_start(port, i, 2, tmp_path / f"p{i}.json", 2, "die") for i in range(2)]
    code, err = _finish(workers[0], 120)
    elapsed = time.monotonic() - started
    assert _finish(workers[1], 30)[0] == 3
    assert code != 0 and elapsed < 90
    assert "stopped sending heartbeats" in err or "another task died" in err
    assert not (tmp_path / "p0.json").exists()


def test_backup_and_restore_resumes_after_a_process_died(tmp_path):
    backup = f"backup={tmp_path / 'backup'}"
    port = free_port()
    crashed = [_start(port, i, 2, tmp_path / f"crashed{i}.json", 2, backup, "crash=1") for i in range(2)]
    assert _finish(crashed[1], 120)[0] == 4
    code, err = _finish(crashed[0], 120)
    assert code != 0 and not (tmp_path / "crashed0.json").exists()
    port = free_port()
    resumed = [_start(port, i, 2, tmp_path / f"resumed{i}.json", 2, backup) for i in range(2)]
    single = _start(0, 0, 1, tmp_path / "single.json", 1, f"backup={tmp_path / 'single_backup'}")
    for process in resumed + [single]:
        code, err = _finish(process, 240)
        assert code == 0, err[-3000:]
    first, second, alone = (json.loads((tmp_path / f"{name}.json").read_text())
                            for name in ("resumed0", "resumed1", "single"))
    assert first["ran"] == second["ran"] == [2, 3] and alone["ran"] == [0, 1, 2, 3]  # resumed after epoch 1
    assert len(first["loss"]) == len(alone["loss"]) == 4  # epochs 0-1 from the backup's history
    np.testing.assert_allclose(first["loss"], alone["loss"], rtol=1e-5)
    for a, b, c in zip(first["weights"], second["weights"], alone["weights"]):
        np.testing.assert_array_equal(a, b)
        np.testing.assert_allclose(a, c, rtol=1e-5, atol=1e-6)
