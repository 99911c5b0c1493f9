package dev.heirloom.repository;

import dev.heirloom.Heirloom;
import dev.heirloom.TestProvider;
import dev.heirloom.Trees;
import dev.heirloom.policy.Medium;
import dev.heirloom.policy.Site;
import dev.heirloom.restore.RestoreOptions;
import dev.heirloom.restore.RestoreReport;
import dev.heirloom.source.MediaFilter;
import dev.heirloom.spi.InvalidConfigException;
import dev.heirloom.spi.MultiDigest;
import dev.heirloom.spi.ObjectInfo;
import dev.heirloom.storage.ProviderRegistry;
import dev.heirloom.tck.memory.InMemoryTarget;
import dev.heirloom.verify.BadObject;
import dev.heirloom.verify.RepairReport;
import dev.heirloom.verify.VerifyLevel;
import dev.heirloom.verify.VerifyReport;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** An encrypted target: nothing readable on it, everything still works, and only its passphrase opens it. */
class EncryptedRepositoryTest {
    private static final String PASSPHRASE = "correct horse battery staple";

    @TempDir
    Path tmp;

    private final InMemoryTarget usb = new InMemoryTarget();
    private final InMemoryTarget cloud = new InMemoryTarget();

    private Heirloom.Builder builder(Path source, Encryption cloudEncryption) {
        return Heirloom.builder().source(source, MediaFilter.photosAndVideos())
                .registry(ProviderRegistry.of(new TestProvider("t", c -> c.uri().getHost().equals("usb") ? usb : cloud)))
                .target("usb", URI.create("t://usb"), Medium.EXTERNAL_DISK, Site.ONSITE)
                .target("cloud", URI.create("t://cloud"), Medium.CLOUD, Site.OFFSITE)
                .encryption("cloud", cloudEncryption);
    }

    /** A JPEG with an EXIF segment, a video's ftyp box, and a large file of random bytes: what a library holds. */
    private Path library() throws IOException {
        Path src = tmp.resolve("src");
        byte[] jpeg = ("\u00ff\u00d8\u00ff\u00e1\u0000\u0040Exif\u0000\u0000MM CanonEOS 2019:08:14 Vacances-Bretagne-secret")
                .getBytes(StandardCharsets.ISO_8859_1);
        Trees.write(src, "Vacances-Bretagne/IMG_0001.jpg", jpeg);
        Trees.write(src, "Vacances-Bretagne/IMG_0001-copie.jpg", jpeg);
        Trees.write(src, "Anniversaire-Mamie/clip.mp4", "\u0000\u0000\u0000\u0018ftypisom Anniversaire-Mamie-secret"
                .getBytes(StandardCharsets.ISO_8859_1));
        byte[] large = new byte[(3 << 20) + 12345];
        new Random(7).nextBytes(large);
        Trees.write(src, "Anniversaire-Mamie/long-video.mov", large);
        Trees.write(src, "empty.jpg", new byte[0]);
        return src;
    }

    private static List<String> secrets() {
        return List.of("Exif\u0000\u0000MM", "ftypisom", "Vacances", "Bretagne", "Anniversaire", "Mamie", "IMG_0001", "clip.mp4",
                "long-video", "CanonEOS", "empty.jpg", PASSPHRASE);
    }

