package io.github.implicitdiff.app.experiments;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.implicitdiff.app.Main;
import io.github.implicitdiff.app.Registry;
import io.github.implicitdiff.app.report.MiniJsonParser;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class HelloGradTest {
  @Test
  @SuppressWarnings("unchecked")
  void endToEndThroughTheCommandLine(@TempDir Path dir) throws Exception {
    Path json = dir.resolve("hello.json");
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    int code = new Main(Registry.standard(), new PrintStream(out, true, StandardCharsets.UTF_8),
        new PrintStream(err, true, StandardCharsets.UTF_8))
        .run("run", "hello-grad", "--x", "0.5,-1,2", "--json", json.toString(), "--quick", "--quiet");
    assertEquals(0, code, err.toString(StandardCharsets.UTF_8));
    assertEquals("", err.toString(StandardCharsets.UTF_8));

    Map<String, Object> doc = (Map<String, Object>) MiniJsonParser.parse(Files.readString(json));
    List<Double> x = (List<Double>) doc.get("x");
    List<Double> grad = (List<Double>) doc.get("grad");
    List<Double> gradFd = (List<Double>) doc.get("grad_fd");
    assertEquals(List.of(0.5, -1.0, 2.0), x);
    double f = 0;
    for (int i = 0; i < 3; i++) {
      double xi = x.get(i);
      f += Math.sin(xi) * xi;
      double closedForm = Math.sin(xi) + xi * Math.cos(xi);
      assertEquals(closedForm, grad.get(i), 1e-14, "AD gradient, entry " + i);
      assertEquals(closedForm, gradFd.get(i), 1e-8, "finite differences, entry " + i);
    }
    assertEquals(f, (Double) doc.get("f"), 1e-14);
    double maxAbsError = (Double) doc.get("max_abs_error");
    assertTrue(maxAbsError > 0 && maxAbsError < 1e-8, "max_abs_error " + maxAbsError);

    BufferedImage png = ImageIO.read(dir.resolve("hello.png").toFile());
    assertNotNull(png);
    assertEquals(800, png.getWidth());
    assertTrue(out.toString(StandardCharsets.UTF_8).contains("grad (AD)"));
  }
}
