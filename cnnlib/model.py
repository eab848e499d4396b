"""``Sequential``: a stack of layers with Keras' ``summary``, ``compile``, ``fit`` and ``predict``.

>>> import cnnlib as cl
>>> model = cl.Sequential([cl.Conv2D(8, 3, activation="relu"), cl.MaxPooling2D(2),
...                        cl.Flatten(), cl.Dense(10, activation="softmax")],
...                       input_shape=(8, 8, 1), seed=0)
>>> model.count_params()  # 3*3*1*8 + 8 = 80 for the convolution, 3*3*8*10 + 10 = 730
810

Training, one mini-batch at a time: the forward pass runs every layer in
training mode, the loss gives the gradient of the output, the backward pass
runs the layers in reverse (each fills its ``grads``), and the optimiser
updates every ``params`` array in place. See :mod:`cnnlib.losses` for how a
final softmax is combined with the cross-entropy.
"""

from __future__ import annotations

import warnings

import numpy as np

from cnnlib import training
from cnnlib._checks import as_float_array, positive_int
from cnnlib.layers.base import Layer, ParamCounts, shape_tuple
from cnnlib.losses import get_loss
from cnnlib.optimizers import get_optimizer
from cnnlib.summary import LINE_LENGTH, summary_lines, summary_rows
from cnnlib.training import History

METRICS = ("accuracy",)


