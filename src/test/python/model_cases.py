"""The shared half of the Python -> Java model generators: each generator (functional_make_models.py,
layers_*_models.py) registers small Keras 3 models with @case; this module builds each under a seed,
shifts its biases, saves it in every format Keras writes, predicts named inputs, and writes the
manifest the Java interop tests read (interop/PythonModelsSuite).

A generator starts with

    import model_cases as mc
    mc.start(__file__, "target/interop/NAME", "label")   # exits at once when its files are up to date
    from model_cases import case, keras, L, seq, vec, ids, padded, T, F, N  # noqa: E402

then defines builders, each returning (inputs, outputs, {input name: data}), and ends with mc.main().

For each model NAME, OUT_DIR (the generator's first argument) holds:
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

A stateful model is predicted STATEFUL_CALLS times: its NAME.npz holds the first call as above, the
second call (state carried from the first) as "call2/<input>" and "call2/out:<name>", and the third,
made after every stateful layer's reset_states(), as "call3/..."; "reset_before_calls" (int32)
lists the calls preceded by a reset. Its files are written before any call, so the states they
hold are zero.

OUT_DIR/manifest.json lists, per model: name, inputs [{name, shape (batch null unless fixed),
dtype}], outputs (model.output_names), output_keys (npz keys, same order), output_shapes, npz,
files (format -> file name), notes, layers (class names of model.layers), params
(model.count_params()), layer_shapes (layer name -> output shape, for each layer called once with
one output, as model.summary() shows them; input layers left out), compile (for compiled models: the arguments), savedmodel (the
serving_default signature's input and output names, and the largest difference between its
outputs and predict's), keras_reload (per format, Keras loading its own file back: the largest
difference from predict, or the error), op_nodes (entries of the config's "layers" that are no
layer of model.layers: keras.ops calls such as NotEqual, Any, LogicalOr that Keras 3 records to
compute the masks it passes on), calls (the stateful call sequence, else null). The manifest also
holds the SHA-256 of the generator, this module and fixture_cache.py: a second run with all three
unchanged (and every listed file present) does nothing and does not import TensorFlow.

Weights come from Keras's initializers under keras.utils.set_random_seed, then every bias is
shifted by seeded random values so that a loader that drops biases cannot match by accident
(moving statistics and other non-trainable weights are left as built: a generator that wants them
off their initial values trains the model in its builder).
"""

import contextlib
import hashlib
import io
import json
import os
import shutil
import sys

from fixture_cache import exit_if_cached, quiet_tensorflow, script_sha256

T, F = 5, 3  # timesteps, features of the float sequences
N = 4  # samples of the non-stateful models
STATEFUL_CALLS = 3
STATEFUL_RESET_BEFORE = [3]
CASES = []  # (name, builder, compile args or None, note)
OUT = MANIFEST = SCRIPT_SHA = LABEL = None
keras = L = tf = np = None


def start(script, default_out, label):
    """Reads OUT_DIR from the command line, exits when the generator's files are up to date, then
    imports Keras (TensorFlow backend) into this module's keras, L, tf, np."""
    global OUT, MANIFEST, SCRIPT_SHA, LABEL, keras, L, tf, np
    OUT = os.path.abspath(sys.argv[1] if len(sys.argv) > 1 else default_out)
    MANIFEST = os.path.join(OUT, "manifest.json")
    SCRIPT_SHA = script_sha256(script, __file__)
    LABEL = label
    exit_if_cached(MANIFEST, SCRIPT_SHA, lambda m: [f for c in m["models"] for f in [c["npz"], *c["files"].values()]],
                   label)
    quiet_tensorflow()
    import numpy
    import keras as k
    import tensorflow
    from keras import layers
    assert k.backend.backend() == "tensorflow", k.backend.backend()
    tensorflow.get_logger().setLevel("ERROR")
    keras, L, tf, np = k, layers, tensorflow, numpy


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
            print(f"{LABEL}: {name}: Keras cannot write {kind}: {first_line(e)}")
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
            print(f"{LABEL}: {name}: Keras cannot reload its {kind}: {first_line(e)}")
    return result


def op_nodes(model):
    """Config entries that are no layer of model.layers: keras.ops calls Keras records in the graph
    (the masks a merge or an RNN receives are computed by NotEqual, Any, LogicalOr, ... nodes)."""
    layers = {l.name for l in model.layers}
    return [f"{l['name']}: {l['module']}.{l['class_name']}" for l in model.get_config()["layers"]
            if l["name"] not in layers]


def layer_shapes(model):
    """Each layer's output shape (batch None as null), as model.summary() shows it, for the layers
    called once with one output; input layers and nested models are left out."""
    shapes = {}
    for layer in model.layers:
        if (len(getattr(layer, "_inbound_nodes", [])) != 1 or isinstance(layer, keras.Model)
                or isinstance(layer, keras.layers.InputLayer)):
            continue
        out = layer.output
        if isinstance(out, (list, tuple)):
            continue
        shapes[layer.name] = list(out.shape)
    return shapes


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
                print(f"{LABEL}: {name}: its SavedModel does not run: {first_line(e)}")
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
            "params": int(model.count_params()),
            "layer_shapes": layer_shapes(model),
            "compile": comp,
            "savedmodel": sm,
            "keras_reload": keras_reload(model, name, files, data, ys),
            "op_nodes": op_nodes(model),
            "calls": calls,
        })
        c = models[-1]
        print(f"{LABEL}: {name}: in {[(i['name'], tuple(i['shape'])) for i in c['inputs']]} -> "
              f"out {list(zip(c['output_keys'], map(tuple, c['output_shapes'])))}")
    with open(MANIFEST, "w") as f:
        json.dump({"script_sha256": SCRIPT_SHA, "keras": keras.__version__, "tensorflow": tf.__version__,
                   "models": models}, f, indent=1)
    print(f"{LABEL}: {len(models)} models written to {OUT} (keras {keras.__version__}, tensorflow {tf.__version__})")


