package dev.heirloom.verify;

import dev.heirloom.repo.Repository;
import dev.heirloom.repo.RepositoryLayout;
import dev.heirloom.repo.Snapshot;
import dev.heirloom.repo.Tree;
import dev.heirloom.repo.TreeEntry;
import dev.heirloom.spi.ListPage;
import dev.heirloom.spi.MultiDigest;
import dev.heirloom.spi.ObjectInfo;
import dev.heirloom.spi.ObjectNotFoundException;
import dev.heirloom.spi.StorageException;
import dev.heirloom.spi.ChecksumAlgorithm;
import dev.heirloom.spi.Checksums;

import java.io.IOException;
import java.io.InputStream;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.CancellationException;
import java.util.function.BooleanSupplier;

/**
 * Verifies one target: gathers every object that any of its snapshots names (walking each tree
 * once), then checks them at the chosen level. With a sample of P%, a content check reads one of
 * ceil(100/P) rotating shares of the objects per run, the share chosen by the object's hash and
 * the rotation kept in the repository ({@code verify/rotation.json}), so every object is read
 * within ceil(100/P) runs whichever computer runs them. Objects that fail are reported with the
 * snapshot paths that refer to them. The result is recorded in {@code verify/last-<level>.json}.
 */
public final class Verifier {
    private static final int LISTED = 1000;
    private static final int PATHS_PER_OBJECT = 20;
    static final String ROTATION = "verify/rotation.json";

    /**
     * How to verify.
     *
     * @param level         the level
     * @param samplePercent share of objects to read per run, 1 to 100 (content level)
     * @param threads       objects read at once
     * @param clock         time source
     * @param cancelled     polled between objects; once true the run stops, records nothing and
     *                      throws {@link CancellationException}
     */
    public record Options(VerifyLevel level, int samplePercent, int threads, Clock clock,
                          BooleanSupplier cancelled) {
        public Options(VerifyLevel level, int samplePercent, int threads, Clock clock) {
            this(level, samplePercent, threads, clock, () -> false);
        }

        public Options {
            if (samplePercent < 1 || samplePercent > 100) {
                throw new IllegalArgumentException("sample must be from 1 to 100 percent");
            }
            if (threads < 1) {
                throw new IllegalArgumentException("threads must be at least 1");
            }
        }
    }

    /** Rotation state: which of how many shares is next. */
    record Rotation(int shares, int next) {
    }

    private final String target;
    private final Repository repo;
    private final Options options;
    /** What the snapshots say about one object. */
    private record Facts(long size, Checksums checksums) {
    }

    private final Map<String, Facts> objects = new HashMap<>();
    private final List<String> notes = new ArrayList<>();
    private final Map<String, BadObject> bad = new ConcurrentHashMap<>();
    private final AtomicLong bytesRead = new AtomicLong();
    private final AtomicLong checked = new AtomicLong();

    public Verifier(String target, Repository repo, Options options) {
        this.target = target;
        this.repo = repo;
        this.options = options;
    }

    /** Runs the verification. */
    public VerifyReport run() {
        Instant started = options.clock().instant();
        List<Snapshot> snapshots = repo.snapshots();
        Set<String> visited = new HashSet<>();
        for (Snapshot s : snapshots) {
            collect(s, s.root(), "", visited);
        }
        int percent = options.level() == VerifyLevel.CONTENT ? options.samplePercent() : 100;
        if (options.level() == VerifyLevel.CONTENT) {
            checkContent(percent);
        } else {
            checkListing(options.level() == VerifyLevel.CHECKSUM);
        }
        List<BadObject> listed = new ArrayList<>(bad.values());
        if (!listed.isEmpty()) {
            listed = withPaths(snapshots, listed);
        }
        Instant finished = options.clock().instant();
        VerifyReport report = new VerifyReport(target, options.level(), percent, snapshots.size(), objects.size(),
                checked.get(), bytesRead.get(), listed.subList(0, Math.min(LISTED, listed.size())), bad.size(), started,
                finished, notes);
        repo.replaceJson("verify/last-" + options.level().label() + ".json", new VerificationRecord(finished,
                options.level(), percent, objects.size(), checked.get(), bad.size(),
                bad.keySet().stream().sorted().limit(10_000).toList()));
        return report;
    }

    private void collect(Snapshot snapshot, String treeHash, String path, Set<String> visited) {
        if (!visited.add(treeHash)) {
            return;
        }
        Tree tree;
        try {
            tree = repo.tree(treeHash);
        } catch (ObjectNotFoundException e) {
            bad.putIfAbsent(treeHash, new BadObject(treeHash, BadObject.Kind.TREE, BadObject.Problem.MISSING, "folder listing (tree) missing",
                    List.of(snapshot.id() + ":" + path + "/")));
            return;
        } catch (StorageException e) {
            bad.putIfAbsent(treeHash, new BadObject(treeHash, BadObject.Kind.TREE, BadObject.Problem.CORRUPT, e.getMessage(),
                    List.of(snapshot.id() + ":" + path + "/")));
            return;
        }
        for (TreeEntry e : tree.entries()) {
            String child = path.isEmpty() ? e.name() : path + "/" + e.name();
            if (e.isDir()) {
                collect(snapshot, e.tree(), child, visited);
            } else if (RepositoryLayout.isHash(e.content())) {
                Facts known = objects.get(e.content());
                if (known == null || known.checksums().values().size() < e.checksums().values().size()) {
                    objects.put(e.content(), new Facts(e.size(), e.checksums()));
                }
            } else {
                bad.putIfAbsent(String.valueOf(e.content()), new BadObject(String.valueOf(e.content()),
                        BadObject.Kind.CONTENT, BadObject.Problem.CORRUPT, "not a SHA-256 reference", List.of(snapshot.id() + ":" + child)));
            }
        }
    }

