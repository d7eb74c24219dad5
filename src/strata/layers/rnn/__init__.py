"""Recurrent layers: cells, the generic ``RNN`` over a cell, and the wrappers around them."""
