package dev.heirloom.schedule;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import dev.heirloom.spi.InvalidConfigException;
import dev.heirloom.spi.StorageException;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * When each job last started a run that ended (not cancelled), kept in a small JSON file so that
 * runs missed while the process was down are caught up at the next start. Without a file the
 * times live in memory only.
 */
final class LastRuns {
    private static final ObjectMapper JSON = new ObjectMapper().registerModule(new JavaTimeModule())
            .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS).enable(SerializationFeature.INDENT_OUTPUT);

    /** The file's content. */
    record State(int version, Map<String, Instant> lastRuns) {
    }

    private final Path file;
    private final Map<String, Instant> runs = new TreeMap<>();

    LastRuns(Path file) {
        this.file = file;
        if (file != null && Files.exists(file)) {
            try {
                State s = JSON.readValue(file.toFile(), State.class);
                if (s.lastRuns() != null) {
                    runs.putAll(s.lastRuns());
                }
            } catch (IOException e) {
                throw new InvalidConfigException("the schedule state file " + file + " cannot be read (" + e.getMessage()
                        + "); move it away to start afresh");
            }
        }
    }

    synchronized Optional<Instant> get(String job) {
        return Optional.ofNullable(runs.get(job));
    }

    synchronized void record(String job, Instant started) {
        runs.put(job, started);
        if (file == null) {
            return;
        }
        try {
            Path dir = file.toAbsolutePath().getParent();
            Files.createDirectories(dir);
            Path tmp = Files.createTempFile(dir, ".schedule-", ".tmp");
            try {
                JSON.writeValue(tmp.toFile(), new State(1, new TreeMap<>(runs)));
                Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } finally {
                Files.deleteIfExists(tmp);
            }
        } catch (IOException e) {
            throw new StorageException("cannot write the schedule state file " + file + ": " + e.getMessage(), e);
        }
    }
}
