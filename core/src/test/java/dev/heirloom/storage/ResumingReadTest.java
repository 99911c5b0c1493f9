package dev.heirloom.storage;

import dev.heirloom.repository.Repository;
import dev.heirloom.spi.Checksums;
import dev.heirloom.spi.ContentSource;
import dev.heirloom.spi.MultiDigest;
import dev.heirloom.spi.StorageTarget;
import dev.heirloom.spi.TargetUnavailableException;
import dev.heirloom.spi.WriteOptions;
import dev.heirloom.tck.memory.InMemoryTarget;
import org.junit.jupiter.api.Test;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.mockito.ArgumentMatchers.anyLong;
import static org.mockito.ArgumentMatchers.anyString;
import static org.mockito.Mockito.doAnswer;
import static org.mockito.Mockito.spy;

/** A read whose stream breaks midway goes on where it stopped instead of failing the tree, snapshot or object. */
class ResumingReadTest {
    private static final RetryPolicy QUICK = new RetryPolicy(4, Duration.ZERO, Duration.ZERO);

    /** Delivers {@code limit} bytes, then fails like a dropped connection. */
    private static InputStream breakingAfter(InputStream in, long limit, boolean unchecked) {
        return new FilterInputStream(in) {
            private long given;

            @Override
            public int read(byte[] b, int off, int len) throws IOException {
                if (given >= limit) {
                    if (unchecked) {
                        throw new TargetUnavailableException("connection lost", null);
                    }
                    throw new IOException("connection reset");
                }
                int n = super.read(b, off, (int) Math.min(len, limit - given));
                given += Math.max(0, n);
                return n;
            }
        };
    }

    /** A target whose first {@code breaks} reads break after 7 bytes; records the offsets asked for. */
    private static StorageTarget flaky(InMemoryTarget store, int breaks, boolean unchecked, List<Long> offsets) {
        InMemoryTarget spied = spy(store);
        AtomicInteger left = new AtomicInteger(breaks);
        doAnswer(inv -> {
            offsets.add(inv.getArgument(1, Long.class));
            InputStream real = (InputStream) inv.callRealMethod();
            return left.getAndDecrement() > 0 ? breakingAfter(real, 7, unchecked) : real;
        }).when(spied).read(anyString(), anyLong(), anyLong());
        return spied;
    }

    @Test
    void aBrokenStreamIsReopenedAfterWhatItDelivered() throws Exception {
        InMemoryTarget store = new InMemoryTarget();
        byte[] bytes = "twenty-nine bytes of a photo.".getBytes(StandardCharsets.UTF_8);
        store.write("objects/x", ContentSource.ofBytes(bytes), WriteOptions.replace(Checksums.none()));
        List<Long> offsets = new ArrayList<>();
        StorageTarget retrying = new RetryingTarget(flaky(store, 2, false, offsets), QUICK, "t", millis -> { });
        try (InputStream in = retrying.read("objects/x", 0, -1)) {
            assertThat(in.readAllBytes()).isEqualTo(bytes);
        }
        assertThat(offsets).containsExactly(0L, 7L, 14L);
    }

    @Test
    void aTreeReadCutByATransientErrorIsReadToTheEnd() {
        InMemoryTarget store = new InMemoryTarget();
        byte[] tree = "{\"entries\":[],\"version\":1}".getBytes(StandardCharsets.UTF_8);
        String hash = MultiDigest.sha256Hex(tree);
        new Repository(store).trees().put(hash, tree);
        List<Long> offsets = new ArrayList<>();
        Repository repo = new Repository(new RetryingTarget(flaky(store, 1, true, offsets), QUICK, "t", millis -> { }));
        assertThat(repo.trees().get(hash).entries()).isEmpty();
        assertThat(offsets).containsExactly(0L, 7L);
    }

    @Test
    void aStreamThatKeepsBreakingFailsAfterTheTriesAllowed() {
        InMemoryTarget store = new InMemoryTarget();
        store.write("objects/y", ContentSource.ofBytes(new byte[100]), WriteOptions.replace(Checksums.none()));
        StorageTarget retrying = new RetryingTarget(flaky(store, 100, false, new ArrayList<>()), QUICK, "t", millis -> { });
        assertThatThrownBy(() -> {
            try (InputStream in = retrying.read("objects/y", 0, -1)) {
                in.readAllBytes();
            }
        }).isInstanceOf(IOException.class).hasMessage("connection reset");
    }
}