    /**
     * Lists the objects once and compares names and sizes, and with {@code checksums} the checksums
     * the target reports against those recorded at backup (stat where a listing omits them).
     */
    private void checkListing(boolean checksums) {
        Set<ChecksumAlgorithm> server = repo.target().capabilities().serverChecksums();
        boolean hashOnServer = checksums && server.isEmpty() && repo.target().capabilities().serverHashing();
        if (checksums && server.isEmpty() && !hashOnServer) {
            notes.add(target + " keeps no server-side checksums; only presence and size were checked "
                    + "(use --level content to read the objects back)");
        }
        Map<String, String> toHash = new HashMap<>(); // hash -> key
        Set<String> seen = new HashSet<>();
        AtomicLong unverifiable = new AtomicLong();
        Optional<String> token = Optional.empty();
        do {
            ListPage page = repo.target().list(RepositoryLayout.OBJECTS, token, 1000);
            for (ObjectInfo info : page.objects()) {
                String hash = info.key().substring(info.key().lastIndexOf('/') + 1);
                Facts facts = objects.get(hash);
                if (facts == null) {
                    continue;
                }
                seen.add(hash);
                checked.incrementAndGet();
                if (info.size() != facts.size()) {
                    bad.put(hash, new BadObject(hash, BadObject.Kind.CONTENT, BadObject.Problem.WRONG_SIZE,
                            "size " + info.size() + " instead of " + facts.size(), List.of()));
                } else if (checksums && !server.isEmpty()) {
                    compareChecksums(hash, facts, info, server, unverifiable);
                } else if (hashOnServer) {
                    toHash.put(hash, info.key());
                }
            }
            token = page.nextPageToken();
        } while (token.isPresent());
        if (hashOnServer) {
            notes.add(target + " computed the SHA-256 of " + toHash.size() + " object(s) on the server");
            AtomicReference<StorageException> failure = new AtomicReference<>();
            inParallel(toHash.entrySet().stream().map(e -> () -> {
                if (failure.get() == null) {
                    hashedOnServer(e.getKey(), e.getValue(), failure);
                }
            }));
            if (failure.get() != null) {
                throw failure.get();
            }
        }
        for (Map.Entry<String, Facts> e : objects.entrySet()) {
            if (!seen.contains(e.getKey())) {
                checked.incrementAndGet();
                bad.put(e.getKey(), new BadObject(e.getKey(), BadObject.Kind.CONTENT, BadObject.Problem.MISSING, "not on the target", List.of()));
            }
        }
        if (unverifiable.get() > 0) {
            notes.add(unverifiable.get() + " object(s) have no checksum recorded at backup that " + target
                    + " also keeps (backed up before this target was configured); only their size was checked");
        }
    }

    private void compareChecksums(String hash, Facts facts, ObjectInfo listed, Set<ChecksumAlgorithm> server,
                                  AtomicLong unverifiable) {
        Checksums ours = facts.checksums();
        Checksums listedSums = listed.checksums();
        Checksums theirs = server.stream().anyMatch(a -> ours.get(a).isPresent() && listedSums.get(a).isEmpty())
                ? repo.target().stat(listed.key()).map(ObjectInfo::checksums).orElse(listedSums)
                : listedSums;
        boolean compared = false;
        for (ChecksumAlgorithm a : server) {
            Optional<String> mine = ours.get(a);
            Optional<String> reported = theirs.get(a);
            if (mine.isEmpty() || reported.isEmpty()) {
                continue;
            }
            compared = true;
            if (!mine.get().equals(reported.get())) {
                bad.put(hash, new BadObject(hash, BadObject.Kind.CONTENT, BadObject.Problem.CORRUPT, "the target reports " + a + " " + reported.get()
                        + ", recorded at backup " + mine.get(), List.of()));
                return;
            }
        }
        if (!compared) {
            unverifiable.incrementAndGet();
        }
    }

    /** Compares the SHA-256 the server computes for an object with its name. */
    private void hashedOnServer(String hash, String key, AtomicReference<StorageException> failure) {
        try {
            Optional<String> actual = repo.target().hashOnServer(key).get(ChecksumAlgorithm.SHA256);
            if (actual.isEmpty()) {
                throw new StorageException(target + " computed no SHA-256 for " + key);
            }
            if (!actual.get().equals(hash)) {
                bad.put(hash, new BadObject(hash, BadObject.Kind.CONTENT, BadObject.Problem.CORRUPT,
                        "the server computes SHA-256 " + actual.get(), List.of()));
            }
        } catch (ObjectNotFoundException e) {
            bad.put(hash, new BadObject(hash, BadObject.Kind.CONTENT, BadObject.Problem.MISSING, "not on the target", List.of()));
        } catch (StorageException e) {
            failure.compareAndSet(null, e);
        }
    }

