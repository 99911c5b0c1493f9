package dev.heirloom.bench;

import dev.heirloom.source.SourceEntry;
import dev.heirloom.source.SourceLister;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.Comparator;
import java.util.Deque;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * Scanning a tree of small files the way a backup does (one folder at a time, with size, mtime
 * and file key of each entry): the cost of a no-change nightly run before any repository work.
 * {@code run.sh} compares it with {@code find -printf '%s %T@'} over the same kind of tree.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 2, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class SourceScanBenchmark {
    @Param("50000")
    public int files;

    Path root;

    @Setup(Level.Trial)
    public void createTree() throws IOException {
        root = Files.createTempDirectory("heirloom-scan-");
        makeTree(root, files);
    }

    /** {@code files} small files, 200 per folder, folders 20 to a parent. */
    static void makeTree(Path root, int files) throws IOException {
        byte[] body = new byte[64];
        for (int i = 0; i < files; i++) {
            Path dir = root.resolve("y" + (i / 4000)).resolve("m" + (i / 200));
            if (i % 200 == 0) {
                Files.createDirectories(dir);
            }
            Files.write(dir.resolve("IMG_" + i + ".xmp"), body);
        }
    }

    @TearDown(Level.Trial)
    public void delete() throws IOException {
        try (Stream<Path> all = Files.walk(root)) {
            all.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
    }

    @Benchmark
    public long scan() {
        return scan(root);
    }

    static long scan(Path root) {
        SourceLister lister = new SourceLister(false, p -> {
        });
        Deque<Path> todo = new ArrayDeque<>();
        todo.push(root);
        long seen = 0;
        while (!todo.isEmpty()) {
            for (SourceEntry e : lister.list(todo.pop())) {
                if (e.dir()) {
                    todo.push(e.path());
                } else {
                    seen += e.size() > 0 ? 1 : 0;
                }
            }
        }
        return seen;
    }
}
