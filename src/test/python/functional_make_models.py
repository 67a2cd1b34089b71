"""Python -> Java for the Functional API: real Keras 3 (TensorFlow backend) builds small Functional
models (merges, masks through merges, shared layers, nested models, residuals, encoder-decoders
with return_state / initial_state, multi-output heads, a stateful model) and saves each in every
format Keras writes, with named inputs and Keras's own predictions for them.

    python functional_make_models.py OUT_DIR

For each model NAME, OUT_DIR holds:
    NAME.keras            model.save("NAME.keras")
    NAME.h5               model.save("NAME.h5")                  (legacy HDF5)
    NAME.json             model.to_json()
    NAME.weights.h5       model.save_weights("NAME.weights.h5")
    NAME_savedmodel/      model.export("NAME_savedmodel")        (serve + serving_default)
    NAME.npz              the inputs, keyed by the model's input names ("in_a", "tokens", ...), int32
                          for token ids, float32 otherwise; and Keras's model.predict outputs, keyed
                          "out:<output name>" in model.output_names order. Where one layer gives
                          several outputs of the model (a decoder returning its states), its name
                          repeats in output_names and those keys are "out:<name>/<tensor index>"
                          (the third entry of keras_history).
A file Keras cannot write is left out of "files" and said in "notes" (nothing is skipped silently).

The stateful model (batch_shape (2, 1, 3)) is predicted three times: its NAME.npz holds the first
call as above, the second call (state carried from the first) as "call2/<input>" and
"call2/out:<name>", and the third, made after every stateful layer's reset_states(), as
"call3/..."; "reset_before_calls" (int32) lists the calls preceded by a reset. Its files are
written before any call, so the states they hold are zero.

OUT_DIR/manifest.json lists, per model: name, inputs [{name, shape (batch null unless fixed),
dtype}], outputs (model.output_names), output_keys (npz keys, same order), output_shapes, npz,
files (format -> file name), notes, layers (class names of model.layers), compile (for compiled
models: the arguments), savedmodel (the serving_default signature's input and output names, and
the largest difference between its outputs and predict's), keras_reload (per format, Keras loading
its own file back: the largest difference from predict, or the error), op_nodes (entries of the
config's "layers" that are no layer of model.layers: keras.ops calls such as NotEqual, Any,
LogicalOr that Keras 3 records to compute the masks it passes on), calls (the stateful call
sequence, else null). The manifest also holds the SHA-256 of this script and fixture_cache.py: a
second run with both unchanged (and every listed file present) does nothing and does not import
TensorFlow.

Weights come from Keras's initializers under keras.utils.set_random_seed, then every bias is
shifted by seeded random values so that a loader that drops biases cannot match by accident.
"""

import hashlib
import json
import os
import sys

from fixture_cache import exit_if_cached, quiet_tensorflow, script_sha256

OUT = os.path.abspath(sys.argv[1] if len(sys.argv) > 1 else "target/interop/functional")
SCRIPT_SHA = script_sha256(__file__)
MANIFEST = os.path.join(OUT, "manifest.json")
exit_if_cached(MANIFEST, SCRIPT_SHA, lambda m: [f for c in m["models"] for f in [c["npz"], *c["files"].values()]],
               "func")

quiet_tensorflow()
import contextlib  # noqa: E402
import io  # noqa: E402
import shutil  # noqa: E402

import numpy as np  # noqa: E402
import keras  # noqa: E402
import tensorflow as tf  # noqa: E402
from keras import layers as L  # noqa: E402

assert keras.backend.backend() == "tensorflow", keras.backend.backend()
tf.get_logger().setLevel("ERROR")

T, F = 5, 3  # timesteps, features of the float sequences
N = 4  # samples of the non-stateful models
CASES = []  # (name, builder, compile args or None, note)


def case(name, compile=None, note=""):
    def register(fn):
        CASES.append((name, fn, compile, note))
        return fn
    return register


def seed(name):
    return int(hashlib.sha256(name.encode()).hexdigest()[:8], 16)


def rng(name):
    return np.random.default_rng(seed(name))


def seq(r, t=T, f=F, n=N):
    return r.normal(size=(n, t, f)).astype("float32")


def vec(r, f, n=N):
    return r.normal(size=(n, f)).astype("float32")


