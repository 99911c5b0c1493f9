package dev.heirloom;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.spi.ToolProvider;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The layers of core as the compiled classes have them (read with the JDK's jdeps): no cycle
 * between packages, the facade above the operations, the scheduler above the facade, and the
 * storage target reached for repository data only through the repository.
 */
class LayeringTest {
    private static final Pattern EDGE = Pattern.compile("^\\s+(dev\\.heirloom[\\w.$]*)\\s+->\\s+(dev\\.heirloom[\\w.$]*)\\s");
    private static final Map<String, Set<String>> PACKAGES = new TreeMap<>();
    private static final Map<String, Set<String>> CLASSES = new TreeMap<>();

    @BeforeAll
    static void readDependencies() {
        Path classes = Path.of("target/classes");
        assertThat(classes).isDirectory();
        ToolProvider jdeps = ToolProvider.findFirst("jdeps").orElseThrow(() -> new AssertionError("jdeps is missing from the JDK"));
        StringWriter out = new StringWriter();
        List<String> args = new ArrayList<>(List.of("-verbose:class", "-filter:none", "--multi-release", "17"));
        // core is a module: jdeps resolves what it requires from the path the tests run with
        String modulePath = System.getProperty("jdk.module.path");
        String path = modulePath != null ? modulePath : System.getProperty("java.class.path");
        args.addAll(List.of("--module-path", path, classes.toString()));
        int rc = jdeps.run(new PrintWriter(out), new PrintWriter(out), args.toArray(String[]::new));
        assertThat(rc).as(out.toString()).isZero();
        for (String line : out.toString().lines().toList()) {
            Matcher m = EDGE.matcher(line);
            if (!m.find()) {
                continue;
            }
            String from = m.group(1);
            String to = m.group(2);
            CLASSES.computeIfAbsent(from, k -> new TreeSet<>()).add(to);
            String fromPackage = packageOf(from);
            String toPackage = packageOf(to);
            if (!fromPackage.equals(toPackage)) {
                PACKAGES.computeIfAbsent(fromPackage, k -> new TreeSet<>()).add(toPackage);
            }
        }
        assertThat(PACKAGES).as("jdeps saw the packages").containsKeys("dev.heirloom", "dev.heirloom.backup",
                "dev.heirloom.repository", "dev.heirloom.storage");
    }

    private static String packageOf(String type) {
        return type.substring(0, type.lastIndexOf('.'));
    }

    @Test
    void noCycleBetweenPackages() {
        List<String> cycles = new ArrayList<>();
        for (String start : PACKAGES.keySet()) {
            findCycle(start, start, new ArrayList<>(List.of(start)), new TreeSet<>(), cycles);
        }
        assertThat(cycles).isEmpty();
    }

    private static void findCycle(String start, String at, List<String> path, Set<String> seen, List<String> cycles) {
        for (String next : PACKAGES.getOrDefault(at, Set.of())) {
            if (next.equals(start)) {
                cycles.add(String.join(" -> ", path) + " -> " + start);
            } else if (next.startsWith("dev.heirloom") && seen.add(next)) {
                path.add(next);
                findCycle(start, next, path, seen, cycles);
                path.remove(path.size() - 1);
            }
        }
    }

    @Test
    void eachLayerDependsOnlyOnTheLayersBelow() {
        assertThat(PACKAGES.getOrDefault("dev.heirloom.storage", Set.of())).containsOnly("dev.heirloom.spi");
        assertThat(PACKAGES.getOrDefault("dev.heirloom.repository", Set.of()))
                .doesNotContain("dev.heirloom", "dev.heirloom.backup", "dev.heirloom.verify", "dev.heirloom.retention",
                        "dev.heirloom.restore", "dev.heirloom.compliance", "dev.heirloom.schedule");
        for (String operation : List.of("dev.heirloom.backup", "dev.heirloom.verify", "dev.heirloom.retention",
                "dev.heirloom.restore", "dev.heirloom.compliance", "dev.heirloom.report")) {
            assertThat(PACKAGES.getOrDefault(operation, Set.of())).as(operation)
                    .doesNotContain("dev.heirloom", "dev.heirloom.schedule");
        }
        assertThat(PACKAGES.get("dev.heirloom")).as("the facade never names the scheduler").doesNotContain("dev.heirloom.schedule");
    }

    @Test
    void onlyTheRepositoryAndStorageLayersUseAStorageTarget() {
        Set<String> allowed = Set.of("dev.heirloom.repository", "dev.heirloom.storage");
        List<String> users = new ArrayList<>();
        CLASSES.forEach((type, uses) -> {
            if (uses.contains("dev.heirloom.spi.StorageTarget") && !allowed.contains(packageOf(type))
                    && !type.equals("dev.heirloom.OpenTargets")) {
                users.add(type);
            }
        });
        // OpenTargets opens each target and hands it to its Repository; nothing above reads or writes one
        assertThat(users).isEmpty();
    }

    @Test
    void theSpiIsItsOwnJarAndCoreHoldsNoneOfIt() {
        assertThat(CLASSES.keySet()).noneMatch(t -> t.startsWith("dev.heirloom.spi."));
    }
}