    /** Runs checks on {@code threads} threads, a bounded number queued; stops between checks when cancelled. */
    private void inParallel(java.util.stream.Stream<Runnable> checks) {
        ExecutorService pool = Executors.newFixedThreadPool(options.threads(), r -> {
            Thread t = new Thread(r, "heirloom-verify");
            t.setDaemon(true);
            return t;
        });
        Semaphore slots = new Semaphore(options.threads() * 2);
        try {
            for (Runnable check : (Iterable<Runnable>) checks::iterator) {
                if (options.cancelled().getAsBoolean()) {
                    throw new CancellationException("verification cancelled; nothing recorded");
                }
                slots.acquireUninterruptibly();
                pool.execute(() -> {
                    try {
                        check.run();
                    } finally {
                        slots.release();
                    }
                });
            }
            slots.acquireUninterruptibly(options.threads() * 2);
        } finally {
            pool.shutdownNow();
        }
    }

    private void checkContent(int percent) {
        int shares = (100 + percent - 1) / percent;
        int share = shares > 1 ? repo.readJson(ROTATION, Rotation.class)
                .filter(r -> r.shares() == shares).map(r -> Math.floorMod(r.next(), shares)).orElse(0) : 0;
        inParallel(objects.entrySet().stream()
                .filter(e -> shares == 1 || Integer.parseInt(e.getKey().substring(0, 6), 16) % shares == share)
                .map(e -> () -> readAndHash(e.getKey(), e.getValue().size())));
        if (shares > 1) {
            repo.replaceJson(ROTATION, new Rotation(shares, (share + 1) % shares));
        }
    }

    private void readAndHash(String hash, long size) {
        checked.incrementAndGet();
        MultiDigest digest = MultiDigest.sha256Only();
        byte[] buffer = new byte[1 << 20];
        try (InputStream in = repo.openObject(hash)) {
            int n;
            while ((n = in.read(buffer)) > 0) {
                digest.update(buffer, 0, n);
                bytesRead.addAndGet(n);
            }
        } catch (ObjectNotFoundException e) {
            bad.put(hash, new BadObject(hash, BadObject.Kind.CONTENT, BadObject.Problem.MISSING, "not on the target", List.of()));
            return;
        } catch (StorageException | IOException e) {
            bad.put(hash, new BadObject(hash, BadObject.Kind.CONTENT, BadObject.Problem.UNREADABLE, e.getMessage(), List.of()));
            return;
        }
        String actual = digest.finish().get(ChecksumAlgorithm.SHA256).orElseThrow();
        if (digest.length() != size) {
            bad.put(hash, new BadObject(hash, BadObject.Kind.CONTENT, BadObject.Problem.WRONG_SIZE, "size " + digest.length() + " instead of " + size,
                    List.of()));
        } else if (!actual.equals(hash)) {
            bad.put(hash, new BadObject(hash, BadObject.Kind.CONTENT, BadObject.Problem.CORRUPT, "content hashes to " + actual, List.of()));
        }
    }

    /** Second walk, only when something failed: finds the snapshot paths that refer to each bad object. */
    private List<BadObject> withPaths(List<Snapshot> snapshots, List<BadObject> found) {
        Map<String, List<String>> paths = new HashMap<>();
        for (BadObject b : found) {
            paths.put(b.hash(), new ArrayList<>(b.paths()));
        }
        for (Snapshot s : snapshots) {
            findPaths(s, s.root(), "", paths, new HashSet<>());
        }
        List<BadObject> result = new ArrayList<>();
        for (BadObject b : found) {
            result.add(new BadObject(b.hash(), b.kind(), b.problem(), b.detail(), paths.get(b.hash())));
        }
        result.sort(java.util.Comparator.comparing((BadObject b) -> b.paths().isEmpty() ? "\uffff" : b.paths().get(0))
                .thenComparing(BadObject::hash));
        return Collections.unmodifiableList(result);
    }

    private void findPaths(Snapshot snapshot, String treeHash, String path, Map<String, List<String>> paths,
                           Set<String> visited) {
        if (!visited.add(treeHash)) {
            return;
        }
        Tree tree;
        try {
            tree = repo.tree(treeHash);
        } catch (StorageException e) {
            return;
        }
        for (TreeEntry e : tree.entries()) {
            String child = path.isEmpty() ? e.name() : path + "/" + e.name();
            if (e.isDir()) {
                findPaths(snapshot, e.tree(), child, paths, visited);
            } else {
                List<String> list = paths.get(e.content());
                if (list != null && list.size() < PATHS_PER_OBJECT) {
                    list.add(snapshot.id() + ":" + child);
                }
            }
        }
    }

}
