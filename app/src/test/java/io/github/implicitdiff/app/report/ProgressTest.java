package io.github.implicitdiff.app.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class ProgressTest {
  @Test
  void printsFirstLastAndThrottledLines() {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    AtomicLong clock = new AtomicLong();
    Progress progress = new Progress(new PrintStream(bytes, true, StandardCharsets.UTF_8), 100, clock::get);
    Progress.Loop loop = progress.loop("iter", 50, "val_loss");
    for (int t = 1; t <= 50; t++) {
      clock.addAndGet(10); // a line is due every 10 steps
      loop.update(t, 1.0 / t);
    }
    String[] lines = bytes.toString(StandardCharsets.UTF_8).split("\n");
    assertEquals("iter 1/50  val_loss 1.000", lines[0]);
    assertEquals("iter 11/50  val_loss 0.09091", lines[1]);
    assertEquals("iter 50/50  val_loss 0.02000", lines[lines.length - 1]);
    assertEquals(6, lines.length);
  }

  @Test
  void silentPrintsNothingButStillChecksArguments() {
    Progress.Loop loop = Progress.silent().loop("iter", 3, "a", "b");
    loop.update(1, 1, 2);
    assertThrows(IllegalArgumentException.class, () -> loop.update(2, 1));
  }
}
