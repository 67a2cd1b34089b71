"""Java -> Python: opens every file jkeras wrote for each case the way a Python user would, and
compares with jkeras's own predictions (y.npy).

Usage: j2p_check.py CASES.json RESULTS.json

CASES.json: [{"name", "dir", "ids", "batch_size", "stateful"}], each dir holding model.keras,
model.weights.h5, model.json, savedmodel/, x.npy, y.npy. RESULTS.json gets, per case and check,
{"max_abs_err": e} or {"error": "..."}, plus the warnings load_model gave (layer variables
skipped vs optimizer state skipped). The JUnit side (JavaToPythonTest) judges them.
"""
import json
import os
import sys
import traceback
import warnings

import numpy as np
import keras
import tensorflow as tf


def feed(case):
    x = np.load(os.path.join(case["dir"], "x.npy"))
    # Token ids go in as a Python user has them: int32 numpy arrays.
    return x.astype(np.int32) if case["ids"] else x.astype(np.float32)


def batches(case, x):
    """Stateful models run batch after batch (fixed batch size); others in one call."""
    if not case["stateful"]:
        return [x]
    b = case["batch_size"]
    return [x[i:i + b] for i in range(0, len(x), b)]


def only(out):
    if isinstance(out, dict):
        if len(out) != 1:
            raise ValueError(f"expected one output, got {sorted(out)}")
        out = next(iter(out.values()))
    return np.asarray(out)


def by_batches(case, x, fn):
    return np.concatenate([only(fn(xb)) for xb in batches(case, x)], axis=0)


def err(want, got):
    got = np.asarray(got, dtype=np.float32)
    if got.shape != want.shape:
        raise ValueError(f"shape {got.shape}, expected {want.shape}")
    return float(np.abs(got - want).max())


def check_load_model(case, x, want, result):
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        m = keras.models.load_model(os.path.join(case["dir"], "model.keras"))
    for w in caught:
        text = str(w.message).strip().splitlines()[0]
        if "optimizer" in text.lower():
            result["optimizer_warnings"].append(text)
        elif "skip" in text.lower() or "could not be loaded" in text.lower() or "variable" in text.lower():
            result["layer_warnings"].append(text)
    return err(want, m.predict(x, batch_size=case["batch_size"], verbose=0))


def call_model(case, x, m):
    # model(x): batch by batch for stateful models (state carries as in predict); cheaper than
    # predict's tracing, which load_model's check already covers.
    return by_batches(case, x, lambda xb: m(xb, training=False))


def check_json_load_weights(case, x, want, result):
    with open(os.path.join(case["dir"], "model.json")) as f:
        m = keras.models.model_from_json(f.read())
    m.load_weights(os.path.join(case["dir"], "model.weights.h5"))
    return err(want, call_model(case, x, m))


def loaded(case):
    """The SavedModel loaded once per case; afresh for each check of a stateful model (its state)."""
    if case["stateful"] or "_loaded" not in case:
        case["_loaded"] = tf.saved_model.load(os.path.join(case["dir"], "savedmodel"))
    return case["_loaded"]


def check_signature(case, x, want, result):
    fn = loaded(case).signatures["serving_default"]
    (key,) = fn.structured_input_signature[1].keys()
    return err(want, by_batches(case, x, lambda xb: fn(**{key: tf.constant(xb)})))


def check_tfsm(endpoint):
    def check(case, x, want, result):
        layer = keras.layers.TFSMLayer(os.path.join(case["dir"], "savedmodel"), call_endpoint=endpoint)
        return err(want, by_batches(case, x, layer))
    return check


def check_serve(case, x, want, result):
    return err(want, by_batches(case, x, loaded(case).serve))


CHECKS = {
    "load_model": check_load_model,
    "json_load_weights": check_json_load_weights,
    "signature_serving_default": check_signature,
    "tfsm_serving_default": check_tfsm("serving_default"),
    "sm_serve": check_serve,
    "tfsm_serve": check_tfsm("serve"),
}


def main():
    cases = json.load(open(sys.argv[1]))
    results = []
    for case in cases:
        x = feed(case)
        want = np.load(os.path.join(case["dir"], "y.npy")).astype(np.float32)
        result = {"name": case["name"], "checks": {}, "layer_warnings": [], "optimizer_warnings": []}
        for name, check in CHECKS.items():
            if name in case.get("skip", {}):
                result["checks"][name] = {"skipped": case["skip"][name]}
                continue
            try:
                result["checks"][name] = {"max_abs_err": check(case, x, want, result)}
            except Exception as e:  # recorded; the JUnit side fails the test with it
                msg = f"{type(e).__name__}: {e}".strip().splitlines()
                result["checks"][name] = {"error": " ".join(msg[:3])[:400]}
                if os.environ.get("J2P_TRACE"):
                    traceback.print_exc()
        line = " ".join(f"{k}={v['max_abs_err']:.3g}" if "max_abs_err" in v else f"{k}={'skipped' if 'skipped' in v else 'ERR'}"
                        for k, v in result["checks"].items())
        print(f"{case['name']}: {line}", flush=True)
        results.append(result)
    with open(sys.argv[2], "w") as f:
        json.dump({"keras": keras.__version__, "tensorflow": tf.__version__, "cases": results}, f, indent=1)


if __name__ == "__main__":
    main()
