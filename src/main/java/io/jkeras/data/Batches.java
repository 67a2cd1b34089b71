package io.jkeras.data;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import org.tensorflow.types.TFloat32;

/**
 * The (x, y) batch tensors of one training epoch, in order. Without prefetch each batch is
 * copied when asked for; with {@code prefetch > 0} a background thread copies up to that many
 * batches ahead, so the session does not wait for Java between steps (tf.data's prefetch).
 * Closing releases every tensor not handed out and stops the thread.
 */
public final class Batches implements AutoCloseable {

  /** One batch: a tensor per model input and per target; the caller closes it after the step. */
  public record Batch(List<TFloat32> xs, List<TFloat32> ys) implements AutoCloseable {
    /** The (first) input tensor. */
    public TFloat32 x() {
      return xs.get(0);
    }

    /** The (first) target tensor. */
    public TFloat32 y() {
      return ys.get(0);
    }

    /**
     * Samples {@code [from, to)} of every input and target, in order (evaluate, predict with no
     * targets, train_on_batch); if one slice fails, those made are closed.
     */
    public static Batch slice(List<FloatArray> x, List<FloatArray> y, int from, int to) {
      return cut(x, y, a -> a.sliceTensor(from, to));
    }

    /** One tensor per array, cut from it by {@code cut}; if one fails, those made are closed. */
    private static Batch cut(List<FloatArray> x, List<FloatArray> y, Function<FloatArray, TFloat32> cut) {
      List<TFloat32> made = new ArrayList<>();
      try {
        for (FloatArray a : x) made.add(cut.apply(a));
        for (FloatArray a : y) made.add(cut.apply(a));
      } catch (RuntimeException | Error e) {
        closeAll(made);
        throw e;
      }
      return new Batch(List.copyOf(made.subList(0, x.size())), List.copyOf(made.subList(x.size(), made.size())));
    }

    @Override
    public void close() {
      closeAll(xs);
      closeAll(ys);
    }
  }

  /** Closes every tensor, even if one close throws. */
  private static void closeAll(List<TFloat32> ts) {
    RuntimeException first = null;
    for (TFloat32 t : ts) {
      try {
        t.close();
      } catch (RuntimeException e) {
        if (first == null) first = e;
      }
    }
    if (first != null) throw first;
  }

  private final List<FloatArray> x;
  private final List<FloatArray> y;
  private final int[] order;
  private final int batchSize;
  private final int steps;
  private int next;
  private final BlockingQueue<Object> queue;
  private final Thread worker;
  private volatile boolean closed;

  /**
   * Batches {@code [0, steps)} of {@code batchSize} samples taken from {@code x} and {@code y} in
   * {@code order} (the epoch's shuffled sample indices; not modified while batches are made).
   */
  public Batches(FloatArray x, FloatArray y, int[] order, int batchSize, int prefetch) {
    this(List.of(x), List.of(y), order, batchSize, prefetch);
  }

  /** The same for a model with several inputs ({@code x}) and outputs ({@code y}), sliced alike. */
  public Batches(List<FloatArray> x, List<FloatArray> y, int[] order, int batchSize, int prefetch) {
    if (prefetch < 0) throw new IllegalArgumentException("prefetch must be >= 0, got " + prefetch);
    this.x = List.copyOf(x);
    this.y = List.copyOf(y);
    this.order = order.clone();
    this.batchSize = batchSize;
    this.steps = (order.length + batchSize - 1) / batchSize;
    if (prefetch == 0) {
      queue = null;
      worker = null;
    } else {
      queue = new ArrayBlockingQueue<>(prefetch);
      worker = new Thread(this::produce, "jkeras-prefetch");
      worker.setDaemon(true);
      worker.start();
    }
  }

  private Batch make(int step) {
    int from = step * batchSize;
    int to = Math.min(order.length, from + batchSize);
    return Batch.cut(x, y, a -> a.batchTensor(order, from, to));
  }

  private void produce() {
    try {
      for (int step = 0; step < steps && !closed; step++) {
        Batch b = make(step);
        while (!queue.offer(b, 50, TimeUnit.MILLISECONDS)) {
          if (closed) {
            b.close();
            return;
          }
        }
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (RuntimeException | Error e) {
      // Handed to the consumer, who rethrows it at the batch that failed.
      queue.offer(e);
    }
  }

  /** The next batch (blocks while the prefetch thread is still copying it). */
  public Batch next() {
    if (next >= steps) throw new IllegalStateException("all " + steps + " batches were taken");
    int step = next++;
    if (queue == null) return make(step);
    Object o;
    try {
      o = queue.take();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while waiting for batch " + step, e);
    }
    if (o instanceof RuntimeException re) throw re;
    if (o instanceof Error err) throw err;
    return (Batch) o;
  }

  public int steps() {
    return steps;
  }

  @Override
  public void close() {
    closed = true;
    if (worker == null) return;
    try {
      worker.join();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    List<Object> left = new ArrayList<>();
    queue.drainTo(left);
    for (Object o : left) {
      if (o instanceof Batch b) b.close();
    }
  }
}
