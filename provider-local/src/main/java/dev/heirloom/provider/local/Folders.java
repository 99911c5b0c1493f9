package dev.heirloom.provider.local;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The folders of a local repository: each created once (and again if removed meanwhile), and, when
 * flushing is on, the folders that received new entries flushed together by {@link #flush()}.
 */
final class Folders {
    private static final Logger LOG = LoggerFactory.getLogger(Folders.class);

    /** A step on a file in a folder that may fail because the folder is missing. */
    interface Step {
        void run() throws IOException;
    }

    private final Path root;
    private final boolean fsync;
    private final Set<Path> dirty = ConcurrentHashMap.newKeySet();
    private final Set<Path> known = ConcurrentHashMap.newKeySet();

    Folders(Path root, boolean fsync) {
        this.root = root;
        this.fsync = fsync;
    }

    /** Runs {@code step} on a file in {@code dir}, creating the folder first when needed and again if it vanished. */
    void in(Path dir, Step step) throws IOException {
        ensure(dir);
        try {
            step.run();
        } catch (NoSuchFileException folderRemoved) {
            create(dir);
            step.run();
        }
    }

    /** Creates the folder unless it is known to exist. */
    void ensure(Path dir) throws IOException {
        if (!known.contains(dir)) {
            create(dir);
        }
    }

    /** The folder received a new entry, to be flushed by the next {@link #flush()}. */
    void received(Path dir) {
        if (fsync) {
            dirty.add(dir);
        }
        known.add(dir);
    }

    /** Forgets the entries to flush: a sync of the whole file system made them durable. */
    void synced() {
        dirty.clear();
    }

    /** Flushes every folder that received entries since the last flush, and the root. */
    void flush() {
        for (Path folder : new ArrayList<>(dirty)) {
            dirty.remove(folder);
            force(folder);
        }
        force(root);
    }

    /** Creates a folder and marks it and its parents for the next {@link #flush()}. */
    private void create(Path dir) throws IOException {
        Files.createDirectories(dir);
        if (fsync) {
            for (Path p = dir; p != null && p.startsWith(root); p = p.getParent()) {
                dirty.add(p);
            }
        }
        known.add(dir);
    }

    private static void force(Path dir) {
        try (FileChannel ch = FileChannel.open(dir, StandardOpenOption.READ)) {
            ch.force(true);
        } catch (IOException e) {
            LOG.debug("cannot flush folder {}: {}", dir, e.getMessage());
        }
    }
}
