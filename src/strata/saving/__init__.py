"""Saving and loading (``keras.saving``)."""
