package io.jkeras.layers;

import io.jkeras.backend.CallContext;
import io.jkeras.backend.Weight;
import io.jkeras.config.Config;
import io.jkeras.config.KerasFormatException;
import io.jkeras.config.KerasObjects;
import io.jkeras.constraints.Constraint;
import io.jkeras.initializers.Initializer;
import io.jkeras.initializers.Initializers;
import io.jkeras.regularizers.Regularizer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.tensorflow.Operand;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.ReduceSum;
import org.tensorflow.op.math.Mean;
import org.tensorflow.types.TBool;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TInt32;
import org.tensorflow.types.TInt64;

/**
 * Keras's {@code BatchNormalization}: {@code gamma * (x - mean) / sqrt(var + epsilon) + beta}
 * along {@code axis}. In training (and only when the layer is trainable, as Keras 3 does) mean and
 * var are the batch's (biased variance, over every axis but {@code axis}; masked timesteps left
 * out), and the moving statistics are updated as
 * {@code moving = moving * momentum + batch_stat * (1 - momentum)}; otherwise the moving
 * statistics are used. Weights in Keras's order: gamma, beta (trainable), moving_mean,
 * moving_variance (non-trainable). Keras's renorm and synchronized are refused.
 */
public final class BatchNormalization extends Layer<BatchNormalization> {
  /** Keras's {@code backend.epsilon()}, added to the count of unmasked values in masked moments. */
  private static final float KERAS_EPSILON = 1e-7f;

  private int axis = -1;
  private double momentum = 0.99;
  private double epsilon = 1e-3;
  private boolean center = true;
  private boolean scale = true;
  private Initializer betaInitializer = Initializers.get("zeros");
  private Initializer gammaInitializer = Initializers.get("ones");
  private Initializer movingMeanInitializer = Initializers.get("zeros");
  private Initializer movingVarianceInitializer = Initializers.get("ones");
  private Regularizer betaRegularizer;
  private Regularizer gammaRegularizer;
  private Constraint betaConstraint;
  private Constraint gammaConstraint;
  private double renormMomentum = 0.99;
  private Weight gamma;
  private Weight beta;
  private Weight movingMean;
  private Weight movingVariance;
  private int builtAxis;

  /** A BatchNormalization with Keras's defaults (axis -1, momentum 0.99, epsilon 1e-3). */
  public BatchNormalization() {
    this.supportsMasking = true;
  }

  /** Keras's {@code BatchNormalization.from_config}; renorm and synchronized are refused if set. */
  public static BatchNormalization fromConfig(Config c) {
    BatchNormalization b = new BatchNormalization();
    b.readBaseConfig(c);
    b.axis = Axes.read(c, "axis", -1, false)[0];
    b.momentum(c.getDouble("momentum", 0.99));
    b.epsilon(c.getDouble("epsilon", 1e-3));
    b.center = c.getBool("center", true);
    b.scale = c.getBool("scale", true);
    b.betaInitializer = c.initializer("beta_initializer", "zeros");
    b.gammaInitializer = c.initializer("gamma_initializer", "ones");
    b.movingMeanInitializer = c.initializer("moving_mean_initializer", "zeros");
    b.movingVarianceInitializer = c.initializer("moving_variance_initializer", "ones");
    b.betaRegularizer = c.regularizer("beta_regularizer");
    b.gammaRegularizer = c.regularizer("gamma_regularizer");
    b.betaConstraint = c.constraint("beta_constraint");
    b.gammaConstraint = c.constraint("gamma_constraint");
    if (c.getBool("renorm", false)) {
      throw new KerasFormatException(c.path() + ".renorm: batch renormalization (renorm=true) is not supported by jkeras");
    }
    if (c.getBool("synchronized", false)) {
      throw new KerasFormatException(c.path() + ".synchronized: synchronized batch statistics across devices are not"
          + " supported by jkeras (it trains on one device; save the model with synchronized=False)");
    }
    c.ignore("renorm_clipping"); // used by Keras only with renorm
    b.renormMomentum = c.getDouble("renorm_momentum", 0.99);
    return b;
  }

  /** Keras's {@code axis}: the features axis, normalized per entry (default -1). */
  public BatchNormalization axis(int axis) {
    this.axis = axis;
    return this;
  }

  /** Keras's {@code momentum} of the moving statistics (default 0.99). */
  public BatchNormalization momentum(double momentum) {
    if (!Double.isFinite(momentum)) throw new IllegalArgumentException("BatchNormalization: momentum must be finite, got " + momentum);
    this.momentum = momentum;
    return this;
  }

