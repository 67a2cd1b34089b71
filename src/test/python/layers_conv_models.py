"""Python -> Java for the 1D convolution, pooling and shape layers: real Keras 3 (TensorFlow backend)
builds small sequence models with Conv1D (same / causal / valid padding, strides, dilation, groups,
regularizers and constraints), SeparableConv1D, DepthwiseConv1D, Conv1DTranspose, MaxPooling1D,
AveragePooling1D, GlobalMaxPooling1D, GlobalAveragePooling1D (after masked LSTMs, so that masks
matter), Cropping1D, ZeroPadding1D and UpSampling1D, and saves each in every format Keras writes
with Keras's own predictions (model_cases.py says what each file and the manifest hold).

    python layers_conv_models.py OUT_DIR
"""

import model_cases as mc

mc.start(__file__, "target/interop/layers_conv", "conv")
from model_cases import F, case, ids, keras, L, seq  # noqa: E402

S = 12  # steps of the conv models' sequences


# ----- Conv1D front-ends before recurrent layers -----

@case("conv_same_lstm")
def _(r):
    x = keras.Input((S, F), name="x")
    h = L.Conv1D(8, 3, padding="same", activation="relu", name="conv")(x)
    h = L.LSTM(5, name="lstm")(h)
    return x, L.Dense(2, name="out")(h), {"x": seq(r, S, F)}


@case("conv_causal_dilated_gru")
def _(r):
    # A WaveNet-like causal stack: dilations 1, 2, 4; step t sees only steps <= t.
    x = keras.Input((S, F), name="x")
    h = L.Conv1D(6, 2, padding="causal", activation="tanh", name="c1")(x)
    h = L.Conv1D(6, 2, padding="causal", dilation_rate=2, activation="tanh", name="c2")(h)
    h = L.Conv1D(4, 3, padding="causal", dilation_rate=4, name="c4")(h)
    h = L.GRU(4, return_sequences=True, name="gru")(h)
    return x, L.Dense(2, name="out")(h), {"x": seq(r, S, F)}


@case("conv_valid_strides_groups")
def _(r):
    x = keras.Input((S, 6), name="x")
    h = L.Conv1D(6, 3, strides=2, name="strided")(x)  # valid: 5 steps
    h = L.Conv1D(9, 3, groups=3, padding="same", use_bias=True, activation="elu", name="grouped")(h)
    h = L.Conv1D(6, 2, groups=3, padding="valid", use_bias=False, dilation_rate=2, name="grouped_dil")(h)
    h = L.LSTM(4, name="lstm")(h)
    return x, L.Dense(3, activation="softmax", name="out")(h), {"x": seq(r, S, 6)}


@case("conv_regularized_constrained")
def _(r):
    x = keras.Input((S, F), name="x")
    h = L.Conv1D(5, 4, strides=3, padding="same", kernel_initializer="he_normal", bias_initializer="ones",
                 kernel_regularizer=keras.regularizers.L2(0.01), bias_regularizer=keras.regularizers.L1(0.02),
                 kernel_constraint=keras.constraints.MaxNorm(2.0), bias_constraint=keras.constraints.NonNeg(),
                 activation="sigmoid", name="conv")(x)
    h = L.SimpleRNN(3, name="rnn")(h)
    return x, L.Dense(2, name="out")(h), {"x": seq(r, S, F)}


# ----- pooling heads -----

@case("pooling_heads")
def _(r):
    x = keras.Input((S, F), name="x")
    h = L.Conv1D(6, 3, padding="same", activation="relu", name="conv")(x)
    a = L.MaxPooling1D(name="max_default")(h)  # pool 2, stride 2
    b = L.MaxPooling1D(pool_size=3, strides=2, padding="same", name="max_same")(h)
    c = L.AveragePooling1D(pool_size=2, padding="same", name="avg_same")(h)
    d = L.AveragePooling1D(pool_size=3, strides=1, name="avg_valid")(h)
    a = L.GlobalMaxPooling1D(name="gmax")(a)
    b = L.GlobalAveragePooling1D(name="gavg")(b)
    c = L.Flatten(name="flat_c")(L.GlobalMaxPooling1D(keepdims=True, name="gmax_keep")(c))
    d = L.Flatten(name="flat_d")(L.GlobalAveragePooling1D(keepdims=True, name="gavg_keep")(d))
    h = L.Concatenate(name="concat")([a, b, c, d])
    return x, L.Dense(2, name="out")(h), {"x": seq(r, S, F)}


@case("pool_then_lstm")
def _(r):
    x = keras.Input((S, F), name="x")
    h = L.Conv1D(4, 5, name="conv")(x)  # valid: 8 steps
    h = L.AveragePooling1D(3, strides=2, name="avg")(h)  # 3 steps
    h = L.MaxPooling1D(2, strides=1, padding="same", name="max")(h)
    return x, L.LSTM(3, name="out")(h), {"x": seq(r, S, F)}


# ----- masks: GlobalAveragePooling1D averages the unmasked steps; GlobalMaxPooling1D and Conv1D drop the mask -----

