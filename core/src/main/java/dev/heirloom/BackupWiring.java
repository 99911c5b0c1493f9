package dev.heirloom;

import dev.heirloom.backup.BackupEngine;
import dev.heirloom.backup.ProgressListener;
import dev.heirloom.backup.TargetResult;
import dev.heirloom.repository.Repository;
import dev.heirloom.repository.RepositoryLock;
import dev.heirloom.spi.StorageException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Opens the targets for a backup or a plan (a target that cannot be opened fails alone) and
 * merges their results with the engine's, in configuration order.
 */
final class BackupWiring implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(BackupWiring.class);

    final List<BackupEngine.Destination> destinations = new ArrayList<>();
    private final Map<String, String> openErrors = new LinkedHashMap<>();
    private final List<RepositoryLock> locks = new ArrayList<>();
    private final List<TargetSpec> targets;

    /**
     * @param forBackup create each repository when absent and take a shared lock on it; otherwise
     *                  (a plan) only read what is there
     */
    BackupWiring(List<TargetSpec> targets, OpenTargets open, boolean forBackup, String host, Clock clock,
                 ProgressListener listener) {
        this.targets = targets;
        for (TargetSpec t : targets) {
            try {
                Repository repo = open.repository(t.name());
                if (forBackup) {
                    repo.initialize(clock);
                    locks.add(RepositoryLock.acquire(repo, false, "backup", host, clock));
                } else {
                    repo.config();
                }
                destinations.add(new BackupEngine.Destination(t.name(), repo));
            } catch (StorageException e) {
                if (forBackup) {
                    LOG.error("target {} is unavailable: {}", t.name(), e.getMessage());
                    listener.targetFailed(t.name(), e);
                }
                openErrors.put(t.name(), e.getMessage());
            }
        }
    }

    /** Every target's result: the engine's, or its opening error. */
    List<TargetResult> results(List<TargetResult> ran) {
        List<TargetResult> all = new ArrayList<>();
        for (TargetSpec t : targets) {
            if (openErrors.containsKey(t.name())) {
                all.add(new TargetResult(t.name(), Optional.empty(), 0, 0, 0, 0, 0, 0, Optional.of(openErrors.get(t.name()))));
            } else {
                ran.stream().filter(r -> r.name().equals(t.name())).findFirst().ifPresent(all::add);
            }
        }
        return all;
    }

    /** Releases the locks taken. */
    @Override
    public void close() {
        locks.forEach(RepositoryLock::close);
    }
}
