package dev.heirloom.storage;

import dev.heirloom.tck.memory.InMemoryTarget;
import dev.heirloom.tck.memory.InMemoryTargetProvider;
import dev.heirloom.spi.Capabilities;
import dev.heirloom.spi.Checksums;
import dev.heirloom.spi.ContentSource;
import dev.heirloom.spi.InvalidConfigException;
import dev.heirloom.spi.ObjectExistsException;
import dev.heirloom.spi.ObjectInfo;
import dev.heirloom.spi.OptionSpec;
import dev.heirloom.spi.StorageException;
import dev.heirloom.spi.StorageTarget;
import dev.heirloom.spi.StorageTargetProvider;
import dev.heirloom.spi.TargetConfig;
import dev.heirloom.spi.TargetUnavailableException;
import dev.heirloom.spi.WriteOptions;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.ArgumentMatchers.anyString;
import static org.mockito.Mockito.doAnswer;
import static org.mockito.Mockito.doThrow;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.spy;
import static org.mockito.Mockito.times;
import static org.mockito.Mockito.verify;
import static org.mockito.Mockito.when;

class DecoratorsAndRegistryTest {
    private final List<Long> sleeps = new ArrayList<>();
    private final RetryPolicy policy = new RetryPolicy(4, Duration.ofMillis(100), Duration.ofMillis(250));

    private RetryingTarget retrying(StorageTarget t) {
        return new RetryingTarget(t, policy, "t", sleeps::add);
    }

    @Test
    void transientErrorsAreRetriedWithBoundedBackoff() {
        StorageTarget t = mock(StorageTarget.class);
        when(t.stat("k"))
                .thenThrow(new TargetUnavailableException("reset", null))
                .thenThrow(new TargetUnavailableException("reset", null))
                .thenReturn(Optional.of(ObjectInfo.of("k", 1)));
        assertThat(retrying(t).stat("k")).isPresent();
        verify(t, times(3)).stat("k");
        assertThat(sleeps).hasSize(2).allSatisfy(ms -> assertThat(ms).isBetween(0L, 250L));
    }

    @Test
    void permanentErrorsAreNotRetried() {
        StorageTarget t = mock(StorageTarget.class);
        when(t.stat("k")).thenThrow(new StorageException("permission denied"));
        assertThatThrownBy(() -> retrying(t).stat("k")).hasMessageContaining("permission denied");
        verify(t, times(1)).stat("k");
        assertThat(sleeps).isEmpty();
    }

    @Test
    void retriesStopAfterMaxAttempts() {
        StorageTarget t = mock(StorageTarget.class);
        when(t.stat("k")).thenThrow(new TargetUnavailableException("down", null));
        assertThatThrownBy(() -> retrying(t).stat("k")).isInstanceOf(TargetUnavailableException.class);
        verify(t, times(4)).stat("k");
    }

    @Test
    void aRetriedIfAbsentWriteThatHadLandedSucceeds() {
        InMemoryTarget real = spy(new InMemoryTarget());
        AtomicInteger calls = new AtomicInteger();
        doAnswer(inv -> {
            Object result = inv.callRealMethod();
            if (calls.incrementAndGet() == 1) {
                throw new TargetUnavailableException("connection reset after the upload landed", null);
            }
            return result;
        }).when(real).write(anyString(), any(), any());
        byte[] content = "abc".getBytes();
        ObjectInfo info = retrying(real).write("k", ContentSource.ofBytes(content), WriteOptions.createIfAbsent(Checksums.none()));
        assertThat(info.size()).isEqualTo(3);
    }

    @Test
    void aRetriedIfAbsentWriteFindingOtherContentFails() {
        InMemoryTarget real = spy(new InMemoryTarget());
        real.write("k", ContentSource.ofBytes("other!".getBytes()), WriteOptions.replace(Checksums.none()));
        doThrow(new TargetUnavailableException("flaky", null)).doCallRealMethod().when(real).write(anyString(), any(), any());
        assertThatThrownBy(() -> retrying(real).write("k", ContentSource.ofBytes("abc".getBytes()),
                WriteOptions.createIfAbsent(Checksums.none()))).isInstanceOf(ObjectExistsException.class);
    }

