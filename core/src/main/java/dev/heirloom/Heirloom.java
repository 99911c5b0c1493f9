package dev.heirloom;

import dev.heirloom.progress.OperationProgress;
import dev.heirloom.backup.BackupEngine;
import dev.heirloom.backup.ProgressListener;
import dev.heirloom.backup.TargetResult;
import dev.heirloom.plan.CopyPlan;
import dev.heirloom.plan.TargetPlan;
import dev.heirloom.policy.ComplianceReport;
import dev.heirloom.policy.Medium;
import dev.heirloom.policy.Placement;
import dev.heirloom.policy.Policy;
import dev.heirloom.policy.Site;
import dev.heirloom.repository.Repository;
import dev.heirloom.repository.RepositoryLock;
import dev.heirloom.retention.ForgetReport;
import dev.heirloom.retention.Forgetter;
import dev.heirloom.retention.PruneReport;
import dev.heirloom.retention.Pruner;
import dev.heirloom.retention.RetentionPolicy;
import dev.heirloom.repository.Snapshot;
import dev.heirloom.restore.RestoreOptions;
import dev.heirloom.restore.RestoreReport;
import dev.heirloom.restore.Restorer;
import dev.heirloom.source.MediaFilter;
import dev.heirloom.source.SourceSpec;
import dev.heirloom.spi.InvalidConfigException;
import dev.heirloom.spi.StorageException;
import dev.heirloom.storage.ProviderRegistry;
import dev.heirloom.verify.RepairReport;
import dev.heirloom.verify.Repairer;
import dev.heirloom.verify.Verifier;
import dev.heirloom.verify.VerifyLevel;
import dev.heirloom.verify.VerifyReport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.net.InetAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * A configured backup: one source, its targets and a policy. Opens targets when first needed and
 * keeps them open until {@link #close()}. A target that cannot be opened fails alone: the others
 * still run. Methods are not meant to run concurrently on one instance.
 *
 * <pre>{@code
 * try (Heirloom h = Heirloom.builder()
 *         .source(Path.of("/home/ann/Pictures"), MediaFilter.photosAndVideos())
 *         .target("usb", URI.create("file:///media/usb/heirloom"), Medium.EXTERNAL_DISK, Site.ONSITE)
 *         .policy(Policy.threeTwoOne())
 *         .build()) {
 *     BackupReport report = h.backup(ProgressListener.NONE);
 * }
 * }</pre>
 */
public final class Heirloom implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(Heirloom.class);

    private final SourceSpec source;
    private final List<TargetSpec> targets;
    private final Policy policy;
    private final int threads;
    private final long smallFileLimit;
    private final int rehashPercent;
    private final int maxShrinkPercent;
    private final List<String> restoreOrder;
    private final Map<String, RetentionPolicy> retention;
    private final Map<String, dev.heirloom.repository.Encryption> encryption;
    private final VerifyLevel requiredLevel;
    private final Duration requiredAge;
    private final Clock clock;
    private final String host;
    private final OpenTargets open;
    private final RunningOperation running = new RunningOperation();

    private Heirloom(Builder b) {
        this.source = b.source;
        this.targets = List.copyOf(b.targets.values());
        this.policy = b.policy;
        this.threads = b.threads;
        this.smallFileLimit = b.smallFileLimit;
        this.rehashPercent = b.rehashPercent;
        this.maxShrinkPercent = b.maxShrinkPercent;
        for (String name : b.restoreOrder) {
            if (!b.targets.containsKey(name)) {
                throw new InvalidConfigException("restore order names '" + name + "', which is not a configured target; "
                        + "configured: " + b.targets.keySet());
            }
        }
        this.restoreOrder = List.copyOf(b.restoreOrder);
        this.retention = Map.copyOf(b.retention);
        this.requiredLevel = b.requiredLevel;
        this.requiredAge = b.requiredAge;
        this.clock = b.clock;
        this.host = b.host != null ? b.host : localHost();
        requireTargets(b, b.bandwidthPerTarget.keySet(), "a bandwidth limit");
        requireTargets(b, b.encryption.keySet(), "an encryption setting");
        requireTargets(b, b.immutability.keySet(), "an immutableDays setting");
        this.encryption = Map.copyOf(b.encryption);
        this.open = new OpenTargets(targets, b.registry != null ? b.registry : ProviderRegistry.load(), b.retryPolicy,
                b.source.root(), new dev.heirloom.storage.BandwidthLimits(b.bandwidth, b.bandwidthPerTarget),
                this.encryption, Map.copyOf(b.immutability), clock);
    }

    /** Refuses a per-target setting that names no configured target. */
    private static void requireTargets(Builder b, java.util.Set<String> named, String what) {
        for (String name : named) {
            if (!b.targets.containsKey(name)) {
                throw new InvalidConfigException(what + " names '" + name + "', which is not a configured target");
            }
        }
    }

    /** A builder with no source, targets or policy yet. */
    public static Builder builder() {
        return new Builder();
    }

    /** The folder backed up, and which files of it. */
    public SourceSpec source() {
        return source;
    }

    /** The configured targets, in configuration order. */
    public List<TargetSpec> targets() {
        return targets;
    }

    /** The copy policy every report is judged by. */
    public Policy policy() {
        return policy;
    }

    /** Why the configured targets can never meet the policy; empty when they can. */
    public List<String> whyPolicyUnreachable() {
        List<Placement> places = new ArrayList<>();
        places.add(sourcePlacement());
        targets.forEach(t -> places.add(t.placement().withLocked(open.canLock(t.name()))));
        return policy.whyUnreachable(places);
    }

    /** Backs up without progress reporting. */
    public BackupReport backup() {
        return backup(ProgressListener.NONE);
    }

    /**
     * Backs the source up to every target. Targets that cannot be opened or fail midway get no
     * snapshot and are named in the report; the others complete.
     */
    public BackupReport backup(ProgressListener listener) {
        return backup(listener, rehashPercent);
    }

    /**
     * Backs up, also reading again this share of the files that look unchanged (100: all) to catch
     * silent corruption in the source; see {@link BackupReport#suspectedBitRot()}.
     */
    public BackupReport backup(ProgressListener listener, int rehashPercent) {
        List<String> unreachable = whyPolicyUnreachable();
        if (!unreachable.isEmpty()) {
            LOG.warn("policy {} cannot be met by the configured targets: {}", policy, unreachable);
        }
        AtomicBoolean cancelled = running.begin();
        BackupEngine.Result result;
        List<TargetResult> results;
        try (BackupWiring wiring = new BackupWiring(targets, open, true, host, clock, listener)) {
            result = new BackupEngine(source, wiring.destinations, new BackupEngine.Options(threads, smallFileLimit, false,
                    host, clock, rehashPercent, cancelled::get, maxShrinkPercent), listener).run();
            results = wiring.results(result.targets());
        } finally {
            running.end(cancelled);
        }
        // the source was just walked for the snapshot: it counts for every file, but not for one whose
        // bytes are suspected of bit rot (then the source is looked at file by file)
        String trusted = result.suspectFiles() == 0 ? result.snapshotId() : null;
        return new BackupReport(result.snapshotId(), result.started(), result.finished(), result.stats(), results,
                result.problems(), result.problemCount(), statusCheck().run(open, trusted).compliance(),
                result.suspects(), result.refused());
    }

    /** Works out what a backup would copy, reading new files to hash them but writing nothing. */
    public CopyPlan plan() {
        BackupWiring wiring = new BackupWiring(targets, open, false, host, clock, ProgressListener.NONE);
        BackupEngine.Result result = new BackupEngine(source, wiring.destinations,
                new BackupEngine.Options(threads, smallFileLimit, true, host, clock, rehashPercent), ProgressListener.NONE).run();
        List<TargetPlan> plans = new ArrayList<>();
        for (TargetResult r : wiring.results(result.targets())) {
            plans.add(new TargetPlan(r.name(), r.objectsWritten(), r.bytesWritten(), r.objectsPresent(), r.treesWritten(),
                    r.error()));
        }
        return new CopyPlan(policy.toString(), whyPolicyUnreachable(), result.stats().files(), result.stats().bytes(),
                result.stats().filesRead(), plans, open.notes());
    }

    /** Checks the policy against what the targets' latest snapshots hold. */
    public ComplianceReport compliance() {
        return status().compliance();
    }

    /** Each target's latest snapshot and the compliance of the newest one. */
    public StatusReport status() {
        return statusCheck().run(open);
    }

    /**
     * The photo-aware report: the policy's verdict in plain words, each target's state and history,
     * the photos and videos per capture month with their fewest copies, the files at risk and what
     * to do next. Counts as {@link #status()} does (reading every target's trees of the newest
     * snapshot and looking at the source); render it with {@link dev.heirloom.report.HtmlReport}.
     */
    public dev.heirloom.report.PhotoReport report() {
        StatusCheck check = statusCheck();
        LibraryTally tally = new LibraryTally(policy, targets.stream().map(TargetSpec::name).toList());
        StatusReport status = check.run(open, null, tally);
        java.util.Map<String, List<Snapshot>> histories = new java.util.HashMap<>();
        for (TargetStatus t : status.targets()) {
            if (t.error().isEmpty()) {
                try {
                    histories.put(t.spec().name(), repository(t.spec().name()).snapshots().stream()
                            .filter(s -> s.source().equals(source.label())).toList());
                } catch (dev.heirloom.spi.StorageException e) {
                    // its card shows the latest snapshot alone
                }
            }
        }
        return PhotoReportBuilder.build(source.label(), status, tally, histories, check::meetsRequirement, clock.instant());
    }

    /**
     * Verifies that every object the target's snapshots name is still there ({@link VerifyLevel#PRESENT})
     * or still intact ({@link VerifyLevel#CONTENT}, optionally a rotating sample of it).
     *
     * @param samplePercent share of objects read this run for the content level, 1 to 100
     */
public VerifyReport verify(String target, VerifyLevel level, int samplePercent) {
        return verify(target, level, samplePercent, OperationProgress.NONE);
    }

    /** As {@link #verify(String, VerifyLevel, int)}, telling {@code progress} how far it has come. */
        public VerifyReport verify(String target, VerifyLevel level, int samplePercent, OperationProgress progress) {
        Repository repo = repository(target);
        AtomicBoolean cancelled = running.begin();
        Optional<RepositoryLock> lock = Optional.empty();
        try {
            // verify only reads objects: a read-only medium is verified without a lock (and without its record)
            lock = RepositoryLock.acquireForReading(repo, "verify", host, clock);
            return new Verifier(target, repo, new Verifier.Options(level, samplePercent, threads, clock, cancelled::get)).run(progress);
        } finally {
            lock.ifPresent(RepositoryLock::close);
            running.end(cancelled);
        }
    }

    /**
     * Removes the locks on a target that are stale (their process is gone, or they were not
     * refreshed for {@link RepositoryLock#STALE_AFTER}); live locks are left alone.
     *
     * @return the locks removed
     */
    public List<RepositoryLock.Held> unlock(String target) {
        return RepositoryLock.breakStale(repository(target), host, clock);
    }

    /**
     * Verifies a target at the given level and copies every missing or damaged object back from
     * the source folder or from another target that holds it intact. A verification lists a
     * bounded number of damaged objects; when there are more, the target is verified and repaired
     * again until nothing is left or a round heals nothing (the report then says how many remain).
     * Holds a shared lock, so a prune cannot delete what the repair relies on.
     */
    public RepairReport repair(String target, VerifyLevel level) {
        Repository repo = repository(target);
        Map<String, Repository> others = new LinkedHashMap<>();
        for (TargetSpec t : targets) {
            if (!t.name().equals(target)) {
                try {
                    others.put(t.name(), repository(t.name()));
                } catch (StorageException e) {
                    LOG.warn("target {} cannot help repair {}: {}", t.name(), target, e.getMessage());
                }
            }
        }
        try (RepositoryLock lock = RepositoryLock.acquire(repo, false, "repair", host, clock)) {
            RepairReport report = new Repairer(target, repo, source.root(), others)
                    .repairAll(verify(target, level, 100), () -> verify(target, level, 100));
            if (!repo.rewriteDamagedConfig(clock)) {
                return report;
            }
            List<RepairReport.Repaired> repaired = new ArrayList<>(report.repaired());
            repaired.add(new RepairReport.Repaired(dev.heirloom.repository.RepositoryLayout.CONFIG, "written anew"));
            return new RepairReport(report.target(), report.verify(), repaired, report.lost(), report.remaining());
        }
    }

    /**
     * Frees the space of objects and trees that no snapshot (of any source) needs any more, in two
     * phases: unreferenced ones are marked, and deleted by a later prune once marked for at
     * least {@code grace} and still unreferenced. Takes an exclusive lock.
     */
    public PruneReport prune(String target, Duration grace, boolean dryRun) {
        return prune(target, grace, dryRun, OperationProgress.NONE);
    }

    /** As {@link #prune(String, Duration, boolean)}, telling {@code progress} of the deletions. */
    public PruneReport prune(String target, Duration grace, boolean dryRun, OperationProgress progress) {
        Repository repo = repository(target);
        AtomicBoolean cancelled = running.begin();
        try (RepositoryLock lock = RepositoryLock.acquire(repo, true, "prune", host, clock)) {
            return new Pruner(target, repo, grace, clock.instant(), cancelled::get).prune(dryRun, progress);
        } finally {
            running.end(cancelled);
        }
    }

    /**
     * Asks the backup, verification or prune running on this instance (from another thread) to stop
     * soon. The operation then throws {@link java.util.concurrent.CancellationException} after
     * releasing its locks; a cancelled backup writes no snapshot, so the repository stays as it was
     * apart from objects nothing references yet (a later prune frees them). Has no effect when
     * nothing runs.
     *
     * @return whether an operation was running
     */
    public boolean cancel() {
        return running.cancel();
    }

    /**
     * {@link #cancel()}, then waits at most {@code timeout} for the operation to stop and release
     * its locks: for a program that is being stopped.
     *
     * @return whether nothing runs any more
     */
    public boolean cancelAndWait(Duration timeout) throws InterruptedException {
        running.cancel();
        return running.awaitIdle(timeout);
    }

    /**
     * Keeps an immutable target's files locked for as long as the snapshots kept need them: every
     * file they need whose lock runs out within half the lock period is locked for a whole period
     * from now; snapshots the target's retention policy would forget now, and what only they
     * need, are left to run free. Records the result, from which status tells until when the
     * target's copies are locked. Run it regularly (a scheduled {@code extend-locks} job) at least
     * every half period. Takes a shared lock.
     *
     * @throws InvalidConfigException when the target has no {@code immutableDays} or cannot lock objects
     */
    public dev.heirloom.immutability.LockExtensionReport extendLocks(String target) {
        Repository repo = repository(target);
        RetentionPolicy policy = retention.get(target);
        AtomicBoolean cancelled = running.begin();
        try (RepositoryLock lock = RepositoryLock.acquire(repo, false, "extend-locks", host, clock)) {
            java.util.function.Predicate<Snapshot> kept = policy == null ? s -> true
                    : new Forgetter(target, repo, policy).kept(source.label(), clock.instant());
            return new dev.heirloom.immutability.LockExtender(target, repo, kept, cancelled::get).run();
        } finally {
            running.end(cancelled);
        }
    }

    /** The clock this instance uses for snapshots, locks and retention. */
    public Clock clock() {
        return clock;
    }

    /** How long the target's repository files are locked, as configured ({@link dev.heirloom.repository.Immutability#none()} when not). */
    public dev.heirloom.repository.Immutability immutability(String target) {
        return open.immutability(target);
    }

    /** Whether a retention policy is configured for the target. */
    public boolean hasRetention(String target) {
        return retention.containsKey(target);
    }

    /**
     * Applies the target's retention policy to the snapshots of this source: deletes the snapshot
     * files no rule keeps (the newest is always kept). Objects stay until a prune; nothing else is
     * touched. With {@code dryRun}, only reports.
     *
     * @throws InvalidConfigException when no retention policy is configured for the target
     */
    public ForgetReport forget(String target, boolean dryRun) {
        RetentionPolicy policy = retention.get(target);
        if (policy == null) {
            throw new InvalidConfigException("no retention policy configured for target " + target);
        }
        Repository repo = repository(target);
        try (RepositoryLock lock = dryRun ? null : RepositoryLock.acquire(repo, true, "forget", host, clock)) {
            return new Forgetter(target, repo, policy).forget(source.label(), clock.instant(), dryRun);
        }
    }

    /** Snapshots on a target, oldest first (all sources). */
    public List<Snapshot> snapshots(String target) {
        return repository(target).snapshots();
    }

    /**
     * Restores a snapshot of this source from a target.
     *
     * @param snapshotId a snapshot id or a unique prefix of one; empty or {@code latest} for the latest
     */
    public RestoreReport restore(String target, Optional<String> snapshotId, RestoreOptions options) {
        return restore(target, snapshotId, options, OperationProgress.NONE);
    }

    /** As {@link #restore(String, Optional, RestoreOptions)}, telling {@code progress} how far it has come. */
    public RestoreReport restore(String target, Optional<String> snapshotId, RestoreOptions options,
                                 OperationProgress progress) {
        Repository repo = repository(target);
        // shared: a prune (exclusive) must not delete what the restore is about to read
        Optional<RepositoryLock> lock = RepositoryLock.acquireForReading(repo, "restore", host, clock);
        try {
            Optional<String> named = snapshotId.filter(id -> !id.equals(dev.heirloom.browse.SnapshotBrowser.LATEST));
            Snapshot snapshot = named.isPresent() ? repo.snapshot(named.get())
                    : repo.latest(source.label()).orElseThrow(() -> new StorageException(
                            "target " + target + " holds no snapshot of " + source.label()));
            return new Restorer(List.of(new Restorer.Copy(target, repo)), options).restore(snapshot, progress);
        } finally {
            lock.ifPresent(RepositoryLock::close);
        }
    }

    /**
     * Counts the files and bytes of the source a backup would take (metadata only; for progress
     * and estimates), on the caller's thread; a backup may run meanwhile.
     *
     * @param stop checked between folders: true ends the count early, with what it counted
     */
    public dev.heirloom.source.SourceCount countSource(java.util.function.BooleanSupplier stop) {
        return dev.heirloom.source.SourceCount.of(source, stop);
    }

    /**
     * Looks into what a target holds for this source (list, find, compare, read one file back)
     * without restoring it; the target opens on first use.
     */
    public dev.heirloom.browse.SnapshotBrowser browse(String target) {
        return new dev.heirloom.browse.SnapshotBrowser(repository(target), source.label());
    }

    /**
     * Restores a snapshot of this source from every target that can help: the targets are asked in
     * order of preference ({@link Builder#restoreOrder}, else onsite before offsite), each folder
     * listing and file coming from the first that gives it intact, so one unreachable target, a
     * missing object or damaged bytes on one copy do not stop the restore. The report says which
     * target served what.
     *
     * @param snapshotId a snapshot id or a unique prefix of one, found on the first target that
     *                   holds it; empty or {@code latest} for the newest snapshot on any reachable target
     * @throws StorageException when no target is reachable or none holds the snapshot
     */
    public RestoreReport restore(Optional<String> snapshotId, RestoreOptions options) {
        return restore(snapshotId, options, OperationProgress.NONE);
    }

    /** As {@link #restore(Optional, RestoreOptions)}, telling {@code progress} how far it has come. */
    public RestoreReport restore(Optional<String> snapshotId, RestoreOptions options, OperationProgress progress) {
        return new MultiTargetRestore(targets, restoreOrder, this::repository, source.label(), host, clock)
                .restore(snapshotId.filter(id -> !id.equals(dev.heirloom.browse.SnapshotBrowser.LATEST)), options, progress);
    }

    /** The repository on a target, opening the target on first use. */
    public Repository repository(String target) {
        return open.repository(target);
    }

    @Override
    public void close() {
        open.close();
    }

    private StatusCheck statusCheck() {
        return new StatusCheck(source, sourcePlacement(), targets, policy, requiredLevel, requiredAge, clock);
    }

    private Placement sourcePlacement() {
        return new Placement("source", source.medium(), source.site());
    }

    private static String localHost() {
        try {
            return InetAddress.getLocalHost().getHostName();
        } catch (UnknownHostException e) {
            return "unknown";
        }
    }

    /** Configures a {@link Heirloom}. A source and at least one target are required. */
    public static final class Builder extends HeirloomSettings<Builder> {
        private Builder() {
        }

        @Override
        Builder self() {
            return this;
        }

        /**
         * @throws InvalidConfigException when no source or target is set, a target's scheme has no
         *                                provider, or its options are not the provider's
         */
        public Heirloom build() {
            if (source == null) {
                throw new InvalidConfigException("no source folder configured");
            }
            if (targets.isEmpty()) {
                throw new InvalidConfigException("no target configured");
            }
            for (String name : retention.keySet()) {
                if (!targets.containsKey(name)) {
                    throw new InvalidConfigException("retention for unknown target '" + name + "'");
                }
            }
            return new Heirloom(this);
        }
    }
}
