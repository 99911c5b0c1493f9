package dev.heirloom.cli;

import dev.heirloom.Heirloom;
import dev.heirloom.TargetSpec;
import dev.heirloom.browse.FileVersions;
import dev.heirloom.browse.RepositoryStats;
import dev.heirloom.browse.SnapshotBrowser;
import dev.heirloom.browse.SnapshotDiff;
import dev.heirloom.browse.SnapshotEntry;
import dev.heirloom.plan.Sizes;
import dev.heirloom.repository.Snapshot;
import dev.heirloom.repository.TreeEntry;
import dev.heirloom.spi.InvalidConfigException;
import dev.heirloom.spi.StorageException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;

/**
 * The commands that look into a target without restoring it, as restic and kopia users know
 * them: {@code ls}, {@code find}, {@code diff}, {@code dump}, {@code stats}. A snapshot is named
 * by {@code latest} or an id prefix; without {@code --target} the first configured target that
 * can be opened is read.
 */
final class BrowseCommands {
    private static final DateTimeFormatter WHEN = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm", Locale.ROOT)
            .withZone(ZoneId.systemDefault());

    private BrowseCommands() {
    }

    /** Options of every browsing command: which target, and opening its snapshots. */
    abstract static class Browsing extends HeirloomCli.Common {
        @Option(names = {"-t", "--target"}, paramLabel = "NAME", description = "target to read (default: the first "
                + "configured target that can be opened)")
        String target;

        /** The browser of the chosen target; the name read goes to {@code chosen[0]}. */
        SnapshotBrowser browser(Heirloom h, String[] chosen) {
            StorageException last = null;
            for (TargetSpec t : chosen(h, target)) {
                try {
                    SnapshotBrowser b = h.browse(t.name());
                    b.latest(); // can it be read? one read, not every snapshot file
                    chosen[0] = t.name();
                    return b;
                } catch (StorageException e) {
                    if (target != null) {
                        throw e;
                    }
                    spec.commandLine().getErr().println("heirloom: " + t.name() + ": " + e.getMessage() + "; trying the next target");
                    last = e;
                }
            }
            throw last != null ? last : new StorageException("no target is configured");
        }

        void warn(String what) {
            spec.commandLine().getErr().println("heirloom: cannot read " + what);
        }
    }

    @Command(name = "ls", description = "List the files of a snapshot (or of one folder of it).")
    static final class Ls extends Browsing implements Callable<Integer> {
        @Parameters(index = "0", paramLabel = "SNAPSHOT", description = "'latest' or a snapshot id (prefix)")
        String snapshot;

        @Parameters(index = "1", arity = "0..1", paramLabel = "PATH", description = "a folder or file in the snapshot")
        String path;

        @Option(names = {"-l", "--long"}, description = "with type, size and modification time")
        boolean longFormat;

        @Override
        public Integer call() {
            try (Heirloom h = open()) {
                String[] name = new String[1];
                SnapshotBrowser b = browser(h, name);
                Snapshot s = b.snapshot(snapshot);
                List<Map<String, Object>> rows = new ArrayList<>();
                PrintWriter out = out();
                if (!json) {
                    out.printf(Locale.ROOT, "snapshot %s of %s at %s on %s%n", s.id().substring(0, 8), s.source(),
                            WHEN.format(s.time()), name[0]);
                }
                b.list(s, path, e -> {
                    if (json) {
                        rows.add(entryJson(e));
                    } else if (longFormat) {
                        out.printf(Locale.ROOT, "%s %10s  %s  %s%n", e.entry().isDir() ? "d" : "-",
                                e.entry().isDir() ? "" : Sizes.human(e.entry().size()), WHEN.format(e.entry().mtime()),
                                display(e));
                    } else {
                        out.println(display(e));
                    }
                });
                if (json) {
                    Map<String, Object> m = new LinkedHashMap<>();
                    m.put("snapshot", s.id());
                    m.put("target", name[0]);
                    m.put("entries", rows);
                    Output.json(out, name(), m);
                }
                return HeirloomCli.OK;
            }
        }
    }

    @Command(name = "find", description = "Find the files whose name matches a pattern (with a '/', whose path does) "
            + "in every snapshot, with each version.")
    static final class Find extends Browsing implements Callable<Integer> {
        @Parameters(index = "0", paramLabel = "PATTERN", description = "a glob: IMG_0001.jpg, '*.heic', '2019/**'")
        String pattern;

