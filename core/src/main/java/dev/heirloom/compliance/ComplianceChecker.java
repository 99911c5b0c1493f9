package dev.heirloom.compliance;

import dev.heirloom.policy.FileCompliance;
import dev.heirloom.policy.ComplianceReport;
import dev.heirloom.policy.Medium;
import dev.heirloom.policy.Placement;
import dev.heirloom.policy.Policy;
import dev.heirloom.policy.Site;
import dev.heirloom.repository.Repository;
import dev.heirloom.repository.Snapshot;
import dev.heirloom.repository.Tree;
import dev.heirloom.repository.TreeEntry;
import dev.heirloom.spi.StorageException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Counts the copies of every file of the newest snapshot. The source counts as one copy; a target
 * counts for a file when its latest snapshot holds the same content at the same path. Walks one
 * folder at a time, comparing tree hashes, so memory does not grow with the number of files.
 */
public final class ComplianceChecker {
    private static final Logger LOG = LoggerFactory.getLogger(ComplianceChecker.class);

    /**
     * A target as seen for compliance.
     *
     * @param placement its name, medium and site
     * @param repository its repository
     * @param latest    its latest snapshot of the source, or null when it has none
     * @param verified  whether its copies meet the verification requirement (true when there is none)
     * @param failed    objects its last verification found missing or damaged; they never count
     */
    public record Holder(Placement placement, Repository repository, Snapshot latest, boolean verified,
                         Set<String> failed) {
        public Holder {
            failed = Set.copyOf(failed);
        }

        /** A holder whose copies count as they are. */
        public Holder(Placement placement, Repository repository, Snapshot latest) {
            this(placement, repository, latest, true, Set.of());
        }
    }

    private final Policy policy;
    private final Placement source;
    private final List<Holder> holders;
    private long total;
    private long compliant;
    private final List<FileCompliance> shortFiles = new ArrayList<>();

    private ComplianceChecker(Policy policy, Placement source, List<Holder> holders) {
        this.policy = policy;
        this.source = source;
        this.holders = holders;
    }

    /**
     * Checks the policy.
     *
     * @param unavailable targets whose state could not be read (they count for nothing)
     */
    public static ComplianceReport check(Policy policy, Placement source, List<Holder> holders, List<String> unavailable,
                                         List<Placement> allTargets) {
        List<Placement> places = new ArrayList<>();
        places.add(source);
        places.addAll(allTargets);
        List<String> unreachable = policy.whyUnreachable(places);
        Holder newest = null;
        for (Holder h : holders) {
            if (h.latest() != null && (newest == null || h.latest().time().isAfter(newest.latest().time()))) {
                newest = h;
            }
        }
        if (newest == null) {
            return new ComplianceReport(policy, Optional.empty(), unreachable, unavailable, 0, 0, List.of());
        }
        String root = newest.latest().root();
        if (holders.stream().allMatch(h -> h.latest() == null || (h.latest().root().equals(root) && h.failed().isEmpty()))) {
            // Every target holds this very tree (the state after a backup that reached them all):
            // each file has the same holders, so when they meet the policy the snapshot's file
            // count is the answer and no folder listing needs reading.
            int copies = 1;
            Set<Medium> media = EnumSet.of(source.medium());
            int offsite = source.site() == Site.OFFSITE ? 1 : 0;
            for (Holder h : holders) {
                if (h.latest() != null && h.verified()) {
                    copies++;
                    media.add(h.placement().medium());
                    offsite += h.placement().site() == Site.OFFSITE ? 1 : 0;
                }
            }
            if (policy.isMetBy(copies, media.size(), offsite)) {
                long files = newest.latest().files();
                return new ComplianceReport(policy, Optional.of(newest.latest().id()), unreachable, unavailable, files,
                        files, List.of());
            }
        }
        ComplianceChecker checker = new ComplianceChecker(policy, source, holders);
        String[] hashes = new String[holders.size()];
        for (int i = 0; i < holders.size(); i++) {
            hashes[i] = holders.get(i).latest() == null ? null : holders.get(i).latest().root();
        }
        checker.walk(newest.repository(), newest.latest().root(), hashes, "");
        return new ComplianceReport(policy, Optional.of(newest.latest().id()), unreachable, unavailable,
                checker.total, checker.compliant, checker.shortFiles);
    }

    private void walk(Repository refRepo, String refHash, String[] hashes, String path) {
        Tree ref = refRepo.tree(refHash);
        Tree[] trees = new Tree[holders.size()];
        for (int i = 0; i < holders.size(); i++) {
            if (hashes[i] == null) {
                continue;
            }
            if (hashes[i].equals(refHash)) {
                trees[i] = ref;
                continue;
            }
            try {
                trees[i] = holders.get(i).repository().tree(hashes[i]);
            } catch (StorageException e) {
                LOG.warn("{}: cannot read tree {}; its copies are not counted: {}",
                        holders.get(i).placement().name(), hashes[i], e.getMessage());
            }
        }
        for (TreeEntry entry : ref.entries()) {
            String childPath = path.isEmpty() ? entry.name() : path + "/" + entry.name();
            String[] sub = new String[holders.size()];
            List<String> heldBy = new ArrayList<>();
            List<String> notCounted = new ArrayList<>();
            heldBy.add(source.name());
            Set<Medium> media = EnumSet.of(source.medium());
            int offsite = source.site() == Site.OFFSITE ? 1 : 0;
            for (int i = 0; i < holders.size(); i++) {
                TreeEntry theirs = trees[i] == null ? null : trees[i].entry(entry.name()).orElse(null);
                if (theirs == null || theirs.type() != entry.type()) {
                    continue;
                }
                if (entry.isDir()) {
                    sub[i] = theirs.tree();
                } else if (entry.content().equals(theirs.content())) {
                    Holder h = holders.get(i);
                    Placement p = h.placement();
                    if (h.failed().contains(entry.content())) {
                        notCounted.add(p.name() + " (failed verification)");
                        continue;
                    }
                    if (!h.verified()) {
                        notCounted.add(p.name() + " (not verified recently enough)");
                        continue;
                    }
                    heldBy.add(p.name());
                    media.add(p.medium());
                    offsite += p.site() == Site.OFFSITE ? 1 : 0;
                }
            }
            if (entry.isDir()) {
                walk(refRepo, entry.tree(), sub, childPath);
                continue;
            }
            total++;
            if (policy.isMetBy(heldBy.size(), media.size(), offsite)) {
                compliant++;
            } else if (shortFiles.size() < ComplianceReport.LISTED_LIMIT) {
                shortFiles.add(new FileCompliance(childPath, heldBy.size(), media.size(), offsite, heldBy, notCounted));
            }
        }
    }
}