    @Test
    void nothingOnTheTargetNamesOrShowsAPhotoAndEqualContentIsStoredOnce() throws Exception {
        Path src = library();
        try (Heirloom h = builder(src, Encryption.passphrase(PASSPHRASE)).build()) {
            assertThat(h.backup().compliance().compliant()).isTrue();
        }
        List<String> keys = keys(cloud, "");
        for (String key : keys) {
            String bytes = new String(read(cloud, key), StandardCharsets.ISO_8859_1);
            for (String secret : secrets()) {
                assertThat(key).as("a key").doesNotContain(secret);
                assertThat(bytes).as(key + " holds " + secret).doesNotContain(secret);
            }
            assertThat(bytes).as(key).doesNotContain("\u00ff\u00d8\u00ff\u00e1\u0000\u0040");
        }
        String jpegHash = MultiDigest.sha256Hex(Files.readAllBytes(src.resolve("Vacances-Bretagne/IMG_0001.jpg")));
        assertThat(keys).doesNotContain(RepositoryLayout.objectKey(jpegHash));
        assertThat(keys.stream().filter(k -> k.startsWith("objects/")).anyMatch(k -> k.endsWith(jpegHash))).isFalse();
        assertThat(keys.stream().filter(k -> k.startsWith("objects/"))).as("four contents, the twin JPEG once").hasSize(4);
        assertThat(keys(usb, "objects/")).as("the plain copy keeps plain names").contains(RepositoryLayout.objectKey(jpegHash));
        assertThat(new String(read(cloud, RepositoryLayout.CONFIG), StandardCharsets.UTF_8))
                .contains("\"version\":3").contains("AES256_GCM_HKDF_1MB").contains("HMAC-SHA256").contains("\"padding\":\"padme\"");
        assertThat(keys.stream().filter(k -> k.startsWith(RepositoryLayout.KEYS))).hasSize(1);
    }

    @Test
    void aMachineWithOnlyTheTargetAndThePassphraseRestoresEveryByte() throws Exception {
        Path src = library();
        try (Heirloom h = builder(src, Encryption.passphrase(PASSPHRASE)).build()) {
            h.backup();
        }
        Path back = tmp.resolve("back");
        try (Heirloom fresh = Heirloom.builder().source(src, MediaFilter.photosAndVideos())
                .registry(ProviderRegistry.of(new TestProvider("t", c -> cloud)))
                .target("cloud", URI.create("t://cloud"), Medium.CLOUD, Site.OFFSITE)
                .encryption("cloud", Encryption.passphrase(PASSPHRASE)).build()) {
            RestoreReport report = fresh.restore("cloud", Optional.empty(), RestoreOptions.into(back));
            assertThat(report.failed()).isEmpty();
        }
        assertThat(Trees.read(back)).isEqualTo(Trees.read(src));
        assertThat(Files.readAllBytes(back.resolve("Anniversaire-Mamie/long-video.mov")))
                .isEqualTo(Files.readAllBytes(src.resolve("Anniversaire-Mamie/long-video.mov")));
    }

    @Test
    void aWrongOrMissingPassphraseIsAClearErrorAndWritesNothing() throws Exception {
        Path src = library();
        try (Heirloom h = builder(src, Encryption.passphrase(PASSPHRASE)).build()) {
            h.backup();
        }
        long writes = cloud.writeCount();
        Path back = tmp.resolve("back");
        try (Heirloom wrong = builder(src, Encryption.passphrase("Correct horse battery staple")).build()) {
            assertThatThrownBy(() -> wrong.restore("cloud", Optional.empty(), RestoreOptions.into(back)))
                    .isInstanceOf(WrongPassphraseException.class)
                    .hasMessageContaining("target cloud: the passphrase (or key file) does not open")
                    .hasMessageNotContaining("horse");
            assertThat(wrong.backup().targets()).filteredOn(t -> t.name().equals("cloud"))
                    .allSatisfy(t -> assertThat(t.error()).get().asString().contains("does not open"));
        }
        try (Heirloom none = builder(src, Encryption.unspecified()).build()) {
            assertThatThrownBy(() -> none.snapshots("cloud")).isInstanceOf(InvalidConfigException.class)
                    .hasMessageContaining("the repository is encrypted; give its passphrase");
        }
        assertThat(back).doesNotExist();
        assertThat(cloud.writeCount()).as("nothing written with a wrong passphrase").isEqualTo(writes);
    }

