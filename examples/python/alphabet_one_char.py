"""The alphabet tutorial's one-char framing in real Keras 3, for comparison with jkeras's
AlphabetOneChar (same data, model and hyperparameters: LSTM(32) -> Dense(26, softmax), Adam,
500 epochs, batch 1, shuffled). Prints one accuracy line per seed.

Usage: target/py/bin/python examples/python/alphabet_one_char.py [SEED ...]
"""
import sys

import numpy as np
import keras

letters = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
x = np.array([i / 26.0 for i in range(25)], dtype=np.float32).reshape(25, 1, 1)
y = keras.utils.to_categorical(np.arange(1, 26), 26)
for seed in [int(s) for s in sys.argv[1:]] or [7]:
    keras.utils.set_random_seed(seed)
    model = keras.Sequential([keras.Input((1, 1)), keras.layers.LSTM(32), keras.layers.Dense(26, activation="softmax")])
    model.compile(optimizer="adam", loss="categorical_crossentropy", metrics=["accuracy"])
    model.fit(x, y, epochs=500, batch_size=1, verbose=0)
    loss, acc = model.evaluate(x, y, verbose=0)
    print(f"seed {seed}: accuracy {100 * acc:.2f}% loss {loss:.4f}", flush=True)