        @Override
        public Integer call() {
            try (Heirloom h = open()) {
                String[] name = new String[1];
                SnapshotBrowser b = browser(h, name);
                List<String> unreadable = new ArrayList<>();
                List<FileVersions> found = b.find(pattern, unreadable::add);
                unreadable.forEach(this::warn);
                if (json) {
                    List<Map<String, Object>> rows = new ArrayList<>();
                    for (FileVersions f : found) {
                        Map<String, Object> m = new LinkedHashMap<>();
                        m.put("path", f.path());
                        m.put("versions", f.versions().stream().map(v -> {
                            Map<String, Object> x = entryJson(new SnapshotEntry(f.path(), v.entry()));
                            x.remove("path");
                            x.put("snapshot", v.snapshot().id());
                            x.put("snapshotTime", v.snapshot().time().toString());
                            return x;
                        }).toList());
                        rows.add(m);
                    }
                    Output.json(out(), name(), Map.of("target", name[0], "pattern", pattern, "files", rows));
                } else {
                    for (FileVersions f : found) {
                        out().printf(Locale.ROOT, "%s: in %d snapshot(s), %d version(s) of its content%n", f.path(),
                                f.versions().size(), f.distinctContents());
                        for (FileVersions.Version v : f.versions()) {
                            out().printf(Locale.ROOT, "  %s  %s  %10s  modified %s  %s%n", v.snapshot().id().substring(0, 8),
                                    WHEN.format(v.snapshot().time()), Sizes.human(v.entry().size()),
                                    WHEN.format(v.entry().mtime()), v.entry().content().substring(0, 12));
                        }
                    }
                    if (found.isEmpty()) {
                        out().println("no file matches " + pattern + " on " + name[0]);
                    }
                }
                return found.isEmpty() || !unreadable.isEmpty() ? HeirloomCli.FAILED : HeirloomCli.OK;
            }
        }
    }

    @Command(name = "diff", description = "Show the files added, removed and modified between two snapshots, and "
            + "those whose content changed while size and time did not (possible bit rot).")
    static final class Diff extends Browsing implements Callable<Integer> {
        @Parameters(index = "0", paramLabel = "FROM", description = "the older snapshot")
        String from;

        @Parameters(index = "1", paramLabel = "TO", description = "the newer snapshot ('latest')")
        String to;

        @Override
        public Integer call() {
            try (Heirloom h = open()) {
                String[] name = new String[1];
                SnapshotBrowser b = browser(h, name);
                Snapshot a = b.snapshot(from);
                Snapshot z = b.snapshot(to);
                SnapshotDiff d = b.diff(a, z);
                if (json) {
                    Map<String, Object> m = new LinkedHashMap<>();
                    m.put("from", d.from());
                    m.put("to", d.to());
                    m.put("added", d.added().stream().map(BrowseCommands::entryJson).toList());
                    m.put("removed", d.removed().stream().map(BrowseCommands::entryJson).toList());
                    m.put("modified", d.modified().stream().map(c -> entryJson(c.after())).toList());
                    m.put("possibleBitRot", d.suspect().stream().map(c -> entryJson(c.after())).toList());
                    Output.json(out(), name(), m);
                } else {
                    PrintWriter out = out();
                    out.printf(Locale.ROOT, "comparing %s (%s) with %s (%s) on %s%n", a.id().substring(0, 8),
                            WHEN.format(a.time()), z.id().substring(0, 8), WHEN.format(z.time()), name[0]);
                    d.added().forEach(e -> out.println("+ " + e.path()));
                    d.removed().forEach(e -> out.println("- " + e.path()));
                    d.modified().forEach(c -> out.println("M " + c.after().path()));
                    d.suspect().forEach(c -> out.println("! " + c.after().path() + "  content changed but size and "
                            + "modification time did not: possible bit rot in the source; compare both versions "
                            + "before keeping either"));
                    out.printf(Locale.ROOT, "%d added, %d removed, %d modified, %d possible bit rot%n", d.added().size(),
                            d.removed().size(), d.modified().size(), d.suspect().size());
                }
                return HeirloomCli.OK;
            }
        }
    }

    @Command(name = "dump", description = "Write one file of a snapshot to standard output (or --output FILE), "
            + "checked against its hash.")
    static final class Dump extends Browsing implements Callable<Integer> {
        @Parameters(index = "0", paramLabel = "SNAPSHOT", description = "'latest' or a snapshot id (prefix)")
        String snapshot;

