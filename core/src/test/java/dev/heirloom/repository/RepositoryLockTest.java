package dev.heirloom.repository;

import dev.heirloom.Heirloom;
import dev.heirloom.TestProvider;
import dev.heirloom.Trees;
import dev.heirloom.tck.memory.InMemoryTarget;
import dev.heirloom.policy.Medium;
import dev.heirloom.policy.Site;
import dev.heirloom.retention.RetentionPolicy;
import dev.heirloom.source.MediaFilter;
import dev.heirloom.spi.StorageException;
import dev.heirloom.storage.ProviderRegistry;
import dev.heirloom.verify.VerifyLevel;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.URI;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class RepositoryLockTest {
    @TempDir
    Path tmp;

    private final InMemoryTarget store = new InMemoryTarget();

    private Heirloom heirloom(Path src) {
        return Heirloom.builder().source(src, MediaFilter.photosAndVideos())
                .registry(ProviderRegistry.of(new TestProvider("t", c -> store)))
                .target("usb", URI.create("t://usb"), Medium.EXTERNAL_DISK, Site.ONSITE)
                .retention("usb", RetentionPolicy.none().withLast(1)).host("this-host").build();
    }

    @Test
    void twoConcurrentBackupsBothCompleteAndTheRepositoryVerifiesClean() throws Exception {
        Path src = tmp.resolve("src");
        for (int i = 0; i < 200; i++) {
            Trees.write(src, "p/" + i + ".jpg", "photo " + i);
        }
        ExecutorService pool = Executors.newFixedThreadPool(2);
        List<Future<Boolean>> runs = new ArrayList<>();
        for (int i = 0; i < 2; i++) {
            Callable<Boolean> run = () -> {
                try (Heirloom h = heirloom(src)) {
                    return h.backup().succeeded();
                }
            };
            runs.add(pool.submit(run));
        }
        for (Future<Boolean> f : runs) {
            assertThat(f.get()).isTrue();
        }
        pool.shutdown();
        try (Heirloom h = heirloom(src)) {
            assertThat(h.snapshots("usb")).hasSize(2);
            assertThat(h.verify("usb", VerifyLevel.CONTENT, 100).clean()).isTrue();
        }
    }

    @Test
    void forgetWaitsForNoBackupAndSaysWhoHoldsTheLock() throws Exception {
        Path src = tmp.resolve("src");
        Trees.write(src, "a.jpg", "a");
        Repository repo = new Repository(store);
        try (Heirloom h = heirloom(src)) {
            h.backup();
            try (RepositoryLock backup = RepositoryLock.acquire(repo, false, "backup", "other-host", Clock.systemUTC())) {
                assertThatThrownBy(() -> h.forget("usb", false)).isInstanceOf(StorageException.class)
                        .hasMessageContaining("locked by backup on other-host");
                assertThat(h.forget("usb", true).forgotten()).as("a dry run needs no lock").isZero();
            }
            assertThat(h.forget("usb", false).forgotten()).isZero();
        }
    }

    @Test
    void aLockOfAProcessThatIsGoneFromThisHostIsRemovedByTheNextRun() throws Exception {
        Path src = tmp.resolve("src");
        Trees.write(src, "a.jpg", "a");
        Process gone = new ProcessBuilder("true").start();
        gone.waitFor();
        byte[] lock = ("{\"exclusive\":true,\"operation\":\"prune\",\"host\":\"this-host\",\"pid\":" + gone.pid()
                + ",\"time\":\"" + Instant.now() + "\"}").getBytes(java.nio.charset.StandardCharsets.UTF_8);
        store.write("locks/killed-prune.json", dev.heirloom.spi.ContentSource.ofBytes(lock),
                dev.heirloom.spi.WriteOptions.createIfAbsent(dev.heirloom.spi.Checksums.none()));
        try (Heirloom h = heirloom(src)) {
            assertThat(h.backup().succeeded()).as("a killed prune does not block the next backup").isTrue();
            assertThat(RepositoryLock.list(new Repository(store))).as("its lock is gone").isEmpty();
        }
    }

    @Test
    void aStaleLockBlocksUntilItIsRemovedExplicitly() throws Exception {
        Path src = tmp.resolve("src");
        Trees.write(src, "a.jpg", "a");
        Repository repo = new Repository(store);
        Clock past = Clock.fixed(Instant.parse("2020-01-01T00:00:00Z"), java.time.ZoneOffset.UTC);
        RepositoryLock crashed = RepositoryLock.acquire(repo, true, "prune", "this-host", past);
        try (Heirloom h = heirloom(src)) {
            assertThat(h.backup().targets().get(0).error()).get().asString()
                    .contains("stale lock", "prune on this-host", "heirloom unlock");
            assertThat(RepositoryLock.list(repo)).as("nothing is removed silently").hasSize(1);
            assertThat(h.unlock("usb")).singleElement().satisfies(l -> assertThat(l.info().operation()).isEqualTo("prune"));
            assertThat(h.backup().succeeded()).isTrue();
        }
        crashed.close();
    }

    /**
     * Two backups and a prune that start together: each writes its lock, then all read the others
     * at the same moment (a barrier in the listing makes the race certain). One side must win.
     */
    @Test
    void twoBackupsAndAPruneStartedTogetherDoNotAllGiveWay() throws Exception {
        for (int trial = 0; trial < 5; trial++) {
            InMemoryTarget raced = new InMemoryTarget();
            java.util.concurrent.CyclicBarrier allWritten = new java.util.concurrent.CyclicBarrier(3);
            InMemoryTarget listing = org.mockito.Mockito.spy(raced);
            java.util.Set<Thread> waited = java.util.concurrent.ConcurrentHashMap.newKeySet();
            org.mockito.Mockito.doAnswer(inv -> {
                if (inv.getArgument(0, String.class).startsWith("locks/") && waited.add(Thread.currentThread())) {
                    allWritten.await(10, java.util.concurrent.TimeUnit.SECONDS);
                }
                return inv.callRealMethod();
            }).when(listing).list(org.mockito.ArgumentMatchers.anyString(), org.mockito.ArgumentMatchers.any(),
                    org.mockito.ArgumentMatchers.anyInt());
            Repository repo = new Repository(listing);
            Clock clock = Clock.fixed(Instant.parse("2026-12-01T10:00:00Z"), java.time.ZoneOffset.UTC);
            ExecutorService pool = Executors.newFixedThreadPool(3);
            List<Future<String>> runs = new ArrayList<>();
            for (boolean exclusive : new boolean[] {false, false, true}) {
                runs.add(pool.submit(() -> {
                    try (RepositoryLock lock = RepositoryLock.acquire(repo, exclusive, exclusive ? "prune" : "backup",
                            "this-host", clock)) {
                        return exclusive ? "prune" : "backup";
                    } catch (RepositoryLockedException e) {
                        return "gave way";
                    }
                }));
            }
            List<String> outcomes = new ArrayList<>();
            for (Future<String> f : runs) {
                outcomes.add(f.get(30, java.util.concurrent.TimeUnit.SECONDS));
            }
            pool.shutdown();
            assertThat(outcomes).as("trial %d", trial).isNotEqualTo(List.of("gave way", "gave way", "gave way"));
            assertThat(outcomes.get(2).equals("prune") ? outcomes.subList(0, 2) : List.<String>of())
                    .as("a prune that won ran alone").allMatch("gave way"::equals);
            assertThat(raced.list("locks/", java.util.Optional.empty(), 10).objects()).as("no lock left").isEmpty();
        }
    }
}
