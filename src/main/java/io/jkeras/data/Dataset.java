package io.jkeras.data;

import java.util.List;

/**
 * Inputs and targets ready for {@code fit}, and the vocabulary when they came from text (so a
 * trained model can map its outputs back to characters or words).
 */
public final class Dataset {
  private final FloatArray x;
  private final FloatArray y;
  private final List<String> vocabulary;

  public Dataset(FloatArray x, FloatArray y, List<String> vocabulary) {
    if (x.length() != y.length()) {
      throw new IllegalArgumentException("dataset: x has " + x.length() + " samples but y has " + y.length());
    }
    this.x = x;
    this.y = y;
    this.vocabulary = vocabulary;
  }

  public FloatArray x() {
    return x;
  }

  public FloatArray y() {
    return y;
  }

  /** The token of each class id, or null. */
  public List<String> vocabulary() {
    return vocabulary;
  }
}