def ids(r, t, vocab, n=N):
    """Token ids 1..vocab-1 padded at the end with 0; lengths differ per sample, one is full."""
    x = r.integers(1, vocab, size=(n, t)).astype("int32")
    for i in range(n):
        x[i, t - (i * 2) % t:] = 0
    return x


def padded(r, t, f, n=N):
    """Float sequences whose last timesteps are all zero (for Masking), lengths differ per sample."""
    x = r.normal(size=(n, t, f)).astype("float32")
    for i in range(n):
        x[i, t - i % t:] = 0
    return x


# Each builder returns (inputs, outputs, {input name: data}). Outputs are named layers.

# ----- merge layers -----

@case("merge_concat_last")
def _(r):
    a, b = keras.Input((T, F), name="in_a"), keras.Input((4,), name="in_b")
    x = L.Concatenate(axis=-1, name="concat")([L.LSTM(4, name="lstm_a")(a), L.Dense(3, name="dense_b")(b)])
    return [a, b], L.Dense(2, name="out")(x), {"in_a": seq(r), "in_b": vec(r, 4)}


@case("merge_concat_time")
def _(r):
    # Two sequences of different lengths joined along time (axis 1).
    a, b = keras.Input((4, F), name="in_a"), keras.Input((6, 2), name="in_b")
    x = L.Concatenate(axis=1, name="concat")([L.Dense(4, name="dense_a")(a),
                                              L.LSTM(4, return_sequences=True, name="lstm_b")(b)])
    return [a, b], L.GRU(3, name="out")(x), {"in_a": seq(r, 4, F), "in_b": seq(r, 6, 2)}


for _merge in ("Add", "Subtract", "Multiply", "Average", "Maximum", "Minimum"):
    def _make(r, merge=_merge):
        # An LSTM branch and a Dense branch of the same width.
        a, b = keras.Input((T, F), name="in_a"), keras.Input((4,), name="in_b")
        x = getattr(L, merge)(name="merge")([L.LSTM(5, name="lstm_a")(a), L.Dense(5, name="dense_b")(b)])
        return [a, b], L.Dense(3, name="out")(x), {"in_a": seq(r), "in_b": vec(r, 4)}
    case("merge_" + _merge.lower())(_make)


@case("merge_add3")
def _(r):
    ins = [keras.Input((3,), name=n) for n in ("in_a", "in_b", "in_c")]
    x = L.Add(name="add")([L.Dense(4, name="dense_a")(ins[0]), L.Dense(4, name="dense_b")(ins[1]),
                           L.Dense(4, name="dense_c")(ins[2])])
    return ins, L.Dense(2, name="out")(x), {i.name: vec(r, 3) for i in ins}


@case("merge_dot_axes1")
def _(r):
    a, b = keras.Input((T, F), name="in_a"), keras.Input((4,), name="in_b")
    x = L.Dot(axes=1, name="dot")([L.LSTM(4, name="lstm_a")(a), L.Dense(4, name="dense_b")(b)])
    return [a, b], L.Dense(2, name="out")(x), {"in_a": seq(r), "in_b": vec(r, 4)}


@case("merge_dot_seq_normalize")
def _(r):
    # Cosine similarity of every timestep of one sequence with every timestep of the other: (4, 6).
    a, b = keras.Input((4, F), name="in_a"), keras.Input((6, 2), name="in_b")
    x = L.Dot(axes=(2, 2), normalize=True, name="dot")([L.LSTM(5, return_sequences=True, name="lstm_a")(a),
                                                       L.Dense(5, name="dense_b")(b)])
    x = L.Flatten(name="flat")(x)
    return [a, b], L.Dense(2, name="out")(x), {"in_a": seq(r, 4, F), "in_b": seq(r, 6, 2)}


# ----- masks through merges -----

@case("mask_embedding_add")
def _(r):
    tok = keras.Input((6,), dtype="int32", name="tokens")
    e = L.Embedding(12, 4, mask_zero=True, name="emb")(tok)
    x = L.Add(name="add")([L.LSTM(4, return_sequences=True, name="lstm_a")(e),
                           L.LSTM(4, return_sequences=True, name="lstm_b")(e)])
    return tok, L.LSTM(3, name="out")(x), {"tokens": ids(r, 6, 12)}


