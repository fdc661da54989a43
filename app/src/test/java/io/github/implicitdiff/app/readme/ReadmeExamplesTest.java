package io.github.implicitdiff.app.readme;

import static org.junit.jupiter.api.Assertions.*;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.URLClassLoader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.tools.JavaCompiler;
import javax.tools.ToolProvider;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Compiles and runs every Java program in the project README, so the README never goes stale. */
class ReadmeExamplesTest {
  static final Path README = Path.of("..", "README.md");

  static List<String> javaBlocks() throws Exception {
    String text = Files.readString(README);
    Matcher m = Pattern.compile("```java\\n(.*?)```", Pattern.DOTALL).matcher(text);
    List<String> blocks = new ArrayList<>();
    while (m.find()) blocks.add(m.group(1));
    return blocks;
  }

  static String runProgram(String source, Path dir) throws Exception {
    Matcher name = Pattern.compile("public class (\\w+)").matcher(source);
    assertTrue(name.find(), "README program without a public class");
    Path file = dir.resolve(name.group(1) + ".java");
    Files.writeString(file, source);
    JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
    ByteArrayOutputStream diagnostics = new ByteArrayOutputStream();
    int code = javac.run(null, null, diagnostics, "-cp", System.getProperty("java.class.path"), "-d", dir.toString(),
        file.toString());
    assertEquals(0, code, "README example does not compile:\n" + diagnostics);
    PrintStream old = System.out;
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (URLClassLoader loader = new URLClassLoader(new java.net.URL[] {dir.toUri().toURL()}, ReadmeExamplesTest.class.getClassLoader())) {
      System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
      loader.loadClass(name.group(1)).getMethod("main", String[].class).invoke(null, (Object) new String[0]);
    } finally {
      System.setOut(old);
    }
    return out.toString(StandardCharsets.UTF_8);
  }

  @Test
  void hypergradientExampleRunsAndMatchesTheClosedForm(@TempDir Path dir) throws Exception {
    String source = javaBlocks().stream().filter(b -> b.contains("class Hypergradient")).findFirst().orElseThrow();
    String out = runProgram(source, dir);
    Matcher m = Pattern.compile("d val_loss / d lambda = (\\S+)").matcher(out);
    assertTrue(m.find(), out);
    double printed = Double.parseDouble(m.group(1));
    // closed form with the same data: dL/dλ = −∇L(w)ᵀ (XᵀX/n + λI)⁻¹ w, L = mean((Xv w − yv)²)
    var rng = new java.util.Random(0);
    io.github.implicitdiff.tensor.Tensor X = io.github.implicitdiff.tensor.Tensor.randn(rng, 100, 5),
        y = io.github.implicitdiff.tensor.Tensor.randn(rng, 100), Xv = io.github.implicitdiff.tensor.Tensor.randn(rng, 50, 5),
        yv = io.github.implicitdiff.tensor.Tensor.randn(rng, 50);
    var A = X.T().matmul(X).div(100).add(io.github.implicitdiff.tensor.Tensor.eye(5).mul(0.1));
    var chol = io.github.implicitdiff.linalg.Cholesky.factor(A);
    var w = chol.solve(X.T().matmul(y).div(100));
    var gradL = Xv.T().matmul(Xv.matmul(w).sub(yv)).mul(2.0 / 50);
    double expected = -gradL.vdot(chol.solve(w));
    assertEquals(expected, printed, 1e-9 * Math.abs(expected));
  }

  @Test
  void manyProblemsExampleEqualsTheSequentialSum(@TempDir Path dir) throws Exception {
    String source = javaBlocks().stream().filter(b -> b.contains("class ManyProblems")).findFirst().orElseThrow();
    Matcher m = Pattern.compile("d sum of val_losses / d log lambda = (\\S+)").matcher(runProgram(source, dir));
    assertTrue(m.find());
    double printed = Double.parseDouble(m.group(1));
    // the same eight problems, one after another on this thread, and by central differences
    var rng = new java.util.Random(0);
    int B = 8;
    io.github.implicitdiff.tensor.Tensor[] X = new io.github.implicitdiff.tensor.Tensor[B], Xv = new io.github.implicitdiff.tensor.Tensor[B];
    int[][] y = new int[B][], yv = new int[B][];
    for (int b = 0; b < B; b++) {
      X[b] = io.github.implicitdiff.tensor.Tensor.randn(rng, 100, 5);
      Xv[b] = io.github.implicitdiff.tensor.Tensor.randn(rng, 50, 5);
      y[b] = rng.ints(100, 0, 3).toArray();
      yv[b] = rng.ints(50, 0, 3).toArray();
    }
    java.util.function.DoubleUnaryOperator total = logLambda -> {
      double sum = 0;
      for (int b = 0; b < B; b++) {
        int p = b;
        io.github.implicitdiff.optimality.Objective f = (W, t) -> io.github.implicitdiff.loss.Objectives.l2MulticlassLogistic(W,
            t[0].exp(), X[p], y[p]);
        var W = io.github.implicitdiff.solver.LBFGS.of(f).withTol(1e-12).run(io.github.implicitdiff.tensor.Tensor.zeros(5, 3),
            io.github.implicitdiff.tensor.Tensor.scalar(logLambda)).solution();
        sum += io.github.implicitdiff.loss.Objectives.multiclassLogistic(W, Xv[p], yv[p]).item();
      }
      return sum;
    };
    double h = 1e-4, l0 = Math.log(0.1);
    double fd = (total.applyAsDouble(l0 + h) - total.applyAsDouble(l0 - h)) / (2 * h);
    assertEquals(fd, printed, 1e-6 * Math.abs(fd) + 1e-9);
  }

