package dev.heirloom.backup;

import dev.heirloom.BackupReport;
import dev.heirloom.Heirloom;
import dev.heirloom.TestProvider;
import dev.heirloom.Trees;
import dev.heirloom.tck.memory.InMemoryTarget;
import dev.heirloom.policy.Medium;
import dev.heirloom.policy.Site;
import dev.heirloom.repository.RepositoryLayout;
import dev.heirloom.restore.RestoreOptions;
import dev.heirloom.source.MediaFilter;
import dev.heirloom.spi.MultiDigest;
import dev.heirloom.storage.ProviderRegistry;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.Optional;

import dev.heirloom.verify.BadObject;
import dev.heirloom.verify.VerifyLevel;
import dev.heirloom.verify.VerifyReport;

import static org.assertj.core.api.Assertions.assertThat;

/** Content that changes while size and mtime stay the same is caught by --rehash and never replaces the good version. */
class BitRotTest {
    @TempDir
    Path tmp;

    private final InMemoryTarget usb = new InMemoryTarget();
    private final InMemoryTarget added = new InMemoryTarget();

    private Heirloom.Builder builder(Path src) {
        return Heirloom.builder().source(src, MediaFilter.photosAndVideos())
                .registry(ProviderRegistry.of(new TestProvider("t", c -> c.uri().getHost().equals("usb") ? usb : added)))
                .target("usb", URI.create("t://usb"), Medium.EXTERNAL_DISK, Site.ONSITE);
    }

    private static void rot(Path file, String newContent) throws Exception {
        FileTime time = Files.getLastModifiedTime(file);
        Files.writeString(file, newContent);
        Files.setLastModifiedTime(file, time);
    }

    @Test
    void rehashFindsTheSuspectKeepsTheGoodVersionAndStoresTheSuspectBeside() throws Exception {
        Path src = tmp.resolve("src");
        Path photo = Trees.write(src, "2015/wedding.jpg", "precious pixels");
        Trees.write(src, "2015/other.jpg", "fine");
        try (Heirloom h = builder(src).build()) {
            h.backup();
            rot(photo, "precious pixelz");
            BackupReport normal = h.backup();
            assertThat(normal.suspectedBitRot()).as("size and mtime unchanged: a normal run trusts them").isEmpty();

            BackupReport rehashed = h.backup(ProgressListener.NONE, 100);
            assertThat(rehashed.succeeded()).isFalse();
            assertThat(rehashed.suspectedBitRot()).singleElement().satisfies(s -> {
                assertThat(s.path()).isEqualTo("2015/wedding.jpg");
                assertThat(s.good()).isEqualTo(MultiDigest.sha256Hex("precious pixels".getBytes(StandardCharsets.UTF_8)));
                assertThat(s.suspect()).isEqualTo(MultiDigest.sha256Hex("precious pixelz".getBytes(StandardCharsets.UTF_8)));
                assertThat(usb.stat(RepositoryLayout.objectKey(s.suspect()))).as("suspect content stored beside").isPresent();
            });
            Path out = tmp.resolve("out");
            h.restore("usb", Optional.empty(), RestoreOptions.into(out));
            assertThat(Files.readString(out.resolve("2015/wedding.jpg"))).as("the good version is restored").isEqualTo("precious pixels");

            h.backup();
            String trees = new String(usb.read(RepositoryLayout.treeKey(rootTreeOf2015(h)), 0, -1).readAllBytes(), StandardCharsets.UTF_8);
            assertThat(trees).as("the mark stays until the user decides").contains("\"suspect\":\"");
        }
    }

