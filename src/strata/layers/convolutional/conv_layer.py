"""``ConvLayer``: what every convolution family shares (not a Keras class).

The window arguments (``kernel_size``, ``strides``, ``padding``, ``data_format``,
``dilation_rate``), the checks on the inputs' rank and channels, which must fail in Python at
symbolic build time and never as an XLA error, the output-size arithmetic of
``KERAS_NOTES_2.md`` §1.3, and the bias-then-activation ending.  ``BaseConv``,
``BaseConvTranspose``, ``BaseDepthwiseConv`` and ``BaseSeparableConv`` build on it.
"""

from __future__ import annotations

from typing import Any

import jax

from strata.layers import conv_utils
from strata.layers.convolutional import conv_kernels
from strata.layers.layer import Layer

_SPATIAL_NAMES = {1: ("steps",), 2: ("height", "width"), 3: ("depth", "height", "width")}


def layout(rank: int, data_format: str) -> str:
    """The expected input axes in words, e.g. ``(batch, height, width, channels)``."""
    spatial = _SPATIAL_NAMES[rank]
    axes = ("batch",) + (spatial + ("channels",) if data_format == "channels_last" else ("channels",) + spatial)
    return "(" + ", ".join(axes) + ")"


def check_positive_int(value: Any, name: str) -> int:
    """``value`` as an int, or Keras's "strictly positive" error naming ``name``."""
    if isinstance(value, bool) or not hasattr(value, "__index__") or int(value) <= 0:
        raise ValueError(
            f"Invalid value for argument `{name}`. Expected a strictly positive value. "
            f"Received {name}={value!r}. Pass a positive integer."
        )
    return int(value)


