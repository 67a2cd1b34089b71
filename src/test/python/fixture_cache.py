"""Shared by the generators (model_cases.py and its generators, functional_train.py): skip a run whose outputs are all
there, and quiet TensorFlow before it is imported. Imports nothing heavy, so that a cached run
never imports TensorFlow.

A generator's tag is the SHA-256 of its own file and of this one; it writes the tag into its
manifest as "script_sha256", and a later run with the same tag and every listed file present exits
at once.
"""

import hashlib
import json
import os
import sys


def script_sha256(script, *more):
    """The tag of SCRIPT, of the modules it shares (MORE) and of this file."""
    h = hashlib.sha256()
    for path in (script, *more, __file__):
        with open(path, "rb") as f:
            h.update(f.read())
    return h.hexdigest()


def exit_if_cached(manifest, sha, files_of, label):
    """Exits 0 when MANIFEST has tag SHA and every file files_of(manifest) names (relative to the
    manifest's folder) exists; otherwise returns."""
    try:
        with open(manifest) as f:
            m = json.load(f)
    except (OSError, ValueError):
        return
    folder = os.path.dirname(manifest)
    if m.get("script_sha256") == sha and all(os.path.exists(os.path.join(folder, n)) for n in files_of(m)):
        print(f"{label}: cached in {folder}")
        sys.exit(0)


def quiet_tensorflow():
    """Before importing TensorFlow: its C++ notices, Python warnings and absl's legacy-.h5 warning off."""
    os.environ.setdefault("KERAS_BACKEND", "tensorflow")
    os.environ["TF_CPP_MIN_LOG_LEVEL"] = "3"
    import warnings
    warnings.filterwarnings("ignore")
    import absl.logging
    absl.logging.set_verbosity(absl.logging.ERROR)
