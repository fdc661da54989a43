package io.github.implicitdiff.app.experiments;

import static org.junit.jupiter.api.Assertions.*;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The issue's experiments end to end through the command line, against reference values. */
class ImplicitExperimentsTest {
  @Test
  void brachistochroneMatchesReferenceTable(@TempDir Path dir) throws Exception {
    Path json = dir.resolve("b.json");
    CommandLineRun r = CommandLineRun.run(json, "run", "brachistochrone", "--px", "4", "--py", "1", "--json", json.toString(),
        "--quick", "--quiet");
    assertEquals(0, r.code(), r.err());
    assertEquals(4.376072, r.number("tP"), 1e-6);
    assertEquals(0.751873, r.number("R"), 1e-6);
    assertEquals(1.212114, r.number("T"), 1e-6);
    assertEquals(0.139005, r.number("dR_dPx"), 1e-6);
    assertEquals(0.195851, r.number("dR_dPy"), 1e-6);
    assertEquals(0.260484, r.number("dt_dPx"), 1e-6);
    assertEquals(-1.041938, r.number("dt_dPy"), 1e-6);
    // dT/dP from the chain rule T = t √(R/g)
    double R = r.number("R"), t = r.number("tP");
    double dTdPx = r.number("dt_dPx") * Math.sqrt(R / 9.8) + t * r.number("dR_dPx") / (2 * Math.sqrt(R * 9.8));
    assertEquals(dTdPx, r.number("dT_dPx"), 1e-9);
    assertTrue(Files.size(dir.resolve("b-curves.png")) > 1000);
  }

  @Test
  void brachistochroneRejectsNonPositiveEndpoint() throws Exception {
    CommandLineRun r = CommandLineRun.run(null, "run", "brachistochrone", "--px", "-1");
    assertEquals(2, r.code());
    assertTrue(r.err().contains("--px") && r.err().lines().count() == 1, r.err());
  }

  @Test
  @SuppressWarnings("unchecked")
  void softmaxKktJacobianIsClosedForm(@TempDir Path dir) throws Exception {
    Path json = dir.resolve("s.json");
    CommandLineRun r = CommandLineRun.run(json, "run", "softmax-kkt", "--theta", "0.5,-1,2", "--json", json.toString(), "--quiet");
    assertEquals(0, r.code(), r.err());
    List<Double> p = (List<Double>) r.json().get("p");
    double z = Math.exp(0.5) + Math.exp(-1) + Math.exp(2);
    assertEquals(Math.exp(2) / z, p.get(2), 1e-14);
    List<List<Double>> J = (List<List<Double>>) r.json().get("jacobian");
    assertEquals(-p.get(0) * p.get(2), J.get(0).get(2), 1e-14);
    assertTrue(r.number("max_abs_error_vs_closed_form") < 1e-12);
  }

  @Test
  void ridgeHypergradientAgreesWithClosedFormAndOptimizes(@TempDir Path dir) throws Exception {
    Path json = dir.resolve("r.json");
    CommandLineRun r = CommandLineRun.run(json, "run", "ridge", "--lambda", "0.1", "--optimize", "--json", json.toString(),
        "--quick", "--quiet");
    assertEquals(0, r.code(), r.err());
    assertTrue(r.number("hypergradient_relative_difference") < 1e-8);
    @SuppressWarnings("unchecked")
    var opt = (java.util.Map<String, Object>) r.json().get("optimize");
    assertTrue(((Number) opt.get("val_loss")).doubleValue() < r.number("val_loss"), "optimizing λ lowers the validation loss");
  }

  @Test
  void ridgeWithCsvFiles(@TempDir Path dir) throws Exception {
    Path train = dir.resolve("train.csv"), val = dir.resolve("val.csv"), json = dir.resolve("r.json");
    Files.writeString(train, "a,b,y\n1,0,1\n0,1,2\n1,1,2.5\n2,1,4\n");
    Files.writeString(val, "a,b,y\n1,2,4\n2,0,2\n");
    CommandLineRun r = CommandLineRun.run(json, "run", "ridge", "--train", train.toString(), "--val", val.toString(),
        "--lambda", "0.5", "--json", json.toString(), "--quiet");
    assertEquals(0, r.code(), r.err());
    // closed form by hand: XᵀX/4 + 0.5 I = [[6/4+.5, 3/4],[3/4, 3/4+.5]], Xᵀy/4 = [(1+2.5+8)/4, (2+2.5+4)/4]
    double a = 2.0, b = 0.75, c = 1.25, r1 = 11.5 / 4, r2 = 8.5 / 4, det = a * c - b * b;
    double w0 = (c * r1 - b * r2) / det, w1 = (a * r2 - b * r1) / det;
    @SuppressWarnings("unchecked")
    List<Double> w = (List<Double>) r.json().get("weights");
    assertEquals(w0, w.get(0), 1e-9);
    assertEquals(w1, w.get(1), 1e-9);
  }

  @Test
  void ridgeRejectsRaggedCsvAndBadLambda(@TempDir Path dir) throws Exception {
    Path train = dir.resolve("train.csv"), val = dir.resolve("val.csv");
    Files.writeString(train, "a,b,y\n1,0,1\n0,1\n");
    Files.writeString(val, "a,b,y\n1,2,4\n");
    CommandLineRun r = CommandLineRun.run(null, "run", "ridge", "--train", train.toString(), "--val", val.toString());
    assertNotEquals(0, r.code());
    assertTrue(r.err().contains("train.csv") && r.err().contains("line 3"), r.err());
    CommandLineRun bad = CommandLineRun.run(null, "run", "ridge", "--lambda", "0");
    assertEquals(2, bad.code());
    assertTrue(bad.err().contains("--lambda"), bad.err());
  }

  @Test
  @SuppressWarnings("unchecked")
  void jacobianPrecisionImplicitErrorWithinBoundAndBelowUnrolled(@TempDir Path dir) throws Exception {
    Path json = dir.resolve("j.json");
    CommandLineRun r = CommandLineRun.run(json, "run", "jacobian-precision", "--iterations", "120", "--json", json.toString(), "--quiet");
    assertEquals(0, r.code(), r.err());
    List<Double> implicit = (List<Double>) r.json().get("implicit_error");
    List<Double> unrolled = (List<Double>) r.json().get("unrolled_error");
    List<Double> bound = (List<Double>) r.json().get("bound");
    int last = implicit.size() - 1;
    for (int t = 0; t < implicit.size(); t++) assertTrue(implicit.get(t) <= bound.get(t) * (1 + 1e-6) + 1e-12);
    assertTrue(implicit.get(last) < unrolled.get(last), "implicit Jacobian more precise than unrolled at the same iterate");
    assertTrue(implicit.get(last) < 0.1 * implicit.get(0), "error decreases with the distance");
  }

  @Test
  @SuppressWarnings("unchecked")
  void logregHyperHypergradientMatchesFiniteDifferencesAndLowersTheValidationLoss(@TempDir Path dir) throws Exception {
    Path json = dir.resolve("l.json");
    CommandLineRun r = CommandLineRun.run(json, "run", "logreg-hyper", "--samples", "120", "--steps", "3", "--json",
        json.toString(), "--quiet");
    assertEquals(0, r.code(), r.err());
    assertTrue(r.number("fd_relative_difference") < 1e-3);
    List<Double> loss = (List<Double>) r.json().get("val_loss");
    assertTrue(loss.get(loss.size() - 1) < loss.get(0), loss.toString());
  }
}
