"""Python -> Java: real Keras 3 (TensorFlow backend) builds a broad set of Sequential models and
saves each in every format Keras writes, with an input and Keras's own prediction for it.

    python p2j_make_models.py OUT_DIR

For each model NAME, OUT_DIR holds:
    NAME.keras            model.save("NAME.keras")
    NAME.h5               model.save("NAME.h5")                  (legacy HDF5)
    NAME.json             model.to_json()
    NAME.weights.h5       model.save_weights("NAME.weights.h5")
    NAME_savedmodel/      model.export("NAME_savedmodel")        (tf.saved_model, serve + serving_default)
    NAME_x.npy            the input (float32; int32 ids for integer-input Embedding models)
    NAME_y.npy            model.predict(x, batch_size=...)       (the oracle)
and manifest.json lists them with the script's SHA-256, so a second run with an unchanged script
(and all files present) does nothing and does not even import TensorFlow.

Weights come from Keras's initializers under a fixed seed, then every bias is shifted by random
values so that a loader that drops biases (zeros) cannot match by accident. Stateful models are
saved and exported before predicting (their states are zero), and predicted with their fixed
batch size, so the states carry across the batches of one predict call as a loaded model's must.
"""

import hashlib
import json
import os
import sys

OUT = os.path.abspath(sys.argv[1] if len(sys.argv) > 1 else "target/interop/p2j")
SCRIPT_SHA = hashlib.sha256(open(__file__, "rb").read()).hexdigest()
MANIFEST = os.path.join(OUT, "manifest.json")


def cached():
    try:
        m = json.load(open(MANIFEST))
    except (OSError, ValueError):
        return False
    if m.get("script_sha256") != SCRIPT_SHA:
        return False
    for c in m["models"]:
        for f in list(c["files"].values()) + [c["input"], c["expected"]]:
            if not os.path.exists(os.path.join(OUT, f)):
                return False
    return True


if cached():
    print(f"p2j: cached models in {OUT}")
    sys.exit(0)

os.environ.setdefault("KERAS_BACKEND", "tensorflow")
os.environ["TF_CPP_MIN_LOG_LEVEL"] = "3"  # quiet grappler and oneDNN notices
import contextlib  # noqa: E402
import io  # noqa: E402
import shutil  # noqa: E402
import warnings  # noqa: E402

import numpy as np  # noqa: E402
import keras  # noqa: E402
import tensorflow as tf  # noqa: E402
from keras import layers as L  # noqa: E402
from keras import regularizers, constraints  # noqa: E402

warnings.filterwarnings("ignore")
import absl.logging  # noqa: E402
absl.logging.set_verbosity(absl.logging.ERROR)  # the legacy-.h5 warning on every save
assert keras.backend.backend() == "tensorflow", keras.backend.backend()
tf.get_logger().setLevel("ERROR")  # retracing notices: each model predicts once

T, F = 6, 3  # timesteps, features of the float sequence models
N = 5  # samples of the non-stateful models
CASES = []  # (name, builder, input maker, fixed batch size or None, compile args or None, note)


def case(name, batch=None, compile=None, note=""):
    def register(fn):
        CASES.append((name, fn, batch, compile, note))
        return fn
    return register


def rng(name):
    return np.random.default_rng(int(hashlib.sha256(name.encode()).hexdigest()[:8], 16))


def seq(r, n=N, t=T, f=F):
    return r.normal(size=(n, t, f)).astype("float32")


def padded(r, n, t, f, pre):
    """Sequences with zero timesteps at the start (pre) or end (post), lengths 1..t."""
    x = r.normal(size=(n, t, f)).astype("float32")
    for i in range(n):
        keep = 1 + (i * 2) % t
        if pre:
            x[i, : t - keep] = 0
        else:
            x[i, keep:] = 0
    return x


def ids(r, n, t, vocab, pre):
    """Integer ids 1..vocab-1 padded with 0 (pre or post), lengths 1..t."""
    x = r.integers(1, vocab, size=(n, t)).astype("int32")
    for i in range(n):
        keep = 1 + (i * 3) % t
        if pre:
            x[i, : t - keep] = 0
        else:
            x[i, keep:] = 0
    return x


