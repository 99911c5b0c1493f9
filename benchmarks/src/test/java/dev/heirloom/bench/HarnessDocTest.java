package dev.heirloom.bench;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The harness rewrites docs/benchmarks.md only from scenarios that ran: a failed scenario keeps
 * its published row, marked with the day it failed, and one that ran gets today's row. Runs the
 * harness's own write_doc on a copy of the published document.
 */
class HarnessDocTest {
    @TempDir
    Path tmp;

    @Test
    void aFailedScenarioKeepsItsPublishedRow() throws Exception {
        Path doc = tmp.resolve("benchmarks.md");
        Files.copy(Path.of("../docs/benchmarks.md"), doc);
        String before = Files.readString(doc);
        String restoreRow = before.lines().filter(l -> l.startsWith("| full restore of corpus A")).findFirst().orElseThrow();
        String script = String.join("\n",
                "import argparse, datetime, sys",
                "sys.path.insert(0, 'harness-dir')",
                "import harness",
                "harness.DOC = sys.argv[1]",
                "args = argparse.Namespace(quick=False, rounds=3, work=sys.argv[2] + '/no-jmh-here')",
                "rows = [('verify', harness.GOALS['verify'][0], 'heirloom 1.00 s; restic check --read-data 2.00 s → ratio 0.50',"
                        + " '≤ 0.8 × restic check --read-data', 'met')]",
                "started = datetime.datetime(2030, 1, 2, 3, 4, tzinfo=datetime.timezone.utc)",
                "harness.write_doc(args, rows, [], {'verify'}, {'restore'}, started)",
                "");
        Path py = tmp.resolve("check.py");
        Files.writeString(py, script.replace("harness-dir", Path.of("").toAbsolutePath().toString()));
        Process p = new ProcessBuilder("python3", py.toString(), doc.toString(), tmp.toString())
                .redirectErrorStream(true).start();
        String printed = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as(printed).isZero();
        String after = Files.readString(doc);
        String verify = after.lines().filter(l -> l.startsWith("| content verify of corpus A")).findFirst().orElseThrow();
        assertThat(verify).contains("heirloom 1.00 s").endsWith("| 2030-01-02 |");
        String restore = after.lines().filter(l -> l.startsWith("| full restore of corpus A")).findFirst().orElseThrow();
        assertThat(restore).as("the published measurement stays").startsWith(restoreRow.substring(0, restoreRow.lastIndexOf(" |")))
                .contains("failed to run on 2030-01-02");
        assertThat(after.lines().filter(l -> l.startsWith("| ") && l.contains(" | ≤ ")).count())
                .as("every published scenario is still there").isEqualTo(before.lines().filter(l -> l.startsWith("| ") && l.contains(" | ≤ ")).count());
        assertThat(after).doesNotContain("FAILED");
        assertThat(after).as("the kernels table is kept when this run made none")
                .contains(before.lines().filter(l -> l.startsWith("| ManifestBenchmark.read")).findFirst().orElseThrow());
    }
}
