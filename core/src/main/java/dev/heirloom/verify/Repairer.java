package dev.heirloom.verify;

import dev.heirloom.repository.FileName;
import dev.heirloom.repository.Repository;
import dev.heirloom.repository.RepositoryLayout;
import dev.heirloom.spi.ContentSource;
import dev.heirloom.spi.MultiDigest;
import dev.heirloom.spi.StorageException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Heals a target from good copies: every object a verification found missing, damaged or
 * unreadable is copied back from the source folder (when a file there still has that content) or
 * from another target that holds it intact. The copy is verified as it is written (the target
 * checks it against the object's SHA-256), an object that verified good is never touched, and
 * an object with no good copy anywhere is reported as lost with the photos that need it.
 */
public final class Repairer {
    private static final Logger LOG = LoggerFactory.getLogger(Repairer.class);

    private final String targetName;
    private final Repository target;
    private final Path sourceRoot;
    private final Map<String, Repository> others;

    /**
     * @param others the other targets by name, tried in order
     */
    public Repairer(String targetName, Repository target, Path sourceRoot, Map<String, Repository> others) {
        this.targetName = targetName;
        this.target = target;
        this.sourceRoot = sourceRoot;
        this.others = others;
    }

    /**
     * Repairs what a verification found, and verifies again and repairs the next ones while it
     * found more damaged objects than it lists or a folder record (tree) was healed (the objects
     * below it could not be checked before), until neither holds or a round heals nothing. The
     * healed objects are then taken off the target's recorded verifications, so that compliance
     * counts them again without waiting for the next verify.
     *
     * @param first the verification that found the damage
     * @param again a fresh full verification of the target
     * @return every object repaired and lost, with how many damaged objects remain unhandled
     */
    public RepairReport repairAll(VerifyReport first, java.util.function.Supplier<VerifyReport> again) {
        VerifyReport found = first;
        java.util.Map<String, RepairReport.Repaired> repaired = new java.util.LinkedHashMap<>();
        java.util.Map<String, BadObject> lost = new java.util.LinkedHashMap<>();
        while (true) {
            int before = repaired.size();
            RepairReport round = repair(found);
            round.repaired().forEach(r -> repaired.putIfAbsent(r.hash(), r));
            round.lost().forEach(b -> lost.putIfAbsent(b.hash(), b));
            long unlisted = found.badCount() - found.bad().size();
            java.util.Set<String> trees = new java.util.HashSet<>();
            found.bad().stream().filter(b -> b.kind() == BadObject.Kind.TREE).forEach(b -> trees.add(b.hash()));
            boolean treeHealed = round.repaired().stream().anyMatch(r -> trees.contains(r.hash()));
            if ((unlisted <= 0 && !treeHealed) || repaired.size() == before) {
                clearFromRecords(repaired.keySet());
                return new RepairReport(targetName, first, List.copyOf(repaired.values()), List.copyOf(lost.values()),
                        Math.max(0, unlisted));
            }
            found = again.get();
        }
    }

    /**
     * Takes healed objects off the target's recorded verifications (each was checked against its
     * hash as it was written back). A record that cannot be rewritten is left as it is: compliance
     * then goes on not counting those copies until the next verify, which errs on the safe side.
     */
    private void clearFromRecords(java.util.Set<String> healed) {
        if (healed.isEmpty()) {
            return;
        }
        for (VerifyLevel level : VerifyLevel.values()) {
            String key = RepositoryLayout.lastVerification(level.label());
            try {
                Optional<VerificationRecord> record = target.readJson(key, VerificationRecord.class);
                if (record.isEmpty() || record.get().badObjects().stream().noneMatch(healed::contains)) {
                    continue;
                }
                VerificationRecord r = record.get();
                List<String> still = r.badObjects().stream().filter(h -> !healed.contains(h)).toList();
                target.replaceJson(key, new VerificationRecord(r.time(), r.level(), r.samplePercent(), r.objects(),
                        r.objectsChecked(), Math.max(0, r.bad() - (r.badObjects().size() - still.size())), still));
            } catch (StorageException e) {
                LOG.warn("{}: cannot update {} after the repair: {}", targetName, key, e.getMessage());
            }
        }
    }

    /** Repairs what the given verification lists. */
    public RepairReport repair(VerifyReport verification) {
        List<RepairReport.Repaired> repaired = new ArrayList<>();
        List<BadObject> lost = new ArrayList<>();
        for (BadObject bad : verification.bad()) {
            if (bad.kind() == BadObject.Kind.SNAPSHOT) {
                Optional<String> from = snapshotFromOtherTargets(bad.hash());
                if (from.isPresent()) {
                    LOG.info("{}: repaired {} from {}", targetName, bad.hash(), from.get());
                    repaired.add(new RepairReport.Repaired(bad.hash(), from.get()));
                } else {
                    lost.add(bad);
                }
                continue;
            }
            if (!RepositoryLayout.isHash(bad.hash())) {
                lost.add(bad);
                continue;
            }
            boolean tree = bad.kind() == BadObject.Kind.TREE;
            String key = tree ? RepositoryLayout.treeKey(bad.hash()) : RepositoryLayout.objectKey(bad.hash());
            Refusals refusals = new Refusals();
            Optional<String> from = tree ? Optional.empty() : fromSource(key, bad, refusals);
            if (from.isEmpty()) {
                from = fromOtherTargets(key, bad, tree, refusals);
            }
            if (from.isPresent()) {
                LOG.info("{}: repaired {} from {}", targetName, key, from.get());
                repaired.add(new RepairReport.Repaired(bad.hash(), from.get()));
            } else if (refusals.locked != null) {
                LOG.error("{}: {} cannot be replaced: {}; its files come back from another target until then (needed by {})",
                        targetName, key, refusals.locked.getMessage(), bad.paths());
                lost.add(bad);
            } else {
                LOG.error("{}: {} has no good copy anywhere; needed by {}", targetName, key, bad.paths());
                lost.add(bad);
            }
        }
        return new RepairReport(targetName, verification, repaired, lost);
    }

    /** What refused one object's repair: its store keeps the damaged copy locked (an immutable target). */
    private static final class Refusals {
        private dev.heirloom.spi.ObjectLockedException locked;

        void failed(Exception e) {
            if (e instanceof dev.heirloom.spi.ObjectLockedException refusal) {
                locked = refusal;
            }
        }
    }

    /** A damaged snapshot file copied back from another target of the same backup. */
    private Optional<String> snapshotFromOtherTargets(String key) {
        for (Map.Entry<String, Repository> other : others.entrySet()) {
            try {
                Optional<byte[]> good = other.getValue().snapshotFile(key);
                if (good.isPresent()) {
                    target.replaceSnapshotFile(key, good.get());
                    return Optional.of("target:" + other.getKey());
                }
            } catch (StorageException e) {
                LOG.warn("{}: {} cannot come from {}: {}", targetName, key, other.getKey(), e.getMessage());
            }
        }
        return Optional.empty();
    }

    private Optional<String> fromSource(String key, BadObject bad, Refusals refusals) {
        for (String ref : bad.paths()) {
            String rel = ref.substring(ref.indexOf(':') + 1);
            Path file = FileName.resolve(sourceRoot, rel).normalize();
            if (!file.startsWith(sourceRoot) || !Files.isRegularFile(file)) {
                continue;
            }
            try {
                if (!bad.hash().equals(sha256(Files.newInputStream(file)))) {
                    continue;
                }
                target.objects().replace(bad.hash(), ContentSource.ofFile(file, Files.size(file)));
                return Optional.of("source:" + rel);
            } catch (IOException | StorageException e) {
                refusals.failed(e);
                LOG.warn("{}: cannot repair {} from {}: {}", targetName, key, file, e.getMessage());
            }
        }
        return Optional.empty();
    }

    private Optional<String> fromOtherTargets(String key, BadObject bad, boolean tree, Refusals refusals) {
        for (Map.Entry<String, Repository> other : others.entrySet()) {
            Repository from = other.getValue();
            try {
                Optional<Long> stored = tree ? from.trees().size(bad.hash()) : from.objects().size(bad.hash());
                if (stored.isEmpty()) {
                    continue;
                }
                long size = stored.get();
                ContentSource copy = new ContentSource() {
                    @Override
                    public long size() {
                        return size;
                    }

                    @Override
                    public InputStream open() {
                        return tree ? from.trees().openBytes(bad.hash()) : from.objects().open(bad.hash());
                    }
                };
                if (tree) {
                    target.trees().replace(bad.hash(), copy);
                } else {
                    target.objects().replace(bad.hash(), copy);
                }
                return Optional.of("target:" + other.getKey());
            } catch (StorageException e) {
                refusals.failed(e);
                LOG.warn("{}: {} cannot come from {}: {}", targetName, key, other.getKey(), e.getMessage());
            }
        }
        return Optional.empty();
    }

    private static String sha256(InputStream in) throws IOException {
        try (in) {
            return MultiDigest.of(in, java.util.Set.of(), new byte[1 << 20]).get(dev.heirloom.spi.ChecksumAlgorithm.SHA256)
                    .orElseThrow();
        }
    }
}
