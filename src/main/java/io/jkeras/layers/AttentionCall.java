package io.jkeras.layers;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * One call of an attention layer ({@link MultiHeadAttention}, {@link Attention},
 * {@link AdditiveAttention}) as Keras serializes it in {@code inbound_nodes}: which of the call's
 * input tensors (args first, then keyword arguments, in order) is the query, the value, the key
 * and the attention mask, and the call's flags {@code use_causal_mask} and
 * {@code return_attention_scores}. MultiHeadAttention takes {@code (query, value)} as arguments
 * and {@code key=}, {@code attention_mask=} as keyword arguments; Attention takes one list
 * {@code [query, value]} or {@code [query, value, key]}.
 *
 * <p>A layer keeps the layout of its first call; a later call (a shared layer) must have the same
 * one. Build calls with {@link Builder}: {@code mha.on(q, v).key(k).useCausalMask(true).apply()}.
 */
public final class AttentionCall {
  final int query;
  final int value;
  /** The key's input index, or -1 (the value is the key). */
  final int key;
  /** The attention mask's input index, or -1. */
  final int attentionMask;
  final int inputs;
  final boolean useCausalMask;
  final boolean returnAttentionScores;

  private AttentionCall(int query, int value, int key, int attentionMask, int inputs, boolean useCausalMask,
      boolean returnAttentionScores) {
    this.query = query;
    this.value = value;
    this.key = key;
    this.attentionMask = attentionMask;
    this.inputs = inputs;
    this.useCausalMask = useCausalMask;
    this.returnAttentionScores = returnAttentionScores;
  }

  /** The index of the input the key is read from: the key's, or the value's. */
  int keyOrValue() {
    return key >= 0 ? key : value;
  }

  /**
   * Reads a call's structure. {@code listForm}: the tensors come as one list argument (Attention);
   * otherwise as positional query, value[, key] with keyword {@code key} and
   * {@code attention_mask} (MultiHeadAttention). Throws naming {@code owner} and the argument.
   */
  static AttentionCall parse(Layer<?> owner, List<Object> args, Map<String, Object> kwargs, boolean listForm) {
    List<Object> positional = args;
    if (listForm) {
      if (args.size() != 1 || !(args.get(0) instanceof List)) {
        throw error(owner, "needs one list of inputs [query, value] or [query, value, key], got " + describe(args));
      }
      positional = new ArrayList<>((List<?>) args.get(0));
      if (positional.size() < 2 || positional.size() > 3) {
        throw error(owner, "takes [query, value] or [query, value, key], got a list of " + positional.size() + " inputs");
      }
    } else if (args.size() < 2 || args.size() > 3) {
      throw error(owner, "takes query and value (and optionally key) as arguments, got " + args.size() + " arguments");
    }
    for (int i = 0; i < positional.size(); i++) {
      if (!(positional.get(i) instanceof KerasTensor)) {
        throw error(owner, "argument " + i + " (" + new String[] {"query", "value", "key"}[i] + ") must be a tensor, got "
            + describe(positional.get(i)));
      }
    }
    int n = positional.size();
    int key = n == 3 ? 2 : -1;
    int mask = -1;
    boolean causal = false;
    boolean scores = false;
    for (Map.Entry<String, Object> e : kwargs.entrySet()) {
      String k = e.getKey();
      Object v = e.getValue();
      switch (k) {
        case "key":
        case "attention_mask":
          if (listForm) throw error(owner, "takes no keyword argument '" + k + "' (give the key in the input list)");
          if (v == null) break;
          if (!(v instanceof KerasTensor)) throw error(owner, k + " must be a tensor, got " + describe(v));
          if (k.equals("key")) {
            if (key >= 0) throw error(owner, "the key is given twice (as argument and as key=)");
            key = n++;
          } else {
            mask = n++;
          }
          break;
        case "use_causal_mask":
        case "return_attention_scores":
          if (v != null && !(v instanceof Boolean)) throw error(owner, k + " must be true or false, got " + describe(v));
          boolean flag = Boolean.TRUE.equals(v);
          if (k.equals("use_causal_mask")) causal = flag;
          else scores = flag;
          break;
        case "training":
          if (v != null && !(v instanceof Boolean)) throw error(owner, "training must be true, false or null, got " + describe(v));
          break;
        case "mask":
        case "query_mask":
        case "value_mask":
        case "key_mask":
          if (v != null) {
            throw error(owner, "not supported yet: an explicit '" + k + "' (masks reach the layer from Embedding(mask_zero=True)"
                + " or Masking)");
          }
          break;
        default:
          throw error(owner, "unknown call argument '" + k + "'");
      }
    }
    return new AttentionCall(0, 1, key, mask, n, causal, scores);
  }

