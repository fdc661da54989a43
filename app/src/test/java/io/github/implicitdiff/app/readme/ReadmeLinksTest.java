package io.github.implicitdiff.app.readme;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** Every link in the project README resolves: anchors to one of its headings, relative paths to a file in the repository. */
class ReadmeLinksTest {
  static final Path ROOT = Path.of("..");
  private static final Pattern HEADING = Pattern.compile("^#{1,6} (.+)$", Pattern.MULTILINE);
  private static final Pattern LINK = Pattern.compile("\\]\\(([^)\\s]+)\\)");

  /** The text outside fenced code blocks, where Markdown headings and links live. */
  static String outsideCode(String markdown) {
    return markdown.replaceAll("(?s)```.*?```", "");
  }

  /**
   * The anchors GitHub gives the headings: lower case, characters other than letters, digits, '_', '-' and spaces
   * removed, spaces turned into '-', and a repeated anchor suffixed -1, -2, ...
   */
  static Set<String> anchors(String markdown) {
    Set<String> anchors = new HashSet<>();
    Map<String, Integer> seen = new HashMap<>();
    Matcher m = HEADING.matcher(outsideCode(markdown));
    while (m.find()) {
      String slug = m.group(1).strip().toLowerCase(Locale.ROOT).replaceAll("[^\\p{L}\\p{N}_\\- ]", "").replace(' ', '-');
      int n = seen.merge(slug, 1, Integer::sum) - 1;
      anchors.add(n == 0 ? slug : slug + "-" + n);
    }
    return anchors;
  }

  /** The links of {@code markdown} that do not resolve against {@code root}, one line each. */
  static List<String> brokenLinks(String markdown, Path root) {
    Set<String> anchors = anchors(markdown);
    List<String> broken = new ArrayList<>();
    Matcher m = LINK.matcher(outsideCode(markdown));
    while (m.find()) {
      String target = m.group(1);
      if (target.matches("[a-z]+://.*")) continue;
      if (target.startsWith("#")) {
        if (!anchors.contains(target.substring(1))) broken.add("no heading for " + target);
      } else if (!Files.exists(root.resolve(target.replaceFirst("#.*", "")))) {
        broken.add("no file " + target);
      }
    }
    return broken;
  }

  @Test
  void everyLinkOfTheReadmeResolves() throws Exception {
    String readme = Files.readString(ROOT.resolve("README.md"));
    assertEquals(List.of(), brokenLinks(readme, ROOT));
    // the README links its sections and files: the check ran on both kinds
    assertTrue(readme.contains("](#choosing)") && readme.contains("](app/README.md)"), "expected links are missing");
  }

  @Test
  void anchorsFollowGitHubsRules() {
    assertEquals(Set.of("bench-implicit", "sinkhorn-implicit-or-unrolled", "with-the-librarys-solvers", "deq", "deq-1"),
        anchors("### `bench implicit`\n## Sinkhorn, implicit or unrolled\n### With the library's solvers\n# deq\n# deq\n"
            + "```\n# not a heading\n```\n"));
  }

  @Test
  void brokenLinksAreReported() {
    String md = "## Choosing\nsee [here](#choosing), [there](#nowhere), [file](README.md), [gone](no/such.md),"
        + " [web](https://example.org)\n";
    assertEquals(List.of("no heading for #nowhere", "no file no/such.md"), brokenLinks(md, ROOT));
  }
}
