package dev.heirloom.verify;

import dev.heirloom.Heirloom;
import dev.heirloom.StatusReport;
import dev.heirloom.TestProvider;
import dev.heirloom.Trees;
import dev.heirloom.tck.memory.InMemoryTarget;
import dev.heirloom.policy.Medium;
import dev.heirloom.policy.Site;
import dev.heirloom.repository.RepositoryLayout;
import dev.heirloom.source.MediaFilter;
import dev.heirloom.spi.MultiDigest;
import dev.heirloom.spi.StorageException;
import dev.heirloom.spi.StorageTarget;
import dev.heirloom.storage.ProviderRegistry;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;
import static org.mockito.ArgumentMatchers.startsWith;
import static org.mockito.ArgumentMatchers.anyLong;
import static org.mockito.Mockito.doThrow;
import static org.mockito.Mockito.spy;

class VerifierTest {
    @TempDir
    Path tmp;

    private final InMemoryTarget store = new InMemoryTarget();

    private Heirloom heirloom(Path source, StorageTarget target) {
        return Heirloom.builder().source(source, MediaFilter.photosAndVideos())
                .registry(ProviderRegistry.of(new TestProvider("t", c -> target)))
                .target("cloud", URI.create("t://x"), Medium.CLOUD, Site.OFFSITE).threads(2).build();
    }

