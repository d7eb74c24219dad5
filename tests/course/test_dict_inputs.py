"""Dict inputs and targets are matched by input/output *name*, never by key order (course issue 13 §4).

The programs are written once, as a Keras user writes them, and run on real Keras and on strata
(``import strata as keras``).  The model is DLwP's customer-support-ticket model: three named inputs,
two outputs named by their last layers.
"""

import numpy as np
import pytest

import strata

VOCAB, TAGS, DEPARTMENTS, N = 20, 5, 4, 24


def _ticket_model(keras, input_order=("title", "text_body", "tags"), output_order=("priority", "department")):
    title = keras.Input(shape=(VOCAB,), name="title")
    text_body = keras.Input(shape=(VOCAB,), name="text_body")
    tags = keras.Input(shape=(TAGS,), name="tags")
    features = keras.layers.Concatenate()([title, text_body, tags])
    features = keras.layers.Dense(8, activation="relu")(features)
    priority = keras.layers.Dense(1, activation="sigmoid", name="priority")(features)
    department = keras.layers.Dense(DEPARTMENTS, activation="softmax", name="department")(features)
    inputs = {"title": title, "text_body": text_body, "tags": tags}
    outputs = {"priority": priority, "department": department}
    return keras.Model(inputs=[inputs[k] for k in input_order], outputs=[outputs[k] for k in output_order])


def _data():
    rs = np.random.RandomState(0)
    title = rs.randint(0, 2, (N, VOCAB)).astype("float32")
    text_body = rs.randint(0, 2, (N, VOCAB)).astype("float32")
    tags = rs.randint(0, 2, (N, TAGS)).astype("float32")
    priority = rs.rand(N, 1).astype("float32")
    department = np.eye(DEPARTMENTS, dtype="float32")[rs.randint(0, DEPARTMENTS, N)]
    return title, text_body, tags, priority, department


def _compile(model):
    model.compile(optimizer="rmsprop",
                  loss={"priority": "mean_squared_error", "department": "categorical_crossentropy"},
                  metrics={"priority": ["mean_absolute_error"], "department": ["accuracy"]})


@pytest.mark.keras
@pytest.mark.parametrize("input_order,output_order", [
    (("title", "text_body", "tags"), ("priority", "department")),
    (("tags", "title", "text_body"), ("department", "priority")),
])
def test_ticket_model_history_matches_keras_whatever_the_order(keras, input_order, output_order):
    title, text_body, tags, priority, department = _data()
    km = _ticket_model(keras, input_order, output_order)
    sm = _ticket_model(strata, input_order, output_order)
    sm.set_weights(km.get_weights())
    _compile(km)
    _compile(sm)
    x = {"title": title, "text_body": text_body, "tags": tags}
    y = {"priority": priority, "department": department}
    hk = km.fit(x, y, epochs=2, batch_size=8, shuffle=False, verbose=0)
    hs = sm.fit(x, y, epochs=2, batch_size=8, shuffle=False, verbose=0)
    assert sorted(hs.history) == sorted(hk.history)
    for key in hk.history:
        np.testing.assert_allclose(hs.history[key], hk.history[key], rtol=1e-4, atol=1e-6, err_msg=key)
    # evaluate and predict with dict keys in yet another order
    x_shuffled = {"tags": tags, "text_body": text_body, "title": title}
    y_shuffled = {"department": department, "priority": priority}
    np.testing.assert_allclose(sm.evaluate(x_shuffled, y_shuffled, verbose=0),
                               km.evaluate(x_shuffled, y_shuffled, verbose=0), rtol=1e-4, atol=1e-6)
    for a, b in zip(km.predict(x_shuffled, verbose=0), sm.predict(x_shuffled, verbose=0)):
        np.testing.assert_allclose(b, a, rtol=1e-5, atol=1e-6)


def test_dict_keys_go_to_the_inputs_and_outputs_of_that_name():
    # Swapping two same-shaped arrays between `title` and `text_body` must change the prediction,
    # and the dict result must equal the positional call in the model's own input order.
    title, text_body, tags, _, _ = _data()
    model = _ticket_model(strata, ("tags", "text_body", "title"))
    by_name = model.predict({"title": title, "text_body": text_body, "tags": tags}, verbose=0)
    positional = model.predict([tags, text_body, title], verbose=0)
    swapped = model.predict({"title": text_body, "text_body": title, "tags": tags}, verbose=0)
    for a, b in zip(by_name, positional):
        np.testing.assert_array_equal(a, b)
    assert not np.allclose(by_name[1], swapped[1])
    np.testing.assert_allclose(np.asarray(model({"tags": tags, "title": title, "text_body": text_body})[0]),
                               by_name[0], rtol=1e-6)