class ConvLayer(Layer):
    """Shared machinery of the convolution layer families.

    Subclasses call :meth:`_init_window` from ``__init__``, :meth:`_check_inputs` in
    ``compute_output_shape`` (which ``build`` and ``call`` run first, so bad inputs fail in Python
    before XLA sees them) and :meth:`_finish` on the convolution result.
    """

    def _init_window(self, rank: int, kernel_size: Any, strides: Any, padding: str,
                     data_format: str | None, dilation_rate: Any, allow_causal: bool = False) -> None:
        self.rank = rank
        self.kernel_size = conv_utils.normalize_tuple(kernel_size, rank, "kernel_size")
        self.strides = conv_utils.normalize_tuple(strides, rank, "strides")
        self.padding = conv_utils.normalize_padding(padding, allow_causal=allow_causal)
        self.data_format = conv_utils.standardize_data_format(data_format)
        self.dilation_rate = conv_utils.normalize_tuple(dilation_rate, rank, "dilation_rate")
        self._built_channels: int | None = None

    def _refuse_strided_dilation(self) -> None:
        if max(self.strides) > 1 and max(self.dilation_rate) > 1:
            raise ValueError(
                "`strides > 1` not supported in conjunction with `dilation_rate > 1`. Received: "
                f"strides={self.strides} and dilation_rate={self.dilation_rate}. Use strides=1 with "
                "the dilation, or dilation_rate=1 with the strides."
            )

    # -- input checks ------------------------------------------------------------------------------
    def _check_rank(self, shape: tuple) -> None:
        expected, found = self.rank + 2, len(shape)
        if found == expected:
            return
        bound = "min_ndim" if found < expected else "ndim"
        message = (f"Input 0 of layer '{self.name}' is incompatible with the layer: expected "
                   f"{bound}={expected}, found ndim={found}. Full shape received: {shape}. "
                   f"{type(self).__name__} expects inputs of shape {layout(self.rank, self.data_format)}")
        if found > expected:
            message += (f"; for inputs with {found - 2} spatial axes use the {found - 2}D layer, or "
                        "reshape the inputs.")
        elif found == expected - 1:
            message += ", but the inputs have no channel axis. " + self._channel_axis_fix(shape[1:])
        else:
            message += "; reshape the inputs to that rank (e.g. with `layers.Reshape`)."
        raise ValueError(message)

    def _channel_axis_fix(self, spatial: tuple) -> str:
        """How to add the missing channel axis (single-channel data such as MNIST images)."""
        known = all(isinstance(d, int) for d in spatial)
        dims = ", ".join(str(d) for d in spatial)
        if self.data_format == "channels_last":
            data_fix = "`x[..., None]`" + (f" or `x.reshape(-1, {dims}, 1)`" if known else "")
            model_fix = f"`Input(shape=({dims}, 1))`" if known else "`layers.Reshape`"
        else:
            data_fix = "`x[:, None]`" + (f" or `x.reshape(-1, 1, {dims})`" if known else "")
            model_fix = f"`Input(shape=(1, {dims}))`" if known else "`layers.Reshape`"
        return (f"For single-channel data such as grayscale images, add one to the data with "
                f"{data_fix}, or use {model_fix} in the model.")

    def _input_channels(self, shape: tuple) -> int:
        """The channel count of inputs of ``shape`` (checked: right rank, known channels)."""
        shape = tuple(shape)
        self._check_rank(shape)
        channels = shape[-1] if self.data_format == "channels_last" else shape[1]
        if channels is None:
            raise ValueError(
                f"The channel dimension of the inputs to layer '{self.name}' "
                f"({type(self).__name__}) should be defined, but it is None. Full shape received: "
                f"{shape}. Give the Input a known number of channels (data_format="
                f"'{self.data_format}')."
            )
        return int(channels)

    def _check_inputs(self, shape: tuple) -> int:
        """The channel count, after checking the rank and (once built) the channels, as Keras."""
        channels = self._input_channels(shape)
        if self._built_channels is not None and channels != self._built_channels:
            axis = -1 if self.data_format == "channels_last" else 1
            raise ValueError(
                f"Input 0 of layer '{self.name}' is incompatible with the layer: expected axis {axis} "
                f"of input shape to have value {self._built_channels}, but received input with shape "
                f"{tuple(shape)}. The layer was built for {self._built_channels} channels; create a new "
                "layer for inputs with a different number of channels."
            )
        return channels

    def _make_bias(self, size: int) -> Any:
        """The ``bias`` weight of ``size`` entries, or ``None`` without ``use_bias``."""
        if not self.use_bias:
            return None
        return self.add_weight(name="bias", shape=(size,), initializer=self.bias_initializer,
                               regularizer=self.bias_regularizer, constraint=self.bias_constraint)

    def _mark_built(self, input_shape: Any, channels: int) -> None:
        """End of ``build``: remember the channels; a direct ``layer.build(shape)`` is final."""
        self._built_channels = channels
        self._build_shapes = tuple(input_shape)
        self.built = True

    # -- output sizes ------------------------------------------------------------------------------
    def _conv_output_shape(self, input_shape: tuple, out_channels: int,
                           kernel_shape: tuple) -> tuple:
        """Output shape of a (depthwise/separable) convolution; ``None`` dims stay ``None``.

        ``kernel_shape`` is only quoted in the error raised when the output would be empty.
        """
        input_shape = tuple(input_shape)
        if self.data_format == "channels_last":
            spatial = input_shape[1:-1]
        else:
            spatial = input_shape[2:]
        out = tuple(conv_utils.output_length(n, k, self.padding, s, d)
                    for n, k, s, d in zip(spatial, self.kernel_size, self.strides, self.dilation_rate))
        if any(n is not None and n <= 0 for n in out):
            needed = tuple(d * (k - 1) + 1 for k, d in zip(self.kernel_size, self.dilation_rate))
            raise ValueError(
                "Computed output size would be zero or negative. Received "
                f"`inputs shape={input_shape}`, `kernel shape={kernel_shape}`, "
                f"`dilation_rate={self.dilation_rate}`, `strides={self.strides}`, "
                f"`padding={self.padding}`. Layer '{self.name}' ({type(self).__name__}) needs spatial "
                f"sizes of at least {needed} (dilation_rate * (kernel_size - 1) + 1) with "
                f"padding='valid', but its input here has {tuple(spatial)}. Use padding='same', a "
                "smaller kernel_size, larger inputs, or less downsampling before this layer."
            )
        if self.data_format == "channels_last":
            return (input_shape[0],) + out + (out_channels,)
        return (input_shape[0], out_channels) + out

    # -- ending ------------------------------------------------------------------------------------
    def _finish(self, outputs: jax.Array) -> jax.Array:
        """Add the bias (if any) on the channel axis, then apply the activation."""
        if self.bias is not None:
            outputs = conv_kernels.add_bias(outputs, self.bias.value, self.data_format)
        return self.activation(outputs)