  /** The call's structure as Keras writes it: args and kwargs for these tensors and flags. */
  static Object[] structure(boolean listForm, KerasTensor query, KerasTensor value, KerasTensor key, KerasTensor attentionMask,
      boolean useCausalMask, boolean returnAttentionScores) {
    List<Object> args = new ArrayList<>();
    Map<String, Object> kwargs = new LinkedHashMap<>();
    if (listForm) {
      List<Object> in = new ArrayList<>(List.of(query, value));
      if (key != null) in.add(key);
      args.add(in);
    } else {
      args.add(query);
      args.add(value);
      if (key != null) kwargs.put("key", key);
      if (attentionMask != null) kwargs.put("attention_mask", attentionMask);
    }
    if (returnAttentionScores) kwargs.put("return_attention_scores", true);
    if (useCausalMask) kwargs.put("use_causal_mask", true);
    return new Object[] {args, kwargs};
  }

  /** Refuses a call whose layout differs from the layer's first call's. */
  void requireSameAs(Layer<?> owner, AttentionCall first) {
    if (first != null && !equals(first)) {
      throw error(owner, "a shared attention layer must be called the same way each time (the same key, attention_mask,"
          + " use_causal_mask and return_attention_scores); this call differs from the first");
    }
  }

  private static IllegalArgumentException error(Layer<?> owner, String what) {
    return new IllegalArgumentException("layer " + owner.name() + " (" + owner.className() + "): " + what);
  }

  private static String describe(Object o) {
    if (o instanceof KerasTensor) return "a tensor";
    if (o instanceof List) return "a list of " + ((List<?>) o).size();
    return String.valueOf(o);
  }

  @Override
  public boolean equals(Object o) {
    if (!(o instanceof AttentionCall)) return false;
    AttentionCall c = (AttentionCall) o;
    return query == c.query && value == c.value && key == c.key && attentionMask == c.attentionMask && inputs == c.inputs
        && useCausalMask == c.useCausalMask && returnAttentionScores == c.returnAttentionScores;
  }

  @Override
  public int hashCode() {
    return Objects.hash(query, value, key, attentionMask, inputs, useCausalMask, returnAttentionScores);
  }

  /**
   * A call being put together on symbolic tensors: {@code layer.on(query, value)}, then the
   * optional {@link #key}, {@link #attentionMask} (MultiHeadAttention), {@link #useCausalMask},
   * {@link #returnAttentionScores}, then {@link #apply} or {@link #applyMulti}.
   */
  public static final class Builder {
    private final Layer<?> owner;
    private final boolean listForm;
    private final KerasTensor query;
    private final KerasTensor value;
    private KerasTensor key;
    private KerasTensor attentionMask;
    private boolean useCausalMask;
    private boolean returnAttentionScores;

    Builder(Layer<?> owner, boolean listForm, KerasTensor query, KerasTensor value) {
      if (query == null || value == null) throw error(owner, "query and value must not be null");
      this.owner = owner;
      this.listForm = listForm;
      this.query = query;
      this.value = value;
    }

    /** The key tensor (by default the value is the key). */
    public Builder key(KerasTensor key) {
      this.key = key;
      return this;
    }

    /**
     * Keras's {@code attention_mask}: a (batch, query length, value length) tensor, nonzero where a
     * query position may attend to a value position (MultiHeadAttention only).
     */
    public Builder attentionMask(KerasTensor attentionMask) {
      if (listForm) throw error(owner, "takes no attention_mask (its masks come from its inputs)");
      this.attentionMask = attentionMask;
      return this;
    }

    /** Keras's {@code use_causal_mask}: position i attends to positions up to i only. */
    public Builder useCausalMask(boolean useCausalMask) {
      this.useCausalMask = useCausalMask;
      return this;
    }

    /** Keras's {@code return_attention_scores}: a second output with the attention weights ({@link #applyMulti}). */
    public Builder returnAttentionScores(boolean returnAttentionScores) {
      this.returnAttentionScores = returnAttentionScores;
      return this;
    }

    /** Records the call; its one output (use {@link #applyMulti} with return_attention_scores). */
    public KerasTensor apply() {
      List<KerasTensor> out = applyMulti();
      if (out.size() != 1) throw error(owner, "returns the output and the attention scores here; call applyMulti");
      return out.get(0);
    }

    /** Records the call; its outputs: the attention output, then the scores with return_attention_scores. */
    @SuppressWarnings("unchecked")
    public List<KerasTensor> applyMulti() {
      Object[] s = structure(listForm, query, value, key, attentionMask, useCausalMask, returnAttentionScores);
      return owner.addNode((List<Object>) s[0], (Map<String, Object>) s[1]).outputs();
    }
  }
}