def test_dict_targets_follow_output_names_not_key_order():
    # outputs listed as (priority, department); a dict target is matched by name, so the
    # per-output losses equal those of the positional target list in output order.
    title, text_body, tags, priority, department = _data()
    model = _ticket_model(strata, output_order=("priority", "department"))
    _compile(model)
    x = [title, text_body, tags]
    from_dict = model.evaluate(x, {"department": department, "priority": priority}, verbose=0, return_dict=True)
    from_list = model.evaluate(x, [priority, department], verbose=0, return_dict=True)
    assert from_dict == pytest.approx(from_list)


@pytest.mark.parametrize("x_keys,message", [
    (("title", "text_body"), r"`x` is a dict, so its keys must be the model's input names \['title', 'text_body', "
                             r"'tags'\], but it has no entry for \['tags'\]\. Received keys: \['title', 'text_body'\]"),
    (("title", "text_body", "tags", "body"),
     r"input names .* but it has unknown key\(s\) \['body'\].*Input\(shape=\.\.\., name=\.\.\.\)"),
])
def test_missing_or_unknown_input_key_names_the_expected_inputs(x_keys, message):
    title, text_body, tags, _, _ = _data()
    arrays = {"title": title, "text_body": text_body, "tags": tags, "body": text_body}
    model = _ticket_model(strata)
    with pytest.raises(ValueError, match=message):
        model.predict({k: arrays[k] for k in x_keys}, verbose=0)


def test_missing_or_unknown_target_key_names_the_output_names():
    title, text_body, tags, priority, department = _data()
    model = _ticket_model(strata)
    _compile(model)
    x = {"title": title, "text_body": text_body, "tags": tags}
    with pytest.raises(ValueError, match=r"`y` is a dict, so its keys must be the model's output names "
                                         r"\['priority', 'department'\], but it has no entry for \['department'\] "
                                         r"and unknown key\(s\) \['dept'\].*Dense\(1, name='priority'\)"):
        model.fit(x, {"priority": priority, "dept": department}, verbose=0)
    with pytest.raises(ValueError, match=r"`validation_data y` is a dict.*no entry for \['priority'\]"):
        model.fit(x, {"priority": priority, "department": department}, verbose=0,
                  validation_data=(x, {"department": department}))


@pytest.mark.keras
def test_dict_structured_model_inputs_match_keras(keras):
    def build(keras):
        a = keras.Input(shape=(3,), name="x_a")
        b = keras.Input(shape=(2,), name="x_b")
        out = keras.layers.Dense(1)(keras.layers.Concatenate()([a, b]))
        return keras.Model(inputs={"b": b, "a": a}, outputs=out)

    km, sm = build(keras), build(strata)
    assert [t.name for t in sm.inputs] == [t.name for t in km.inputs] == ["x_a", "x_b"]
    sm.set_weights(km.get_weights())
    rs = np.random.RandomState(1)
    x = {"a": rs.rand(10, 3).astype("float32"), "b": rs.rand(10, 2).astype("float32")}
    y = rs.rand(10, 1).astype("float32")
    np.testing.assert_allclose(sm.predict(x, verbose=0), km.predict(x, verbose=0), rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(np.asarray(sm({"b": x["b"], "a": x["a"]})), km.predict(x, verbose=0), rtol=1e-5,
                               atol=1e-6)
    km.compile("sgd", "mse")
    sm.compile("sgd", "mse")
    hk = km.fit(x, y, epochs=2, batch_size=4, shuffle=False, verbose=0)
    hs = sm.fit(x, y, epochs=2, batch_size=4, shuffle=False, verbose=0)
    np.testing.assert_allclose(hs.history["loss"], hk.history["loss"], rtol=1e-5)
    with pytest.raises(ValueError, match=r"input names \['a', 'b'\], but it has no entry for \['b'\].*Model\(inputs="):
        sm.predict({"a": x["a"]}, verbose=0)


@pytest.mark.keras
def test_dict_structured_model_outputs_take_dict_targets_by_key(keras):
    def build(keras):
        inputs = keras.Input((3,), name="features")
        zeta = keras.layers.Dense(1, name="dense_a")(inputs)
        alpha = keras.layers.Dense(2, name="dense_b")(inputs)
        return keras.Model(inputs, {"zeta": zeta, "alpha": alpha})

    km, sm = build(keras), build(strata)
    sm.set_weights(km.get_weights())
    rs = np.random.RandomState(2)
    x = rs.rand(8, 3).astype("float32")
    y = {"zeta": rs.rand(8, 1).astype("float32"), "alpha": rs.rand(8, 2).astype("float32")}
    km.compile("sgd", "mse")
    sm.compile("sgd", "mse")
    hk = km.fit(x, y, epochs=2, batch_size=4, shuffle=False, verbose=0)
    hs = sm.fit(x, y, epochs=2, batch_size=4, shuffle=False, verbose=0)
    np.testing.assert_allclose(hs.history["loss"], hk.history["loss"], rtol=1e-5)
    with pytest.raises(ValueError, match=r"output names \['alpha', 'zeta'\], but it has no entry for \['alpha'\]"):
        sm.fit(x, {"zeta": y["zeta"]}, verbose=0)