  /** Keras's {@code epsilon}, added to the variance (default 1e-3). */
  public BatchNormalization epsilon(double epsilon) {
    if (!(epsilon >= 0) || !Double.isFinite(epsilon)) {
      throw new IllegalArgumentException("BatchNormalization: epsilon must be finite and >= 0, got " + epsilon);
    }
    this.epsilon = epsilon;
    return this;
  }

  /** Keras's {@code center}: whether to add beta (default true). */
  public BatchNormalization center(boolean center) {
    this.center = center;
    return this;
  }

  /** Keras's {@code scale}: whether to multiply by gamma (default true). */
  public BatchNormalization scale(boolean scale) {
    this.scale = scale;
    return this;
  }

  /** Keras's {@code beta_initializer} (default zeros). */
  public BatchNormalization betaInitializer(Initializer init) {
    this.betaInitializer = init;
    return this;
  }

  /** Keras's {@code gamma_initializer} (default ones). */
  public BatchNormalization gammaInitializer(Initializer init) {
    this.gammaInitializer = init;
    return this;
  }

  /** Keras's {@code moving_mean_initializer} (default zeros). */
  public BatchNormalization movingMeanInitializer(Initializer init) {
    this.movingMeanInitializer = init;
    return this;
  }

  /** Keras's {@code moving_variance_initializer} (default ones). */
  public BatchNormalization movingVarianceInitializer(Initializer init) {
    this.movingVarianceInitializer = init;
    return this;
  }

  /** Keras's {@code beta_regularizer}. */
  public BatchNormalization betaRegularizer(Regularizer r) {
    this.betaRegularizer = r;
    return this;
  }

  /** Keras's {@code gamma_regularizer}. */
  public BatchNormalization gammaRegularizer(Regularizer r) {
    this.gammaRegularizer = r;
    return this;
  }

  /** Keras's {@code beta_constraint}. */
  public BatchNormalization betaConstraint(Constraint c) {
    this.betaConstraint = c;
    return this;
  }

  /** Keras's {@code gamma_constraint}. */
  public BatchNormalization gammaConstraint(Constraint c) {
    this.gammaConstraint = c;
    return this;
  }

  /** The momentum of the moving statistics. */
  public double momentum() {
    return momentum;
  }

  @Override
  protected void checkInputShape(long[] inputShape) {
    int a = Axes.resolve(this, new int[] {axis}, inputShape)[0];
    if (inputShape[a] < 0) throw shapeError("the dimension of axis " + axis + " must be known", inputShape);
  }

  @Override
  protected void build(long[] inputShape) {
    builtAxis = Axes.resolve(this, new int[] {axis}, inputShape)[0];
    long[] shape = {inputShape[builtAxis]};
    if (scale) gamma = addWeight("gamma", shape, gammaInitializer, true, gammaRegularizer, gammaConstraint);
    if (center) beta = addWeight("beta", shape, betaInitializer, true, betaRegularizer, betaConstraint);
    movingMean = addWeight("moving_mean", shape, movingMeanInitializer, false);
    movingVariance = addWeight("moving_variance", shape, movingVarianceInitializer, false);
  }

  @Override
  public long[] computeOutputShape(long[] inputShape) {
    Axes.resolve(this, new int[] {axis}, inputShape);
    return inputShape.clone();
  }

  @Override
  public Operand<TFloat32> call(CallContext ctx, Operand<TFloat32> inputs, Operand<TBool> mask) {
    Ops tf = ctx.tf();
    int rank = inputs.shape().numDimensions();
    if (mask != null && mask.shape().numDimensions() != rank - 1) {
      throw new IllegalArgumentException("layer " + name() + " (BatchNormalization): the mask must have one dimension less"
          + " than the inputs, got a mask of rank " + mask.shape().numDimensions() + " for inputs of rank " + rank);
    }
    long channels = movingMean.shape()[0];
    // Statistics have shape (channels); reshaped to broadcast along the axis when it is not the last.
    long[] broadcast = new long[rank];
    Arrays.fill(broadcast, 1);
    broadcast[builtAxis] = channels;
    Operand<TFloat32> mean;
    Operand<TFloat32> variance;
    if (ctx.training() && trainable()) {
      Operand<TFloat32>[] moments = moments(tf, inputs, mask, rank, channels);
      mean = moments[0];
      variance = moments[1];
      Operand<TFloat32> keep = tf.constant((float) momentum);
      Operand<TFloat32> take = tf.constant((float) (1.0 - momentum));
      ctx.addStateUpdate(tf.assign(movingMean.variable(),
          tf.math.add(tf.math.mul(read(movingMean), keep), tf.math.mul(mean, take))));
      ctx.addStateUpdate(tf.assign(movingVariance.variable(),
          tf.math.add(tf.math.mul(read(movingVariance), keep), tf.math.mul(variance, take))));
    } else {
      mean = read(movingMean);
      variance = read(movingVariance);
    }
    return normalize(tf, inputs, mean, variance, gamma == null ? null : read(gamma), beta == null ? null : read(beta),
        builtAxis == rank - 1 ? null : broadcast, (float) epsilon);
  }

