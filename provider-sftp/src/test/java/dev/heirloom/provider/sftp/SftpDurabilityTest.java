package dev.heirloom.provider.sftp;

import dev.heirloom.spi.Checksums;
import dev.heirloom.spi.ContentSource;
import dev.heirloom.spi.MultiDigest;
import dev.heirloom.spi.StorageException;
import dev.heirloom.spi.StorageTarget;
import dev.heirloom.spi.TargetConfig;
import dev.heirloom.spi.WriteOptions;
import dev.heirloom.testservers.OpenSshServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * What reaches the server's disk, and when, read from the SFTP server's own log of the requests
 * it served: every object's bytes are synced before its name exists, the folders that got new names
 * are synced by the flush, and small objects go in batches.
 */
class SftpDurabilityTest {
    private static final Pattern LINK = Pattern.compile("(hardlink|posix-rename|rename) old \"([^\"]+)\" new \"([^\"]+)\"");
    private static final Pattern FSYNC = Pattern.compile("fsync \"([^\"]+)\"");
    private static final Pattern CLOSE = Pattern.compile("close \"([^\"]+)\" bytes read");
    private static Path dir;
    private static OpenSshServer server;

    @BeforeAll
    static void startServer() throws Exception {
        dir = Files.createTempDirectory("heirloom-sftp-sync");
        server = OpenSshServer.startLoggingRequests(dir.resolve("sshd"));
    }

    @AfterAll
    static void stopServer() {
        server.close();
    }

    private static StorageTarget open(Path folder) {
        return open(folder, Map.of());
    }

    private static StorageTarget open(Path folder, Map<String, String> more) {
        Map<String, String> options = new HashMap<>(server.options());
        options.putAll(more);
        return new SftpTargetProvider().open(new TargetConfig(server.uri(folder), options));
    }

    /** Writes 40 small batched objects, a large one and a replaced one, flushes and checks what is stored. */
    private static Map<String, byte[]> writeAndFlush(StorageTarget target, Path folder) throws Exception {
        Map<String, byte[]> written = new HashMap<>();
        for (int i = 0; i < 40; i++) { // batched: small, create-if-absent, group commit allowed
            byte[] b = random(4_000 + i, i);
            String key = "objects/" + String.format("%02x", i % 4) + "/small-" + i;
            target.write(key, ContentSource.ofBytes(b), WriteOptions.createIfAbsent(sums(b)).withGroupCommit());
            written.put(key, b);
        }
        byte[] large = random(3 << 20, 99); // streamed on its own
        target.write("objects/ff/large", ContentSource.ofBytes(large), WriteOptions.createIfAbsent(sums(large)));
        written.put("objects/ff/large", large);
        byte[] snapshot = random(900, 7); // replaced, never batched
        target.write("snapshots/s1", ContentSource.ofBytes(snapshot), WriteOptions.replace(sums(snapshot)));
        written.put("snapshots/s1", snapshot);
        target.flush();
        for (Map.Entry<String, byte[]> e : written.entrySet()) {
            assertThat(Files.readAllBytes(folder.resolve(e.getKey()))).as(e.getKey()).isEqualTo(e.getValue());
        }
        return written;
    }

    private static byte[] random(int size, long seed) {
        byte[] b = new byte[size];
        new Random(seed).nextBytes(b);
        return b;
    }

    private static Checksums sums(byte[] content) {
        return Checksums.sha256(MultiDigest.sha256Hex(content));
    }

    /** The log lines about {@code folder} written since {@code from}. */
    private static List<String> logSince(long from, Path folder) throws Exception {
        String log = Files.readString(server.log());
        List<String> lines = new ArrayList<>();
        for (String line : log.substring((int) from).split("\n")) {
            if (line.contains(folder.toString())) {
                lines.add(line);
            }
        }
        return lines;
    }

    @Test
    void withoutAFileSystemSyncEveryNameIsGivenToSyncedBytesAndTheFlushSyncsTheFolders() throws Exception {
        assertEachFileSynced("repo-sync", Map.of("syncCommand", "none"));
    }

    @Test
    void aSyncCommandThatFailsMeansEachFileIsSyncedOnItsOwn() throws Exception {
        assertEachFileSynced("repo-sync-false", Map.of("syncCommand", "false"));
    }

