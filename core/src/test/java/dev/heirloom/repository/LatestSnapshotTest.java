package dev.heirloom.repository;

import dev.heirloom.tck.memory.InMemoryTarget;
import dev.heirloom.spi.Checksums;
import dev.heirloom.spi.ContentSource;
import dev.heirloom.spi.StorageTarget;
import dev.heirloom.spi.WriteOptions;
import org.junit.jupiter.api.Test;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;

class LatestSnapshotTest {
    private static final String H = "ab".repeat(32);

    private final InMemoryTarget memory = new InMemoryTarget();
    private final AtomicInteger snapshotReads = new AtomicInteger();
    private final Repository repo = new Repository(counting(memory));

    private StorageTarget counting(StorageTarget real) {
        return (StorageTarget) Proxy.newProxyInstance(getClass().getClassLoader(), new Class<?>[]{StorageTarget.class},
                (proxy, method, args) -> {
                    if (method.getName().equals("read") && String.valueOf(args[0]).startsWith(RepositoryLayout.SNAPSHOTS)) {
                        snapshotReads.incrementAndGet();
                    }
                    try {
                        return method.invoke(real, args);
                    } catch (InvocationTargetException e) {
                        throw e.getCause();
                    }
                });
    }

    private static Snapshot snapshot(String id, String time, String source) {
        return new Snapshot(1, id, Instant.parse(time), "host", source, H, 1, 1, null, null);
    }

    @Test
    void theNewestOfALongHistoryIsFoundWithOneRead() {
        Instant t = Instant.parse("2024-01-01T02:00:00Z");
        for (int night = 0; night < 400; night++) {
            repo.putSnapshot(new Snapshot(1, String.format("%016x", night), t.plusSeconds(86_400L * night), "host", "photos", H,
                    night, 1, null, null));
        }
        snapshotReads.set(0);
        assertThat(repo.latest("photos").orElseThrow().id()).isEqualTo(String.format("%016x", 399));
        assertThat(snapshotReads.get()).isEqualTo(1);
        assertThat(repo.latest("videos")).isEmpty();
    }

    @Test
    void agreesWithReadingEverySnapshotWhateverTheInterleavingOfSources() {
        Random random = new Random(5);
        List<Snapshot> written = new ArrayList<>();
        for (int i = 0; i < 60; i++) {
            // many in the same second, with fractions that do not follow the ids' order
            String time = "2025-03-0" + (1 + random.nextInt(3)) + "T10:00:0" + random.nextInt(3) + "." + (100 + random.nextInt(900)) + "Z";
            Snapshot s = snapshot(String.format("%016x", random.nextLong()), time, random.nextBoolean() ? "a" : "b");
            repo.putSnapshot(s);
            written.add(s);
        }
        for (String source : List.of("a", "b", "c")) {
            Snapshot expected = written.stream().filter(s -> s.source().equals(source))
                    .max(java.util.Comparator.comparing(Snapshot::time).thenComparing(Snapshot::id)).orElse(null);
            assertThat(repo.latest(source).orElse(null)).as(source).isEqualTo(expected);
        }
    }

    @Test
    void aSnapshotFileOutsideTheLayoutMakesItReadThemAll() {
        repo.putSnapshot(snapshot("00000000000000aa", "2025-01-01T00:00:00Z", "photos"));
        // a newer snapshot under a name that does not tell its time
        byte[] newer = CanonicalJson.write(snapshot("00000000000000bb", "2026-01-01T00:00:00Z", "photos"));
        memory.write("snapshots/copied-by-hand.json", ContentSource.ofBytes(newer), WriteOptions.replace(Checksums.none()));
        assertThat(repo.latest("photos").orElseThrow().id()).isEqualTo("00000000000000bb");

        // and a name in the layout whose content is of another time
        byte[] misnamed = CanonicalJson.write(snapshot("00000000000000cc", "2020-01-01T00:00:00Z", "photos"));
        memory.delete("snapshots/copied-by-hand.json");
        memory.write("snapshots/20990101T000000Z-00000000000000cc.json", ContentSource.ofBytes(misnamed),
                WriteOptions.replace(Checksums.none()));
        assertThat(repo.latest("photos").orElseThrow().id()).isEqualTo("00000000000000aa");
    }
}