@case("mask_add_two_masks")
def _(r):
    # Two token inputs padded differently: Add ORs their masks (Keras's Merge.compute_mask).
    a, b = keras.Input((5,), dtype="int32", name="tokens_a"), keras.Input((5,), dtype="int32", name="tokens_b")
    ea = L.Embedding(10, 4, mask_zero=True, name="emb_a")(a)
    eb = L.Embedding(10, 4, mask_zero=True, name="emb_b")(b)
    x = L.Add(name="add")([ea, eb])
    return [a, b], L.GRU(3, name="out")(x), {"tokens_a": ids(r, 5, 10), "tokens_b": ids(r, 5, 10)[::-1].copy()}


@case("mask_concat_two_inputs")
def _(r):
    # A masked token sequence and a Masking'd float sequence, padded differently: Concatenate
    # widens each mask to its input's features, joins them and reduces with any (an OR per step).
    tok, s = keras.Input((5,), dtype="int32", name="tokens"), keras.Input((5, 2), name="series")
    e = L.Embedding(10, 3, mask_zero=True, name="emb")(tok)
    m = L.Masking(name="masking")(s)
    x = L.Concatenate(name="concat")([L.GRU(3, return_sequences=True, name="gru_a")(e), m])
    return [tok, s], L.LSTM(3, name="out")(x), {"tokens": ids(r, 5, 10), "series": padded(r, 5, 2)}


# ----- shared layers -----

@case("shared_dense")
def _(r):
    a, b = keras.Input((4,), name="in_a"), keras.Input((4,), name="in_b")
    d = L.Dense(3, activation="tanh", name="shared")
    x = L.Concatenate(name="concat")([d(a), d(b)])
    return [a, b], L.Dense(2, name="out")(x), {"in_a": vec(r, 4), "in_b": vec(r, 4)}


@case("shared_lstm")
def _(r):
    a, b = keras.Input((T, F), name="in_a"), keras.Input((T, F), name="in_b")
    lstm = L.LSTM(4, name="shared")
    x = L.Concatenate(name="concat")([lstm(a), lstm(b)])
    return [a, b], L.Dense(2, name="out")(x), {"in_a": seq(r), "in_b": seq(r)}


@case("siamese_subtract")
def _(r):
    a, b = keras.Input((T, F), name="left"), keras.Input((T, F), name="right")
    lstm, dense = L.LSTM(5, name="enc_lstm"), L.Dense(4, activation="relu", name="enc_dense")
    x = L.Subtract(name="diff")([dense(lstm(a)), dense(lstm(b))])
    return [a, b], L.Dense(1, activation="sigmoid", name="out")(x), {"left": seq(r), "right": seq(r)}


# ----- nested models -----

def inner_sequential():
    return keras.Sequential([keras.Input((F,)), L.Dense(4, activation="relu", name="d1"), L.Dense(3, name="d2")],
                            name="inner_seq")


def inner_functional():
    i = keras.Input((T, F), name="inner_in")
    return keras.Model(i, L.Dense(3, name="inner_dense")(L.LSTM(4, name="inner_lstm")(i)), name="inner_func")


@case("nested_models")
def _(r):
    a, b = keras.Input((F,), name="in_a"), keras.Input((T, F), name="in_b")
    x = L.Add(name="add")([inner_sequential()(a), inner_functional()(b)])
    return [a, b], L.Dense(2, name="out")(x), {"in_a": vec(r, F), "in_b": seq(r)}


@case("nested_shared")
def _(r):
    # One inner Sequential called on two inputs (two nodes of a model-as-layer).
    a, b = keras.Input((F,), name="in_a"), keras.Input((F,), name="in_b")
    inner = inner_sequential()
    x = L.Concatenate(name="concat")([inner(a), inner(b)])
    return [a, b], L.Dense(2, name="out")(x), {"in_a": vec(r, F), "in_b": vec(r, F)}


# ----- residual -----

@case("residual_dense")
def _(r):
    x = keras.Input((6,), name="x")
    y = L.Add(name="add")([x, L.Dense(6, activation="relu", name="dense")(x)])
    return x, L.Dense(2, name="out")(y), {"x": vec(r, 6)}


