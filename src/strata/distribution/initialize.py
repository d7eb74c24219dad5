"""``initialize``: join a multi-process (multi-host) run through JAX's distributed runtime.

Every process calls it with the same coordinator address and process count and its own id; after
it, :func:`list_devices` lists every process's devices and a distribution spans them all.  The
first address of ``job_addresses`` is the coordinator (process 0 serves it).  Arguments left out come
from ``KERAS_DISTRIBUTION_JOB_ADDRESSES``, ``KERAS_DISTRIBUTION_NUM_PROCESSES`` and
``KERAS_DISTRIBUTION_PROCESS_ID``; all ``None`` lets JAX discover them (Cloud TPU, SLURM).

On the CPU the processes exchange gradients through gloo collectives, switched on here.  Random
streams need no agreement step: strata's default root seed is fixed, so every process draws the
same initial weights and shuffles (``set_random_seed`` in every process keeps it so).
"""

from __future__ import annotations

import os
from typing import Any

import jax


def initialize(job_addresses: str | None = None, num_processes: int | None = None,
               process_id: int | None = None, **kwargs: Any) -> None:
    """Start JAX's multi-process runtime (``jax.distributed.initialize``).

    Args:
        job_addresses: ``"host:port"`` of the coordinator, or every process's address separated
            by commas (the first is the coordinator).
        num_processes: how many processes take part.
        process_id: this process's index, ``0 .. num_processes - 1``.
        **kwargs: passed to ``jax.distributed.initialize`` (e.g. ``initialization_timeout``,
            ``heartbeat_timeout_seconds`` to fail fast when a process dies).

    Example (two processes on one machine, each runs)::

        strata.distribution.initialize("127.0.0.1:1234", num_processes=2, process_id=i)
    """
    if job_addresses is None:
        job_addresses = os.environ.get("KERAS_DISTRIBUTION_JOB_ADDRESSES") or None
    if num_processes is None and os.environ.get("KERAS_DISTRIBUTION_NUM_PROCESSES"):
        num_processes = int(os.environ["KERAS_DISTRIBUTION_NUM_PROCESSES"])
    if process_id is None and os.environ.get("KERAS_DISTRIBUTION_PROCESS_ID"):
        process_id = int(os.environ["KERAS_DISTRIBUTION_PROCESS_ID"])
    coordinator = job_addresses
    if job_addresses and "," in job_addresses:
        addresses = [a.strip() for a in job_addresses.split(",")]
        if num_processes is not None and num_processes != len(addresses):
            raise ValueError(
                f"The provided job_addresses {addresses} has {len(addresses)} jobs, but num_processes is "
                f"{num_processes}. Give one address per process, or leave `num_processes` out."
            )
        coordinator = addresses[0]
    if num_processes is not None and process_id is not None and not 0 <= process_id < num_processes:
        raise ValueError(
            f"`process_id` must be in [0, num_processes). Received: process_id={process_id}, "
            f"num_processes={num_processes}"
        )
    # Only the CPU client reads this option; it must be set before any backend starts.
    jax.config.update("jax_cpu_collectives_implementation", "gloo")
    jax.distributed.initialize(coordinator_address=coordinator, num_processes=num_processes,
                               process_id=process_id, **kwargs)