    private void assertEachFileSynced(String name, Map<String, String> options) throws Exception {
        Path folder = dir.resolve(name);
        long from = Files.size(server.log());
        Map<String, byte[]> written;
        try (StorageTarget target = open(folder, options)) {
            written = writeAndFlush(target, folder);
        }
        List<String> log = logSince(from, folder);
        List<String> synced = new ArrayList<>();
        Map<String, Integer> lastNameIn = new HashMap<>();
        Map<String, Integer> folderSynced = new HashMap<>();
        int named = 0;
        for (int i = 0; i < log.size(); i++) {
            Matcher sync = FSYNC.matcher(log.get(i));
            if (sync.find()) {
                synced.add(sync.group(1));
                folderSynced.put(sync.group(1), i);
            }
            Matcher link = LINK.matcher(log.get(i));
            if (link.find()) {
                assertThat(synced).as("the bytes of %s were synced before it got its name", link.group(3))
                        .contains(link.group(2));
                String parent = link.group(3).substring(0, link.group(3).lastIndexOf('/'));
                lastNameIn.put(parent, i);
                named++;
            }
        }
        assertThat(named).as("names given, per the server's log: %s", log).isEqualTo(written.size());
        for (Map.Entry<String, Integer> e : lastNameIn.entrySet()) {
            assertThat(folderSynced.getOrDefault(e.getKey(), -1)).as("%s synced after its last new name", e.getKey())
                    .isGreaterThan(e.getValue());
        }
    }

    @Test
    void aBatchIsMadeDurableByOneSyncOfTheFileSystemBeforeAnyOfItsNames() throws Exception {
        Path folder = dir.resolve("repo-syncfs");
        Path wrapper = dir.resolve("logging-sync");
        Files.writeString(wrapper, "#!/bin/sh\necho \"filesystem-sync $1\" >> " + server.log() + "\nexec sync -f \"$1\"\n");
        wrapper.toFile().setExecutable(true);
        long from = Files.size(server.log());
        Map<String, byte[]> written;
        try (StorageTarget target = open(folder, Map.of("syncCommand", wrapper.toString()))) {
            written = writeAndFlush(target, folder);
        }
        List<String> log = logSince(from, folder);
        Map<String, Integer> closed = new HashMap<>();
        List<String> fileSynced = new ArrayList<>();
        int lastFileSystemSync = -1;
        int lastName = -1;
        int named = 0;
        for (int i = 0; i < log.size(); i++) {
            String line = log.get(i);
            if (line.startsWith("filesystem-sync ")) {
                lastFileSystemSync = i;
            }
            Matcher close = CLOSE.matcher(line);
            if (close.find()) {
                closed.put(close.group(1), i);
            }
            Matcher sync = FSYNC.matcher(line);
            if (sync.find()) {
                fileSynced.add(sync.group(1));
            }
            Matcher link = LINK.matcher(line);
            if (link.find()) {
                named++;
                lastName = i;
                if (link.group(2).contains("/.heirloom-tmp-g-")) {
                    assertThat(fileSynced).as("a batched object is not synced on its own").doesNotContain(link.group(2));
                    assertThat(lastFileSystemSync).as("the file system was synced after %s was written and before "
                            + "it got its name", link.group(3)).isGreaterThan(closed.get(link.group(2)));
                } else {
                    assertThat(fileSynced).as("%s, not batched, was synced on its own", link.group(3))
                            .contains(link.group(2));
                }
            }
        }
        assertThat(named).as("names given, per the server's log: %s", log).isEqualTo(written.size());
        assertThat(lastFileSystemSync).as("the flush synced the file system after the last new name").isGreaterThan(lastName);
    }

