"""The engine's core: variables, naming, randomness, symbolic tensors and the state bridge."""
