package dev.heirloom;

import java.io.IOException;
import java.net.URI;
import java.nio.file.FileStore;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Finds places that are on one file system: the source and local targets, two folders on one USB
 * disk labelled as different media, a "backup" folder on the photos' own disk. One disk failure
 * takes all of them, so they are not independent copies whatever media they are labelled; the
 * notes say so in plan and status.
 */
final class SameDevice {
    private SameDevice() {
    }

    /**
     * @param places each place's local folder by name (the source first); other places are left out
     * @return one note per file system that holds more than one of them
     */
    static List<String> notes(Map<String, Path> places) {
        Map<FileStore, List<String>> byStore = new LinkedHashMap<>();
        for (Map.Entry<String, Path> p : places.entrySet()) {
            FileStore store = storeOf(p.getValue());
            if (store != null) {
                byStore.computeIfAbsent(store, s -> new ArrayList<>()).add(p.getKey());
            }
        }
        List<String> notes = new ArrayList<>();
        byStore.forEach((store, names) -> {
            if (names.size() > 1) {
                String all = String.join(", ", names.subList(0, names.size() - 1)) + " and " + names.get(names.size() - 1);
                notes.add(all + " are on one file system (" + store.name() + ", "
                        + store.type() + "): one disk failure takes them all, so they are not independent copies, "
                        + "whatever media they are labelled");
            }
        });
        return notes;
    }

    /** A target's local folder, when its location is a {@code file:} URI. */
    static Path localFolder(URI location) {
        return "file".equals(location.getScheme()) ? Path.of(location) : null;
    }

    /** The file system of a folder, or of its nearest existing parent (a folder not created yet). */
    private static FileStore storeOf(Path folder) {
        Path p = folder.toAbsolutePath().normalize();
        while (p != null && !Files.exists(p)) {
            p = p.getParent();
        }
        try {
            return p == null ? null : Files.getFileStore(p);
        } catch (IOException | SecurityException e) {
            return null;
        }
    }
}