# ----- recurrent layers -----

@case("lstm_seq_dense")
def _(r):
    return [keras.Input((T, F)), L.LSTM(5, return_sequences=True), L.Dense(3)], seq(r)


@case("lstm_backwards_acts")
def _(r):
    return [keras.Input((T, F)),
            L.LSTM(4, go_backwards=True, activation="relu", recurrent_activation="hard_sigmoid",
                   unit_forget_bias=False),
            L.Dense(2, activation="softmax")], seq(r)


@case("lstm_nobias_stack")
def _(r):
    return [keras.Input((T, F)), L.LSTM(4, use_bias=False, return_sequences=True, go_backwards=True),
            L.LSTM(3, activation="softsign", recurrent_activation="sigmoid")], seq(r)


@case("lstm_stateful", batch=2)
def _(r):
    return [keras.Input((T, F), batch_size=2), L.LSTM(4, stateful=True, return_sequences=True),
            L.LSTM(3, stateful=True), L.Dense(2)], seq(r, 6)


@case("gru_reset_after")
def _(r):
    return [keras.Input((T, F)), L.GRU(5, reset_after=True, return_sequences=True),
            L.GRU(3, go_backwards=True)], seq(r)


@case("gru_reset_before")
def _(r):
    return [keras.Input((T, F)),
            L.GRU(4, reset_after=False, activation="softsign", recurrent_activation="hard_sigmoid",
                  return_sequences=True),
            L.GRU(3, reset_after=False, use_bias=False, go_backwards=True), L.Dense(2, activation="tanh")], seq(r)


@case("gru_stateful", batch=3)
def _(r):
    return [keras.Input((T, F), batch_size=3), L.GRU(4, stateful=True, reset_after=False, return_sequences=True),
            L.GRU(3, stateful=True, go_backwards=True)], seq(r, 6)


@case("simplernn_stack")
def _(r):
    return [keras.Input((T, F)), L.SimpleRNN(5, return_sequences=True, activation="relu"),
            L.SimpleRNN(3, go_backwards=True, use_bias=False, return_sequences=True),
            L.SimpleRNN(2, activation="sigmoid")], seq(r)


@case("simplernn_stateful", batch=2)
def _(r):
    return [keras.Input((T, F), batch_size=2), L.SimpleRNN(4, stateful=True, return_sequences=True),
            L.Dense(2)], seq(r, 4)


@case("rnn_dropout_inference")
def _(r):
    return [keras.Input((T, F)), L.LSTM(4, dropout=0.3, recurrent_dropout=0.2, return_sequences=True),
            L.GRU(4, dropout=0.25, recurrent_dropout=0.4, return_sequences=True),
            L.SimpleRNN(3, dropout=0.5, recurrent_dropout=0.5), L.Dropout(0.5), L.Dense(2)], seq(r)


@case("lstm_options")
def _(r):
    return [keras.Input((T, F)),
            L.LSTM(4, unit_forget_bias=True, unroll=True, kernel_initializer="he_normal",
                   recurrent_initializer="glorot_uniform", bias_initializer="ones", seed=3, return_sequences=True),
            L.GRU(3, unroll=True, kernel_initializer="lecun_uniform", recurrent_initializer="orthogonal")], seq(r)


# ----- masks -----

@case("masking_post")
def _(r):
    return [keras.Input((T, F)), L.Masking(mask_value=0.0), L.LSTM(4, return_sequences=True),
            L.GRU(3, return_sequences=True), L.SimpleRNN(2)], padded(r, N, T, F, pre=False)


@case("masking_pre_backwards")
def _(r):
    return [keras.Input((T, F)), L.Masking(mask_value=0.0), L.LSTM(4, go_backwards=True, return_sequences=True),
            L.GRU(3, reset_after=False)], padded(r, N, T, F, pre=True)


@case("masking_value_td")
def _(r):
    x = padded(r, N, T, F, pre=False)
    x[x == 0] = -1.0
    return [keras.Input((T, F)), L.Masking(mask_value=-1.0), L.GRU(4, return_sequences=True),
            L.TimeDistributed(L.Dense(2))], x