    @Test
    void aPassphraseForAPlainRepositoryIsRefusedRatherThanMixingTheTwo() throws Exception {
        Path src = library();
        try (Heirloom h = builder(src, Encryption.none()).build()) {
            h.backup();
        }
        try (Heirloom h = builder(src, Encryption.passphrase(PASSPHRASE)).build()) {
            assertThatThrownBy(() -> h.snapshots("cloud")).isInstanceOf(InvalidConfigException.class)
                    .hasMessageContaining("is not encrypted, and encryption is chosen when a repository is created");
        }
    }

    @Test
    void aPassphraseChangeRewritesNoObjectAndTheOldOneStopsWorking() throws Exception {
        Path src = library();
        try (Heirloom h = builder(src, Encryption.passphrase(PASSPHRASE)).build()) {
            h.backup();
            KeySlots slots = h.repository("cloud").keySlots();
            String old = slots.openedWith();
            long writes = cloud.writeCount();
            String added = slots.add(Encryption.passphrase("a new passphrase for 2027"));
            slots.remove(old);
            assertThat(cloud.writeCount() - writes).as("one key slot written, nothing else").isEqualTo(1);
            assertThat(slots.list()).extracting(KeySlots.Info::id).containsExactly(added);
            assertThatThrownBy(() -> slots.remove(added)).isInstanceOf(InvalidConfigException.class)
                    .hasMessageContaining("is the last one");
        }
        try (Heirloom h = builder(src, Encryption.passphrase(PASSPHRASE)).build()) {
            assertThatThrownBy(() -> h.snapshots("cloud")).isInstanceOf(WrongPassphraseException.class);
        }
        Path back = tmp.resolve("back");
        try (Heirloom h = builder(src, Encryption.passphrase("a new passphrase for 2027")).build()) {
            h.restore("cloud", Optional.empty(), RestoreOptions.into(back));
        }
        assertThat(Trees.read(back)).isEqualTo(Trees.read(src));
    }

    @Test
    void aFlippedByteInAnEncryptedObjectIsFoundAndRepairedFromThePlainCopyAndTheOtherWayRound() throws Exception {
        Path src = library();
        try (Heirloom h = builder(src, Encryption.passphrase(PASSPHRASE)).build()) {
            h.backup();
            Files.delete(src.resolve("Anniversaire-Mamie/long-video.mov")); // repair must come from the other target
            Repository cloudRepo = h.repository("cloud");
            String videoHash = largestObject(h.repository("usb"));
            String cloudKey = cloudRepo.objects().key(videoHash);
            flip(cloud, cloudKey, 2_000_000);

            VerifyReport found = h.verify("cloud", VerifyLevel.CONTENT, 100);
            assertThat(found.bad()).extracting(BadObject::hash).containsExactly(videoHash);
            assertThat(found.bad().get(0).paths()).anyMatch(p -> p.endsWith("Anniversaire-Mamie/long-video.mov"));
            RepairReport repaired = h.repair("cloud", VerifyLevel.CONTENT);
            assertThat(repaired.healed()).isTrue();
            assertThat(repaired.repaired()).extracting(RepairReport.Repaired::from).containsExactly("target:usb");
            assertThat(h.verify("cloud", VerifyLevel.CONTENT, 100).clean()).isTrue();

            flip(usb, RepositoryLayout.objectKey(videoHash), 5);
            assertThat(h.verify("usb", VerifyLevel.CONTENT, 100).bad()).extracting(BadObject::hash).containsExactly(videoHash);
            RepairReport back = h.repair("usb", VerifyLevel.CONTENT);
            assertThat(back.repaired()).extracting(RepairReport.Repaired::from).containsExactly("target:cloud");
            assertThat(h.verify("usb", VerifyLevel.CONTENT, 100).clean()).isTrue();
        }
    }