class Sequential:
    """Layers applied one after the other; built as soon as the input shape is known.

    Parameters
    ----------
    layers : list of Layer
        In order. Each layer is named (``conv2d``, ``conv2d_1``, ...) and built
        when it is added.
    input_shape : tuple of int, optional
        Shape of one example, for example ``(28, 28, 1)``. May instead be given
        to the first layer, as in Keras.
    seed : int or None
        Seeds every random choice: each layer's initial weights and dropout
        masks (each layer its own generator), and the shuffling in ``fit``.
    dtype : "float32" or "float64"
        Type of the weights and of the computation; float32 trains fastest,
        float64 suits exact checks.
    name : str
        Shown at the top of the summary.
    """

    def __init__(self, layers=(), input_shape=None, seed=0, dtype="float32", name="sequential"):
        if seed is not None and (isinstance(seed, bool) or not isinstance(seed, (int, np.integer))):
            raise TypeError(f"seed must be an int or None; received seed={seed!r}")
        self.dtype = np.dtype(dtype)
        if self.dtype not in (np.float32, np.float64):
            raise ValueError(f"dtype must be 'float32' or 'float64'; received dtype={dtype!r}")
        self.name, self.seed = str(name), None if seed is None else int(seed)
        self.input_shape = None if input_shape is None else shape_tuple(input_shape)
        self.seeds = np.random.SeedSequence(self.seed)
        self.shuffle_rng = np.random.default_rng(self.seeds.spawn(1)[0])
        self.layers: list[Layer] = []
        self.optimizer = self.loss = None
        self.metrics: list[str] = []
        for layer in layers:
            self.add(layer)

    # ----- building --------------------------------------------------------------------------

    def add(self, layer: Layer) -> None:
        """Name ``layer`` (unless it has a name), build it for the current output, append it."""
        if not isinstance(layer, Layer):
            raise TypeError(f"layers must be cnnlib layers; received {layer!r}")
        if layer.built or getattr(layer, "called", False):
            raise ValueError(
                f"{layer.describe()} is already built or called on a tensor (in another model?)"
            )
        if self.input_shape is None:
            if self.layers or layer.input_shape is None:
                raise ValueError(
                    "the model needs the shape of one example: pass "
                    "Sequential(..., input_shape=(H, W, C)) or input_shape= to the first layer"
                )
            self.input_shape = layer.input_shape
        taken = {other.name for other in self.layers}
        if layer.name in taken:
            raise ValueError(f"layer names must be unique; {layer.name!r} is used twice")
        original_name = layer.name
        layer.name = layer.name or unique_name(layer.default_name(), taken)
        try:
            layer.build(
                self.output_shape, np.random.default_rng(self.seeds.spawn(1)[0]), self.dtype
            )
        except Exception:
            layer.name = original_name
            raise
        self.layers.append(layer)

    @property
    def output_shape(self) -> tuple[int, ...]:
        """Shape of one output example (the input shape if there are no layers)."""
        return self.layers[-1].output_shape if self.layers else self.input_shape

    def get_layer(self, name: str) -> Layer:
        """The layer called ``name``."""
        for layer in self.layers:
            if layer.name == name:
                return layer
        raise KeyError(f"no layer named {name!r}; the layers are {[la.name for la in self.layers]}")

    # ----- weights and summary ---------------------------------------------------------------

    def trainable_params(self) -> dict[str, np.ndarray]:
        """Every trainable array, keyed ``"layer_name/param_name"`` (the arrays themselves)."""
        return {f"{la.name}/{k}": v for la in self.layers for k, v in la.params.items()}

    def gradients(self) -> dict[str, np.ndarray]:
        """The gradients from the last backward pass, keyed as :meth:`trainable_params`."""
        return {f"{la.name}/{k}": v for la in self.layers for k, v in la.grads.items()}

    def get_weights(self) -> dict[str, np.ndarray]:
        """Copies of every weight, trainable or not, keyed ``"layer_name/param_name"``.

        (Keras returns a list; a dict says which array is which.)
        """
        return {f"{la.name}/{k}": v.copy() for la in self.layers for k, v in la.weights().items()}

    def set_weights(self, weights: dict) -> None:
        """Replace every weight; all keys and shapes are checked before anything changes."""
        expected = {key: w.shape for key, w in self.get_weights().items()}
        missing, extra = sorted(expected.keys() - weights.keys()), sorted(weights.keys() - expected)
        if missing or extra:
            raise ValueError(
                f"the weights do not match the model: missing {missing}, unexpected {extra}"
            )
        for key, shape in expected.items():
            if np.shape(weights[key]) != shape:
                raise ValueError(
                    f"weight {key} must have shape {shape}; received {np.shape(weights[key])}"
                )
        for layer in self.layers:
            for store in (layer.params, layer.state):
                for k in store:
                    store[k] = np.array(weights[f"{layer.name}/{k}"], dtype=self.dtype)

    def param_counts(self) -> ParamCounts:
        """``(total, trainable, non_trainable)`` numbers of weights, as the summary shows."""
        counts = [layer.param_counts() for layer in self.layers]
        return ParamCounts(*(sum(c[i] for c in counts) for i in range(3)))

    def count_params(self) -> int:
        """Total number of weights (Keras' ``count_params``)."""
        return self.param_counts().total

    def summary(self, print_fn=print, show_cost=False, line_length=LINE_LENGTH) -> None:
        """Print the Keras-style table of layers, output shapes and parameter counts.

        ``print_fn`` receives each line (``print_fn=lines.append`` collects them).
        ``show_cost=True`` adds each layer's multiply-adds and output values
        (activations) for one example, and their totals. The table fits in
        ``line_length`` characters: a wider one puts each layer's type under
        its name (``line_length=None``: one line per layer, however wide).
        """
        for line in summary_lines(self, show_cost=show_cost, line_length=line_length):
            print_fn(line)

    def summary_rows(self, cost=False):
        """The summary's rows as data: ``(name, type, output_shape, params)`` per layer.

        With ``cost=True`` each row also has ``mult_adds`` and ``activations``
        (:class:`cnnlib.summary.CostRow`).
        """
        return summary_rows(self, cost=cost)

    # ----- forward and backward ---------------------------------------------------------------

    def forward(self, x, training=False, skip_final_activation=False) -> np.ndarray:
        """Run every layer on the batch ``x``; optionally stop before the last activation."""
        return self.through(
            x,
            lambda layer, x, **options: layer.forward(x, training, **options),
            skip_final_activation,
        )

    def infer(self, x, skip_final_activation=False) -> np.ndarray:
        """Run every layer on ``x`` in inference mode, touching no layer's training state.

        What :meth:`predict` and :meth:`evaluate` use: the caches that a
        training step's backward pass needs are left alone, so predicting
        while :meth:`fit` runs (from another thread, or a callback) does not
        change the training.
        """
        return self.through(
            x, lambda layer, x, **options: layer.infer(x, **options), skip_final_activation
        )

    def through(self, x, step, skip_final_activation=False) -> np.ndarray:
        """``x`` through every layer with ``step(layer, x, **options)``, in order.

        The last layer gets ``skip_activation=True`` if ``skip_final_activation``.
        """
        for layer in self.layers[:-1]:
            x = step(layer, x)
        last = {"skip_activation": True} if skip_final_activation else {}
        return step(self.layers[-1], x, **last)

    def backward(self, dout, skip_final_activation=False, input_grad=True) -> np.ndarray:
        """Run every layer's backward pass in reverse; return the gradient of the input.

        With ``input_grad=False`` (as in training, where nothing comes before
        the input) a first layer that can skip its input gradient does, and the
        result is ``None``.
        """
        for i in reversed(range(len(self.layers))):
            layer, options = self.layers[i], {}
            if i == len(self.layers) - 1 and skip_final_activation:
                options["skip_activation"] = True
            if i == 0 and not input_grad and layer.can_skip_input_grad:
                options["input_grad"] = False
            dout = layer.backward(dout, **options)
        return dout

    # ----- training ---------------------------------------------------------------------------

    def compile(self, optimizer, loss, metrics=None) -> None:
        """Choose the optimiser ("sgd", "adam" or an object), the loss and the metrics.

        Losses by name: see :data:`cnnlib.losses.LOSSES`. Metrics: ``["accuracy"]`` or none.
        """
        if isinstance(metrics, str):
            raise ValueError(
                f"metrics must be a list of names, for example metrics=['accuracy']; "
                f"received the string metrics={metrics!r}"
            )
        metrics = list(metrics or [])
        for metric in metrics:
            if metric not in METRICS:
                raise ValueError(
                    f"metrics must be chosen from {list(METRICS)}; received {metric!r}"
                )
        loss = get_loss(loss)
        if metrics and not loss.classification:
            raise ValueError(f'metrics=["accuracy"] needs a classification loss, not {loss.name!r}')
        self.optimizer, self.loss, self.metrics = get_optimizer(optimizer), loss, metrics

    def compile_config(self) -> dict | None:
        """The compile settings as JSON-friendly values (``None`` if not compiled)."""
        if self.loss is None:
            return None
        return {
            "optimizer": {
                "class_name": type(self.optimizer).__name__,
                "config": self.optimizer.get_config(),
            },
            "loss": {"class_name": type(self.loss).__name__, "config": self.loss.get_config()},
            "metrics": self.metrics,
        }

    def uses_logits(self) -> tuple[bool, bool]:
        """``(fused, from_logits)``: whether training skips the last activation, and
        whether the loss then sees raw scores."""
        fused = self.loss.fuses_with is not None and (
            self.layers[-1].final_activation == self.loss.fuses_with
        )
        return fused, fused or self.loss.from_logits

    def train_on_batch(self, x, y) -> float:
        """One optimisation step on one batch; returns the loss before the step."""
        self.check_compiled()
        x = self.check_x(x)
        return self.train_step(x, self.check_y(y, len(x)))[0]

    def train_step(self, x, y) -> tuple[float, int]:
        """Forward, loss, backward and update on checked arrays; ``(loss, number correct)``."""
        fused, from_logits = self.uses_logits()
        out = self.forward(x, training=True, skip_final_activation=fused)
        loss, dout = self.loss(out, y, from_logits=from_logits)
        self.backward(dout, skip_final_activation=fused, input_grad=False)
        self.optimizer.step(self.trainable_params(), self.gradients())
        correct = int(self.loss.correct(out, y, from_logits).sum()) if self.metrics else 0
        return float(loss), correct

    def fit(
        self,
        x,
        y,
        epochs=1,
        batch_size=32,
        validation_data=None,
        validation_split=0.0,
        shuffle=True,
        seed=None,
        verbose=1,
        callbacks=None,
    ) -> History:
        """Train for ``epochs`` passes over ``(x, y)`` in mini-batches.

        Parameters
        ----------
        x : array, shape (N, *input_shape)
        y : array
            Targets as the loss expects them, for example integer labels ``(N,)``.
        epochs, batch_size : int
        validation_data : (x_val, y_val), optional
            Evaluated (in inference mode) after every epoch.
        validation_split : float
            Instead, keep the *last* fraction of ``x`` and ``y`` (before any
            shuffling, as Keras does) for validation.
        shuffle : bool
            Visit the training examples in a new random order every epoch.
        seed : int, optional
            Seed of the shuffling; by default the model's own generator.
        verbose : 0, 1 or 2
            0 silent; 1 a progress bar per epoch (tqdm: a widget in notebooks,
            text in a terminal); 2 one line of results per epoch.
        callbacks : list of cnnlib.callbacks.Callback, optional
            For example ``LearningRateScheduler`` or ``EarlyStopping``.

        Returns
        -------
        History
            ``history.history["loss"]`` (and ``"accuracy"``, ``"val_loss"``,
            ``"val_accuracy"``): one value per epoch.
        """
        return training.fit(
            self,
            x,
            y,
            epochs,
            batch_size,
            validation_data,
            validation_split,
            shuffle,
            seed,
            verbose,
            callbacks,
        )

    def logs(self, loss: float, accuracy: float) -> dict[str, float]:
        """``{"loss": ..., "accuracy": ...}`` with the metrics that were asked for."""
        return {"loss": loss, **({"accuracy": accuracy} if self.metrics else {})}

    def evaluate(self, x, y, batch_size=32, return_dict=False):
        """Loss and metrics on ``(x, y)`` in inference mode (no dropout, moving statistics).

        Returns the loss alone when no metric was compiled, else ``[loss, accuracy]``
        (or a dict with ``return_dict=True``).
        """
        self.check_compiled()
        x = self.check_x(x)
        y = self.check_y(y, len(x))
        batch_size = positive_int(batch_size, "batch_size")
        fused, from_logits = self.uses_logits()
        total_loss, total_correct = 0.0, 0
        for start in range(0, len(x), batch_size):
            xb, yb = x[start : start + batch_size], y[start : start + batch_size]
            out = self.infer(xb, skip_final_activation=fused)
            total_loss += float(self.loss(out, yb, from_logits=from_logits)[0]) * len(xb)
            if self.metrics:
                total_correct += int(self.loss.correct(out, yb, from_logits).sum())
        logs = self.logs(total_loss / len(x), total_correct / len(x))
        if return_dict:
            return logs
        return logs["loss"] if len(logs) == 1 else list(logs.values())

    def predict(self, x, batch_size=32) -> np.ndarray:
        """Outputs for ``x`` in inference mode, batch by batch (probabilities after a softmax)."""
        x = self.check_x(x)
        batch_size = positive_int(batch_size, "batch_size")
        out = np.empty((len(x), *self.output_shape), dtype=self.dtype)
        for start in range(0, len(x), batch_size):
            out[start : start + batch_size] = self.infer(x[start : start + batch_size])
        return out

    # ----- checks -----------------------------------------------------------------------------

    def check_compiled(self) -> None:
        """Raise unless :meth:`compile` has chosen an optimiser and a loss."""
        if self.loss is None:
            raise RuntimeError(
                "compile the model first, for example model.compile(optimizer='adam', "
                "loss='sparse_categorical_crossentropy', metrics=['accuracy'])"
            )

    def check_x(self, x, name="x") -> np.ndarray:
        """Return ``x`` in the model's dtype, raising unless it is a batch of ``input_shape``."""
        if not self.layers:
            raise ValueError("the model has no layers yet; add some first")
        if isinstance(x, np.ndarray) and x.dtype == np.uint8 and x.size and x.max() > 1:
            warnings.warn(
                f"{name} holds uint8 values up to {x.max()}: pixels are usually scaled to "
                f"[0, 1] first ({name} / 255); the model uses them as they are",
                UserWarning,
                stacklevel=3,
            )
        # Integers (uint8 pixels, say) go straight to the model's dtype: no float64 copy.
        x = as_float_array(x, name, int_dtype=self.dtype).astype(self.dtype, copy=False)
        if x.shape[1:] != self.input_shape or len(x) == 0:
            dims = ", ".join(map(str, self.input_shape))
            hint = ""
            if x.shape[1:] == self.input_shape[:-1] and self.input_shape[-1] == 1:
                hint = " (add the channel axis: x[..., None])"
            raise ValueError(
                f"{name} must be a non-empty batch of shape (N, {dims}) to match the model's "
                f"input_shape={self.input_shape}; received {name}.shape={x.shape}{hint}"
            )
        if not np.isfinite(x).all():
            raise ValueError(
                f"{name} must hold finite numbers; received {np.count_nonzero(~np.isfinite(x))} "
                "NaN or infinite values"
            )
        return x

    def check_y(self, y, n: int) -> np.ndarray:
        """Return the targets ``y`` checked by the loss for ``n`` examples."""
        y = self.loss.check_targets(y, n, self.output_shape)
        return y.astype(self.dtype, copy=False) if np.issubdtype(y.dtype, np.floating) else y

    # ----- configuration and saving -----------------------------------------------------------

    def get_config(self) -> dict:
        """The architecture as JSON-friendly values (what :meth:`save` stores)."""
        return {
            "name": self.name,
            "input_shape": list(self.input_shape),
            "dtype": self.dtype.name,
            "seed": self.seed,
            "layers": [
                {"class_name": type(layer).__name__, "config": layer.get_config()}
                for layer in self.layers
            ],
        }

    def save(self, path) -> None:
        """Save the architecture and weights to one ``.npz`` file; see :func:`cnnlib.load_model`."""
        from cnnlib.saving import save_model

        save_model(self, path)

    def load_weights(self, path) -> None:
        """Load weights saved by :meth:`save` into this model, which must have the same layers."""
        from cnnlib.saving import load_weights

        load_weights(self, path)


def unique_name(base: str, taken) -> str:
    """``base``, or ``base_1``, ``base_2``, ... whichever is free first (Keras' naming)."""
    name, i = base, 0
    while name in taken:
        i += 1
        name = f"{base}_{i}"
    return name