    @Test
    void smallObjectsAreSentInBatchesSeenByTheWriterAtOnce() throws Exception {
        Path folder = dir.resolve("repo-batch");
        try (StorageTarget target = open(folder)) {
            byte[] b = random(10_000, 5);
            target.write("objects/aa/one", ContentSource.ofBytes(b), WriteOptions.createIfAbsent(sums(b)).withGroupCommit());
            assertThat(folder.resolve("objects/aa/one")).doesNotExist(); // not named before the batch is sent
            assertThat(target.stat("objects/aa/one")).get().extracting(i -> i.size()).isEqualTo(10_000L);
            try (var in = target.read("objects/aa/one", 100, 50)) {
                assertThat(in.readAllBytes()).isEqualTo(java.util.Arrays.copyOfRange(b, 100, 150));
            }
            target.flush();
            assertThat(Files.readAllBytes(folder.resolve("objects/aa/one"))).isEqualTo(b);
            try (var files = Files.walk(folder)) {
                assertThat(files.map(p -> p.getFileName().toString())).noneMatch(n -> n.startsWith(".heirloom-"));
            }
        }
    }

    @Test
    void aBatchSentAndNotYetNamedIsReadFromItsTemporaryFile() throws Exception {
        Path folder = dir.resolve("repo-sent");
        try (StorageTarget target = open(folder)) {
            Map<String, byte[]> written = new HashMap<>();
            for (int i = 0; i < 300; i++) { // more than one batch: the first is sent, and named only at the flush
                byte[] b = random(3_000 + i, 1_000 + i);
                String key = "objects/" + String.format("%02x", i % 16) + "/o-" + i;
                target.write(key, ContentSource.ofBytes(b), WriteOptions.createIfAbsent(sums(b)).withGroupCommit());
                written.put(key, b);
            }
            assertThat(folder.resolve("objects/00/o-0")).doesNotExist();
            try (var files = Files.walk(folder.resolve("objects"))) {
                assertThat(files.filter(f -> f.getFileName().toString().startsWith(".heirloom-tmp-g-")).count())
                        .as("the first batch is on the server under temporary names").isGreaterThanOrEqualTo(256);
            }
            for (Map.Entry<String, byte[]> e : written.entrySet()) {
                assertThat(target.stat(e.getKey())).get().extracting(i -> i.size()).isEqualTo((long) e.getValue().length);
                try (var in = target.read(e.getKey(), 10, 100)) {
                    assertThat(in.readAllBytes()).as(e.getKey())
                            .isEqualTo(java.util.Arrays.copyOfRange(e.getValue(), 10, 110));
                }
            }
            target.flush();
            for (Map.Entry<String, byte[]> e : written.entrySet()) {
                assertThat(Files.readAllBytes(folder.resolve(e.getKey()))).isEqualTo(e.getValue());
            }
            try (var files = Files.walk(folder)) {
                assertThat(files.map(f -> f.getFileName().toString())).noneMatch(n -> n.startsWith(".heirloom-"));
            }
        }
    }

    @Test
    void aBatchThatCannotBeStoredFailsTheFlushAndEveryLaterWrite() throws Exception {
        Path folder = dir.resolve("repo-fail");
        try (StorageTarget target = open(folder)) {
            byte[] b = random(2_000, 11);
            target.write("objects/bb/x", ContentSource.ofBytes(b), WriteOptions.createIfAbsent(sums(b)).withGroupCommit());
            // the object's folder cannot hold new files: the batch cannot be stored
            Files.createDirectories(folder.resolve("objects/bb"));
            folder.resolve("objects/bb").toFile().setWritable(false);
            try {
                if (Files.isWritable(folder.resolve("objects/bb")) && System.getProperty("user.name").equals("root")) {
                    // root writes anyway: make the folder a file instead, which no one can create a file in
                    folder.resolve("objects/bb").toFile().setWritable(true);
                    Files.delete(folder.resolve("objects/bb"));
                    Files.writeString(folder.resolve("objects/bb"), "not a folder");
                }
                assertThatThrownBy(target::flush).isInstanceOf(StorageException.class);
                byte[] c = random(2_000, 12);
                assertThatThrownBy(() -> target.write("objects/cc/y", ContentSource.ofBytes(c),
                        WriteOptions.createIfAbsent(sums(c)).withGroupCommit()))
                        .isInstanceOf(StorageException.class).hasMessageContaining("earlier batch");
                assertThatThrownBy(target::flush).isInstanceOf(StorageException.class);
            } finally {
                folder.resolve("objects/bb").toFile().setWritable(true);
            }
            assertThat(folder.resolve("objects/cc/y")).doesNotExist();
        }
    }
}
