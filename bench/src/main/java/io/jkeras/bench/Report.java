package io.jkeras.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** Turns the collected records into the results table (Markdown and JSON). */
final class Report {
  private Report() {}

  static List<Map<String, Object>> all;

  static void write(Map<String, Object> machine, List<Map<String, Object>> records, Path dir, boolean experiments)
      throws IOException {
    all = records;
    List<List<String>> rows = new ArrayList<>();
    Map<String, Object> summary = new LinkedHashMap<>();

    Map<String, Object> dA = bestDl4j("alphabet-stateful", "ms_per_step");
    Map<String, Object> dC = bestDl4j("char-lstm", "ms_per_step");
    Map<String, Object> dW = bestDl4j("word-lm", "ms_per_step");
    Map<String, Object> dP = bestDl4j("predict-latency", "p50_us");
    Map<String, Object> dP256 = bestDl4jMax("predict-latency", "batch256_samples_per_s");
    Map<String, Object> jA = find("jkeras", "alphabet-stateful");
    Map<String, Object> jC = find("jkeras", "char-lstm");
    Map<String, Object> jW = find("jkeras", "word-lm");
    Map<String, Object> jP = find("jkeras", "predict-latency");
    Map<String, Object> fA = find("jkeras-unrolled", "alphabet-stateful");
    Map<String, Object> fC = find("jkeras-unrolled", "char-lstm");
    Map<String, Object> fW = find("jkeras-unrolled", "word-lm");
    Map<String, Object> fP = find("jkeras-unrolled", "predict-latency");
    double roof = 0;
    double roofBest = 0;
    for (Map<String, Object> m : all) {
      if ("jkeras".equals(m.get("run")) && "matmul".equals(m.get("workload"))) {
        roof = Math.max(roof, num(m, "median_gflops"));
        roofBest = Math.max(roofBest, num(m, "best_gflops"));
      }
    }

    rows.add(row("alphabet-stateful", "ms / step", jA, fA, dA, "ms_per_step", true, ">= 8x"));
    rows.add(row("char-lstm", "ms / step (median)", jC, fC, dC, "ms_per_step", true, ">= 4x"));
    rows.add(row("char-lstm", "samples / s", jC, fC, dC, "samples_per_s", false, ""));
    rows.add(row("word-lm", "ms / step (median)", jW, fW, dW, "ms_per_step", true, ">= 4x"));
    rows.add(row("word-lm", "tokens / s", jW, fW, dW, "tokens_per_s", false, ""));
    rows.add(row("predict [1,50,1]", "p50 µs", jP, fP, dP, "p50_us", true, ">= 20x"));
    rows.add(row("predict [1,50,1]", "p99 µs", jP, fP, dP, "p99_us", true, "p99 <= 2x p50"));
    rows.add(List.of("predict [1,50,1]", "p99 / p50", ratio(jP, "p99_us", "p50_us"), ratio(fP, "p99_us", "p50_us"),
        ratio(dP, "p99_us", "p50_us"), "", "", "<= 2"));
    rows.add(List.of("predict [1,50,1]", "raw TF Java Session.run p50 µs (same graph, same RunOptions)", fmt(num(jP, "raw_tf_p50_us")),
        fmt(num(fP, "raw_tf_p50_us")), "", "", "", ""));
    rows.add(List.of("predict [1,50,1]", "jkeras overhead over raw TF (p50)", pct(num(jP, "p50_us") / num(jP, "raw_tf_p50_us") - 1),
        pct(num(fP, "p50_us") / num(fP, "raw_tf_p50_us") - 1), "", "", "", "<= 10%"));
    rows.add(List.of("predict [1,50,1]", "exported SavedModel loaded back (SavedModel.predict) p50 / p99 µs",
        fmt(num(jP, "savedmodel_p50_us")) + " / " + fmt(num(jP, "savedmodel_p99_us")), "", "", ratioText(num(dP, "p50_us"), num(jP, "savedmodel_p50_us")), "", ""));
    rows.add(row("predict [256,50,1]", "samples / s", jP, fP, dP256, "batch256_samples_per_s", false, ""));
    rows.add(List.of("roofline", "TF float32 MatMul GFLOP/s (median, best size; best single run " + fmt(roofBest) + ")",
        fmt(roof), "", "", "", "", ""));
    for (String[] w : new String[][] {{"alphabet-stateful", "A"}, {"char-lstm", "C"}, {"word-lm", "W"}}) {
      Map<String, Object> j = find("jkeras", w[0]);
      Map<String, Object> f = find("jkeras-unrolled", w[0]);
      Map<String, Object> d = w[1].equals("A") ? dA : w[1].equals("C") ? dC : dW;
      double dg = w[1].equals("A") ? Flops.train(Flops.alphabetForward()) / (num(d, "ms_per_step") / 1000) / 1e9 : num(d, "gflops");
      rows.add(List.of(w[0], "achieved GFLOP/s (% of MatMul roofline)", gf(num(j, "gflops"), roof), gf(num(f, "gflops"), roof),
          gf(dg, roof), "", "", w[1].equals("C") ? ">= 50%" : ""));
    }
    for (String w : new String[] {"alphabet-stateful", "char-lstm", "word-lm", "predict-latency"}) {
      Map<String, Object> j = find("jkeras", w);
      Map<String, Object> f = find("jkeras-unrolled", w);
      Map<String, Object> d = bestDl4j(w, w.equals("predict-latency") ? "p50_us" : "ms_per_step");
      rows.add(List.of(w, "parameters", count(j), count(f), count(d), "", "", "equal"));
    }

    summary.put("speedup_alphabet", speed(dA, jA, "ms_per_step"));
    summary.put("speedup_char_lstm", speed(dC, jC, "ms_per_step"));
    summary.put("speedup_word_lm", speed(dW, jW, "ms_per_step"));
    summary.put("speedup_predict_p50", speed(dP, jP, "p50_us"));
    summary.put("unrolled_lstm_speedup_alphabet", speed(dA, fA, "ms_per_step"));
    summary.put("unrolled_lstm_speedup_char_lstm", speed(dC, fC, "ms_per_step"));
    summary.put("unrolled_lstm_speedup_word_lm", speed(dW, fW, "ms_per_step"));
    summary.put("speedup_predict_savedmodel_p50", num(dP, "p50_us") / num(jP, "savedmodel_p50_us"));
    summary.put("matmul_gflops", roof);

    StringBuilder md = new StringBuilder();
    md.append("# jkeras vs DL4J: benchmark results\n\n");
    md.append("Machine: ").append(machine.get("cpu_model")).append(", ").append(machine.get("cpus")).append(" CPUs (")
        .append(machine.get("threads_per_core")).append(" thread/core), AVX-512: ").append(machine.get("avx512"))
        .append(", hypervisor: ").append(machine.get("hypervisor")).append("; ").append(machine.get("java")).append(", ")
        .append(machine.get("os")).append(".  \n");
    md.append("Load average (1/5/15 min) at start: ").append(machine.get("load_at_start")).append("; at end: ")
        .append(machine.get("load_at_end")).append(". Date: ").append(machine.get("date")).append(".\n\n");
    md.append("jkeras: TensorFlow Java 1.1.0 (TF 2.18), the library's defaults (LSTM training on TensorFlow's fused "
        + "BlockLSTMV2 op with jkeras's gradient from 6 timesteps on, inference on the unrolled cell). The second column trains "
        + "the LSTM through the unrolled cell instead (" + String.join(" ", Bench.UNROLLED) + "; its recurrent matmul split by "
        + "gate for large layers). DL4J: 1.0.0-M2.1, nd4j-native CPU, "
        + "best of OMP_NUM_THREADS=1 and 2 per row (threads in brackets). "
        + "Speedup = DL4J time / jkeras time (or jkeras rate / DL4J rate).\n\n");
    md.append("| Workload | Metric | jkeras | jkeras, LSTM unrolled in training | DL4J (best) | Speedup jkeras | Speedup unrolled | Goal |\n");
    md.append("|---|---|---:|---:|---:|---:|---:|---|\n");
    for (List<String> r : rows) md.append("| ").append(String.join(" | ", r)).append(" |\n");
    md.append("\nGFLOP counts are analytic (LSTM and Dense matmuls; a training step = 3x forward): ")
        .append(String.format(Locale.ROOT, "alphabet %.3g, char-lstm %.3g, word-lm %.3g GFLOP per step.\n",
            Flops.train(Flops.alphabetForward()) / 1e9, Flops.train(Flops.charLstmForward(64)) / 1e9,
            Flops.train(Flops.wordLmForward()) / 1e9));
    md.append(checkTable());
    if (experiments) md.append(experimentTable());
    String mdText = md.toString();
    System.out.println();
    System.out.println(mdText);
    Files.createDirectories(dir);
    Files.writeString(dir.resolve("results.md"), mdText);
    Map<String, Object> doc = new LinkedHashMap<>();
    doc.put("machine", machine);
    doc.put("summary", summary);
    doc.put("table", rows);
    doc.put("records", all);
    Files.writeString(dir.resolve("results.json"), Bench.json.writeValueAsString(doc));
    System.out.println("written: " + dir.resolve("results.md") + ", " + dir.resolve("results.json"));
  }

