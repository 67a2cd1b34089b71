"""Real Keras 3 for jkeras's RnnStatesTest: Functional models whose RNNs return their states
(return_state) and start from given ones (initial_state), both ways.

Usage:
  rnn_states.py make DIR
      Builds every case below in Keras with fixed weights and writes, per case, DIR/<case>/:
      model.keras, model.json, model.weights.h5, x<i>.npy (inputs, float32) and y<i>.npy (Keras's
      predictions); DIR/cases.json lists {"name", "inputs", "outputs"} per case.
  rnn_states.py check CASES.json RESULTS.json
      CASES.json: [{"name", "dir", "int_inputs": [bool per input]}], each dir written by jkeras
      (model.keras, model.json, model.weights.h5, x<i>.npy, y<i>.npy = jkeras's predictions).
      Keras opens each as a Python user would (load_model; model_from_json + load_weights) and
      reports per case {"keras_file": max_abs_err or {"error"}, "json_weights": ..., "layers":
      {name: {"inbound_nodes", "build_config"}} as Keras writes them again}.
"""
import json
import os
import sys
import traceback

import numpy as np
import keras
from keras import layers

BATCH = 4


def ids_input(length, name):
    return keras.Input((length,), dtype="int32", name=name)


def lstm_encdec():
    enc_in = keras.Input((5, 3), name="enc_in")
    dec_in = keras.Input((6, 2), name="dec_in")
    o, h, c = layers.LSTM(4, return_state=True, name="encoder")(enc_in)
    d = layers.LSTM(4, return_sequences=True, name="decoder")(dec_in, initial_state=[h, c])
    head = layers.Dense(3, name="head")(d)
    # o and h hold the same values
    return keras.Model([enc_in, dec_in], [head, o, h, c], name="lstm_encdec")


def gru_encdec():
    enc_in = keras.Input((5, 3), name="enc_in")
    dec_in = keras.Input((6, 2), name="dec_in")
    _, h = layers.GRU(4, return_state=True, go_backwards=True, name="encoder")(enc_in)
    # one state passed bare, as Python users do for GRU
    d, dh = layers.GRU(4, return_sequences=True, return_state=True, name="decoder")(dec_in, initial_state=h)
    head = layers.Dense(3, name="head")(d)
    return keras.Model([enc_in, dec_in], [head, dh], name="gru_encdec")


def simplernn_encdec():
    enc_in = keras.Input((5, 3), name="enc_in")
    dec_in = keras.Input((6, 2), name="dec_in")
    seq, h = layers.SimpleRNN(4, return_sequences=True, return_state=True, name="encoder")(enc_in)
    d = layers.SimpleRNN(4, name="decoder")(dec_in, initial_state=[h])
    head = layers.Dense(2, name="head")(d)
    return keras.Model([enc_in, dec_in], [head, seq], name="simplernn_encdec")


def bidi_lstm_encdec():
    enc_in = keras.Input((5, 3), name="enc_in")
    dec_in = keras.Input((6, 2), name="dec_in")
    out, fh, fc, bh, bc = layers.Bidirectional(layers.LSTM(4, return_state=True), name="bi_encoder")(enc_in)
    h = layers.Concatenate(name="h")([fh, bh])
    c = layers.Concatenate(name="c")([fc, bc])
    d = layers.LSTM(8, return_sequences=True, name="decoder")(dec_in, initial_state=[h, c])
    head = layers.Dense(3, name="head")(d)
    return keras.Model([enc_in, dec_in], [head, out], name="bidi_lstm_encdec")


def masked_encdec():
    ids = ids_input(5, "ids")
    dec_ids = ids_input(6, "dec_ids")
    e = layers.Embedding(10, 3, mask_zero=True, name="enc_embed")(ids)
    seq, h, c = layers.LSTM(4, return_sequences=True, return_state=True, go_backwards=True, name="encoder")(e)
    d = layers.Embedding(10, 3, mask_zero=True, name="dec_embed")(dec_ids)
    # Keras 3 runs this call unmasked: the sequence is not its only tensor argument
    d = layers.LSTM(4, return_sequences=True, name="decoder")(d, initial_state=[h, c])
    head = layers.Dense(3, name="head")(d)
    return keras.Model([ids, dec_ids], [head, seq, h, c], name="masked_encdec")


def masked_bidi_lstm():
    ids = ids_input(5, "ids")
    e = layers.Embedding(10, 3, mask_zero=True, name="embed")(ids)
    outs = layers.Bidirectional(layers.LSTM(3, return_sequences=True, return_state=True), name="bi")(e)
    return keras.Model(ids, list(outs), name="masked_bidi_lstm")


