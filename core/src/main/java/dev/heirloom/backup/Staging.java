package dev.heirloom.backup;

import dev.heirloom.repository.PrefixHashes;
import dev.heirloom.repository.TreeEntry;
import dev.heirloom.source.SourceEntry;
import dev.heirloom.spi.ChecksumAlgorithm;
import dev.heirloom.spi.ChecksumMismatchException;
import dev.heirloom.spi.Checksums;
import dev.heirloom.spi.MultiDigest;
import dev.heirloom.spi.StagedObject;
import dev.heirloom.spi.StorageException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

/**
 * Copies a new large file to the targets that can stage while it is hashed, so that it is read
 * once: each target stores it under a temporary name (stable for the same path, size and mtime,
 * so an interrupted upload can resume), and once the hash is known the staged copy is published
 * as the object. A target whose staging fails gets the usual write instead.
 */
final class Staging {
    private static final Logger LOG = LoggerFactory.getLogger(Staging.class);

    private final RunContext run;
    private final SourceReader reader;

    Staging(RunContext run, SourceReader reader) {
        this.run = run;
        this.reader = reader;
    }

    /** What a single read of a large file left staged on each target. */
    final class Staged implements AutoCloseable {
        final long size;
        final Map<Lane, StagedObject> staged = new HashMap<>();
        Checksums sums;
        /** What a second read for the targets that did not stage is checked against. */
        Optional<PrefixHashes> prefixes = Optional.empty();

        Staged(long size) {
            this.size = size;
        }

        /**
         * Names the staged content on each target that needs it.
         *
         * @return the targets that need it but have nothing staged: they get the usual write
         */
        List<Lane> publish(String hash, List<Lane> needing) {
            List<Lane> rest = new ArrayList<>();
            for (Lane lane : needing) {
                StagedObject staged = this.staged.get(lane);
                if (staged == null) {
                    rest.add(lane);
                    continue;
                }
                try {
                    if (lane.repo.objects().publish(hash, staged, sums)) {
                        lane.wrote(size);
                    } else {
                        lane.objectsPresent.incrementAndGet();
                    }
                } catch (ChecksumMismatchException e) {
                    LOG.warn("{}: the staged copy of {} differs from what was read; writing it again: {}",
                            lane.name, hash, e.getMessage());
                    rest.add(lane);
                } catch (StorageException e) {
                    lane.fail(e);
                }
            }
            return rest;
        }

        @Override
        public void close() {
            staged.values().forEach(StagedObject::close);
        }
    }

    /**
     * The targets on which a new large file is best copied while it is hashed: those that can
     * stage and hold no file of the same size at this path. A file of unchanged size whose
     * modification time moved is probably the same content (a copied or touched library); it is
     * hashed first, so nothing is sent for it.
     */
    List<Lane> stagers(SourceEntry file, TreeEntry[] laneEntries) {
        if (run.options.dryRun() || file.size() <= run.options.smallFileLimit()) {
            return List.of();
        }
        List<Lane> stagers = new ArrayList<>();
        for (int i = 0; i < run.lanes.size(); i++) {
            Lane lane = run.lanes.get(i);
            TreeEntry held = laneEntries[i];
            if (lane.alive() && lane.repo.capabilities().staging()
                    && (held == null || !held.isFile() || held.size() != file.size())) {
                stagers.add(lane);
            }
        }
        return stagers;
    }

    /**
     * Reads a file once, hashing it while the given targets stage it.
     *
     * @return the checksums and what each target staged; null when the file changed while being
     *         read (nothing staged is kept)
     */
    Staged stage(SourceEntry file, String rel, List<Lane> stagers) throws IOException {
        run.filesRead.incrementAndGet();
        // the path's own bytes: two names that differ only in bytes that are not UTF-8 stage apart
        java.io.ByteArrayOutputStream key = new java.io.ByteArrayOutputStream();
        key.writeBytes((run.source.label() + "\n").getBytes(StandardCharsets.UTF_8));
        key.writeBytes(dev.heirloom.repository.FileName.bytes(rel));
        key.writeBytes(("\n" + file.size() + "\n" + file.mtime()).getBytes(StandardCharsets.UTF_8));
        String name = MultiDigest.sha256Hex(key.toByteArray()).substring(0, 40);
        MultiDigest digest = new MultiDigest(run.extraChecksums);
        PrefixHashes.Recorder recorder = new PrefixHashes.Recorder(digest);
        Staged staging = new Staged(file.size());
        if (stagers.size() == 1) {
            Lane lane = stagers.get(0);
            try {
                staging.staged.put(lane, lane.repo.objects().stage(name, new HashingFileSource(file.path(), file.size(),
                        recorder, run::count)));
            } catch (StorageException e) {
                LOG.debug("{}: staging {} failed, it is written the usual way: {}", lane.name, rel, e.getMessage());
            }
        } else {
            FileFanOut fan = new FileFanOut(file.path(), file.size(), stagers.size(), true);
            List<CompletableFuture<Void>> stages = new ArrayList<>();
            for (int k = 0; k < stagers.size(); k++) {
                int slot = k;
                Lane lane = stagers.get(k);
                stages.add(CompletableFuture.runAsync(() -> {
                    try {
                        StagedObject staged = lane.repo.objects().stage(name, fan.source(slot));
                        synchronized (staging) {
                            staging.staged.put(lane, staged);
                        }
                    } catch (StorageException e) {
                        LOG.debug("{}: staging {} failed, it is written the usual way: {}", lane.name, rel, e.getMessage());
                    } finally {
                        fan.writerDone(slot);
                    }
                }, run.fanOutPool));
            }
            try {
                fan.pump(chunk -> {
                    recorder.update(chunk, 0, chunk.length);
                    run.count(chunk.length);
                });
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IOException("interrupted", e);
            } finally {
                stages.forEach(CompletableFuture::join);
            }
            if (fan.sourceError() != null) {
                staging.close();
                throw fan.sourceError();
            }
        }
        if (staging.staged.isEmpty()) {
            // no target took it (each falls back to the usual write): hash it on its own
            SourceReader.Hashed h = reader.hash(file);
            if (h == null) {
                return null;
            }
            staging.sums = h.sums;
            staging.prefixes = h.prefixes;
            return staging;
        }
        SourceEntry after;
        try {
            after = reader.restat(file);
        } catch (IOException e) {
            staging.close();
            throw e;
        }
        if (digest.length() != file.size() || after.size() != file.size() || !after.mtime().equals(file.mtime())) {
            staging.close();
            return null;
        }
        staging.sums = digest.finish();
        staging.prefixes = Optional.of(recorder.finish(staging.sums.get(ChecksumAlgorithm.SHA256).orElseThrow()));
        return staging;
    }
}
