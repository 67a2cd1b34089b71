"""Python -> Java for the Functional API: real Keras 3 (TensorFlow backend) builds small Functional
models (merges, masks through merges, shared layers, nested models, residuals, encoder-decoders
with return_state / initial_state, multi-output heads, a stateful model) and saves each in every
format Keras writes, with named inputs and Keras's own predictions for them (model_cases.py says
what each file and the manifest hold).

    python functional_make_models.py OUT_DIR
"""

import model_cases as mc

mc.start(__file__, "target/interop/functional", "func")
from model_cases import F, T, case, ids, keras, L, padded, seq, vec  # noqa: E402


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

@case("stateful_lstm", note="predicted 3 times: call 2 carries call 1's state; reset_states() before call 3, "
      "whose input is call 1's")
def _(r):
    x = keras.Input(batch_shape=(2, 1, 3), name="x")
    y = L.Dense(2, name="out")(L.LSTM(4, stateful=True, name="lstm")(x))
    x1 = r.normal(size=(2, 1, 3)).astype("float32")
    x2 = r.normal(size=(2, 1, 3)).astype("float32")
    return x, y, {"x": x1, "call2/x": x2, "call3/x": x1}


mc.main()