@case("residual_lstm")
def _(r):
    x = keras.Input((T, 4), name="x")
    y = L.Add(name="add")([x, L.LSTM(4, return_sequences=True, name="lstm")(x)])
    return x, L.LSTM(3, name="out")(y), {"x": seq(r, T, 4)}


# ----- encoder-decoder: return_state / initial_state -----

def enc_dec_data(r):
    return {"enc_in": seq(r, T, F), "dec_in": seq(r, 4, 2)}


@case("encdec_lstm")
def _(r):
    e, d = keras.Input((T, F), name="enc_in"), keras.Input((4, 2), name="dec_in")
    _, h, c = L.LSTM(5, return_state=True, name="encoder")(e)
    y = L.LSTM(5, return_sequences=True, name="decoder")(d, initial_state=[h, c])
    y = L.TimeDistributed(L.Dense(4, activation="softmax"), name="out")(y)
    return [e, d], y, enc_dec_data(r)


# One-state RNNs: GRU's initial_state given as a one-element list, SimpleRNN's as the bare tensor
# (in the JSON, kwargs.initial_state is then a list of one __keras_tensor__, or that tensor itself).
for _rnn, _units, _as_list, _activation in (("GRU", 5, True, "softmax"), ("SimpleRNN", 4, False, None)):
    def _make(r, rnn=_rnn, units=_units, as_list=_as_list, activation=_activation):
        e, d = keras.Input((T, F), name="enc_in"), keras.Input((4, 2), name="dec_in")
        _, h = getattr(L, rnn)(units, return_state=True, name="encoder")(e)
        y = getattr(L, rnn)(units, return_sequences=True, name="decoder")(d, initial_state=[h] if as_list else h)
        y = L.TimeDistributed(L.Dense(3, activation=activation), name="out")(y)
        return [e, d], y, enc_dec_data(r)
    case("encdec_" + _rnn.lower())(_make)


@case("encdec_bidirectional")
def _(r):
    # Bidirectional(LSTM, return_state) gives [output, h_fwd, c_fwd, h_bwd, c_bwd]; the concatenated
    # h's and c's seed a decoder of twice the units.
    e, d = keras.Input((T, F), name="enc_in"), keras.Input((4, 2), name="dec_in")
    _, hf, cf, hb, cb = L.Bidirectional(L.LSTM(3, return_state=True), name="encoder")(e)
    h = L.Concatenate(name="h")([hf, hb])
    c = L.Concatenate(name="c")([cf, cb])
    y = L.LSTM(6, return_sequences=True, name="decoder")(d, initial_state=[h, c])
    y = L.TimeDistributed(L.Dense(3, activation="softmax"), name="out")(y)
    return [e, d], y, enc_dec_data(r)


@case("decoder_step_states", note="outputs: the decoder's output and its two states; 'decoder' repeats in "
      "output_names, so its npz keys carry the tensor index")
def _(r):
    # The inference half of a seq2seq model: states in, states out.
    d = keras.Input((1, 2), name="dec_in")
    hi, ci = keras.Input((5,), name="h_in"), keras.Input((5,), name="c_in")
    y, h, c = L.LSTM(5, return_sequences=True, return_state=True, name="decoder")(d, initial_state=[hi, ci])
    y = L.Dense(3, activation="softmax", name="out")(y)
    return [d, hi, ci], [y, h, c], {"dec_in": seq(r, 1, 2), "h_in": vec(r, 5), "c_in": vec(r, 5)}


# ----- multi-output -----

def two_heads(r):
    x = keras.Input((T, F), name="x")
    z = L.LSTM(6, name="lstm")(x)
    cls = L.Dense(3, activation="softmax", name="cls")(z)
    reg = L.Dense(2, name="reg")(z)
    return x, [cls, reg], {"x": seq(r)}


case("multi_output_dict", compile=dict(
    optimizer="sgd", loss={"cls": "sparse_categorical_crossentropy", "reg": "mse"},
    loss_weights={"cls": 1.0, "reg": 0.5}, metrics={"cls": ["accuracy"]}))(two_heads)
case("multi_output_list", compile=dict(
    optimizer="sgd", loss=["sparse_categorical_crossentropy", "mse"], loss_weights=[1.0, 0.5],
    metrics=[["accuracy"], []]))(two_heads)