        @Parameters(index = "1", paramLabel = "PATH", description = "the file's path in the snapshot")
        String path;

        @Option(names = {"-o", "--output"}, paramLabel = "FILE", description = "write here instead (it appears only "
                + "once the bytes are checked)")
        Path output;

        @Override
        public Integer call() {
            try (Heirloom h = open()) {
                SnapshotBrowser b = browser(h, new String[1]);
                Snapshot s = b.snapshot(snapshot);
                return write(b.open(s, path));
            } catch (IOException e) {
                spec.commandLine().getErr().println("heirloom: " + e.getMessage());
                return HeirloomCli.FAILED;
            }
        }

        private int write(InputStream content) throws IOException {
            try (InputStream in = content) {
                if (output == null) {
                    // standard output as bytes; a damaged copy is found at its end (exit 1, said on stderr)
                    in.transferTo(System.out);
                    System.out.flush();
                    return HeirloomCli.OK;
                }
                Path dir = output.toAbsolutePath().getParent();
                Path tmp = Files.createTempFile(dir, ".heirloom-dump-", ".tmp");
                try {
                    try (OutputStream o = Files.newOutputStream(tmp)) {
                        in.transferTo(o);
                    }
                    Files.move(tmp, output, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
                } finally {
                    Files.deleteIfExists(tmp);
                }
                return HeirloomCli.OK;
            }
        }
    }

    @Command(name = "stats", description = "Count snapshots, files, objects and the space shared between snapshots, "
            + "per target.")
    static final class Stats extends HeirloomCli.Common implements Callable<Integer> {
        @Option(names = {"-t", "--target"}, paramLabel = "NAME", description = "only this target")
        String target;

        @Override
        public Integer call() {
            try (Heirloom h = open()) {
                Map<String, Object> all = new LinkedHashMap<>();
                int code = HeirloomCli.OK;
                for (TargetSpec t : chosen(h, target)) {
                    try {
                        List<String> unreadable = new ArrayList<>();
                        RepositoryStats r = h.browse(t.name()).stats(unreadable::add);
                        unreadable.forEach(u -> spec.commandLine().getErr().println("heirloom: " + t.name()
                                + ": cannot read " + u));
                        code = unreadable.isEmpty() ? code : HeirloomCli.FAILED;
                        if (json) {
                            Map<String, Object> m = new LinkedHashMap<>();
                            m.put("snapshots", r.snapshots());
                            m.put("latestFiles", r.latestFiles());
                            m.put("latestBytes", r.latestBytes());
                            m.put("fileVersions", r.fileVersions());
                            m.put("logicalBytes", r.logicalBytes());
                            m.put("objects", r.objects());
                            m.put("storedBytes", r.storedBytes());
                            m.put("dedupRatio", Math.round(r.dedupRatio() * 100) / 100.0);
                            all.put(t.name(), m);
                        } else {
                            out().printf(Locale.ROOT, "%s: %d snapshot(s); latest: %d files, %s; all snapshots: %d file "
                                            + "versions, %s, in %d objects, %s stored (%.2f x shared)%n", t.name(),
                                    r.snapshots(), r.latestFiles(), Sizes.human(r.latestBytes()), r.fileVersions(),
                                    Sizes.human(r.logicalBytes()), r.objects(), Sizes.human(r.storedBytes()), r.dedupRatio());
                        }
                    } catch (StorageException e) {
                        if (e instanceof InvalidConfigException) {
                            throw e; // a wrong passphrase is the configuration's fault: exit 2
                        }
                        spec.commandLine().getErr().println("heirloom: " + t.name() + ": " + e.getMessage());
                        code = HeirloomCli.FAILED;
                    }
                }
                if (json) {
                    Output.jsonByTarget(out(), name(), all, "stats");
                }
                return code;
            }
        }
    }

    private static String display(SnapshotEntry e) {
        return e.entry().isDir() ? e.path() + "/" : e.path();
    }

    private static Map<String, Object> entryJson(SnapshotEntry e) {
        TreeEntry t = e.entry();
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("path", e.path());
        m.put("type", t.isDir() ? "dir" : t.isFile() ? "file" : t.type().name().toLowerCase(Locale.ROOT));
        if (t.isFile()) {
            m.put("size", t.size());
            m.put("content", t.content());
        }
        m.put("mtime", t.mtime().toString());
        return m;
    }
}
