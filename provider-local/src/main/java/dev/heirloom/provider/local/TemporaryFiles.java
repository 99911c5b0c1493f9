package dev.heirloom.provider.local;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Instant;
import java.util.Set;
import java.util.stream.Stream;

/**
 * The temporary names of a local repository: every file whose name starts with {@link #PREFIX}
 * (a write in progress, a staged file, a batch not yet committed) is never listed nor read as an
 * object, and what killed processes left under such names is removed here.
 */
final class TemporaryFiles {
    private static final Logger LOG = LoggerFactory.getLogger(TemporaryFiles.class);
    /** Reserved: no object key segment may start with it. */
    static final String PREFIX = ".heirloom-tmp-";
    /** Content staged in the repository's root before its name is known. */
    static final String STAGE_PREFIX = PREFIX + "stage-";

    private TemporaryFiles() {
    }

    /**
     * Removes staged files a crashed run left in the root, last modified before {@code before}: at
     * open a day old at least, so that another process's staging in progress is never touched.
     *
     * @return the bytes freed
     */
    static long removeStaged(Path root, Instant before) {
        long freed = 0;
        try (DirectoryStream<Path> stream = Files.newDirectoryStream(root, STAGE_PREFIX + "*")) {
            for (Path p : stream) {
                try {
                    BasicFileAttributes a = Files.readAttributes(p, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
                    if (a.lastModifiedTime().toInstant().isBefore(before) && Files.deleteIfExists(p)) {
                        freed += a.size();
                        LOG.info("removed {}, left staged by an interrupted run", p);
                    }
                } catch (IOException e) {
                    LOG.debug("cannot remove {}: {}", p, e.getMessage());
                }
            }
        } catch (IOException e) {
            LOG.debug("cannot look for stale staged files in {}: {}", root, e.getMessage());
        }
        return freed;
    }

    /**
     * Removes the temporary files that killed writes left beside their objects (a batch never
     * committed, a write cut short), last modified before {@code before}, except {@code keep}: one
     * walk of the repository.
     *
     * @return the bytes freed
     */
    static long removeAll(Path root, Instant before, Set<Path> keep) {
        long[] freed = {0};
        try (Stream<Path> walk = Files.walk(root)) {
            walk.filter(p -> p.getFileName().toString().startsWith(PREFIX) && !keep.contains(p)).forEach(p -> {
                try {
                    BasicFileAttributes a = Files.readAttributes(p, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
                    if (a.isRegularFile() && a.lastModifiedTime().toInstant().isBefore(before) && Files.deleteIfExists(p)) {
                        freed[0] += a.size();
                    }
                } catch (IOException e) {
                    LOG.debug("cannot remove {}: {}", p, e.getMessage());
                }
            });
        } catch (IOException | UncheckedIOException e) {
            LOG.debug("cannot look for temporary files under {}: {}", root, e.getMessage());
        }
        if (freed[0] > 0) {
            LOG.info("removed {} bytes that interrupted writes left under temporary names", freed[0]);
        }
        return freed[0];
    }

    static void deleteQuietly(Path p) {
        try {
            Files.deleteIfExists(p);
        } catch (IOException e) {
            LOG.debug("cannot delete temporary {}: {}", p, e.getMessage());
        }
    }
}
