package dev.heirloom.restore;

import dev.heirloom.spi.SparseFileWriter;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;

/** Whatever the mix of zeros and data and however the writes are cut, the file holds the same bytes. */
class SparseFileWriterTest {
    @TempDir
    Path tmp;

    @Test
    void anyMixOfZerosAndDataWrittenInAnyPiecesReadsBackTheSame() throws Exception {
        Random random = new Random(64);
        for (int round = 0; round < 200; round++) {
            byte[] content = new byte[random.nextInt(600_000)];
            for (int at = 0; at < content.length; ) {
                int run = 1 + random.nextInt(200_000);
                if (random.nextBoolean()) {
                    for (int i = at; i < Math.min(content.length, at + run); i++) {
                        content[i] = (byte) (1 + random.nextInt(255));
                    }
                }
                at += run;
            }
            Path file = tmp.resolve("f" + round);
            try (SparseFileWriter out = new SparseFileWriter(file)) {
                for (int at = 0; at < content.length; ) {
                    int n = Math.min(content.length - at, 1 + random.nextInt(150_000));
                    out.write(content, at, n);
                    at += n;
                }
            }
            assertThat(Files.readAllBytes(file)).as("round %d, %d bytes", round, content.length).isEqualTo(content);
        }
    }
}
