package io.jkeras.callbacks;

import io.jkeras.optimizers.Optimizer;
import java.util.Map;
import java.util.function.IntToDoubleFunction;

/**
 * Keras's {@code LearningRateScheduler}: before each epoch, sets the optimizer's learning rate to
 * {@code schedule(epoch, current learning rate)}; after each epoch, logs the rate under
 * "learning_rate" (so History and CSVLogger see it, as in Keras 3). The rate is a float32, as
 * Keras's optimizer variable: the schedule receives it widened to a double.
 */
public final class LearningRateScheduler extends Callback {
  /** Keras's {@code schedule(epoch, lr)}: epoch is 0-based, lr the current rate. */
  @FunctionalInterface
  public interface Schedule {
    double apply(int epoch, double lr);
  }

  private final Schedule schedule;
  private final int verbose;

  public LearningRateScheduler(Schedule schedule) {
    this(schedule, 0);
  }

  /** {@code verbose} 1 prints the rate set at each epoch, as Keras. */
  public LearningRateScheduler(Schedule schedule, int verbose) {
    if (schedule == null) throw new IllegalArgumentException("LearningRateScheduler: schedule is null");
    this.schedule = schedule;
    this.verbose = verbose;
  }

  /** Keras's older form, {@code schedule(epoch)}. */
  public static LearningRateScheduler ofEpoch(IntToDoubleFunction schedule, int verbose) {
    if (schedule == null) throw new IllegalArgumentException("LearningRateScheduler: schedule is null");
    return new LearningRateScheduler((epoch, lr) -> schedule.applyAsDouble(epoch), verbose);
  }

  private Optimizer optimizer() {
    Optimizer o = model() == null ? null : model().optimizer();
    if (o == null) throw new IllegalStateException("LearningRateScheduler: the model has no optimizer (compile it first)");
    return o;
  }

  @Override
  public void onEpochBegin(int epoch, Map<String, Double> logs) {
    Optimizer o = optimizer();
    double lr = schedule.apply(epoch, (double) o.learningRate());
    o.setLearningRate((float) lr);
    if (verbose > 0) {
      PyCompat.print("\nEpoch " + (epoch + 1) + ": LearningRateScheduler setting learning rate to " + PyCompat.repr(lr) + ".");
    }
  }

  @Override
  public void onEpochEnd(int epoch, Map<String, Double> logs) {
    logs.put("learning_rate", (double) optimizer().learningRate());
  }
}
