package io.jkeras.layers;

import io.jkeras.backend.CallContext;
import io.jkeras.backend.Weight;
import io.jkeras.config.Config;
import io.jkeras.config.KerasObjects;
import io.jkeras.constraints.Constraint;
import io.jkeras.initializers.Initializer;
import io.jkeras.initializers.Initializers;
import io.jkeras.regularizers.Regularizer;
import java.util.Arrays;
import java.util.Map;
import org.tensorflow.Operand;
import org.tensorflow.op.Ops;
import org.tensorflow.op.math.Mean;
import org.tensorflow.types.TBool;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TInt32;

/**
 * Keras's {@code LayerNormalization}: each sample normalized over {@code axis} (one axis or
 * several), {@code (x - mean) * rsqrt(var + epsilon) * gamma + beta}, gamma and beta shaped like
 * the normalized axes. With Keras's deprecated {@code rms_scaling} it computes what Keras does:
 * {@code x * rsqrt(var + epsilon) * gamma} (the variance, not the mean square), no beta.
 * Masks pass through unchanged.
 */
public final class LayerNormalization extends Layer<LayerNormalization> {
  private int[] axis = {-1};
  private boolean axisIsList;
  private double epsilon = 1e-3;
  private boolean center = true;
  private boolean scale = true;
  private boolean rmsScaling;
  private Initializer betaInitializer = Initializers.get("zeros");
  private Initializer gammaInitializer = Initializers.get("ones");
  private Regularizer betaRegularizer;
  private Regularizer gammaRegularizer;
  private Constraint betaConstraint;
  private Constraint gammaConstraint;
  private Weight gamma;
  private Weight beta;
  private int[] builtAxes;

  /** A LayerNormalization over the last axis with Keras's defaults (epsilon 1e-3, center, scale). */
  public LayerNormalization() {
    this.supportsMasking = true;
  }

  /** Keras's {@code LayerNormalization.from_config}. */
  public static LayerNormalization fromConfig(Config c) {
    LayerNormalization l = new LayerNormalization();
    l.readBaseConfig(c);
    l.axisIsList = c.has("axis") && c.getNode("axis").isArray();
    l.axis = Axes.read(c, "axis", -1, true);
    l.epsilon(c.getDouble("epsilon", 1e-3));
    l.center = c.getBool("center", true);
    l.scale = c.getBool("scale", true);
    l.rmsScaling = c.getBool("rms_scaling", false);
    l.betaInitializer = c.initializer("beta_initializer", "zeros");
    l.gammaInitializer = c.initializer("gamma_initializer", "ones");
    l.betaRegularizer = c.regularizer("beta_regularizer");
    l.gammaRegularizer = c.regularizer("gamma_regularizer");
    l.betaConstraint = c.constraint("beta_constraint");
    l.gammaConstraint = c.constraint("gamma_constraint");
    return l;
  }

  /** Keras's {@code axis}: the axes normalized over, each sample separately (default -1). */
  public LayerNormalization axis(int... axis) {
    if (axis.length == 0) throw new IllegalArgumentException("LayerNormalization: axis needs at least one axis");
    this.axis = axis.clone();
    this.axisIsList = axis.length > 1;
    return this;
  }

  /** Keras's {@code epsilon}, added to the variance (default 1e-3). */
  public LayerNormalization epsilon(double epsilon) {
    if (!(epsilon >= 0) || !Double.isFinite(epsilon)) {
      throw new IllegalArgumentException("LayerNormalization: epsilon must be finite and >= 0, got " + epsilon);
    }
    this.epsilon = epsilon;
    return this;
  }

  /** Keras's {@code center}: whether to add beta (default true). */
  public LayerNormalization center(boolean center) {
    this.center = center;
    return this;
  }

  /** Keras's {@code scale}: whether to multiply by gamma (default true). */
  public LayerNormalization scale(boolean scale) {
    this.scale = scale;
    return this;
  }

  /**
   * Keras's deprecated {@code rms_scaling}: scales by {@code rsqrt(var + epsilon)} without
   * centering, with gamma and no beta, exactly as Keras computes it.
   */
  public LayerNormalization rmsScaling(boolean rmsScaling) {
    this.rmsScaling = rmsScaling;
    return this;
  }

  /** Keras's {@code beta_initializer} (default zeros). */
  public LayerNormalization betaInitializer(Initializer init) {
    this.betaInitializer = init;
    return this;
  }

  /** Keras's {@code gamma_initializer} (default ones). */
  public LayerNormalization gammaInitializer(Initializer init) {
    this.gammaInitializer = init;
    return this;
  }