    @Test
    void concurrencyIsLimitedToTheDeclaredMaximum() throws Exception {
        AtomicInteger now = new AtomicInteger();
        AtomicInteger peak = new AtomicInteger();
        StorageTarget slow = mock(StorageTarget.class);
        when(slow.capabilities()).thenReturn(Capabilities.builder().maxConcurrency(2).build());
        when(slow.stat(anyString())).thenAnswer(inv -> {
            peak.accumulateAndGet(now.incrementAndGet(), Math::max);
            Thread.sleep(20);
            now.decrementAndGet();
            return Optional.empty();
        });
        StorageTarget limited = new ConcurrencyLimitedTarget(slow);
        ExecutorService pool = Executors.newFixedThreadPool(8);
        for (int i = 0; i < 24; i++) {
            pool.submit(() -> limited.stat("k"));
        }
        pool.shutdown();
        assertThat(pool.awaitTermination(30, TimeUnit.SECONDS)).isTrue();
        assertThat(peak.get()).isEqualTo(2);
    }

    @Test
    void providersThatRetryThemselvesGetNoSecondRetryLayer() {
        StorageTarget sdk = mock(StorageTarget.class);
        when(sdk.capabilities()).thenReturn(Capabilities.builder().retriesInternally(true).build());
        assertThat(TargetDecorators.standard(sdk, RetryPolicy.defaults(), "x")).isInstanceOf(ConcurrencyLimitedTarget.class);
        StorageTarget plain = mock(StorageTarget.class);
        when(plain.capabilities()).thenReturn(Capabilities.builder().build());
        assertThat(TargetDecorators.standard(plain, RetryPolicy.defaults(), "x")).isInstanceOf(RetryingTarget.class);
    }

    private static StorageTargetProvider provider(String scheme, OptionSpec... options) {
        return new StorageTargetProvider() {
            @Override
            public String scheme() {
                return scheme;
            }

            @Override
            public List<OptionSpec> options() {
                return List.of(options);
            }

            @Override
            public StorageTarget open(TargetConfig config) {
                return new InMemoryTarget();
            }
        };
    }

    @Test
    void theInMemoryTestTargetIsNeverFoundByServiceLoader() {
        // core and the TCK register no provider: mem:// exists only where a test registers it
        assertThat(ProviderRegistry.load().schemes()).doesNotContain("mem").isEmpty();
        assertThat(ProviderRegistry.of(new InMemoryTargetProvider()).schemes()).containsExactly("mem");
    }

    @Test
    void twoProvidersForOneSchemeFailFast() {
        assertThatThrownBy(() -> ProviderRegistry.of(provider("x"), provider("X")))
                .isInstanceOf(InvalidConfigException.class).hasMessageContaining("two storage providers for scheme 'x'");
        assertThatThrownBy(() -> ProviderRegistry.of(new InMemoryTargetProvider()).with(new InMemoryTargetProvider()))
                .isInstanceOf(InvalidConfigException.class);
    }

    @Test
    void anUnknownSchemeNamesTheArtifactToAdd() {
        assertThatThrownBy(() -> ProviderRegistry.of().provider("gs"))
                .isInstanceOf(InvalidConfigException.class).hasMessageContaining("dev.heirloom:heirloom-provider-gcs");
        assertThatThrownBy(() -> ProviderRegistry.of().provider("sftp")).hasMessageContaining("heirloom-provider-sftp");
        assertThatThrownBy(() -> ProviderRegistry.of().provider("weird")).hasMessageContaining("third-party");
    }

    @Test
    void explicitRegistrationAndOptionChecking() {
        ProviderRegistry r = ProviderRegistry.of().with(provider("custom",
                new OptionSpec("token", "access token", true, true), OptionSpec.optional("region", "where")));
        assertThat(r.open(new TargetConfig(URI.create("custom://b"), Map.of("token", "s3cr3t")))).isNotNull();
        assertThatThrownBy(() -> r.open(TargetConfig.of(URI.create("custom://b"))))
                .isInstanceOf(InvalidConfigException.class).hasMessageContaining("'token' is required");
        assertThatThrownBy(() -> r.open(new TargetConfig(URI.create("custom://b"), Map.of("token", "s3cr3t", "tokn", "x"))))
                .isInstanceOf(InvalidConfigException.class).hasMessageContaining("unknown option 'tokn'")
                .message().doesNotContain("s3cr3t");
    }

    @Test
    void targetConfigNeverPrintsOptionValues() {
        TargetConfig c = new TargetConfig(URI.create("custom://b"), Map.of("password", "hunter2"));
        assertThat(c.toString()).contains("password").doesNotContain("hunter2");
    }
}