  static String checkTable() {
    StringBuilder b = new StringBuilder("\n## Fused LSTM equals the unrolled Keras cell\n\n");
    b.append("Max over outputs (sequence, last h, last c) and gradients (x, kernel, recurrent kernel, bias, h0, c0) of "
        + "|fused - unrolled| / max|value|, float32; \"equal\" also requires the fused op to be no further from a float64 "
        + "unrolled reference than the float32 unrolled cell is.\n\n");
    b.append("| Op | batch, steps, features, units | max rel. diff vs unrolled | equal (1e-5) |\n|---|---|---:|---|\n");
    for (Map<String, Object> m : all) {
      if (!"lstm-equality".equals(m.get("workload"))) continue;
      b.append(String.format(Locale.ROOT, "| %s | %s | %.2e | %s |\n", m.get("kind"), m.get("shape"),
          num(m, "max_rel_diff_vs_unrolled"), m.get("equal_1e-5")));
    }
    return b.toString();
  }

  static String experimentTable() {
    StringBuilder b = new StringBuilder("\n## Experiments: LSTM implementation and TensorFlow settings (jkeras)\n\n");
    b.append("| Run | alphabet ms/step | char-lstm ms/step | word-lm ms/step | predict p50 µs | p99 µs | raw TF p50 µs | batch-256 samples/s | MatMul GFLOP/s |\n");
    b.append("|---|---:|---:|---:|---:|---:|---:|---:|---:|\n");
    List<String> runs = new ArrayList<>();
    for (Map<String, Object> m : all) {
      String r = (String) m.get("run");
      if (r != null && (r.startsWith("jkeras") || r.startsWith("exp")) && !runs.contains(r)) runs.add(r);
    }
    for (String r : runs) {
      Map<String, Object> a = find(r, "alphabet-stateful");
      Map<String, Object> c = find(r, "char-lstm");
      Map<String, Object> w = find(r, "word-lm");
      if (w == null) w = find(r, "word-lm-sparse-labels");
      Map<String, Object> p = find(r, "predict-latency");
      double mm = 0;
      for (Map<String, Object> m : all) {
        if (r.equals(m.get("run")) && "matmul".equals(m.get("workload"))) mm = Math.max(mm, num(m, "median_gflops"));
      }
      String err = "";
      for (Map<String, Object> m : all) if (r.equals(m.get("run")) && m.containsKey("error")) err = " (" + m.get("error") + ")";
      b.append(String.format(Locale.ROOT, "| %s%s | %s | %s | %s | %s | %s | %s | %s | %s |\n", r, err,
          fmt(num(a, "ms_per_step")), fmt(num(c, "ms_per_step")), fmt(num(w, "ms_per_step")) + (w != null && "word-lm-sparse-labels".equals(w.get("workload")) ? " (sparse labels)" : ""),
          fmt(num(p, "p50_us")), fmt(num(p, "p99_us")), fmt(num(p, "raw_tf_p50_us")), fmt(num(p, "batch256_samples_per_s")),
          mm > 0 ? fmt(mm) : ""));
    }
    return b.toString();
  }

