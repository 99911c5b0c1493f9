package dev.heirloom;

import dev.heirloom.compliance.ComplianceChecker;
import dev.heirloom.policy.ComplianceReport;
import dev.heirloom.policy.Placement;
import dev.heirloom.policy.Policy;
import dev.heirloom.repository.Repository;
import dev.heirloom.repository.RepositoryLayout;
import dev.heirloom.repository.Snapshot;
import dev.heirloom.spi.StorageException;
import dev.heirloom.verify.VerificationRecord;
import dev.heirloom.verify.VerifyLevel;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Reads each target's latest snapshot and last verifications, and counts the copies of every file
 * against the policy. A copy that failed its target's last verification never counts; with a
 * verification requirement, a target's copies count only when it passed one recently enough.
 */
final class StatusCheck {
    private final String sourceLabel;
    private final java.nio.file.Path sourceRoot;
    private final boolean followLinks;
    private final Placement source;
    private final List<TargetSpec> targets;
    private final Policy policy;
    private final VerifyLevel requiredLevel;
    private final Duration requiredAge;
    private final Clock clock;

    StatusCheck(dev.heirloom.source.SourceSpec spec, Placement source, List<TargetSpec> targets, Policy policy,
                VerifyLevel requiredLevel, Duration requiredAge, Clock clock) {
        this.sourceLabel = spec.label();
        this.sourceRoot = spec.root();
        this.followLinks = spec.followLinks();
        this.source = source;
        this.targets = targets;
        this.policy = policy;
        this.requiredLevel = requiredLevel;
        this.requiredAge = requiredAge;
        this.clock = clock;
    }

    /** The status as it is: the source counts only for the files it still holds as recorded. */
    StatusReport run(OpenTargets open) {
        return run(open, null);
    }

    /**
     * The status right after a backup: when the newest snapshot is the one it wrote
     * ({@code justWritten}), the source was just walked for it and counts for every file.
     */
    StatusReport run(OpenTargets open, String justWritten) {
        return run(open, justWritten, ComplianceChecker.FileTally.NONE);
    }

    /** The status, telling {@code tally} of every file of the newest snapshot as it is counted. */
    StatusReport run(OpenTargets open, String justWritten, ComplianceChecker.FileTally tally) {
        List<TargetStatus> statuses = new ArrayList<>();
        List<ComplianceChecker.Holder> holders = new ArrayList<>();
        List<String> unavailable = new ArrayList<>();
        for (TargetSpec t : targets) {
            try {
                Repository repo = open.repository(t.name());
                Optional<Snapshot> latest = repo.latest(sourceLabel);
                List<VerificationRecord> verified = new ArrayList<>();
                for (VerifyLevel level : VerifyLevel.values()) {
                    String key = RepositoryLayout.lastVerification(level.label());
                    try {
                        repo.readJson(key, VerificationRecord.class).ifPresent(verified::add);
                    } catch (StorageException e) {
                        if (e.isTransient()) {
                            throw e;
                        }
                        // the objects it found damaged are unknown now: none of its copies can be trusted
                        throw new StorageException("its verification record " + key + " is damaged (" + e.getMessage()
                                + "), so its copies are not counted; 'heirloom verify --level " + level.label()
                                + " --target " + t.name() + "' writes it again", e);
                    }
                }
                TargetLocks locks = locks(repo);
                statuses.add(new TargetStatus(t, latest, verified, Optional.empty(), repo.encrypted(), locks));
                Set<String> failed = new HashSet<>();
                verified.forEach(v -> failed.addAll(v.badObjects()));
                holders.add(new ComplianceChecker.Holder(t.placement().withLocked(locks.immutable()), repo, latest.orElse(null),
                        unverified(verified), failed));
            } catch (StorageException e) {
                statuses.add(new TargetStatus(t, Optional.empty(), List.of(), Optional.of(e.getMessage()), false,
                        TargetLocks.not("its state could not be read")));
                unavailable.add(t.name());
            }
        }
        Snapshot newest = holders.stream().map(ComplianceChecker.Holder::latest).filter(java.util.Objects::nonNull)
                .max(java.util.Comparator.comparing(Snapshot::time)).orElse(null);
        ComplianceChecker.SourceCopy sourceCopy = newest != null && newest.id().equals(justWritten)
                ? ComplianceChecker.SourceCopy.TRUSTED : ComplianceChecker.SourceCopy.at(sourceRoot, followLinks);
        ComplianceReport compliance = ComplianceChecker.check(policy, source, sourceCopy, holders, unavailable,
                targets.stream().map(t -> t.placement().withLocked(open.canLock(t.name()))).toList(), tally)
                .withNotes(open.notes());
        return new StatusReport(statuses, compliance);
    }

