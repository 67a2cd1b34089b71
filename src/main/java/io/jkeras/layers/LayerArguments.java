package io.jkeras.layers;

import io.jkeras.activations.Activation;
import io.jkeras.config.Config;
import io.jkeras.config.KerasObjects;
import io.jkeras.constraints.Constraint;
import io.jkeras.initializers.Initializer;
import io.jkeras.regularizers.Regularizer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.function.BiConsumer;
import java.util.function.Function;

/**
 * The Keras arguments of a layer class, each declared once, in the order Keras's
 * {@code get_config} lists them: its config key, its {@link Kind} (how a config gives it and
 * writes it) and how the layer holds it (a getter and a setter). The one list reads a config
 * ({@code from_config}), writes one ({@code get_config}) and copies a layer (Keras's
 * {@code from_config(get_config())}, without the detour through JSON, which would lose an
 * activation object such as Keras 2's hard_sigmoid), so an argument is added in one line here
 * besides its field and setter.
 *
 * @param <L> the layer class
 */
final class LayerArguments<L> {
  /** How a config gives an argument. */
  interface Reader<T> {
    /** The value {@code c} gives for {@code key}, or {@code current} (the new layer's default) where it gives none. */
    T read(Config c, String key, T current);
  }

  /** How an argument is read from a config and written to one. */
  record Kind<T>(Reader<T> reader, Function<T, Object> writer) {
    /** A value a config holds as it is (a boolean, a number). */
    static <T> Kind<T> plain(Reader<T> reader) {
      return new Kind<>(reader, v -> v);
    }
  }

  static final Kind<Boolean> BOOLEAN = Kind.plain(Config::getBool);
  static final Kind<Double> NUMBER = Kind.plain(Config::getDouble);
  static final Kind<Activation> ACTIVATION = new Kind<>((c, k, cur) -> c.activation(k, cur.name()), Activation::name);
  static final Kind<Initializer> INITIALIZER =
      new Kind<>((c, k, cur) -> gives(c, k) ? c.initializer(k, null) : cur, KerasObjects::initializer);
  static final Kind<Regularizer> REGULARIZER =
      new Kind<>((c, k, cur) -> gives(c, k) ? c.regularizer(k) : cur, KerasObjects::regularizer);
  static final Kind<Constraint> CONSTRAINT =
      new Kind<>((c, k, cur) -> gives(c, k) ? c.constraint(k) : cur, KerasObjects::constraint);
  /** An integer or null (Keras's optional seeds). */
  static final Kind<Long> SEED = Kind.plain((c, k, cur) -> gives(c, k) ? c.getLongOrNull(k) : cur);

  /** Whether {@code c} gives {@code key} a value; a key it lacks or sets to null counts as read. */
  private static boolean gives(Config c, String key) {
    if (c.has(key)) return true;
    c.ignore(key);
    return false;
  }

  /** One argument: its config key, kind, and the layer's getter and setter (setters validate what configs give). */
  record Argument<L, T>(String key, Kind<T> kind, Function<L, T> get, BiConsumer<L, T> set) {
    void read(L layer, Config c) {
      set.accept(layer, kind.reader().read(c, key, get.apply(layer)));
    }

    void write(L layer, Map<String, Object> config) {
      config.put(key, kind.writer().apply(get.apply(layer)));
    }

    void copy(L from, L to) {
      set.accept(to, get.apply(from));
    }
  }

  static <L, T> Argument<L, T> argument(String key, Kind<T> kind, Function<L, T> get, BiConsumer<L, T> set) {
    return new Argument<>(key, kind, get, set);
  }

  /**
   * An argument of the layer's constructor ({@code units}): the constructor reads it from a config
   * and a copy is made with it, so it is only written from here.
   */
  static <L, T> Argument<L, T> constructorArgument(String key, Function<L, T> get) {
    return new Argument<>(key, Kind.plain((c, k, cur) -> cur), get, (l, v) -> {});
  }

  /** A Keras argument jkeras cannot honour yet: written as null, refused (saying {@code why}) when a config sets it. */
  static <L> Argument<L, Object> refused(String key, String why) {
    Reader<Object> refuse = (c, k, cur) -> {
      c.requireNull(k, why);
      return null;
    };
    return new Argument<>(key, Kind.plain(refuse), l -> null, (l, v) -> {});
  }

  private final List<Argument<? super L, ?>> arguments;

  private LayerArguments(List<? extends Argument<? super L, ?>> arguments) {
    this.arguments = List.copyOf(arguments);
  }

  @SafeVarargs
  static <L> LayerArguments<L> of(Argument<? super L, ?>... arguments) {
    return new LayerArguments<L>(Arrays.asList(arguments));
  }

  /** The arguments of a superclass, for a subclass to add its own to ({@link #insertAfter}). */
  static <L> LayerArguments<L> extending(LayerArguments<? super L> base) {
    return new LayerArguments<L>(base.arguments);
  }

  /** These arguments with {@code argument} right after the one keyed {@code key}, where Keras lists it. */
  LayerArguments<L> insertAfter(String key, Argument<? super L, ?> argument) {
    List<Argument<? super L, ?>> r = new ArrayList<>(arguments);
    for (int i = 0; i < r.size(); i++) {
      if (r.get(i).key().equals(key)) {
        r.add(i + 1, argument);
        return new LayerArguments<>(r);
      }
    }
    throw new IllegalStateException("no argument '" + key + "' to insert '" + argument.key() + "' after");
  }

  /** Reads every argument from {@code c} into the new {@code layer}, in order. */
  void read(L layer, Config c) {
    for (Argument<? super L, ?> a : arguments) a.read(layer, c);
  }

  /** Writes every argument of {@code layer} to {@code config}, in order. */
  void write(L layer, Map<String, Object> config) {
    for (Argument<? super L, ?> a : arguments) a.write(layer, config);
  }

  /** Gives {@code to} every argument of {@code from}. */
  void copy(L from, L to) {
    for (Argument<? super L, ?> a : arguments) a.copy(from, to);
  }
}
