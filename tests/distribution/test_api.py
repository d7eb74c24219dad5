"""The distribution API objects (meshes, layouts, layout maps, distributions, the global setting).

These run in this process on its one CPU device; the multi-device behaviour is in the other files.
"""

from __future__ import annotations

import jax
import jax.numpy as jnp
import numpy as np
import pytest

import strata
from strata import distribution as D
from strata.distribution import placement


@pytest.fixture(autouse=True)
def _no_distribution():
    D.set_distribution(None)
    yield
    D.set_distribution(None)


def _mesh(names=("batch",)):
    return D.DeviceMesh((1,) * len(names), list(names), devices=["cpu:0"])


def test_list_devices_and_count():
    assert D.list_devices() == [f"cpu:{d.id}" for d in jax.devices()]
    assert D.list_devices("CPU")[0] == "cpu:0"
    assert D.get_device_count() == len(jax.devices()) == D.get_device_count("cpu")


def test_device_mesh_shape_names_and_backend_mesh():
    mesh = _mesh(("batch", "model"))
    assert repr(mesh) == "<DeviceMesh shape=(1, 1), axis_names=['batch', 'model']>"
    assert mesh.devices.shape == (1, 1)
    assert isinstance(mesh.backend_mesh, jax.sharding.Mesh)
    assert mesh.backend_mesh.axis_names == ("batch", "model")
    assert mesh.axis_size("model") == 1
    assert D.DeviceMesh((1,), ["batch"], devices=[jax.devices()[0]]).backend_mesh.devices[0] == jax.devices()[0]


@pytest.mark.parametrize("args, match", [
    (((3,), ["batch"]), r"Shape does not match the number of devices. Received: shape=\(3,\); devices.shape=\(1,\)"),
    (((), ["batch"]), "Shape and axis_names cannot be empty"),
    (((1,), ["a", "b"]), "Shape and axis_names should have same size"),
])
def test_device_mesh_errors(args, match):
    with pytest.raises(ValueError, match=match):
        D.DeviceMesh(*args, devices=["cpu:0"])


def test_unknown_device_name_is_an_error():
    with pytest.raises(ValueError, match=r"Unknown device 'cpu:99'"):
        D.DeviceMesh((1,), ["batch"], devices=["cpu:99"]).backend_mesh


def test_tensor_layout_backend_layout_and_errors():
    mesh = _mesh(("batch", "model"))
    layout = D.TensorLayout((None, "model"), mesh)
    assert layout.backend_layout.spec == jax.sharding.PartitionSpec(None, "model")
    with pytest.raises(ValueError, match="Invalid axis names for Layout"):
        D.TensorLayout(("nope",), mesh)
    with pytest.raises(ValueError, match="has no device mesh yet"):
        D.TensorLayout((None,)).backend_layout
    with pytest.raises(ValueError, match="Cannot override device mesh value"):
        layout.device_mesh = mesh


def test_layout_map_exact_regex_none_and_errors():
    mesh = _mesh(("batch", "model"))
    layouts = D.LayoutMap(mesh)
    layouts[".*dense.*/kernel"] = (None, "model")
    layouts["d1/bias"] = D.TensorLayout(("model",))
    assert layouts["my_dense_3/kernel"].axes == (None, "model")
    assert layouts["my_dense_3/kernel"].device_mesh is mesh  # a tuple becomes a layout on the map's mesh
    assert layouts["d1/bias"].device_mesh is mesh
    assert layouts["dense/kernel/extra"] is None  # fullmatch, not search
    assert layouts.get("other") is None
    assert len(layouts) == 2 and list(layouts) == [".*dense.*/kernel", "d1/bias"]
    with pytest.raises(ValueError, match="already exist in the LayoutMap"):
        layouts["d1/bias"] = ("model",)
    with pytest.raises(ValueError, match="should be a TensorLayout type"):
        layouts["x"] = "model"
    layouts["dense_1/.*"] = (None,)
    with pytest.raises(ValueError, match=r"Path 'dense_1/kernel' matches multiple layout specification keys"):
        layouts["dense_1/kernel"]
    del layouts["dense_1/.*"]
    assert layouts["dense_1/kernel"].axes == (None, "model")


def test_data_parallel_defaults_and_layouts():
    dist = D.DataParallel()
    assert dist.batch_dim_name == "batch"
    assert dist.device_mesh.axis_names == ["batch"]
    assert dist.num_model_replicas == len(jax.devices())
    kernel = strata.Variable(np.zeros((2, 3), np.float32))
    assert dist.get_variable_layout(kernel).axes == (None, None)
    kernel._layout = D.TensorLayout(("batch", None), dist.device_mesh)
    assert dist.get_variable_layout(kernel) is kernel._layout  # a variable's own layout wins
    assert dist.get_data_layout((8, 5)).axes == ("batch", None)
    assert dist.get_tensor_layout("d/x") is None
    assert D.DataParallel(device_mesh=_mesh(("data",))).batch_dim_name == "data"
    with pytest.raises(ValueError, match="Expect `mesh` to be an instance of `DeviceMesh`"):
        D.DataParallel(device_mesh="mesh")


