package dev.heirloom.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.datatype.jdk8.Jdk8Module;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import dev.heirloom.BackupReport;
import dev.heirloom.StatusReport;
import dev.heirloom.TargetStatus;
import dev.heirloom.backup.TargetResult;
import dev.heirloom.plan.Sizes;
import dev.heirloom.policy.ComplianceReport;
import dev.heirloom.policy.DamagedFolder;
import dev.heirloom.policy.FileCompliance;
import dev.heirloom.repository.Snapshot;
import dev.heirloom.source.SourceProblem;
import dev.heirloom.verify.BadObject;
import dev.heirloom.verify.RepairReport;
import dev.heirloom.verify.VerificationRecord;
import dev.heirloom.verify.VerifyReport;

import java.io.PrintWriter;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** Renders reports for people and as JSON. JSON views are built field by field so no secret can slip in. */
final class Output {
    /** The version of every --json document's shape (docs/json.md); raised when a field changes meaning or goes. */
    static final int SCHEMA_VERSION = 1;

    private static final ObjectMapper JSON = JsonMapper.builder()
            .addModule(new Jdk8Module()).addModule(new JavaTimeModule())
            .addModule(new com.fasterxml.jackson.databind.module.SimpleModule()
                    // the configuration's spellings: external-disk, offsite
                    .addSerializer(dev.heirloom.policy.Medium.class, new com.fasterxml.jackson.databind.ser.std.ToStringSerializerBase(
                            dev.heirloom.policy.Medium.class) {
                        @Override
                        public String valueToString(Object value) {
                            return ((dev.heirloom.policy.Medium) value).label();
                        }
                    })
                    .addSerializer(dev.heirloom.policy.Site.class, new com.fasterxml.jackson.databind.ser.std.ToStringSerializerBase(
                            dev.heirloom.policy.Site.class) {
                        @Override
                        public String valueToString(Object value) {
                            return ((dev.heirloom.policy.Site) value).label();
                        }
                    }))
            // absent fields are left out, in records and maps alike
            .defaultPropertyInclusion(com.fasterxml.jackson.annotation.JsonInclude.Value.construct(
                    com.fasterxml.jackson.annotation.JsonInclude.Include.NON_ABSENT,
                    com.fasterxml.jackson.annotation.JsonInclude.Include.NON_ABSENT))
            .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
            .enable(SerializationFeature.INDENT_OUTPUT)
            // every other enum as the configuration spells such values: content, succeeded, corrupt
            .enable(com.fasterxml.jackson.databind.cfg.EnumFeature.WRITE_ENUMS_TO_LOWERCASE)
            .build();
    private static final int SHOWN_SHORT_FILES = 20;

    private Output() {
    }

    /**
     * A command's --json document: {@code schemaVersion}, {@code command}, then the result's own
     * fields (an object), or the result under {@code targets} (a map keyed by target name) or
     * {@code results} (a list).
     */
    static void json(PrintWriter out, String command, Object value) {
        out.println(document(command, value, false));
    }

    /**
     * As {@link #json}, for a result per target: {@code targets} is a list, each item the target's
     * {@code name} and its result's fields (or the result under {@code field} when it is not an
     * object), as {@code status} gives its targets.
     */
    static void jsonByTarget(PrintWriter out, String command, java.util.Map<String, ?> perTarget, String field) {
        com.fasterxml.jackson.databind.node.ArrayNode list = JSON.createArrayNode();
        perTarget.forEach((name, value) -> {
            com.fasterxml.jackson.databind.node.ObjectNode item = list.addObject();
            item.put("name", name);
            com.fasterxml.jackson.databind.JsonNode tree = JSON.valueToTree(value);
            if (tree.isObject()) {
                item.setAll((com.fasterxml.jackson.databind.node.ObjectNode) tree);
            } else {
                item.set(field, tree);
            }
        });
        out.println(document(command, list, true));
    }

    /** An error as the --json document of a command that failed. */
    static void jsonError(PrintWriter out, String command, String message, int exitCode) {
        java.util.Map<String, Object> e = new LinkedHashMap<>();
        e.put("message", message);
        e.put("exitCode", exitCode);
        out.println(document(command, java.util.Map.of("error", e), false));
    }

