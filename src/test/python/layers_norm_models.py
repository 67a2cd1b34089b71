"""Python -> Java for the normalization, reshaping, noise and regularization layers: real Keras 3
(TensorFlow backend) builds sequence models that use BatchNormalization (in a Dense head, on
sequences, on the time axis, masked), LayerNormalization (between LSTMs, over several axes, with
rms_scaling), UnitNormalization, Reshape and Permute around recurrent layers, SpatialDropout1D,
GaussianNoise, GaussianDropout (inactive at inference), ActivityRegularization and Identity, with
masks from Embedding(mask_zero=True) passing through them, and saves each in every format Keras
writes with Keras's own predictions (model_cases.py says what each file and the manifest hold).

BatchNormalization's moving statistics are taken off their initial 0/1: one model is trained for a
few steps in its builder (Keras's own update rule moves them), the others get seeded random values;
gamma and beta are randomized too, so that a loader that drops or reorders any of the four weights
cannot match.

    python layers_norm_models.py OUT_DIR
"""

import model_cases as mc

mc.start(__file__, "target/interop/layers_norm", "norm")
from model_cases import F, N, T, case, ids, keras, L, np, seq  # noqa: E402


def randomize(layer, r):
    """Seeded gamma, beta and moving statistics (variance positive) for a built normalization layer."""
    for v in layer.weights:
        name = v.path.split("/")[-1]
        shape = tuple(v.shape)
        if name == "gamma":
            v.assign(r.uniform(0.5, 1.5, size=shape).astype("float32"))
        elif name == "beta" or name == "moving_mean":
            v.assign(r.normal(scale=0.5, size=shape).astype("float32"))
        elif name == "moving_variance":
            v.assign(r.uniform(0.3, 2.0, size=shape).astype("float32"))
    return layer


@case("ln_between_lstms")
def _(r):
    x = keras.Input((T, F), name="x")
    h = L.LSTM(6, return_sequences=True, name="lstm_1")(x)
    ln = L.LayerNormalization(name="ln")
    h = ln(h)
    randomize(ln, r)
    h = L.LSTM(4, name="lstm_2")(h)
    return x, L.Dense(2, name="out")(h), {"x": seq(r)}


@case("bn_dense_head_trained")
def _(r):
    # The head is trained a few steps here, so that the moving statistics are Keras's own updates.
    x = keras.Input((T, F), name="x")
    h = L.LSTM(6, name="lstm")(x)
    h = L.Dense(8, activation="relu", name="dense")(h)
    h = L.BatchNormalization(momentum=0.8, name="bn")(h)
    y = L.Dense(3, activation="softmax", name="out")(h)
    m = keras.Model(x, y)
    m.compile(optimizer=keras.optimizers.SGD(0.1), loss="sparse_categorical_crossentropy")
    xt = r.normal(size=(32, T, F)).astype("float32")
    m.fit(xt, r.integers(0, 3, size=(32,)), batch_size=8, epochs=2, verbose=0, shuffle=False)
    mm = m.get_layer("bn").moving_mean.numpy()
    assert np.abs(mm).max() > 1e-3, mm  # trained off the initial zeros
    return x, y, {"x": seq(r)}


@case("bn_sequence_masked")
def _(r):
    # BatchNormalization on an embedded sequence: the mask passes through it into the LSTM.
    tok = keras.Input((6,), dtype="int32", name="tokens")
    e = L.Embedding(12, 5, mask_zero=True, name="emb")(tok)
    bn = L.BatchNormalization(name="bn")
    h = bn(e)
    randomize(bn, r)
    h = L.LSTM(4, name="lstm")(h)
    return tok, L.Dense(2, name="out")(h), {"tokens": ids(r, 6, 12)}


@case("bn_time_axis_no_center")
def _(r):
    # axis=1 normalizes per timestep; center=False (no beta), scale=False on a second one (no gamma).
    x = keras.Input((T, F), name="x")
    bn1 = L.BatchNormalization(axis=1, center=False, epsilon=0.01, name="bn_time")
    h = bn1(x)
    randomize(bn1, r)
    h = L.GRU(5, return_sequences=True, name="gru")(h)
    bn2 = L.BatchNormalization(scale=False, name="bn_feat")
    h = bn2(h)
    randomize(bn2, r)
    return x, L.SimpleRNN(3, name="out")(h), {"x": seq(r)}