@case("masked_global_pools")
def _(r):
    tok = keras.Input((8,), dtype="int32", name="tokens")
    e = L.Embedding(15, 4, mask_zero=True, name="emb")(tok)
    h = L.LSTM(5, return_sequences=True, name="lstm")(e)
    a = L.GlobalAveragePooling1D(name="gavg")(h)
    m = L.GlobalMaxPooling1D(name="gmax")(h)
    h = L.Concatenate(name="concat")([a, m])
    return tok, L.Dense(2, name="out")(h), {"tokens": ids(r, 8, 15)}


@case("masked_embedding_gavg")
def _(r):
    # The mask reaches the pooling straight from the Embedding (the padded rows are not zero).
    tok = keras.Input((7,), dtype="int32", name="tokens")
    e = L.Embedding(12, 5, mask_zero=True, name="emb")(tok)
    return tok, L.Dense(2, name="out")(L.GlobalAveragePooling1D(name="gavg")(e)), {"tokens": ids(r, 7, 12)}


@case("masked_conv_drops_mask")
def _(r):
    # Conv1D does not support masking: the LSTM after it sees every step.
    tok = keras.Input((8,), dtype="int32", name="tokens")
    e = L.Embedding(15, 4, mask_zero=True, name="emb")(tok)
    h = L.Conv1D(6, 3, padding="same", name="conv")(e)
    h = L.LSTM(4, name="lstm")(h)
    return tok, L.Dense(2, name="out")(h), {"tokens": ids(r, 8, 15)}


# ----- separable, depthwise, transpose -----

@case("separable_depthwise")
def _(r):
    x = keras.Input((S, 4), name="x")
    h = L.SeparableConv1D(6, 3, padding="same", depth_multiplier=2, dilation_rate=2, activation="relu", name="sep")(x)
    h = L.SeparableConv1D(5, 2, strides=2, use_bias=False, name="sep_strided")(h)
    h = L.DepthwiseConv1D(3, depth_multiplier=2, padding="same", name="dw")(h)
    h = L.DepthwiseConv1D(2, strides=2, dilation_rate=2, padding="same", activation="tanh", name="dw_strided_dil")(h)
    h = L.DepthwiseConv1D(2, use_bias=False, name="dw_valid")(h)
    h = L.GlobalAveragePooling1D(name="gavg")(h)
    return x, L.Dense(2, name="out")(h), {"x": seq(r, S, 4)}


@case("separable_strided_dilated")
def _(r):
    x = keras.Input((S, F), name="x")
    h = L.SeparableConv1D(4, 3, strides=2, dilation_rate=2, padding="valid", name="sep")(x)
    return x, L.LSTM(3, name="out")(h), {"x": seq(r, S, F)}


@case("conv_transpose")
def _(r):
    x = keras.Input((S, F), name="x")
    h = L.Conv1D(4, 3, strides=2, name="down")(x)  # 5 steps
    h = L.Conv1DTranspose(3, 3, strides=2, padding="same", name="up_same")(h)  # 10
    h = L.Conv1DTranspose(3, 3, strides=2, output_padding=1, activation="relu", name="up_outpad")(h)  # 22
    h = L.Conv1DTranspose(2, 2, dilation_rate=2, name="up_dil")(h)  # 24
    h = L.Conv1DTranspose(2, 4, strides=3, padding="same", output_padding=2, use_bias=False, name="up_same_outpad")(h)
    h = L.Conv1DTranspose(2, 2, strides=3, name="up_valid_gap")(h)  # stride > kernel: gaps
    return x, L.GlobalMaxPooling1D(name="out")(h), {"x": seq(r, S, F)}


# ----- crop / pad / upsample -----

@case("crop_pad_upsample")
def _(r):
    x = keras.Input((S, F), name="x")
    h = L.ZeroPadding1D((2, 1), name="pad")(x)
    h = L.Conv1D(4, 3, name="conv")(h)
    h = L.Cropping1D((1, 0), name="crop_start")(h)
    h = L.UpSampling1D(3, name="up")(h)
    h = L.Cropping1D(2, name="crop_both")(h)
    h = L.ZeroPadding1D(name="pad_default")(h)
    h = L.UpSampling1D(name="up_default")(h)
    h = L.Cropping1D(name="crop_default")(h)
    return x, L.LSTM(3, name="out")(h), {"x": seq(r, S, F)}


@case("unknown_length")
def _(r):
    # Steps unknown (None) in the model: every layer takes its length from the data.
    x = keras.Input((None, F), name="x")
    h = L.ZeroPadding1D((1, 2), name="pad")(x)
    h = L.Conv1D(4, 3, padding="causal", dilation_rate=2, name="causal")(h)
    h = L.Conv1D(4, 3, strides=2, name="strided")(h)
    h = L.UpSampling1D(2, name="up")(h)
    h = L.Cropping1D((1, 2), name="crop")(h)
    h = L.Conv1DTranspose(3, 3, strides=2, name="tconv")(h)
    h = L.MaxPooling1D(2, padding="same", name="max")(h)
    h = L.SeparableConv1D(3, 2, name="sep")(h)
    h = L.DepthwiseConv1D(2, padding="same", name="dw")(h)
    h = L.LSTM(3, return_sequences=True, name="lstm")(h)
    return x, L.GlobalAveragePooling1D(name="out")(h), {"x": seq(r, 9, F)}


mc.main()