    private static String hashOf(String content) {
        return MultiDigest.sha256Hex(content.getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void aCleanTargetVerifiesAtEveryLevelAndTheResultIsRecorded() throws Exception {
        Path src = tmp.resolve("src");
        Trees.write(src, "2020/a.jpg", "photo a");
        Trees.write(src, "2020/b.jpg", "photo b");
        try (Heirloom h = heirloom(src, store)) {
            h.backup();
            VerifyReport present = h.verify("cloud", VerifyLevel.PRESENT, 100);
            assertThat(present.clean()).isTrue();
            assertThat(present.objects()).isEqualTo(2);
            assertThat(present.bytesRead()).as("present reads nothing").isZero();
            VerifyReport content = h.verify("cloud", VerifyLevel.CONTENT, 100);
            assertThat(content.clean()).isTrue();
            assertThat(content.bytesRead()).isEqualTo(14);
            StatusReport status = h.status();
            assertThat(status.targets().get(0).verifications()).extracting(VerificationRecord::level)
                    .containsExactly(VerifyLevel.PRESENT, VerifyLevel.CONTENT);
        }
    }

    @Test
    void aCorruptObjectIsFoundByContentAndNamedByItsPhotos() throws Exception {
        Path src = tmp.resolve("src");
        Trees.write(src, "2020/beach.jpg", "the beach");
        Trees.write(src, "2021/beach copy.jpg", "the beach");
        Trees.write(src, "2021/other.jpg", "other");
        try (Heirloom h = heirloom(src, store)) {
            h.backup();
            h.backup();
            store.corrupt(RepositoryLayout.objectKey(hashOf("the beach")), "the bEach".getBytes(StandardCharsets.UTF_8));
            assertThat(h.verify("cloud", VerifyLevel.PRESENT, 100).clean()).as("same size: presence cannot tell").isTrue();
            VerifyReport byChecksum = h.verify("cloud", VerifyLevel.CHECKSUM, 100);
            assertThat(byChecksum.bytesRead()).as("no download").isZero();
            assertThat(byChecksum.bad()).singleElement().satisfies(b -> {
                assertThat(b.problem()).isEqualTo(BadObject.Problem.CORRUPT);
                assertThat(b.detail()).contains("recorded at backup");
                assertThat(b.paths()).isNotEmpty();
            });
            VerifyReport report = h.verify("cloud", VerifyLevel.CONTENT, 100);
            assertThat(report.badCount()).isEqualTo(1);
            BadObject bad = report.bad().get(0);
            assertThat(bad.problem()).isEqualTo(BadObject.Problem.CORRUPT);
            assertThat(bad.hash()).isEqualTo(hashOf("the beach"));
            assertThat(bad.paths()).hasSize(4).allSatisfy(p -> assertThat(p).containsAnyOf(":2020/beach.jpg", ":2021/beach copy.jpg"));
            assertThat(h.status().targets().get(0).verifications()).anySatisfy(v -> {
                assertThat(v.level()).isEqualTo(VerifyLevel.CONTENT);
                assertThat(v.bad()).isEqualTo(1);
            });
        }
    }

    @Test
    void theChecksumLevelUsesWhatTheBackupRecorded() throws Exception {
        Path src = tmp.resolve("src");
        Trees.write(src, "a.jpg", "photo a");
        try (Heirloom h = heirloom(src, store)) {
            h.backup();
            VerifyReport r = h.verify("cloud", VerifyLevel.CHECKSUM, 100);
            assertThat(r.clean()).isTrue();
            assertThat(r.objectsChecked()).isEqualTo(1);
            assertThat(r.notes()).isEmpty();
        }
        String tree = new String(store.read(store.list("trees/", java.util.Optional.empty(), 10).objects().get(0).key(), 0, -1)
                .readAllBytes(), StandardCharsets.UTF_8);
        assertThat(tree).as("a target keeping MD5 and CRC-32C makes the backup record them")
                .contains("\"md5\":\"", "\"crc32c\":\"");
    }

    @Test
    void manyBadObjectsAreListedInPathOrder() throws Exception {
        Path src = tmp.resolve("src");
        for (int i = 0; i < 40; i++) {
            Trees.write(src, String.format("p/%02d.jpg", i), "photo " + i);
        }
        try (Heirloom h = heirloom(src, store)) {
            h.backup();
            for (int i = 0; i < 40; i++) {
                store.delete(RepositoryLayout.objectKey(hashOf("photo " + i)));
            }
            VerifyReport r = h.verify("cloud", VerifyLevel.PRESENT, 100);
            assertThat(r.bad()).hasSize(40);
            assertThat(r.bad()).extracting(b -> b.paths().get(0).substring(b.paths().get(0).indexOf(':') + 1))
                    .isSorted().startsWith("p/00.jpg");
        }
    }

    @Test
    void aMissingObjectIsFoundByPresence() throws Exception {
        Path src = tmp.resolve("src");
        Trees.write(src, "a.jpg", "photo a");
        Trees.write(src, "b.jpg", "photo b");
        try (Heirloom h = heirloom(src, store)) {
            h.backup();
            store.delete(RepositoryLayout.objectKey(hashOf("photo b")));
            VerifyReport report = h.verify("cloud", VerifyLevel.PRESENT, 100);
            assertThat(report.bad()).singleElement().satisfies(b -> {
                assertThat(b.problem()).isEqualTo(BadObject.Problem.MISSING);
                assertThat(b.paths()).singleElement().asString().endsWith(":b.jpg");
            });
        }
    }

    @Test
    void aRotatingSampleReadsEveryObjectWithinItsNumberOfRuns() throws Exception {
        Path src = tmp.resolve("src");
        for (int i = 0; i < 60; i++) {
            Trees.write(src, "p/" + i + ".jpg", "photo " + i);
        }
        try (Heirloom h = heirloom(src, store)) {
            h.backup();
        }
        Set<String> read = java.util.concurrent.ConcurrentHashMap.newKeySet();
        InMemoryTarget watching = spy(store);
        org.mockito.Mockito.doAnswer(inv -> {
            String key = inv.getArgument(0);
            if (key.startsWith("objects/")) {
                read.add(key);
            }
            return inv.callRealMethod();
        }).when(watching).read(startsWith("objects/"), anyLong(), anyLong());
        long total = 0;
        for (int run = 0; run < 4; run++) {
            try (Heirloom h = heirloom(src, watching)) {
                VerifyReport r = h.verify("cloud", VerifyLevel.CONTENT, 25);
                assertThat(r.samplePercent()).isEqualTo(25);
                assertThat(r.clean()).isTrue();
                total += r.objectsChecked();
            }
        }
        assertThat(read).as("every object read within ceil(100/25) = 4 runs").hasSize(60);
        assertThat(total).isEqualTo(60);
    }

    @Test
    void anUnreadableObjectIsReportedWithTheTargetsReason() throws Exception {
        Path src = tmp.resolve("src");
        Trees.write(src, "old.jpg", "archived photo");
        try (Heirloom h = heirloom(src, store)) {
            h.backup();
        }
        InMemoryTarget archived = spy(store);
        doThrow(new StorageException("old.jpg is in the Archive tier and cannot be read until it is rehydrated"))
                .when(archived).read(startsWith("objects/"), anyLong(), anyLong());
        try (Heirloom h = heirloom(src, archived)) {
            VerifyReport r = h.verify("cloud", VerifyLevel.CONTENT, 100);
            assertThat(r.bad()).singleElement().satisfies(b -> {
                assertThat(b.problem()).isEqualTo(BadObject.Problem.UNREADABLE);
                assertThat(b.detail()).contains("rehydrated");
            });
        }
    }
}
