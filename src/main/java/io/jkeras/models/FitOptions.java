package io.jkeras.models;

import io.jkeras.callbacks.Callback;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/** The arguments of Keras's {@code fit}, with Keras's defaults. */
public final class FitOptions {
  int epochs = 1;
  int batchSize = 32;
  boolean batchSizeSet;
  int verbose = 1;
  boolean shuffle = true;
  double validationSplit;
  Object validationX;
  Object validationY;
  int initialEpoch;
  int prefetch;
  final List<Callback> callbacks = new ArrayList<>();

  public static FitOptions defaults() {
    return new FitOptions();
  }

  /**
   * Number of batches a background thread copies ahead of the training step (0, the default:
   * each batch is copied when the step needs it). Worth it when copying a batch takes a
   * noticeable part of a step (large one-hot labels) and a core is free.
   */
  public FitOptions prefetch(int batches) {
    if (batches < 0) throw new IllegalArgumentException("prefetch must be >= 0, got " + batches);
    this.prefetch = batches;
    return this;
  }

  public int prefetch() {
    return prefetch;
  }

  public FitOptions epochs(int epochs) {
    if (epochs < 0) throw new IllegalArgumentException("epochs must be >= 0, got " + epochs);
    this.epochs = epochs;
    return this;
  }

  public FitOptions batchSize(int batchSize) {
    if (batchSize <= 0) throw new IllegalArgumentException("batch_size must be positive, got " + batchSize);
    this.batchSize = batchSize;
    this.batchSizeSet = true;
    return this;
  }

  /** 0 silent, 1 progress bar, 2 one line per epoch. */
  public FitOptions verbose(int verbose) {
    if (verbose < 0 || verbose > 2) throw new IllegalArgumentException("verbose must be 0, 1 or 2, got " + verbose);
    this.verbose = verbose;
    return this;
  }

  /** Reshuffles the training samples before each epoch (default true). */
  public FitOptions shuffle(boolean shuffle) {
    this.shuffle = shuffle;
    return this;
  }

  /** Holds out the last fraction of the samples (before shuffling) for validation, as Keras. */
  public FitOptions validationSplit(double split) {
    if (!(split >= 0 && split < 1)) throw new IllegalArgumentException("validation_split must be in [0, 1), got " + split);
    this.validationSplit = split;
    return this;
  }

  public FitOptions validationData(Object x, Object y) {
    this.validationX = x;
    this.validationY = y;
    return this;
  }

  public FitOptions initialEpoch(int initialEpoch) {
    if (initialEpoch < 0) throw new IllegalArgumentException("initial_epoch must be >= 0, got " + initialEpoch);
    this.initialEpoch = initialEpoch;
    return this;
  }

  public FitOptions callbacks(Callback... callbacks) {
    this.callbacks.addAll(Arrays.asList(callbacks));
    return this;
  }

  public FitOptions callbacks(List<? extends Callback> callbacks) {
    this.callbacks.addAll(callbacks);
    return this;
  }

  public int initialEpoch() {
    return initialEpoch;
  }

  public int epochs() {
    return epochs;
  }

  public int batchSize() {
    return batchSize;
  }

  public int verbose() {
    return verbose;
  }
}
