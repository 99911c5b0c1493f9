package dev.heirloom.schedule;

import dev.heirloom.Heirloom;
import dev.heirloom.MutableClock;
import dev.heirloom.TestProvider;
import dev.heirloom.Trees;
import dev.heirloom.backup.ProgressListener;
import dev.heirloom.tck.memory.InMemoryTarget;
import dev.heirloom.policy.Medium;
import dev.heirloom.policy.Policy;
import dev.heirloom.policy.Site;
import dev.heirloom.repository.Snapshot;
import dev.heirloom.source.MediaFilter;
import dev.heirloom.storage.ProviderRegistry;
import dev.heirloom.verify.VerifyLevel;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class JobSchedulerTest {
    @TempDir
    Path tmp;

    private final InMemoryTarget store = new InMemoryTarget();

    private Heirloom heirloom(Path src, Clock clock) {
        return Heirloom.builder().source(src, MediaFilter.photosAndVideos())
                .registry(ProviderRegistry.of(new TestProvider("t", c -> store)))
                .target("usb", URI.create("t://usb"), Medium.EXTERNAL_DISK, Site.ONSITE)
                .policy(new Policy(2, 2, 0)).clock(clock).build();
    }

    /** Records every outcome. */
    static final class Outcomes implements ScheduleListener {
        final List<JobOutcome> all = new CopyOnWriteArrayList<>();

        @Override
        public void finished(JobOutcome outcome) {
            all.add(outcome);
        }

        JobOutcome awaitCount(int n) throws InterruptedException {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (all.size() < n && System.nanoTime() < deadline) {
                Thread.sleep(20);
            }
            assertThat(all).as("outcomes so far").hasSizeGreaterThanOrEqualTo(n);
            return all.get(n - 1);
        }
    }

    @Test
    void aMissedNightlyBackupRunsOnceAtStartThenFollowsTheSchedule() throws Exception {
        Path src = Files.createDirectories(tmp.resolve("src"));
        Trees.write(src, "a.jpg", "photo a");
        Path state = tmp.resolve("schedule.json");
        MutableClock clock = new MutableClock(Instant.parse("2026-01-01T02:00:00Z"));
        try (Heirloom h = heirloom(src, clock)) {
            JobScheduler first = JobScheduler.builder(h).stateFile(state).job(ScheduledJob.backup(Schedule.cron("0 2 * * *"))).build();
            assertThat(first.runDue()).as("never run before: runs at once").containsExactly("backup");
            assertThat(first.runDue()).isEmpty();
        }
        // the laptop sleeps for four nights and a bit; a new process starts
        clock.set(Instant.parse("2026-01-05T12:00:00Z"));
        Trees.write(src, "b.jpg", "photo b");
        Outcomes outcomes = new Outcomes();
        try (Heirloom h = heirloom(src, clock)) {
            JobScheduler s = JobScheduler.builder(h).stateFile(state).listener(outcomes)
                    .job(ScheduledJob.backup(Schedule.cron("0 2 * * *"))).build();
            assertThat(s.runDue()).containsExactly("backup");
            assertThat(s.runDue()).as("four missed nights cost one run, not four").isEmpty();
            assertThat(outcomes.all).singleElement().satisfies(o -> {
                assertThat(o.reason()).isEqualTo("catch-up (4 missed)");
                assertThat(o.status()).isEqualTo(JobStatus.SUCCEEDED);
            });
            assertThat(h.snapshots("usb")).hasSize(2);
            assertThat(s.nextRun("backup")).contains(Instant.parse("2026-01-06T02:00:00Z"));

            clock.set(Instant.parse("2026-01-06T01:59:00Z"));
            assertThat(s.runDue()).isEmpty();
            clock.set(Instant.parse("2026-01-06T02:00:00Z"));
            assertThat(s.runDue()).containsExactly("backup");
            assertThat(outcomes.all.get(1).reason()).isEqualTo("schedule");
            assertThat(h.snapshots("usb")).hasSize(3);
        }
        assertThat(Files.readString(state)).contains("\"backup\" : \"2026-01-06T02:00:00Z\"");
    }

    @Test
    void jobsNeverRunTwiceAtOnceAndALongRunIsFollowedByOneCatchUp() throws Exception {
        Path src = Files.createDirectories(tmp.resolve("src"));
        MutableClock clock = new MutableClock(Instant.parse("2026-03-01T00:00:00Z"));
        AtomicInteger inside = new AtomicInteger();
        AtomicInteger most = new AtomicInteger();
        AtomicInteger runs = new AtomicInteger();
        CountDownLatch firstStarted = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        JobAction slow = h -> {
            int now = inside.incrementAndGet();
            most.accumulateAndGet(now, Math::max);
            runs.incrementAndGet();
            firstStarted.countDown();
            try {
                release.await(30, TimeUnit.SECONDS);
            } finally {
                inside.decrementAndGet();
            }
            return new JobResult(JobStatus.SUCCEEDED, "done");
        };
        Outcomes outcomes = new Outcomes();
        try (Heirloom h = heirloom(src, clock);
             JobScheduler s = JobScheduler.builder(h).listener(outcomes)
                     .job(new ScheduledJob("hourly", Schedule.every(Duration.ofHours(1)), slow))
                     .job(new ScheduledJob("other", Schedule.every(Duration.ofHours(1)), slow)).build()) {
            s.start();
            assertThat(firstStarted.await(10, TimeUnit.SECONDS)).isTrue();
            clock.advance(Duration.ofHours(3));
            assertThat(s.runDue()).as("another thread is running a job").isEmpty();
            s.trigger("hourly");
            Thread.sleep(300);
            assertThat(runs).hasValue(1);
            release.countDown();
            outcomes.awaitCount(3);
            Thread.sleep(300);
            // hourly (first run), other (first run), hourly once more (requested, which also
            // covers the missed hours); other's next hour comes after its own start
            assertThat(outcomes.all).extracting(JobOutcome::job).containsExactly("hourly", "other", "hourly");
            assertThat(most).as("at most one run at any time").hasValue(1);
        }
    }

    @Test
    void stoppingCancelsARunningBackupWhichWritesNoSnapshotAndRunsAgainNextTime() throws Exception {
        Path src = Files.createDirectories(tmp.resolve("src"));
        for (int i = 0; i < 400; i++) {
            Trees.write(src, "p/" + i + ".jpg", "photo " + i);
        }
        Path state = tmp.resolve("state.json");
        CountDownLatch walking = new CountDownLatch(1);
        ProgressListener slowWalk = new ProgressListener() {
            @Override
            public void fileFound(String path, long size) {
                walking.countDown();
                try {
                    Thread.sleep(20);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
        };
        Outcomes outcomes = new Outcomes();
        try (Heirloom h = heirloom(src, Clock.systemUTC())) {
            JobScheduler s = JobScheduler.builder(h).stateFile(state).listener(outcomes)
                    .job(new ScheduledJob("backup", Schedule.cron("0 2 * * *"), x -> {
                        x.backup(slowWalk);
                        return new JobResult(JobStatus.SUCCEEDED, "finished");
                    })).build().start();
            assertThat(walking.await(10, TimeUnit.SECONDS)).isTrue();
            long t0 = System.nanoTime();
            assertThat(s.stop()).as("stopped within the grace period").isTrue();
            assertThat(Duration.ofNanos(System.nanoTime() - t0)).isLessThan(Duration.ofSeconds(5));
            assertThat(outcomes.all).singleElement().satisfies(o -> assertThat(o.status()).isEqualTo(JobStatus.CANCELLED));
            assertThat(h.snapshots("usb")).as("no partial snapshot").isEmpty();
            assertThat(store.list("locks/", Optional.empty(), 100).objects()).as("locks released").isEmpty();
            assertThat(state).as("a cancelled run is not recorded").doesNotExist();

            JobScheduler again = JobScheduler.builder(h).stateFile(state).job(ScheduledJob.backup(Schedule.cron("0 2 * * *"))).build();
            assertThat(again.runDue()).containsExactly("backup");
            List<Snapshot> snaps = h.snapshots("usb");
            assertThat(snaps).singleElement().satisfies(sn -> assertThat(sn.files()).isEqualTo(400));
            assertThat(h.verify("usb", VerifyLevel.CONTENT, 100).clean()).isTrue();
        }
    }

    @Test
    void newPhotosInTheSourceStartOneBackupAfterAQuietPeriod() throws Exception {
        Path src = Files.createDirectories(tmp.resolve("src"));
        Trees.write(src, "old.jpg", "old photo");
        Outcomes outcomes = new Outcomes();
        try (Heirloom h = heirloom(src, Clock.systemUTC());
             JobScheduler s = JobScheduler.builder(h).listener(outcomes)
                     .job(ScheduledJob.backup(Schedule.cron("0 2 * * *")))
                     .watch("backup", Duration.ofMillis(400)).build().start()) {
            outcomes.awaitCount(1);
            assertThat(outcomes.all.get(0).reason()).isEqualTo("first run");
            // a phone import: a new folder and files trickling in
            for (int i = 0; i < 6; i++) {
                Trees.write(src, "import/IMG_" + i + ".jpg", "imported " + i);
                Thread.sleep(60);
            }
            JobOutcome watched = outcomes.awaitCount(2);
            assertThat(watched.reason()).isEqualTo("watch");
            assertThat(watched.status()).isEqualTo(JobStatus.SUCCEEDED);
            Thread.sleep(1000);
            assertThat(outcomes.all).as("one backup for the whole import").hasSize(2);
            Snapshot latest = h.snapshots("usb").stream().max(java.util.Comparator.comparing(Snapshot::time)).orElseThrow();
            assertThat(latest.files()).isEqualTo(7);
        }
    }

    @Test
    void schedulesAreCheckedWhenMade() {
        assertThatThrownBy(() -> Schedule.cron("0 25 * * *")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("0 25 * * *");
        assertThatThrownBy(() -> Schedule.parse("every 10 parsecs")).hasMessageContaining("6h");
        assertThatThrownBy(() -> Schedule.every(Duration.ofSeconds(5))).hasMessageContaining("one minute");
        assertThat(Schedule.parse("every 6h")).isEqualTo(Schedule.every(Duration.ofHours(6)));
        assertThat(Schedule.parse("30 3 * * 0").nextAfter(Instant.parse("2026-11-26T00:00:00Z"), java.time.ZoneOffset.UTC))
                .as("Sundays 03:30").contains(Instant.parse("2026-11-29T03:30:00Z"));
        assertThat(Schedule.parse("0 2 * * *").nextAfter(Instant.parse("2026-06-30T23:00:00Z"), java.time.ZoneId.of("Europe/Paris")))
                .as("02:00 local time").contains(Instant.parse("2026-07-01T00:00:00Z"));
    }
}