@case("embedding_mask_post")
def _(r):
    return [keras.Input((7,), dtype="int32"), L.Embedding(20, 6, mask_zero=True), L.LSTM(5),
            L.Dense(3, activation="softmax")], ids(r, N, 7, 20, pre=False)


@case("embedding_mask_pre")
def _(r):
    return [keras.Input((7,), dtype="int32"), L.Embedding(20, 6, mask_zero=True),
            L.GRU(4, return_sequences=True), L.TimeDistributed(L.Dense(3))], ids(r, N, 7, 20, pre=True)


@case("embedding_mask_bidirectional")
def _(r):
    return [keras.Input((7,), dtype="int32"), L.Embedding(15, 4, mask_zero=True),
            L.Bidirectional(L.LSTM(3, return_sequences=True)), L.Bidirectional(L.GRU(2), merge_mode="sum"),
            L.Dense(2)], ids(r, N, 7, 15, pre=False)


@case("embedding_float_input")
def _(r):
    # Keras's default float32 Input: Embedding casts the (integral) values to ids.
    return [keras.Input((5,)), L.Embedding(12, 3), L.Flatten(), L.Dense(2)], \
        r.integers(0, 12, size=(N, 5)).astype("float32")


@case("embedding_no_mask_rnn")
def _(r):
    return [keras.Input((7,), dtype="int32"), L.Embedding(30, 5), L.SimpleRNN(4)], ids(r, N, 7, 30, pre=False)


# ----- Bidirectional -----

@case("bidirectional_concat")
def _(r):
    return [keras.Input((T, F)), L.Bidirectional(L.LSTM(4, return_sequences=True), merge_mode="concat"),
            L.Bidirectional(L.LSTM(3), merge_mode="concat")], seq(r)


@case("bidirectional_sum_gru")
def _(r):
    return [keras.Input((T, F)), L.Bidirectional(L.GRU(4, return_sequences=True), merge_mode="sum"),
            L.Bidirectional(L.GRU(3, reset_after=False), merge_mode="sum")], seq(r)


@case("bidirectional_mul_simplernn")
def _(r):
    return [keras.Input((T, F)), L.Bidirectional(L.SimpleRNN(4, return_sequences=True), merge_mode="mul"),
            L.TimeDistributed(L.Dense(2))], seq(r)


@case("bidirectional_ave_backwards")
def _(r):
    # A forward layer that reads backwards needs an explicit backward layer that does not.
    return [keras.Input((T, F)),
            L.Bidirectional(L.LSTM(4, go_backwards=True), backward_layer=L.LSTM(4), merge_mode="ave"),
            L.Dense(2)], seq(r)


@case("bidirectional_backward_layer")
def _(r):
    fwd = L.GRU(3, return_sequences=True)
    bwd = L.LSTM(3, return_sequences=True, go_backwards=True)
    return [keras.Input((T, F)), L.Bidirectional(fwd, backward_layer=bwd), L.Flatten()], seq(r)


@case("bidirectional_stateful", batch=2)
def _(r):
    return [keras.Input((T, F), batch_size=2), L.Bidirectional(L.LSTM(3, stateful=True, return_sequences=True)),
            L.Bidirectional(L.GRU(2, stateful=True), merge_mode="ave")], seq(r, 4)


# ----- other layers -----

@case("timedistributed_dense")
def _(r):
    return [keras.Input((T, F)), L.LSTM(5, return_sequences=True),
            L.TimeDistributed(L.Dense(4, activation="softmax"))], seq(r)


@case("dense_rank3_flatten")
def _(r):
    return [keras.Input((T, F)), L.Dense(4, activation="tanh"), L.Dense(3, use_bias=False), L.Flatten(),
            L.Dense(2)], seq(r)


@case("repeatvector_decoder")
def _(r):
    return [keras.Input((4,)), L.Dense(5, activation="relu"), L.RepeatVector(3),
            L.LSTM(4, return_sequences=True), L.TimeDistributed(L.Dense(2))], r.normal(size=(N, 4)).astype("float32")