# ----- stateful -----

STATEFUL_CALLS = 3
STATEFUL_RESET_BEFORE = [3]


@case("stateful_lstm", note="predicted 3 times: call 2 carries call 1's state; reset_states() before call 3, "
      "whose input is call 1's")
def _(r):
    x = keras.Input(batch_shape=(2, 1, 3), name="x")
    y = L.Dense(2, name="out")(L.LSTM(4, stateful=True, name="lstm")(x))
    x1 = r.normal(size=(2, 1, 3)).astype("float32")
    x2 = r.normal(size=(2, 1, 3)).astype("float32")
    return x, y, {"x": x1, "call2/x": x2, "call3/x": x1}


# ----- build, save, predict -----

def build(name, fn, comp):
    keras.utils.set_random_seed(seed(name) % 100000)
    r = rng(name)
    inputs, outputs, data = fn(r)
    model = keras.Model(inputs, outputs, name=name)
    for v in model.weights:  # every bias shifted so that nothing matches by being zero
        if v.path.endswith("bias"):
            v.assign(v.numpy() + r.normal(scale=0.3, size=v.shape).astype("float32"))
    if comp:
        model.compile(**comp)
    return model, data


def output_keys(model):
    names = list(model.output_names)
    keys = []
    for name, t in zip(names, model.outputs):
        if names.count(name) > 1:
            keys.append(f"out:{name}/{t._keras_history[2]}")
        else:
            keys.append(f"out:{name}")
    assert len(set(keys)) == len(keys), keys
    return keys


def first_line(e):
    return f"{type(e).__name__}: {str(e).strip().splitlines()[0] if str(e).strip() else ''}"[:300]


def save_all(model, name, notes):
    files = {}
    targets = {
        "keras": (f"{name}.keras", lambda p: model.save(p)),
        "h5": (f"{name}.h5", lambda p: model.save(p)),
        "json": (f"{name}.json", lambda p: open(p, "w").write(model.to_json())),
        "weights": (f"{name}.weights.h5", lambda p: model.save_weights(p)),
        "savedmodel": (f"{name}_savedmodel", lambda p: model.export(p)),
    }
    for kind, (fname, write) in targets.items():
        p = os.path.join(OUT, fname)
        shutil.rmtree(p, ignore_errors=True) if os.path.isdir(p) else (os.path.exists(p) and os.remove(p))
        try:
            with contextlib.redirect_stdout(io.StringIO()):  # export prints the endpoint summary
                write(p)
            files[kind] = fname
        except Exception as e:
            notes.append(f"Keras cannot write {kind}: {first_line(e)}")
            print(f"func: {name}: Keras cannot write {kind}: {first_line(e)}")
    return files


def feed(model, data, prefix=""):
    return [data[prefix + i.name] for i in model.inputs]


def predict(model, data, prefix=""):
    x = feed(model, data, prefix)
    y = model.predict(x if len(x) > 1 else x[0], batch_size=len(x[0]), verbose=0)
    ys = y if isinstance(y, (list, tuple)) else [y]
    return [np.asarray(v, dtype="float32") for v in ys]


def reset(model):
    for layer in model.layers:
        if getattr(layer, "stateful", False):
            layer.reset_states()


def max_err(want, got):
    if len(want) != len(got):
        raise ValueError(f"{len(got)} outputs, expected {len(want)}")
    e = 0.0
    for w, g in zip(want, got):
        g = np.asarray(g, dtype="float32")
        if g.shape != w.shape:
            raise ValueError(f"shape {g.shape}, expected {w.shape}")
        e = max(e, float(np.abs(g - w).max()))
    return e


def keras_reload(model, name, files, data, want):
    """Keras loading its own files back: max abs difference from predict, or the error."""
    loaders = {
        "keras": lambda: keras.models.load_model(os.path.join(OUT, files["keras"])),
        "h5": lambda: keras.models.load_model(os.path.join(OUT, files["h5"])),
        "h5+compile=False": lambda: keras.models.load_model(os.path.join(OUT, files["h5"]), compile=False),
        "json+weights": lambda: json_with_weights(files),
    }
    result = {}
    for kind, load in loaders.items():
        if kind.split("+")[0] not in files:
            continue
        if kind == "h5+compile=False" and (not model.compiled or isinstance(result.get("h5"), float)):
            continue  # tried only where loading the compiled .h5 failed
        try:
            m = load()
            result[kind] = max_err(want, predict(m, data))
        except Exception as e:
            result[kind] = first_line(e)
            print(f"func: {name}: Keras cannot reload its {kind}: {first_line(e)}")
    return result