@case("reshape_permute_rnn")
def _(r):
    # (6, 4) -> (3, 8) -> LSTM sequences (3, 5) -> time and features swapped (5, 3) -> LSTM -> flat.
    x = keras.Input((6, 4), name="x")
    h = L.Reshape((3, 8), name="reshape")(x)
    h = L.LSTM(5, return_sequences=True, name="lstm_1")(h)
    h = L.Permute((2, 1), name="permute")(h)
    h = L.LSTM(4, return_sequences=True, name="lstm_2")(h)
    h = L.Reshape((-1,), name="flat")(h)
    return x, L.Dense(2, name="out")(h), {"x": seq(r, 6, 4)}


@case("reshape_infer_dim")
def _(r):
    # Reshape with -1 in the middle and a 3-axis Permute, around a GRU.
    x = keras.Input((4, 6), name="x")
    h = L.Reshape((2, -1, 3), name="reshape")(x)     # (2, 4, 3)
    h = L.Permute((2, 1, 3), name="permute")(h)      # (4, 2, 3)
    h = L.Reshape((4, 6), name="back")(h)
    h = L.GRU(3, name="gru")(h)
    return x, L.Dense(2, name="out")(h), {"x": seq(r, 4, 6)}


@case("noise_layers_masked")
def _(r):
    # Every noise/dropout layer (inactive at inference) and ActivityRegularization and Identity
    # between a masking Embedding and an LSTM: the mask passes through all of them.
    tok = keras.Input((7,), dtype="int32", name="tokens")
    h = L.Embedding(15, 6, mask_zero=True, name="emb")(tok)
    h = L.SpatialDropout1D(0.3, name="spatial")(h)
    h = L.GaussianNoise(0.2, name="noise")(h)
    h = L.GaussianDropout(0.25, seed=3, name="gdrop")(h)
    h = L.ActivityRegularization(l1=0.01, l2=0.02, name="act_reg")(h)
    h = L.Identity(name="identity")(h)
    h = L.LSTM(4, return_sequences=True, name="lstm_1")(h)
    ln = L.LayerNormalization(name="ln")
    h = ln(h)
    randomize(ln, r)
    h = L.UnitNormalization(name="unit")(h)
    h = L.LSTM(3, name="lstm_2")(h)
    return tok, L.Dense(2, name="out")(h), {"tokens": ids(r, 7, 15)}


@case("norm_axes_variants")
def _(r):
    # LayerNormalization over (time, features), with rms_scaling, without center/scale;
    # UnitNormalization over the time axis.
    x = keras.Input((T, F), name="x")
    h = L.Dense(6, name="dense")(x)
    ln1 = L.LayerNormalization(axis=[1, 2], epsilon=1e-5, name="ln_both")
    h = ln1(h)
    randomize(ln1, r)
    ln2 = L.LayerNormalization(rms_scaling=True, name="ln_rms")
    h = ln2(h)
    randomize(ln2, r)
    h = L.LayerNormalization(center=False, scale=False, name="ln_plain")(h)
    h = L.UnitNormalization(axis=1, name="unit_time")(h)
    h = L.LSTM(4, name="lstm")(h)
    return x, L.Dense(2, name="out")(h), {"x": seq(r)}


@case("bn_ln_compiled", compile=dict(optimizer="adam", loss="mse"))
def _(r):
    # A compiled model (its optimizer state and compile config in the files) with regularized and
    # constrained normalization weights.
    x = keras.Input((T, F), name="x")
    bn = L.BatchNormalization(gamma_regularizer="l2", beta_constraint="non_neg",
                              moving_variance_initializer="ones", name="bn")
    h = bn(x)
    randomize(bn, r)
    h = L.LSTM(5, return_sequences=True, name="lstm")(h)
    ln = L.LayerNormalization(beta_regularizer=keras.regularizers.L1(0.01), gamma_constraint="max_norm", name="ln")
    h = ln(h)
    randomize(ln, r)
    h = L.LSTM(3, name="lstm_2")(h)
    return x, L.Dense(2, name="out")(h), {"x": seq(r)}


mc.main()