  // ----- helpers -----

  static Map<String, Object> find(String run, String workload) {
    for (Map<String, Object> m : all) {
      if (run.equals(m.get("run")) && workload.equals(m.get("workload"))) return m;
    }
    return null;
  }

  static Map<String, Object> bestDl4j(String workload, String key) {
    Map<String, Object> best = null;
    for (Map<String, Object> m : all) {
      String r = (String) m.get("run");
      if (r == null || !r.startsWith("dl4j") || !workload.equals(m.get("workload"))) continue;
      if (best == null || num(m, key) < num(best, key)) best = m;
    }
    return best;
  }

  static Map<String, Object> bestDl4jMax(String workload, String key) {
    Map<String, Object> best = null;
    for (Map<String, Object> m : all) {
      String r = (String) m.get("run");
      if (r == null || !r.startsWith("dl4j") || !workload.equals(m.get("workload"))) continue;
      if (best == null || num(m, key) > num(best, key)) best = m;
    }
    return best;
  }

  static double num(Map<String, Object> m, String key) {
    if (m == null) return Double.NaN;
    Object v = m.get(key);
    return v instanceof Number ? ((Number) v).doubleValue() : Double.NaN;
  }

  static List<String> row(String w, String metric, Map<String, Object> j, Map<String, Object> f, Map<String, Object> d,
      String key, boolean lowerIsBetter, String goal) {
    String dl = fmt(num(d, key)) + (d == null ? "" : " (" + d.get("omp_threads") + "T)");
    return List.of(w, metric, fmt(num(j, key)), fmt(num(f, key)), dl, speedText(d, j, key, lowerIsBetter),
        speedText(d, f, key, lowerIsBetter), goal);
  }

