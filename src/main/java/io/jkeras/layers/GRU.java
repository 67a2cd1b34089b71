package io.jkeras.layers;

import static io.jkeras.layers.LayerArguments.ACTIVATION;
import static io.jkeras.layers.LayerArguments.argument;

import io.jkeras.activations.Activation;
import io.jkeras.activations.Activations;
import io.jkeras.backend.Weight;
import io.jkeras.config.Config;
import io.jkeras.data.FloatArray;
import io.jkeras.layers.LayerArguments.Kind;
import io.jkeras.utils.ResourceLimitException;
import java.util.List;
import org.tensorflow.Operand;
import org.tensorflow.op.Ops;
import org.tensorflow.types.TFloat32;

/**
 * Keras's {@code GRU}. Weights exactly as Keras: kernel (input_dim, 3*units), recurrent_kernel
 * (units, 3*units), gates in the order z (update), r (reset), h (candidate), and a bias of shape
 * (2, 3*units) with {@code reset_after} (the default since Keras 2.3: row 0 for the inputs, row 1
 * for the recurrent state) or (3*units) without:
 * <pre>
 *   reset_after=true:   x = x W + b[0];  in = h U + b[1]
 *                       z = σ(x_z + in_z);  r = σ(x_r + in_r);  hh = tanh(x_h + r * in_h)
 *   reset_after=false:  x = x W + b
 *                       z = σ(x_z + h U_z);  r = σ(x_r + h U_r);  hh = tanh(x_h + (r * h) U_h)
 *   h' = z * h + (1 - z) * hh
 * </pre>
 * with σ the recurrent activation (sigmoid) and tanh the activation. Recurrent dropout drops h
 * only where it enters a matmul with the recurrent kernel, as Keras does.
 */
public final class GRU extends RNN<GRU> {
  private Activation recurrentActivation = Activations.get("sigmoid");
  private boolean resetAfter = true;

  public GRU(int units) {
    super(units);
  }

  /**
   * The RNN arguments and GRU's own, where Keras 3's GRU.get_config lists them (reset_after after
   * recurrent_dropout). reset_after defaults to false for Keras 1/2.2- files, as they were written.
   */
  private static final LayerArguments<GRU> ARGUMENTS = LayerArguments.<GRU>extending(RNN.ARGUMENTS)
      .insertAfter("activation",
          argument("recurrent_activation", ACTIVATION, g -> g.recurrentActivation, GRU::recurrentActivation))
      .insertAfter("recurrent_dropout", argument("reset_after",
          Kind.plain((c, k, current) -> c.getBool(k, c.kerasMajor() >= 3)), g -> g.resetAfter, GRU::resetAfter));

  /** Keras's {@code GRU.from_config}. */
  public static GRU fromConfig(Config c) {
    GRU g = new GRU(readUnits(c)).readRnnConfig(c);
    c.ignore("implementation");
    return g;
  }

  @Override
  LayerArguments<GRU> arguments() {
    return ARGUMENTS;
  }

  public GRU recurrentActivation(String name) {
    return recurrentActivation(Activations.get(name));
  }

  public GRU recurrentActivation(Activation a) {
    this.recurrentActivation = a;
    return this;
  }

  /**
   * Keras's {@code reset_after}: apply the reset gate after the recurrent matmul (true, the
   * Keras 2.3+/3 default and cuDNN's convention, with separate input and recurrent biases) or
   * before it (false, the original GRU and Keras 2.0-2.2's default).
   */
  public GRU resetAfter(boolean b) {
    this.resetAfter = b;
    return this;
  }

  public boolean resetAfter() {
    return resetAfter;
  }

  public Activation recurrentActivation() {
    return recurrentActivation;
  }

  @Override
  protected GRU newInstance() {
    return new GRU(units);
  }

  @Override
  protected int stateCount() {
    return 1;
  }

  @Override
  protected void buildCell(long inputDim) {
    if (3L * units > Integer.MAX_VALUE) {
      // the gate slices index with int32 (see biasRow): 3 x units must fit
      throw new ResourceLimitException("units: 3 x " + units + " gate columns exceed 2^31-1, the most a GRU's int32 slices can index");
    }
    addKernel(inputDim, 3L * units);
    addRecurrentKernel(units, 3L * units);
    if (useBias) {
      long[] shape = resetAfter ? new long[] {2, 3L * units} : new long[] {3L * units};
      addBias(shape);
    }
  }

