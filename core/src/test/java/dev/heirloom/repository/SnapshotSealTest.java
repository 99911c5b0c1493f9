package dev.heirloom.repository;

import dev.heirloom.spi.Checksums;
import dev.heirloom.spi.ContentSource;
import dev.heirloom.spi.WriteOptions;
import dev.heirloom.tck.memory.InMemoryTarget;
import org.junit.jupiter.api.Test;

import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A snapshot file carries its own checksum: a flip in a field no hash covered (the source label,
 * the counts, the targets reached) makes it unreadable and reported, never a snapshot of something else.
 */
class SnapshotSealTest {
    private static final String H = "ab".repeat(32);

    private static byte[] read(InMemoryTarget target, String key) throws Exception {
        try (InputStream in = target.read(key, 0, -1)) {
            return in.readAllBytes();
        }
    }

    @Test
    void aFlippedByteAnywhereMakesTheSnapshotUnreadableAndAnOlderUnsealedOneStillReads() throws Exception {
        InMemoryTarget target = new InMemoryTarget();
        Repository repo = new Repository(target);
        repo.initialize(java.time.Clock.systemUTC());
        Snapshot s = new Snapshot(1, "0123456789abcdef", Instant.parse("2026-12-01T02:00:00Z"), "home", "/home/ann/Pictures",
                H, 7, 700, null, List.of("usb", "cloud"));
        repo.putSnapshot(s);
        String key = RepositoryLayout.snapshotKey(s);
        byte[] stored = read(target, key);
        assertThat(new String(stored, StandardCharsets.UTF_8)).contains("\"reached\":[\"usb\",\"cloud\"],\"check\":\"");
        assertThat(new Repository(target).snapshots()).containsExactly(s);

        byte[] flipped = stored.clone();
        int at = new String(stored, StandardCharsets.UTF_8).indexOf("Pictures");
        flipped[at] ^= 0x20; // "pictures": still valid JSON, another source
        target.write(key, ContentSource.ofBytes(flipped), WriteOptions.replace(Checksums.none()));
        Repository after = new Repository(target);
        assertThat(after.snapshots()).isEmpty();
        assertThat(after.unreadableSnapshots()).containsKey(key);
        assertThat(after.unreadableSnapshots().get(key)).contains("corrupt");

        // a snapshot written before the seal: read as it is
        Snapshot old = new Snapshot(1, "fedcba9876543210", Instant.parse("2025-01-01T02:00:00Z"), "home", "/home/ann/Pictures",
                H, 7, 700, null, null);
        target.write(RepositoryLayout.snapshotKey(old), ContentSource.ofBytes(CanonicalJson.write(old)),
                WriteOptions.createIfAbsent(Checksums.none()));
        assertThat(new Repository(target).snapshots()).containsExactly(old);
    }
}