@case("seq2seq_lstm")
def _(r):
    return [keras.Input((T, F)), L.LSTM(5), L.RepeatVector(4), L.GRU(3, return_sequences=True),
            L.Dropout(0.2), L.Dense(2, activation="softmax")], seq(r)


@case("regularizers_constraints", compile=dict(optimizer="adam", loss="mse"))
def _(r):
    return [keras.Input((T, F)),
            L.LSTM(4, kernel_regularizer=regularizers.L2(0.01), recurrent_regularizer=regularizers.L1(0.001),
                   bias_regularizer=regularizers.L1L2(l1=0.01, l2=0.02),
                   kernel_constraint=constraints.MaxNorm(2.0), recurrent_constraint=constraints.UnitNorm(),
                   bias_constraint=constraints.MinMaxNorm(0.0, 3.0), return_sequences=True),
            L.GRU(3, kernel_regularizer="l2", kernel_constraint=constraints.NonNeg()),
            L.Dense(2, kernel_regularizer=regularizers.L1L2(l1=0.1, l2=0.1), bias_regularizer="l1",
                    kernel_constraint="max_norm", bias_constraint="non_neg")], seq(r)


@case("compiled_trained_adam", compile=dict(optimizer="adam", loss="categorical_crossentropy",
                                            metrics=["accuracy"]),
      note="trained 2 epochs: the files carry optimizer state")
def _(r):
    return [keras.Input((T, F)), L.LSTM(6), L.Dense(3, activation="softmax")], seq(r, 8)


@case("functional_chain")
def _(r):
    # keras.Model(inputs, outputs) over a single chain of layers.
    return [keras.Input((T, F), name="series"), L.Masking(), L.Bidirectional(L.GRU(3, return_sequences=True)),
            L.TimeDistributed(L.Dense(2, activation="relu6"))], seq(r)


@case("sequential_built_without_input")
def _(r):
    # No Input layer: the shape comes from model.build(), kept as build_input_shape.
    return [L.LSTM(4, return_sequences=True), L.SimpleRNN(3), L.Dense(2)], seq(r)


@case("rnn_cell_wrappers")
def _(r):
    # The generic RNN layer around each built-in cell.
    return [keras.Input((T, F)), L.RNN(L.LSTMCell(4), return_sequences=True),
            L.RNN(L.GRUCell(3, reset_after=False), return_sequences=True, go_backwards=True),
            L.RNN(L.SimpleRNNCell(2, activation="relu"))], seq(r)


@case("rnn_stacked_cells", note="known limitation: StackedRNNCells")
def _(r):
    return [keras.Input((T, F)), L.RNN([L.LSTMCell(4), L.GRUCell(3)])], seq(r)


# ----- activations, Keras 3 names -----

ACTIVATION_GROUPS = [
    # (Dense activation, Activation layer, SimpleRNN activation, Activation layer, Dense activation);
    # ordered so that values stay O(1): exponential only ever sees a bounded input.
    ("relu6", "gelu", "silu", "leaky_relu", "mish"),
    ("hard_silu", "hard_sigmoid", "elu", "log_softmax", "selu"),
    ("softsign", "exponential", "softplus", "swish", "softmax"),
    ("hard_swish", "tanh", "sigmoid", "relu", "linear"),
    ("celu", "hard_tanh", "tanh_shrink", "log_sigmoid", "sparse_sigmoid"),
    ("squareplus", "soft_shrink", "hard_shrink", "sparse_plus", "sparsemax"),
]

for _names in ACTIVATION_GROUPS:
    def _make(r, n=_names):
        return [keras.Input((T, F)), L.Dense(5, activation=n[0]), L.Activation(n[1]),
                L.SimpleRNN(4, activation=n[2], return_sequences=True), L.Activation(n[3]),
                L.Dense(3, activation=n[4])], seq(r) * 0.7
    case("activations_" + "_".join(_names))(_make)