def op_nodes(model):
    """Config entries that are no layer of model.layers: keras.ops calls Keras records in the graph
    (the masks a merge or an RNN receives are computed by NotEqual, Any, LogicalOr, ... nodes)."""
    layers = {l.name for l in model.layers}
    return [f"{l['name']}: {l['module']}.{l['class_name']}" for l in model.get_config()["layers"]
            if l["name"] not in layers]


def json_with_weights(files):
    m = keras.models.model_from_json(open(os.path.join(OUT, files["json"])).read())
    m.load_weights(os.path.join(OUT, files["weights"]))
    return m


def check_savedmodel(model, path, data, want):
    """The serving_default signature's names, and its outputs against predict (state fresh)."""
    fn = tf.saved_model.load(path).signatures["serving_default"]
    ins = sorted(fn.structured_input_signature[1].keys())
    outs = sorted(fn.structured_outputs.keys(), key=lambda k: int(k.split("_")[-1]) if k[-1].isdigit() else k)
    got = fn(**{i.name: tf.constant(data[i.name]) for i in model.inputs})
    return {"signature_inputs": ins, "signature_outputs": outs,
            "max_abs_err": max_err(want, [got[k].numpy() for k in outs])}


def main():
    os.makedirs(OUT, exist_ok=True)
    if os.path.exists(MANIFEST):
        os.remove(MANIFEST)
    models = []
    for name, fn, comp, note in CASES:
        model, data = build(name, fn, comp)
        stateful = any(getattr(l, "stateful", False) for l in model.layers)
        notes = [note] if note else []
        files = save_all(model, name, notes)  # before predicting: a stateful model's states are zero
        keys = output_keys(model)
        arrays = dict(data)
        ys = predict(model, data)
        arrays.update(zip(keys, ys))
        calls = None
        if stateful:
            calls = {"count": STATEFUL_CALLS, "reset_before": STATEFUL_RESET_BEFORE}
            for k in range(2, STATEFUL_CALLS + 1):
                if k in STATEFUL_RESET_BEFORE:
                    reset(model)
                arrays.update(zip([f"call{k}/{key}" for key in keys], predict(model, data, f"call{k}/")))
            arrays["reset_before_calls"] = np.asarray(STATEFUL_RESET_BEFORE, dtype="int32")
        np.savez(os.path.join(OUT, f"{name}.npz"), **arrays)
        sm = None
        if "savedmodel" in files:
            try:
                sm = check_savedmodel(model, os.path.join(OUT, files["savedmodel"]), data, ys)
            except Exception as e:
                sm = {"error": first_line(e)}
                print(f"func: {name}: its SavedModel does not run: {first_line(e)}")
        models.append({
            "name": name,
            "inputs": [{"name": i.name, "shape": list(i.shape), "dtype": i.dtype} for i in model.inputs],
            "outputs": list(model.output_names),
            "output_keys": keys,
            "output_shapes": [list(y.shape) for y in ys],
            "npz": f"{name}.npz",
            "files": files,
            "notes": notes,
            "layers": [l.__class__.__name__ for l in model.layers],
            "compile": comp,
            "savedmodel": sm,
            "keras_reload": keras_reload(model, name, files, data, ys),
            "op_nodes": op_nodes(model),
            "calls": calls,
        })
        c = models[-1]
        print(f"func: {name}: in {[(i['name'], tuple(i['shape'])) for i in c['inputs']]} -> "
              f"out {list(zip(c['output_keys'], map(tuple, c['output_shapes'])))}")
    with open(MANIFEST, "w") as f:
        json.dump({"script_sha256": SCRIPT_SHA, "keras": keras.__version__, "tensorflow": tf.__version__,
                   "models": models}, f, indent=1)
    print(f"func: {len(models)} models written to {OUT} (keras {keras.__version__}, tensorflow {tf.__version__})")


main()
