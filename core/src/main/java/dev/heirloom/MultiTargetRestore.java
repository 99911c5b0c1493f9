package dev.heirloom;

import dev.heirloom.progress.OperationProgress;
import dev.heirloom.policy.Site;
import dev.heirloom.repository.Repository;
import dev.heirloom.repository.RepositoryLock;
import dev.heirloom.repository.Snapshot;
import dev.heirloom.restore.RestoreOptions;
import dev.heirloom.restore.RestoreReport;
import dev.heirloom.restore.Restorer;
import dev.heirloom.spi.StorageException;

import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;

/**
 * A restore that reads every reachable target, in order of preference: the configured order,
 * then onsite targets before offsite ones, each in configuration order. Targets that cannot be
 * opened are named in the report and left out; the others are read under shared locks.
 */
final class MultiTargetRestore {
    private final List<TargetSpec> targets;
    private final List<String> preferred;
    private final Function<String, Repository> repositories;
    private final String source;
    private final String host;
    private final Clock clock;

    MultiTargetRestore(List<TargetSpec> targets, List<String> preferred, Function<String, Repository> repositories,
                       String source, String host, Clock clock) {
        this.targets = targets;
        this.preferred = preferred;
        this.repositories = repositories;
        this.source = source;
        this.host = host;
        this.clock = clock;
    }

    /** The targets in the order a restore asks them. */
    List<String> order() {
        List<String> order = new ArrayList<>(preferred);
        targets.stream().filter(t -> t.site() != Site.OFFSITE).map(TargetSpec::name).filter(n -> !order.contains(n))
                .forEach(order::add);
        targets.stream().map(TargetSpec::name).filter(n -> !order.contains(n)).forEach(order::add);
        return order;
    }

    RestoreReport restore(Optional<String> snapshotId, RestoreOptions options, OperationProgress progress) {
        List<Restorer.Copy> copies = new ArrayList<>();
        List<String> unreachable = new ArrayList<>();
        dev.heirloom.spi.InvalidConfigException misconfigured = null;
        List<RepositoryLock> locks = new ArrayList<>();
        try {
            for (String name : order()) {
                try {
                    Repository repo = repositories.apply(name);
                    RepositoryLock.acquireForReading(repo, "restore", host, clock).ifPresent(locks::add);
                    copies.add(new Restorer.Copy(name, repo));
                } catch (StorageException e) {
                    unreachable.add(name + ": not reachable (" + e.getMessage() + ")");
                    if (e instanceof dev.heirloom.spi.InvalidConfigException bad) {
                        misconfigured = bad;
                    }
                }
            }
            if (copies.isEmpty()) {
                String why = "no target can be read: " + String.join("; ", unreachable);
                // when the configuration is why (a wrong passphrase), say so as a configuration error
                throw misconfigured != null ? new dev.heirloom.spi.InvalidConfigException(why, misconfigured)
                        : new StorageException(why);
            }
            Snapshot snapshot = pick(copies, snapshotId);
            RestoreReport report = new Restorer(copies, options).restore(snapshot, progress);
            if (unreachable.isEmpty()) {
                return report;
            }
            List<String> notes = new java.util.ArrayList<>(unreachable);
            notes.addAll(report.fallbacks());
            return new RestoreReport(report.snapshotId(), report.filesRestored(), report.bytesRestored(),
                    report.skippedExisting(), report.refused(), report.failed(), report.servedBy(), notes);
        } finally {
            locks.forEach(RepositoryLock::close);
        }
    }

    /** The named snapshot from the first copy that holds it, or the newest of this source on any copy. */
    private Snapshot pick(List<Restorer.Copy> copies, Optional<String> id) {
        StorageException first = null;
        Snapshot newest = null;
        for (Restorer.Copy c : copies) {
            try {
                if (id.isPresent()) {
                    return c.repo().snapshot(id.get());
                }
                Optional<Snapshot> latest = c.repo().latest(source);
                if (latest.isPresent() && (newest == null || latest.get().time().isAfter(newest.time()))) {
                    newest = latest.get();
                }
            } catch (StorageException e) {
                first = first == null ? e : first;
            }
        }
        if (newest != null) {
            return newest;
        }
        if (first != null) {
            throw first;
        }
        throw new StorageException("no target holds a snapshot of " + source);
    }
}
