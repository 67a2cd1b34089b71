package io.jkeras.callbacks;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jkeras.models.Sequential;
import io.jkeras.optimizers.SGD;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class LambdaCallbackTest {
  @Test
  void callsEachHookInOrderWithItsArguments() {
    List<String> events = new ArrayList<>();
    List<Double> epochLosses = new ArrayList<>();
    Callback cb = LambdaCallback.builder()
        .onTrainBegin(logs -> events.add("train_begin"))
        .onEpochBegin((e, logs) -> events.add("epoch_begin " + e))
        .onTrainBatchBegin((b, logs) -> events.add("batch_begin " + b))
        .onTrainBatchEnd((b, logs) -> events.add("batch_end " + b + (logs.containsKey("loss") ? " loss" : "")))
        .onEpochEnd((e, logs) -> {
          events.add("epoch_end " + e);
          epochLosses.add(logs.get("loss"));
        })
        .onTrainEnd(logs -> events.add("train_end"))
        .build();
    try (Sequential m = Tiny.binary(new SGD(0.1f), "binary_crossentropy")) {
      // 6 samples, batch size 3: two batches per epoch.
      History h = m.fit(Tiny.X, Tiny.Y, Tiny.quiet(2).batchSize(3).callbacks(cb));
      assertEquals(List.of("train_begin",
          "epoch_begin 0", "batch_begin 0", "batch_end 0 loss", "batch_begin 1", "batch_end 1 loss", "epoch_end 0",
          "epoch_begin 1", "batch_begin 0", "batch_end 0 loss", "batch_begin 1", "batch_end 1 loss", "epoch_end 1",
          "train_end"), events);
      assertEquals(h.get("loss"), epochLosses);
    }
  }

  @Test
  void hooksLeftOutDoNothing() {
    try (Sequential m = Tiny.binary(new SGD(0.1f), "binary_crossentropy")) {
      assertTrue(m.fit(Tiny.X, Tiny.Y, Tiny.quiet(1).callbacks(LambdaCallback.builder().build())).epochs().size() == 1);
    }
  }
}
