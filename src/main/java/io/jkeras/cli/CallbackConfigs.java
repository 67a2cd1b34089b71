package io.jkeras.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import io.jkeras.callbacks.CSVLogger;
import io.jkeras.callbacks.Callback;
import io.jkeras.callbacks.EarlyStopping;
import io.jkeras.callbacks.ModelCheckpoint;
import io.jkeras.callbacks.ReduceLROnPlateau;
import io.jkeras.callbacks.TerminateOnNaN;
import io.jkeras.config.Config;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The job's {@code "callbacks"}: a list of {@code {"class_name": "EarlyStopping", "config":
 * {...}}} with Keras's argument names. File paths are relative to the working directory, as in
 * Keras; missing parent directories are created.
 */
final class CallbackConfigs {
  static final List<String> NAMES = List.of("EarlyStopping", "CSVLogger", "ModelCheckpoint", "ReduceLROnPlateau", "TerminateOnNaN");

  private CallbackConfigs() {}

  static List<Callback> fromJob(JsonNode list, Path file) {
    List<Callback> r = new ArrayList<>();
    if (list == null || list.isNull()) return r;
    if (!list.isArray()) throw new ConfigException(file + ": field 'callbacks' must be a list, got " + list);
    for (int i = 0; i < list.size(); i++) {
      JsonNode n = list.get(i);
      String where = "callbacks[" + i + "]";
      String cls = n.path("class_name").asText("");
      if (!NAMES.contains(cls)) {
        throw new ConfigException(file + ": field '" + where + ".class_name' must be one of " + NAMES + ", got " + n.get("class_name"));
      }
      JsonNode cfg = n.has("config") ? n.get("config") : JsonNodeFactory.instance.objectNode();
      try {
        Config c = new Config(cfg, where + ".config", 3);
        r.add(create(cls, c));
        c.checkAllUsed(cls);
      } catch (IllegalArgumentException e) {
        throw new ConfigException(file + ": " + e.getMessage(), e);
      }
    }
    return r;
  }

  private static Path file(String name) {
    Path p = Path.of(name);
    try {
      if (p.toAbsolutePath().getParent() != null) Files.createDirectories(p.toAbsolutePath().getParent());
    } catch (IOException e) {
      throw new IllegalArgumentException("cannot create the directory of " + p + ": " + e.getMessage(), e);
    }
    return p;
  }

  private static Callback create(String cls, Config c) {
    switch (cls) {
      case "EarlyStopping": {
        EarlyStopping e = new EarlyStopping().monitor(c.getString("monitor", "val_loss")).minDelta(c.getDouble("min_delta", 0))
            .patience(c.getInt("patience", 0)).verbose(c.getInt("verbose", 0)).mode(c.getString("mode", "auto"))
            .restoreBestWeights(c.getBool("restore_best_weights", false)).startFromEpoch(c.getInt("start_from_epoch", 0));
        if (c.has("baseline")) e.baseline(c.getDouble("baseline", 0));
        c.ignore("baseline");
        return e;
      }
      case "CSVLogger":
        return new CSVLogger(file(c.getString("filename", "training.log")), c.getString("separator", ","),
            c.getBool("append", false));
      case "ModelCheckpoint":
        return new ModelCheckpoint(c.getString("filepath", "checkpoints/epoch-{epoch:02d}"))
            .monitor(c.getString("monitor", "val_loss")).saveBestOnly(c.getBool("save_best_only", false))
            .mode(c.getString("mode", "auto")).verbose(c.getInt("verbose", 0));
      case "ReduceLROnPlateau":
        return new ReduceLROnPlateau().monitor(c.getString("monitor", "val_loss")).factor(c.getDouble("factor", 0.1))
            .patience(c.getInt("patience", 10)).verbose(c.getInt("verbose", 0)).mode(c.getString("mode", "auto"))
            .minDelta(c.getDouble("min_delta", 1e-4)).cooldown(c.getInt("cooldown", 0)).minLr(c.getDouble("min_lr", 0));
      default:
        return new TerminateOnNaN(c.getBool("raise_error", false));
    }
  }
}