    @Test
    void presentLevelVerificationAndPruneWorkOnKeyedNames() throws Exception {
        Path src = library();
        try (Heirloom h = builder(src, Encryption.passphrase(PASSPHRASE))
                .retention("cloud", dev.heirloom.retention.RetentionPolicy.none().withLast(1)).build()) {
            h.backup();
            assertThat(h.verify("cloud", VerifyLevel.PRESENT, 100).clean()).isTrue();
            assertThat(h.verify("cloud", VerifyLevel.CHECKSUM, 100).clean()).isTrue();
            Files.delete(src.resolve("Anniversaire-Mamie/long-video.mov"));
            h.backup();
            int before = keys(cloud, "objects/").size();
            h.forget("cloud", false);
            h.prune("cloud", Duration.ZERO, false);
            h.prune("cloud", Duration.ZERO, false);
            assertThat(keys(cloud, "objects/")).hasSize(before - 1);
            assertThat(h.verify("cloud", VerifyLevel.CONTENT, 100).clean()).isTrue();
            cloud.delete(h.repository("cloud").objects().key(MultiDigest.sha256Hex(
                    Files.readAllBytes(src.resolve("Anniversaire-Mamie/clip.mp4")))));
            assertThat(h.verify("cloud", VerifyLevel.PRESENT, 100).bad()).extracting(BadObject::problem)
                    .containsExactly(BadObject.Problem.MISSING);
        }
    }

    @Test
    void checksumLevelComparesTheCiphertextChecksumsRecordedAtUploadWithoutReadingAnObject() throws Exception {
        Path src = library();
        try (Heirloom h = builder(src, Encryption.passphrase(PASSPHRASE))
                .retention("cloud", dev.heirloom.retention.RetentionPolicy.none().withLast(1)).build()) {
            h.backup();
            assertThat(keys(cloud, RepositoryLayout.CHECKSUMS)).as("one record per backup").hasSize(1);
            long read = cloud.bytesRead();
            VerifyReport clean = h.verify("cloud", VerifyLevel.CHECKSUM, 100);
            assertThat(clean.clean()).isTrue();
            assertThat(clean.notes()).as("every object compared").isEmpty();
            assertThat(cloud.bytesRead() - read).as("no object read back").isLessThan(64 * 1024);

            String videoHash = MultiDigest.sha256Hex(Files.readAllBytes(src.resolve("Anniversaire-Mamie/long-video.mov")));
            String videoKey = h.repository("cloud").objects().key(videoHash);
            flip(cloud, videoKey, 2 << 20);
            VerifyReport found = h.verify("cloud", VerifyLevel.CHECKSUM, 100);
            assertThat(found.bad()).extracting(BadObject::hash).containsExactly(videoHash);
            assertThat(found.bad().get(0).problem()).isEqualTo(BadObject.Problem.CORRUPT);

            assertThat(h.repair("cloud", VerifyLevel.CHECKSUM).healed()).isTrue();
            assertThat(h.verify("cloud", VerifyLevel.CHECKSUM, 100).clean()).as("the repaired copy's record").isTrue();

            Files.delete(src.resolve("Anniversaire-Mamie/long-video.mov"));
            h.backup();
            h.forget("cloud", false);
            h.prune("cloud", Duration.ZERO, false);
            h.prune("cloud", Duration.ZERO, false);
            assertThat(keys(cloud, RepositoryLayout.CHECKSUMS)).as("compacted by prune").hasSize(1);
            byte[] record = h.repository("cloud").cipher().open(keys(cloud, RepositoryLayout.CHECKSUMS).get(0),
                    read(cloud, keys(cloud, RepositoryLayout.CHECKSUMS).get(0)));
            assertThat(new String(record, StandardCharsets.UTF_8)).as("the pruned video's entry dropped")
                    .doesNotContain(videoKey).contains("\"crc32c\"");
            VerifyReport after = h.verify("cloud", VerifyLevel.CHECKSUM, 100);
            assertThat(after.clean()).isTrue();
            assertThat(after.notes()).isEmpty();
        }
    }

