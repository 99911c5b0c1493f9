package dev.heirloom.schedule;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.file.ClosedWatchServiceException;
import java.nio.file.FileSystems;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.StandardWatchEventKinds;
import java.nio.file.WatchEvent;
import java.nio.file.WatchKey;
import java.nio.file.WatchService;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Watches the source tree (every folder, including folders created later) and calls
 * {@code onQuiet} once changes have stopped for the quiet period, so a phone import of hundreds
 * of photos starts one backup, minutes after its last file, not hundreds. Uses the platform's
 * file events (inotify on Linux); when the platform drops events, the next quiet period still fires.
 */
final class SourceWatcher implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(SourceWatcher.class);

    private final Path root;
    private final Duration quiet;
    private final Runnable onQuiet;
    private final WatchService service;
    private final Map<WatchKey, Path> keys = new HashMap<>();
    private final Thread thread;
    private volatile boolean closed;

    SourceWatcher(Path root, Duration quiet, Runnable onQuiet) throws IOException {
        this.root = root;
        this.quiet = quiet;
        this.onQuiet = onQuiet;
        this.service = FileSystems.getDefault().newWatchService();
        registerTree(root);
        this.thread = new Thread(this::loop, "heirloom-watch");
        thread.setDaemon(true);
        thread.start();
        LOG.info("watching {} ({} folders); a backup starts {} after changes stop", root, keys.size(), quiet);
    }

    private void registerTree(Path top) throws IOException {
        Files.walkFileTree(top, new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attrs) throws IOException {
                keys.put(dir.register(service, StandardWatchEventKinds.ENTRY_CREATE, StandardWatchEventKinds.ENTRY_MODIFY,
                        StandardWatchEventKinds.ENTRY_DELETE), dir);
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult visitFileFailed(Path file, IOException e) {
                LOG.warn("cannot watch {}: {}", file, e.getMessage());
                return FileVisitResult.CONTINUE;
            }
        });
    }

    private void loop() {
        long lastChange = -1;
        while (!closed) {
            WatchKey key;
            try {
                key = lastChange < 0 ? service.take() : service.poll(quiet.toMillis() / 4 + 1, TimeUnit.MILLISECONDS);
            } catch (InterruptedException | ClosedWatchServiceException e) {
                return;
            }
            if (key != null) {
                lastChange = System.nanoTime();
                handle(key);
            } else if (lastChange >= 0 && System.nanoTime() - lastChange >= quiet.toNanos()) {
                lastChange = -1;
                try {
                    onQuiet.run();
                } catch (RuntimeException e) {
                    LOG.error("starting a backup after changes in {} failed: {}", root, e.getMessage(), e);
                }
            }
        }
    }

    private void handle(WatchKey key) {
        Path dir = keys.get(key);
        for (WatchEvent<?> event : key.pollEvents()) {
            if (event.kind() == StandardWatchEventKinds.OVERFLOW || dir == null) {
                continue;
            }
            Path child = dir.resolve((Path) event.context());
            if (event.kind() == StandardWatchEventKinds.ENTRY_CREATE && Files.isDirectory(child)) {
                try {
                    registerTree(child);
                } catch (IOException e) {
                    LOG.warn("cannot watch new folder {}: {}", child, e.getMessage());
                }
            }
        }
        if (!key.reset()) {
            keys.remove(key);
        }
    }

    @Override
    public void close() {
        closed = true;
        try {
            service.close();
        } catch (IOException e) {
            LOG.debug("closing the watch service: {}", e.getMessage());
        }
        thread.interrupt();
    }
}