  @Test
  void everyJavaBlockCompilesAndRuns(@TempDir Path dir) throws Exception {
    List<String> blocks = javaBlocks();
    assertFalse(blocks.isEmpty());
    for (String b : blocks) {
      Path sub = Files.createTempDirectory(dir, "ex");
      runProgram(b, sub);
    }
  }

  @Test
  void solverExampleAgreesWithUnrolledDifferentiation(@TempDir Path dir) throws Exception {
    String source = javaBlocks().stream().filter(b -> b.contains("class SolverHypergradient")).findFirst().orElseThrow();
    String out = runProgram(source, dir);
    Matcher m = Pattern.compile("d val_loss / d log lambda = \\[(.*)\\]").matcher(out);
    assertTrue(m.find(), out);
    double[] printed = java.util.Arrays.stream(m.group(1).split(",")).mapToDouble(v -> Double.parseDouble(v.trim())).toArray();
    // the same hypergradient by differentiating through the recorded L-BFGS iterations
    var rng = new java.util.Random(0);
    io.github.implicitdiff.tensor.Tensor X = io.github.implicitdiff.tensor.Tensor.randn(rng, 200, 8),
        Xv = io.github.implicitdiff.tensor.Tensor.randn(rng, 100, 8);
    int[] y = rng.ints(200, 0, 3).toArray(), yv = rng.ints(100, 0, 3).toArray();
    io.github.implicitdiff.optimality.Objective f = (W, th) -> io.github.implicitdiff.loss.Objectives.l2MulticlassLogistic(W, th[0].exp(), X, y);
    var unrolled = io.github.implicitdiff.solver.LBFGS.of(f).withTol(1e-11)
        .withDifferentiation(io.github.implicitdiff.solver.Differentiation.UNROLLED);
    double[] expected = io.github.implicitdiff.autodiff.AD.grad(th -> io.github.implicitdiff.loss.Objectives.multiclassLogistic(
        unrolled.run(io.github.implicitdiff.tensor.Tensor.zeros(8, 3), th).orThrow(), Xv, yv),
        io.github.implicitdiff.tensor.Tensor.full(Math.log(0.1), 8)).toDoubleArray();
    for (int j = 0; j < 8; j++) assertEquals(expected[j], printed[j], 1e-6 * (1e-3 + Math.abs(expected[j])), "feature " + j);
  }
  @Test
  void perturbedRankingExampleLearnsItsTarget(@TempDir Path dir) throws Exception {
    String source = javaBlocks().stream().filter(b -> b.contains("class PerturbedRanking")).findFirst().orElseThrow();
    String out = runProgram(source, dir);
    Matcher soft = Pattern.compile("soft ranks Tensor\\(4,\\) \\[(.*)\\]").matcher(out);
    Matcher grad = Pattern.compile("d soft rank of item 0 / d theta = Tensor\\(4,\\) \\[(.*)\\]").matcher(out);
    assertTrue(soft.find() && grad.find(), out);
    double[] y = java.util.Arrays.stream(soft.group(1).split(",")).mapToDouble(v -> Double.parseDouble(v.trim())).toArray();
    double[] g = java.util.Arrays.stream(grad.group(1).split(",")).mapToDouble(v -> Double.parseDouble(v.trim())).toArray();
    // every sample is a permutation of 1..4, so the soft ranks sum to 10; raising θ₀ raises item 0's rank, raising
    // another entry lowers it
    assertEquals(10.0, y[0] + y[1] + y[2] + y[3], 1e-12);
    assertTrue(g[0] > 0.5 && g[1] < 0 && g[2] < 0 && g[3] < 0, out);
    assertTrue(out.contains("learned ranks Tensor(4,) [4.0, 1.0, 2.0, 3.0], target Tensor(4,) [4.0, 1.0, 2.0, 3.0]"), out);
  }
}