  static String ratioText(double slow, double fast) {
    double s = slow / fast;
    return Double.isNaN(s) ? "" : String.format(Locale.ROOT, "%.1fx", s);
  }

  static double speed(Map<String, Object> d, Map<String, Object> j, String key) {
    return num(d, key) / num(j, key);
  }

  static String speedText(Map<String, Object> d, Map<String, Object> j, String key, boolean lowerIsBetter) {
    double s = lowerIsBetter ? num(d, key) / num(j, key) : num(j, key) / num(d, key);
    return Double.isNaN(s) ? "" : String.format(Locale.ROOT, "%.1fx", s);
  }

  static String ratio(Map<String, Object> m, String a, String b) {
    double r = num(m, a) / num(m, b);
    return Double.isNaN(r) ? "" : String.format(Locale.ROOT, "%.2f", r);
  }

  static String pct(double v) {
    return Double.isNaN(v) ? "" : String.format(Locale.ROOT, "%+.1f%%", v * 100);
  }

  static String gf(double g, double roof) {
    if (Double.isNaN(g)) return "";
    return String.format(Locale.ROOT, "%s (%.0f%%)", fmt(g), 100 * g / roof);
  }

  static String count(Map<String, Object> m) {
    return m == null || !(m.get("params") instanceof Number) ? "" : String.format(Locale.ROOT, "%,d", ((Number) m.get("params")).longValue());
  }

  static String fmt(double v) {
    if (Double.isNaN(v)) return "";
    if (Math.abs(v) >= 100) return String.format(Locale.ROOT, "%,.0f", v);
    if (Math.abs(v) >= 10) return String.format(Locale.ROOT, "%.1f", v);
    if (Math.abs(v) >= 1) return String.format(Locale.ROOT, "%.2f", v);
    return String.format(Locale.ROOT, "%.3f", v);
  }
}