    @Test
    void aWriteThatReadsItsContentTwiceRecordsTheReadingItStored() throws Exception {
        Path src = library();
        // as a provider that reads once to checksum, or a try that failed after reading it all:
        // each reading of sealed content is another encryption, and only the last one is stored
        dev.heirloom.spi.StorageTarget twice = new dev.heirloom.storage.ForwardingTarget(cloud) {
            @Override
            public ObjectInfo write(String key, dev.heirloom.spi.ContentSource content, dev.heirloom.spi.WriteOptions options) {
                if (key.startsWith(RepositoryLayout.OBJECTS)) {
                    try (InputStream first = content.open()) {
                        first.readAllBytes();
                    } catch (IOException e) {
                        throw new java.io.UncheckedIOException(e);
                    }
                }
                return super.write(key, content, options);
            }
        };
        try (Heirloom h = Heirloom.builder().source(src, MediaFilter.photosAndVideos())
                .registry(ProviderRegistry.of(new TestProvider("t", c -> twice)))
                .target("cloud", URI.create("t://cloud"), Medium.CLOUD, Site.OFFSITE)
                .encryption("cloud", Encryption.passphrase(PASSPHRASE)).build()) {
            h.backup();
            VerifyReport report = h.verify("cloud", VerifyLevel.CHECKSUM, 100);
            assertThat(report.bad()).isEmpty();
            assertThat(report.notes()).isEmpty();
        }
    }

    @Test
    void anObjectTheTargetStoredOtherwiseThanSentIsRemovedAndTheBackupSaysSo() throws Exception {
        Path src = library();
        // bytes damaged between what was sent and what is stored, the store's checksums telling so
        java.util.concurrent.atomic.AtomicBoolean damage = new java.util.concurrent.atomic.AtomicBoolean(true);
        dev.heirloom.spi.StorageTarget lossy = new dev.heirloom.storage.ForwardingTarget(cloud) {
            @Override
            public ObjectInfo write(String key, dev.heirloom.spi.ContentSource content, dev.heirloom.spi.WriteOptions options) {
                if (!key.startsWith(RepositoryLayout.OBJECTS) || content.size() < 1000 || !damage.get()) {
                    return super.write(key, content, options);
                }
                return super.write(key, new dev.heirloom.spi.ContentSource() {
                    @Override
                    public long size() {
                        return content.size();
                    }

                    @Override
                    public InputStream open() throws IOException {
                        byte[] bytes = content.open().readAllBytes();
                        bytes[bytes.length / 2] ^= 1;
                        return new java.io.ByteArrayInputStream(bytes);
                    }
                }, options);
            }
        };
        Heirloom.Builder builder = Heirloom.builder().source(src, MediaFilter.photosAndVideos())
                .registry(ProviderRegistry.of(new TestProvider("t", c -> lossy)))
                .target("cloud", URI.create("t://cloud"), Medium.CLOUD, Site.OFFSITE)
                .encryption("cloud", Encryption.passphrase(PASSPHRASE));
        String video = MultiDigest.sha256Hex(Files.readAllBytes(src.resolve("Anniversaire-Mamie/long-video.mov")));
        try (Heirloom h = builder.build()) {
            dev.heirloom.BackupReport report = h.backup();
            assertThat(report.succeeded()).isFalse();
            assertThat(report.targets().get(0).error()).hasValueSatisfying(e -> assertThat(e)
                    .contains("stored other bytes than were sent").contains("removed"));
            assertThat(cloud.stat(h.repository("cloud").objects().key(video))).as("nothing damaged left behind").isEmpty();
        }
        damage.set(false);
        try (Heirloom h = builder.build()) {
            assertThat(h.backup().succeeded()).isTrue();
            assertThat(h.verify("cloud", VerifyLevel.CONTENT, 100).clean()).isTrue();
        }
    }