  /** The batch mean and (biased) variance, shape (channels), as Keras 3's {@code _moments}. */
  @SuppressWarnings("unchecked")
  private Operand<TFloat32>[] moments(Ops tf, Operand<TFloat32> x, Operand<TBool> mask, int rank, long channels) {
    List<Integer> reduce = new ArrayList<>();
    for (int i = 0; i < rank; i++) if (i != builtAxis) reduce.add(i);
    Operand<TInt32> axes = tf.constant(reduce.stream().mapToInt(Integer::intValue).toArray());
    Operand<TInt64> flat = tf.constant(new long[] {channels});
    Operand<TFloat32> mean;
    Operand<TFloat32> variance;
    if (mask == null) {
      // tf.nn.moments: the variance around the mean held constant.
      Operand<TFloat32> m = tf.math.mean(x, axes, Mean.keepDims(true));
      variance = tf.math.mean(tf.math.squaredDifference(x, tf.stopGradient(m)), axes, Mean.keepDims(true));
      mean = m;
    } else {
      Operand<TBool> m = tf.broadcastTo(tf.expandDims(mask, tf.constant(-1)), tf.shape(x));
      Operand<TFloat32> zeros = tf.zerosLike(x);
      Operand<TFloat32> count = tf.math.add(
          tf.reduceSum(tf.dtypes.cast(m, TFloat32.class), axes, ReduceSum.keepDims(true)),
          tf.constant(KERAS_EPSILON));
      mean = tf.math.div(tf.reduceSum(tf.select(m, x, zeros), axes, ReduceSum.keepDims(true)), count);
      Operand<TFloat32> diff = tf.select(m, tf.math.sub(x, mean), zeros);
      variance = tf.math.div(tf.reduceSum(tf.math.square(diff), axes, ReduceSum.keepDims(true)), count);
    }
    return new Operand[] {tf.reshape(mean, flat), tf.reshape(variance, flat)};
  }

  /**
   * tf.nn.batch_normalization's arithmetic: {@code x * inv + (beta - mean * inv)} with
   * {@code inv = rsqrt(variance + epsilon) * gamma}; {@code broadcast} reshapes the (channels)
   * statistics for an axis other than the last (null for the last).
   */
  static Operand<TFloat32> normalize(Ops tf, Operand<TFloat32> x, Operand<TFloat32> mean, Operand<TFloat32> variance,
      Operand<TFloat32> gamma, Operand<TFloat32> beta, long[] broadcast, float epsilon) {
    if (broadcast != null) {
      Operand<TInt64> s = tf.constant(broadcast);
      mean = tf.reshape(mean, s);
      variance = tf.reshape(variance, s);
      if (gamma != null) gamma = tf.reshape(gamma, s);
      if (beta != null) beta = tf.reshape(beta, s);
    }
    Operand<TFloat32> inv = tf.math.rsqrt(tf.math.add(variance, tf.constant(epsilon)));
    if (gamma != null) inv = tf.math.mul(inv, gamma);
    Operand<TFloat32> shift = beta != null ? tf.math.sub(beta, tf.math.mul(mean, inv)) : tf.math.neg(tf.math.mul(mean, inv));
    return tf.math.add(tf.math.mul(x, inv), shift);
  }

  @Override
  protected void addConfig(Map<String, Object> c) {
    c.put("axis", axis);
    c.put("momentum", momentum);
    c.put("epsilon", epsilon);
    c.put("center", center);
    c.put("scale", scale);
    c.put("beta_initializer", KerasObjects.initializer(betaInitializer));
    c.put("gamma_initializer", KerasObjects.initializer(gammaInitializer));
    c.put("moving_mean_initializer", KerasObjects.initializer(movingMeanInitializer));
    c.put("moving_variance_initializer", KerasObjects.initializer(movingVarianceInitializer));
    c.put("beta_regularizer", KerasObjects.regularizer(betaRegularizer));
    c.put("gamma_regularizer", KerasObjects.regularizer(gammaRegularizer));
    c.put("beta_constraint", KerasObjects.constraint(betaConstraint));
    c.put("gamma_constraint", KerasObjects.constraint(gammaConstraint));
    c.put("synchronized", false);
    c.put("renorm", false);
    c.put("renorm_clipping", null);
    c.put("renorm_momentum", renormMomentum);
  }
}