    private static String document(String command, Object value, boolean byTarget) {
        return write(JSON.writer(), root(command, value, byTarget));
    }

    /** {@code schemaVersion} and {@code command}, then the result's fields, or the result under {@code targets}/{@code results}. */
    private static com.fasterxml.jackson.databind.node.ObjectNode root(String command, Object value, boolean byTarget) {
        com.fasterxml.jackson.databind.JsonNode tree = JSON.valueToTree(value);
        com.fasterxml.jackson.databind.node.ObjectNode root = JSON.createObjectNode();
        root.put("schemaVersion", SCHEMA_VERSION);
        root.put("command", command);
        if (byTarget) {
            root.set("targets", tree);
        } else if (tree.isObject()) {
            root.setAll((com.fasterxml.jackson.databind.node.ObjectNode) tree);
        } else {
            root.set("results", tree);
        }
        return root;
    }

    private static String write(com.fasterxml.jackson.databind.ObjectWriter writer, Object value) {
        try {
            return writer.writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    /** One value per line (JSON Lines), for long-running output such as {@code heirloom run --json}. */
    static void jsonLine(PrintWriter out, String command, Object value) {
        out.println(write(JSON.writer().without(SerializationFeature.INDENT_OUTPUT), root(command, value, false)));
    }

    static Map<String, Object> statusJson(StatusReport status) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("targets", status.targets().stream().map(Output::targetJson).toList());
        m.put("compliance", status.compliance());
        return m;
    }

    private static Map<String, Object> targetJson(TargetStatus t) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("name", t.spec().name());
        m.put("uri", t.spec().uri().toString());
        m.put("medium", t.spec().medium().label());
        m.put("site", t.spec().site().label());
        m.put("latest", t.latest().orElse(null));
        m.put("verifications", t.verifications());
        m.put("error", t.error().orElse(null));
        if (t.error().isEmpty()) {
            m.put("encrypted", t.encrypted());
            m.put("immutable", t.locks().immutable());
            m.put("lockedUntil", t.locks().lockedUntil().orElse(null));
            m.put("locks", t.locks().explanation());
        }
        return m;
    }

    static void backup(PrintWriter out, BackupReport r) {
        Duration took = Duration.between(r.started(), r.finished());
        r.refused().ifPresent(why -> out.printf(Locale.ROOT, "NO SNAPSHOT WRITTEN: %s%n", why));
        out.printf(Locale.ROOT, "Backup %s: %d files (%s) in %.1f s; %d new or changed, %d unchanged; %s read%n",
                r.refused().isPresent() ? "refused" : r.snapshotId(), r.stats().files(), Sizes.human(r.stats().bytes()), took.toMillis() / 1000.0,
                r.stats().filesRead(), r.stats().unchanged(), Sizes.human(r.stats().bytesRead()));
        for (TargetResult t : r.targets()) {
            if (t.succeeded()) {
                out.printf(Locale.ROOT, "  %-12s ok      %d new objects (%s), %d already there, %d folders recorded%n",
                        t.name(), t.objectsWritten(), Sizes.human(t.bytesWritten()), t.objectsPresent(), t.treesWritten());
                if (t.treesDamaged() > 0) {
                    out.printf(Locale.ROOT, "  %-12s         %d folder record(s) of the last snapshot were missing or damaged; "
                            + "the folders were read again from the source, %d record(s) stored anew and the new snapshot "
                            + "names only intact ones (older snapshots may still name the damaged ones: heirloom verify, "
                            + "heirloom repair)%n", "", t.treesDamaged(), t.treesRepaired());
                }
            } else {
                out.printf(Locale.ROOT, "  %-12s FAILED  %s%n", t.name(), t.error().orElse("?"));
            }
        }
        if (r.problemCount() > 0) {
            out.printf(Locale.ROOT, "%d file(s) or folder(s) skipped:%n", r.problemCount());
            for (SourceProblem p : r.problems().subList(0, Math.min(20, r.problems().size()))) {
                out.printf(Locale.ROOT, "  %s: %s%n", p.path(), p.reason());
            }
        }
        if (!r.suspectedBitRot().isEmpty()) {
            out.printf(Locale.ROOT, "%d file(s) SUSPECTED OF BIT ROT (content changed, size and time did not); "
                    + "the snapshot keeps the last good version, the suspect content is stored beside it:%n",
                    r.suspectedBitRot().size());
            r.suspectedBitRot().forEach(b -> out.printf(Locale.ROOT, "  %s: good %s, now %s%n", b.path(), b.good(), b.suspect()));
        }
        ComplianceReport c = r.compliance();
        if (r.problemCount() > 0 && c.compliant()) {
            // the snapshot's files meet the policy, but the skipped ones are in no snapshot at all
            out.printf(Locale.ROOT, "Policy %s: NOT MET - %d file(s) or folder(s) of the source were skipped (above) and "
                    + "have no copy; the %d files backed up have %d+ copies on %d+ media, %d+ offsite%n", c.policy(),
                    r.problemCount(), c.totalFiles(), c.policy().copies(), c.policy().media(), c.policy().offsite());
            c.notes().forEach(n -> out.println("  note: " + n));
            return;
        }
        compliance(out, c);
    }

