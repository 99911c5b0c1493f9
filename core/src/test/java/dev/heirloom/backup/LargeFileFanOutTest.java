package dev.heirloom.backup;

import dev.heirloom.BackupReport;
import dev.heirloom.Heirloom;
import dev.heirloom.TestProvider;
import dev.heirloom.Trees;
import dev.heirloom.tck.memory.InMemoryTarget;
import dev.heirloom.policy.Medium;
import dev.heirloom.policy.Site;
import dev.heirloom.restore.RestoreOptions;
import dev.heirloom.source.MediaFilter;
import dev.heirloom.spi.ContentSource;
import dev.heirloom.spi.StorageException;
import dev.heirloom.spi.StorageTarget;
import dev.heirloom.spi.StorageTargetProvider;
import dev.heirloom.spi.TargetConfig;
import dev.heirloom.spi.WriteOptions;
import dev.heirloom.storage.ProviderRegistry;
import dev.heirloom.storage.RetryPolicy;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.InputStream;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.ConcurrentHashMap;

import static org.assertj.core.api.Assertions.assertThat;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.ArgumentMatchers.startsWith;
import static org.mockito.Mockito.doAnswer;
import static org.mockito.Mockito.spy;

/**
 * Large files are read once while every target that can stages them, else once to hash and once
 * more to feed every target together.
 */
class LargeFileFanOutTest {
    @TempDir
    Path tmp;

    private final Map<String, InMemoryTarget> stores = new ConcurrentHashMap<>();

    /** Memory targets by host name; host "failing" gives one whose object writes break mid-stream. */
    private final StorageTargetProvider provider = new TestProvider("fan", this::open);

    /** Memory targets by host name; names starting with "plain" do not stage. */
    private StorageTarget open(TargetConfig config) {
        String name = config.uri().getHost();
        InMemoryTarget t = stores.computeIfAbsent(name,
                n -> n.startsWith("plain") ? InMemoryTarget.withoutStaging() : new InMemoryTarget());
        if (!name.equals("failing")) {
            return t;
        }
        InMemoryTarget broken = spy(t);
        doAnswer(inv -> {
            ContentSource c = inv.getArgument(1);
            try (InputStream in = c.open()) {
                in.readNBytes(3 << 20);
            }
            throw new StorageException("connection lost after 3 MiB");
        }).when(broken).write(startsWith("objects/"), any(ContentSource.class), any(WriteOptions.class));
        doAnswer(inv -> {
            ContentSource c = inv.getArgument(1);
            try (InputStream in = c.open()) {
                in.readNBytes(3 << 20);
            }
            throw new StorageException("connection lost after 3 MiB");
        }).when(broken).stage(any(String.class), any(ContentSource.class));
        return broken;
    }

    private Heirloom heirloom(Path source, String... targets) {
        Heirloom.Builder b = Heirloom.builder().source(source, MediaFilter.photosAndVideos())
                .registry(ProviderRegistry.of(provider)).retryPolicy(RetryPolicy.none())
                .smallFileLimit(1 << 20).threads(2);
        Medium[] media = {Medium.EXTERNAL_DISK, Medium.NAS, Medium.CLOUD};
        for (int i = 0; i < targets.length; i++) {
            b.target(targets[i], URI.create("fan://" + targets[i]), media[i % 3], i == 2 ? Site.OFFSITE : Site.ONSITE);
        }
        return b.build();
    }

    private static byte[] video(int size, long seed) {
        byte[] b = new byte[size];
        new Random(seed).nextBytes(b);
        return b;
    }

