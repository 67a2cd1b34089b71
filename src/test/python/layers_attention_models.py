"""Python -> Java for the attention layers: real Keras 3 (TensorFlow backend) builds small sequence
models with MultiHeadAttention, Attention and AdditiveAttention (self-attention over LSTM outputs,
cross-attention between sequences of different lengths, a separate key, causal masks, masks from
Embedding(mask_zero=True), output_shape, value_dim != key_dim, no biases, dropout (inference),
returned attention scores, an attention_mask input, dot and concat scores, scales) and saves each
in every format Keras writes, with Keras's predictions (model_cases.py says what each file holds).

    python layers_attention_models.py OUT_DIR
"""

import model_cases as mc

mc.start(__file__, "target/interop/layers_attention", "attn")
from model_cases import F, T, case, ids, keras, L, seq  # noqa: E402


def _set(var, value):
    """Moves a weight off its initial value (Attention's scales start at 1), so a loader that drops it fails."""
    var.assign(mc.np.full(var.shape, value, dtype="float32"))


# ----- MultiHeadAttention -----

@case("mha_self_lstm")
def _(r):
    # Self-attention over an LSTM's outputs, read out by another LSTM.
    x = keras.Input((T, F), name="seq")
    h = L.LSTM(6, return_sequences=True, name="lstm_in")(x)
    a = L.MultiHeadAttention(num_heads=2, key_dim=4, name="mha")(h, h)
    return x, L.LSTM(3, name="out")(a), {"seq": seq(r)}


@case("mha_cross")
def _(r):
    # Cross-attention: 4 query steps attend to 6 value steps of another width.
    q, v = keras.Input((4, F), name="query_seq"), keras.Input((6, 5), name="value_seq")
    a = L.MultiHeadAttention(2, 3, name="mha")(q, v)
    return [q, v], L.Dense(2, name="out")(a), {"query_seq": seq(r, 4, F), "value_seq": seq(r, 6, 5)}


@case("mha_key_value_dim")
def _(r):
    # A separate key of yet another width; value_dim != key_dim.
    q, v, k = (keras.Input((4, 3), name="q"), keras.Input((6, 5), name="v"), keras.Input((6, 2), name="k"))
    a = L.MultiHeadAttention(3, 2, value_dim=4, name="mha")(q, v, key=k)
    return [q, v, k], L.Dense(2, name="out")(a), {"q": seq(r, 4, 3), "v": seq(r, 6, 5), "k": seq(r, 6, 2)}


@case("mha_causal")
def _(r):
    x = keras.Input((T, F), name="seq")
    h = L.Dense(4, name="proj")(x)
    a = L.MultiHeadAttention(2, 3, name="mha")(h, h, use_causal_mask=True)
    return x, L.Dense(2, name="out")(a), {"seq": seq(r)}


@case("mha_embedding_mask")
def _(r):
    # Padded token ids: the query and value masks reach MHA; its output carries the query's mask to the LSTM.
    tok = keras.Input((6,), dtype="int32", name="tokens")
    e = L.Embedding(12, 4, mask_zero=True, name="emb")(tok)
    a = L.MultiHeadAttention(2, 3, name="mha")(e, e)
    return tok, L.LSTM(3, name="out")(a), {"tokens": ids(r, 6, 12)}


@case("mha_embedding_mask_steps")
def _(r):
    # Every step out, padded ones too: a fully masked query row (fused path) averages the values.
    tok = keras.Input((6,), dtype="int32", name="tokens")
    e = L.Embedding(12, 4, mask_zero=True, name="emb")(tok)
    a = L.MultiHeadAttention(2, 3, name="mha")(e, e)
    return tok, L.Dense(2, name="out")(a), {"tokens": ids(r, 6, 12)}


@case("mha_decoder_encoder_masks")
def _(r):
    # A decoder block: causal self-attention on the target tokens, then cross-attention to the source
    # tokens, both padded (query, value, key masks and the causal mask combined), with a residual.
    src, tgt = keras.Input((7,), dtype="int32", name="source"), keras.Input((5,), dtype="int32", name="target")
    es = L.Embedding(15, 4, mask_zero=True, name="emb_src")(src)
    et = L.Embedding(15, 4, mask_zero=True, name="emb_tgt")(tgt)
    s = L.MultiHeadAttention(2, 3, name="self_mha")(et, et, use_causal_mask=True)
    x = L.Add(name="residual")([et, s])
    c = L.MultiHeadAttention(2, 3, name="cross_mha")(x, es, key=es)
    return [src, tgt], L.LSTM(3, name="out")(c), {"source": ids(r, 7, 15), "target": ids(r, 5, 15)}