  // Slices take int32 begin/size: the C++ gradient of Slice fails to build with int64 ones.

  /** Row {@code row} of the (2, 3*units) bias. */
  private Operand<TFloat32> biasRow(Ops tf, int row) {
    return tf.reshape(
        tf.slice(read(bias), tf.constant(new int[] {row, 0}), tf.constant(new int[] {1, 3 * units})),
        tf.constant(new int[] {3 * units}));
  }

  /** Gate columns [from*units, (from + count)*units) of the recurrent kernel. */
  private Operand<TFloat32> recurrentColumns(Ops tf, int from, int count) {
    return tf.slice(read(recurrentKernel), tf.constant(new int[] {0, from * units}),
        tf.constant(new int[] {units, count * units}));
  }

  @Override
  protected Operand<TFloat32> projectInputs(Ops tf, Operand<TFloat32> x) {
    Operand<TFloat32> z = tf.linalg.matMul(x, read(kernel));
    if (!useBias) return z;
    return tf.nn.biasAdd(z, resetAfter ? biasRow(tf, 0) : read(bias));
  }

  @Override
  protected List<Operand<TFloat32>> step(Ops tf, Operand<TFloat32> projected, List<Operand<TFloat32>> states,
      Operand<TFloat32> droppedH) {
    Operand<TFloat32> h = states.get(0);
    List<Operand<TFloat32>> x = splitGates(tf, projected, 3);
    Operand<TFloat32> z;
    Operand<TFloat32> r;
    Operand<TFloat32> hh;
    if (resetAfter) {
      Operand<TFloat32> inner = tf.linalg.matMul(droppedH, read(recurrentKernel));
      if (useBias) inner = tf.nn.biasAdd(inner, biasRow(tf, 1));
      List<Operand<TFloat32>> in = splitGates(tf, inner, 3);
      z = recurrentActivation.apply(tf, tf.math.add(x.get(0), in.get(0)));
      r = recurrentActivation.apply(tf, tf.math.add(x.get(1), in.get(1)));
      hh = activation.apply(tf, tf.math.add(x.get(2), tf.math.mul(r, in.get(2))));
    } else {
      List<Operand<TFloat32>> in = splitGates(tf, tf.linalg.matMul(droppedH, recurrentColumns(tf, 0, 2)), 2);
      z = recurrentActivation.apply(tf, tf.math.add(x.get(0), in.get(0)));
      r = recurrentActivation.apply(tf, tf.math.add(x.get(1), in.get(1)));
      Operand<TFloat32> rh = tf.linalg.matMul(tf.math.mul(r, droppedH), recurrentColumns(tf, 2, 1));
      hh = activation.apply(tf, tf.math.add(x.get(2), rh));
    }
    // h' = z * h + (1 - z) * hh, on the undropped h.
    Operand<TFloat32> hNew = tf.math.add(tf.math.mul(z, h), tf.math.mul(tf.math.sub(tf.constant(1f), z), hh));
    return List.of(hNew);
  }

  // ----- structure -----

  @Override
  public List<Activation> activations() {
    return List.of(recurrentActivation, activation);
  }

  /** Keras 2's hard_sigmoid: as the recurrent activation gates z and r feed it, as the activation the candidate h. */
  @Override
  public float[] keras3ColumnScale(Weight w) {
    boolean r = Activations.isKeras2HardSigmoid(recurrentActivation);
    return keras2HardSigmoidScale(w, r, r, Activations.isKeras2HardSigmoid(activation));
  }

  /** Keras 1 stored W, U, b per gate (9 arrays): fused into kernel, recurrent_kernel, bias with gates z, r, h. */
  @Override
  public List<FloatArray> fromLegacyWeights(List<String> names, List<FloatArray> arrays) {
    return arrays.size() == 9 ? LegacyGates.fuse(names, arrays, "zrh", 0, 3, 6) : arrays;
  }
}