    @Test
    void objectsWithoutARecordAreCountedUnverifiedNotCalledSound() throws Exception {
        Path src = library();
        String clip = MultiDigest.sha256Hex(Files.readAllBytes(src.resolve("Anniversaire-Mamie/clip.mp4")));
        try (Heirloom h = builder(src, Encryption.passphrase(PASSPHRASE)).build()) {
            h.backup();
            for (String key : keys(cloud, RepositoryLayout.CHECKSUMS)) {
                cloud.delete(key);
            }
            flip(cloud, h.repository("cloud").objects().key(clip), 40);
        }
        try (Heirloom h = builder(src, Encryption.passphrase(PASSPHRASE)).build()) {
            VerifyReport report = h.verify("cloud", VerifyLevel.CHECKSUM, 100);
            assertThat(report.bad()).isEmpty();
            assertThat(report.notes()).singleElement().asString().startsWith("4 object(s) have no checksum recorded")
                    .contains("only their size was checked");
            assertThat(h.verify("cloud", VerifyLevel.CONTENT, 100).bad()).extracting(BadObject::hash).containsExactly(clip);
            // the content verification recorded what it proved sound, and only that
            VerifyReport after = h.verify("cloud", VerifyLevel.CHECKSUM, 100);
            assertThat(after.notes()).singleElement().asString().startsWith("1 object(s) have no checksum recorded");
            assertThat(after.bytesRead()).isZero();
        }
        try (Heirloom h = builder(src, Encryption.passphrase(PASSPHRASE)).build()) {
            flip(cloud, keys(cloud, RepositoryLayout.OBJECTS).stream()
                    .filter(k -> !k.equals(h.repository("cloud").objects().key(clip))).findFirst().orElseThrow(), 40);
            assertThat(h.verify("cloud", VerifyLevel.CHECKSUM, 100).bad()).as("a recorded object damaged since is found")
                    .hasSize(1).noneMatch(b -> b.hash().equals(clip));
        }
    }

    @Test
    void storedSizesArePaddedSoNearbySizesLookAlikeAndEverythingStillWorks() throws Exception {
        Path src = tmp.resolve("src");
        Random random = new Random(5);
        for (int size : new int[] {3_000_000, 3_000_017, 3_004_321}) {
            byte[] photo = new byte[size];
            random.nextBytes(photo);
            Trees.write(src, "2024/IMG_" + size + ".jpg", photo);
        }
        try (Heirloom h = builder(src, Encryption.passphrase(PASSPHRASE)).build()) {
            h.backup();
            List<Long> sizes = new ArrayList<>();
            Repository.forEach(cloud, "objects/", info -> sizes.add(info.size()));
            assertThat(sizes).as("three photo sizes, one stored size").hasSize(3).containsOnly(sizes.get(0));
            dev.heirloom.browse.RepositoryStats stats = h.browse("cloud").stats(u -> { });
            assertThat(stats.storedBytes()).as("what the target holds").isEqualTo(sizes.stream().mapToLong(Long::longValue).sum());
            assertThat(stats.logicalBytes()).isEqualTo(3_000_000L + 3_000_017L + 3_004_321L);
            assertThat(sizes.get(0)).isBetween(3_004_321L, 3_004_321L + 3_004_321L / 32 + 200);
            assertThat(h.verify("cloud", VerifyLevel.PRESENT, 100).clean()).isTrue();
            assertThat(h.verify("cloud", VerifyLevel.CONTENT, 100).clean()).isTrue();

            // a stored file of another padded size is the wrong size, whatever its content size could be
            String hash = MultiDigest.sha256Hex(Files.readAllBytes(src.resolve("2024/IMG_3000017.jpg")));
            String key = h.repository("cloud").objects().key(hash);
            byte[] stored = read(cloud, key);
            cloud.corrupt(key, java.util.Arrays.copyOf(stored, stored.length + 65_536));
            assertThat(h.verify("cloud", VerifyLevel.PRESENT, 100).bad()).singleElement()
                    .satisfies(b -> assertThat(b.detail()).startsWith("stored size").contains("3000017 bytes of content"));
            assertThat(h.repair("cloud", VerifyLevel.PRESENT).healed()).isTrue();
            assertThat(read(cloud, key)).hasSize(stored.length);
        }
        Path back = tmp.resolve("back");
        try (Heirloom h = builder(src, Encryption.passphrase(PASSPHRASE)).build()) {
            assertThat(h.restore("cloud", Optional.empty(), RestoreOptions.into(back)).failed()).isEmpty();
        }
        assertThat(Trees.read(back)).isEqualTo(Trees.read(src));
    }

