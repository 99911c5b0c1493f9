package dev.heirloom.backup;

import dev.heirloom.BackupReport;
import dev.heirloom.Heirloom;
import dev.heirloom.TestProvider;
import dev.heirloom.Trees;
import dev.heirloom.policy.Medium;
import dev.heirloom.policy.Site;
import dev.heirloom.restore.RestoreOptions;
import dev.heirloom.source.MediaFilter;
import dev.heirloom.storage.ProviderRegistry;
import dev.heirloom.tck.memory.InMemoryTarget;
import dev.heirloom.verify.VerifyLevel;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.OutputStream;
import java.net.StandardProtocolFamily;
import java.net.URI;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.ServerSocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * What a photo folder can hold besides photos: a FIFO (opening one blocks until a writer comes),
 * a UNIX socket, and a video still being written. None may hang the backup; none may end up in a
 * snapshot with bytes that do not match its entry.
 */
class OddSourceFilesTest {
    @TempDir
    Path tmp;

    @Test
    @Timeout(value = 60, unit = TimeUnit.SECONDS)
    void fifosAndSocketsAreSkippedAndAFileBeingWrittenIsNeverStoredTorn() throws Exception {
        Path src = tmp.resolve("src");
        Trees.write(src, "2024/IMG_1.jpg", "a photo");
        Process fifo = new ProcessBuilder("mkfifo", src.resolve("2024/pipe.jpg").toString()).start();
        assertThat(fifo.waitFor(10, TimeUnit.SECONDS) && fifo.exitValue() == 0).as("mkfifo").isTrue();
        Path growing = src.resolve("2024/recording.mp4");
        Files.write(growing, new byte[1 << 20]);
        AtomicBoolean stop = new AtomicBoolean();
        Thread writer = new Thread(() -> {
            byte[] chunk = new byte[64 * 1024];
            try (OutputStream out = Files.newOutputStream(growing, StandardOpenOption.APPEND)) {
                while (!stop.get()) {
                    chunk[0]++;
                    out.write(chunk);
                    out.flush();
                    Thread.sleep(1);
                }
            } catch (Exception e) {
                // stopped
            }
        });
        InMemoryTarget usb = new InMemoryTarget();
        try (ServerSocketChannel socket = ServerSocketChannel.open(StandardProtocolFamily.UNIX)) {
            socket.bind(UnixDomainSocketAddress.of(src.resolve("2024/camera.sock")));
            writer.start();
            BackupReport report;
            try (Heirloom h = Heirloom.builder().source(src, MediaFilter.photosAndVideos())
                    .registry(ProviderRegistry.of(new TestProvider("t", c -> usb)))
                    .target("usb", URI.create("t://usb"), Medium.EXTERNAL_DISK, Site.ONSITE).build()) {
                report = h.backup();
                stop.set(true);
                writer.join();
                assertThat(report.stats().files()).as("the photo and the recording; no FIFO, no socket").isEqualTo(2);
                assertThat(h.verify("usb", VerifyLevel.CONTENT, 100).clean()).isTrue();
                Path back = tmp.resolve("back");
                h.restore("usb", Optional.empty(), RestoreOptions.into(back));
                assertThat(back.resolve("2024/pipe.jpg")).doesNotExist();
                assertThat(back.resolve("2024/camera.sock")).doesNotExist();
                assertThat(Files.readString(back.resolve("2024/IMG_1.jpg"))).isEqualTo("a photo");
                boolean skipped = report.problems().stream().anyMatch(p -> p.path().endsWith("recording.mp4"));
                if (!skipped) {
                    // stored: the bytes as they were at one moment, a prefix of the file as it is now
                    byte[] stored = Files.readAllBytes(back.resolve("2024/recording.mp4"));
                    byte[] now = Files.readAllBytes(growing);
                    assertThat(stored.length).isLessThanOrEqualTo(now.length);
                    assertThat(java.util.Arrays.equals(stored, 0, stored.length, now, 0, stored.length)).isTrue();
                }
            } finally {
                stop.set(true);
            }
        }
    }
}
