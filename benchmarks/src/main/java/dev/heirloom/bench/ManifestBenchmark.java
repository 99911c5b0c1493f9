package dev.heirloom.bench;

import dev.heirloom.repository.CanonicalJson;
import dev.heirloom.repository.Tree;
import dev.heirloom.repository.TreeEntry;
import dev.heirloom.spi.ChecksumAlgorithm;
import dev.heirloom.spi.Checksums;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;

/**
 * Writing and reading the manifest of a million files: folder listings (trees) in their
 * canonical JSON, as every backup writes and every restore, verify and compliance check reads
 * them. One tree of {@code entries} files, each with SHA-256, MD5 and CRC-32C.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.SingleShotTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 2)
@Measurement(iterations = 5)
@Fork(value = 1, jvmArgsAppend = "-Xmx3g")
public class ManifestBenchmark {
    @Param("1000000")
    public int entries;

    List<TreeEntry> list;
    Tree tree;
    byte[] encoded;

    @Setup
    public void setup() {
        list = entries(entries);
        tree = Tree.of(list);
        encoded = CanonicalJson.write(tree);
    }

    static List<TreeEntry> entries(int n) {
        Random r = new Random(5);
        HexFormat hex = HexFormat.of();
        List<TreeEntry> out = new ArrayList<>(n);
        byte[] b32 = new byte[32];
        byte[] b16 = new byte[16];
        byte[] b4 = new byte[4];
        Instant base = Instant.parse("2015-01-01T00:00:00Z");
        for (int i = 0; i < n; i++) {
            r.nextBytes(b32);
            r.nextBytes(b16);
            r.nextBytes(b4);
            Checksums sums = new Checksums(Map.of(ChecksumAlgorithm.SHA256, hex.formatHex(b32),
                    ChecksumAlgorithm.MD5, hex.formatHex(b16), ChecksumAlgorithm.CRC32C, hex.formatHex(b4)));
            out.add(TreeEntry.file(String.format("IMG_%07d.jpg", i), 1_000_000L + r.nextInt(5_000_000),
                    base.plusSeconds(i * 61L), sums, "photo", null));
        }
        return out;
    }

    @Benchmark
    public byte[] write() {
        return CanonicalJson.write(Tree.of(list));
    }

    @Benchmark
    public Tree read() {
        return CanonicalJson.read(encoded, Tree.class, "trees/bench");
    }
}
