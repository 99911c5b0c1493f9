package dev.heirloom.retention;

import dev.heirloom.repository.Repository;
import dev.heirloom.repository.Snapshot;
import dev.heirloom.repository.Tree;
import dev.heirloom.repository.TreeEntry;
import dev.heirloom.spi.StorageException;

import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.temporal.IsoFields;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * Applies a {@link RetentionPolicy} to the snapshots of one source on one target. The
 * deleted-files rule compares consecutive snapshots folder by folder (equal tree hashes are
 * skipped), so it reads only the folders that changed.
 */
public final class Retention {
    private final RetentionPolicy policy;
    private final Repository repo;
    private final Instant now;

    /** Applies {@code policy} to {@code repo}'s snapshots as of {@code now}. */
    public Retention(RetentionPolicy policy, Repository repo, Instant now) {
        this.policy = policy;
        this.repo = repo;
        this.now = now;
    }

    /** A decision for every snapshot given (one source), newest first. */
    public List<RetentionDecision> decide(List<Snapshot> snapshots) {
        List<Snapshot> newestFirst = new ArrayList<>(snapshots);
        newestFirst.sort(Comparator.comparing(Snapshot::time).thenComparing(Snapshot::id).reversed());
        Map<String, List<String>> reasons = new LinkedHashMap<>();
        newestFirst.forEach(s -> reasons.put(s.id(), new ArrayList<>()));
        if (newestFirst.isEmpty()) {
            return List.of();
        }
        reasons.get(newestFirst.get(0).id()).add("latest");
        // when the newest snapshots hold nothing (a source found empty, backed up with --allow-shrink),
        // the newest one that holds files is never forgotten: it may be all that is left of the photos
        newestFirst.stream().filter(s -> s.files() > 0).findFirst()
                .filter(s -> s != newestFirst.get(0))
                .filter(s -> newestFirst.stream().takeWhile(n -> n != s).allMatch(n -> n.files() == 0))
                .ifPresent(s -> reasons.get(s.id()).add("newest that holds files (the later ones are empty)"));
        for (int i = 0; i < Math.min(policy.last(), newestFirst.size()); i++) {
            reasons.get(newestFirst.get(i).id()).add("last " + policy.last());
        }
        period(newestFirst, reasons, policy.daily(), "daily", d -> d.toString());
        period(newestFirst, reasons, policy.weekly(), "weekly",
                d -> d.get(IsoFields.WEEK_BASED_YEAR) + "-W" + d.get(IsoFields.WEEK_OF_WEEK_BASED_YEAR));
        period(newestFirst, reasons, policy.monthly(), "monthly", d -> d.getYear() + "-" + d.getMonthValue());
        period(newestFirst, reasons, policy.yearly(), "yearly", d -> String.valueOf(d.getYear()));
        if (!policy.within().isZero()) {
            Instant since = now.minus(policy.within());
            newestFirst.stream().filter(s -> !s.time().isBefore(since))
                    .forEach(s -> reasons.get(s.id()).add("within " + policy.within().toDays() + " days"));
        }
        if (!policy.deletedFor().isZero()) {
            Instant since = now.minus(policy.deletedFor());
            for (int i = newestFirst.size() - 1; i > 0; i--) {
                Snapshot older = newestFirst.get(i);
                Snapshot newer = newestFirst.get(i - 1);
                if (newer.time().isBefore(since) || older.root().equals(newer.root())) {
                    continue;
                }
                long gone = deletedFiles(older.root(), newer.root());
                if (gone > 0) {
                    reasons.get(older.id()).add("last to hold " + gone + " file(s) deleted "
                            + LocalDate.ofInstant(newer.time(), ZoneOffset.UTC) + " (kept for "
                            + policy.deletedFor().toDays() + " days)");
                }
            }
        }
        List<RetentionDecision> decisions = new ArrayList<>();
        for (Snapshot s : newestFirst) {
            decisions.add(new RetentionDecision(s, reasons.get(s.id())));
        }
        return decisions;
    }

    private static void period(List<Snapshot> newestFirst, Map<String, List<String>> reasons, int count, String rule,
                               Function<LocalDate, String> key) {
        if (count <= 0) {
            return;
        }
        Map<String, Snapshot> seen = new HashMap<>();
        for (Snapshot s : newestFirst) {
            String k = key.apply(LocalDate.ofInstant(s.time(), ZoneOffset.UTC));
            if (seen.containsKey(k)) {
                continue;
            }
            if (seen.size() == count) {
                return;
            }
            seen.put(k, s);
            reasons.get(s.id()).add(rule + " " + k);
        }
    }

    /** Files under {@code older} that are absent (by path) under {@code newer}. */
    private long deletedFiles(String older, String newer) {
        if (older.equals(newer)) {
            return 0;
        }
        Tree a = tree(older);
        Tree b = newer == null ? null : tree(newer);
        long count = 0;
        for (TreeEntry e : a.entries()) {
            TreeEntry other = b == null ? null : b.entry(e.name()).orElse(null);
            if (e.isDir()) {
                count += other != null && other.isDir() ? deletedFiles(e.tree(), other.tree()) : filesUnder(e.tree());
            } else if (other == null || !other.isFile()) {
                count++;
            }
        }
        return count;
    }

    private long filesUnder(String treeHash) {
        long count = 0;
        for (TreeEntry e : tree(treeHash).entries()) {
            count += e.isDir() ? filesUnder(e.tree()) : 1;
        }
        return count;
    }

    private Tree tree(String hash) {
        try {
            return repo.trees().get(hash);
        } catch (StorageException e) {
            throw new StorageException("cannot apply the deleted-files rule: " + e.getMessage(), e);
        }
    }
}
