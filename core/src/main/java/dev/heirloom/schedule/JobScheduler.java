package dev.heirloom.schedule;

import dev.heirloom.Heirloom;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CancellationException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Runs a {@link Heirloom}'s jobs unattended.
 *
 * <ul>
 *   <li>A job is due when its schedule fires after the start of its last run. A job that has
 *       never run (no entry in the state file) is due at once. Runs missed while the process was
 *       down or the computer asleep are caught up <em>once</em>, not once per missed time.</li>
 *   <li>Jobs run one at a time, in the order given, on one thread: a job never overlaps itself
 *       or another job (so a backup and a prune never fight over the repository lock). A run
 *       longer than its interval is followed by one catch-up run, not a pile.</li>
 *   <li>{@link Builder#watch} starts a job when the source stops changing for a quiet period.</li>
 *   <li>{@link #close()} stops: no new run starts, the running one is cancelled through
 *       {@link Heirloom#cancel()} (a cancelled backup writes no snapshot and releases its locks)
 *       and awaited for the grace period. A cancelled run is not recorded, so it runs again at
 *       the next start.</li>
 * </ul>
 *
 * <p>{@link #start()} runs the jobs on a background thread; {@link #runDue()} runs what is due
 * now on the calling thread, for applications with their own loop and for tests with a
 * hand-moved clock.
 */
public final class JobScheduler implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(JobScheduler.class);
    private static final Duration MAX_SLEEP = Duration.ofMinutes(1);

    private final Heirloom heirloom;
    private final Map<String, ScheduledJob> jobs;
    private final List<String> order;
    private final Clock clock;
    private final LastRuns lastRuns;
    private final ScheduleListener listener;
    private final Map<String, Duration> watches;
    private final Duration stopGrace;
    private final Set<String> requested = ConcurrentHashMap.newKeySet();
    private final ReentrantLock running = new ReentrantLock();
    private final Object wake = new Object();
    private final List<SourceWatcher> watchers = new ArrayList<>();
    private volatile boolean stopping;
    private volatile Thread driver;

    private JobScheduler(Builder b) {
        this.heirloom = b.heirloom;
        this.jobs = Map.copyOf(b.jobs);
        this.clock = b.clock != null ? b.clock : heirloom.clock();
        this.lastRuns = new LastRuns(b.stateFile);
        this.listener = b.listener;
        this.watches = Map.copyOf(b.watches);
        this.stopGrace = b.stopGrace;
        this.order = List.copyOf(b.jobs.keySet());
    }

    /** Starts a scheduler for this backup configuration. */
    public static Builder builder(Heirloom heirloom) {
        return new Builder(heirloom);
    }

    /**
     * Starts the background thread (and the source watchers). Returns at once; due jobs, including
     * missed ones, start right away.
     *
     * @throws IllegalStateException when already started or closed
     */
    public synchronized JobScheduler start() {
        if (driver != null || stopping) {
            throw new IllegalStateException("a scheduler starts once");
        }
        for (Map.Entry<String, Duration> w : watches.entrySet()) {
            try {
                watchers.add(new SourceWatcher(heirloom.source().root(), w.getValue(), () -> trigger(w.getKey())));
            } catch (IOException e) {
                throw new UncheckedIOException("cannot watch " + heirloom.source().root() + ": " + e.getMessage(), e);
            }
        }
        Thread t = new Thread(this::loop, "heirloom-scheduler");
        t.setDaemon(true);
        driver = t;
        t.start();
        LOG.info("scheduler started: {}", describe());
        return this;
    }

    /** The jobs and their schedules, for a start-up line. */
    public String describe() {
        List<String> parts = new ArrayList<>();
        for (String name : order) {
            ScheduledJob j = jobs.get(name);
            parts.add(name + " " + j.schedule() + (watches.containsKey(name) ? " and on changes (quiet "
                    + Durations.format(watches.get(name)) + ")" : "") + nextRun(name).map(n -> ", next " + n.truncatedTo(ChronoUnit.SECONDS)).orElse(""));
        }
        return String.join("; ", parts);
    }

    private void loop() {
        while (!stopping) {
            try {
                runDue();
            } catch (RuntimeException e) {
                LOG.error("scheduler: {}", e.getMessage(), e);
            }
            long sleep = MAX_SLEEP.toMillis();
            Instant now = clock.instant();
            for (String name : order) {
                Optional<Instant> next = nextRun(name);
                if (next.isPresent()) {
                    sleep = Math.min(sleep, Math.max(0, Duration.between(now, next.get()).toMillis()));
                }
            }
            synchronized (wake) {
                if (!stopping && requested.isEmpty() && sleep > 0) {
                    try {
                        wake.wait(sleep);
                    } catch (InterruptedException e) {
                        return;
                    }
                }
            }
        }
    }

    /**
     * Runs every job that is due now, one after another, on the calling thread.
     *
     * @return the names of the jobs run; empty when none was due, the scheduler is stopping, or
     *         another thread is running jobs right now (runs never overlap)
     */
    public List<String> runDue() {
        if (!running.tryLock()) {
            return List.of();
        }
        try {
            List<String> ran = new ArrayList<>();
            for (String name : order) {
                if (stopping) {
                    break;
                }
                Instant now = clock.instant();
                Optional<String> reason = dueReason(name, now);
                if (reason.isPresent()) {
                    runOne(jobs.get(name), reason.get());
                    ran.add(name);
                }
            }
            return ran;
        } finally {
            running.unlock();
        }
    }

    /** Asks for a run of the job as soon as the scheduler is free, whatever its schedule says. */
    public void trigger(String job) {
        if (!jobs.containsKey(job)) {
            throw new IllegalArgumentException("no job named " + job);
        }
        requested.add(job);
        synchronized (wake) {
            wake.notifyAll();
        }
    }

    /** When the job is next due by its schedule (in the past when it is due now). */
    public Optional<Instant> nextRun(String job) {
        ScheduledJob j = Objects.requireNonNull(jobs.get(job), () -> "no job named " + job);
        Optional<Instant> last = lastRuns.get(job);
        return last.isEmpty() ? Optional.of(clock.instant()) : j.schedule().nextAfter(last.get(), clock.getZone());
    }

    private Optional<String> dueReason(String name, Instant now) {
        if (requested.contains(name)) {
            return Optional.of(watches.containsKey(name) ? "watch" : "requested");
        }
        ScheduledJob job = jobs.get(name);
        Optional<Instant> last = lastRuns.get(name);
        if (last.isEmpty()) {
            return Optional.of("first run");
        }
        Optional<Instant> next = job.schedule().nextAfter(last.get(), clock.getZone());
        if (next.isEmpty() || next.get().isAfter(now)) {
            return Optional.empty();
        }
        int missed = 1;
        Optional<Instant> after = job.schedule().nextAfter(next.get(), clock.getZone());
        while (after.isPresent() && !after.get().isAfter(now) && missed < 1000) {
            missed++;
            after = job.schedule().nextAfter(after.get(), clock.getZone());
        }
        return Optional.of(missed == 1 ? "schedule" : "catch-up (" + missed + " missed)");
    }

    private void runOne(ScheduledJob job, String reason) {
        requested.remove(job.name());
        Instant started = clock.instant();
        LOG.info("{}: starting ({})", job.name(), reason);
        listener.started(job.name(), reason, started);
        JobResult result;
        try {
            result = Objects.requireNonNull(job.action().run(heirloom), "a job action returned no result");
        } catch (CancellationException e) {
            result = new JobResult(JobStatus.CANCELLED, e.getMessage() == null ? "cancelled" : e.getMessage());
        } catch (Exception e) {
            result = new JobResult(JobStatus.FAILED, e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage());
        }
        Instant finished = clock.instant();
        if (result.status() != JobStatus.CANCELLED) {
            lastRuns.record(job.name(), started);
        }
        switch (result.status()) {
            case SUCCEEDED -> LOG.info("{}: {}", job.name(), result.summary());
            case WARNING, CANCELLED -> LOG.warn("{}: {}: {}", job.name(), result.status(), result.summary());
            case FAILED -> LOG.error("{}: FAILED: {}", job.name(), result.summary());
        }
        listener.finished(new JobOutcome(job.name(), reason, started, finished, result.status(), result.summary()));
    }

    /**
     * Stops: no new run starts, the running one is asked to cancel and awaited for the stop grace
     * period (default 60 s). Safe to call more than once and from a shutdown hook.
     *
     * @return whether no run is still going on
     */
    public boolean stop() {
        stopping = true;
        synchronized (wake) {
            wake.notifyAll();
        }
        watchers.forEach(SourceWatcher::close);
        long deadline = System.nanoTime() + stopGrace.toNanos();
        while (running.isLocked() && System.nanoTime() < deadline) {
            heirloom.cancel();
            try {
                Thread.sleep(50);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        Thread t = driver;
        if (t != null && t != Thread.currentThread()) {
            try {
                t.join(Math.max(1, (deadline - System.nanoTime()) / 1_000_000));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        boolean idle = !running.isLocked();
        if (!idle) {
            LOG.warn("scheduler stopped while a run was still going on");
        }
        return idle;
    }

    /** Same as {@link #stop()}; does not close the {@link Heirloom}. */
    @Override
    public void close() {
        stop();
    }

    /** Configures a {@link JobScheduler}. */
    public static final class Builder {
        private final Heirloom heirloom;
        private final Map<String, ScheduledJob> jobs = new LinkedHashMap<>();
        private final Map<String, Duration> watches = new LinkedHashMap<>();
        private Clock clock;
        private Path stateFile;
        private ScheduleListener listener = new ScheduleListener() {
        };
        private Duration stopGrace = Duration.ofSeconds(60);

        private Builder(Heirloom heirloom) {
            this.heirloom = Objects.requireNonNull(heirloom, "heirloom");
        }

        /** Adds a job; jobs due at the same time run in the order added. */
        public Builder job(ScheduledJob job) {
            if (jobs.putIfAbsent(job.name(), job) != null) {
                throw new IllegalArgumentException("two jobs are named " + job.name());
            }
            return this;
        }

        /**
         * Also runs the named job (usually the backup) once the source folder has not changed for
         * {@code quiet} after a change: new photos are protected minutes after an import.
         */
        public Builder watch(String job, Duration quiet) {
            if (quiet.isNegative() || quiet.isZero()) {
                throw new IllegalArgumentException("the quiet period must be positive");
            }
            watches.put(job, quiet);
            return this;
        }

        /** Time source for schedules; default: the {@link Heirloom}'s clock. */
        public Builder clock(Clock value) {
            this.clock = value;
            return this;
        }

        /**
         * Where the last run of each job is kept, so missed runs are caught up after a restart.
         * Without it, every start counts as a first run.
         */
        public Builder stateFile(Path value) {
            this.stateFile = value;
            return this;
        }

        /** Hears each run's start and outcome. */
        public Builder listener(ScheduleListener value) {
            this.listener = Objects.requireNonNull(value, "listener");
            return this;
        }

        /** How long {@link JobScheduler#stop()} waits for a cancelled run to wind down; default 60 s. */
        public Builder stopGrace(Duration value) {
            this.stopGrace = Objects.requireNonNull(value, "stopGrace");
            return this;
        }

        /**
         * @throws IllegalArgumentException without jobs, or when a watch names no job
         * @throws dev.heirloom.spi.InvalidConfigException when the state file cannot be read
         */
        public JobScheduler build() {
            if (jobs.isEmpty()) {
                throw new IllegalArgumentException("a scheduler needs at least one job");
            }
            for (String w : watches.keySet()) {
                if (!jobs.containsKey(w)) {
                    throw new IllegalArgumentException("watch names no job: " + w);
                }
            }
            return new JobScheduler(this);
        }
    }
}
