package io.jkeras.testing;

import io.jkeras.cli.Main;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;

/** The jkeras command run in-process, its exit code and what it printed (stdout, stderr). */
public final class CliRun {
  public int code;
  public String out;
  public String err;

  public static CliRun run(String... args) {
    PrintStream o = System.out;
    PrintStream e = System.err;
    ByteArrayOutputStream bo = new ByteArrayOutputStream();
    ByteArrayOutputStream be = new ByteArrayOutputStream();
    CliRun r = new CliRun();
    try {
      System.setOut(new PrintStream(bo, true, StandardCharsets.UTF_8));
      System.setErr(new PrintStream(be, true, StandardCharsets.UTF_8));
      r.code = Main.run(args);
    } finally {
      System.setOut(o);
      System.setErr(e);
    }
    r.out = bo.toString(StandardCharsets.UTF_8);
    r.err = be.toString(StandardCharsets.UTF_8);
    return r;
  }
}
