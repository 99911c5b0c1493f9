package dev.heirloom.bench;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Nothing in the repository needs a file outside it to build, test or benchmark: the scripts,
 * poms and launchers name no path that climbs out of the clone (a person who cloned Heirloom has
 * nothing beside it).
 */
class SelfContainedRepositoryTest {
    /** Paths that leave a clone: the folder beside it, two levels up from a module, the parent of the root. */
    private static final Pattern LEAVES = Pattern.compile("\\.\\./shared|shared/bench|\\.\\./\\.\\./|dirname\\(ROOT\\)"
            + "|os\\.path\\.dirname\\(os\\.path\\.dirname\\(os\\.path\\.dirname");

    private static boolean isScriptOrBuildFile(Path p) {
        String name = p.getFileName().toString();
        return name.endsWith(".sh") || name.endsWith(".py") || name.equals("pom.xml")
                || p.getParent().getFileName().toString().equals("bin") || name.equals("run") && p.toString().contains(".ci");
    }

    @Test
    void noScriptOrPomReachesOutsideTheRepository() throws IOException {
        Path root = Path.of("..").toAbsolutePath().normalize();
        assertThat(root.resolve("benchmarks/make-corpus.py")).as("the corpus maker is the project's own").isRegularFile();
        List<String> offenders = new ArrayList<>();
        int read = 0;
        try (Stream<Path> files = Files.walk(root)) {
            for (Path p : files.filter(Files::isRegularFile).filter(SelfContainedRepositoryTest::isScriptOrBuildFile)
                    .filter(p -> !p.toString().contains("/target/") && !p.toString().contains("/.tools/")
                            && !p.toString().contains("/.git/") && !p.toString().contains("/node_modules/"))
                    .toList()) {
                read++;
                List<String> lines = Files.readAllLines(p);
                for (int i = 0; i < lines.size(); i++) {
                    if (LEAVES.matcher(lines.get(i)).find()) {
                        offenders.add(root.relativize(p) + ":" + (i + 1) + ": " + lines.get(i).strip());
                    }
                }
            }
        }
        assertThat(read).as("scripts, poms and launchers read").isGreaterThan(15);
        assertThat(offenders).isEmpty();
    }
}