@case("mha_output_shape_no_bias")
def _(r):
    x = keras.Input((T, F), name="seq")
    a = L.MultiHeadAttention(2, 3, value_dim=5, use_bias=False, output_shape=(4,), name="mha")(x, x)
    return x, L.Dense(2, name="out")(a), {"seq": seq(r)}


@case("mha_output_shape_2d")
def _(r):
    # A two-dimensional output per step: the output kernel is (heads, value_dim, 2, 3).
    x = keras.Input((T, F), name="seq")
    a = L.MultiHeadAttention(2, 2, output_shape=(2, 3), name="mha")(x, x)
    return x, L.Dense(2, name="out")(L.Flatten(name="flat")(a)), {"seq": seq(r)}


@case("mha_dropout_scores")
def _(r):
    # dropout > 0 (off in predict) and returned scores take Keras's Softmax-layer path: fully masked
    # query rows give zeros there. The scores (batch, heads, T, T) are a second output.
    tok = keras.Input((6,), dtype="int32", name="tokens")
    e = L.Embedding(12, 4, mask_zero=True, name="emb")(tok)
    a, scores = L.MultiHeadAttention(2, 3, dropout=0.2, name="mha")(e, e, return_attention_scores=True)
    return tok, [L.Dense(2, name="out")(a), scores], {"tokens": ids(r, 6, 12)}


@case("mha_attention_mask")
def _(r):
    # An explicit attention_mask input (batch, T, S), 1 = attend, ANDed with the causal mask.
    q, v = keras.Input((4, F), name="q"), keras.Input((6, F), name="v")
    m = keras.Input((4, 6), name="attn_mask")
    a = L.MultiHeadAttention(2, 3, name="mha")(q, v, attention_mask=m, use_causal_mask=True)
    mask = (r.random((mc.N, 4, 6)) > 0.3).astype("float32")
    mask[:, :, 0] = 1  # every query step may attend to something
    return [q, v, m], L.Dense(2, name="out")(a), {"q": seq(r, 4, F), "v": seq(r, 6, F), "attn_mask": mask}


# ----- Attention and AdditiveAttention -----

@case("attention_dot_scale")
def _(r):
    q, v = keras.Input((4, F), name="q"), keras.Input((6, 2), name="v")
    hq = L.LSTM(5, return_sequences=True, name="lstm_q")(q)
    hv = L.LSTM(5, return_sequences=True, name="lstm_v")(v)
    att = L.Attention(use_scale=True, name="att")
    a = att([hq, hv])
    _set(att.scale, 1.7)
    return [q, v], L.Dense(2, name="out")(a), {"q": seq(r, 4, F), "v": seq(r, 6, 2)}


@case("attention_concat_causal_mask")
def _(r):
    tok = keras.Input((6,), dtype="int32", name="tokens")
    e = L.Embedding(12, 4, mask_zero=True, name="emb")(tok)
    att = L.Attention(use_scale=True, score_mode="concat", name="att")
    a = att([e, e], use_causal_mask=True)
    _set(att.scale, 0.6)
    _set(att.concat_score_weight, 1.4)
    return tok, L.LSTM(3, name="out")(a), {"tokens": ids(r, 6, 12)}


@case("attention_key")
def _(r):
    # [query, value, key]: the key scores, the value is averaged (another width).
    q, v, k = keras.Input((4, 3), name="q"), keras.Input((6, 5), name="v"), keras.Input((6, 3), name="k")
    a = L.Attention(name="att")([q, v, k])
    return [q, v, k], L.Dense(2, name="out")(a), {"q": seq(r, 4, 3), "v": seq(r, 6, 5), "k": seq(r, 6, 3)}


@case("additive_attention_masks")
def _(r):
    # Query and value padded: masked value steps get no weight, masked query steps give zeros.
    qt, vt = keras.Input((5,), dtype="int32", name="q_tokens"), keras.Input((7,), dtype="int32", name="v_tokens")
    q = L.Embedding(10, 4, mask_zero=True, name="emb_q")(qt)
    v = L.Embedding(10, 4, mask_zero=True, name="emb_v")(vt)
    a = L.AdditiveAttention(name="add_att")([q, v])
    return [qt, vt], L.Dense(2, name="out")(a), {"q_tokens": ids(r, 5, 10), "v_tokens": ids(r, 7, 10)}


@case("additive_attention_no_scale_key")
def _(r):
    q, v, k = keras.Input((4, 3), name="q"), keras.Input((6, 5), name="v"), keras.Input((6, 3), name="k")
    a = L.AdditiveAttention(use_scale=False, name="add_att")([q, v, k], use_causal_mask=True)
    return [q, v, k], L.Dense(2, name="out")(a), {"q": seq(r, 4, 3), "v": seq(r, 6, 5), "k": seq(r, 6, 3)}


mc.main()