  /** Keras's {@code beta_regularizer}. */
  public LayerNormalization betaRegularizer(Regularizer r) {
    this.betaRegularizer = r;
    return this;
  }

  /** Keras's {@code gamma_regularizer}. */
  public LayerNormalization gammaRegularizer(Regularizer r) {
    this.gammaRegularizer = r;
    return this;
  }

  /** Keras's {@code beta_constraint}. */
  public LayerNormalization betaConstraint(Constraint c) {
    this.betaConstraint = c;
    return this;
  }

  /** Keras's {@code gamma_constraint}. */
  public LayerNormalization gammaConstraint(Constraint c) {
    this.gammaConstraint = c;
    return this;
  }

  @Override
  protected void checkInputShape(long[] inputShape) {
    for (int a : Axes.resolve(this, axis, inputShape)) {
      if (inputShape[a] < 0) throw shapeError("the dimension of axis " + a + " must be known", inputShape);
    }
  }

  @Override
  protected void build(long[] inputShape) {
    builtAxes = Axes.resolve(this, axis, inputShape);
    long[] shape = new long[builtAxes.length];
    for (int i = 0; i < shape.length; i++) shape[i] = inputShape[builtAxes[i]];
    if (scale || rmsScaling) gamma = addWeight("gamma", shape, gammaInitializer, true, gammaRegularizer, gammaConstraint);
    if (center && !rmsScaling) beta = addWeight("beta", shape, betaInitializer, true, betaRegularizer, betaConstraint);
  }

  @Override
  public long[] computeOutputShape(long[] inputShape) {
    Axes.resolve(this, axis, inputShape);
    return inputShape.clone();
  }

  @Override
  public Operand<TFloat32> call(CallContext ctx, Operand<TFloat32> inputs, Operand<TBool> mask) {
    Ops tf = ctx.tf();
    int rank = inputs.shape().numDimensions();
    Operand<TInt32> axes = tf.constant(builtAxes);
    Operand<TFloat32> g = gamma == null ? null : read(gamma);
    Operand<TFloat32> b = beta == null ? null : read(beta);
    // gamma and beta are shaped like the normalized axes: reshaped to broadcast unless that is the last axis alone.
    if (!(builtAxes.length == 1 && builtAxes[0] == rank - 1)) {
      long[] broadcast = new long[rank];
      Arrays.fill(broadcast, 1);
      long[] in = inputs.shape().asArray();
      for (int a : builtAxes) broadcast[a] = in[a];
      if (g != null) g = tf.reshape(g, tf.constant(broadcast));
      if (b != null) b = tf.reshape(b, tf.constant(broadcast));
    }
    Operand<TFloat32> mean = tf.math.mean(inputs, axes, Mean.keepDims(true));
    Operand<TFloat32> variance =
        tf.math.mean(tf.math.squaredDifference(inputs, tf.stopGradient(mean)), axes, Mean.keepDims(true));
    Operand<TFloat32> inv = tf.math.rsqrt(tf.math.add(variance, tf.constant((float) epsilon)));
    if (rmsScaling) {
      Operand<TFloat32> out = tf.math.mul(inputs, inv);
      return g == null ? out : tf.math.mul(out, g);
    }
    if (g != null) inv = tf.math.mul(inv, g);
    Operand<TFloat32> res = tf.math.mul(tf.math.neg(mean), inv);
    if (b != null) res = tf.math.add(res, b);
    return tf.math.add(tf.math.mul(inputs, inv), res);
  }

  @Override
  protected void addConfig(Map<String, Object> c) {
    // Keras turns axis into a sorted list when it builds.
    c.put("axis", isBuilt() ? Axes.config(sortedAxis(), true) : Axes.config(axis, axisIsList));
    c.put("epsilon", epsilon);
    c.put("center", center);
    c.put("scale", scale);
    c.put("rms_scaling", rmsScaling);
    c.put("beta_initializer", KerasObjects.initializer(betaInitializer));
    c.put("gamma_initializer", KerasObjects.initializer(gammaInitializer));
    c.put("beta_regularizer", KerasObjects.regularizer(betaRegularizer));
    c.put("gamma_regularizer", KerasObjects.regularizer(gammaRegularizer));
    c.put("beta_constraint", KerasObjects.constraint(betaConstraint));
    c.put("gamma_constraint", KerasObjects.constraint(gammaConstraint));
  }

  private int[] sortedAxis() {
    int[] s = axis.clone();
    Arrays.sort(s);
    return s;
  }
}