    static void status(PrintWriter out, StatusReport s) {
        out.println("Targets:");
        for (TargetStatus t : s.targets()) {
            String state = t.error().map(e -> "UNAVAILABLE: " + e)
                    .orElseGet(() -> t.latest().map(Output::snapshotLine).orElse("no snapshot yet"));
            out.printf(Locale.ROOT, "  %-12s %-13s %-7s %s%n", t.spec().name(), t.spec().medium().label(),
                    t.spec().site().label(), state);
            if (t.error().isEmpty()) {
                out.printf(Locale.ROOT, "  %-12s %s; %s%n", "", t.encrypted() ? "encrypted" : "not encrypted",
                        t.locks().immutable() ? "immutable: " + t.locks().explanation() : "not immutable (" + t.locks().explanation() + ")");
            }
            for (VerificationRecord v : t.verifications()) {
                out.printf(Locale.ROOT, "  %-12s verified %-7s %s: %d of %d objects checked%s, %s%n", "",
                        v.level().label(), v.time().truncatedTo(java.time.temporal.ChronoUnit.SECONDS), v.objectsChecked(),
                        v.objects(), v.samplePercent() < 100 ? " (" + v.samplePercent() + "% sample)" : "",
                        v.bad() == 0 ? "all good" : v.bad() + " BAD");
            }
        }
        compliance(out, s.compliance());
    }

    static String snapshotLine(Snapshot s) {
        return String.format(Locale.ROOT, "%s  %s  %d files, %s", s.id(),
                s.time().truncatedTo(java.time.temporal.ChronoUnit.SECONDS), s.files(), Sizes.human(s.bytes()));
    }

    static void verify(PrintWriter out, VerifyReport r) {
        out.printf(Locale.ROOT, "%s: %s check of %d objects%s (%d snapshots), %s read: %s%n", r.target(), r.level().label(),
                r.objectsChecked(), r.samplePercent() < 100 ? " (" + r.samplePercent() + "% rotating sample of " + r.objects() + ")" : "",
                r.snapshots(), Sizes.human(r.bytesRead()), r.clean() ? "all good" : r.badCount() + " BAD");
        r.notes().forEach(n -> out.println("  note: " + n));
        for (BadObject b : r.bad()) {
            out.printf(Locale.ROOT, "  %s %s: %s%n", b.problem(), b.hash(), b.detail());
            b.paths().forEach(p -> out.println("      needed by " + p));
        }
    }

    static void repair(PrintWriter out, RepairReport r) {
        verify(out, r.verify());
        for (RepairReport.Repaired fixed : r.repaired()) {
            out.printf(Locale.ROOT, "  REPAIRED %s from %s%n", fixed.hash(), fixed.from());
        }
        for (BadObject b : r.lost()) {
            out.printf(Locale.ROOT, "  LOST %s: no good copy on the source or any target%n", b.hash());
            b.paths().forEach(p -> out.println("      needed by " + p));
        }
        out.printf(Locale.ROOT, "%s: %s%n", r.target(), r.healed() ? "healed" : r.lost().size() + " object(s) LOST");
    }