    /**
     * Whether a target's copies are locked now: only a complete lock extension shows it, and only
     * until the earliest lock it found, or a period after it ran (what was written since is locked
     * for a whole period from its writing), whichever comes first.
     */
    TargetLocks locks(Repository repo) {
        if (!repo.locks().immutability().wanted()) {
            return TargetLocks.not("no immutableDays: nothing stops a deletion with its credentials");
        }
        if (!repo.locks().active()) {
            return TargetLocks.not("immutableDays is set, but its store cannot lock objects (the provider does not offer "
                    + "it, or the bucket is not set up for it), so its files are not locked");
        }
        Optional<dev.heirloom.immutability.LockRecord> record;
        try {
            record = repo.readJson(RepositoryLayout.LOCK_EXTENSION, dev.heirloom.immutability.LockRecord.class);
        } catch (StorageException e) {
            if (e.isTransient()) {
                throw e;
            }
            return TargetLocks.not("the record of its last lock extension is damaged (" + e.getMessage()
                    + "): run 'heirloom extend-locks'");
        }
        if (record.isEmpty()) {
            return TargetLocks.not("files are locked as they are written, but no lock extension has checked them yet: "
                    + "run 'heirloom extend-locks' (and schedule it)");
        }
        dev.heirloom.immutability.LockRecord r = record.get();
        if (!r.complete()) {
            return TargetLocks.not("the last lock extension (" + r.time() + ") could not lock every file the snapshots need"
                    + (r.missing() > 0 ? " (" + r.missing() + " missing)" : "") + ": see 'heirloom extend-locks'");
        }
        Instant end = r.lockedUntil();
        Instant sinceWritten = r.time().plus(repo.locks().immutability().period());
        end = end.isBefore(sinceWritten) ? end : sinceWritten;
        if (!end.isAfter(clock.instant())) {
            return TargetLocks.not("its locks ran out at " + end + ": 'heirloom extend-locks' must run at least every "
                    + "half lock period");
        }
        // the record is a file anyone with write access could replace: heirloom.json, which every
        // extension locks with the rest, must show a lock at least as long as the record claims
        Optional<Instant> config = repo.locks().lockOf(RepositoryLayout.CONFIG);
        if (config.isEmpty() || config.get().isBefore(end)) {
            return TargetLocks.not("its heirloom.json is locked only " + config.map(t -> "until " + t).orElse("not at all")
                    + ", less than the last lock extension recorded (" + end + "): run 'heirloom extend-locks'");
        }
        return TargetLocks.until(end, r.time());
    }

    /**
     * Why a target's copies do not meet the verification requirements, or null when they do: a
     * {@code requireVerified} level and age, and a policy's zero errors (the last verification, of
     * any level, found none; a target never verified has proven nothing).
     */
    String unverified(List<VerificationRecord> records) {
        if (!meetsRequirement(records)) {
            return "not verified recently enough";
        }
        if (policy.zeroErrors()) {
            Optional<VerificationRecord> last = records.stream().max(java.util.Comparator.comparing(VerificationRecord::time));
            if (last.isEmpty()) {
                return "never verified: " + policy + " counts a copy once a verification found no error in it";
            }
            if (last.get().bad() > 0) {
                return "its last verification (" + last.get().level().label() + ", " + last.get().time() + ") found "
                        + last.get().bad() + " error(s); " + policy + " needs zero";
            }
        }
        return null;
    }

    /** Whether a target's last verifications meet the requirement; always true without one. */
    boolean meetsRequirement(List<VerificationRecord> records) {
        if (requiredLevel == null) {
            return true;
        }
        Instant oldest = clock.instant().minus(requiredAge);
        return records.stream().anyMatch(r -> r.level().compareTo(requiredLevel) >= 0 && !r.time().isBefore(oldest));
    }
}
