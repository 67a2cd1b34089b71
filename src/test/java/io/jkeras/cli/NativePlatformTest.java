package io.jkeras.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.jkeras.docs.DocsCompileTest;
import java.io.File;
import java.util.ArrayList;
import java.util.List;
import org.bytedeco.javacpp.Loader;
import org.junit.jupiter.api.Test;

/** The default build takes TensorFlow's natives for this machine's platform only (JavaCPP's name for it). */
class NativePlatformTest {
  @Test
  void onlyThisPlatformsNativesAreOnTheClasspath() throws Exception {
    List<String> natives = new ArrayList<>();
    for (String e : DocsCompileTest.classPath().split(File.pathSeparator)) {
      String n = new File(e).getName();
      if (n.matches("tensorflow-core-native-[0-9.]+-.+\\.jar") && !natives.contains(n)) natives.add(n);
    }
    assumeTrue(natives.size() < 4, "an -Pall-platforms build: " + natives);
    assertEquals(1, natives.size(), natives.toString());
    String platform = Loader.getPlatform();
    assertEquals(true, natives.get(0).endsWith("-" + platform + ".jar") || natives.get(0).endsWith("-" + platform + "-gpu.jar"),
        natives + " for " + platform);
  }
}
