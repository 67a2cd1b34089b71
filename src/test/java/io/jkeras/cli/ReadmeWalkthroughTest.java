package io.jkeras.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jkeras.testing.CliRun;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** The README's walkthrough block, each line run as it stands (in-process, from the project root). */
class ReadmeWalkthroughTest {
  static List<String> words(String line) {
    List<String> r = new ArrayList<>();
    Matcher m = Pattern.compile("\"([^\"]*)\"|(\\S+)").matcher(line);
    while (m.find()) r.add(m.group(1) != null ? m.group(1) : m.group(2));
    return r;
  }

  @Test
  void everyReadmeCommandRuns() throws Exception {
    String readme = Files.readString(Path.of("README.md"));
    Matcher m = Pattern.compile("<!-- walkthrough -->\\s*```sh\\n(.*?)```", Pattern.DOTALL).matcher(readme);
    assertTrue(m.find(), "README.md has the walkthrough block");
    List<String> commands = new ArrayList<>();
    for (String line : m.group(1).split("\\n")) {
      List<String> w = words(line);
      if (w.isEmpty()) continue;
      assertEquals("target/jkeras", w.get(0), line);
      commands.add(w.get(1));
      CliRun r = CliTest.run(w.subList(1, w.size()).toArray(new String[0]));
      assertEquals(0, r.code, line + "\n" + r.err + r.out);
      assertTrue(!r.out.isBlank(), line);
    }
    for (String c : new String[] {"train", "evaluate", "predict", "inspect", "export", "convert", "generate"}) {
      assertTrue(commands.contains(c), "the walkthrough runs " + c);
    }
    assertTrue(Files.isRegularFile(Path.of("target/demo/letters.keras")));
    assertTrue(Files.isRegularFile(Path.of("target/demo/y.npy")));
  }
}
