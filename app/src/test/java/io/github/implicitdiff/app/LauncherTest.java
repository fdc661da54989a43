package io.github.implicitdiff.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The launcher script {@code ./implicitdiff}: when it builds. It runs on a copy of the script in a skeleton
 * project whose {@code mvn} and {@code java} are stand-ins on the PATH: {@code mvn} counts its calls and, like
 * Maven's jar plugin, creates the app jar only when it is missing (Maven leaves an up-to-date jar alone when
 * only a test or a pom changed); {@code java} prints its arguments.
 */
class LauncherTest {
  @TempDir Path root;
  private Path builds;
  private Path bin;

  @BeforeEach
  void skeleton() throws IOException {
    Path script = repositoryRoot().resolve("implicitdiff");
    Files.copy(script, root.resolve("implicitdiff"));
    for (String dir : List.of("core/src/main/java", "app/src/main/java", "app/src/test/java"))
      Files.createDirectories(root.resolve(dir));
    for (String file : List.of("pom.xml", "core/pom.xml", "app/pom.xml", "core/src/main/java/A.java",
        "app/src/main/java/Main.java", "app/src/test/java/MainTest.java"))
      touch(Files.writeString(root.resolve(file), "x").toString(), -1000); // checked out long before any build
    builds = root.resolve("builds.log");
    bin = Files.createDirectories(root.resolve("bin"));
    executable(bin.resolve("mvn"), "#!/usr/bin/env bash\n"
        + "echo build >> '" + builds + "'\n"
        + "mkdir -p app/target/lib\n"
        + "[ -f app/target/implicitdiff-app-1.jar ] || echo jar > app/target/implicitdiff-app-1.jar\n");
    executable(bin.resolve("java"), "#!/usr/bin/env bash\necho \"ran $*\"\n");
  }

  @Test
  void aCleanCheckoutBuildsOnceAndThenRunsWithoutBuilding() throws Exception {
    assertTrue(run().contains("implicitdiff: building"));
    assertEquals(1, buildCount());
    run();
    assertEquals(1, buildCount(), "the second run must not rebuild");
  }

  @Test
  void aChangedTestSourceRebuildsOnceEvenThoughMavenKeepsTheJar() throws Exception {
    run();
    buildsAt(-100);
    touch("app/src/test/java/MainTest.java", -50);
    run();
    assertEquals(2, buildCount(), "a source newer than the last build rebuilds");
    run();
    run();
    assertEquals(2, buildCount(), "the jar is unchanged (Maven had nothing to repackage), yet nothing changed since");
  }

  @Test
  void aChangedPomOrMainSourceRebuilds() throws Exception {
    run();
    for (String file : List.of("core/pom.xml", "core/src/main/java/A.java")) {
      int before = buildCount();
      buildsAt(-100);
      touch(file, -50);
      run();
      assertEquals(before + 1, buildCount(), file);
      run();
      assertEquals(before + 1, buildCount(), file + ": second run");
    }
  }

  @Test
  void aJarBuiltByMavenDirectlyAfterTheEditCountsAsUpToDate() throws Exception {
    run();
    buildsAt(-100);
    touch("app/src/main/java/Main.java", -50);
    Files.setLastModifiedTime(root.resolve("app/target/implicitdiff-app-1.jar"), ago(-10)); // mvn package by hand
    run();
    assertEquals(1, buildCount());
  }

  @Test
  void aMissingLibDirectoryRebuilds() throws Exception {
    run();
    Files.delete(root.resolve("app/target/lib"));
    run();
    assertEquals(2, buildCount());
  }

  private String run() throws Exception {
    assumeTrue(Files.isExecutable(Path.of("/usr/bin/env")), "needs /usr/bin/env and bash");
    ProcessBuilder pb = new ProcessBuilder("bash", root.resolve("implicitdiff").toString(), "list")
        .directory(root.toFile()).redirectErrorStream(true);
    pb.environment().put("PATH", bin + ":" + System.getenv("PATH"));
    Process p = pb.start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertTrue(p.waitFor(60, TimeUnit.SECONDS), "launcher timed out");
    assertEquals(0, p.exitValue(), out);
    assertTrue(out.contains("io.github.implicitdiff.app.Main list"), out);
    return out;
  }

  private int buildCount() throws IOException {
    return Files.exists(builds) ? Files.readAllLines(builds).size() : 0;
  }

  /** Moves the jar and the launcher's build stamp (whatever files app/target holds) into the past. */
  private void buildsAt(int seconds) throws IOException {
    try (var files = Files.list(root.resolve("app/target"))) {
      for (Path f : files.filter(Files::isRegularFile).toList()) Files.setLastModifiedTime(f, ago(seconds));
    }
  }

  /** Sets the modification time of a file under the project to {@code seconds} from now. */
  private void touch(String file, int seconds) throws IOException {
    Files.setLastModifiedTime(root.resolve(file), ago(seconds));
  }

  private static FileTime ago(int seconds) {
    return FileTime.from(Instant.now().plusSeconds(seconds));
  }

  private static void executable(Path file, String text) throws IOException {
    Files.writeString(file, text);
    assertTrue(file.toFile().setExecutable(true));
  }

  private static Path repositoryRoot() {
    for (Path p = Path.of("").toAbsolutePath(); p != null; p = p.getParent())
      if (Files.isRegularFile(p.resolve("implicitdiff")) && Files.isDirectory(p.resolve("app"))) return p;
    throw new IllegalStateException("launcher script ./implicitdiff not found above " + Path.of("").toAbsolutePath());
  }
}