    static void forget(PrintWriter out, dev.heirloom.retention.ForgetReport r) {
        out.printf(Locale.ROOT, "%s: %d snapshot(s), %s %d%n", r.target(), r.decisions().size(),
                r.dryRun() ? "would forget" : "forgot", r.forgotten());
        for (dev.heirloom.retention.RetentionDecision d : r.decisions()) {
            out.printf(Locale.ROOT, "  %s %s  %s%n", d.kept() ? "keep  " : "forget", snapshotLine(d.snapshot()),
                    d.kept() ? String.join("; ", d.reasons()) : "");
        }
        if (r.locked() > 0) {
            out.printf(Locale.ROOT, "  %d of those the target keeps locked%s: they stay, and a forget after that deletes them%n",
                    r.locked(), r.lockedUntil().map(t -> " until " + t).orElse(""));
        }
    }

    static void compliance(PrintWriter out, ComplianceReport c) {
        if (c.snapshotId().isEmpty() && !c.unavailable().isEmpty()) {
            // an unreachable target may well hold one: say what is known, not that there is none
            out.printf(Locale.ROOT, "Policy %s: NOT MET - no snapshot on a reachable target%n", c.policy());
        } else if (c.snapshotId().isEmpty()) {
            out.printf(Locale.ROOT, "Policy %s: NOT MET - no target holds a snapshot yet%n", c.policy());
        } else if (!c.allFoldersReadable()) {
            long lost = c.damagedFolders().stream().filter(d -> !d.readable()).count();
            out.printf(Locale.ROOT, "Policy %s: NOT MET - %d folder(s) of snapshot %s cannot be read from any target, "
                    + "so the files in them cannot be counted (%d of the %d files counted are short of copies)%n",
                    c.policy(), lost, c.snapshotId().get(), c.nonCompliantFiles(), c.totalFiles());
        } else if (c.compliant()) {
            out.printf(Locale.ROOT, "Policy %s: MET - all %d files have %d+ copies on %d+ media, %d+ offsite%s%n",
                    c.policy(), c.totalFiles(), c.policy().copies(), c.policy().media(), c.policy().offsite(),
                    c.policy().offlineOrLocked() > 0 || c.policy().zeroErrors() ? " (" + c.policy().asks() + ")" : "");
        } else {
            out.printf(Locale.ROOT, "Policy %s: NOT MET - %d of %d files are short of copies%n", c.policy(),
                    c.nonCompliantFiles(), c.totalFiles());
        }
        c.unreachable().forEach(r -> out.println("  can never comply: " + r));
        c.unavailable().forEach(t -> out.println("  not counted (unavailable): " + t));
        c.notes().forEach(n -> out.println("  note: " + n));
        for (DamagedFolder d : c.damagedFolders()) {
            out.printf(Locale.ROOT, "  DAMAGED folder record '%s' (tree %s)%s: %s%n", d.path().isEmpty() ? "/" : d.path(),
                    d.tree(), d.readable() ? "" : " on every target", d.damagedOn().isEmpty() ? "no target gives it back"
                            : String.join("; ", d.damagedOn()));
            out.printf(Locale.ROOT, "    fix: %s%n", d.readable()
                    ? "heirloom repair (copies it from a target that holds it intact)"
                    : "heirloom backup writes it again if the folder is unchanged in the source; older snapshots may "
                            + "still restore the files (heirloom snapshots)");
        }
        List<FileCompliance> shown = c.shortFiles().subList(0, Math.min(SHOWN_SHORT_FILES, c.shortFiles().size()));
        for (FileCompliance f : shown) {
            out.printf(Locale.ROOT, "  %s: %d copies (%s), %d media, %d offsite%s%s%n", f.path(), f.copies(),
                    String.join(", ", f.heldBy()), f.media(), f.offsite(),
                    c.policy().offlineOrLocked() > 0 ? ", " + f.offlineOrLocked() + " offline or locked" : "",
                    f.notCounted().isEmpty() ? "" : "; not counted: " + String.join(", ", f.notCounted()));
        }
        if (c.nonCompliantFiles() > shown.size()) {
            out.printf(Locale.ROOT, "  ... and %d more (see --json)%n", c.nonCompliantFiles() - shown.size());
        }
    }
}