    @Test
    void aPaddedRepositoryWhoseHeirloomJsonIsLostStillOpensPadded() throws Exception {
        Path src = library();
        try (Heirloom h = builder(src, Encryption.passphrase(PASSPHRASE)).build()) {
            h.backup();
        }
        cloud.delete(RepositoryLayout.CONFIG);
        Path back = tmp.resolve("back");
        try (Heirloom h = builder(src, Encryption.passphrase(PASSPHRASE)).build()) {
            assertThat(h.restore("cloud", Optional.empty(), RestoreOptions.into(back)).failed()).isEmpty();
            assertThat(h.verify("cloud", VerifyLevel.CONTENT, 100).clean()).isTrue();
        }
        assertThat(Trees.read(back)).isEqualTo(Trees.read(src));
    }

    @Test
    void heirloomJsonThatDisagreesWithTheKeySlotsAboutPaddingIsRefused() throws Exception {
        Path src = library();
        try (Heirloom h = builder(src, Encryption.passphrase(PASSPHRASE)).build()) {
            h.backup();
        }
        String config = new String(read(cloud, RepositoryLayout.CONFIG), StandardCharsets.UTF_8);
        cloud.corrupt(RepositoryLayout.CONFIG, config.replace(",\"padding\":\"padme\"", "")
                .replace("\"version\":3", "\"version\":2").getBytes(StandardCharsets.UTF_8));
        try (Heirloom h = builder(src, Encryption.passphrase(PASSPHRASE)).build()) {
            assertThatThrownBy(() -> h.restore("cloud", Optional.empty(), RestoreOptions.into(tmp.resolve("back"))))
                    .hasMessageContaining("heirloom.json says the files are not padded and the key slots say otherwise");
        }
    }

    @Test
    void ciphertextMovedToAnotherNameDoesNotOpen() throws Exception {
        Path src = library();
        try (Heirloom h = builder(src, Encryption.passphrase(PASSPHRASE)).build()) {
            h.backup();
            Repository repo = h.repository("cloud");
            String jpeg = MultiDigest.sha256Hex(Files.readAllBytes(src.resolve("Vacances-Bretagne/IMG_0001.jpg")));
            String clip = MultiDigest.sha256Hex(Files.readAllBytes(src.resolve("Anniversaire-Mamie/clip.mp4")));
            cloud.corrupt(repo.objects().key(jpeg), read(cloud, repo.objects().key(clip)));
            assertThat(h.verify("cloud", VerifyLevel.CONTENT, 100).bad()).extracting(BadObject::hash).containsExactly(jpeg);
        }
    }

    private static String largestObject(Repository plain) {
        List<ObjectInfo> all = new ArrayList<>();
        plain.objects().forEach(all::add);
        ObjectInfo largest = all.stream().max(java.util.Comparator.comparingLong(ObjectInfo::size)).orElseThrow();
        return largest.key().substring(largest.key().lastIndexOf('/') + 1);
    }

    private static void flip(InMemoryTarget target, String key, int at) throws IOException {
        byte[] bytes = read(target, key);
        bytes[at] ^= 0x20;
        target.corrupt(key, bytes);
    }

    private static byte[] read(InMemoryTarget target, String key) throws IOException {
        try (InputStream in = target.read(key, 0, -1)) {
            return in.readAllBytes();
        }
    }

    private static List<String> keys(InMemoryTarget target, String prefix) {
        List<String> keys = new ArrayList<>();
        Repository.forEach(target, prefix, info -> keys.add(info.key()));
        return keys;
    }
}
