"""Python-trained models for jkeras jobs to start from (JobFromKerasFileTest).

Usage: job_start_models.py OUTDIR
Writes x.npy, y.npy; model.keras and model.h5 (compiled: Adam 0.01, mse, one epoch trained);
their predictions on x (pred.npy); and fine.npy: the weights after Keras trains two more epochs
from model.keras with shuffle=False, batch 16 (what a resumed jkeras job should come near).
"""
import os
import sys

import numpy as np
import keras

out = sys.argv[1]
os.makedirs(out, exist_ok=True)
keras.utils.set_random_seed(3)
rng = np.random.default_rng(3)
x = rng.random((64, 6, 3), dtype=np.float32)
y = x[:, :, 1].mean(axis=1, keepdims=True).astype(np.float32)
np.save(os.path.join(out, "x.npy"), x)
np.save(os.path.join(out, "y.npy"), y)
m = keras.Sequential([keras.Input((6, 3)), keras.layers.GRU(8), keras.layers.Dense(1)], name="python_trained")
m.compile(optimizer=keras.optimizers.Adam(0.01), loss="mse", metrics=["mae"])
m.fit(x, y, epochs=1, batch_size=16, shuffle=False, verbose=0)
m.save(os.path.join(out, "model.keras"))
m.save(os.path.join(out, "model.h5"))
np.save(os.path.join(out, "pred.npy"), m.predict(x, verbose=0))
print("job_start_models: wrote", out)
