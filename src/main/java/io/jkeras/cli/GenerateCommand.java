package io.jkeras.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.jkeras.data.FloatArray;
import io.jkeras.models.Sequential;
import io.jkeras.saving.ModelFiles;
import io.jkeras.utils.Sampling;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code jkeras generate MODEL --seed "text" --length N --temperature T}: the Macbeth tutorial's
 * generation loop for a model trained by {@code train} on a text source. Temperature 0 is the
 * tutorial's argmax; higher values sample from the softmax sharpened or flattened by T.
 */
@Command(name = "generate", mixinStandardHelpOptions = true, description = "Generate text from a model trained on a text source.")
final class GenerateCommand implements Callable<Integer> {
  @Parameters(index = "0", paramLabel = "MODEL", description = "a model directory written by train from a text job")
  Path model;

  @Option(names = "--seed", required = true, description = "the text to start from")
  String seedText;

  @Option(names = "--length", defaultValue = "100", description = "tokens to generate (default ${DEFAULT-VALUE})")
  int length;

  @Option(names = "--temperature", defaultValue = "0", description = "0 = argmax (the tutorial); e.g. 0.5 or 1.0 to sample")
  double temperature;

  @Option(names = "--random-seed", defaultValue = "7", description = "sampling seed (default ${DEFAULT-VALUE})")
  long randomSeed;

  @Override
  public Integer call() throws Exception {
    if (length < 1) throw new ConfigException("--length must be positive, got " + length);
    if (temperature < 0) throw new ConfigException("--temperature must be >= 0, got " + temperature);
    Path dataFile = model.resolve("data.json");
    if (!ModelFiles.isModelDir(model) || !Files.isRegularFile(dataFile)) {
      throw new ConfigException(model + ": not a model trained from a text source (needs model.json, weights.npz and data.json)");
    }
    JsonNode data = new ObjectMapper().readTree(dataFile.toFile());
    if (!"text".equals(data.path("source").asText())) {
      throw new ConfigException(model + ": generate needs a model trained on a text source, this one used '" + data.path("source").asText() + "'");
    }
    boolean charLevel = !"word".equals(data.path("level").asText("char"));
    boolean lowercase = data.path("lowercase").asBoolean(true);
    String encoding = data.path("encoding").asText("normalized");
    int seqLength = data.path("seq_length").asInt(50);
    List<String> vocab = new ArrayList<>();
    data.path("vocabulary").forEach(v -> vocab.add(v.asText()));
    if (vocab.isEmpty()) throw new ConfigException(dataFile + ": no vocabulary");
    String seed = lowercase ? seedText.toLowerCase(Locale.ROOT) : seedText;
    List<Integer> ids = new ArrayList<>();
    List<String> toks = new ArrayList<>();
    if (charLevel) seed.codePoints().forEach(cp -> toks.add(new String(Character.toChars(cp))));
    else for (String w : seed.split("\\s+")) if (!w.isEmpty()) toks.add(w);
    for (String t : toks) {
      int id = vocab.indexOf(t);
      if (id < 0) throw new ConfigException("--seed: '" + t + "' is not in the model's vocabulary of " + vocab.size() + " tokens");
      ids.add(id);
    }
    if (ids.isEmpty()) throw new ConfigException("--seed is empty");
    Random random = new Random(randomSeed);
    StringBuilder out = new StringBuilder(seedText);
    try (Sequential m = ModelFiles.load(model)) {
      for (int step = 0; step < length; step++) {
        FloatArray x = window(ids, seqLength, vocab.size(), encoding);
        FloatArray p = m.predict(x, 1);
        int v = vocab.size();
        float[] probs = Arrays.copyOfRange(p.data(), p.data().length - v, p.data().length);
        int next = Sampling.sample(probs, temperature, random);
        ids.add(next);
        out.append(charLevel ? "" : " ").append(vocab.get(next));
      }
    }
    System.out.println(out);
    return Main.OK;
  }

  /** The last seqLength ids (left-padded with the first id when shorter), encoded as in training. */
  static FloatArray window(List<Integer> ids, int seqLength, int vocab, String encoding) {
    int[] w = new int[seqLength];
    for (int t = 0; t < seqLength; t++) {
      int i = ids.size() - seqLength + t;
      w[t] = ids.get(Math.max(0, i));
    }
    switch (encoding) {
      case "onehot": {
        float[] d = new float[seqLength * vocab];
        for (int t = 0; t < seqLength; t++) d[t * vocab + w[t]] = 1;
        return new FloatArray(d, 1, seqLength, vocab);
      }
      case "ids": {
        float[] d = new float[seqLength];
        for (int t = 0; t < seqLength; t++) d[t] = w[t];
        return new FloatArray(d, 1, seqLength);
      }
      default: {
        float[] d = new float[seqLength];
        for (int t = 0; t < seqLength; t++) d[t] = w[t] / (float) vocab;
        return new FloatArray(d, 1, seqLength, 1);
      }
    }
  }
}