def bidi_gru_initial():
    ids = ids_input(5, "ids")
    s = keras.Input((2,), name="s")
    e = layers.Embedding(10, 3, mask_zero=True, name="embed")(ids)
    f0 = layers.Dense(3, activation="tanh", name="init_f")(s)
    b0 = layers.Dense(3, activation="tanh", name="init_b")(s)
    outs = layers.Bidirectional(layers.GRU(3, return_sequences=True, return_state=True), merge_mode=None,
                                name="bi")(e, initial_state=[f0, b0])
    return keras.Model([ids, s], list(outs), name="bidi_gru_initial")


CASES = [lstm_encdec, gru_encdec, simplernn_encdec, bidi_lstm_encdec, masked_encdec, masked_bidi_lstm,
         bidi_gru_initial]


def fixed_weights(model, seed):
    rng = np.random.default_rng(seed)
    model.set_weights([rng.uniform(-0.6, 0.6, w.shape).astype(np.float32) for w in model.get_weights()])


def inputs_for(model, seed):
    rng = np.random.default_rng(seed)
    xs = []
    for t in model.inputs:
        shape = (BATCH,) + tuple(t.shape[1:])
        if "int" in str(t.dtype):
            x = rng.integers(1, 10, size=shape)
            # padding at the end of most rows, one zero inside a row, one row all padding but its first step
            for i in range(BATCH):
                x[i, shape[1] - i:] = 0
            x[1, 1] = 0
            x[3, 1:] = 0
            xs.append(x.astype(np.int32))
        else:
            xs.append(rng.uniform(-1, 1, size=shape).astype(np.float32))
    return xs


def as_list(out):
    return [np.asarray(o) for o in out] if isinstance(out, (list, tuple)) else [np.asarray(out)]


def make(root):
    listing = []
    for i, case in enumerate(CASES):
        keras.utils.set_random_seed(i)
        m = case()
        fixed_weights(m, 100 + i)
        d = os.path.join(root, m.name)
        os.makedirs(d, exist_ok=True)
        m.save(os.path.join(d, "model.keras"))
        m.save_weights(os.path.join(d, "model.weights.h5"))
        with open(os.path.join(d, "model.json"), "w") as f:
            f.write(m.to_json())
        xs = inputs_for(m, 200 + i)
        ys = as_list(m.predict(xs if len(xs) > 1 else xs[0], verbose=0))
        for k, x in enumerate(xs):
            np.save(os.path.join(d, "x%d.npy" % k), x.astype(np.float32))
        for k, y in enumerate(ys):
            np.save(os.path.join(d, "y%d.npy" % k), y.astype(np.float32))
        listing.append({"name": m.name, "inputs": len(xs), "outputs": len(ys)})
    with open(os.path.join(root, "cases.json"), "w") as f:
        json.dump(listing, f)


def max_err(want, got):
    if len(want) != len(got):
        raise ValueError("%d outputs, expected %d" % (len(got), len(want)))
    e = 0.0
    for w, g in zip(want, got):
        g = np.asarray(g, dtype=np.float32)
        if g.shape != w.shape:
            raise ValueError("shape %s, expected %s" % (g.shape, w.shape))
        e = max(e, float(np.abs(g - w).max()))
    return e


def attempt(fn):
    try:
        return fn()
    except Exception:
        return {"error": traceback.format_exc()[-3000:]}


def check(spec_path, results_path):
    results = {"keras": keras.__version__}
    for case in json.load(open(spec_path)):
        d = case["dir"]
        xs = []
        for k, is_int in enumerate(case["int_inputs"]):
            x = np.load(os.path.join(d, "x%d.npy" % k))
            xs.append(x.astype(np.int32) if is_int else x.astype(np.float32))
        want = []
        k = 0
        while os.path.exists(os.path.join(d, "y%d.npy" % k)):
            want.append(np.load(os.path.join(d, "y%d.npy" % k)))
            k += 1
        r = {}
        loaded = {}

        def from_file():
            m = keras.models.load_model(os.path.join(d, "model.keras"))
            loaded["m"] = m
            return max_err(want, as_list(m.predict(xs if len(xs) > 1 else xs[0], verbose=0)))

        def from_json():
            with open(os.path.join(d, "model.json")) as f:
                m = keras.models.model_from_json(f.read())
            m.load_weights(os.path.join(d, "model.weights.h5"))
            return max_err(want, as_list(m(xs if len(xs) > 1 else xs[0], training=False)))

        r["keras_file"] = attempt(from_file)
        r["json_weights"] = attempt(from_json)
        if "m" in loaded:
            cfg = json.loads(loaded["m"].to_json())["config"]
            r["layers"] = {l["name"]: {"inbound_nodes": l.get("inbound_nodes"), "build_config": l.get("build_config")}
                           for l in cfg["layers"]}
        results[case["name"]] = r
    with open(results_path, "w") as f:
        json.dump(results, f)


if __name__ == "__main__":
    if sys.argv[1] == "make":
        make(sys.argv[2])
    elif sys.argv[1] == "check":
        check(sys.argv[2], sys.argv[3])
    else:
        raise SystemExit(__doc__)