@case("activation_glu", note="known limitation: glu halves the last axis")
def _(r):
    # Last: Keras's own shape inference keeps the axis whole, so no layer can follow glu.
    return [keras.Input((T, F)), L.Dense(6), L.Activation("glu")], seq(r)


# ----- build, save, predict -----

def build(name, fn, batch, comp):
    keras.utils.set_random_seed(1000 + len(name))
    r = rng(name)
    spec, x = fn(r)
    if name.startswith("functional"):
        y = spec[0]
        for layer in spec[1:]:
            y = layer(y)
        model = keras.Model(spec[0], y, name=name)
    else:
        model = keras.Sequential(spec, name=name)
        if not isinstance(spec[0], keras.KerasTensor):
            model.build((batch,) + x.shape[1:])
    # Shift every bias so that nothing matches by being zero.
    for v in model.weights:
        if v.path.endswith("bias"):
            v.assign(v.numpy() + r.normal(scale=0.3, size=v.shape).astype("float32"))
    if comp:
        model.compile(**comp)
        if name.startswith("compiled_trained"):
            y = np.eye(3, dtype="float32")[r.integers(0, 3, size=len(x))]
            model.fit(x, y, epochs=2, batch_size=4, shuffle=False, verbose=0)
    return model, x


def save_all(model, name):
    files = {
        "keras": f"{name}.keras",
        "h5": f"{name}.h5",
        "json": f"{name}.json",
        "weights": f"{name}.weights.h5",
        "savedmodel": f"{name}_savedmodel",
    }
    p = {k: os.path.join(OUT, v) for k, v in files.items()}
    model.save(p["keras"])
    model.save(p["h5"])
    with open(p["json"], "w") as f:
        f.write(model.to_json())
    model.save_weights(p["weights"])
    shutil.rmtree(p["savedmodel"], ignore_errors=True)
    with contextlib.redirect_stdout(io.StringIO()):  # export prints the endpoint summary
        model.export(p["savedmodel"])
    return files


def main():
    os.makedirs(OUT, exist_ok=True)
    if os.path.exists(MANIFEST):
        os.remove(MANIFEST)
    models = []
    for name, fn, batch, comp, note in CASES:
        model, x = build(name, fn, batch, comp)
        files = save_all(model, name)  # stateful states are still zero here
        y = model.predict(x, batch_size=batch or len(x), verbose=0)
        compiled_as = {}
        if comp:  # the optimizer Keras itself compiles each file with when it reloads it
            loaders = {
                "keras": lambda: keras.models.load_model(os.path.join(OUT, files["keras"])),
                "h5": lambda: keras.models.load_model(os.path.join(OUT, files["h5"])),
                "json": lambda: keras.models.model_from_json(open(os.path.join(OUT, files["json"])).read()),
            }
            for kind, load in loaders.items():
                try:
                    compiled_as[kind] = type(load().optimizer).__name__
                except Exception as e:  # e.g. Keras 3.15 cannot compile its own .h5 with loss="mse"
                    compiled_as[kind] = "keras_fails"
                    print(f"p2j: {name}: Keras itself cannot reload its {kind}: {str(e).splitlines()[0]}")
        np.save(os.path.join(OUT, f"{name}_x.npy"), x)
        np.save(os.path.join(OUT, f"{name}_y.npy"), y.astype("float32"))
        models.append({
            "name": name,
            "files": files,
            "input": f"{name}_x.npy",
            "expected": f"{name}_y.npy",
            "input_dtype": str(x.dtype),
            "batch_size": batch,
            "compiled_as": compiled_as,
            "layers": [l.__class__.__name__ for l in model.layers],
            "note": note,
        })
        print(f"p2j: {name}: {' '.join(models[-1]['layers'])} in {tuple(x.shape)} -> out {tuple(y.shape)}")
    with open(MANIFEST, "w") as f:
        json.dump({"script_sha256": SCRIPT_SHA, "keras": keras.__version__, "tensorflow": tf.__version__,
                   "models": models}, f, indent=1)
    print(f"p2j: {len(models)} models written to {OUT} (keras {keras.__version__}, tensorflow {tf.__version__})")


main()