    @Test
    void aNewTargetGetsTheGoodVersionFromAnotherTargetNotTheRottenSource() throws Exception {
        Path src = tmp.resolve("src");
        Path photo = Trees.write(src, "p.jpg", "good bytes");
        try (Heirloom h = builder(src).build()) {
            h.backup();
        }
        rot(photo, "bad! bytes");
        try (Heirloom h = builder(src).target("new", URI.create("t://new"), Medium.CLOUD, Site.OFFSITE).build()) {
            BackupReport report = h.backup();
            assertThat(report.suspectedBitRot()).singleElement();
            Path out = tmp.resolve("out");
            h.restore("new", Optional.empty(), RestoreOptions.into(out));
            assertThat(Files.readString(out.resolve("p.jpg"))).isEqualTo("good bytes");
        }
    }

    @Test
    void aSuspectObjectIsVerifiedLikeAnyOtherAndKeptByPrune() throws Exception {
        Path src = tmp.resolve("src");
        Path photo = Trees.write(src, "2015/wedding.jpg", "precious pixels");
        try (Heirloom h = builder(src).build()) {
            h.backup();
            rot(photo, "precious pixelz");
            String suspect = h.backup(ProgressListener.NONE, 100).suspectedBitRot().get(0).suspect();
            assertThat(h.verify("usb", VerifyLevel.CONTENT, 100).objects()).as("content and suspect").isEqualTo(2);

            usb.delete(RepositoryLayout.objectKey(suspect));
            VerifyReport report = h.verify("usb", VerifyLevel.PRESENT, 100);
            assertThat(report.bad()).as("a missing suspect object is missing like any other")
                    .singleElement().satisfies(b -> {
                        assertThat(b.hash()).isEqualTo(suspect);
                        assertThat(b.problem()).isEqualTo(BadObject.Problem.MISSING);
                        assertThat(b.paths()).singleElement().asString().endsWith(":2015/wedding.jpg");
                    });
        }
    }

    @Test
    void aSuspectWhoseBytesCouldNotBeStoredIsNotNamedInTheSnapshot() throws Exception {
        Path src = tmp.resolve("src");
        Path photo = Trees.write(src, "2015/wedding.jpg", "precious pixels");
        String suspect = MultiDigest.sha256Hex("precious pixelz".getBytes(StandardCharsets.UTF_8));
        InMemoryTarget refusing = org.mockito.Mockito.spy(new InMemoryTarget());
        org.mockito.Mockito.doAnswer(inv -> {
            if (inv.getArgument(0, String.class).equals(RepositoryLayout.objectKey(suspect))) {
                throw new dev.heirloom.spi.ChecksumMismatchException("the bytes changed while being stored");
            }
            return inv.callRealMethod();
        }).when(refusing).write(org.mockito.ArgumentMatchers.anyString(), org.mockito.ArgumentMatchers.any(),
                org.mockito.ArgumentMatchers.any());
        try (Heirloom h = Heirloom.builder().source(src, MediaFilter.photosAndVideos())
                .registry(ProviderRegistry.of(new TestProvider("t", c -> refusing)))
                .target("usb", URI.create("t://usb"), Medium.EXTERNAL_DISK, Site.ONSITE).build()) {
            h.backup();
            rot(photo, "precious pixelz");
            BackupReport report = h.backup(ProgressListener.NONE, 100);
            assertThat(report.suspectedBitRot()).as("not reported as found when it could not be kept").isEmpty();
            String root = h.snapshots("usb").get(h.snapshots("usb").size() - 1).root();
            String folder = h.repository("usb").trees().get(root).entry("2015").orElseThrow().tree();
            dev.heirloom.repository.TreeEntry entry = h.repository("usb").trees().get(folder).entry("wedding.jpg").orElseThrow();
            assertThat(entry.suspect()).as("a suspect is named only when its bytes are stored").isNull();
            assertThat(entry.content()).isEqualTo(MultiDigest.sha256Hex("precious pixels".getBytes(StandardCharsets.UTF_8)));
        }
    }

    private static String rootTreeOf2015(Heirloom h) {
        String root = h.snapshots("usb").get(h.snapshots("usb").size() - 1).root();
        return h.repository("usb").trees().get(root).entry("2015").orElseThrow().tree();
    }
}
