package dev.heirloom.verify;

import dev.heirloom.repository.ObjectFiles;
import dev.heirloom.repository.Repository;
import dev.heirloom.repository.RepositoryLayout;
import dev.heirloom.repository.Snapshot;
import dev.heirloom.repository.ReferencedObjects;
import dev.heirloom.spi.TargetUnavailableException;
import dev.heirloom.spi.ObjectInfo;
import dev.heirloom.spi.ObjectNotFoundException;
import dev.heirloom.spi.StorageException;
import dev.heirloom.spi.ChecksumAlgorithm;
import dev.heirloom.spi.Checksums;

import java.io.IOException;
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
    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(Verifier.class);
    private static final int LISTED = 1000;
    private static final int PATHS_PER_OBJECT = 20;
    static final String ROTATION = RepositoryLayout.VERIFY_ROTATION;

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
        /** Options of a verification that cannot be cancelled. */
        public Options(VerifyLevel level, int samplePercent, int threads, Clock clock) {
            this(level, samplePercent, threads, clock, () -> false);
        }

        /** The sample is 1 to 100 percent; at least one thread. */
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
    /** The first transient error of a content check: the run then records nothing. */
    private final AtomicReference<StorageException> outage = new AtomicReference<>();

    /** Verifies {@code repo} (named {@code target} in the report) as {@code options} say. */
    public Verifier(String target, Repository repo, Options options) {
        this.target = target;
        this.repo = repo;
        this.options = options;
    }

    private dev.heirloom.progress.OperationProgress progress = dev.heirloom.progress.OperationProgress.NONE;

    /** Runs the verification. */
    public VerifyReport run() {
        return run(dev.heirloom.progress.OperationProgress.NONE);
    }

    /** Runs the verification, telling {@code progress} how far it has come. */
    public VerifyReport run(dev.heirloom.progress.OperationProgress progress) {
        this.progress = progress;
        Instant started = options.clock().instant();
        List<Snapshot> snapshots = repo.snapshots();
        repo.unreadableSnapshots().forEach((key, why) -> bad.put(key, new BadObject(key, BadObject.Kind.SNAPSHOT,
                BadObject.Problem.CORRUPT, why + "; every target of that backup holds the same file: 'heirloom repair' "
                + "copies it back", List.of())));
        collect(snapshots);
        int percent = options.level() == VerifyLevel.CONTENT ? options.samplePercent() : 100;
        if (options.level() == VerifyLevel.CONTENT) {
            checkContent(percent);
            try {
                repo.objects().saveRecords();
            } catch (StorageException e) {
                LOG.warn("{}: the ciphertext checksums of objects just read were not recorded: {}", target, e.getMessage());
            }
        } else {
            progress.total(objects.size(), 0);
            checkListing(options.level() == VerifyLevel.CHECKSUM);
        }
        List<BadObject> listed = new ArrayList<>(bad.values());
        if (!listed.isEmpty()) {
            listed = withPaths(snapshots, listed);
        }
        Instant finished = options.clock().instant();
        record(RepositoryLayout.lastVerification(options.level().label()), new VerificationRecord(finished,
                options.level(), percent, objects.size(), checked.get(), bad.size(),
                bad.keySet().stream().sorted().limit(10_000).toList()));
        return new VerifyReport(target, options.level(), percent, snapshots.size(), objects.size(),
                checked.get(), bytesRead.get(), listed.subList(0, Math.min(LISTED, listed.size())), bad.size(), started,
                finished, notes);
    }

    /**
     * Writes verification state to the target. Where it cannot be written (a read-only medium) the
     * verification still stands for this run, with a note: status will not see its result.
     */
    private void record(String key, Object value) {
        try {
            repo.replaceJson(key, value);
        } catch (StorageException e) {
            if (e.isTransient()) {
                throw e;
            }
            LOG.warn("{}: cannot record {}: {}", target, key, e.getMessage());
            notes.add(target + ": the result could not be recorded on the target (" + e.getMessage()
                    + "), so status does not count it");
        }
    }

    /** Gathers every object the snapshots reference (suspect contents included), each tree read once. */
    private void collect(List<Snapshot> snapshots) {
        ReferencedObjects.distinct(repo).walk(snapshots, new ReferencedObjects.Visitor() {
            @Override
            public void unreadableTree(String hash, boolean missing, StorageException error, Snapshot snapshot,
                                       String path) {
                if (!missing && error.isTransient()) {
                    throw unreachable(error);
                }
                bad.putIfAbsent(hash, new BadObject(hash, BadObject.Kind.TREE,
                        missing ? BadObject.Problem.MISSING : BadObject.Problem.CORRUPT,
                        missing ? "folder listing (tree) missing" : error.getMessage(),
                        List.of(snapshot.id() + ":" + path + "/")));
            }

            @Override
            public void object(ReferencedObjects.ObjectRef ref) {
                Facts known = objects.get(ref.hash());
                if (known == null || known.checksums().values().size() < ref.recorded().values().size()) {
                    objects.put(ref.hash(), new Facts(ref.size(), ref.recorded()));
                }
            }

            @Override
            public void badReference(String value, Snapshot snapshot, String path) {
                bad.putIfAbsent(value, new BadObject(value, BadObject.Kind.CONTENT, BadObject.Problem.CORRUPT,
                        "not a SHA-256 reference", List.of(snapshot.id() + ":" + path)));
            }
        });
    }

    /**
     * The target stopped answering: what was not checked is unverified, not damaged, so the run
     * records nothing (the last record and compliance stay as they were).
     */
    private StorageException unreachable(StorageException e) {
        return new TargetUnavailableException(target + " became unreachable during verification after "
                + checked.get() + " object(s); nothing was recorded, run it again: " + e.getMessage(), e);
    }

    /**
     * Lists the objects once and compares names and sizes, and with {@code checksums} the checksums
     * the target reports against those recorded at backup (stat where a listing omits them).
     */
    private void checkListing(boolean checksums) {
        Set<ChecksumAlgorithm> server = repo.objects().reportedChecksums();
        boolean hashOnServer = checksums && server.isEmpty() && repo.objects().hashesOnServer();
        if (checksums && server.isEmpty() && !hashOnServer) {
            notes.add(target + " keeps no server-side checksums; only presence and size were checked "
                    + "(use --level content to read the objects back)");
        }
        Set<String> toHash = new HashSet<>();
        Set<String> seen = new HashSet<>();
        AtomicLong unverifiable = new AtomicLong();
        java.util.function.Function<String, String> hashOfKey = repo.objects().hashesOfKeys(objects.keySet());
        repo.objects().forEach(info -> {
            String hash = hashOfKey.apply(info.key());
            if (hash == null) {
                return;
            }
            Facts facts = objects.get(hash);
            seen.add(hash);
            checked.incrementAndGet();
            progress.done(1, 0);
            long stored = repo.objects().storedSize(facts.size());
            if (info.size() != stored) {
                bad.put(hash, new BadObject(hash, BadObject.Kind.CONTENT, BadObject.Problem.WRONG_SIZE,
                        stored == facts.size() ? "size " + info.size() + " instead of " + facts.size()
                                : "stored size " + info.size() + " instead of " + stored + " (" + facts.size()
                                + " bytes of content)", List.of()));
            } else if (checksums && !server.isEmpty()) {
                compareChecksums(hash, facts, info, server, unverifiable);
            } else if (hashOnServer) {
                toHash.add(hash);
            }
        });
        if (hashOnServer) {
            notes.add(target + " computed the SHA-256 of " + toHash.size() + " object(s) on the server");
            AtomicReference<StorageException> failure = new AtomicReference<>();
            inParallel(toHash.stream().map(hash -> () -> {
                if (failure.get() == null) {
                    hashedOnServer(hash, failure, unverifiable);
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
                    + (repo.encrypted() ? " also keeps (their upload's record is missing: uploaded before this "
                    + "Heirloom recorded them, or by a run that was killed)"
                    : " also keeps (backed up before this target was configured)")
                    + "; only their size was checked (--level content reads them"
                    + (repo.encrypted() ? ", and records the checksums of those it finds sound)" : ")"));
        }
    }

    private void compareChecksums(String hash, Facts facts, ObjectInfo listed, Set<ChecksumAlgorithm> server,
                                  AtomicLong unverifiable) {
        List<Checksums> expected = repo.objects().storedChecksums(hash, facts.checksums());
        Checksums listedSums = listed.checksums();
        Checksums theirs = expected.stream().anyMatch(ours -> server.stream().anyMatch(
                a -> ours.get(a).isPresent() && listedSums.get(a).isEmpty()))
                ? repo.objects().stat(hash).map(ObjectInfo::checksums).orElse(listedSums)
                : listedSums;
        String mismatch = null;
        for (Checksums ours : expected) {
            boolean compared = false;
            String differs = null;
            for (ChecksumAlgorithm a : server) {
                Optional<String> mine = ours.get(a);
                Optional<String> reported = theirs.get(a);
                if (mine.isEmpty() || reported.isEmpty()) {
                    continue;
                }
                compared = true;
                if (!mine.get().equals(reported.get())) {
                    differs = "the target reports " + a + " " + reported.get() + ", recorded at backup " + mine.get();
                    break;
                }
            }
            if (compared && differs == null) {
                return;
            }
            mismatch = mismatch == null ? differs : mismatch;
        }
        if (mismatch != null) {
            bad.put(hash, new BadObject(hash, BadObject.Kind.CONTENT, BadObject.Problem.CORRUPT, mismatch, List.of()));
        } else {
            unverifiable.incrementAndGet();
        }
    }

    /**
     * Compares the SHA-256 the server computes for an object with what its stored bytes should hash
     * to (its name; an encrypted object's recorded ciphertext hash).
     */
    private void hashedOnServer(String hash, AtomicReference<StorageException> failure, AtomicLong unverifiable) {
        try {
            List<String> expected = repo.objects().storedChecksums(hash, Checksums.none()).stream()
                    .flatMap(sums -> sums.get(ChecksumAlgorithm.SHA256).stream()).toList();
            if (expected.isEmpty()) {
                unverifiable.incrementAndGet();
                return;
            }
            Optional<String> actual = repo.objects().hashOnServer(hash).get(ChecksumAlgorithm.SHA256);
            if (actual.isEmpty()) {
                throw new StorageException(target + " computed no SHA-256 for object " + hash);
            }
            if (!expected.contains(actual.get())) {
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
        java.util.function.Predicate<Map.Entry<String, Facts>> inShare =
                e -> shares == 1 || Integer.parseInt(e.getKey().substring(0, 6), 16) % shares == share;
        progress.total(objects.entrySet().stream().filter(inShare).count(),
                objects.entrySet().stream().filter(inShare).mapToLong(e -> e.getValue().size()).sum());
        inParallel(objects.entrySet().stream().filter(inShare)
                .map(e -> () -> readAndHash(e.getKey(), e.getValue().size())));
        if (outage.get() != null) {
            throw unreachable(outage.get());
        }
        if (shares > 1) {
            record(ROTATION, new Rotation(shares, (share + 1) % shares));
        }
    }

    private void readAndHash(String hash, long size) {
        if (outage.get() != null) {
            return;
        }
        checked.incrementAndGet();
        ObjectFiles.ReadBack read;
        try {
            read = repo.objects().readBack(hash, n -> {
                bytesRead.addAndGet(n);
                progress.done(0, n);
            });
            progress.done(1, 0);
        } catch (ObjectNotFoundException e) {
            bad.put(hash, new BadObject(hash, BadObject.Kind.CONTENT, BadObject.Problem.MISSING, "not on the target", List.of()));
            return;
        } catch (StorageException e) {
            if (e.isTransient()) {
                outage.compareAndSet(null, e);
                return;
            }
            bad.put(hash, new BadObject(hash, BadObject.Kind.CONTENT, BadObject.Problem.UNREADABLE, e.getMessage(), List.of()));
            return;
        } catch (IOException e) {
            bad.put(hash, new BadObject(hash, BadObject.Kind.CONTENT, BadObject.Problem.UNREADABLE, e.getMessage(), List.of()));
            return;
        }
        String actual = read.sha256();
        if (read.size() != size) {
            bad.put(hash, new BadObject(hash, BadObject.Kind.CONTENT, BadObject.Problem.WRONG_SIZE, "size " + read.size() + " instead of " + size,
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
        ReferencedObjects.everyPath(repo).walk(snapshots, ref -> {
            List<String> list = paths.get(ref.hash());
            if (list != null && list.size() < PATHS_PER_OBJECT && !list.contains(ref.where())) {
                list.add(ref.where());
            }
        });
        List<BadObject> result = new ArrayList<>();
        for (BadObject b : found) {
            result.add(new BadObject(b.hash(), b.kind(), b.problem(), b.detail(), paths.get(b.hash())));
        }
        result.sort(java.util.Comparator.comparing((BadObject b) -> b.paths().isEmpty() ? "\uffff" : b.paths().get(0))
                .thenComparing(BadObject::hash));
        return Collections.unmodifiableList(result);
    }
}