    @Test
    void aLargeVideoIsReadOnceHoweverManyTargetsStageIt() throws Exception {
        Path source = tmp.resolve("src");
        byte[] clip = video(12 << 20, 7);
        Trees.write(source, "videos/clip.mp4", clip);
        Trees.write(source, "videos/other.mov", video(3 << 20, 8));
        try (Heirloom h = heirloom(source, "a", "b", "c")) {
            BackupReport report = h.backup();
            assertThat(report.succeeded()).isTrue();
            long total = (12 << 20) + (3 << 20);
            assertThat(report.stats().bytesRead()).as("one read, hashed while every target stages it").isEqualTo(total);
            for (String t : List.of("a", "b", "c")) {
                assertThat(report.targets()).filteredOn(r -> r.name().equals(t)).singleElement()
                        .satisfies(r -> assertThat(r.objectsWritten()).isEqualTo(2));
                Path out = tmp.resolve("out-" + t);
                assertThat(h.restore(t, Optional.empty(), RestoreOptions.into(out)).complete()).isTrue();
                assertThat(Files.readAllBytes(out.resolve("videos/clip.mp4"))).isEqualTo(clip);
            }
        }
        // a second run with the same videos under new names: staged again, found present, discarded
        Files.move(source.resolve("videos"), source.resolve("moved"));
        try (Heirloom h = heirloom(source, "a", "b", "c")) {
            BackupReport report = h.backup();
            assertThat(report.succeeded()).isTrue();
            assertThat(report.targets()).allSatisfy(r -> {
                assertThat(r.objectsWritten()).isZero();
                assertThat(r.objectsPresent()).isEqualTo(2);
            });
            assertThat(stores.get("a").list("", Optional.empty(), 1000).objects())
                    .filteredOn(o -> o.key().startsWith("objects/")).hasSize(2);
        }
    }

    @Test
    void withoutStagingALargeVideoIsReadTwiceInAllHoweverManyTargetsNeedIt() throws Exception {
        Path source = tmp.resolve("src");
        byte[] clip = video(12 << 20, 7);
        Trees.write(source, "videos/clip.mp4", clip);
        Trees.write(source, "videos/other.mov", video(3 << 20, 8));
        try (Heirloom h = heirloom(source, "plain-a", "plain-b", "plain-c")) {
            BackupReport report = h.backup();
            assertThat(report.succeeded()).isTrue();
            long total = (12 << 20) + (3 << 20);
            assertThat(report.stats().bytesRead()).as("hash pass + one shared copy pass").isEqualTo(2 * total);
            for (String t : List.of("plain-a", "plain-b", "plain-c")) {
                Path out = tmp.resolve("out-" + t);
                assertThat(h.restore(t, Optional.empty(), RestoreOptions.into(out)).complete()).isTrue();
                assertThat(Files.readAllBytes(out.resolve("videos/clip.mp4"))).isEqualTo(clip);
            }
        }
    }

    @Test
    void stagingAndPlainTargetsShareOneRunAndTheFileIsReadTwiceAtMost() throws Exception {
        Path source = tmp.resolve("src");
        byte[] clip = video(12 << 20, 11);
        Trees.write(source, "clip.mp4", clip);
        try (Heirloom h = heirloom(source, "a", "plain-b")) {
            BackupReport report = h.backup();
            assertThat(report.succeeded()).isTrue();
            assertThat(report.stats().bytesRead()).as("staged read + the plain target's copy").isEqualTo(2L * clip.length);
            for (String t : List.of("a", "plain-b")) {
                Path out = tmp.resolve("out-" + t);
                assertThat(h.restore(t, Optional.empty(), RestoreOptions.into(out)).complete()).isTrue();
                assertThat(Files.readAllBytes(out.resolve("clip.mp4"))).isEqualTo(clip);
            }
        }
    }

    @Test
    void aTargetDroppingOutMidStreamDoesNotHoldUpTheOthers() throws Exception {
        Path source = tmp.resolve("src");
        byte[] clip = video(10 << 20, 9);
        Trees.write(source, "clip.mp4", clip);
        try (Heirloom h = heirloom(source, "a", "failing", "c")) {
            BackupReport report = h.backup();
            assertThat(report.targets()).extracting(t -> t.name() + ":" + t.succeeded())
                    .containsExactly("a:true", "failing:false", "c:true");
            assertThat(report.targets().get(1).error()).get().asString().contains("connection lost");
            Path out = tmp.resolve("out");
            h.restore("c", Optional.empty(), RestoreOptions.into(out));
            assertThat(Files.readAllBytes(out.resolve("clip.mp4"))).isEqualTo(clip);
        }
    }
}
