"""XOR with two hidden neurons, then the weights dumped and the network computed by hand.

The course program (T81-558 Module 3, "Manual Neural Network Calculation") with strata imports.
It retrains with fresh weights until the network solves XOR, prints the weights in the course's
format, and checks that a hand-written forward pass equals ``model.predict``.

Run: python examples/xor_manual_calculation.py
"""

import numpy as np

from strata.layers import Dense
from strata.models import Sequential


def train_until_solved(max_cycles: int = 20, epochs: int = 10000):
    # Create a dataset for the XOR function
    x = np.array([[0, 0], [1, 0], [0, 1], [1, 1]])
    y = np.array([0, 1, 1, 0])

    done = False
    cycle = 1
    while not done:
        print("Cycle #{}".format(cycle))
        cycle += 1
        model = Sequential()
        model.add(Dense(2, input_dim=2, activation="relu"))
        model.add(Dense(1))
        model.compile(loss="mean_squared_error", optimizer="adam")
        model.fit(x, y, verbose=0, epochs=epochs)

        # Predict
        pred = model.predict(x, verbose=0)

        # Check if successful. It takes several runs with this small of a network
        done = pred[0] < 0.01 and pred[3] < 0.01 and pred[1] > 0.9 and pred[2] > 0.9
        print(pred)
        if cycle > max_cycles:
            raise RuntimeError(f"XOR not solved in {max_cycles} cycles")
    return model, x, pred


def dump_weights(model) -> list[str]:
    lines = []
    for layerNum, layer in enumerate(model.layers):
        weights = layer.get_weights()[0]
        biases = layer.get_weights()[1]
        for toNeuronNum, bias in enumerate(biases):
            lines.append(f"{layerNum}B -> L{layerNum+1}N{toNeuronNum}: {bias}")
        for fromNeuronNum, wgt in enumerate(weights):
            for toNeuronNum, wgt2 in enumerate(wgt):
                lines.append(f"L{layerNum}N{fromNeuronNum} -> L{layerNum+1}N{toNeuronNum} = {wgt2}")
    return lines


def manual_forward(model, inputs) -> float:
    """The network's output computed neuron by neuron with plain Python floats."""
    (w1, b1), (w2, b2) = (layer.get_weights() for layer in model.layers)
    hidden = []
    for j in range(w1.shape[1]):
        total = sum(float(inputs[i]) * float(w1[i, j]) for i in range(w1.shape[0])) + float(b1[j])
        hidden.append(max(0.0, total))  # relu
    return sum(hidden[j] * float(w2[j, 0]) for j in range(len(hidden))) + float(b2[0])  # linear


def main() -> None:
    model, x, pred = train_until_solved()
    for line in dump_weights(model):
        print(line)
    for row, p in zip(x, pred):
        manual = manual_forward(model, row)
        print(f"input {list(row)}: manual {manual:.6f}, predict {float(p[0]):.6f}")


if __name__ == "__main__":
    main()
