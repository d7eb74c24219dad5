"""strata: the Keras API on one engine, JAX."""

__version__ = "0.1.0"