def test_model_parallel_layouts_and_errors():
    mesh = _mesh(("batch", "model"))
    layouts = D.LayoutMap(mesh)
    layouts[".*d1/kernel"] = (None, "model")
    dist = D.ModelParallel(layout_map=layouts)
    assert dist.batch_dim_name == "batch" and dist.num_model_replicas == 1
    assert D.ModelParallel(layout_map=layouts, batch_dim_name="model").batch_dim_name == "model"
    model = strata.Sequential([strata.Input((3,)), strata.layers.Dense(2, name="d1")])
    assert dist.get_variable_layout(model.layers[0].kernel).axes == (None, "model")
    assert dist.get_variable_layout(model.layers[0].bias).axes == (None,)  # not in the map: replicated
    assert dist.get_tensor_layout("x/d1/kernel").axes == (None, "model")
    with pytest.raises(ValueError, match="You must specify a layout_map argument."):
        D.ModelParallel()
    with pytest.raises(ValueError, match="must be a `LayoutMap` instance"):
        D.ModelParallel(layout_map={})
    with pytest.raises(ValueError, match=r"must be an axis of the layout map's mesh .* batch_dim_name='data'"):
        D.ModelParallel(layout_map=layouts, batch_dim_name="data")


def test_set_distribution_and_scope():
    assert D.distribution() is None
    first, second = D.DataParallel(), D.DataParallel()
    D.set_distribution(first)
    assert D.distribution() is first
    with second.scope():
        assert D.distribution() is second
    assert D.distribution() is first
    D.set_distribution(None)
    with first.scope():
        assert strata.distribution.distribution() is first
    assert D.distribution() is None
    with pytest.raises(ValueError, match="Received: value='dp'"):
        D.set_distribution("dp")


def test_distribute_tensor_eagerly_and_in_a_program():
    mesh = _mesh()
    layout = D.TensorLayout(("batch", None), mesh)
    placed = D.distribute_tensor(np.ones((2, 3), np.float32), layout)
    assert placed.sharding.spec == jax.sharding.PartitionSpec("batch", None)
    out = jax.jit(lambda t: D.distribute_tensor(t * 2, layout))(jnp.ones((2, 3)))
    np.testing.assert_array_equal(out, 2 * np.ones((2, 3)))


def test_initialize_checks_its_arguments(monkeypatch):
    with pytest.raises(ValueError, match=r"has 2 jobs, but num_processes is 3"):
        D.initialize("10.0.0.1:1234,10.0.0.2:1234", num_processes=3, process_id=0)
    with pytest.raises(ValueError, match=r"Received: process_id=2, num_processes=2"):
        D.initialize("10.0.0.1:1234", num_processes=2, process_id=2)
    monkeypatch.setenv("KERAS_DISTRIBUTION_JOB_ADDRESSES", "a:1,b:1,c:1")
    monkeypatch.setenv("KERAS_DISTRIBUTION_NUM_PROCESSES", "2")
    monkeypatch.setenv("KERAS_DISTRIBUTION_PROCESS_ID", "0")
    with pytest.raises(ValueError, match=r"has 3 jobs, but num_processes is 2"):
        D.initialize()


def test_batch_size_check_names_both_numbers_and_the_fix():
    class FourWay:  # the check reads only the batch axis: no need for four devices here
        num_model_replicas, batch_dim_name = 4, "batch"

    placement.check_batch_size(FourWay(), 8)
    with pytest.raises(ValueError, match=r"batch_size=6 does not split over the 4 devices .*'batch' axis. "
                                         r"Use a multiple of 4, e.g. batch_size=8."):
        placement.check_batch_size(FourWay(), 6)


def test_one_device_data_parallel_fit_equals_plain_fit():
    x = np.random.RandomState(0).randn(20, 3).astype("float32")
    y = x @ np.ones((3, 1), np.float32)

    def train():
        strata.utils.set_random_seed(4)
        model = strata.Sequential([strata.Input((3,)), strata.layers.Dense(2), strata.layers.Dense(1)])
        model.compile(optimizer="adam", loss="mse")
        history = model.fit(x, y, batch_size=8, epochs=2, verbose=0)
        return history.history["loss"], model.predict(x, verbose=0), model

    plain_loss, plain_pred, _ = train()
    with D.DataParallel().scope():
        loss, pred, model = train()
        assert isinstance(model.layers[0].kernel.value.sharding, jax.sharding.NamedSharding)
    np.testing.assert_allclose(loss, plain_loss, rtol=1e-6)
    np.testing.assert_allclose(pred, plain_pred, rtol=1e-6, atol=1e-7)


@pytest.mark.keras
def test_api_matches_keras(keras):
    pairs = []
    for lib in (D, keras.distribution):
        mesh = lib.DeviceMesh((1, 1), ["batch", "model"], devices=["cpu:0"])
        layouts = lib.LayoutMap(mesh)
        layouts[".*dense.*/kernel"] = (None, "model")
        layouts[".*bias"] = ("model",)
        dist = lib.ModelParallel(layout_map=layouts)
        data = lib.DataParallel(devices=["cpu:0"])
        lookups = [getattr(layouts[p], "axes", None) for p in ("seq/dense_1/kernel", "d/bias", "d/gamma")]
        pairs.append((repr(mesh), lookups, dist.batch_dim_name, dist.num_model_replicas, data.batch_dim_name,
                      data.num_model_replicas, data.get_data_layout((8, 3)).axes, lib.list_devices("cpu")[:1]))
        with pytest.raises(ValueError, match="Shape does not match the number of devices"):
            lib.DeviceMesh((3,), ["batch"], devices=["cpu:0"])
    assert pairs[0] == pairs[1]
    assert keras.distribution.distribution() is None and D.distribution() is None


def test_import_strata_does_not_load_distribution():
    import subprocess
    import sys

    code = "import sys, strata; print('strata.distribution' in sys.modules, strata.distribution.DataParallel.__name__)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120, check=True)
    assert out.stdout.split() == ["False", "DataParallel"]
